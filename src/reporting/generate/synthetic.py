"""A deterministic synthetic council: raw data in the layout of ``DATA_CONTRACT.md``.

:func:`generate_council` invents a persistent population of children and follows them
through contacts, referrals, assessments, section 47 enquiries, child protection plans
and periods of care, then writes each reporting year's files as the council would have
extracted them at the year end (31 March): the CIN census XML, the SSDA903 tables, the
Annex A contacts list and the local extracts. Nothing in it is real: ids, dates of
birth, postcodes and homes are made up. It is *plausible, not calibrated*: volumes at
``scale=1`` are roughly those of a large shire county and grow linearly with ``scale``.

Model
-----
* **Children** get a first referral date, a date of birth (a few are referred before
  birth), sex, ethnicity, disability, a risk class and a number of later referrals.
  Each child's CIN episodes follow one another without overlapping: the next referral
  comes after the previous episode has closed.
* **Episodes** take one route: referral with no further action (``ReferralNFA`` true,
  closed the same day, RC8); assessed as not in need (RC8, or RC9 "early help" in
  years whose code list has it); children in need services, often with a CIN plan; or a
  section 47 enquiry. About 45% of enquiries go to an initial child protection
  conference (held on a working day, usually within 15 working days of the enquiry
  start) and most conferences start a child protection plan on the conference date.
  Plans end after a few months to a few years, sometimes followed by a step-down CIN
  plan. Children in a high-risk class are referred more often and are likelier to have
  enquiries and plans, so repeat plans occur. Episodes, plans and periods of care are
  cut at the child's 18th birthday.
* **Assessments**: before the single assessment, initial and (for some) core
  assessments, recorded in ``CINdetails`` as ``InitialAssessment`` and
  ``CoreAssessment`` with the start and completion dates of
  :data:`reporting.schema.cin.INITIAL_ASSESSMENT_FIELDS` and ``CORE_ASSESSMENT_FIELDS``.
  The council switches to the single (child and family) assessment half way through
  the transition year (the years where the CIN specification has both kinds, 2013-14);
  initial and core assessments started before the switch are completed by the end of
  that year. Single assessments carry ``FactorsIdentifiedAtAssessment`` once authorised.
* **Care**: some episodes (mostly those with a plan) lead to a period of care, which
  keeps the CIN episode open until after it ends. A period is a chain of SSDA903
  episodes: the first starts with RNE S, each later one starts on the day the previous
  ended, which ends with REC X1; the last ends with the reason the period ended (or is
  open). Periods carry changes of legal status and placement (P1 placed with parents,
  T0-T4 temporary placements, adoption placements before an adoption), unaccompanied
  asylum-seeking children (``UASC.csv``), missing and away episodes (``Missing.csv``) and
  reviews (``Reviews.csv``). Some disabled children have only short breaks (legal status
  V3, one period per stay, or V4 agreements).
* **Contacts** (Annex A List 1): one before each referral and about 3.5 more per
  referral, for referred children and for children who are never referred.
* **Local extracts**: child protection visits, missing-from-home episodes of children
  in need who are not looked after, and complaints.

A year's files
--------------
Each year's files are a snapshot at 31 March: anything after the reference date is
absent (open episodes have no end date). The CIN census holds every child with an
episode open at some point in the year; open episodes and plans keep their original
start dates, but only the year's assessments and section 47 activity are included (an
assessment or enquiry open at 1 April appears in both years). The SSDA903 files hold
the episodes open at some point in the year, with their real start dates. Codes are
those of the year's specification (:mod:`reporting.schema`): for example
``GenderCurrent`` before 2024-25 and ``Sex`` after, foster placements Q1/Q2 before
2014-15 and U1-U6 after (an open placement is recoded in the later files, as DfE asked),
``NumberOfPreviousCPP`` and ``REASON_PLACE_CHANGE`` only where the specification has
them. Every coded value written is checked against the year's code list.

Representation choices: the census XML has one element per line and no indentation
(national-size files are large); empty optional elements are left out; children under
five (and unborn children, who carry ``ExpectedPersonBirthDate``) have ``UPNunknown``
UN6 instead of a UPN. SSDA903 ``REASON_PLACE_CHANGE`` is filled on episodes that start
with a change of placement; ``REVIEW_CODE`` takes PN0-PN7. Annex A contacts use the
year's CIN sex codes for ``Gender`` and the CIN referral source codes for
``Contact Source``; contacts of unborn children are left out.

Determinism
-----------
Everything is drawn from ``numpy.random.default_rng(seed)`` (and, for the per-year
contacts and complaints, from generators seeded with ``[seed, year]``); nothing reads
the clock or iterates over an unordered set, so the same arguments give byte-identical
files. Files are written to a temporary name in their folder and renamed into place.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from reporting.conventions import bank_holidays
from reporting.periods import FIRST_YEAR, ReportingYear, supported_years
from reporting.schema import annex_a, local
from reporting.schema import cin as C
from reporting.schema import ssda903 as S
from reporting.schema.cin import CinSpec, cin_spec
from reporting.schema.ssda903 import Ssda903Spec, ssda903_spec

__all__ = ["DEFAULT_YEARS", "generate_council"]

DEFAULT_YEARS: tuple[str, ...] = ("2012-13", "2013-14", "2014-15", "2015-16", "2016-17", "2017-18")

# --------------------------------------------------------------------------- volumes
# Per year at scale 1 (roughly a large shire county). Tuned so that the written years
# show about 20,000 referrals, 4,000 S47s, 1,600 new plans, 1,300 plans and 1,400
# children looked after at 31 March.
WARMUP_YEARS = 8  # years simulated before the first written year, so stocks are steady
REFERRALS = 20_000
REFERRALS_PER_CHILD = 1.65  # referrals a new child brings over the simulated span (calibration)
CONTACTS_PER_REFERRAL = 4.5
UASC_STARTS = 45
POPULATION_0_17 = 280_000
COMPLAINTS = 230
CONTACT_ONLY_PER_DOB_DAY = 15.0  # never-referred children per day of birth (contacts pool)

P_NFA = 0.12
P_S47 = (0.14, 0.66)  # (ordinary, high risk), of referrals that are not NFA
P_ICPC = (0.35, 0.58)  # of S47s
P_PLAN = 0.85  # of ICPCs
P_NOT_IN_NEED = 0.5  # of referrals with neither NFA nor S47
P_HIGH_RISK = 0.1
P_DISABLED = 0.05
P_SHORT_BREAKS = 0.35  # of services episodes of disabled children
P_CARE_PLAN = (0.16, 0.27)  # of episodes with a plan (ordinary, high risk)
P_CARE_S47 = 0.03  # of S47 episodes without a plan
P_CARE_SERVICES = 0.028
EXTRA_REFERRALS = (0.7, 3.2)  # mean later referrals per child (ordinary, high risk)

# --------------------------------------------------------------------------- code meanings
# The code *lists* come from reporting.schema; these only say which code means what, and
# every code written is checked against the year's list (``_check``).
_TRUE, _FALSE = "true", "false"
_CIN_SEX = {"GenderCurrent": {"M": "1", "F": "2", "U": "0"}, "Sex": {"M": "M", "F": "F", "U": "U"}}
_SEX_903 = {"M": "1", "F": "2"}
_SEXES = ("M", "F", "U")
_NEED = {"abuse": "N1", "disability": "N2", "absent_parenting": "N8", "not_in_need": "N9"}
_NEED_SERVICES = {"N1": 0.35, "N2": 0.05, "N3": 0.07, "N4": 0.17, "N5": 0.23, "N6": 0.08, "N7": 0.01,
                  "N8": 0.04}
_NEED_S47 = {"N1": 0.82, "N4": 0.05, "N5": 0.1, "N6": 0.03}
_CLOSURE = {"nfa": "RC8", "not_in_need": "RC8", "early_help": "RC9", "ceased": "RC7", "adopted": "RC1",
            "cao": "RC3", "sgo": "RC4", "moved": "RC5", "adult": "RC6"}
_CLOSURE_KINDS = tuple(_CLOSURE)
_NO_DISABILITY = "NONE"
_UPN_UNDER_SCHOOL_AGE = "UN6"
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_REFERRAL_SOURCE_GROUPS = {"individual": 0.09, "education": 0.17, "health": 0.14, "housing": 0.02,
                           "la_services": 0.10, "police": 0.28, "other_legal": 0.03, "other": 0.10,
                           "anonymous": 0.02, "unknown": 0.03}
_P_SOURCE_NOT_RECORDED = 0.015
_ETHNICITY = {"WBRI": 0.79, "WIRI": 0.004, "WIRT": 0.002, "WOTH": 0.04, "WROM": 0.004, "MWBC": 0.02,
              "MWBA": 0.008, "MWAS": 0.008, "MOTH": 0.015, "AIND": 0.012, "APKN": 0.008, "ABAN": 0.005,
              "AOTH": 0.01, "BCRB": 0.005, "BAFR": 0.015, "BOTH": 0.003, "CHNE": 0.003, "OOTH": 0.01,
              "REFU": 0.008, "NOBT": 0.02}
_ABUSE = {"NEG": 0.47, "EMO": 0.35, "PHY": 0.07, "SAB": 0.04, "MUL": 0.07}
# SSDA903
_RNE = {"start": "S", "legal": "L", "placement": "P", "same_carer": "T", "both": "B", "both_same_carer": "U"}
_CHANGES = ("placement", "legal", "both", "same_carer", "both_same_carer")
_CHANGE_WEIGHTS = (0.56, 0.2, 0.12, 0.05, 0.07)
_EPISODE_CHANGE = "X1"  # REC of every episode but the last of a period of care
_LS_FIRST = {"V2": 0.38, "C1": 0.27, "L2": 0.06, "L1": 0.05, "C2": 0.19, "J2": 0.03, "J1": 0.01, "J3": 0.01}
_LS_LATER = {"C2": 0.62, "C1": 0.18, "V2": 0.18, "J2": 0.02}
_LS_ADOPTION = "E1"
_LS_UASC = "V2"
_PLACE_FIRST = {"foster": 0.72, "residential": 0.08, "parents": 0.06, "school": 0.01, "temporary": 0.03,
                "other": 0.10}
_PLACE_LATER = {"foster": 0.66, "residential": 0.13, "parents": 0.06, "school": 0.02, "temporary": 0.04,
                "other": 0.09}
_PLACE_UASC = {"foster": 0.6, "residential": 0.3, "other": 0.1}
_PLACE_SHORT_BREAK = {"residential": 0.7, "foster": 0.3}
_PROVIDER = {  # placement group -> provider weights
    "foster": {"PR1": 0.62, "PR4": 0.33, "PR5": 0.05},
    "residential": {"PR4": 0.6, "PR1": 0.3, "PR2": 0.1},
    "parents": {"PR0": 1.0},
    "school": {"PR4": 0.5, "PR5": 0.3, "PR2": 0.2},
    "temporary": {"PR1": 0.8, "PR4": 0.2},
    "other": {"PR3": 0.4, "PR4": 0.3, "PR1": 0.3},
    "adoption": {"PR1": 0.8, "PR5": 0.2},
}
_P_OUTSIDE = {"foster": 0.15, "residential": 0.55, "parents": 0.05, "school": 0.6, "temporary": 0.1,
              "other": 0.3, "adoption": 0.4}
_OUTSIDE, _INSIDE = "OUT", "IN"
# Reason a period of care ended -> the year's codes: a schema field, or tiers of candidate
# codes of which the first tier with a code in the year's list is used.
_REC: dict[str, str | tuple[tuple[str, ...], ...]] = {
    "adoption": "adoption_codes",
    "sgo": "sgo_codes",
    "cao": (("E47", "E48"), ("E41",)),
    "home": (("E4A", "E4B", "E13"),),
    "independent": "independent_living_codes",
    "age18": (("E17", "E5", "E6", "E7", "E8"),),
    "other": (("E8", "E3", "E9", "E16", "E14"),),
    "short_break": (("E13",), ("E8",)),
}
_REC_KINDS = tuple(_REC)
_MISSING = {"M": 0.6, "A": 0.4}
_REVIEW_CODES = ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")  # participation; no schema list
_COMPARATORS = ("850", "886", "936", "938", "881", "919", "931", "825", "845", "916", "885", "878")

# XML elements the schema does not name (the message envelope and list items).
_MESSAGE, _HEADER, _COLLECTION_DETAILS, _SOURCE, _CHILDREN = (
    "Message", "Header", "CollectionDetails", "Source", "Children")
_DISABILITY = "Disability"
_FACTOR = "AssessmentFactors"
_COLLECTION = "CIN"

_WD_MAX = 128
_INDENT = ""  # one element per line, not indented: national-size files are big enough


# =========================================================================== small helpers
def _day(ts: pd.Timestamp | str) -> int:
    return int(np.datetime64(pd.Timestamp(ts).date(), "D").astype(np.int64))


def _dt(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]")


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = _dt(days)
    months = d.astype("datetime64[M]")
    y = months.astype("datetime64[Y]").astype(np.int64) + 1970
    m = months.astype(np.int64) % 12 + 1
    dd = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, dd


def _years_later(days: np.ndarray, years: int) -> np.ndarray:
    """The same calendar day ``years`` later (29 February -> 28 February)."""
    idx = pd.DatetimeIndex(_dt(days)) + pd.DateOffset(years=years)
    return idx.values.astype("datetime64[D]").astype(np.int64)


def _age(dob: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Completed years of age on a date (negative before birth)."""
    yb, mb, db = _ymd(dob)
    yo, mo, do = _ymd(on)
    return yo - yb - ((mo * 32 + do) < (mb * 32 + db))


