"""Internal consistency of the published figures, independent of any record data.

Each check reads only ``data/reference/published_figures.csv`` (see
:mod:`reporting.published.figures`) and returns findings: which figures it used, the
arithmetic as a readable string, what the arithmetic expects, what was printed, the
difference, the tolerance and a verdict.

Tolerance
---------
A printed percentage or rate stands for every value that rounds to it (half away from
zero) at its printed precision: ``43.7%`` for anything in [43.65, 43.75). Counts are
exact. So

* a percentage checked against its own numerator and denominator is *consistent* when
  the exact quotient prints as the published value;
* a sum of rounded figures is consistent when the interval of possible sums meets the
  interval of the total (the tolerance is the sum of the half-units);
* a figure whose numerator or denominator is unknown gives an interval of whole numbers
  it allows (a rate per 10,000 gives the populations that would print it); figures that
  should share one (rates in one year, shares of one year's referrals) are consistent
  when those intervals meet.

Verdicts are ``consistent``, ``contradiction`` and ``undetermined`` (a relation that is
not an identity by definition, or a part that was not published).

Checks
------
:func:`check_component_sums`, :func:`check_percentages`, :func:`check_rates`,
:func:`check_stocks_and_flows`, :func:`check_text_against_tables`,
:func:`check_repeated_figures` and :func:`check_printed_units`;
:func:`run_consistency_checks` runs them all and :func:`render_contradictions` writes
``docs/published_contradictions.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import pandas as pd

from reporting.published.figures import REPO_ROOT, SOURCES, parse_published

DOC_PATH = REPO_ROOT / "docs" / "published_contradictions.md"
VERDICTS = ("consistent", "contradiction", "undetermined")
FINDING_COLUMNS = [
    "check_id",
    "kind",
    "description",
    "figure_ids",
    "arithmetic",
    "expected",
    "published",
    "difference",
    "tolerance",
    "verdict",
    "note",
]
REPORT_YEARS = ["2012-13", "2013-14", "2014-15", "2015-16", "2016-17"]
SOURCE_YEARS = REPORT_YEARS[1:]  # referral sources are published from 2013-14
REFERRAL_SOURCES = [
    "referral_source_individual",
    "referral_source_education",
    "referral_source_health",
    "referral_source_housing",
    "referral_source_la_services",
    "referral_source_police",
    "referral_source_other_legal",
    "referral_source_other",
    "referral_source_anonymous",
    "referral_source_unknown",
    "referral_source_not_recorded",
]
CPP_CATEGORIES = ["neglect", "physical", "sexual", "emotional"]
# quarters of the 3.10 table, in order, and the 31 March stocks that anchor them
CLA_QUARTERS = [
    "Jan-Mar 2016",
    "Apr-Jun 2016",
    "Jul-Sep 2016",
    "Oct-Dec 2016",
    "Jan-Mar 2017",
    "Apr-Jun 2017",
]
MISSING_QUARTERS = [
    "Oct-Dec 2015",
    "Jan-Mar 2016",
    "Apr-Jun 2016",
    "Jul-Sep 2016",
    "Oct-Dec 2016",
    "Jan-Mar 2017",
]
DFE_YEARS = ["2012-13", "2013-14", "2014-15", "2015-16", "2016-17", "2017-18"]
D5_BANDS = [
    "3_months_or_less",
    "more_than_3_months_6_months",
    "more_than_6_months_less_than_1_year",
    "1_year_less_than_2_years",
    "2_years_or_more",
]
KIND_TITLES = {
    "sum": "Components against their totals",
    "percentage": "Percentages against their own numerators and denominators",
    "rate": "Rates per 10,000 against population",
    "stock_flow": "Stocks against flows",
    "text_table": "Text against tables",
    "repeated": "The same figure printed more than once",
    "report_vs_dfe": "The report and the profile against DfE's files",
    "cross_document": "The report against the area profile",
    "printed_unit": "Printed units",
}


# ------------------------------------------------------------------ exact arithmetic


def round_fraction(x: Fraction, digits: int) -> Fraction:
    """``x`` rounded half away from zero to ``digits`` decimal places, exactly.

    Examples
    --------
    >>> round_fraction(Fraction(1225, 100), 1)
    Fraction(123, 10)
    >>> round_fraction(Fraction(-5, 2), 0)
    Fraction(-3, 1)
    """
    q = Fraction(1, 10**digits)
    n = math.floor(abs(x) / q + Fraction(1, 2))
    return (n * q) if x >= 0 else -(n * q)


def prints_as(x: Fraction, published: Fraction, digits: int) -> bool:
    """True when ``x`` rounded half away from zero to ``digits`` places equals ``published``."""
    return round_fraction(Fraction(x), digits) == Fraction(published)


def half_unit(digits: int) -> Fraction:
    """Half a unit of the last printed place: 0.05 for one decimal place."""
    return Fraction(1, 2 * 10**digits)


def rounding_interval(published: Fraction, digits: int) -> tuple[Fraction, Fraction]:
    """The closed hull of the values that print as ``published`` (its ends may not print)."""
    h = half_unit(digits)
    return Fraction(published) - h, Fraction(published) + h


def whole_numbers_where(
    pred: Callable[[int], bool], lo: Fraction, hi: Fraction
) -> tuple[int, int] | None:
    """The smallest and largest whole numbers in about ``[lo, hi]`` for which ``pred`` holds.

    ``[lo, hi]`` is the real-valued estimate; the search widens it by one on each side, so
    half-open rounding ends are decided by ``pred`` itself. ``None`` when none qualifies.

    ``pred`` must hold on one unbroken run of whole numbers (true of rounding a monotone
    function such as ``n / d``). Wide ranges (a population a rate implies spans thousands)
    are then decided at their ends: when ``pred`` holds at the first and last whole numbers
    inside ``(lo, hi)``, it holds at every one between, and only the few numbers outside
    them are tried one by one; otherwise every number is tried.
    """
    start, stop = max(math.floor(lo) - 1, 0), math.ceil(hi) + 1
    inner_lo, inner_hi = max(math.floor(lo) + 1, start), math.ceil(hi) - 1
    if inner_hi - inner_lo > 8 and pred(inner_lo) and pred(inner_hi):
        first, last = inner_lo, inner_hi
        while first - 1 >= start and pred(first - 1):
            first -= 1
        while last + 1 <= stop and pred(last + 1):
            last += 1
        return first, last
    hits = [k for k in range(start, stop + 1) if pred(k)]
    return (hits[0], hits[-1]) if hits else None


def _fmt(x: Fraction | int | float | None, places: int = 2) -> str:
    if x is None:
        return "n/a"
    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    return f"{float(x):.{places}f}"


def _fmt_unit(x: Fraction, unit: str, places: int) -> str:
    r = round_fraction(Fraction(x), places)
    return f"{float(r):.{places}f}" + ("%" if unit == "percent" else "")


# ------------------------------------------------------------------ findings


@dataclass(frozen=True)
class Finding:
    """One consistency check's result.

    Attributes
    ----------
    check_id : str
        Unique id, ``{kind}.{what}.{period}``.
    kind : str
        One of :data:`KIND_TITLES`.
    description : str
        What is compared, in words.
    figure_ids : tuple of str
        The published figures involved.
    arithmetic : str
        The computation that shows the verdict.
    expected, published : str
        What the arithmetic gives and what was printed.
    difference : float or None
        published - expected where both are numbers (for intervals, the gap to the
        nearest end; for intervals that do not meet, the size of the gap).
    tolerance : float or None
        The slack the printed precision allows.
    verdict : str
        ``consistent``, ``contradiction`` or ``undetermined``.
    note : str
        Context: an explanation the arithmetic suggests, a caveat.
    """

    check_id: str
    kind: str
    description: str
    figure_ids: tuple[str, ...]
    arithmetic: str
    expected: str
    published: str
    difference: float | None
    tolerance: float | None
    verdict: str
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "figure_ids", tuple(dict.fromkeys(self.figure_ids)))
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict {self.verdict!r} not one of {VERDICTS}")
        if self.kind not in KIND_TITLES:
            raise ValueError(f"kind {self.kind!r} not one of {tuple(KIND_TITLES)}")


def _verdict(ok: bool) -> str:
    return "consistent" if ok else "contradiction"


def _f(x: Fraction | None) -> float | None:
    return None if x is None else float(x)


@dataclass(frozen=True)
class Q:
    """A known quantity: its exact value, how to print it and the figures it comes from."""

    value: Fraction
    text: str
    fids: tuple[str, ...] = field(default=())


class FigureSet:
    """The published figures by ``figure_id``, with exact values and printed precision."""

    def __init__(self, figures: pd.DataFrame):
        self.df = figures.set_index("figure_id", drop=False)

    def __contains__(self, fid: str) -> bool:
        return fid in self.df.index

    def numeric(self, *fids: str) -> bool:
        """True when every figure is present and prints a number."""
        return all(
            f in self.df.index and parse_published(self.df.at[f, "published"]) is not None
            for f in fids
        )

    def present(self, *fids: str) -> bool:
        return all(f in self.df.index for f in fids)

    def row(self, fid: str) -> pd.Series:
        return self.df.loc[fid]

    def value(self, fid: str) -> Fraction:
        v = parse_published(self.df.at[fid, "published"])
        if v is None:
            raise KeyError(f"{fid}: published {self.df.at[fid, 'published']!r} is not a number")
        return Fraction(str(v)) if not float(v).is_integer() else Fraction(int(v))

    def published(self, fid: str) -> str:
        return str(self.df.at[fid, "published"])

    def precision(self, fid: str) -> int:
        p = self.df.at[fid, "precision"]
        return 0 if p is None or pd.isna(p) or p == "" else int(p)

    def unit(self, fid: str) -> str:
        return str(self.df.at[fid, "unit"])

    def is_exact(self, fid: str) -> bool:
        """Counts are exact; percentages and rates stand for a rounding interval."""
        return self.unit(fid) == "count"

    def interval(self, fid: str) -> tuple[Fraction, Fraction]:
        v = self.value(fid)
        return (v, v) if self.is_exact(fid) else rounding_interval(v, self.precision(fid))

    def agree(self, a: str, b: str) -> bool:
        """True when one true value could print as both figures.

        Two counts must be equal; a count must print as the rounded figure; two rounded
        figures must have rounding intervals that share more than an end point (an end
        that prints as one cannot print as the other).
        """
        if self.is_exact(a) and self.is_exact(b):
            return self.value(a) == self.value(b)
        if self.is_exact(a) or self.is_exact(b):
            exact, rounded = (a, b) if self.is_exact(a) else (b, a)
            return prints_as(self.value(exact), self.value(rounded), self.precision(rounded))
        (a_lo, a_hi), (b_lo, b_hi) = self.interval(a), self.interval(b)
        return max(a_lo, b_lo) < min(a_hi, b_hi)

    def q(self, fid: str) -> Q:
        return Q(self.value(fid), self.published(fid), (fid,))

    def first(self, *fids: str) -> str | None:
        """The first of ``fids`` that is present and numeric."""
        return next((f for f in fids if self.numeric(f)), None)


def linear_check(
    F: FigureSet,
    check_id: str,
    kind: str,
    description: str,
    terms: Sequence[tuple[str, int]],
    total: str | Q,
    note: str = "",
    allow_unknown: bool = True,
) -> list[Finding]:
    """A signed sum of published figures against a total, in interval arithmetic.

    Counts are exact; each percentage or rate contributes its rounding interval, so the
    sum is an interval and the finding is consistent when it meets the total's interval
    (intervals are taken closed: a sum exactly at an end that no rounded value reaches
    still counts as meeting it).
    A term printed as no number (``n/k``) is solved for when it is the only one: the
    finding is then consistent when the value it must have includes a whole number of at
    least 0.

    Parameters
    ----------
    F : FigureSet
        The figures.
    check_id, kind, description : str
        As in :class:`Finding`.
    terms : sequence of (str, int)
        ``(figure_id, sign)`` with sign ``1`` or ``-1``.
    total : str or Q
        The figure the sum should equal, or a known constant (``Q(100, "100%")``).
    note : str, optional
        Added to the finding.
    allow_unknown : bool, optional
        Solve for a single term printed as no number (default True).

    Returns
    -------
    list of Finding
        One finding, or none when a figure is absent.
    """
    fids = [f for f, _ in terms] + ([total] if isinstance(total, str) else list(total.fids))
    if not F.present(*fids) or (isinstance(total, str) and not F.numeric(total)):
        return []
    unknown = [(f, s) for f, s in terms if not F.numeric(f)]
    if len(unknown) > 1 or (unknown and not allow_unknown):
        return []
    tot_lo, tot_hi = F.interval(total) if isinstance(total, str) else (total.value, total.value)
    tot_text = F.published(total) if isinstance(total, str) else total.text
    lo = hi = Fraction(0)
    parts = []
    for i, (f, s) in enumerate(terms):
        text = F.published(f)
        if text.startswith("-") and (i > 0 or s < 0):
            text = f"({text})"
        parts.append((("" if i == 0 else " + ") if s > 0 else ("-" if i == 0 else " - ")) + text)
        if (f, s) in unknown:
            continue
        a, b = F.interval(f)
        lo, hi = (lo + a, hi + b) if s > 0 else (lo - b, hi - a)
    expr = "".join(parts)
    tol = (hi - lo) / 2 + (tot_hi - tot_lo) / 2
    if unknown:
        f, s = unknown[0]
        # total = known + s*x  ->  x = s*(total - known)
        x_lo, x_hi = sorted([s * (tot_lo - hi), s * (tot_hi - lo)])
        whole = [k for k in range(math.ceil(x_lo), math.floor(x_hi) + 1) if k >= 0]
        ok = bool(whole)
        exp = (
            f"{F.published(f)} = {_fmt(x_lo) if x_lo == x_hi else f'{_fmt(x_lo)} to {_fmt(x_hi)}'}"
        )
        return [
            Finding(
                check_id,
                kind,
                description,
                tuple(fids),
                f"{expr} = {tot_text}",
                exp,
                tot_text,
                None,
                _f(tol),
                _verdict(ok),
                (
                    f"holds only if the figure printed {F.published(f)!r} is "
                    f"{_fmt(x_lo) if x_lo == x_hi else f'{_fmt(x_lo)}-{_fmt(x_hi)}'}"
                    + (f"; {note}" if note else "")
                ),
            )
        ]
    ok = lo <= tot_hi and tot_lo <= hi
    exact = lo == hi
    exp = _fmt(lo) if exact else f"{_fmt(lo)} to {_fmt(hi)}"
    mid = (lo + hi) / 2
    tv = F.value(total) if isinstance(total, str) else total.value
    arith = f"{expr} = {exp} vs {tot_text}"
    return [
        Finding(
            check_id,
            kind,
            description,
            tuple(fids),
            arith,
            exp,
            tot_text,
            _f(tv - mid),
            _f(tol),
            _verdict(ok),
            note,
        )
    ]


def ratio_check(
    F: FigureSet,
    check_id: str,
    kind: str,
    description: str,
    num: str | Q,
    den: str | Q,
    result: str,
    scale: int = 100,
    note: str = "",
) -> list[Finding]:
    """``scale * num / den`` printed at the result's precision, against the result.

    Parameters
    ----------
    F : FigureSet
        The figures.
    check_id, kind, description : str
        As in :class:`Finding`.
    num, den : str or Q
        Figure ids, or known quantities (a sum, a difference).
    result : str
        The printed percentage (``scale=100``) or rate per 10,000 (``scale=10000``).
    scale : int, optional
        100 for a percentage, 10,000 for a rate per 10,000.
    note : str, optional
        Added to the finding.

    Returns
    -------
    list of Finding
        One finding, consistent when the exact quotient prints as the published value;
        none when a figure is absent or prints no number.
    """
    qs = [
        F.q(x) if isinstance(x, str) else x for x in (num, den) if isinstance(x, Q) or F.numeric(x)
    ]
    if len(qs) < 2 or not F.numeric(result):
        return []
    n, d = qs
    if d.value == 0:
        return []
    p = F.precision(result)
    x = scale * n.value / d.value
    pub = F.value(result)
    unit = F.unit(result)
    ok = prints_as(x, pub, p)
    times = f" x {scale}" if scale != 100 else ""
    sign = "%" if unit == "percent" else ""
    arith = (
        f"{n.text} / {d.text}{times} = {_fmt(x, p + 2)}{sign} -> prints {_fmt_unit(x, unit, p)} "
        f"vs published {F.published(result)}"
    )
    return [
        Finding(
            check_id,
            kind,
            description,
            (*n.fids, *d.fids, result),
            arith,
            _fmt_unit(x, unit, p),
            F.published(result),
            float(pub - x),
            float(half_unit(p)),
            _verdict(ok),
            note,
        )
    ]


def implied_denominators(
    F: FigureSet, numerator: Fraction, result: str, scale: int = 100
) -> tuple[int, int] | None:
    """Whole denominators ``d`` for which ``scale * numerator / d`` prints as ``result``.

    The denominator a percentage implies from its numerator, or the population a rate
    per 10,000 implies from its count (``scale=10000``). ``None`` when there is none.
    """
    pub, p = F.value(result), F.precision(result)
    lo, hi = rounding_interval(pub, p)
    if numerator <= 0 or hi <= 0:
        return None
    est_lo = scale * numerator / hi
    est_hi = scale * numerator / lo if lo > 0 else est_lo * 10
    return whole_numbers_where(
        lambda d: d > 0 and prints_as(scale * numerator / d, pub, p), est_lo, est_hi
    )


def implied_numerators(
    F: FigureSet, denominator: Fraction, result: str, scale: int = 100
) -> tuple[int, int] | None:
    """Whole numerators ``k <= denominator`` for which ``scale * k / denominator`` prints as ``result``."""
    pub, p = F.value(result), F.precision(result)
    lo, hi = rounding_interval(pub, p)
    return whole_numbers_where(
        lambda k: k <= denominator and prints_as(scale * Fraction(k) / denominator, pub, p),
        lo * denominator / scale,
        hi * denominator / scale,
    )


def _rng(r: tuple[int, int] | None) -> str:
    return "none" if r is None else (str(r[0]) if r[0] == r[1] else f"{r[0]}..{r[1]}")


def _intersect(ranges: Iterable[tuple[int, int] | None]) -> tuple[int, int] | None:
    lo, hi = -math.inf, math.inf
    for r in ranges:
        if r is None:
            return None
        lo, hi = max(lo, r[0]), min(hi, r[1])
    return (int(lo), int(hi)) if lo <= hi else None


def _gap(ranges: Sequence[tuple[int, int]]) -> int:
    return max(r[0] for r in ranges) - min(r[1] for r in ranges)


# ------------------------------------------------------------------ ids


def _t(table: str, ind: str, year: str, col: str = "value") -> str:
    return f"001-t{table}-{ind}-{year}-{col}"


def _slug(label: str) -> str:
    return label.lower().replace(" ", "-")


def _q310(ind: str, quarter: str) -> str:
    return f"001-t3.10q-{ind}-{_slug(quarter)}"


def _q313(ind: str, quarter: str) -> str:
    return f"001-t3.13-{ind}-{_slug(quarter)}"


def _dfe(table: str, column: str, year: str) -> str:
    return f"dfe-{table}-{column.lower()}-{year}"


def _cpp_stock(F: FigureSet, year: str) -> str | None:
    """The report's own figure for plans at 31 March closing ``year`` (table, text, profile)."""
    end = int(year[:4]) + 1
    return F.first(
        _t("3.7", "cpp_at_31march", year),
        f"001-p3.8-cpp_at_31march-{year}",
        f"004-cpp_at_31march-{end}",
        _dfe("d5", "CPP_At31", year),
    )


