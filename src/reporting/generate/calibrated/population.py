"""``population.csv`` of the calibrated demo: the populations the published rates imply.

The 2016-17 report and the 2013 area profile computed their rates per 10,000 children with
the ONS mid-year estimates of the time; DfE's folder holds the current (Census 2021
consistent) series, which differs by up to about 1%. Rates are printed to 0 or 1 decimal
place, so each published rate with its count pins the population to an interval. For
every mid-year used by a demo year (a reporting year uses the estimate of the calendar
year in which it starts):

* when the intervals of all its rates overlap, ``population.csv`` holds the integer in the
  overlap nearest the current ONS figure, "inferred" in ``source`` with the ONS figure
  beside it;
* when they do not, but more than half of the rates agree, the population they imply is
  used and the others are listed as contradictions (the published rate cannot be
  reproduced with the count it goes with);
* otherwise - or when no rate was published for that year - the current ONS figure.

Implied populations more than 5% from the ONS figure are not believed (they come from
rates that are not per 10,000 of the counts they are printed with) and count as
contradictions. :func:`population_table` returns the table; :func:`population_choices`
also returns the reasoning for ``docs/calibration.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reporting.generate.calibrated import DEMO_YEARS
from reporting.generate.calibrated.targets import PUBLISHED, Target, Targets
from reporting.periods import ReportingYear

# rate indicator -> the count indicator giving its numerator when the rate row has none
RATE_COUNTS = {"cla_rate": "cla_at_31march", "cin_rate": "cin_at_31march", "cpp_rate": "cpp_at_31march",
               "referral_rate": "referrals", "cpp_rate_neglect": "cpp_starts_neglect",
               "cpp_rate_physical": "cpp_starts_physical", "cpp_rate_sexual": "cpp_starts_sexual",
               "cpp_rate_emotional": "cpp_starts_emotional", "cpp_rate_multiple": "cpp_starts_multiple"}
# Current ONS mid-year estimates, children aged 0-17, Hampshire (DfE's
# ons_mid-year_population_estimates_2012_to_2024.csv); used when the targets file is not at hand.
ONS_HAMPSHIRE = {2012: 280_728, 2013: 280_312, 2014: 279_826, 2015: 279_851, 2016: 280_442, 2017: 280_006,
                 2018: 279_687}
PLAUSIBLE = 0.05


@dataclass
class Rate:
    figure: str
    indicator: str
    period: str
    value: float
    precision: int
    count: int
    lo: int  # smallest population printing as the value
    hi: int  # largest


@dataclass
class Choice:
    mid_year: int
    population: int
    ons: int | None
    kind: str  # inferred, majority, ons
    rates: list[Rate] = field(default_factory=list)
    outliers: list[Rate] = field(default_factory=list)
    reference: tuple[int, int] | None = None  # (mid-year, figure) the nearest integer was sought from

    @property
    def source(self) -> str:
        if self.ons:
            ons = f"ONS current series: {self.ons:,}"
        elif self.reference:
            ons = (f"no current ONS figure for mid-{self.mid_year}; the mid-{self.reference[0]} figure "
                   f"{self.reference[1]:,} was the reference")
        else:
            ons = "no current ONS figure for this mid-year"
        if self.kind == "ons":
            why = ("no published rate for this year" if not self.rates else
                   "the published rates contradict each other (" + "; ".join(_show(r) for r in self.rates) + ")")
            return f"ONS mid-{self.mid_year} estimate, current series ({why})"
        used = [r for r in self.rates if r not in self.outliers]
        text = (f"inferred from the published rates ({'; '.join(_show(r) for r in used)}): "
                f"the integer in every rate's rounding interval nearest the ONS figure ({ons})")
        if self.outliers:
            text += "; contradicted by " + "; ".join(_show(r) for r in self.outliers)
        return text


def _show(r: Rate) -> str:
    return f"{r.indicator} {r.period} {r.value:g} for {r.count:,} -> {r.lo:,}-{r.hi:,}"


def rate_interval(value: float, precision: int, count: int) -> tuple[int, int] | None:
    """Integers P with ``round_half_away(10000 * count / P, precision) == value`` (an interval)."""
    t = Target("", "", "", "rate_per_10k", value, precision)
    if value <= 0 or count <= 0:
        return None
    half = 0.5 * 10 ** -precision
    lo = math.floor(10000 * count / (value + half)) - 2
    hi = math.ceil(10000 * count / (value - half)) + 2 if value > half else lo + 10**7
    ok = [p for p in (lo, lo + 1, lo + 2, lo + 3, lo + 4) if p > 0 and t.accepts(10000 * count / p)]
    ok_hi = [p for p in (hi, hi - 1, hi - 2, hi - 3, hi - 4) if p > 0 and t.accepts(10000 * count / p)]
    if not ok or not ok_hi:
        return None
    return min(ok), max(ok_hi)


def _rates(targets: Targets) -> dict[int, list[Rate]]:
    df = targets.figures
    out: dict[int, list[Rate]] = {}
    rows = df[df["unit"].eq("rate_per_10k") & df["role"].eq("value") & df["value"].ne("")]
    for r in rows.sort_values("figure_id").itertuples():
        t = targets.get(r.indicator_id, r.period_label, r.breakdown)
        if t is None or t.value is None:
            continue
        count = t.numerator
        if count is None and r.indicator_id in RATE_COUNTS:
            c = targets.get(RATE_COUNTS[r.indicator_id], r.period_label, r.breakdown)
            if c is not None:
                count = c.numerator if c.unit != "count" else (int(c.value) if c.value is not None else None)
        if count is None:
            continue
        iv = rate_interval(t.value, t.precision or 0, count)
        if iv is None:
            continue
        year = _mid_year(r.period_label)
        if year is None:
            continue
        rate = Rate(r.figure_id, r.indicator_id, r.period_label, t.value, t.precision or 0, count, *iv)
        if all(x.figure != rate.figure and (x.indicator, x.period) != (rate.indicator, rate.period)
               for x in out.get(year, [])):
            out.setdefault(year, []).append(rate)
    return out


def _mid_year(label: str) -> int | None:
    try:
        return ReportingYear.parse(label).population_mid_year
    except ValueError:
        pass
    try:
        day = pd.Timestamp(label)
    except (ValueError, TypeError):
        return None
    return day.year - 1 if day.month < 4 else day.year


def ons_figures(path: Path | None = None) -> dict[int, int]:
    """Current ONS figures: the targets file's population rows where present, else the constants."""
    out = dict(ONS_HAMPSHIRE)
    path = path or PUBLISHED
    if path.exists():
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        rows = df[df["role"].eq("population") & df["figure_id"].str.startswith("dfe-ons-population-mid-")]
        for r in rows.itertuples():
            out[int(r.figure_id.rsplit("-", 1)[1])] = int(float(r.value))
    return out


