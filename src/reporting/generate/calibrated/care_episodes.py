"""SSDA903 episodes for the periods of care: placements, legal statuses, moves.

Stage two of the looked-after side (:mod:`.care`). Each period of care becomes a chain
of episodes, one per change of placement or legal status, the way the SSDA903 return
records them:

* **placements** (*segments*): the first on the day care starts (RNE S); a move to a
  new carer starts a new one (RNE P, or B when the legal status changes that day). A
  child placed for adoption with their foster carers changes placement but not carer
  (RNE T, or U with a new legal status; A3/A5 need S, T or U, DfE rule 217). Moves come
  early (an emergency placement followed by a planned one) and then at a rate by age.
* **legal statuses**: UASC are accommodated under section 20 (V2) throughout; children
  placed with parents are on an interim care order (C1) and then a care order (C2),
  never V2 (DfE rule 378); others start V2, C1, police protection (L1, two days at
  most) or an emergency protection order (L2, under three weeks); care proceedings turn
  V2 into C1 and C1 into C2; a placement order (E1) precedes placement for adoption; a
  child remanded (J1) is one whose care ends with remand ended (E14) or custody (E9).
  A change on its own is a new episode with RNE L.
* **temporary placements** (T1 hospital, T2 carer's holiday, T3, T4) from 2014-15: a
  short stay away, then back to the same placement (same code, URN and postcode), which
  DfE's stability measure does not count as a move.

Calibration: for every reporting year, the children looked after at 31 March with three
or more placements in the year (DfE's stability measure, counted exactly as
``indicators.looked_after.placements_in_year`` does) are made to equal the plan by adding
or removing moves inside that year only (a move in one year changes no other year's
count). Then placement types are assigned, with the children looked after at 31 March
2013 given exactly the area profile's placement groups and, within each group, exactly
the published number placed outside Hampshire.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reporting.generate.calibrated.care_alloc import (
    day,
    exact_flags,
    weighted_pick,
)
from reporting.generate.calibrated.care_periods import OPEN, PeriodsResult
from reporting.generate.calibrated.care_places import INSIDE, OUTSIDE
from reporting.generate.calibrated.care_plan import YEARS, CarePlan
from reporting.periods import ReportingYear

HORIZON = day("2018-04-01")  # open periods run past the last year
DAYS_PER_YEAR = 365.25
MIN_GAP = 7  # days between two changes of a period
RECODE_FROM = day("2014-04-01")  # foster U1-U6 and adoption A3-A6 codes from 2014-15
SNAPSHOT_2013 = day("2013-03-31")
GROUPS = ("foster", "resid", "school", "parents", "other")
AREA_GROUP = {"foster": "foster", "resid": "residential homes hostels and secure", "school": "residential schools",
              "parents": "placed with parents", "other": "other"}
# placement group by age at the start of a placement (foster, resid, school, parents, other)
GROUP_BY_AGE = ((1, (0.92, 0.0, 0.0, 0.05, 0.03)), (5, (0.93, 0.0, 0.0, 0.06, 0.01)),
                (10, (0.88, 0.03, 0.02, 0.06, 0.01)), (14, (0.75, 0.12, 0.04, 0.05, 0.04)),
                (16, (0.62, 0.22, 0.04, 0.05, 0.07)), (19, (0.5, 0.33, 0.02, 0.05, 0.1)))
P_OUTSIDE = {"foster": 0.22, "resid": 0.45, "school": 0.7, "parents": 0.15, "other": 0.3, "adoption": 0.35}
P_EARLY_MOVE = {"regular": 0.35, "uasc": 0.3, "pwp": 0.05}
CIN_CODES = {"N1": 0.62, "N2": 0.03, "N3": 0.04, "N4": 0.09, "N5": 0.13, "N6": 0.03, "N7": 0.003, "N8": 0.057}
REASON_PLACE_CHANGE = {"CARPL": 0.28, "CREQB": 0.14, "CREQO": 0.1, "CHILD": 0.08, "LAREQ": 0.12, "PLACE": 0.1,
                       "STAND": 0.04, "ALLEG": 0.03, "APPRR": 0.02, "CLOSE": 0.03, "CUSTOD": 0.01, "OTHER": 0.05}
# Placement providers with their Ofsted URNs (made up, in Ofsted's SC + 6 digits form) and fixed
# postcodes for the council's own settings.
LA_FOSTERING = "SC058021"
IFAS = ("SC399154", "SC412807", "SC038726", "SC440213", "SC395018", "SC062971")
OTHER_LA_FOSTERING = ("SC055417", "SC048811", "SC057302")
LA_HOMES = (("SC040253", "PO14 4AF"), ("SC040261", "SO50 7GB"), ("SC040274", "GU34 1EU"),
            ("SC040287", "RG24 9RD"), ("SC040295", "PO9 2TA"))  # The Mead ... Godbey House
SECURE_UNIT = ("SC040302", "PO15 7YB")  # Swanwick Lodge
PRIVATE_HOMES = ("SC471025", "SC448318", "SC480447", "SC393062", "SC464185", "SC476332", "SC452877", "SC487120")
SCHOOLS = ("116594", "126496", "116623", "135984", "131276", "145022")
ADOPTION_AGENCIES = {"PR1": ("SC058034",), "PR5": ("SC048357", "SC053309", "SC375420")}
MOTHER_BABY = ("SC466219", "SC471733")


@dataclass
class EpisodesResult:
    """``episodes``: one row per episode (day numbers; ``dec`` OPEN while open) with the placement's
    canonical attributes (``group``, ``sub``, flags) rendered per year by :func:`render_place`.
    ``segments``: one row per placement. ``periods``: the periods with ``home_post``, ``cin``."""

    episodes: pd.DataFrame
    segments: pd.DataFrame
    periods: pd.DataFrame


# ------------------------------------------------------------------------------ helpers
def _choice(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    w = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


def _is_april_first(d: int) -> bool:
    ts = pd.Timestamp(np.datetime64("1970-01-01", "D") + int(d))
    return ts.month == 4 and ts.day == 1


def _free_day(rng: np.random.Generator, lo: int, hi: int, busy: list[int], tries: int = 40) -> int | None:
    """A day in ``[lo, hi]`` at least MIN_GAP days from every day in ``busy`` and not 1 April."""
    if hi < lo:
        return None
    for _ in range(tries):
        d = int(rng.integers(lo, hi + 1))
        if _is_april_first(d) or any(abs(d - b) < MIN_GAP for b in busy):
            continue
        return d
    return None


@dataclass
class _Period:
    pid: int
    child: int
    start: int
    end: int  # OPEN while open
    kind: str
    end_kind: str
    rec: str
    dob: int
    uasc: bool
    moves: list  # days a new carer starts (not the first placement)
    fixed_moves: set  # moves the calibration must not remove
    a_day: int | None = None  # placement for adoption starts
    a_with_carer: bool = False
    a_consent: bool = False
    ls: list | None = None  # (day, code)

    @property
    def stop(self) -> int:
        return HORIZON if self.end == OPEN else self.end


def _build_periods(pr: PeriodsResult, rec: pd.Series) -> list[_Period]:
    p, c = pr.periods, pr.children
    out = []
    dob = c["dob"].to_numpy()
    uasc = c["uasc"].to_numpy()
    for r, code in zip(p.itertuples(index=False), rec.tolist(), strict=True):
        out.append(_Period(int(r.pid), int(r.child), int(r.start), int(r.end), r.kind, r.end_kind, code,
                           int(dob[r.child]), bool(uasc[r.child]), [], set()))
    return out


# ------------------------------------------------------------------------------ moves
def _moves(rng: np.random.Generator, per: _Period) -> None:
    s, e = per.start, per.stop
    age = (s - per.dob) / DAYS_PER_YEAR
    busy = [s, e]
    if per.end_kind == "adoption":
        length = int(rng.integers(100, 330))
        a = max(e - length, s + 90)
        if a >= e - 20:
            a = s + (e - s) // 2
        per.a_day = a
        per.a_with_carer = bool(rng.random() < 0.15)
        per.a_consent = bool(rng.random() < 0.15)
        if not per.a_with_carer:
            per.moves.append(a)
            per.fixed_moves.add(a)
        busy.append(a)
        e_moves = a  # no moves once placed for adoption
    else:
        e_moves = e
    p_early = P_EARLY_MOVE.get(per.kind, 0.3)
    if rng.random() < p_early:
        d = _free_day(rng, s + 3, min(s + 60, e_moves - MIN_GAP), busy)
        if d is not None:
            per.moves.append(d)
            busy.append(d)
    if per.kind == "uasc":
        rate = 0.35
    elif per.kind == "pwp":
        rate = 0.1
    else:
        rate = 0.22 if age < 5 else 0.3 if age < 10 else 0.55 if age < 16 else 0.6
    span = max(0, min(e_moves, HORIZON) - s)
    n = rng.poisson(rate * span / DAYS_PER_YEAR)
    for _ in range(int(n)):
        d = _free_day(rng, s + MIN_GAP, e_moves - MIN_GAP, busy)
        if d is not None:
            per.moves.append(d)
            busy.append(d)
    per.moves.sort()


# ------------------------------------------------------------------------------ legal status
def _legal_status(rng: np.random.Generator, per: _Period) -> None:
    s, e = per.start, per.stop
    age = (s - per.dob) / DAYS_PER_YEAR
    busy = set(per.moves)

    def ok(d: int) -> bool:
        return s < d < e - 1 and d not in busy

    if per.uasc:
        per.ls = [(s, "V2")]
        return
    if per.rec in ("E14", "E9") and age >= 10:
        per.ls = [(s, "J1")]
        return
    if per.kind == "pwp":
        ls = [(s, "C1")]
        d = s + int(rng.integers(120, 270))
        if ok(d):
            ls.append((d, "C2"))
        per.ls = ls
        return
    first = _choice(rng, {"V2": 0.45, "C1": 0.25, "L1": 0.12, "L2": 0.08, "C2": 0.10})
    ls = [(s, first)]
    cur, t = first, s
    if first == "L1":
        d = s + int(rng.integers(1, 3))
        cur = "C1" if rng.random() < 0.5 or per.end_kind == "adoption" else "V2"
        if ok(d):
            ls.append((d, cur))
            t = d
    elif first == "L2":
        d = s + int(rng.integers(5, 16))
        cur = "C1"
        if ok(d):
            ls.append((d, cur))
            t = d
    adoption = per.end_kind == "adoption"
    a = per.a_day if adoption else None
    if cur == "V2" and (adoption or rng.random() < 0.3):
        hi = (a - 60) if adoption else t + 200
        d = t + int(rng.integers(20, max(21, min(200, hi - t))))
        if ok(d) and (a is None or d < a - 40):
            ls.append((d, "C1"))
            cur, t = "C1", d
    if cur == "C1":
        hi = (a - 30) if adoption else t + 300
        d = t + int(rng.integers(60, max(61, min(300, hi - t))))
        if ok(d) and (a is None or d < a - 20):
            ls.append((d, "C2"))
            cur, t = "C2", d
    if adoption and not per.a_consent:
        lo = max(t + 7, a - 150)
        d = int(rng.integers(lo, max(lo + 1, a - 13))) if lo < a - 13 else a
        if d == a or not ok(d):
            d = a  # granted on the day of placement
        ls.append((d, "E1"))
    per.ls = sorted(set(ls))


# ------------------------------------------------------------------------------ stability
def _spell_starts(per: _Period) -> list[int]:
    return [per.start] + per.moves


def _count_in_year(per: _Period, ys: int, ye: int) -> int:
    starts = _spell_starts(per)
    ends = starts[1:] + [per.stop]
    return sum(1 for a, b in zip(starts, ends, strict=True) if a <= ye and b > ys)


def _calibrate_stability(rng: np.random.Generator, periods: list[_Period], plan: CarePlan) -> None:
    by_child: dict[int, list[_Period]] = {}
    for per in periods:
        by_child.setdefault(per.child, []).append(per)
    for y in YEARS:
        ys, ye = day(ReportingYear.parse(y).start), day(ReportingYear.parse(y).end)
        stock = [per for per in periods if per.start <= ye and per.stop > ye]
        counts = {}
        for per in stock:
            counts[per.child] = sum(_count_in_year(x, ys, ye) for x in by_child[per.child]
                                    if x.start <= ye and x.stop > ys)
        target = int(plan.annual.loc[y, "three_plus"])
        current = [per for per in stock]
        n3 = sum(1 for per in current if counts[per.child] >= 3)
        order = rng.permutation(len(current))
        guard = 0
        while n3 != target:
            guard += 1
            if guard > 20 * len(current):
                raise RuntimeError(f"{y}: three-or-more placements could not be calibrated ({n3} vs {target})")
            per = current[order[guard % len(current)]]
            cnt = counts[per.child]
            if n3 < target and cnt == 2:
                lo = max(ys + 1, per.start + MIN_GAP)
                hi = min(ye - 1, per.stop - MIN_GAP, (per.a_day - MIN_GAP) if per.a_day else ye)
                busy = [per.start, per.stop] + per.moves + [d for d, _ in (per.ls or [])]
                if per.a_day:
                    busy.append(per.a_day)
                d = _free_day(rng, lo, hi, busy)
                if d is None:
                    continue
                per.moves.append(d)
                per.moves.sort()
                counts[per.child] += 1
                n3 += 1
            elif n3 > target and cnt == 3:
                removable = [(x, m) for x in by_child[per.child] for m in x.moves
                             if ys < m <= ye and m not in x.fixed_moves]
                if not removable:
                    continue
                x, m = removable[int(rng.integers(len(removable)))]
                x.moves.remove(m)
                counts[per.child] -= 1
                n3 -= 1


# ------------------------------------------------------------------------------ segments
def _segments(periods: list[_Period]) -> pd.DataFrame:
    rows = []
    for per in periods:
        days = [(per.start, True)] + [(m, True) for m in per.moves]
        if per.a_day is not None and per.a_with_carer:
            days.append((per.a_day, False))
        days.sort()
        for i, (d, new_carer) in enumerate(days):
            end = days[i + 1][0] if i + 1 < len(days) else per.stop
            role = ""
            last = i + 1 == len(days)
            if per.a_day is not None and d == per.a_day:
                role = "adoption"
            elif per.a_day is not None and not last and days[i + 1][0] == per.a_day:
                role = "pre_adoption"
            elif i == 0 and per.kind == "pwp":
                role = "pwp_first"
            elif last and per.end_kind in ("sgo", "cao"):
                role = "kin_last"
            ls_days = [ld for ld, _ in per.ls]
            at_start = int(np.searchsorted(ls_days, d, side="right")) - 1
            during = {per.ls[max(at_start, 0)][1]} | {code for ld, code in per.ls if d < ld < end}
            rows.append({"pid": per.pid, "child": per.child, "seg": i, "start": d, "end": end, "new_carer": new_carer,
                         "role": role, "first": i == 0, "age": (d - per.dob) / DAYS_PER_YEAR, "uasc": per.uasc,
                         "kind": per.kind, "v2": "V2" in during, "dob": per.dob})
    seg = pd.DataFrame(rows)
    seg["sid"] = np.arange(len(seg))
    return seg


def _assign_groups(rng: np.random.Generator, seg: pd.DataFrame, plan: CarePlan) -> None:
    n = len(seg)
    group = np.empty(n, dtype=object)
    role = seg["role"].to_numpy()
    age = seg["age"].to_numpy()
    uasc = seg["uasc"].to_numpy()
    parents_ok = ~uasc & ~seg["v2"].to_numpy() & (~seg["first"].to_numpy() | (role == "pwp_first"))
    u = rng.random(n)
    bands = np.array([b for b, _ in GROUP_BY_AGE])
    probs = np.array([p for _, p in GROUP_BY_AGE])
    band = np.searchsorted(bands, age, side="right").clip(0, len(bands) - 1)
    cum = np.cumsum(probs[band], axis=1)
    pick = (u[:, None] > cum).sum(axis=1).clip(0, len(GROUPS) - 1)
    group[:] = np.array(GROUPS, dtype=object)[pick]
    group[(group == "parents") & ~parents_ok] = "foster"
    group[(group == "school") & (age < 6)] = "foster"
    group[(group == "resid") & (age < 8)] = "foster"
    group[uasc] = np.where(age[uasc] >= 16, np.where(rng.random(int(uasc.sum())) < 0.3, "resid", "foster"), "foster")
    group[uasc & (group == "resid") & (age < 16)] = "foster"
    group[role == "adoption"] = "other"
    group[role == "pre_adoption"] = "foster"
    group[role == "pwp_first"] = "parents"
    group[role == "kin_last"] = "foster"
    seg["group"] = group

    # exact placement groups at 31 March 2013
    at = ((seg["start"] <= SNAPSHOT_2013) & (seg["end"] > SNAPSHOT_2013)).to_numpy()
    fixed = at & np.isin(role, ["adoption", "pre_adoption", "pwp_first", "kin_last"])
    flex = at & ~fixed
    targets = {g: plan.placements_2013[AREA_GROUP[g]][0] for g in GROUPS}
    fixed_counts = {g: int((fixed & (group == g)).sum()) for g in GROUPS}
    need = {g: targets[g] - fixed_counts[g] for g in GROUPS}
    if any(v < 0 for v in need.values()):
        raise RuntimeError(f"31 March 2013: fixed placements exceed the area profile ({fixed_counts} vs {targets})")
    if sum(need.values()) != int(flex.sum()):
        raise RuntimeError(f"31 March 2013: {int(flex.sum())} placements to assign, {sum(need.values())} needed")
    left = flex.copy()
    pid = seg["pid"].to_numpy()
    after_pwp = np.r_[False, (pid[1:] == pid[:-1]) & (role[:-1] == "pwp_first")]
    elig = {
        "school": ~uasc & (age >= 6),
        "parents": parents_ok & ~after_pwp,
        "resid": (age >= 9),
        "other": (age >= 10) | (age < 1),
    }
    pref = {
        "school": np.where(age >= 10, 1.0, 0.4),
        "parents": np.where(age < 10, 1.0, 0.6),
        "resid": np.where(age >= 13, 1.0, 0.25) * np.where(group == "resid", 3.0, 1.0),
        "other": np.where(group == "other", 3.0, 1.0),
    }
    for g in ("school", "parents", "resid", "other"):
        w = np.where(left & elig[g], pref[g], 0.0)
        chosen = weighted_pick(rng, w, need[g])
        group[chosen] = g
        left[chosen] = False
    group[left] = "foster"
    # a move from parents to parents would be no move (DfE rule 435): the later one becomes foster care
    fixed_role = np.isin(role, ["adoption", "pre_adoption", "pwp_first", "kin_last"])
    for i in np.flatnonzero((group == "parents") & (np.r_[False, pid[1:] == pid[:-1]])):
        if group[i - 1] != "parents":
            continue
        j = i - 1 if at[i] else i
        if at[j] or fixed_role[j]:
            j = i if j == i - 1 else i - 1
        if at[j] or fixed_role[j]:
            raise RuntimeError("two placements with parents in a row cannot be separated")
        group[j] = "foster"
    seg["group"] = group
    seg["at_2013"] = at


def _assign_subtypes(rng: np.random.Generator, seg: pd.DataFrame, plan: CarePlan) -> None:
    """Placement type within the group, the carer's kin flag, location, provider, URN, postcode."""
    n = len(seg)
    group = seg["group"].to_numpy()
    role = seg["role"].to_numpy()
    age = seg["age"].to_numpy()
    dur = (np.minimum(seg["end"].to_numpy(), HORIZON) - seg["start"].to_numpy())
    sub = np.empty(n, dtype=object)
    u = rng.random(n)
    # foster: kin, long term, fostering for adoption
    kin = (role == "kin_last") | ((group == "foster") & (u < 0.14) & ~seg["uasc"].to_numpy())
    long_term = (dur > 540) & ~seg["first"].to_numpy()
    sub[group == "foster"] = "foster"
    r = rng.random(n)
    resid = group == "resid"
    sub[resid] = np.select([(age >= 16) & (r < 0.25), (age >= 16.5) & (r < 0.33), (age >= 12) & (r > 0.95)],
                           ["H5", "P2", "K1"], "K2")[resid]
    sub[group == "school"] = "S1"
    sub[group == "parents"] = "P1"
    oth = (group == "other") & (role != "adoption")
    sub[oth] = np.select([age < 1, (age >= 12) & (r < 0.45), r < 0.6], ["R3", "R5", "R2"], "Z1")[oth]
    sub[role == "adoption"] = "adoption"
    seg["sub"] = sub
    seg["kin"] = kin
    seg["long_term"] = long_term

    # location: exact at 31 March 2013 within each group, by rates elsewhere
    out = rng.random(n) < pd.Series(np.where(role == "adoption", "adoption", group)).map(P_OUTSIDE).to_numpy()
    at = seg["at_2013"].to_numpy()
    for g in GROUPS:
        m = at & (group == g)
        k = plan.placements_2013[AREA_GROUP[g]][1]
        w = np.where(m, np.where(seg["uasc"].to_numpy(), 2.0, 1.0) * np.where(sub == "K1", 0.2, 1.0), 0.0)
        flags = exact_flags(rng, n, k, w)
        out[m] = flags[m]
    out[sub == "K1"] &= at[sub == "K1"]  # Swanwick Lodge is in Hampshire: secure placements inside
    seg["outside"] = out

    # provider, URN, placement postcode (P1 postcodes are the home's, set with the periods)
    provider = np.empty(n, dtype=object)
    urn = np.full(n, "XXXXXXX", dtype=object)
    post = np.empty(n, dtype=object)
    rp = rng.random(n)
    pick_in = rng.integers(0, len(INSIDE), n)
    pick_out = rng.integers(0, len(OUTSIDE), n)
    post[:] = np.where(out, np.array(OUTSIDE, dtype=object)[pick_out], np.array(INSIDE, dtype=object)[pick_in])
    for i in range(n):
        s = sub[i]
        o = bool(out[i])
        if s == "foster":
            if seg["uasc"].iat[i]:
                provider[i] = "PR4" if (o or rp[i] < 0.85) else "PR1"
            else:
                provider[i] = ("PR4" if rp[i] < 0.85 else "PR2") if o else ("PR1" if rp[i] < 0.65 else "PR4")
            urn[i] = (LA_FOSTERING if provider[i] == "PR1" else IFAS[i % len(IFAS)] if provider[i] == "PR4"
                      else OTHER_LA_FOSTERING[i % len(OTHER_LA_FOSTERING)])
        elif s == "K2":
            if not o and rp[i] < 0.55:
                provider[i] = "PR1"
                urn[i], post[i] = LA_HOMES[i % len(LA_HOMES)]
            else:
                provider[i] = "PR4" if rp[i] < 0.8 else "PR5"
                urn[i] = PRIVATE_HOMES[i % len(PRIVATE_HOMES)]
        elif s == "K1":
            provider[i] = "PR1" if not o else "PR2"
            urn[i] = SECURE_UNIT[0] if not o else "SC040911"
            if not o:
                post[i] = SECURE_UNIT[1]
        elif s in ("H5", "P2"):
            provider[i] = "PR1" if (not o and rp[i] < 0.5) else "PR4"
        elif s == "S1":
            provider[i] = "PR5" if rp[i] < 0.6 else "PR4"
            urn[i] = SCHOOLS[i % len(SCHOOLS)]
        elif s == "P1":
            provider[i] = "PR0"
        elif s == "R3":
            provider[i] = "PR4" if rp[i] < 0.5 else "PR5"
            urn[i] = MOTHER_BABY[i % len(MOTHER_BABY)]
        elif s in ("R2", "R5"):
            provider[i] = "PR3"
        elif s == "Z1":
            provider[i] = ""  # DfE rule 178: no provider for Z1 (as for temporary placements)
        elif s == "adoption":
            provider[i] = "PR1" if (not o and rp[i] < 0.7) else "PR5"
            agencies = ADOPTION_AGENCIES[provider[i]]
            urn[i] = agencies[i % len(agencies)]
        else:  # pragma: no cover
            raise RuntimeError(f"no provider rule for {s}")
    seg["provider"] = provider
    seg["urn"] = urn
    seg["post"] = post


