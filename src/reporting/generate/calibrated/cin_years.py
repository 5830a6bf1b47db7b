"""The yearly numbers the CIN side must reproduce, resolved from the calibration targets.

Every published figure the CIN census, contacts and CP visits can carry is read here
once, by indicator id and period label, through :class:`~.targets.Targets` (which
already applies the source precedence DfE > report tables > report text). Where a
year has no published figure - 2011-12, which is written as history only, and the
report's measures in 2017-18 - a plausible default is used and recorded as such in
``CinYear.defaults``. Derived numbers (episodes carried over 31 March and closed as
assessed not in need the next year, children with two episodes of need in a year, plans
ending) follow from the published ones by the identities documented in
``docs/calibration.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reporting.generate.calibrated import DEMO_YEARS
from reporting.generate.calibrated.cin_util import Share, apportion, numerator_for, year_bounds
from reporting.generate.calibrated.targets import Target, Targets
from reporting.indicators.child_protection import CATEGORIES, DURATION_BANDS
from reporting.periods import ReportingYear
from reporting.schema.cin import REFERRAL_SOURCE_GROUPS, cin_spec

SOURCE_GROUPS = (*REFERRAL_SOURCE_GROUPS, "not_recorded")
KINDS = ("initial", "core", "single")
KIND_INDICATORS = {"initial": "initial_assessment_timeliness", "core": "core_assessment_timeliness",
                   "single": "cfa_timeliness"}

# Plausible values where nothing was published (2011-12 is history; 2017-18 has DfE figures only).
HISTORY = {
    "contacts": 56_400, "referrals": 9_700, "nfa": 600, "nin": 3_050, "rereferrals": 2_050, "ended": 5_300,
    "s47": 2_150, "icpc": 1_120, "plan_starts": 1_050, "plan_bands": (226, 224, 223, 104, 18),
    "plan_repeats": 90, "initial": (8_950, 63.0), "core": (5_600, 65.5), "at31": 6_312, "plan_at31": 795,
    "plan_ended": 1_000,
}
CONTACTS_2017_18 = 106_010  # Hampshire County Council news release, November 2018
DEFAULT_PCT = {"s47_to_icpc": 43.5, "single": (17_400, 88.6), "cp_visits_timely": 88.0,
               "cin_closed_6m_after_cpp": 58.0, "cin_closed_6m_after_cla": 18.0, "cpp_ended_2yrs_plus": 4.5,
               "cpp_repeat_2yrs": 60.0, "s47": 4_050}
MULTIPLE_SHARE = 0.09  # children with two episodes of need in 2011-12, share of episodes at any point


@dataclass
class CinYear:
    """What one year's CIN census, contacts and visits extract must reproduce."""

    label: str
    idx: int
    start: int
    end: int
    history: bool
    contacts: int = 0
    referrals: int = 0
    nfa: int = 0
    nin: int = 0
    rereferrals: int = 0
    started: int = 0
    ended: int = 0
    at31: int = 0
    children_any: int | None = None
    carry_in: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    s47: int = 0
    icpc: int = 0
    plan_starts: int = 0
    plan_at31: int = 0
    plan_bands: tuple[int, ...] = ()
    plan_ended_2y: int | None = None
    plan_repeats: int = 0
    plan_repeats_2y: int | None = None
    categories: dict[str, int] = field(default_factory=dict)
    assess_counts: dict[str, int | None] = field(default_factory=dict)
    assess_timely: dict[str, Share | None] = field(default_factory=dict)
    assess_default_pct: dict[str, float] = field(default_factory=dict)
    targets: dict[str, Target | None] = field(default_factory=dict)
    defaults: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def snapshot(self) -> str:
        return ReportingYear.parse(self.label).snapshot().label

    @property
    def kinds(self) -> tuple[str, ...]:
        spec = cin_spec(self.label)
        return tuple(k for k in KINDS if (spec.single_assessment if k == "single" else spec.initial_core_assessments))

    @property
    def multiple(self) -> int:
        """Episodes of need at any point beyond one per child (``at31 + ended - children_any``)."""
        if self.children_any is None:
            return int(round(MULTIPLE_SHARE * (self.at31 + self.ended)))
        return self.at31 + self.ended - self.children_any