def _cpp_starts(F: FigureSet, year: str) -> Q | None:
    """New plans in ``year``: the sum of the four category counts of table 3.7."""
    fids = [_t("3.7", f"cpp_starts_{c}", year, "denom") for c in CPP_CATEGORIES]
    if not F.numeric(*fids):
        return None
    total = sum(F.value(f) for f in fids)
    return Q(total, f"{_fmt(total)} (sum of the four categories)", tuple(fids))


# ------------------------------------------------------------------ checks


def check_component_sums(figures: pd.DataFrame) -> list[Finding]:
    """Components that should add up to their total.

    Referral-source counts against referrals and their percentages against 100; plan
    category counts against DfE's new plans and their percentages against 100; quarterly
    entering minus leaving against the net change, and net minus placed with parents
    minus UASC against "Adjusted to"; UASC arrivals by month against the quarter and the
    quarters against 3.11's 73 new UASC; the assessment denominators against their total;
    3.12's reductions against the adjusted quarters; DfE D5 bands against plans at
    31 March; the area profile's placement groups against children looked after.
    """
    F = FigureSet(figures)
    out: list[Finding] = []
    for y in SOURCE_YEARS:
        out += linear_check(
            F,
            f"sum.referral_source_counts.{y}",
            "sum",
            f"3.2 table {y}: referral-source counts against the number of referrals",
            [(_t("3.2", s, y, "denom"), 1) for s in REFERRAL_SOURCES],
            _t("3.2", "referrals", y),
        )
        out += linear_check(
            F,
            f"sum.referral_source_percents.{y}",
            "sum",
            f"3.2 table {y}: referral-source percentages against 100%",
            [(_t("3.2", s, y), 1) for s in REFERRAL_SOURCES],
            Q(Fraction(100), "100%"),
        )
    for y in REPORT_YEARS:
        out += linear_check(
            F,
            f"sum.cpp_category_counts.{y}",
            "sum",
            f"3.7 table {y}: plan category counts against DfE D3 plans starting",
            [(_t("3.7", f"cpp_starts_{c}", y, "denom"), 1) for c in CPP_CATEGORIES],
            _dfe("d3", "CPP_start", y),
        )
        out += linear_check(
            F,
            f"sum.cpp_category_percents.{y}",
            "sum",
            f"3.7 table {y}: plan category percentages against 100%",
            [(_t("3.7", f"cpp_starts_{c}", y), 1) for c in CPP_CATEGORIES],
            Q(Fraction(100), "100%"),
        )
        for c in CPP_CATEGORIES:
            rate_den = _t("3.7", f"cpp_rate_{c}", y, "denom")
            if F.numeric(rate_den):
                out += linear_check(
                    F,
                    f"repeated.cpp_{c}_count.{y}",
                    "repeated",
                    f"3.7 table {y}: the {c} count in the rate rows against the percentage rows",
                    [(rate_den, 1)],
                    _t("3.7", f"cpp_starts_{c}", y, "denom"),
                )
        out += linear_check(
            F,
            f"sum.assessment_denominators.{y}",
            "sum",
            f"3.4 table {y}: initial + core + C&FA assessments against 'Assessments Total'",
            [
                (f, 1)
                for f in (
                    _t("3.4", "initial_assessment_timeliness", y, "denom"),
                    _t("3.4", "core_assessment_timeliness", y, "denom"),
                    _t("3.4", "cfa_timeliness", y, "denom"),
                )
                if F.numeric(f)
            ],
            _t("3.4", "assessments_timeliness_total", y, "denom"),
        )
    for qtr in CLA_QUARTERS:
        out += linear_check(
            F,
            f"sum.cla_net.{_slug(qtr)}",
            "sum",
            f"3.10 quarterly table {qtr}: entering minus leaving care against 'Net inc/decrease'",
            [(_q310("cla_started_q", qtr), 1), (_q310("cla_ceased_q", qtr), -1)],
            _q310("cla_net_q", qtr),
        )
        out += linear_check(
            F,
            f"sum.cla_adjusted_net.{_slug(qtr)}",
            "sum",
            f"3.10 quarterly table {qtr}: net minus PwP minus UASC against 'Adjusted to'",
            [
                (_q310("cla_net_q", qtr), 1),
                (_q310("cla_started_pwp_q", qtr), -1),
                (_q310("cla_started_uasc_q", qtr), -1),
            ],
            _q310("cla_adjusted_net_q", qtr),
        )
    for qtr, months in [
        ("Oct-Dec 2016", ["oct-2016", "nov-2016", "dec-2016"]),
        ("Jan-Mar 2017", ["jan-2017", "feb-2017", "mar-2017"]),
    ]:
        out += linear_check(
            F,
            f"sum.uasc_months.{_slug(qtr)}",
            "sum",
            f"2.8 table: UASC arrivals by month against the quarterly figure for {qtr}",
            [(f"001-t2.8-uasc_arrivals_m-{m}", 1) for m in months],
            f"001-t2.8q-cla_started_uasc_q-{_slug(qtr)}",
        )
    year_q = ["Apr-Jun 2016", "Jul-Sep 2016", "Oct-Dec 2016", "Jan-Mar 2017"]
    out += linear_check(
        F,
        "sum.uasc_new_2016-17",
        "sum",
        "2.8 quarterly UASC arrivals 2016-17 against 3.11's 'new UASC (73)'",
        [(f"001-t2.8q-cla_started_uasc_q-{_slug(q)}", 1) for q in year_q],
        "001-p3.11-uasc_new-2016-17",
    )
    out += linear_check(
        F,
        "sum.cla_adjusted_since_jan_2016",
        "sum",
        "3.12 'reduced by 25 since January last year' against the 'Adjusted to' quarters "
        "Jan-Mar 2016 to Apr-Jun 2017",
        [(_q310("cla_adjusted_net_q", q), -1) for q in CLA_QUARTERS],
        "001-p3.12-cla_adjusted_change-since-jan-2016",
        note="a reduction of 25 is a change of -25",
    )
    out += linear_check(
        F,
        "sum.cla_adjusted_since_jan_2017",
        "sum",
        "3.12 'and by 22 this calendar year' against the 'Adjusted to' quarters Jan-Mar 2017 and "
        "Apr-Jun 2017",
        [(_q310("cla_adjusted_net_q", q), -1) for q in CLA_QUARTERS[-2:]],
        "001-p3.12-cla_adjusted_change-since-jan-2017",
        note="a reduction of 22 is a change of -22",
    )
    for y in DFE_YEARS:
        out += linear_check(
            F,
            f"sum.dfe_d5_bands.{y}",
            "sum",
            f"DfE D5 {y}: plans at 31 March by duration band against the total",
            [(_dfe("d5", b, y), 1) for b in D5_BANDS],
            _dfe("d5", "CPP_At31", y),
        )
    out += _placement_groups(F)
    return out