def _fix_providers(seg: pd.DataFrame) -> None:
    """Own provision (PR1) only inside Hampshire (DfE rule 1015), other councils' (PR2) only outside."""
    out = seg["outside"].to_numpy(dtype=bool)
    prov = seg["provider"].to_numpy(dtype=object)
    sub = seg["sub"].to_numpy(dtype=object)
    urn = seg["urn"].to_numpy(dtype=object)
    for i in np.flatnonzero(out & (prov == "PR1")):
        if sub[i] == "foster":
            prov[i], urn[i] = "PR4", IFAS[i % len(IFAS)]
        elif sub[i] == "adoption":
            prov[i], urn[i] = "PR5", ADOPTION_AGENCIES["PR5"][i % len(ADOPTION_AGENCIES["PR5"])]
        elif sub[i] in ("K2", "K1"):
            prov[i], urn[i] = "PR4", PRIVATE_HOMES[i % len(PRIVATE_HOMES)]
            sub[i] = "K2"
        else:
            prov[i] = "PR4"
    for i in np.flatnonzero(~out & (prov == "PR2")):
        prov[i], urn[i] = "PR1", LA_FOSTERING
    seg["provider"], seg["urn"], seg["sub"] = prov, urn, sub


def render_place(sub: np.ndarray, kin: np.ndarray, long_term: np.ndarray, a_carer: np.ndarray,
                 a_consent: np.ndarray, ffa: np.ndarray, year: str) -> np.ndarray:
    """SSDA903 ``PLACE`` codes of placements in a collection year's codes."""
    new = ReportingYear.parse(year).first >= 2014
    out = np.asarray(sub, dtype=object).copy()
    foster = out == "foster"
    if new:
        code = np.where(kin, np.where(long_term, "U1", "U3"), np.where(long_term, "U4", np.where(ffa, "U5", "U6")))
    else:
        code = np.where(kin, "Q1", "Q2")
    out[foster] = code[foster]
    ad = out == "adoption"
    if new:
        acode = np.where(a_consent, np.where(a_carer, "A3", "A4"), np.where(a_carer, "A5", "A6"))
    else:
        acode = np.where(a_consent, "A1", "A2")
    out[ad] = acode[ad]
    return out