class _WorkingDays:
    """Adding working days (England and Wales bank holidays) and an upper bound for it."""

    def __init__(self, first: int, last: int) -> None:
        self.holidays = bank_holidays()
        days = np.arange(first, last + 1)
        n = np.arange(_WD_MAX + 1)
        ub = np.zeros(_WD_MAX + 1, dtype=np.int64)
        for chunk in np.array_split(n, 8):
            got = self.add(days[:, None], np.broadcast_to(chunk, (len(days), len(chunk))))
            ub[chunk] = (got - days[:, None]).max(axis=0)
        self.ub = ub

    def add(self, days: np.ndarray, n: np.ndarray) -> np.ndarray:
        """The day ``n`` working days after ``days``: ``working_days_after`` of the pair is ``n``."""
        return np.busday_offset(_dt(days), n, roll="backward", holidays=self.holidays).astype(np.int64)

    def bound(self, days: np.ndarray, n: np.ndarray) -> np.ndarray:
        """An upper bound of :meth:`add` that does not depend on the start day."""
        return days + self.ub[n]


class _Dates:
    """Day numbers to ISO and dd/mm/yyyy strings through lookup tables."""

    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi
        iso = pd.Series(np.datetime_as_string(_dt(np.arange(lo, hi + 1)), unit="D"))
        self.iso_table = iso.to_numpy(dtype=object)
        self.dmy_table = (iso.str[8:10] + "/" + iso.str[5:7] + "/" + iso.str[0:4]).to_numpy(dtype=object)

    def _fmt(self, table: np.ndarray, days: np.ndarray, show: np.ndarray | None) -> np.ndarray:
        days = np.asarray(days, dtype=np.int64)
        out = np.full(len(days), "", dtype=object)
        m = np.ones(len(days), bool) if show is None else np.asarray(show, bool)
        if m.any():
            d = days[m]
            if d.min() < self.lo or d.max() > self.hi:
                raise RuntimeError("synthetic generator: date outside its formatting range")
            out[m] = table[d - self.lo]
        return out

    def iso(self, days: np.ndarray, show: np.ndarray | None = None) -> np.ndarray:
        return self._fmt(self.iso_table, days, show)

    def dmy(self, days: np.ndarray, show: np.ndarray | None = None) -> np.ndarray:
        return self._fmt(self.dmy_table, days, show)


def _choose(rng: np.random.Generator, weights: Sequence[float], n: int) -> np.ndarray:
    """Indices drawn with the given weights (one uniform per draw, so draws stay aligned)."""
    cw = np.cumsum(np.asarray(weights, float))
    return np.minimum(np.searchsorted(cw / cw[-1], rng.random(n), side="right"), len(cw) - 1)


def _render(u: np.ndarray, weights: dict[str, float], allowed: frozenset[str]) -> np.ndarray:
    """Map uniforms to codes by weight, among the codes the year's list allows."""
    keys = [k for k in weights if k in allowed]
    if not keys:
        raise RuntimeError(f"synthetic generator: none of {sorted(weights)} is in the year's code list")
    cw = np.cumsum([weights[k] for k in keys])
    idx = np.minimum(np.searchsorted(cw / cw[-1], u, side="right"), len(keys) - 1)
    return np.array(keys, dtype=object)[idx]


def _render_uniform(u: np.ndarray, codes: Sequence[str]) -> np.ndarray:
    codes = sorted(codes)
    if not codes:
        raise RuntimeError("synthetic generator: empty code list")
    idx = np.minimum((np.asarray(u) * len(codes)).astype(np.int64), len(codes) - 1)
    return np.array(codes, dtype=object)[idx]


def _first_valid(candidates: Sequence[str], allowed: frozenset[str]) -> list[str]:
    got = [c for c in candidates if c in allowed]
    if not got:
        raise RuntimeError(f"synthetic generator: none of {list(candidates)} is in the year's code list")
    return got


def _check(values: np.ndarray, allowed: frozenset[str] | None, what: str) -> None:
    """Refuse to write a code outside the year's list."""
    if allowed is None or len(values) == 0:
        return
    present = set(pd.unique(np.asarray(values, dtype=object)).tolist()) - {""}
    bad = present - allowed
    if bad:
        raise RuntimeError(f"synthetic generator wrote {what} codes outside the year's list: {sorted(bad)}")


def _ffill(values: np.ndarray, set_here: np.ndarray) -> np.ndarray:
    """Carry values forward from the rows where ``set_here`` (the first row must be set)."""
    idx = np.maximum.accumulate(np.where(set_here, np.arange(len(values)), 0))
    return values[idx]


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row index repeated ``counts`` times, and the position 0..count-1 within each."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    start = np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.arange(len(owner)) - start


def _join_by(owner: np.ndarray, parts: np.ndarray, n: int) -> np.ndarray:
    """Concatenate string ``parts`` (sorted by ``owner``) into one string per owner 0..n-1."""
    out = np.full(n, "", dtype=object)
    if len(parts):
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        out[owner[starts]] = np.add.reduceat(parts, starts)
    return out


def _rows(parts: list[np.ndarray]) -> np.ndarray:
    """Row-wise concatenation of equally long string arrays."""
    lists = [p.tolist() for p in parts]
    return np.array(list(map("".join, zip(*lists, strict=True))), dtype=object)


def _el(tag: str, values: np.ndarray, depth: int, show: np.ndarray | None = None) -> np.ndarray:
    """``<tag>value</tag>`` on its own indented line; empty values give no element."""
    values = np.asarray(values, dtype=object)
    out = np.full(len(values), "", dtype=object)
    m = values != ""
    if show is not None:
        m &= show
    if m.any():
        out[m] = f"\n{_INDENT * depth}<{tag}>" + values[m] + f"</{tag}>"
    return out


def _wrap(tag: str, inner: np.ndarray, depth: int, show: np.ndarray) -> np.ndarray:
    pad = "\n" + _INDENT * depth
    out = np.full(len(inner), "", dtype=object)
    if show.any():
        out[show] = f"{pad}<{tag}>" + inner[show] + f"{pad}</{tag}>"
    return out


def _const(n: int, value: str) -> np.ndarray:
    return np.full(n, value, dtype=object)


def _bool_text(flags: np.ndarray) -> np.ndarray:
    return np.where(flags, _TRUE, _FALSE).astype(object)


def _element(mapping: dict[str, str], tidy: str) -> str:
    """The element (or column) name a schema mapping gives a tidy column."""
    names = [k for k, v in mapping.items() if v == tidy]
    if len(names) != 1:
        raise RuntimeError(f"synthetic generator: schema has {len(names)} elements for {tidy!r}")
    return names[0]


# =========================================================================== simulation
@dataclass
class _Sim:
    """Everything invented for the whole span, as flat arrays of day numbers and codes."""

    t0: int
    t1: int
    children: pd.DataFrame
    episodes: pd.DataFrame
    plans: pd.DataFrame
    plan_reviews: pd.DataFrame
    visits: pd.DataFrame
    care: pd.DataFrame  # SSDA903 episodes
    care_missing: pd.DataFrame
    care_reviews: pd.DataFrame
    missing_home: pd.DataFrame
    pool: pd.DataFrame  # never-referred children (contacts only)
    wd: _WorkingDays
    dates: _Dates


def _assessment_switch() -> tuple[int, int]:
    """When initial/core assessments give way to the single assessment.

    Returns the switch day (half way through the transition years, where the CIN
    specification has both kinds; assessments starting on or after it are single ones)
    and the last day an initial or core assessment may be completed.
    """
    years = supported_years()
    single = [y for y in years if cin_spec(y).single_assessment]
    ic = [y for y in years if cin_spec(y).initial_core_assessments]
    first_single = single[0] if single else years[-1].shift(1)
    last_ic = ic[-1] if ic else years[0].shift(-1)
    single_first_day = _day(first_single.start)
    ic_last_day = _day(last_ic.end)
    if ic_last_day >= single_first_day:
        switch = single_first_day + (ic_last_day - single_first_day) // 2
    else:
        switch = single_first_day
    return switch, ic_last_day