def _placement_groups(F: FigureSet) -> list[Finding]:
    groups = [
        "residential_homes_hostels_and_secure",
        "residential_schools",
        "foster",
        "placed_with_parents",
    ]
    counts = [f"004-cla_by_placement_type-{g}-2013" for g in groups]
    shares = [f"004-cla_by_placement_type_outside-{g}-2013" for g in groups]
    total, outside = "004-cla_at_31march-2013", "004-cla_placed_outside_la-count-2013"
    out: list[Finding] = []
    if not F.numeric(*counts, total):
        return out
    s = sum(F.value(c) for c in counts)
    rest = F.value(total) - s
    out.append(
        Finding(
            "sum.cla_placement_groups.31-march-2013",
            "sum",
            "Area profile at 31 March 2013: the four placement groups listed against children looked after",
            (*counts, total),
            " + ".join(F.published(c) for c in counts) + f" = {_fmt(s)} <= {F.published(total)}",
            f"<= {F.published(total)}",
            _fmt(s),
            float(F.value(total) - s),
            0.0,
            _verdict(s <= F.value(total)),
            f"leaves {_fmt(rest)} in other placements (not printed)",
        )
    )
    if not F.numeric(*shares, outside):
        return out
    ks, texts = [], []
    for c, sh in zip(counts, shares, strict=True):
        r = implied_numerators(F, F.value(c), sh)
        if r is None:
            ks.append(None)
            continue
        ks.append(r)
        texts.append(f"{F.published(sh)} of {F.published(c)} = {_rng(r)}")
    ok_each = all(k is not None for k in ks)
    lo = sum(k[0] for k in ks if k) if ok_each else None
    hi = sum(k[1] for k in ks if k) if ok_each else None
    out_n = F.value(outside)
    ok = ok_each and lo <= out_n and (out_n - lo) <= rest
    out.append(
        Finding(
            "sum.cla_outside_by_group.31-march-2013",
            "sum",
            "Area profile at 31 March 2013: children placed out of area in each group against the 309 out of area",
            (*counts, *shares, outside, total),
            "; ".join(texts)
            + f"; sum {_rng((lo, hi)) if ok_each else 'none'} <= {F.published(outside)}, "
            f"and the rest ({F.published(outside)} - {_rng((lo, hi)) if ok_each else '?'}) fits in the "
            f"{_fmt(rest)} other placements",
            f"<= {F.published(outside)}",
            _rng((lo, hi)) if ok_each else "none",
            None,
            0.0,
            _verdict(bool(ok)),
            "each group's share allows exactly one whole number of children out of area"
            if ok_each
            else "a group's share allows no whole number of children",
        )
    )
    return out