def _count(targets: Targets, ind: str, label: str, breakdown: str = "") -> int | None:
    return targets.count(ind, label, breakdown)


def _numerator(targets: Targets, ind: str, label: str) -> int | None:
    t = targets.get(ind, label)
    return t.numerator if t is not None else None


def resolve_years(targets: Targets) -> list[CinYear]:
    """One :class:`CinYear` per demo year, oldest first."""
    years: list[CinYear] = []
    for i, label in enumerate(DEMO_YEARS):
        s, e = year_bounds(label)
        y = CinYear(label, i, s, e, history=(i == 0))
        snap = y.snapshot

        def got(value, name, default, y=y):
            if value is None:
                y.defaults.append(f"{name}: {default:,} (no published figure)")
                return default
            return value

        y.contacts = got(_count(targets, "contacts", label), "contacts",
                         CONTACTS_2017_18 if label == "2017-18" else HISTORY["contacts"])
        y.referrals = got(_count(targets, "referrals", label), "referrals", HISTORY["referrals"])
        y.nfa = got(_numerator(targets, "referrals_nfa", label), "no further action", HISTORY["nfa"])
        y.nin = got(_numerator(targets, "referrals_not_in_need", label), "assessed not in need", HISTORY["nin"])
        y.rereferrals = got(_numerator(targets, "rereferrals_12m", label), "re-referrals", HISTORY["rereferrals"])
        y.started = y.referrals - y.nfa - y.nin
        published_started = _count(targets, "cin_started", label)
        if published_started is not None and published_started != y.started:
            y.notes.append(f"cin_started published {published_started} but referrals - NFA - not in need = "
                           f"{y.started}: the referral figures are kept")
        y.at31 = got(_count(targets, "cin_at_31march", snap), f"children in need at {snap}", HISTORY["at31"])
        y.ended = got(_count(targets, "cin_ended", label), "episodes of need ended", HISTORY["ended"])
        y.children_any = _count(targets, "cin_any_point", label)
        y.s47 = got((targets.get("s47_to_icpc", label) or _EMPTY).denominator, "S47 enquiries started",
                    HISTORY["s47"] if y.history else DEFAULT_PCT["s47"])
        for key in ("s47_to_icpc", "cpp_ended_2yrs_plus", "cpp_repeat_2yrs", "cp_visits_timely",
                    "cin_closed_6m_after_cpp", "cin_closed_6m_after_cla", "cpp_open_2yrs_plus"):
            y.targets[key] = targets.get(key, snap if key == "cpp_open_2yrs_plus" else label)
        icpc = numerator_for(y.targets["s47_to_icpc"], y.s47,
                             100.0 * HISTORY["icpc"] / HISTORY["s47"] if y.history else DEFAULT_PCT["s47_to_icpc"])
        y.icpc = icpc.numerator
        # -- child protection plans
        y.plan_starts = got(_count(targets, "cpp_starts", label), "plans starting", HISTORY["plan_starts"])
        y.plan_at31 = got(_count(targets, "cpp_at_31march", snap), f"plans at {snap}", HISTORY["plan_at31"])
        bands = [_count(targets, "cpp_by_duration", snap, b) for b in DURATION_BANDS]
        if all(b is not None for b in bands):
            y.plan_bands = tuple(int(b) for b in bands)
        else:
            y.plan_bands = tuple(int(b) for b in apportion(y.plan_at31, HISTORY["plan_bands"]))
            y.defaults.append(f"plans at {snap} by duration: {y.plan_bands} (no published figure)")
        if sum(y.plan_bands) != y.plan_at31:
            raise ValueError(f"{snap}: plans by duration {y.plan_bands} do not add up to {y.plan_at31}")
        y.plan_ended_2y = _numerator(targets, "cpp_ended_2yrs_plus", label)
        y.plan_repeats = got(_numerator(targets, "cpp_repeat", label), "repeat plans", HISTORY["plan_repeats"])
        y.plan_repeats_2y = _numerator(targets, "cpp_repeat_2yrs", label)
        cats = {code: _numerator(targets, f"cpp_starts_{name}", label) for name, code in CATEGORIES.items()}
        y.categories = {c: n for c, n in cats.items() if n is not None}
        # -- referral sources
        src = {g: _numerator(targets, f"referral_source_{g}", label) for g in SOURCE_GROUPS}
        y.sources = {g: n for g, n in src.items() if n is not None}
        # -- assessments
        for kind in y.kinds:
            ind = KIND_INDICATORS[kind]
            t = targets.get(ind, label)
            y.targets[ind] = t
            y.assess_counts[kind] = t.denominator if t is not None and t.denominator is not None else None
            if y.history:
                y.assess_default_pct[kind] = HISTORY[kind][1] if kind in HISTORY else DEFAULT_PCT["single"][1]
            else:
                y.assess_default_pct[kind] = DEFAULT_PCT["single"][1]
            if y.assess_counts[kind] is None and not y.history:
                y.assess_counts[kind] = DEFAULT_PCT["single"][0]
                y.defaults.append(f"{kind} assessments completed: {DEFAULT_PCT['single'][0]:,} (no published figure)")
        y.targets["assessments_timeliness_total"] = targets.get("assessments_timeliness_total", label)
        years.append(y)
    _derive(years)
    return years