def _simulate(years: list[ReportingYear], scale: float, rng: np.random.Generator) -> _Sim:
    first = years[0].first - WARMUP_YEARS
    last = years[-1].first
    n_years = last - first + 1
    year_start = np.array([_day(pd.Timestamp(y, 4, 1)) for y in range(first, last + 2)], dtype=np.int64)
    t0, t1 = int(year_start[0]), int(year_start[-1] - 1)
    wd = _WorkingDays(t0 - 30, t1 + 800)
    switch, ic_last = _assessment_switch()

    # ------------------------------------------------------------------ children
    trend = np.exp(np.cumsum(rng.normal(0.0, 0.035, n_years)))
    trend /= trend.mean()
    n_new = rng.poisson(REFERRALS * scale * trend / REFERRALS_PER_CHILD)
    N = int(n_new.sum())
    yr = np.repeat(np.arange(n_years), n_new)
    first_ref = np.sort(year_start[yr] + (rng.random(N) * (year_start[yr + 1] - year_start[yr])).astype(np.int64))
    band = _choose(rng, [0.04, 0.10, 0.21, 0.26, 0.29, 0.10], N)
    lo = np.array([-0.45, 0.0, 1.0, 5.0, 10.0, 16.0])
    hi = np.array([-0.02, 1.0, 5.0, 10.0, 16.0, 17.4])
    age0 = lo[band] + rng.random(N) * (hi - lo)[band]
    dob = first_ref - np.round(age0 * 365.25).astype(np.int64)
    sex = _choose(rng, [0.515, 0.48, 0.005], N)
    eth_u = rng.random(N)
    disabled = rng.random(N) < P_DISABLED
    dis_u = rng.random((N, 2))
    dis_n = np.where(disabled, 1 + (rng.random(N) < 0.3), 0)
    high = rng.random(N) < P_HIGH_RISK
    mother_u = rng.random(N)
    postcode = rng.integers(1, 99, N)
    uasc_ok = (age0 >= 14.0) & (age0 < 17.2)
    p_uasc = min(0.6, UASC_STARTS * scale * n_years / max(1, int(uasc_ok.sum())))
    uasc = uasc_ok & (rng.random(N) < p_uasc)
    extra = rng.geometric(1.0 / (1.0 + np.where(high, EXTRA_REFERRALS[1], EXTRA_REFERRALS[0]))) - 1
    K = np.where(uasc, 1, 1 + extra)
    birthday18 = _years_later(dob, 18)
    cap = birthday18 - 1  # last day aged 17

    # ------------------------------------------------------------------ episodes: draws
    E = int(K.sum())
    child, _ = _expand(K)
    hi_e = high[child]
    x: dict[str, np.ndarray] = {}

    def u() -> np.ndarray:
        return rng.random(E)

    def ints(a: int, b: int) -> np.ndarray:
        return rng.integers(a, b, E)

    ep_uasc = uasc[child]
    nfa = (u() < P_NFA) & ~ep_uasc
    s47 = ~nfa & (u() < np.where(hi_e, P_S47[1], P_S47[0])) & ~ep_uasc
    nin = ~nfa & ~s47 & (u() < P_NOT_IN_NEED) & ~ep_uasc
    serv = ~nfa & ~s47 & ~nin
    icpc = s47 & (u() < np.where(hi_e, P_ICPC[1], P_ICPC[0]))
    plan = icpc & (u() < P_PLAN)
    sb = serv & disabled[child] & (u() < P_SHORT_BREAKS) & ~ep_uasc
    care = np.where(plan, u() < np.where(hi_e, P_CARE_PLAN[1], P_CARE_PLAN[0]),
                    np.where(s47, u() < P_CARE_S47, serv & ~sb & (u() < P_CARE_SERVICES)))
    care = (care & ~sb) | ep_uasc
    x["a_delay"] = np.where(u() < 0.5, 0, ints(1, 6))
    x["wd_single"] = np.where(u() < 0.8, ints(5, 46), ints(46, 95))
    x["wd_initial"] = np.where(u() < 0.78, ints(1, 11), ints(11, 26))
    x["core"] = (u() < np.where(nin, 0.1, 0.4)) & ~nfa
    x["core_delay"] = ints(0, 4)
    x["wd_core"] = np.where(u() < 0.75, ints(8, 36), ints(36, 71))
    x["s_delay"] = np.where(u() < 0.45, 0, ints(1, 15))
    x["wd_icpc"] = np.where(u() < 0.8, ints(4, 16), ints(16, 41))
    x["wd_concl"] = ints(5, 21)
    x["plan_dur"] = np.select(
        [u() < 0.25, u() < 0.8],
        [ints(40, 150), 120 + np.round(rng.gamma(2.0, 105.0, E)).astype(np.int64)],
        ints(365, 1000),
    )
    x["care_frac"] = 0.1 + 0.9 * u()
    x["stepdown"] = u() < 0.5
    x["sd_dur"] = ints(45, 240)
    x["tail_small"] = ints(0, 15)
    x["tail_post"] = np.where(u() < 0.75, ints(0, 60), ints(120, 360))
    x["cinplan"] = (serv & (u() < 0.55)) | sb
    x["cp_delay"] = ints(0, 15)
    x["cp_dur"] = 45 + np.round(rng.gamma(2.0, 65.0, E)).astype(np.int64)
    x["tail_serv"] = 20 + np.round(rng.gamma(1.5, 50.0, E)).astype(np.int64)
    x["tail_nin"] = ints(0, 11)
    x["sb_dur"] = ints(365, 1500)
    x["care_delay"] = np.where(ep_uasc, ints(0, 4), ints(0, 90))
    x["care_dur"] = np.where(u() < 0.7, 180 + np.round(rng.gamma(1.3, 900.0, E)).astype(np.int64),
                             ints(1, 180))
    x["tail_care"] = np.where(u() < 0.6, ints(0, 90), ints(90, 365))
    x["nfa"], x["nin"], x["s47"], x["icpc"], x["plan"], x["sb"] = nfa, nin, s47, icpc, plan, sb
    x["uasc"] = ep_uasc

    # ------------------------------------------------------------------ pass 1: referral dates
    bound = _timeline(np.zeros(E, dtype=np.int64), x, care, wd.bound, single=None, ic_last=ic_last)
    length = bound["close"]
    gap = np.where(u() < 0.6, 1 + np.round(rng.exponential(110.0, E)), 30 + np.round(rng.exponential(900.0, E)))
    step = length + gap.astype(np.int64)
    excl = np.cumsum(step) - step
    r = first_ref[child] + excl - excl[np.repeat(np.cumsum(K) - K, K)]

    # referrals after the span, or within six months of the 18th birthday, do not happen
    keep = np.flatnonzero((r <= t1) & (r <= cap[child] - 180))
    x = {k: v[keep] for k, v in x.items()}
    child, r, length, care = child[keep], r[keep], length[keep], care[keep]
    nfa, nin, s47, icpc, plan, sb, ep_uasc = (x[k] for k in ("nfa", "nin", "s47", "icpc", "plan", "sb", "uasc"))
    E = len(keep)

    # ------------------------------------------------------------------ pass 2: exact dates
    a_s = r + x["a_delay"]
    single = a_s >= switch
    t = _timeline(r, x, care, wd.add, single=single, ic_last=ic_last)
    if np.any(t["close"] > r + length):
        raise RuntimeError("synthetic generator: an episode outgrew its bound")
    dob_e, cap_e = dob[child], cap[child]
    care = care & (t["c_s"] > dob_e) & (t["c_s"] < cap_e - 30)
    t = _timeline(r, x, care, wd.add, single=single, ic_last=ic_last)  # with care decided
    close = np.minimum(t["close"], cap_e)
    p_e = np.minimum(t["p_e"], cap_e)
    c_e = np.minimum(t["c_e"], cap_e)
    has_cp = t["has_cp"] & (t["cp_s"] < cap_e - 1)
    cp_e = np.minimum(t["cp_e"], cap_e)

    # closure reasons
    cu = u()
    kind = np.full(E, _CLOSURE_KINDS.index("ceased"))
    kind[nfa] = _CLOSURE_KINDS.index("nfa")
    kind[nin] = np.where(cu[nin] < 0.35, _CLOSURE_KINDS.index("early_help"), _CLOSURE_KINDS.index("not_in_need"))
    moved = ~nfa & ~nin & (cu < 0.05)
    kind[moved] = _CLOSURE_KINDS.index("moved")
    kind[(close == cap_e) & ~nfa & ~nin & (cu > 0.7)] = _CLOSURE_KINDS.index("adult")

    # reasons periods of care ended
    age_start = (t["c_s"] - dob_e) / 365.25
    age_end = (c_e - dob_e) / 365.25
    dur = c_e - t["c_s"]
    w = np.zeros((E, len(_REC_KINDS)))
    col = {k: i for i, k in enumerate(_REC_KINDS)}
    young, mid, old = age_end < 10, (age_end >= 10) & (age_end < 16), age_end >= 16
    w[:, col["home"]] = np.where(young, 0.38, np.where(mid, 0.64, 0.35))
    w[:, col["other"]] = np.where(young, 0.06, np.where(mid, 0.18, 0.3))
    w[:, col["sgo"]] = np.where(young, 0.2, np.where(mid, 0.12, 0.0))
    w[:, col["cao"]] = np.where(young, 0.06, np.where(mid, 0.04, 0.0))
    w[:, col["adoption"]] = np.where(young & (age_start < 6) & (dur >= 180), 0.3, 0.0)
    w[:, col["independent"]] = np.where(old, 0.35, 0.0)
    w[ep_uasc, col["home"]] = 0.0
    w[ep_uasc, col["other"]] = 1.0
    cw = np.cumsum(w, axis=1)
    rec_kind = (cw / cw[:, -1:] < u()[:, None]).sum(axis=1)
    rec_kind = np.where(c_e == cap_e, col["age18"], rec_kind)
    by_rec = {"adoption": "adopted", "sgo": "sgo", "cao": "cao"}
    for rk, ck in by_rec.items():
        kind[care & (rec_kind == col[rk])] = _CLOSURE_KINDS.index(ck)

    need_u = u()
    need = np.where(nfa | nin, _NEED["not_in_need"],
                    np.where(s47, _render(need_u, _NEED_S47, frozenset(_NEED_S47)),
                             _render(need_u, _NEED_SERVICES, frozenset(_NEED_SERVICES))))
    need = np.where(sb, _NEED["disability"], np.where(ep_uasc, _NEED["absent_parenting"], need))

    episodes = pd.DataFrame({
        "child": child, "r": r, "close": close, "closure_kind": kind, "nfa": nfa, "need": need,
        "source_u": u(), "source_missing": u() < _P_SOURCE_NOT_RECORDED,
        "has_assessment": ~nfa, "single": single, "a_s": t["a_s"], "ae": t["ae"], "i_end": t["i_end"],
        "core": x["core"] & ~nfa & ~single, "core_s": t["core_s"], "core_end": t["core_end"],
        "factor_n": ints(1, 5), "factor_u": u(), "factor_step": u(),
        "s47": s47, "s": t["s"], "icpc": icpc, "icpc_d": t["icpc_d"], "concl": t["concl"],
        "icpc_target": wd.add(t["s"], np.full(E, 15)),
        "plan": plan, "p_s": t["p_s"], "p_e": p_e, "cat_u": u(), "cat_change": u() < 0.15, "cat_u2": u(),
        "has_cp": has_cp, "cp_s": t["cp_s"], "cp_e": cp_e,
        "care": care, "c_s": t["c_s"], "c_e": c_e, "rec_kind": rec_kind, "uasc": ep_uasc, "sb": sb,
        "sb_v4": u() < 0.3, "age_r": (r - dob_e) / 365.25,
        "contact_gap": np.where(u() < 0.6, 0, ints(1, 8)),
    })
    # no child's episodes may overlap
    same = episodes["child"].to_numpy()[1:] == episodes["child"].to_numpy()[:-1]
    if np.any(same & (episodes["r"].to_numpy()[1:] <= episodes["close"].to_numpy()[:-1])):
        raise RuntimeError("synthetic generator: overlapping CIN episodes")

    children = pd.DataFrame({
        "dob": dob, "sex": sex, "eth_u": eth_u, "dis_n": dis_n, "dis_u1": dis_u[:, 0],
        "dis_u2": dis_u[:, 1], "mother_u": mother_u, "postcode": postcode, "uasc": uasc, "birthday18": birthday18,
    })

    plans, plan_reviews, visits = _plans(episodes, rng, wd)
    care_eps, care_missing, care_reviews = _care(episodes, children, rng, wd, t1)
    missing_home = _missing_home(episodes, rng, t1)
    pool = _contact_pool(t0, t1, scale, rng)
    lo = int(np.r_[t0, dob, pool["dob"].to_numpy()].min()) - 400
    dates = _Dates(lo, t1 + 3 * 366)
    return _Sim(t0, t1, children, episodes, plans, plan_reviews, visits, care_eps, care_missing,
                care_reviews, missing_home, pool, wd, dates)