def check_percentages(figures: pd.DataFrame) -> list[Finding]:
    """Percentages against their own numerators and denominators.

    Referral-source shares against count / referrals (and, per year, the one number of
    referrals all the shares would imply); category shares and repeat plans against count /
    new plans (the sum of the categories); plans open 2+ years against count / plans at
    31 March; 3+ placements against count / children looked after; the S47, assessment,
    complaint and area-profile shares against a whole numerator; the assessments total
    against the weighted components; DfE's own percentages against their counts.
    """
    F = FigureSet(figures)
    out: list[Finding] = []
    for y in SOURCE_YEARS:
        refs = _t("3.2", "referrals", y)
        for s in REFERRAL_SOURCES:
            out += ratio_check(
                F,
                f"percentage.{s}.{y}",
                "percentage",
                f"3.2 table {y}: {s.removeprefix('referral_source_')} share against its count / referrals",
                _t("3.2", s, y, "denom"),
                refs,
                _t("3.2", s, y),
            )
        out += _common_denominator(F, y, refs)
    for y in REPORT_YEARS:
        starts = _cpp_starts(F, y)
        if starts is None:
            continue
        for c in CPP_CATEGORIES:
            out += ratio_check(
                F,
                f"percentage.cpp_starts_{c}.{y}",
                "percentage",
                f"3.7 table {y}: {c} share of new plans against its count / new plans",
                _t("3.7", f"cpp_starts_{c}", y, "denom"),
                starts,
                _t("3.7", f"cpp_starts_{c}", y),
            )
        for ind, what in [
            ("cpp_repeat", "repeat plans"),
            ("cpp_repeat_2yrs", "repeat plans within 2 years"),
        ]:
            out += ratio_check(
                F,
                f"percentage.{ind}.{y}",
                "percentage",
                f"3.7 table {y}: {what} against count / new plans",
                _t("3.7", ind, y, "denom"),
                starts,
                _t("3.7", ind, y),
            )
    for y in REPORT_YEARS:
        stock = _cpp_stock(F, y)
        if stock:
            src = "the table" if stock.startswith("001-t") else f"figure {stock}"
            out += ratio_check(
                F,
                f"percentage.cpp_open_2yrs_plus.{y}",
                "percentage",
                f"3.7 table at 31 March {int(y[:4]) + 1}: plans open 2+ years against count / plans "
                f"open at 31 March ({src})",
                _t("3.7", "cpp_open_2yrs_plus", y, "denom"),
                stock,
                _t("3.7", "cpp_open_2yrs_plus", y),
            )
        out += ratio_check(
            F,
            f"percentage.cla_3plus_placements.{y}",
            "percentage",
            f"3.10 table {y}: 3+ placements against count / children looked after at 31 March",
            _t("3.10", "cla_3plus_placements", y, "denom"),
            _t("3.10", "cla_at_31march", y),
            _t("3.10", "cla_3plus_placements", y),
        )
        for ind in [
            "s47_to_icpc",
            "initial_assessment_timeliness",
            "core_assessment_timeliness",
            "cfa_timeliness",
            "assessments_timeliness_total",
        ]:
            out += _whole_numerator(
                F,
                f"percentage.{ind}.{y}",
                f"3.4 table {y}: {ind} has a whole numerator",
                _t("3.4", ind, y, "denom"),
                _t("3.4", ind, y),
            )
        out += _weighted_total(F, y)
    out += _whole_numerator(
        F,
        "percentage.complaints_stage1_timely.2015-16",
        "3.15 text 2015-16: 96% of 165 stage one complaints has a whole numerator",
        "001-p3.15-complaints_stage1-2015-16",
        "001-p3.15-complaints_stage1_timely-2015-16",
    )
    out += ratio_check(
        F,
        "percentage.cla_placed_outside_la.31-march-2013",
        "percentage",
        "Area profile at 31 March 2013: 27% out of area against 309 / 1,131",
        "004-cla_placed_outside_la-count-2013",
        "004-cla_at_31march-2013",
        "004-cla_placed_outside_la-pct-2013",
    )
    for g in [
        "residential_homes_hostels_and_secure",
        "residential_schools",
        "foster",
        "placed_with_parents",
    ]:
        out += _whole_numerator(
            F,
            f"percentage.cla_outside_{g}.31-march-2013",
            f"Area profile at 31 March 2013: share of {g.replace('_', ' ')} out of area has a "
            "whole numerator",
            f"004-cla_by_placement_type-{g}-2013",
            f"004-cla_by_placement_type_outside-{g}-2013",
        )
    out += _whole_numerator(
        F,
        "percentage.cla_ceased_returned.2012-13",
        "Area profile 2012-13: 6.9% of the 464 who ceased has a whole numerator",
        "004-cla_ceased-2012-13",
        "004-cla_ceased_returned_pct-2012-13",
    )
    for y in DFE_YEARS:
        ref = _dfe("c1", "referral_count", y)
        for num, pct in [
            ("rereferral_count", "rereferral_percent"),
            ("no_further_action_count", "no_further_action_percent"),
            ("not_in_need_count", "not_in_need_percent"),
        ]:
            out += ratio_check(
                F,
                f"percentage.dfe_c1_{pct}.{y}",
                "percentage",
                f"DfE C1 {y}: {pct} against count / referrals",
                _dfe("c1", num, y),
                ref,
                _dfe("c1", pct, y),
            )
        out += ratio_check(
            F,
            f"percentage.dfe_c1_rereferral_child_percent.{y}",
            "percentage",
            f"DfE C1 {y}: children re-referred against count / children referred",
            _dfe("c1", "rereferral_child_count", y),
            _dfe("c1", "referral_child_count", y),
            _dfe("c1", "rereferral_child_percent", y),
        )
        out += ratio_check(
            F,
            f"percentage.dfe_d3_subsequent.{y}",
            "percentage",
            f"DfE D3 {y}: subsequent plans against count / plans starting",
            _dfe("d3", "CPP_subsequent", y),
            _dfe("d3", "CPP_start", y),
            _dfe("d3", "CPP_subsequent_percent", y),
        )
        for b in D5_BANDS:
            out += ratio_check(
                F,
                f"percentage.dfe_d5_{b}.{y}",
                "percentage",
                f"DfE D5 {y}: share of plans in band '{b}' against count / plans at 31 March",
                _dfe("d5", b, y),
                _dfe("d5", "CPP_At31", y),
                _dfe("d5", f"{b}_percent", y),
            )
    return out


def _common_denominator(F: FigureSet, year: str, refs: str) -> list[Finding]:
    """The number of referrals each source share implies, and whether one number fits them all."""
    pairs = [(_t("3.2", s, year, "denom"), _t("3.2", s, year)) for s in REFERRAL_SOURCES]
    pairs = [(n, p) for n, p in pairs if F.numeric(n, p) and F.value(n) > 0]
    if len(pairs) < 2 or not F.numeric(refs):
        return []
    ranges = [implied_denominators(F, F.value(n), p) for n, p in pairs]
    common = _intersect(ranges)
    r = F.value(refs)
    fits = common is not None and common[0] <= r <= common[1]
    texts = [
        f"{F.published(n)} at {F.published(p)} -> {_rng(rg)}"
        for (n, p), rg in zip(pairs, ranges, strict=True)
    ]
    total = sum(
        F.value(n) for n in (_t("3.2", s, year, "denom") for s in REFERRAL_SOURCES) if F.numeric(n)
    )
    if common is None:
        expected = "no single number of referrals"
        diff = float(_gap([g for g in ranges if g])) if all(ranges) else None
        note = "the shares cannot all come from one denominator"
    else:
        expected = f"{_rng(common)} referrals"
        diff = float(r - (common[0] if r < common[0] else common[1])) if not fits else 0.0
        note = (
            ""
            if fits
            else f"the shares agree with each other on a denominator of {_rng(common)}, "
            f"not with the {F.published(refs)} referrals printed"
        )
        if not fits and common[0] <= total <= common[1]:
            note += f"; the sum of the source counts, {_fmt(total)}, is in that range"
    return [
        Finding(
            f"percentage.referral_source_common_denominator.{year}",
            "percentage",
            f"3.2 table {year}: the number of referrals implied by every source share",
            (*[x for pr in pairs for x in pr], refs),
            "; ".join(texts) + f"; common: {_rng(common)}; printed referrals {F.published(refs)}",
            expected,
            F.published(refs),
            diff,
            None,
            _verdict(fits),
            note,
        )
    ]


def _whole_numerator(
    F: FigureSet, check_id: str, description: str, den: str, pct: str
) -> list[Finding]:
    if not F.numeric(den, pct):
        return []
    d = F.value(den)
    r = implied_numerators(F, d, pct)
    ok = r is not None
    return [
        Finding(
            check_id,
            "percentage",
            description,
            (den, pct),
            f"whole numbers k <= {F.published(den)} with k / {F.published(den)} printing "
            f"{F.published(pct)}: {_rng(r)}",
            f"k in {_rng(r)}",
            F.published(pct),
            None,
            float(half_unit(F.precision(pct))),
            _verdict(ok),
        )
    ]