# ------------------------------------------------------------------------------ episodes
def _temporary(rng: np.random.Generator, seg: pd.DataFrame, periods: list[_Period]) -> dict[int, list]:
    """Temporary placements (from 2014-15) inside foster and residential placements: sid -> [(start, end, code)]."""
    out: dict[int, list] = {}
    ls_days = {per.pid: [d for d, _ in (per.ls or [])] for per in periods}
    for r in seg.itertuples(index=False):
        if r.sub not in ("foster", "K2") or r.role in ("adoption",):
            continue
        lo = max(r.start + 14, RECODE_FROM)
        hi = min(r.end, HORIZON - 1) - 14
        if hi - lo < 30:
            continue
        if rng.random() > 0.03 * (hi - lo) / DAYS_PER_YEAR:
            continue
        code = _choice(rng, {"T1": 0.35, "T2": 0.3, "T3": 0.2, "T4": 0.15})
        length = {"T1": (2, 21), "T2": (5, 15), "T3": (3, 12), "T4": (1, 6)}[code]
        a = int(rng.integers(lo, hi))
        b = a + int(rng.integers(*length))
        snap = [day(f"{y}-03-31") for y in range(2014, 2019)] + [day(f"{y}-04-01") for y in range(2014, 2019)]
        if any(a - 2 <= s <= b + 2 for s in snap) or any(a - MIN_GAP <= d <= b + MIN_GAP for d in ls_days[r.pid]):
            continue
        out[r.sid] = [(a, b, code)]
    return out