def _timeline(r: np.ndarray, x: dict[str, np.ndarray], care: np.ndarray,
              add: Callable[[np.ndarray, np.ndarray], np.ndarray], *, single: np.ndarray | None,
              ic_last: int) -> dict[str, np.ndarray]:
    """The dates of every episode from its referral date.

    With ``single=None`` this is the bounding pass: ``add`` is an upper bound of adding
    working days and every choice that is not yet known (the kind of assessment, whether
    care goes ahead) takes its longest outcome, so the closure is an upper bound of the
    exact one. Every step is monotone in its inputs.
    """
    bounding = single is None
    a_s = r + x["a_delay"]
    single_end = add(a_s, x["wd_single"])
    i_end = add(a_s, x["wd_initial"])
    core_s = i_end + x["core_delay"]
    core_end = add(core_s, x["wd_core"])
    if bounding:
        ae = np.maximum(single_end, np.where(x["core"], core_end, i_end))
    else:
        i_end = np.minimum(i_end, ic_last)
        core_s = np.minimum(core_s, ic_last)
        core_end = np.minimum(core_end, ic_last)
        ae = np.where(single, single_end, np.where(x["core"], core_end, i_end))
    ae = np.where(x["nfa"], r, ae)
    s = r + x["s_delay"]
    icpc_d = add(s, x["wd_icpc"])
    concl = np.where(x["icpc"], icpc_d, add(s, x["wd_concl"]))
    anchor = np.where(x["s47"], np.maximum(ae, concl), ae)
    p_s = icpc_d
    p_e_nocare = p_s + x["plan_dur"]
    c_s = np.where(x["plan"], p_s + (x["care_frac"] * x["plan_dur"]).astype(np.int64),
                   np.where(x["uasc"], r + x["care_delay"], anchor + x["care_delay"]))
    c_e = c_s + x["care_dur"]
    close_care = np.maximum(c_e + x["tail_care"], ae)
    # CIN plan: services (or short breaks), or a step-down after a child protection plan
    sd = x["plan"] & x["stepdown"]
    sb_close = anchor + x["sb_dur"]
    cp_s = np.where(x["plan"], p_e_nocare, anchor + x["cp_delay"])
    cp_e = np.where(x["plan"], p_e_nocare + x["sd_dur"], np.where(x["sb"], sb_close - 1, cp_s + x["cp_dur"]))
    close_serv = np.where(x["cinplan"], cp_e + x["tail_small"], anchor + x["tail_serv"])
    close_plan = np.maximum(np.where(sd, cp_e + x["tail_small"], p_e_nocare + x["tail_post"]), ae)
    base = np.select([x["nfa"], x["nin"], x["plan"], x["sb"]],
                     [r, ae + x["tail_nin"], close_plan, sb_close], close_serv)
    if bounding:
        close = np.where(care, np.maximum(base, close_care), base)
    else:
        close = np.where(care, close_care, base)
    has_cp = np.where(x["plan"], sd, x["cinplan"]) & ~care
    p_e = np.where(care & x["plan"], c_s, p_e_nocare)
    return {"a_s": a_s, "ae": ae, "i_end": i_end, "core_s": core_s, "core_end": core_end, "s": s,
            "icpc_d": icpc_d, "concl": concl, "p_s": p_s, "p_e": p_e, "c_s": c_s, "c_e": c_e,
            "cp_s": cp_s, "cp_e": cp_e, "has_cp": has_cp, "close": close}