def _weighted_total(F: FigureSet, year: str) -> list[Finding]:
    comps = [("initial_assessment_timeliness"), ("core_assessment_timeliness"), ("cfa_timeliness")]
    pairs = [(_t("3.4", c, year, "denom"), _t("3.4", c, year)) for c in comps]
    pairs = [pr for pr in pairs if F.numeric(*pr)]
    tot_d, tot_p = (
        _t("3.4", "assessments_timeliness_total", year, "denom"),
        _t("3.4", "assessments_timeliness_total", year),
    )
    if len(pairs) < 2 or not F.numeric(tot_d, tot_p):
        return []
    ranges = [implied_numerators(F, F.value(d), p) for d, p in pairs]
    if any(r is None for r in ranges):
        return []
    lo, hi = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
    den = sum(F.value(d) for d, _ in pairs)
    pub, p = F.value(tot_p), F.precision(tot_p)
    ok = any(prints_as(100 * Fraction(k) / den, pub, p) for k in range(lo, hi + 1))
    return [
        Finding(
            f"percentage.assessments_total_weighted.{year}",
            "percentage",
            f"3.4 table {year}: 'Assessments Total' % against its components' timely assessments",
            (*[x for pr in pairs for x in pr], tot_d, tot_p),
            " + ".join(
                f"{_rng(r)} ({F.published(pc)} of {F.published(d)})"
                for r, (d, pc) in zip(ranges, pairs, strict=True)
            )
            + f" = {lo}..{hi} timely of {_fmt(den)} = {_fmt(100 * Fraction(lo) / den)}%.."
            f"{_fmt(100 * Fraction(hi) / den)}% vs {F.published(tot_p)}",
            f"{_fmt(100 * Fraction(lo) / den)}%..{_fmt(100 * Fraction(hi) / den)}%",
            F.published(tot_p),
            None,
            float(half_unit(p)),
            _verdict(ok),
        )
    ]


def _ons_population(F: FigureSet, year: str) -> str | None:
    fid = f"dfe-ons-population-mid-{year[:4]}"
    return fid if F.numeric(fid) else None


def implied_populations(figures: pd.DataFrame) -> pd.DataFrame:
    """The population each published rate per 10,000 implies, and whether a year agrees.

    Returns
    -------
    pandas.DataFrame
        One row per rate: ``year``, ``figure_id``, ``count`` (the numerator used),
        ``rate``, ``population_min``/``population_max`` (whole populations that print the
        rate), the year's ``common_min``/``common_max`` (empty when the rates disagree) and
        ``ons_current`` (the mid-year estimate in the DfE folder, for comparison).
    """
    F = FigureSet(figures)
    rows = []
    for y, pairs in _rate_pairs(F).items():
        ranges = [implied_denominators(F, F.value(c), r, scale=10000) for c, r in pairs]
        common = _intersect(ranges)
        ons = _ons_population(F, y)
        for (c, r), rg in zip(pairs, ranges, strict=True):
            rows.append(
                {
                    "year": y,
                    "figure_id": r,
                    "count": int(F.value(c)),
                    "rate": float(F.value(r)),
                    "population_min": rg[0] if rg else None,
                    "population_max": rg[1] if rg else None,
                    "common_min": common[0] if common else None,
                    "common_max": common[1] if common else None,
                    "ons_current": int(F.value(ons)) if ons else None,
                }
            )
    return pd.DataFrame(rows)


def _rate_pairs(F: FigureSet) -> dict[str, list[tuple[str, str]]]:
    """(count, rate) figure pairs per year: the report's plan rates and the profile's CLA rates."""
    out: dict[str, list[tuple[str, str]]] = {}
    for y in REPORT_YEARS:
        pairs = []
        for c in CPP_CATEGORIES:
            rate = _t("3.7", f"cpp_rate_{c}", y)
            count = F.first(
                _t("3.7", f"cpp_rate_{c}", y, "denom"), _t("3.7", f"cpp_starts_{c}", y, "denom")
            )
            if count and F.numeric(rate):
                pairs.append((count, rate))
        if pairs:
            out[y] = pairs
    for y, end in [("2011-12", 2012), ("2012-13", 2013)]:
        if F.numeric(f"004-cla_at_31march-{end}", f"004-cla_rate-{end}"):
            out.setdefault(f"{y} (CLA)", []).append(
                (f"004-cla_at_31march-{end}", f"004-cla_rate-{end}")
            )
    return out


def check_rates(figures: pd.DataFrame) -> list[Finding]:
    """Rates per 10,000 against population.

    ``rate = count / population x 10,000``: each printed rate gives the whole populations
    that print it. The four plan-category rates of one year should share a population;
    when they do not, each rate is also checked against the population the others share
    (so the odd one out is named). The area profile's CLA rates are checked against its
    own population of about 280,150. The current ONS estimate is shown for comparison
    only: the report used an older population series.
    """
    F = FigureSet(figures)
    out: list[Finding] = []
    for y, pairs in _rate_pairs(F).items():
        if y.endswith("(CLA)"):
            continue
        ranges = [implied_denominators(F, F.value(c), r, scale=10000) for c, r in pairs]
        common = _intersect(ranges)
        ons = _ons_population(F, y)
        texts = [
            f"{F.published(c)} / P x 10000 = {F.published(r)} -> P in {_rng(rg)}"
            for (c, r), rg in zip(pairs, ranges, strict=True)
        ]
        ons_text = ""
        if ons:
            pop = F.value(ons)
            ons_text = f"; current ONS mid-{y[:4]} {F.published(ons)} gives " + ", ".join(
                f"{_fmt(10000 * F.value(c) / pop, 2)}" for c, _ in pairs
            )
        fids = tuple(x for pr in pairs for x in pr) + ((ons,) if ons else ())
        notes = []
        if any("cpp_starts" in c for c, _ in pairs):
            notes.append("the rate rows print no counts this year; counts from the percentage rows")
        if common is None:
            notes.append("no single population gives all the printed rates")
        else:
            notes.append("the report's population (an older ONS series) is inferred as this range")
        out.append(
            Finding(
                f"rate.cpp_rates_common_population.{y}",
                "rate",
                f"3.7 table {y}: the population implied by each new-plan rate per 10,000",
                fids,
                "; ".join(texts) + f"; common: {_rng(common)}" + ons_text,
                f"one population: {_rng(common)}",
                ", ".join(F.published(r) for _, r in pairs),
                None if common else float(_gap([g for g in ranges if g])) if all(ranges) else None,
                None,
                _verdict(common is not None),
                "; ".join(notes),
            )
        )
        if common is None and len(pairs) > 2:
            for i, (c, r) in enumerate(pairs):
                others = _intersect(rg for j, rg in enumerate(ranges) if j != i)
                if others is None or (ranges[i] and _intersect([ranges[i], others])):
                    continue
                lo_rate = 10000 * F.value(c) / others[1]
                hi_rate = 10000 * F.value(c) / others[0]
                out.append(
                    Finding(
                        f"rate.cpp_rate_odd_one_out.{y}.{r.split('-')[2]}",
                        "rate",
                        f"3.7 table {y}: {F.published(r)} against the population the other rates share",
                        (c, r, *[x for j, pr in enumerate(pairs) if j != i for x in pr]),
                        f"the other rates give P in {_rng(others)}; {F.published(c)} / P x 10000 = "
                        f"{_fmt(lo_rate, 3)}..{_fmt(hi_rate, 3)} -> prints "
                        f"{_fmt_unit(lo_rate, 'rate_per_10k', F.precision(r))}"
                        + (
                            ""
                            if round_fraction(lo_rate, F.precision(r))
                            == round_fraction(hi_rate, F.precision(r))
                            else f"..{_fmt_unit(hi_rate, 'rate_per_10k', F.precision(r))}"
                        )
                        + f" vs published {F.published(r)}",
                        f"{_fmt(lo_rate, 2)}..{_fmt(hi_rate, 2)}",
                        F.published(r),
                        float(F.value(r) - hi_rate)
                        if F.value(r) > hi_rate
                        else float(F.value(r) - lo_rate),
                        float(half_unit(F.precision(r))),
                        "contradiction",
                    )
                )
    pop = "004-population-2012-13"
    for end in (2013, 2012):
        out += ratio_check(
            F,
            f"rate.cla_rate.31-march-{end}",
            "rate",
            f"Area profile: CLA rate per 10,000 at 31 March {end} against the profile's "
            "'approximately 280,150' children",
            f"004-cla_at_31march-{end}",
            pop,
            f"004-cla_rate-{end}",
            scale=10000,
            note="the profile prints one population; the 2012 rate would use an earlier estimate"
            if end == 2012
            else "",
        )
    return out


def check_printed_units(figures: pd.DataFrame) -> list[Finding]:
    """A rate printed with a per cent sign, or a report percentage printed without one."""
    out: list[Finding] = []
    for r in figures.to_dict("records"):
        pub = str(r["published"])
        if parse_published(pub) is None:
            continue
        if r["unit"] == "rate_per_10k" and "%" in pub:
            out.append(
                Finding(
                    f"printed_unit.{r['figure_id']}",
                    "printed_unit",
                    f"{r['location']}: a rate per 10,000 printed with a per cent sign",
                    (r["figure_id"],),
                    f"row of rates per 10,000 prints {pub!r}",
                    pub.replace("%", "") + " (per 10,000)",
                    pub,
                    None,
                    None,
                    "contradiction",
                    "the number is a rate, not a percentage (see the rate checks)",
                )
            )
        elif r["unit"] == "percent" and r["source"] in ("001", "004") and "%" not in pub:
            out.append(
                Finding(
                    f"printed_unit.{r['figure_id']}",
                    "printed_unit",
                    f"{r['location']}: a percentage printed without a per cent sign",
                    (r["figure_id"],),
                    f"percentage row prints {pub!r}",
                    pub + "%",
                    pub,
                    None,
                    None,
                    "contradiction",
                )
            )
    return out