def _episodes(periods: list[_Period], seg: pd.DataFrame, temp: dict[int, list]) -> pd.DataFrame:
    """One row per episode: a new one on each change of placement, legal status or temporary placement."""
    seg_by_pid = {pid: g for pid, g in seg.groupby("pid", sort=False)}
    cols = {k: [] for k in ("pid", "child", "decom", "dec", "rne", "ls", "sid", "temp_code", "rec", "next_change")}
    for per in periods:
        sg = seg_by_pid[per.pid]
        seg_starts = sg["start"].to_numpy()
        seg_ids = sg["sid"].to_numpy()
        new_carer = sg["new_carer"].to_numpy()
        events: dict[int, set] = {}
        for d in seg_starts:
            events.setdefault(int(d), set()).add("place")
        for d, _ in per.ls:
            events.setdefault(int(d), set()).add("ls")
        for sid in seg_ids:
            for a, b, _code in temp.get(int(sid), []):
                events.setdefault(a, set()).add("temp")
                events.setdefault(b, set()).add("back")
        days = sorted(events)
        ls_days = [d for d, _ in per.ls]
        ls_codes = [c for _, c in per.ls]
        for j, d in enumerate(days):
            ev = events[d]
            k = int(np.searchsorted(seg_starts, d, side="right") - 1)
            sid = int(seg_ids[k])
            ls = ls_codes[int(np.searchsorted(ls_days, d, side="right") - 1)]
            t_code = ""
            for a, b, code in temp.get(sid, []):
                if a <= d < b:
                    t_code = code
            if j == 0:
                rne = "S"
            elif "place" in ev:
                same = not bool(new_carer[k])
                rne = ("U" if same else "B") if "ls" in ev else ("T" if same else "P")
            elif "temp" in ev or "back" in ev:
                rne = "B" if "ls" in ev else "P"
            else:
                rne = "L"
            cols["pid"].append(per.pid)
            cols["child"].append(per.child)
            cols["decom"].append(d)
            nxt = days[j + 1] if j + 1 < len(days) else per.end
            cols["dec"].append(nxt)
            cols["rne"].append(rne)
            cols["ls"].append(ls)
            cols["sid"].append(sid)
            cols["temp_code"].append(t_code)
            last = j + 1 == len(days)
            cols["rec"].append(per.rec if last else "X1")
            cols["next_change"].append("" if last else ",".join(sorted(events[days[j + 1]])))
    ep = pd.DataFrame(cols)
    return ep