def _plans(ep: pd.DataFrame, rng: np.random.Generator, wd: _WorkingDays
           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Child protection plans (with the number of earlier plans), their reviews and visits."""
    p = ep.loc[ep["plan"], ["child", "p_s", "p_e", "cat_u", "cat_change", "cat_u2"]].copy()
    p["episode"] = p.index.to_numpy()
    p = p.sort_values(["child", "p_s"], kind="stable").reset_index(drop=True)
    p["previous"] = p.groupby("child").cumcount().to_numpy()
    n = len(p)
    dur = (p["p_e"] - p["p_s"]).to_numpy()
    # reviews: within 3 months of the conference, then every 6 months, on working days
    n_rev = np.where(dur > 85, 1 + np.maximum(0, (dur - 85) // 182), 0)
    owner, k = _expand(n_rev)
    first = p["p_s"].to_numpy()[owner] + rng.integers(70, 86, len(owner))
    day = first + 182 * k + rng.integers(-7, 8, len(owner)) * (k > 0)
    day = wd.add(day, np.zeros(len(day), dtype=np.int64))
    keep = day < p["p_e"].to_numpy()[owner]
    reviews = pd.DataFrame({"plan": owner[keep], "day": day[keep]})
    # statutory visits: mostly every 10 days or so, some late
    n_max = dur // 6 + 3
    owner, k = _expand(n_max)
    gaps = np.where(rng.random(len(owner)) < 0.87, rng.integers(4, 15, len(owner)),
                    rng.integers(15, 31, len(owner)))
    cs = np.cumsum(gaps)
    start_idx = np.repeat(np.cumsum(n_max) - n_max, n_max)
    offs = cs - (cs[start_idx] - gaps[start_idx])
    day = p["p_s"].to_numpy()[owner] + offs
    keep = day < p["p_e"].to_numpy()[owner]
    visits = pd.DataFrame({"plan": owner[keep], "day": day[keep]})
    return p.assign(n=np.arange(n)), reviews, visits


def _care(ep: pd.DataFrame, children: pd.DataFrame, rng: np.random.Generator, wd: _WorkingDays, t1: int
          ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """SSDA903 episodes (periods of care and short breaks), missing episodes and reviews."""
    c = ep.loc[ep["care"], ["child", "c_s", "c_e", "rec_kind", "uasc", "need"]].reset_index(drop=True)
    P = len(c)
    dur = (c["c_e"] - c["c_s"]).to_numpy()
    adoption = c["rec_kind"].to_numpy() == _REC_KINDS.index("adoption")
    uasc = c["uasc"].to_numpy()
    n_ch = np.minimum(rng.poisson(np.minimum(dur, 3650) / 365.0 * np.where(uasc, 0.5, 1.1)), 10)
    n_ch = np.minimum(n_ch, np.maximum(dur - 1, 0))
    owner, _ = _expand(n_ch)
    off = 1 + (rng.random(len(owner)) * np.maximum(dur[owner] - 1, 1)).astype(np.int64)
    # adoption: the placement for adoption is the last episode, the last quarter of the period
    ad = np.flatnonzero(adoption & (dur >= 4))
    owner = np.r_[owner, ad]
    off = np.r_[off, (dur[ad] * 3) // 4]
    order = np.lexsort((off, owner))
    owner, off = owner[order], off[order]
    dup = np.r_[False, (owner[1:] == owner[:-1]) & (off[1:] == off[:-1])]
    owner, off = owner[~dup], off[~dup]
    # episodes: the period start, then each change point
    p_idx = np.r_[np.arange(P), owner]
    e_off = np.r_[np.zeros(P, dtype=np.int64), off]
    order = np.lexsort((e_off, p_idx))
    p_idx, e_off = p_idx[order], e_off[order]
    n = len(p_idx)
    is_first = np.r_[True, p_idx[1:] != p_idx[:-1]]
    is_last = np.r_[p_idx[1:] != p_idx[:-1], True]
    decom = c["c_s"].to_numpy()[p_idx] + e_off
    dec = np.where(is_last, c["c_e"].to_numpy()[p_idx], np.r_[decom[1:], 0])
    last_adopt = is_last & adoption[p_idx] & ~is_first
    change = _choose(rng, _CHANGE_WEIGHTS, n)
    change = np.where(uasc[p_idx], _CHANGES.index("placement"), change)
    change = np.where(last_adopt, _CHANGES.index("both"), change)
    rne = np.where(is_first, "start", np.array(_CHANGES, dtype=object)[change])
    legal = np.isin(rne, ["start", "legal", "both", "both_same_carer"])
    moves = np.isin(rne, ["start", "placement", "same_carer", "both", "both_same_carer"])
    u_ls = rng.random(n)
    ls_new = np.where(is_first, _render(u_ls, _LS_FIRST, frozenset(_LS_FIRST)),
                      _render(u_ls, _LS_LATER, frozenset(_LS_LATER)))
    ls_new = np.where(uasc[p_idx], _LS_UASC, ls_new)
    ls_new = np.where(last_adopt, _LS_ADOPTION, ls_new).astype(object)
    ls = _ffill(ls_new, legal)
    # a change of legal status changes it: where the new status equals the old, take the next one
    nxt = {k: keys for k, keys in zip(_LS_LATER, list(_LS_LATER)[1:] + list(_LS_LATER)[:1], strict=True)}
    for _ in range(20):
        prev = np.empty(n, dtype=object)
        prev[0], prev[1:] = "", ls[:-1]
        bad = legal & ~is_first & ~last_adopt & (ls_new == prev)
        if not bad.any():
            break
        ls_new[bad] = pd.Series(prev[bad]).map(nxt).fillna(next(iter(_LS_LATER))).to_numpy(dtype=object)
        ls = _ffill(ls_new, legal)
    u_pl = rng.random(n)
    group_new = np.where(is_first, _render(u_pl, _PLACE_FIRST, frozenset(_PLACE_FIRST)),
                         _render(u_pl, _PLACE_LATER, frozenset(_PLACE_LATER)))
    group_new = np.where(uasc[p_idx], _render(u_pl, _PLACE_UASC, frozenset(_PLACE_UASC)), group_new)
    group_new = np.where(last_adopt, "adoption", group_new)
    group = _ffill(group_new, moves)
    code_u = _ffill(rng.random(n), moves)
    prov_u = _ffill(rng.random(n), moves)
    out_u = _ffill(rng.random(n), moves)
    post = _ffill(rng.integers(1, 99, n), moves)
    urn = _ffill(rng.integers(500000, 999999, n), moves)
    rpc_u = rng.random(n)
    eps = pd.DataFrame({
        "child": c["child"].to_numpy()[p_idx], "decom": decom, "dec": dec, "rne": rne, "ls": ls,
        "group": group, "code_u": code_u, "prov_u": prov_u, "out_u": out_u, "post": post, "urn": urn,
        "rpc": np.where(moves & ~is_first, rpc_u, -1.0), "last": is_last,
        "rec_kind": np.where(is_last, c["rec_kind"].to_numpy()[p_idx], -1), "need": c["need"].to_numpy()[p_idx],
        "period": p_idx, "short_break": False,
    })

    # short breaks: V3 (one period per stay) or V4 (agreements) within the CIN episode
    b = ep.loc[ep["sb"], ["child", "cp_s", "close", "sb_v4", "need"]].reset_index(drop=True)
    span = (np.minimum(b["close"].to_numpy(), t1 + 400) - b["cp_s"].to_numpy())
    v4 = b["sb_v4"].to_numpy()
    n_max = np.maximum(span // np.where(v4, 150, 20), 0) + 1
    owner, k = _expand(n_max)
    v4o = v4[owner]
    length = np.where(v4o, rng.integers(150, 366, len(owner)), rng.integers(1, 5, len(owner)))
    gaps = np.where(v4o, rng.integers(1, 31, len(owner)), rng.integers(16, 45, len(owner)))
    step = length + gaps
    cs = np.cumsum(step)
    st = np.repeat(np.cumsum(n_max) - n_max, n_max)
    first_gap = rng.integers(0, 30, len(b))
    s_day = b["cp_s"].to_numpy()[owner] + first_gap[owner] + (cs - step) - (cs[st] - step[st])
    e_day = s_day + length
    keep = e_day < b["close"].to_numpy()[owner]
    owner, s_day, e_day, v4o = owner[keep], s_day[keep], e_day[keep], v4o[keep]
    m = len(owner)
    sbs = pd.DataFrame({
        "child": b["child"].to_numpy()[owner], "decom": s_day, "dec": e_day, "rne": "start",
        "ls": np.where(v4o, "V4", "V3"), "group": _render(rng.random(m), _PLACE_SHORT_BREAK,
                                                          frozenset(_PLACE_SHORT_BREAK)),
        "code_u": rng.random(m), "prov_u": rng.random(m), "out_u": rng.random(m), "post": rng.integers(1, 99, m),
        "urn": rng.integers(500000, 999999, m), "rpc": -1.0, "last": True,
        "rec_kind": _REC_KINDS.index("short_break"), "need": b["need"].to_numpy()[owner],
        "period": P + np.arange(m), "short_break": True,
    })
    for ls_code in sbs["ls"].unique():
        if ls_code not in S.SHORT_BREAK_LEGAL_STATUSES:
            raise RuntimeError(f"synthetic generator: {ls_code} is not a short-break legal status")
    eps = pd.concat([eps, sbs], ignore_index=True)
    eps = eps.sort_values(["child", "decom"], kind="stable").reset_index(drop=True)

    # missing and away from placement, and reviews, for periods of care (not short breaks)
    age = (c["c_s"].to_numpy() - children["dob"].to_numpy()[c["child"].to_numpy()]) / 365.25
    goes = rng.random(P) < np.where(age >= 12, 0.3, 0.03)
    n_mis = np.where(goes, 1 + rng.poisson(np.minimum(dur, 1095) / 365.0 * 3.0), 0)
    owner, _ = _expand(n_mis)
    end_lim = np.minimum(c["c_e"].to_numpy(), t1)[owner]
    st_day = c["c_s"].to_numpy()[owner] + (rng.random(len(owner)) * np.maximum(end_lim - c["c_s"].to_numpy()[owner], 1)
                                           ).astype(np.int64)
    mis_len = np.where(rng.random(len(owner)) < 0.5, 0, rng.integers(1, 4, len(owner)))
    mis = pd.DataFrame({"child": c["child"].to_numpy()[owner], "start": st_day,
                        "end": np.minimum(st_day + mis_len, c["c_e"].to_numpy()[owner]),
                        "never_back": rng.random(len(owner)) < 0.01, "u": rng.random(len(owner))})
    mis = mis.sort_values(["child", "start"], kind="stable").reset_index(drop=True)
    first_rev = wd.add(c["c_s"].to_numpy(), np.full(P, 20))
    n_rev = np.where(first_rev < c["c_e"].to_numpy(),
                     1 + np.maximum(0, (c["c_e"].to_numpy() - first_rev - 91) // 182 + 1), 0)
    owner, k = _expand(n_rev)
    rday = first_rev[owner] + np.where(k == 0, 0, 91 + 182 * (k - 1)) + rng.integers(0, 8, len(owner)) * (k > 0)
    keep = rday < c["c_e"].to_numpy()[owner]
    rev = pd.DataFrame({"child": c["child"].to_numpy()[owner][keep], "day": rday[keep],
                        "u": rng.random(len(owner))[keep]})
    rev = rev.sort_values(["child", "day"], kind="stable").reset_index(drop=True)
    return eps, mis, rev


def _missing_home(ep: pd.DataFrame, rng: np.random.Generator, t1: int) -> pd.DataFrame:
    """Missing-from-home episodes of children in need who are not looked after (age 10 to 17)."""
    cand = ep.loc[~ep["care"] & ~ep["nfa"] & (ep["age_r"] >= 10) & (ep["close"] > ep["r"]),
                  ["child", "r", "close"]].reset_index(drop=True)
    go = rng.random(len(cand)) < 0.08
    n = np.where(go, 1 + rng.poisson(1.5, len(cand)), 0)
    owner, _ = _expand(n)
    lim = np.minimum(cand["close"].to_numpy(), t1)[owner]
    start = cand["r"].to_numpy()[owner] + (rng.random(len(owner)) * np.maximum(lim - cand["r"].to_numpy()[owner], 1)
                                           ).astype(np.int64)
    out = pd.DataFrame({"child": cand["child"].to_numpy()[owner], "start": start,
                        "end": start + np.where(rng.random(len(owner)) < 0.5, 0, rng.integers(1, 4, len(owner))),
                        "never_back": rng.random(len(owner)) < 0.01})
    return out.sort_values(["child", "start"], kind="stable").reset_index(drop=True)


def _contact_pool(t0: int, t1: int, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """Children who come to notice only as contacts, sorted by date of birth."""
    lo = t0 - int(18.5 * 365.25)
    n = rng.poisson(CONTACT_ONLY_PER_DOB_DAY * scale * (t1 - lo))
    dob = np.sort(rng.integers(lo, t1 + 1, n))
    return pd.DataFrame({"dob": dob, "sex": _choose(rng, [0.515, 0.48, 0.005], n), "eth_u": rng.random(n)})


# =========================================================================== writing
class _Writer:
    """Write files atomically: a temporary name in the same folder, then ``os.replace``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.paths: list[Path] = []

    def bytes(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self.paths.append(path)

    def csv(self, rel: str, df: pd.DataFrame) -> None:
        self.bytes(rel, _csv_bytes(df))


def _csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV text with newline line ends.

    Tables of plain strings (no quotes, commas or line breaks) are joined directly, which
    is much faster than ``to_csv``; anything else goes through pandas.
    """
    head = ",".join(map(str, df.columns)) + "\n"
    n, k = df.shape
    if n:
        parts: list[np.ndarray] = []
        for i, c in enumerate(df.columns):
            if i:
                parts.append(_const(n, ","))
            parts.append(df[c].to_numpy(dtype=object))
        parts.append(_const(n, "\n"))
        try:
            body = "".join(_rows(parts).tolist())
        except TypeError:  # a value that is not a string
            body = None
        if body is not None and body.count(",") == n * (k - 1) and body.count("\n") == n \
                and '"' not in body and "\r" not in body and '"' not in head and head.count(",") == k - 1:
            return (head + body).encode("utf-8")
    elif '"' not in head and head.count(",") == k - 1:
        return head.encode("utf-8")
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _digits(numbers: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal strings of non-negative integers, vectorised through fixed-width bytes."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if len(numbers):
        width = max(width, len(str(int(numbers.max()))))
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = ((numbers[:, None] // powers) % 10 + ord("0")).astype(np.uint8)
    return np.ascontiguousarray(digits).view(f"S{width}").ravel().astype(f"U{width}").astype(object)


def _ids(idx: np.ndarray) -> np.ndarray:
    """``LAchildID`` (and SSDA903 ``CHILD``) of children by index: ``C0000001``."""
    return "C" + _digits(np.asarray(idx, dtype=np.int64) + 1, 7)


def _upn(idx: np.ndarray, la_code: str) -> np.ndarray:
    """13-character UPNs: the DfE check letter, the LA number, then nine digits from the child."""
    la = la_code if (len(la_code) == 3 and la_code.isdigit()) else "999"
    tail = np.asarray(idx, dtype=np.int64) + 1
    acc = np.full(len(tail), sum(int(ch) * (i + 2) for i, ch in enumerate(la)), dtype=np.int64)
    for pos in range(9):  # characters 5 to 13 carry weights 5 to 13
        acc += ((tail // 10 ** (8 - pos)) % 10) * (pos + 5)
    letters = np.array(list(_UPN_LETTERS), dtype=object)[acc % 23]
    return letters + la + _digits(tail, 9)


def _child_attrs(sim: _Sim, idx: np.ndarray, ref_day: int, cin: CinSpec, la_code: str
                 ) -> dict[str, np.ndarray]:
    """Identifiers and characteristics of children as at a reference date."""
    ch = sim.children
    dob = ch["dob"].to_numpy()[idx]
    born = dob <= ref_day
    sex = np.array(_SEXES, dtype=object)[ch["sex"].to_numpy()[idx]]
    sex_map = _CIN_SEX[cin.sex_element]
    cin_sex = pd.Series(np.where(born, sex, "U")).map(sex_map).to_numpy(dtype=object)
    age = _age(dob, np.full(len(idx), ref_day))
    has_upn = born & (age >= 5)
    upn = np.where(has_upn, _upn(idx, la_code), "").astype(object)
    upn_unknown = np.where(has_upn, "", _UPN_UNDER_SCHOOL_AGE).astype(object)
    eth = _render(ch["eth_u"].to_numpy()[idx], _ETHNICITY, cin.ethnicity_codes)
    disab = sorted(cin.disability_codes - {_NO_DISABILITY})
    dn = ch["dis_n"].to_numpy()[idx]
    d1 = _render_uniform(ch["dis_u1"].to_numpy()[idx], disab)
    d2 = _render_uniform(ch["dis_u2"].to_numpy()[idx], disab)
    d2 = np.where((dn > 1) & (d2 != d1), d2, "").astype(object)
    d1 = np.where(dn > 0, d1, _NO_DISABILITY).astype(object)
    return {"dob": dob, "born": born, "sex": sex, "cin_sex": cin_sex, "upn": upn, "upn_unknown": upn_unknown,
            "ethnicity": eth, "dis1": d1, "dis2": d2, "age": age}


# --------------------------------------------------------------------------- CIN census
def _cin_xml(sim: _Sim, year: ReportingYear, la_code: str) -> bytes:
    spec = cin_spec(year)
    ys, ye = _day(year.start), _day(year.end)
    D = sim.dates
    ep = sim.episodes
    m = ((ep["r"] <= ye) & (ep["close"] >= ys)).to_numpy()
    e = ep[m]
    n = len(e)
    col = {c: e[c].to_numpy() for c in e.columns}
    EPF = C.EPISODE_FIELDS

    def el(mapping: dict[str, str], tidy: str, values: np.ndarray, depth: int,
           show: np.ndarray | None = None) -> np.ndarray:
        return _el(_element(mapping, tidy), values, depth, show)

    # episode fields
    src_codes = _source_weights()
    source = np.where(col["source_missing"], "", _render(col["source_u"], src_codes,
                                                         spec.referral_source_codes)).astype(object)
    closed = col["close"] <= ye
    kinds = np.array(_CLOSURE_KINDS, dtype=object)[col["closure_kind"]]
    # RC9 (early help) only exists from 2014-15: before, such closures are RC8
    reason_codes = {k: v if v in spec.closure_reason_codes else _CLOSURE["not_in_need"] for k, v in _CLOSURE.items()}
    reason = pd.Series(kinds).map(reason_codes).to_numpy(dtype=object)
    need = col["need"].astype(object)
    icpc_in_year = col["s47"] & col["icpc"] & (col["icpc_d"] >= ys) & (col["icpc_d"] <= ye)
    _check(source, spec.codes("referral_source"), "ReferralSource")
    _check(need, spec.codes("primary_need"), "PrimaryNeedCode")
    _check(reason[closed], spec.codes("closure_reason"), "ReasonForClosure")

    # assessments
    has_a = col["has_assessment"]
    sa = has_a & col["single"] & (col["a_s"] <= ye) & (col["ae"] >= ys)
    ia = has_a & ~col["single"] & (col["a_s"] <= ye) & (col["i_end"] >= ys)
    ca = col["core"] & (col["core_s"] <= ye) & (col["core_end"] >= ys)
    if (sa.any() and not spec.single_assessment) or ((ia.any() or ca.any()) and not spec.initial_core_assessments):
        raise RuntimeError(f"synthetic generator: {year} has an assessment kind its specification lacks")
    authorised = col["ae"] <= ye
    factors = np.full(n, "", dtype=object)
    fcodes = sorted(spec.factor_codes)
    if fcodes:
        L = len(fcodes)
        i0 = (col["factor_u"] * L).astype(np.int64) % L
        stepw = 1 + (col["factor_step"] * max(1, L // 4 - 1)).astype(np.int64)
        parts = []
        for k in range(4):
            code = np.array(fcodes, dtype=object)[(i0 + k * stepw) % L]
            parts.append(_el(_FACTOR, code, 6, show=col["factor_n"] > k))
        inner = _rows(parts)
        _check(np.array(fcodes, dtype=object), spec.codes("factor"), "AssessmentFactors")
        factors = _wrap(C.FACTORS, inner, 5, sa & authorised)
    single_xml = _wrap(C.ASSESSMENTS, _rows([
        el(C.ASSESSMENT_FIELDS, "start_date", D.iso(col["a_s"], sa), 5),
        el(C.ASSESSMENT_FIELDS, "authorised_date", D.iso(col["ae"], sa & authorised), 5),
        factors,
    ]), 4, sa)
    initial_xml = _wrap(C.INITIAL_ASSESSMENT, _rows([
        el(C.INITIAL_ASSESSMENT_FIELDS, "start_date", D.iso(col["a_s"], ia), 5),
        el(C.INITIAL_ASSESSMENT_FIELDS, "authorised_date", D.iso(col["i_end"], ia & (col["i_end"] <= ye)), 5),
    ]), 4, ia)
    core_xml = _wrap(C.CORE_ASSESSMENT, _rows([
        el(C.CORE_ASSESSMENT_FIELDS, "start_date", D.iso(col["core_s"], ca), 5),
        el(C.CORE_ASSESSMENT_FIELDS, "authorised_date", D.iso(col["core_end"], ca & (col["core_end"] <= ye)), 5),
    ]), 4, ca)

    # CIN plan
    cp = col["has_cp"] & (col["cp_s"] <= ye) & (col["cp_e"] >= ys)
    cinplan_xml = _wrap(C.CIN_PLAN_DATES, _rows([
        el(C.CIN_PLAN_FIELDS, "start_date", D.iso(col["cp_s"], cp), 5),
        el(C.CIN_PLAN_FIELDS, "end_date", D.iso(col["cp_e"], cp & (col["cp_e"] <= ye)), 5),
    ]), 4, cp)

    # section 47
    s47 = col["s47"] & (col["s"] <= ye) & (col["concl"] >= ys)
    icpc_known = s47 & col["icpc"] & (col["icpc_d"] <= ye)
    not_required = s47 & ~col["icpc"] & (col["concl"] <= ye)
    s47_xml = _wrap(C.SECTION47, _rows([
        el(C.S47_FIELDS, "start_date", D.iso(col["s"], s47), 5),
        el(C.S47_FIELDS, "icpc_target_date", D.iso(col["icpc_target"], s47), 5),
        el(C.S47_FIELDS, "icpc_date", D.iso(col["icpc_d"], icpc_known), 5),
        el(C.S47_FIELDS, "icpc_not_required", _bool_text(not_required), 5, s47),
    ]), 4, s47)

    # child protection plans (at most one per episode) and their reviews
    plans = sim.plans
    pm = ((plans["p_s"] <= ye) & (plans["p_e"] >= ys)).to_numpy()
    pl = plans[pm]
    ep_pos = np.full(len(ep), -1, dtype=np.int64)
    ep_pos[np.flatnonzero(m)] = np.arange(n)
    row = ep_pos[pl["episode"].to_numpy()]
    if np.any(row < 0):
        raise RuntimeError("synthetic generator: a plan outside its episode")
    pn = len(pl)
    cat1 = _render(pl["cat_u"].to_numpy(), _ABUSE, spec.abuse_categories)
    cat2 = np.where(pl["cat_change"].to_numpy(), _render(pl["cat_u2"].to_numpy(), _ABUSE, spec.abuse_categories),
                    cat1).astype(object)
    _check(cat1, spec.codes("initial_category"), "InitialCategoryOfAbuse")
    _check(cat2, spec.codes("latest_category"), "LatestCategoryOfAbuse")
    rv = sim.plan_reviews
    rv = rv[(rv["day"] >= ys) & (rv["day"] <= ye)]
    plan_pos = np.full(len(plans), -1, dtype=np.int64)
    plan_pos[np.flatnonzero(pm)] = np.arange(pn)
    rv_owner = plan_pos[rv["plan"].to_numpy()]
    rv_ok = rv_owner >= 0
    rv_owner, rv_day = rv_owner[rv_ok], rv["day"].to_numpy()[rv_ok]
    order = np.lexsort((rv_day, rv_owner))
    rv_owner, rv_day = rv_owner[order], rv_day[order]
    rv_parts = _el(C.REVIEW_FIELD, D.iso(rv_day), 6)
    reviews = _join_by(rv_owner, rv_parts, pn)
    p_end_known = pl["p_e"].to_numpy() <= ye
    prev = pl["previous"].astype(str).to_numpy(dtype=object) if spec.previous_cpp else np.full(pn, "", object)
    plan_inner = _rows([
        el(C.CPP_FIELDS, "start_date", D.iso(pl["p_s"].to_numpy()), 5),
        el(C.CPP_FIELDS, "end_date", D.iso(pl["p_e"].to_numpy(), p_end_known), 5),
        el(C.CPP_FIELDS, "initial_category", cat1, 5),
        el(C.CPP_FIELDS, "latest_category", cat2, 5),
        el(C.CPP_FIELDS, "previous_plans", prev, 5),
        _wrap(C.REVIEWS, reviews, 5, reviews != ""),
    ])
    plan_xml = np.full(n, "", dtype=object)
    plan_xml[row] = _wrap(C.CP_PLANS, plan_inner, 4, np.ones(pn, bool))

    episode_xml = _rows([
        _const(n, f"\n{_INDENT * 3}<{C.CIN_DETAILS}>"),
        _el(_element(EPF, "referral_date"), D.iso(col["r"]), 4),
        _el(_element(EPF, "referral_source"), source, 4),
        _el(_element(EPF, "primary_need"), need, 4),
        _el(_element(EPF, "closure_date"), D.iso(col["close"], closed), 4),
        _el(_element(EPF, "closure_reason"), reason, 4, closed),
        _el(_element(EPF, "icpc_date"), D.iso(col["icpc_d"], icpc_in_year), 4),
        _el(_element(EPF, "referral_nfa"), _bool_text(col["nfa"]), 4),
        initial_xml, core_xml, single_xml, cinplan_xml, s47_xml, plan_xml,
        _const(n, f"\n{_INDENT * 3}</{C.CIN_DETAILS}>"),
    ])

    # children
    kids = np.unique(col["child"])
    a = _child_attrs(sim, kids, ye, spec, la_code)
    _check(a["cin_sex"], spec.codes("sex"), spec.sex_element)
    _check(a["ethnicity"], spec.codes("ethnicity"), "Ethnicity")
    _check(np.r_[a["dis1"], a["dis2"]], spec.codes("disability"), "Disability")
    _check(a["upn_unknown"], spec.codes("upn_unknown"), "UPNunknown")
    CF = C.CHILD_FIELDS
    k = len(kids)
    ident = _rows([
        _el(_element(CF, "child_id"), _ids(kids), 4),
        _el(_element(CF, "upn"), a["upn"], 4),
        _el(_element(CF, "upn_unknown"), a["upn_unknown"], 4),
        _el(_element(CF, "birth_date"), D.iso(a["dob"], a["born"]), 4),
        _el(_element(CF, "expected_birth_date"), D.iso(a["dob"], ~a["born"]), 4),
        _el(spec.sex_element, a["cin_sex"], 4),
    ])
    chars = _rows([
        _el(_element(CF, "ethnicity"), a["ethnicity"], 4),
        _wrap(C.DISABILITIES, _rows([_el(_DISABILITY, a["dis1"], 5), _el(_DISABILITY, a["dis2"], 5)]), 4,
              np.ones(k, bool)),
    ])
    head = _rows([
        _const(k, f"\n{_INDENT * 2}<{C.CHILD}>"),
        _wrap(C.CHILD_IDENTIFIERS, ident, 3, np.ones(k, bool)).astype(object),
        _wrap(C.CHILD_CHARACTERISTICS, chars, 3, np.ones(k, bool)).astype(object),
    ])
    heads_pos = np.searchsorted(col["child"], kids)  # episodes are sorted by child, then referral
    body = np.empty(n + 2 * k, dtype=object)
    # each child: head, its episodes, tail
    slot = np.arange(n) + 2 * np.searchsorted(kids, col["child"]) + 1
    body[slot] = episode_xml
    head_slot = heads_pos + 2 * np.arange(k)
    body[head_slot] = head
    counts = np.diff(np.r_[heads_pos, n])
    body[head_slot + counts + 1] = f"\n{_INDENT * 2}</{C.CHILD}>"

    ref = year.end
    hf = {v: kk for kk, v in C.HEADER_FIELDS.items()}
    i1, i2, i3 = _INDENT, _INDENT * 2, _INDENT * 3

    def line(depth: str, tag: str, value: object) -> str:
        return f"\n{depth}<{tag}>{value}</{tag}>"

    header = "".join([
        '<?xml version="1.0" encoding="UTF-8"?>', f"\n<{_MESSAGE}>", f"\n{i1}<{_HEADER}>",
        f"\n{i2}<{_COLLECTION_DETAILS}>",
        line(i3, hf["collection"], _COLLECTION),
        line(i3, hf["year"], year.collection_end_year),
        line(i3, hf["reference_date"], ref.strftime("%Y-%m-%d")),
        f"\n{i2}</{_COLLECTION_DETAILS}>", f"\n{i2}<{_SOURCE}>",
        line(i3, "SourceLevel", "L"), line(i3, hf["lea"], escape(la_code)), line(i3, "SoftwareCode", "synthetic"),
        line(i3, "Release", 1), line(i3, "SerialNo", 1),
        line(i3, "DateTime", f"{(ref + pd.Timedelta(days=1)).strftime('%Y-%m-%d')}T00:00:00"),
        f"\n{i2}</{_SOURCE}>", f"\n{i1}</{_HEADER}>", f"\n{i1}<{_CHILDREN}>",
    ])
    text = header + "".join(body.tolist()) + f"\n{i1}</{_CHILDREN}>\n</{_MESSAGE}>\n"
    return text.encode("utf-8")


# --------------------------------------------------------------------------- SSDA903
def _placement_codes(spec: Ssda903Spec) -> dict[str, list[str]]:
    codes = spec.placement_codes
    groups = {
        "foster": S.PLACEMENT_GROUPS["foster"],
        "residential": S.PLACEMENT_GROUPS["residential homes hostels and secure"],
        "school": S.PLACEMENT_GROUPS["residential schools"],
        "parents": S.PLACEMENT_GROUPS["placed with parents"],
        "temporary": tuple(S.TEMPORARY_PLACEMENTS),
        "adoption": tuple(c for c in codes if c.startswith("A")),
    }
    out = {g: sorted(set(v) & codes) for g, v in groups.items()}
    used = set().union(*out.values())
    out["other"] = sorted(codes - used)
    for g, v in out.items():
        if not v:
            raise RuntimeError(f"synthetic generator: no {g} placement code in {spec.year}")
    return out


def _rec_codes(spec: Ssda903Spec, kind: str) -> list[str]:
    """The year's REC codes for a reason a period of care ended."""
    rule = _REC[kind]
    if isinstance(rule, str):
        codes = sorted(getattr(spec, rule) & spec.reason_ceased_codes)
        if not codes:
            raise RuntimeError(f"synthetic generator: no {kind} REC code in {spec.year}")
        return codes
    for tier in rule:
        codes = [c for c in tier if c in spec.reason_ceased_codes]
        if codes:
            return codes
    raise RuntimeError(f"synthetic generator: no {kind} REC code in {spec.year}")


def _ssda903(sim: _Sim, year: ReportingYear, la_code: str, pl_location: bool) -> dict[str, pd.DataFrame]:
    spec = ssda903_spec(year)
    cin = cin_spec(year)
    ys, ye = _day(year.start), _day(year.end)
    D = sim.dates
    ce = sim.care
    m = ((ce["decom"] <= ye) & (ce["dec"] >= ys)).to_numpy()
    e = ce[m]
    n = len(e)
    col = {c: e[c].to_numpy() for c in e.columns}
    ended = col["dec"] <= ye
    groups = _placement_codes(spec)
    place = np.empty(n, dtype=object)
    provider = np.empty(n, dtype=object)
    grp = col["group"]
    for g, codes in groups.items():
        gm = grp == g
        if gm.any():
            place[gm] = _render_uniform(col["code_u"][gm], codes)
            provider[gm] = _render(col["prov_u"][gm], _PROVIDER[g], spec.provider_codes)
    outside = col["out_u"] < pd.Series(grp).map(_P_OUTSIDE).to_numpy(dtype=float)
    rec = np.full(n, "", dtype=object)
    rec[ended & ~col["last"]] = _first_valid([_EPISODE_CHANGE], spec.reason_ceased_codes)[0]
    last_end = ended & col["last"]
    if last_end.any():
        kinds = col["rec_kind"][last_end]
        vals = np.empty(len(kinds), dtype=object)
        for i, kname in enumerate(_REC_KINDS):
            km = kinds == i
            if km.any():
                vals[km] = _render_uniform(col["code_u"][last_end][km], _rec_codes(spec, kname))
        rec[last_end] = vals
    rne = pd.Series(col["rne"]).map(_RNE).to_numpy(dtype=object)
    residential = np.isin(grp, ["residential", "school"])
    urn = np.where(residential, "SC" + pd.Series(col["urn"]).astype(str).to_numpy(dtype=object), "XXXXXXX")
    home_post = "XX" + pd.Series(sim.children["postcode"].to_numpy()[col["child"]]).astype(str) + " 1XX"
    pl_post = np.where(grp == "parents", home_post.to_numpy(dtype=object),
                       ("XX" + pd.Series(col["post"]).astype(str) + " 2XX").to_numpy(dtype=object))
    need = np.where(np.isin(col["need"], sorted(spec.cin_codes)), col["need"], _NEED["absent_parenting"])
    frame = {
        "CHILD": _ids(col["child"]), "DECOM": D.dmy(col["decom"]), "RNE": rne, "LS": col["ls"].astype(object),
        "CIN": need.astype(object), "PLACE": place, "PLACE_PROVIDER": provider, "DEC": D.dmy(col["dec"], ended),
        "REC": rec, "REASON_PLACE_CHANGE": np.full(n, "", dtype=object),
        "HOME_POST": home_post.to_numpy(dtype=object), "PL_POST": pl_post, "URN": urn,
    }
    columns = list(S.COLUMNS["episodes"])
    if spec.reason_place_change:
        rpc = col["rpc"] >= 0
        frame["REASON_PLACE_CHANGE"][rpc] = _render_uniform(col["rpc"][rpc], spec.reason_place_change_codes)
    else:
        columns.remove("REASON_PLACE_CHANGE")
    if pl_location:
        loc = _first_valid([_OUTSIDE, _INSIDE], spec.location_codes)
        frame["PL_LOCATION"] = np.where(outside, loc[0], loc[-1]).astype(object)
        columns += S.EXTRA_COLUMNS["episodes"]
    episodes = pd.DataFrame({c: frame[c] for c in columns})
    for c in columns:
        _check(episodes[c].to_numpy(), spec.codes("episodes", c), f"SSDA903 episodes {c}")

    # header: children with an episode in the year
    kids = np.unique(col["child"])
    a = _child_attrs(sim, kids, ye, cin, la_code)
    sex = pd.Series(a["sex"]).map(_SEX_903)
    unknown = sex.isna().to_numpy()
    sex = np.where(unknown, np.where(kids % 2 == 0, _SEX_903["M"], _SEX_903["F"]), sex.to_numpy(dtype=object))
    female = sex == _SEX_903["F"]
    mu = sim.children["mother_u"].to_numpy()[kids]
    mother_known = female & (a["age"] >= 12)
    is_mother = mother_known & (mu < 0.03) & (a["age"] >= 14)
    mc_dob = np.maximum(a["dob"] + int(13 * 365.25), ye - (mu / 0.03 * 700).astype(np.int64))
    upn = np.where(a["upn"] != "", a["upn"], a["upn_unknown"]).astype(object)
    eth = _render(sim.children["eth_u"].to_numpy()[kids], _ETHNICITY, spec.ethnicity_codes)
    frame = {"CHILD": _ids(kids), "SEX": sex.astype(object), "DOB": D.dmy(a["dob"]), "ETHNIC": eth, "UPN": upn,
             "MOTHER": np.where(mother_known, np.where(is_mother, "1", "0"), "").astype(object),
             "MC_DOB": D.dmy(mc_dob, is_mother)}
    header = pd.DataFrame({c: frame[c] for c in S.COLUMNS["header"]})
    for c in S.COLUMNS["header"]:
        _check(header[c].to_numpy(), spec.codes("header", c), f"SSDA903 header {c}")
    dob_dmy = dict(zip(kids.tolist(), frame["DOB"].tolist(), strict=True))

    # UASC
    uk = kids[sim.children["uasc"].to_numpy()[kids]]
    b18 = sim.children["birthday18"].to_numpy()[uk]
    ua = pd.DataFrame({"CHILD": _ids(uk), "SEX": pd.Series(sex[np.searchsorted(kids, uk)]).to_numpy(dtype=object),
                       "DOB": D.dmy(sim.children["dob"].to_numpy()[uk]), "DUC": D.dmy(b18, b18 <= ye)})
    uasc = pd.DataFrame({c: ua[c] for c in S.COLUMNS["uasc"]})

    # missing / away from placement
    mi = sim.care_missing
    mi = mi[(mi["start"] >= ys) & (mi["start"] <= ye)]
    mcodes = _render(mi["u"].to_numpy(), _MISSING, spec.missing_codes)
    end_known = (mi["end"].to_numpy() <= ye) & ~mi["never_back"].to_numpy()
    mframe = {"CHILD": _ids(mi["child"].to_numpy()), "DOB": pd.Series(mi["child"]).map(dob_dmy).to_numpy(dtype=object),
              "MISSING": mcodes, "MIS_START": D.dmy(mi["start"].to_numpy()),
              "MIS_END": D.dmy(mi["end"].to_numpy(), end_known)}
    missing = pd.DataFrame({c: mframe[c] for c in S.COLUMNS["missing"]})
    _check(missing["MISSING"].to_numpy(), spec.codes("missing", "MISSING"), "SSDA903 MISSING")

    # reviews
    rv = sim.care_reviews
    rv = rv[(rv["day"] >= ys) & (rv["day"] <= ye)]
    rframe = {"CHILD": _ids(rv["child"].to_numpy()), "DOB": pd.Series(rv["child"]).map(dob_dmy).to_numpy(dtype=object),
              "REVIEW": D.dmy(rv["day"].to_numpy()), "REVIEW_CODE": _render_uniform(rv["u"].to_numpy(),
                                                                                       _REVIEW_CODES)}
    reviews = pd.DataFrame({c: rframe[c] for c in S.COLUMNS["reviews"]})
    if missing["DOB"].eq("").any() or missing["DOB"].isna().any() or reviews["DOB"].isna().any():
        raise RuntimeError("synthetic generator: a missing episode or review of a child with no episode")
    return {"Header.csv": header, "Episodes.csv": episodes, "UASC.csv": uasc, "Missing.csv": missing,
            "Reviews.csv": reviews}


# --------------------------------------------------------------------------- Annex A and local extracts
def _contacts(sim: _Sim, year: ReportingYear, seed: int, la_code: str) -> pd.DataFrame:
    spec = cin_spec(year)
    ys, ye = _day(year.start), _day(year.end)
    rng = np.random.default_rng([seed, year.first, 1])
    ep = sim.episodes
    src_codes = _source_weights()
    cday = (ep["r"] - ep["contact_gap"]).to_numpy()
    inyear = (cday >= ys) & (cday <= ye)
    ref_child = ep["child"].to_numpy()[inyear]
    ref_day = cday[inyear]
    ref_src_u = ep["source_u"].to_numpy()[inyear]
    n_refs = int(((ep["r"] >= ys) & (ep["r"] <= ye)).sum())
    n_extra = max(0, int(round(CONTACTS_PER_REFERRAL * n_refs)) - len(ref_day))
    # about a quarter of the other contacts concern children already known
    n_known = int(0.25 * n_extra)
    recent = np.flatnonzero(((ep["r"] >= ys - 400) & (ep["r"] <= ye)).to_numpy())
    pick = recent[rng.integers(0, max(1, len(recent)), n_known)] if len(recent) else np.zeros(0, np.int64)
    kday = np.clip(ep["r"].to_numpy()[pick] + rng.integers(-200, 400, len(pick)), ys, ye)
    kchild = ep["child"].to_numpy()[pick]
    # the rest: children never referred, picked by a date of birth that fits an age 0-17
    n_pool = n_extra - n_known
    pday = ys + rng.integers(0, ye - ys + 1, n_pool)
    target = pday - (rng.random(n_pool) * 17.9 * 365.25).astype(np.int64)
    pdob = sim.pool["dob"].to_numpy()
    pidx = np.clip(np.searchsorted(pdob, target), 0, len(pdob) - 1)
    n_cin = len(sim.children)
    dob = np.r_[sim.children["dob"].to_numpy()[np.r_[ref_child, kchild].astype(np.int64)], pdob[pidx]]
    day = np.r_[ref_day, kday, pday]
    who = np.r_[ref_child, kchild, n_cin + pidx].astype(np.int64)
    age = _age(dob, day)
    ok = (age >= 0) & (age < 18)
    src_u = np.r_[ref_src_u, rng.random(n_known + n_pool)]
    sexes = np.r_[sim.children["sex"].to_numpy()[np.r_[ref_child, kchild].astype(np.int64)],
                  sim.pool["sex"].to_numpy()[pidx]]
    eth_u = np.r_[sim.children["eth_u"].to_numpy()[np.r_[ref_child, kchild].astype(np.int64)],
                  sim.pool["eth_u"].to_numpy()[pidx]]
    who, day, dob, age, src_u, sexes, eth_u = (v[ok] for v in (who, day, dob, age, src_u, sexes, eth_u))
    order = np.lexsort((who, day))
    who, day, dob, age, src_u, sexes, eth_u = (v[order] for v in (who, day, dob, age, src_u, sexes, eth_u))
    gender = pd.Series(np.array(_SEXES, dtype=object)[sexes]).map(_CIN_SEX[spec.sex_element]).to_numpy(dtype=object)
    _check(gender, spec.sex_codes, "contact Gender")
    tidy = {
        "child_id": _ids(who), "gender": gender,
        "ethnicity": _render(eth_u, _ETHNICITY, spec.ethnicity_codes),
        "birth_date": sim.dates.dmy(dob), "age": age.astype(str).astype(object),
        "contact_date": sim.dates.dmy(day), "contact_source": _render(src_u, src_codes, spec.referral_source_codes),
    }
    return pd.DataFrame({col: tidy[t] for col, t in annex_a.CONTACTS_COLUMNS.items()})


def _source_weights() -> dict[str, float]:
    """Referral (and contact) source codes weighted by their group, from the schema's groups."""
    return {c: w / len(C.REFERRAL_SOURCE_GROUPS[g]) for g, w in _REFERRAL_SOURCE_GROUPS.items()
            for c in C.REFERRAL_SOURCE_GROUPS[g]}


def _local_frame(name: str, tidy: dict[str, np.ndarray]) -> pd.DataFrame:
    ex = local.LOCAL_EXTRACTS[name]
    return pd.DataFrame({col: tidy[t] for col, t in ex.columns.items()})


def _cp_visits(sim: _Sim, year: ReportingYear) -> pd.DataFrame:
    ys, ye = _day(year.start), _day(year.end)
    v = sim.visits
    v = v[(v["day"] >= ys) & (v["day"] <= ye)]
    p = sim.plans
    owner = v["plan"].to_numpy()
    order = np.lexsort((v["day"].to_numpy(), owner))
    owner, day = owner[order], v["day"].to_numpy()[order]
    return _local_frame("cp_visits", {
        "child_id": _ids(p["child"].to_numpy()[owner]),
        "plan_start_date": sim.dates.iso(p["p_s"].to_numpy()[owner]),
        "visit_date": sim.dates.iso(day),
    })


def _missing_from_home(sim: _Sim, year: ReportingYear) -> pd.DataFrame:
    ys, ye = _day(year.start), _day(year.end)
    mh = sim.missing_home
    mh = mh[(mh["start"] >= ys) & (mh["start"] <= ye)]
    known = (mh["end"].to_numpy() <= ye) & ~mh["never_back"].to_numpy()
    return _local_frame("missing_from_home", {
        "child_id": _ids(mh["child"].to_numpy()),
        "start_date": sim.dates.iso(mh["start"].to_numpy()),
        "end_date": sim.dates.iso(mh["end"].to_numpy(), known),
    })


def _complaints(sim: _Sim, year: ReportingYear, seed: int, scale: float) -> pd.DataFrame:
    ys, ye = _day(year.start), _day(year.end)
    rng = np.random.default_rng([seed, year.first, 2])
    n = int(rng.poisson(COMPLAINTS * scale))
    received = np.sort(rng.integers(ys, ye + 1, n))
    stage = 1 + _choose(rng, [0.85, 0.11, 0.04], n)
    ext = rng.random(n) < 0.15
    limit = np.where(ext, 20, 10)
    late = rng.random(n) < 0.2
    wdays = np.where(late, limit + rng.integers(1, 15, n), rng.integers(2, 11, n))
    wdays = np.where(ext & ~late, rng.integers(5, 21, n), wdays)
    response = sim.wd.add(received, wdays)
    answered = (response <= ye) & (rng.random(n) > 0.02)
    ids = pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(5)
    return _local_frame("complaints", {
        "complaint_id": (f"CMP{year.first}-" + ids).to_numpy(dtype=object),
        "received_date": sim.dates.iso(received),
        "stage": stage.astype(str).astype(object),
        "from_child": _bool_text(rng.random(n) < 0.2),
        "response_date": sim.dates.iso(response, answered),
        "extension_agreed": _bool_text(ext),
    })


def _population(years: list[ReportingYear], scale: float, rng: np.random.Generator) -> pd.DataFrame:
    mids = list(range(years[0].population_mid_year, years[-1].population_mid_year + 2))
    growth = np.cumprod(1.0 + rng.normal(0.005, 0.002, len(mids)))
    pop = np.round(POPULATION_0_17 * scale * growth).astype(np.int64)
    frame = {"mid_year": mids, "population_0_17": pop, "source": "synthetic (not ONS)"}
    return pd.DataFrame({c: frame[c] for c in local.POPULATION_COLUMNS})


def _inspections(name: str, years: list[ReportingYear], rng: np.random.Generator, dates: _Dates) -> pd.DataFrame:
    homes = [("Beech House", "Children's home"), ("Willow Lodge", "Children's home"),
             ("Rowan Cottage", "Children's home"), ("Hazel Court", "Short breaks home"),
             ("Larch View", "Secure children's home")]
    grades = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
    rows = []
    for y in years:
        ys, ye = _day(y.start), _day(y.end)
        for home, kind in homes:
            g = int(_choose(rng, [0.2, 0.6, 0.15, 0.05], 1)[0])
            lm = int(min(3, max(0, g + int(_choose(rng, [0.15, 0.7, 0.15], 1)[0]) - 1)))
            day = int(rng.integers(ys, ye + 1))
            rows.append((f"{home} ({name})", kind, day, "Full", grades[g], grades[lm]))
            if rng.random() < 0.5:
                day2 = int(rng.integers(ys, ye + 1))
                rows.append((f"{home} ({name})", kind, day2, "Interim", grades[g], grades[g]))
    df = pd.DataFrame(rows, columns=["setting", "setting_type", "day", "inspection_type", "overall",
                                     "leadership_management"])
    df = df.sort_values(["day", "setting"], kind="stable").reset_index(drop=True)
    df["inspection_date"] = dates.iso(df["day"].to_numpy())
    return df[local.INSPECTION_COLUMNS]


def _la_toml(name: str, la_code: str, la_code_9: str, region: str, seed: int, scale: float,
             years: list[ReportingYear], history_years: int) -> str:
    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    values = {"name": name, "la_code": la_code, "la_code_9": la_code_9, "region": region}
    for key, kind in local.LA_TOML_KEYS.items():
        if not isinstance(values[key], kind):
            raise TypeError(f"{key} must be {kind.__name__}")
    comparators = [c for c in _COMPARATORS if c != la_code][:10]
    lines = [f"{k} = {q(values[k])}" for k in local.LA_TOML_KEYS]
    lines.append("comparators = [" + ", ".join(q(c) for c in comparators) + "]")
    lines += ["", "[generator]", "synthetic = true", f"seed = {int(seed)}", f"scale = {float(scale)!r}",
              "years = [" + ", ".join(q(y.label) for y in years) + "]", f"history_years = {int(history_years)}",
              'note = "made-up data from reporting.generate.synthetic; not a real council"']
    return "\n".join(lines) + "\n"


# =========================================================================== public API
def generate_council(out_dir: Path, *, name: str = "Synthetic Shire", la_code: str = "999",
                     la_code_9: str = "E10000999", region: str = "South East",
                     years: Sequence[str] = DEFAULT_YEARS, scale: float = 1.0, seed: int = 20170331,
                     history_years: int = 1, pl_location: bool = True) -> list[Path]:
    """Write a synthetic council's raw data into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Folder to write; must be absent or empty.
    name, la_code, la_code_9, region : str
        What ``la.toml`` says about the council (``la_code`` is also the census ``LEA``).
    years : sequence of str
        Reporting years to write (``2016-17``), 2011-12 to 2025-26.
    scale : float
        Volume: 1 is roughly a large shire county, 30 roughly England.
    seed : int
        Seed of ``numpy.random.default_rng``; the same arguments give the same bytes.
    history_years : int
        Earlier years written before the first of ``years`` (for indicators that need
        history); years before 2011-12 are skipped.
    pl_location : bool
        Whether SSDA903 episodes carry the ``PL_LOCATION`` (IN/OUT) column.

    Returns
    -------
    list of Path
        Every file written, sorted.

    Raises
    ------
    FileExistsError
        When ``out_dir`` exists and is not an empty folder.
    ValueError
        When ``years`` is empty, a year is malformed or unsupported, or ``scale`` is not positive.
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        if not out_dir.is_dir():
            raise FileExistsError(f"{out_dir} exists and is not a folder; the synthetic generator writes "
                                  "only into an absent or empty folder")
        if any(out_dir.iterdir()):
            raise FileExistsError(f"{out_dir} is not empty; the synthetic generator writes only into an "
                                  "absent or empty folder (choose another folder or empty this one)")
    if not scale > 0:
        raise ValueError(f"scale must be positive, not {scale!r}")
    if history_years < 0:
        raise ValueError(f"history_years must be 0 or more, not {history_years!r}")
    wanted = sorted({ReportingYear.parse(y) for y in years})
    if not wanted:
        raise ValueError("no reporting years given")
    history = [wanted[0].shift(-k) for k in range(history_years, 0, -1) if wanted[0].first - k >= FIRST_YEAR]
    written = sorted(set(history) | set(wanted))

    rng = np.random.default_rng(seed)
    sim = _simulate(written, scale, rng)
    w = _Writer(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    w.bytes("la.toml", _la_toml(name, la_code, la_code_9, region, seed, scale, written,
                                history_years).encode("utf-8"))
    w.csv("population.csv", _population(written, scale, rng))
    w.csv("inspections.csv", _inspections(name, written, rng, sim.dates))
    extracts = {k: v.file for k, v in local.LOCAL_EXTRACTS.items()}
    for y in written:
        label = y.label
        w.bytes(f"{label}/cin_census.xml", _cin_xml(sim, y, la_code))
        for fname, df in _ssda903(sim, y, la_code, pl_location).items():
            if fname not in S.FILES:
                raise RuntimeError(f"synthetic generator: {fname} is not an SSDA903 file")
            w.csv(f"{label}/ssda903/{fname}", df)
        w.csv(f"{label}/contacts.csv", _contacts(sim, y, seed, la_code))
        w.csv(f"{label}/{extracts['cp_visits']}", _cp_visits(sim, y))
        w.csv(f"{label}/{extracts['missing_from_home']}", _missing_from_home(sim, y))
        w.csv(f"{label}/{extracts['complaints']}", _complaints(sim, y, seed, scale))
    return sorted(w.paths)