def check_stocks_and_flows(figures: pd.DataFrame) -> list[Finding]:
    """Stocks against flows.

    Children looked after at 31 March 2016 plus the year's quarterly net flows against
    31 March 2017 (and 3.11's +135 and 10.5%); plans at 31 March last year plus new plans
    minus plans ended (implied by "CPPs ending after 2 or more years") against this
    year; the missing-from-care percentages against the quarter-end children looked
    after rebuilt from the 31 March stocks and the net flows; UASC at 31 March 2017
    against the year's arrivals; DfE B1 children in need within a year and across years.
    """
    F = FigureSet(figures)
    out: list[Finding] = []
    out += _cla_year_flow(F)
    out += _cpp_stock_flow(F)
    out += _missing_denominators(F)
    # UASC stock against arrivals
    stock, new = "001-p2.9-uasc_at_31march-2016-17", "001-p3.11-uasc_new-2016-17"
    qs = [
        f"001-t2.8q-cla_started_uasc_q-{_slug(q)}"
        for q in ["Apr-Jun 2016", "Jul-Sep 2016", "Oct-Dec 2016", "Jan-Mar 2017"]
    ]
    if F.numeric(stock, *qs):
        arrivals = sum(F.value(q) for q in qs)
        out.append(
            Finding(
                "stock_flow.uasc_at_31march.2016-17",
                "stock_flow",
                "2.9's 73 UASC looked after at 31 March 2017 against the year's 73 arrivals (2.8, 3.11)",
                (stock, *qs) + ((new,) if F.numeric(new) else ()),
                f"UASC at 31 March 2016 + {' + '.join(F.published(q) for q in qs)} (= {_fmt(arrivals)}) - UASC "
                f"leaving in 2016-17 = {F.published(stock)}  =>  leaving = UASC at 31 March 2016 "
                f"+ {_fmt(arrivals - F.value(stock))}",
                f"UASC leaving in 2016-17 = UASC at 31 March 2016 + {_fmt(arrivals - F.value(stock))}",
                F.published(stock),
                float(F.value(stock) - arrivals),
                0.0,
                "undetermined",
                "the UASC looked after at 31 March 2016 is not published (the profile gives "
                + (
                    F.published("004-uasc_at_31march-2013")
                    if F.numeric("004-uasc_at_31march-2013")
                    else "n/a"
                )
                + " at 31 March 2013); the figures hold only if as many UASC stopped being looked after in "
                "2016-17 (left care or turned 18) as were looked after at 31 March 2016",
            )
        )
    out += _cin_flows(F)
    return out


def _cla_year_flow(F: FigureSet) -> list[Finding]:
    out: list[Finding] = []
    s0, s1 = _t("3.10", "cla_at_31march", "2015-16"), _t("3.10", "cla_at_31march", "2016-17")
    year_q = ["Apr-Jun 2016", "Jul-Sep 2016", "Oct-Dec 2016", "Jan-Mar 2017"]
    nets = [_q310("cla_net_q", q) for q in year_q]
    if not F.numeric(s0, s1):
        return out
    change = F.value(s1) - F.value(s0)
    if F.numeric(*nets):
        flow = sum(F.value(n) for n in nets)
        starts = [_q310("cla_started_q", q) for q in year_q]
        ceased = [_q310("cla_ceased_q", q) for q in year_q]
        extra = ""
        if F.numeric(*starts, *ceased):
            extra = (
                f" (entering {' + '.join(F.published(s) for s in starts)} = {_fmt(sum(F.value(s) for s in starts))}"
                f", leaving {' + '.join(F.published(c) for c in ceased)} = "
                f"{_fmt(sum(F.value(c) for c in ceased))})"
            )
        out += [
            Finding(
                "stock_flow.cla_quarterly_net.2016-17",
                "stock_flow",
                "3.10: children looked after at 31 March 2016 plus the 2016-17 quarterly net flows against 31 March 2017",
                (s0, *nets, s1),
                f"{F.published(s0)} + ({' + '.join(F.published(n) for n in nets)}) = {F.published(s0)} + {_fmt(flow)} = "
                f"{_fmt(F.value(s0) + flow)} vs {F.published(s1)}{extra}",
                _fmt(F.value(s0) + flow),
                F.published(s1),
                float(F.value(s1) - F.value(s0) - flow),
                0.0,
                _verdict(flow == change),
                f"the quarterly flows give a rise of {_fmt(flow)}, the 31 March stocks {_fmt(change)}",
            )
        ]
    inc = "001-p3.11-cla_change-2016-17"
    out += linear_check(
        F,
        "stock_flow.cla_change_text.2016-17",
        "stock_flow",
        "3.11's 'increased by 135' against the 3.10 stocks at 31 March 2016 and 2017",
        [(s1, 1), (s0, -1)],
        inc,
    )
    pct = "001-p3.11-cla_change_pct-2016-17"
    if F.numeric(pct):
        note = ""
        if F.numeric(*nets):
            flow = sum(F.value(n) for n in nets)
            alt = 100 * flow / F.value(s0)
            if prints_as(alt, F.value(pct), F.precision(pct)) and not prints_as(
                100 * change / F.value(s0), F.value(pct), F.precision(pct)
            ):
                note = (
                    f"{_fmt(flow)} / {F.published(s0)} = {_fmt(alt, 3)}% does print {F.published(pct)}: the "
                    f"percentage follows the quarterly net flows ({_fmt(flow)}), the 135 the 31 March stocks"
                )
        out += ratio_check(
            F,
            "stock_flow.cla_change_pct_text.2016-17",
            "stock_flow",
            "3.11's '(10.5%)' rise against 135 / children looked after at 31 March 2016",
            Q(change, f"({F.published(s1)} - {F.published(s0)})", (s0, s1)),
            s0,
            pct,
            note=note,
        )
    ex = "001-p3.11-cla_change_pct_excl_uasc-2016-17"
    new = "001-p3.11-uasc_new-2016-17"
    if F.numeric(ex, new):
        out += ratio_check(
            F,
            "stock_flow.cla_change_pct_excl_uasc_text.2016-17",
            "stock_flow",
            "3.11's rise of 5% without the 73 new UASC against (135 - 73) / 31 March 2016",
            Q(
                change - F.value(new),
                f"({F.published(s1)} - {F.published(s0)} - {F.published(new)})",
                (s0, s1, new),
            ),
            s0,
            ex,
        )
    return out


def _cpp_stock_flow(F: FigureSet) -> list[Finding]:
    """Plans ended implied by stocks and starts, against the 'ending after 2+ years' share."""
    out: list[Finding] = []
    for y in REPORT_YEARS:
        prev_year = f"{int(y[:4]) - 1}-{int(y[2:4]):02d}"
        prev, cur, starts = _cpp_stock(F, prev_year), _cpp_stock(F, y), _cpp_starts(F, y)
        num, pct = _t("3.7", "cpp_ended_2yrs_plus", y, "denom"), _t("3.7", "cpp_ended_2yrs_plus", y)
        if not (prev and cur and starts and F.numeric(num, pct)):
            continue
        ended = F.value(prev) + starts.value - F.value(cur)
        implied = implied_denominators(F, F.value(num), pct)
        ok = implied is not None and implied[0] <= ended <= implied[1]
        x = 100 * F.value(num) / ended if ended > 0 else None
        out.append(
            Finding(
                f"stock_flow.cpp_ended.{y}",
                "stock_flow",
                f"3.7 {y}: plans at 31 March {int(y[:4])} + new plans - plans at 31 March {int(y[:4]) + 1} = plans "
                "ended, against 'CPPs ending after 2 or more years'",
                (prev, *starts.fids, cur, num, pct),
                f"{F.published(prev)} + {_fmt(starts.value)} - {F.published(cur)} = {_fmt(ended)} ended; "
                f"{F.published(num)} / {_fmt(ended)} = {_fmt(x, 3)}% vs published {F.published(pct)} "
                f"(which allows {_rng(implied)} plans ended)",
                _fmt_unit(x, "percent", F.precision(pct)) if x is not None else "n/a",
                F.published(pct),
                float(F.value(pct) - x) if x is not None else None,
                float(half_unit(F.precision(pct))),
                _verdict(ok),
                "children whose plan ended and restarted in the year count once in the stocks; the identity "
                "holds for plans",
            )
        )
    return out


def _quarter_end_stocks(F: FigureSet) -> dict[str, tuple[int, int, list[str]]]:
    """Children looked after at the end of each quarter, rebuilt from both 31 March stocks.

    Walking forward from 31 March 2016 and backward from 31 March 2017 with the 3.10
    quarterly net flows gives two estimates per quarter end (the flows and stocks differ
    by 2 over the year); the range spans both.
    """
    anchors = {
        "Jan-Mar 2016": _t("3.10", "cla_at_31march", "2015-16"),
        "Jan-Mar 2017": _t("3.10", "cla_at_31march", "2016-17"),
    }
    quarters = CLA_QUARTERS
    nets = {q: _q310("cla_net_q", q) for q in quarters}
    if not F.numeric(*anchors.values(), *nets.values()):
        return {}
    estimates: dict[str, list[Fraction]] = {}
    ends = ["Oct-Dec 2015", *quarters]
    for aq, afid in anchors.items():
        ai = ends.index(aq)
        level = F.value(afid)
        estimates.setdefault(aq, []).append(level)
        s = level
        for i in range(ai + 1, len(ends)):
            s = s + F.value(nets[ends[i]])
            estimates.setdefault(ends[i], []).append(s)
        s = level
        for i in range(ai, 0, -1):
            s = s - F.value(nets[ends[i]])
            estimates.setdefault(ends[i - 1], []).append(s)
    fids = [*anchors.values(), *nets.values()]
    return {q: (int(min(v)), int(max(v)), fids) for q, v in estimates.items()}