def build_episodes(pr: PeriodsResult, rec: pd.Series, plan: CarePlan, rng: np.random.Generator) -> EpisodesResult:
    """Episodes of every period of care (see the module docstring)."""
    periods = _build_periods(pr, rec)
    for per in periods:
        _moves(rng, per)
        _legal_status(rng, per)
    _calibrate_stability(rng, periods, plan)
    seg = _segments(periods)
    _assign_groups(rng, seg, plan)
    _assign_subtypes(rng, seg, plan)
    temp = _temporary(rng, seg, periods)
    ep = _episodes(periods, seg, temp)

    # period attributes: home postcode (P1 placements are at home), category of need
    per_df = pr.periods.copy()
    per_df["rec"] = rec.to_numpy()
    n = len(per_df)
    home_out = rng.random(n) < 0.08
    p1 = seg[seg["sub"] == "P1"].sort_values(["pid", "at_2013"], ascending=[True, False]).drop_duplicates("pid")
    home_out[p1["pid"].to_numpy()] = p1["outside"].to_numpy()
    home = np.where(home_out, np.array(OUTSIDE, dtype=object)[rng.integers(0, len(OUTSIDE), n)],
                    np.array(INSIDE, dtype=object)[rng.integers(0, len(INSIDE), n)])
    per_df["home_post"] = home
    per_df["home_outside"] = home_out
    uasc = pr.children["uasc"].to_numpy()[per_df["child"].to_numpy()]
    keys = list(CIN_CODES)
    w = np.array([CIN_CODES[k] for k in keys])
    per_df["cin"] = np.where(uasc, "N8", np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=w / w.sum())])
    # P1 placements: the home postcode and its side of the boundary
    is_p1 = seg["sub"].to_numpy() == "P1"
    seg.loc[is_p1, "post"] = per_df["home_post"].to_numpy()[seg.loc[is_p1, "pid"].to_numpy()]
    seg.loc[is_p1, "outside"] = per_df["home_outside"].to_numpy()[seg.loc[is_p1, "pid"].to_numpy()]
    # other placements never at the child's home postcode (DfE rule 392d)
    clash = ~is_p1 & (seg["post"].to_numpy() == per_df["home_post"].to_numpy()[seg["pid"].to_numpy()])
    alt = np.where(seg["outside"].to_numpy(), OUTSIDE[0], INSIDE[0])
    alt2 = np.where(seg["outside"].to_numpy(), OUTSIDE[1], INSIDE[1])
    seg.loc[clash, "post"] = np.where(seg.loc[clash, "post"].to_numpy() == alt[clash], alt2[clash], alt[clash])
    # fostering for adoption (U5) for some placements just before placement for adoption of infants
    seg["ffa"] = (seg["role"] == "pre_adoption") & (seg["age"] < 1.5) & (rng.random(len(seg)) < 0.3)
    a_carer = np.zeros(len(seg), dtype=bool)
    a_consent = np.zeros(len(seg), dtype=bool)
    by_pid = {per.pid: per for per in periods}
    for i, (pid, role) in enumerate(zip(seg["pid"].to_numpy(), seg["role"].to_numpy(), strict=True)):
        if role == "adoption":
            a_carer[i] = by_pid[pid].a_with_carer
            a_consent[i] = by_pid[pid].a_consent
    seg["a_carer"] = a_carer
    seg["a_consent"] = a_consent
    # placed for adoption with the foster carers: the same carers, so the same postcode and side of
    # the boundary (taken from whichever of the two placements was open at 31 March 2013)
    for i in np.flatnonzero((seg["role"].eq("adoption") & seg["a_carer"]).to_numpy()):
        j = i - 1
        src, dst = (i, j) if bool(seg["at_2013"].iat[i]) else (j, i)
        seg.iat[dst, seg.columns.get_loc("post")] = seg["post"].iat[src]
        seg.iat[dst, seg.columns.get_loc("outside")] = bool(seg["outside"].iat[src])
    _fix_providers(seg)
    # a move is a change of carer: never the same placement code, provider, URN and postcode
    same = (seg["pid"].eq(seg["pid"].shift(1)) & seg["new_carer"] & seg["sub"].eq(seg["sub"].shift(1))
            & seg["post"].eq(seg["post"].shift(1)) & seg["urn"].eq(seg["urn"].shift(1))
            & seg["provider"].eq(seg["provider"].shift(1)) & seg["sub"].ne("P1"))
    for i in np.flatnonzero(same.to_numpy()):
        pool = OUTSIDE if bool(seg["outside"].iat[i]) else INSIDE
        k = pool.index(seg["post"].iat[i]) if seg["post"].iat[i] in pool else 0
        seg.iat[i, seg.columns.get_loc("post")] = pool[(k + 1) % len(pool)]

    # episodes: reason for placement change on the episode whose placement ended
    ep["rpc"] = ""
    moving = ep["next_change"].str.contains("place") & ep["temp_code"].eq("")
    nxt_temp = ep.groupby("pid")["temp_code"].shift(-1).fillna("")
    moving &= nxt_temp.eq("")
    keys = list(REASON_PLACE_CHANGE)
    w = np.array([REASON_PLACE_CHANGE[k] for k in keys])
    codes = np.array(keys, dtype=object)[rng.choice(len(keys), size=len(ep), p=w / w.sum())]
    next_rne = ep.groupby("pid")["rne"].shift(-1).fillna("")
    codes = np.where(next_rne.isin(["T", "U"]), "LAREQ", codes)
    ep.loc[moving, "rpc"] = codes[moving.to_numpy()]
    # full-time care passing into short breaks: the placement ends too (DfE rule 225)
    last = ~ep["pid"].eq(ep["pid"].shift(-1))
    into_sb = last & ep["pid"].map(per_df.set_index("pid")["end_kind"]).eq("short_breaks")
    ep.loc[into_sb, "rpc"] = "LAREQ"
    return EpisodesResult(ep, seg, per_df)