def population_choices(targets: Targets, ons: dict[int, int] | None = None) -> list[Choice]:
    ons = ons if ons is not None else ons_figures()
    rates = _rates(targets)
    mids = sorted({ReportingYear.parse(y).population_mid_year for y in DEMO_YEARS})
    out = []
    for mid in mids:
        near = mid if mid in ons else min(ons, key=lambda m: (abs(m - mid), m))
        ref = ons[near]
        rs = rates.get(mid, [])
        plausible = [r for r in rs if r.lo <= ref * (1 + PLAUSIBLE) and r.hi >= ref * (1 - PLAUSIBLE)]
        best: list[Rate] = []
        # the largest group of rates whose intervals share a point (intervals: check each left end)
        for r in plausible:
            grp = [x for x in plausible if x.lo <= r.lo <= x.hi] if plausible else []
            if len(grp) > len(best):
                best = grp
        if rs and len(best) == len(rs):
            kind = "inferred"
        elif rs and len(best) * 2 > len(rs):
            kind = "majority"
        else:
            kind = "ons"
        if kind == "ons":
            pop = ons.get(mid) or ref
            out.append(Choice(mid, pop, ons.get(mid), kind, rs, []))
            continue
        lo = max(r.lo for r in best)
        hi = min(r.hi for r in best)
        pop = min(max(ref, lo), hi)
        out.append(Choice(mid, pop, ons.get(mid), kind, rs, [r for r in rs if r not in best], (near, ref)))
    return out


def population_table(targets: Targets, ons: dict[int, int] | None = None) -> pd.DataFrame:
    """``population.csv`` rows: ``mid_year``, ``population_0_17``, ``source``."""
    rows = [{"mid_year": c.mid_year, "population_0_17": c.population, "source": c.source}
            for c in population_choices(targets, ons)]
    return pd.DataFrame(rows, columns=["mid_year", "population_0_17", "source"])