def _missing_denominators(F: FigureSet) -> list[Finding]:
    out: list[Finding] = []
    stocks = _quarter_end_stocks(F)
    for q in MISSING_QUARTERS:
        num, pct = _q313("cla_missing_q", q), _q313("cla_missing_pct_q", q)
        if q not in stocks or not F.numeric(num, pct):
            continue
        lo, hi, fids = stocks[q]
        pub, p = F.value(pct), F.precision(pct)
        n = F.value(num)
        ok = any(prints_as(100 * n / d, pub, p) for d in range(lo, hi + 1))
        implied = implied_denominators(F, n, pct)
        xs = [100 * n / d for d in (hi, lo)]
        out.append(
            Finding(
                f"stock_flow.cla_missing_pct.{_slug(q)}",
                "stock_flow",
                f"3.13 {q}: % of looked-after children missing against count / children looked after at the "
                "quarter end (rebuilt from the 3.10 stocks and net flows)",
                (num, pct, *fids),
                f"{F.published(num)} / {_rng((lo, hi))} = {_fmt(xs[0], 3)}%..{_fmt(xs[1], 3)}% -> prints "
                f"{_fmt_unit(xs[0], 'percent', p)}"
                + (
                    ""
                    if round_fraction(xs[0], p) == round_fraction(xs[1], p)
                    else f"..{_fmt_unit(xs[1], 'percent', p)}"
                )
                + f" vs published {F.published(pct)} (which needs {_rng(implied)} children looked after)",
                f"{_fmt_unit(xs[0], 'percent', p)}",
                F.published(pct),
                float(pub - xs[0]),
                float(half_unit(p)),
                _verdict(ok),
                "denominator as the catalogue defines it (children looked after at the end of the quarter)",
            )
        )
    return out


def _cin_flows(F: FigureSet) -> list[Finding]:
    out: list[Finding] = []
    for y in DFE_YEARS:
        out += linear_check(
            F,
            f"stock_flow.dfe_b1_within_year.{y}",
            "stock_flow",
            f"DfE B1 {y}: episodes open at any point minus episodes ended against episodes at 31 March",
            [(_dfe("b1", "Anypoint_episodes", y), 1), (_dfe("b1", "Ended_episodes", y), -1)],
            _dfe("b1", "At31_episodes", y),
        )
    for prev, y in zip(DFE_YEARS, DFE_YEARS[1:], strict=False):
        a, s, p = (
            _dfe("b1", "Anypoint_episodes", y),
            _dfe("b1", "Started_episodes", y),
            _dfe("b1", "At31_episodes", prev),
        )
        if not F.numeric(a, s, p):
            continue
        carried = F.value(a) - F.value(s)
        out.append(
            Finding(
                f"stock_flow.dfe_b1_carried_forward.{y}",
                "stock_flow",
                f"DfE B1: episodes open at 1 April in the {y} return against episodes at 31 March in the {prev} return",
                (a, s, p),
                f"{F.published(a)} - {F.published(s)} = {_fmt(carried)} vs {F.published(p)}",
                _fmt(carried),
                F.published(p),
                float(F.value(p) - carried),
                None,
                "undetermined",
                "not an identity by definition: each year's return is a fresh submission, and DfE's counts "
                "leave out episodes that close as no further action or not in need, so episodes open at "
                "31 March need not all reappear as open on 1 April in the next return",
            )
        )
    return out


def check_text_against_tables(figures: pd.DataFrame) -> list[Finding]:
    """The text of the report against its own tables.

    3.8's 1,263 plans at 31 March 2017 against the 3.7 row "No of children on CPP"; 3.3's
    growth of contacts (11.9%) and referrals (23%) and its ranking of referrers; 3.13's
    "between 7% and 8% since April 2016"; 4.1's "in excess of 5,100 contacts per month".
    (3.11 and 3.12 are checked with the stocks and sums; repeated figures such as 3.3's
    26.1% in :func:`check_repeated_figures`.)
    """
    F = FigureSet(figures)
    out: list[Finding] = []
    out += _cpp_row_alignment(F)
    for ind, fid, what in [
        ("contacts", "001-p3.3-contacts_growth-2016-17", "contacts"),
        ("referrals", "001-p3.3-referrals_growth-2016-17", "referrals"),
    ]:
        a, b = _t("3.2", ind, "2015-16"), _t("3.2", ind, "2016-17")
        if F.numeric(a, b, fid):
            note = ""
            if ind == "referrals" and F.numeric(_t("3.2", "contacts", "2016-17")):
                conv = 100 * F.value(b) / F.value(_t("3.2", "contacts", "2016-17"))
                note = (
                    f"referrals grew {_fmt(100 * (F.value(b) - F.value(a)) / F.value(a), 1)}%; nor is 23% "
                    f"the 2016-17 conversion of contacts to referrals ({_fmt(conv, 1)}%)"
                )
            out += ratio_check(
                F,
                f"text_table.{what}_growth.2016-17",
                "text_table",
                f"3.3's growth of {what} 2015-16 to 2016-17 against the 3.2 table",
                Q(F.value(b) - F.value(a), f"({F.published(b)} - {F.published(a)})", (a, b)),
                a,
                fid,
                note=note,
            )
    out += _ranking(F)
    out += _missing_range(F)
    per_month, total = "001-p4.1-contacts_per_month-2016-17", "001-p4.1-contacts-2016-17"
    if F.numeric(per_month, total):
        avg = F.value(total) / 12
        out.append(
            Finding(
                "text_table.contacts_per_month.2016-17",
                "text_table",
                "4.1's 'in excess of 5,100 contacts per month' against its 87,235 contacts in the year",
                (per_month, total),
                f"{F.published(total)} / 12 = {_fmt(avg, 0)} per month >= {F.published(per_month)}",
                f">= {F.published(per_month)}",
                _fmt(avg, 0),
                float(avg - F.value(per_month)),
                None,
                _verdict(avg >= F.value(per_month)),
                "approximate lower bound; the monthly average is well above it",
            )
        )
    return out


def _cpp_row_alignment(F: FigureSet) -> list[Finding]:
    """Which 31 March each value of the 3.7 row 'No of children on CPP' belongs to, and 3.8's 1,263."""
    text = "001-p3.8-cpp_at_31march-2016-17"
    row = [
        (_t("3.7", "cpp_at_31march", y), y)
        for y in REPORT_YEARS
        if F.numeric(_t("3.7", "cpp_at_31march", y))
    ]
    d5 = {
        y: _dfe("d5", "CPP_At31", y) for y in REPORT_YEARS if F.numeric(_dfe("d5", "CPP_At31", y))
    }
    if not F.numeric(text) or not row:
        return []
    out: list[Finding] = []
    as_read = [(f, y) for f, y in row if y in d5]
    same = all(F.value(f) == F.value(d5[y]) for f, y in as_read)
    shifted = [
        (f, REPORT_YEARS[REPORT_YEARS.index(y) + 1])
        for f, y in row
        if REPORT_YEARS.index(y) + 1 < len(REPORT_YEARS)
    ]
    shifted_same = sum(F.value(f) == F.value(d5[y2]) for f, y2 in shifted if y2 in d5)
    last_f, last_y = row[-1]
    has_2016_17 = F.numeric(_t("3.7", "cpp_at_31march", "2016-17"))
    open2 = _t("3.7", "cpp_open_2yrs_plus", "2016-17")
    evidence = ""
    if F.numeric(open2, _t("3.7", "cpp_open_2yrs_plus", "2016-17", "denom")):
        n = F.value(_t("3.7", "cpp_open_2yrs_plus", "2016-17", "denom"))
        implied = implied_denominators(F, n, open2)
        evidence = (
            f"; 3.7's {F.published(_t('3.7', 'cpp_open_2yrs_plus', '2016-17', 'denom'))} plans open 2+ years "
            f"at 31 March 2017 = {F.published(open2)} needs {_rng(implied)} open plans: "
            f"{F.published(text)} gives {_fmt(100 * n / F.value(text), 2)}%, {F.published(last_f)} "
            f"{_fmt(100 * n / F.value(last_f), 2)}%"
        )
    out.append(
        Finding(
            "text_table.cpp_at_31march_row_alignment",
            "text_table",
            "3.7 row 'No of children on CPP' (four values under five year columns): the 31 March each value "
            "belongs to, against DfE D5",
            tuple(f for f, _ in row) + tuple(d5.values()),
            "as printed in Denom/Value pairs from 2012-13: "
            + ", ".join(f"{y} {F.published(f)} (D5 {F.published(d5[y])})" for f, y in as_read)
            + f"; read one column to the right, {shifted_same} of {len(shifted)} values would match D5",
            "each value equal to D5 at the 31 March of its column",
            "as printed",
            0.0 if same else None,
            0.0,
            _verdict(same),
            "the 2016-17 cell of the row is blank; the last value, "
            f"{F.published(last_f)}, is at 31 March {int(last_y[:4]) + 1}",
        )
    )
    if has_2016_17:
        out += linear_check(
            F,
            "text_table.cpp_at_31march.2016-17",
            "text_table",
            "3.8's 1,263 plans at 31 March 2017 against the 3.7 table",
            [(_t("3.7", "cpp_at_31march", "2016-17"), 1)],
            text,
        )
    else:
        decline = F.value(text) < F.value(last_f)
        out.append(
            Finding(
                "text_table.cpp_at_31march.2016-17",
                "text_table",
                "3.8's 'as of the end of March 2017, stood at 1263' ('numbers showing a slight decline') against "
                "the 3.7 table",
                (text, last_f, *([d5["2016-17"]] if "2016-17" in d5 else [])),
                f"the table has no value at 31 March 2017; its last, {F.published(last_f)} at 31 March "
                f"{int(last_y[:4]) + 1}, is above {F.published(text)} ({_fmt(F.value(text) - F.value(last_f))}, "
                f"{_fmt(100 * (F.value(text) - F.value(last_f)) / F.value(last_f), 1)}%)"
                + (
                    f"; D5 at 31 March 2017: {F.published(d5['2016-17'])}"
                    if "2016-17" in d5
                    else ""
                )
                + evidence,
                "a value below the table's last",
                F.published(text),
                float(F.value(text) - F.value(last_f)),
                None,
                _verdict(decline),
                "1,263 against 1,441 is a contradiction only if 1,441 is read as the 2016-17 value; the row's "
                "values belong to 31 March 2013-2016 (see text_table.cpp_at_31march_row_alignment). A fall of "
                "12.4% is described as 'slight'",
            )
        )
    return out