class _Empty:
    denominator = None


_EMPTY = _Empty()


def _derive(years: list[CinYear]) -> None:
    """Numbers that follow from the published ones, and the defaults that depend on neighbours."""
    first = years[0]
    if first.at31 is None:
        raise ValueError("children in need at 31 March of the first year are needed")
    for prev, y in zip(years, years[1:], strict=False):
        y.carry_in = prev.at31 + y.started - y.ended - y.at31
        if y.carry_in < 0:
            raise ValueError(f"{y.label}: children in need do not chain (carry-over {y.carry_in})")
    first.carry_in = 0  # the stock at 1 April 2011 is chosen so that nothing is carried into 2011-12
    for y in years:
        if y.plan_at31 is None:
            raise ValueError(f"{y.snapshot}: plans at 31 March needed")
    # report years without categories or sources borrow the shares of the nearest year that has them
    for key in ("categories", "sources"):
        have = [y for y in years if getattr(y, key)]
        for y in years:
            if getattr(y, key):
                continue
            near = min(have, key=lambda h, y=y: (abs(h.idx - y.idx), -h.idx))
            shares = getattr(near, key)
            total = y.plan_starts if key == "categories" else y.referrals
            names = sorted(shares)
            counts = apportion(total, [shares[n] for n in names])
            setattr(y, key, dict(zip(names, (int(c) for c in counts), strict=True)))
            y.defaults.append(f"{key}: shares of {near.label} ({dict(zip(names, counts.tolist(), strict=True))})")
    for y in years:
        total = y.plan_starts if y.categories else 0
        if y.categories and sum(y.categories.values()) != total:
            y.notes.append(f"categories add up to {sum(y.categories.values())}, not the {total} plans starting: "
                           "scaled to the plans starting")
            names = sorted(y.categories)
            counts = apportion(total, [y.categories[n] for n in names])
            y.categories = dict(zip(names, (int(c) for c in counts), strict=True))
        if sum(y.sources.values()) != y.referrals:
            y.notes.append(f"referral sources add up to {sum(y.sources.values())}, not the {y.referrals} "
                           "referrals: scaled to the referrals")
            names = list(y.sources)
            counts = apportion(y.referrals, [y.sources[n] for n in names])
            y.sources = dict(zip(names, (int(c) for c in counts), strict=True))
        if y.plan_repeats_2y is None:
            y.plan_repeats_2y = y.plan_repeats if y.history or y.idx == 1 else \
                int(round(DEFAULT_PCT["cpp_repeat_2yrs"] / 100 * y.plan_repeats))