def _ranking(F: FigureSet) -> list[Finding]:
    out: list[Finding] = []
    names = [
        ("referral_source_police", "police"),
        ("referral_source_education", "education"),
        ("referral_source_health", "health"),
    ]
    for y in ["2014-15", "2015-16", "2016-17"]:
        top = [_t("3.2", s, y) for s, _ in names]
        others = [_t("3.2", s, y) for s in REFERRAL_SOURCES if s not in dict(names)]
        if not F.numeric(*top, *others):
            continue
        v = [F.value(f) for f in top]
        ok = v[0] > v[1] > v[2] and all(F.value(o) < v[2] for o in others)
        out.append(
            Finding(
                f"text_table.referrer_ranking.{y}",
                "text_table",
                f"3.3 'Police remain the highest referrer followed by education and then health services ... "
                f"consistent over the last three years' against the 3.2 table {y}",
                (*top, *others),
                " > ".join(f"{n} {F.published(f)}" for (_, n), f in zip(names, top, strict=True))
                + f" > every other source (highest {max(F.published(o) for o in others)})",
                "police > education > health > others",
                "as printed",
                None,
                None,
                _verdict(ok),
            )
        )
    return out


def _missing_range(F: FigureSet) -> list[Finding]:
    low, high = "001-p3.13-cla_missing_pct_low", "001-p3.13-cla_missing_pct_high"
    qs = ["Apr-Jun 2016", "Jul-Sep 2016", "Oct-Dec 2016", "Jan-Mar 2017"]
    if not F.numeric(low, high):
        return []
    lo = F.interval(low)[0]
    hi = F.interval(high)[1]
    out: list[Finding] = []
    for q in qs:
        fid = _q313("cla_missing_pct_q", q)
        if not F.numeric(fid):
            continue
        a, b = F.interval(fid)
        # half-open: a value prints as 7%..8% when it is in [6.5, 8.5)
        ok = a < hi and b > lo
        raw_lo, raw_hi = F.value(low), F.value(high)
        v = F.value(fid)
        note = ""
        if ok and not raw_lo <= v <= raw_hi:
            note = (
                f"{F.published(fid)} is outside {F.published(low)}-{F.published(high)} but within the "
                "text's whole-number precision"
            )
        out.append(
            Finding(
                f"text_table.cla_missing_range.{_slug(q)}",
                "text_table",
                f"3.13 text 'between 7% and 8% since April 2016' against the table, {q}",
                (low, high, fid),
                f"{F.published(fid)} (that is {_fmt(a, 2)}..{_fmt(b, 2)}) within {F.published(low)}-"
                f"{F.published(high)} (that is {_fmt(lo, 1)}..{_fmt(hi, 1)})",
                f"{F.published(low)} to {F.published(high)}",
                F.published(fid),
                None if ok else float(F.value(fid) - (lo if F.value(fid) < lo else hi)),
                float(half_unit(F.precision(fid)) + half_unit(F.precision(low))),
                _verdict(ok),
                note,
            )
        )
    return out


def check_repeated_figures(figures: pd.DataFrame) -> list[Finding]:
    """The same figure (indicator, period, breakdown, role) printed in more than one place.

    Counts must be equal; percentages and rates must overlap within their printed
    precision. The kind says where the copies are: the report or profile against DfE
    (``report_vs_dfe``), the report against the profile (``cross_document``), the report's
    text against its tables (``text_table``) or two tables (``repeated``).
    """
    F = FigureSet(figures)
    df = figures[(figures["indicator_id"] != "") & figures["value"].notna()]
    out: list[Finding] = []
    keys = ["indicator_id", "period_label", "breakdown", "role"]
    order = {s: i for i, s in enumerate(["001", "004", "dfe"])}
    for key, g in df.groupby(keys, sort=False):
        if len(g) < 2:
            continue
        fids = sorted(g["figure_id"], key=lambda f: (order.get(F.row(f)["source"], 9), f))
        ref = next((f for f in fids if F.row(f)["source"] == "dfe"), fids[0])
        sources = set(g["source"])
        if "dfe" in sources:
            kind = "report_vs_dfe"
        elif sources == {"001", "004"}:
            kind = "cross_document"
        elif any(f.startswith("001-p") for f in fids) and any(f.startswith("001-t") for f in fids):
            kind = "text_table"
        else:
            kind = "repeated"
        lo, hi = F.interval(ref)
        bad = [f for f in fids if f != ref and not F.agree(f, ref)]
        ind, period, breakdown, role = key
        where = {f: str(F.row(f)["location"]).split(",")[0] for f in fids}
        arith = "; ".join(f"{F.published(f)} ({F.row(f)['source']}: {where[f]})" for f in fids)
        diff = max((abs(float(F.value(f) - F.value(ref))) for f in bad), default=0.0)
        tol = float((hi - lo) / 2 + max((F.interval(f)[1] - F.interval(f)[0]) / 2 for f in fids))
        cid = (
            f"{kind}.{ind}.{_slug(period)}"
            + (f".{_slug(breakdown)}" if breakdown else "")
            + ("" if role == "value" else f".{role}")
        )
        out.append(
            Finding(
                cid,
                kind,
                f"{ind} {period}{' ' + breakdown if breakdown else ''} ({role}) as printed in each place",
                tuple(fids),
                arith,
                F.published(ref),
                ", ".join(F.published(f) for f in fids if f != ref),
                diff if bad else 0.0,
                tol,
                _verdict(not bad),
                (f"differs from {F.row(ref)['source']} ({F.published(ref)}): " + ", ".join(bad))
                if bad
                else "",
            )
        )
    return out


CHECKS: tuple[Callable[[pd.DataFrame], list[Finding]], ...] = (
    check_component_sums,
    check_percentages,
    check_rates,
    check_stocks_and_flows,
    check_text_against_tables,
    check_repeated_figures,
    check_printed_units,
)


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a DataFrame with :data:`FINDING_COLUMNS`."""
    rows = [asdict(f) for f in findings]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def run_consistency_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Run every check over the published figures.

    Parameters
    ----------
    figures : pandas.DataFrame
        As :func:`reporting.published.figures.read_published_figures` returns it.

    Returns
    -------
    pandas.DataFrame
        One row per finding (:data:`FINDING_COLUMNS`), in check order; ``figure_ids`` is
        a tuple of figure ids.

    Raises
    ------
    ValueError
        If two findings share a ``check_id``.
    """
    findings = [f for check in CHECKS for f in check(figures)]
    out = findings_frame(findings)
    dupes = out["check_id"][out["check_id"].duplicated()].tolist()
    if dupes:
        raise ValueError(f"duplicate check ids: {dupes}")
    return out


def render_contradictions(findings: pd.DataFrame) -> str:
    """Markdown listing every contradiction with the arithmetic that shows it.

    Parameters
    ----------
    findings : pandas.DataFrame
        As :func:`run_consistency_checks` returns it.
    """
    con = findings[findings["verdict"] == "contradiction"]
    counts = findings["verdict"].value_counts()
    lines = [
        "# Contradictions in the published figures",
        "",
        "Generated by `reporting.published.consistency.render_contradictions` from",
        "`data/reference/published_figures.csv`; do not edit by hand (a test checks this file is current).",
        "",
        "The checks use only the published numbers, no record data. A printed percentage or rate stands",
        "for every value that rounds to it half away from zero at its printed precision (43.7% for",
        "[43.65, 43.75)); counts are exact. A finding is a contradiction when no set of values allowed by",
        "the printed figures satisfies the relation. Sources: "
        + "; ".join(f"`{k}` {v}" for k, v in SOURCES.items())
        + ".",
        "",
        f"{len(findings)} checks: {counts.get('consistent', 0)} consistent, "
        f"{counts.get('contradiction', 0)} contradictions, {counts.get('undetermined', 0)} undetermined.",
        "",
    ]
    for kind, title in KIND_TITLES.items():
        sub = con[con["kind"] == kind]
        if not len(sub):
            continue
        lines += [f"## {title}", ""]
        for r in sub.itertuples(index=False):
            lines += [
                f"### `{r.check_id}`",
                "",
                f"{r.description}.",
                "",
                f"- published: {r.published}; expected: {r.expected}"
                + (f"; difference {_num(r.difference)}" if _present(r.difference) else "")
                + (f" (tolerance {_num(r.tolerance)})" if _present(r.tolerance) else ""),
                f"- arithmetic: {r.arithmetic}",
                f"- figures: {', '.join(f'`{f}`' for f in r.figure_ids)}",
            ]
            if r.note:
                lines.append(f"- note: {r.note}")
            lines.append("")
    und = findings[findings["verdict"] == "undetermined"]
    if len(und):
        lines += [
            "## Not decidable from the published figures",
            "",
            "Relations that are not identities by definition, or need a figure nobody published;",
            "listed for whoever has to reproduce the figures, not counted as contradictions.",
            "",
        ]
        for r in und.itertuples(index=False):
            lines.append(f"- `{r.check_id}`: {r.arithmetic}. {r.note}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _present(x: object) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def _num(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".") if not float(x).is_integer() else str(int(x))


def write_contradictions(
    path: str | Path | None = None, figures: pd.DataFrame | None = None
) -> Path:
    """Write :func:`render_contradictions` of all checks to ``docs/published_contradictions.md``."""
    from reporting.published.figures import read_published_figures

    figures = read_published_figures() if figures is None else figures
    path = Path(path) if path is not None else DOC_PATH
    path.write_text(render_contradictions(run_consistency_checks(figures)), encoding="utf-8")
    return path
