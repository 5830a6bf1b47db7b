"""CIN episodes of the calibrated CIN side, built around plans and periods of care.

Four kinds of referral (``kind``), each with its own count per year:

* ``nfa`` - no further action (``ReferralNFA`` true), closed on the referral date;
* ``nin`` - assessed as not in need, closed RC8 within the year of the referral;
* ``co`` - referred in the last 45 working days of a year, still being assessed at 31 March
  (an episode of need in that year's census), closed RC8 the next year: this is how DfE's yearly
  figures chain (``carry_in`` = last 31 March + started - ended - this 31 March);
* ``need`` - episodes of need. ``origin`` says why they exist: ``plan`` (holding child
  protection plans, closed within 6 months of the last plan's end as often as the report
  says), ``cla`` (spanning a child's periods of care, from on or before the first day of
  care), or ``plain`` (the rest, whose starts and ends per year make DfE table B1 exact).

Episodes of one child that are known together (a child's plan episodes, a looked-after
child's episodes) share a ``unit``; :mod:`.cin_links` later joins units into children.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reporting.generate.calibrated import CareResult
from reporting.generate.calibrated.cin_util import (
    FAR,
    add_months,
    add_years,
    apportion,
    day,
    numerator_for,
    pick,
    prev_working,
    recent_since,
    sample_days,
    year_index,
)
from reporting.generate.calibrated.cin_years import DEFAULT_PCT, CinYear

SAME_CARE_EPISODE_GAP = 240  # periods of care closer than this share one CIN episode
NFA_REASON = "RC7"  # see docs/calibration.md: NFA referrals are closed on the referral date, not RC8
NOT_IN_NEED = "RC8"
OLDEST_REFERRAL = day("2005-04-01")
DATA_END = day("2018-03-31")
REC_TO_REASON = {"E11": "RC1", "E12": "RC1", "E41": "RC3", "E47": "RC3", "E48": "RC3", "E43": "RC4",
                 "E44": "RC4", "E45": "RC4", "E46": "RC4", "E2": "RC2"}


@dataclass
class EpisodeBook:
    eps: pd.DataFrame
    plans: pd.DataFrame
    cla_children: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _closure_share(y: CinYear, key: str, den: int):
    t = y.targets.get(key)
    return numerator_for(t, den, DEFAULT_PCT[key])


def _choose_flags(rng, ends_year: np.ndarray, forced: np.ndarray, free: np.ndarray, years: list[CinYear],
                  key: str, what: str, notes: list[str]) -> np.ndarray:
    """Closed-within-6-months flags (1/0) of ended items so that each year's share is exact.

    ``forced``: -1 free, 0 forced not closed, 1 forced closed. Items not ending (year -1) get 0.
    """
    flag = np.where(forced >= 0, forced, 0).astype(np.int64)
    for y in years:
        idx = np.flatnonzero(ends_year == y.idx)
        if not len(idx):
            continue
        share = _closure_share(y, key, len(idx))
        k = share.numerator
        fixed = int((forced[idx] == 1).sum())
        cand = idx[(forced[idx] < 0) & free[idx]]
        need = k - fixed
        if need < 0 or need > len(cand):
            got = fixed + min(max(need, 0), len(cand))
            notes.append(f"{y.label}: {what}: {k} of {len(idx)} must close within 6 months but {fixed} are "
                         f"bound to and only {len(cand)} can: {got} do")
            need = min(max(need, 0), len(cand))
        elif not share.met:
            notes.append(f"{y.label}: {what}: {share.note}")
        flag[pick(rng, cand, need)] = 1
    return flag


def _choose_care_flags(rng, ends_year: np.ndarray, forced: np.ndarray, years: list[CinYear], notes: list[str]
                       ) -> np.ndarray:
    """Closed-within-6-months flags of periods of care (1 closed, 0 not, 2 out of the denominator).

    ``forced``: 1 / 0 bound, -1 free (closed or not), -2 care ending on the 18th birthday (closed
    that day, or closed the day before and so out of the denominator). Each year picks how many
    birthday periods stay in the measure and how many free ones close so that the share prints
    as published; the largest feasible number of birthday periods is kept in the measure.
    """
    flag = np.where(forced == 1, 1, 0).astype(np.int64)
    for y in years:
        idx = np.flatnonzero(ends_year == y.idx)
        if not len(idx):
            continue
        f1 = int((forced[idx] == 1).sum())
        z = int((forced[idx] == 0).sum())
        free = idx[forced[idx] == -1]
        bday = idx[forced[idx] == -2]
        t = y.targets.get("cin_closed_6m_after_cla")
        best = None
        for b_in in range(len(bday), -1, -1):
            den = f1 + z + len(free) + b_in
            share = numerator_for(t, den, DEFAULT_PCT["cin_closed_6m_after_cla"])
            r = share.numerator - f1 - b_in
            if share.met and 0 <= r <= len(free):
                best = (b_in, r)
                break
        if best is None:
            b_in = 0
            den = f1 + z + len(free)
            share = numerator_for(t, den, DEFAULT_PCT["cin_closed_6m_after_cla"])
            r = min(max(share.numerator - f1, 0), len(free))
            notes.append(f"{y.label}: CIN cases closed within 6 months of care ending: {share.numerator} of {den} "
                         f"wanted, {f1 + r} possible ({f1} bound to close: care ended within 6 months of the "
                         "18th birthday)")
            best = (b_in, r)
        b_in, r = best
        keep = pick(rng, bday, b_in)
        flag[bday] = 2
        flag[keep] = 1
        flag[pick(rng, free, r)] = 1
    return flag


# -- plans ----------------------------------------------------------------------------------------
def _plan_episodes(plans: pd.DataFrame, years: list[CinYear], rng, notes) -> pd.DataFrame:
    first_year = ReportingYear0(years)
    end = plans["end"].to_numpy()
    ends_year = np.where(end < FAR, year_index(np.minimum(end, DATA_END), first_year), -1)
    same = plans["same_episode_as_next"].to_numpy()
    nxt_s47 = plans.groupby("child")["s47"].shift(-1).fillna(FAR).astype(np.int64).to_numpy()
    has_next = plans["next_start"].to_numpy() < FAR
    # "not closed within 6 months" needs room before the next episode's referral
    false_ok = ~has_next | (nxt_s47 - 2 > add_months(np.minimum(end, DATA_END), 6))
    forced = np.where(same, 0, -1)
    forced = np.where(~same & ~false_ok, 1, forced)
    flag = _choose_flags(rng, ends_year, forced, np.ones(len(plans), bool), years, "cin_closed_6m_after_cpp",
                         "CIN cases closed within 6 months of a plan ending", notes)
    plans["closed6"] = flag
    # episode groups: a plan starts a new episode unless the previous plan of the child said "same"
    order = np.lexsort((plans["start"].to_numpy(), plans["child"].to_numpy()))
    by_child = plans.iloc[order]
    prev_same = by_child.groupby("child")["same_episode_as_next"].shift(1)
    prev_same = prev_same.astype("boolean").fillna(False).to_numpy(dtype=bool)
    group = np.empty(len(plans), dtype=np.int64)
    group[order] = np.cumsum(~prev_same) - 1
    plans["group"] = group
    sp = plans.sort_values(["group", "start"], kind="mergesort")
    sp = sp.assign(prev_end=sp.groupby("group")["end"].shift(1).fillna(-FAR).astype(np.int64))
    g = sp.groupby("group", sort=True)
    grp = pd.DataFrame({
        "child": g["child"].first(), "first_s47": g["s47"].first(), "first_start": g["start"].first(),
        "last_end": g["end"].last(), "closed6": g["closed6"].last(), "cohort": g["cohort"].first(),
        "pen_end": g["prev_end"].last(),
    })
    grp["nth"] = grp.groupby("child").cumcount()
    n = len(grp)
    lead = np.select([rng.random(n) < 0.25, rng.random(n) < 0.47], [0, rng.integers(1, 21, n)],
                     rng.integers(30, 300, n))
    ref = grp["first_s47"].to_numpy() - lead
    close = np.full(n, FAR, dtype=np.int64)
    last_end = grp["last_end"].to_numpy()
    c6 = grp["closed6"].to_numpy()
    nxt_s47 = grp.groupby("child")["first_s47"].shift(-1).fillna(FAR).astype(np.int64).to_numpy()
    for k in range(int(grp["nth"].max()) + 1 if n else 0):
        at = np.flatnonzero(grp["nth"].to_numpy() == k)
        if k > 0:  # after the previous episode's closure
            prev = at - 1
            ref[at] = np.maximum(ref[at], close[prev] + 1 + rng.integers(0, 20, len(at)))
            ref[at] = np.minimum(ref[at], grp["first_s47"].to_numpy()[at])
        e = last_end[at]
        open_ = e >= FAR
        six = add_months(np.minimum(e, DATA_END), 6)
        ub = np.minimum(nxt_s47[at] - 1, FAR - 1)
        quick = np.where(rng.random(len(at)) < 0.35, rng.integers(0, 15, len(at)), rng.integers(0, 184, len(at)))
        c_true = np.minimum(np.minimum(e + quick, six), ub)
        # an earlier plan of the episode must not look closed within its own 6 months
        pen = grp["pen_end"].to_numpy()[at]
        c_true = np.where(pen > -FAR, np.maximum(c_true, add_months(np.maximum(pen, 0), 6) + 1), c_true)
        late = six + 1 + rng.integers(0, 400, len(at))
        c_false = np.minimum(late, ub)
        c = np.where(c6[at] == 1, c_true, c_false)
        c = np.where(open_, FAR, c)
        c = np.where((c6[at] == 0) & ~open_ & (c > DATA_END) & (nxt_s47[at] >= FAR), FAR, c)
        close[at] = np.maximum(c, np.where(open_, FAR, e))
    grp["ref"] = ref
    grp["close"] = close
    plans["episode_group"] = plans["group"]
    # guard: a plan's S47 is inside its episode
    s47 = plans["s47"].to_numpy()
    if (s47 < ref[plans["group"].to_numpy()]).any():
        raise RuntimeError("plan S47 before its episode's referral")
    return grp


class ReportingYear0(int):
    """The calendar year in which the first demo year starts (for ``year_index``)."""

    def __new__(cls, years: list[CinYear]):
        return int.__new__(cls, int(years[0].label[:4]))


# -- periods of care -------------------------------------------------------------------------------
def _care_episodes(care: CareResult, years: list[CinYear], rng, notes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One CIN episode per group of periods of care (periods less than ``SAME_CARE_EPISODE_GAP`` days
    apart share one), starting on or before the first day of care."""
    first_year = ReportingYear0(years)
    kids = care.children.copy()
    per = care.periods.copy()
    if not len(per):
        empty = pd.DataFrame(columns=["child_id", "ref", "close", "reason", "uasc", "unit_key"])
        return empty, kids
    dob = pd.to_datetime(kids["birth_date"]).values.astype("datetime64[D]").astype(np.int64)
    kids["dob"] = dob
    per["s"] = pd.to_datetime(per["period_start"]).values.astype("datetime64[D]").astype(np.int64)
    pe = pd.to_datetime(per["period_end"])
    per["e"] = np.where(pe.isna(), FAR, pe.values.astype("datetime64[D]").astype(np.int64))
    per = per.sort_values(["child_id", "s"], kind="mergesort").reset_index(drop=True)
    if "uasc" not in kids.columns:
        kids["uasc"] = False
    per = per.drop(columns=[c for c in ("dob", "uasc") if c in per.columns])
    per = per.merge(kids[["child_id", "dob", "uasc"]], on="child_id", how="left")
    if per["dob"].isna().any():
        raise ValueError("care.periods has children missing from care.children")
    per["dob"] = per["dob"].astype(np.int64)
    eighteen = add_years(per["dob"].to_numpy(), 18)
    per["eighteen"] = eighteen
    same_child = per["child_id"].eq(per["child_id"].shift(1))
    gap = per["s"] - per["e"].shift(1).fillna(-FAR)
    new_group = ~same_child | (gap >= SAME_CARE_EPISODE_GAP)
    per["group"] = np.cumsum(new_group.to_numpy()) - 1
    per["last_in_group"] = ~per["group"].eq(per["group"].shift(-1))
    # REC of the last episode of each period, where the SSDA903 tables say
    rec = {}
    for tables in care.ssda903.values():
        ep = tables.get("episodes") if isinstance(tables, dict) else None
        if ep is None or not len(ep) or "REC" not in ep.columns:
            continue
        dec = pd.to_datetime(ep["DEC"])
        ok = dec.notna()
        for c, d, r in zip(ep.loc[ok, "CHILD"], dec[ok].values.astype("datetime64[D]").astype(np.int64),
                           ep.loc[ok, "REC"], strict=True):
            if r and r != "X1":
                rec[(str(c), int(d))] = str(r)
    if "end_rec" in per.columns:  # stage 1 gives the reason each period ended
        per["rec"] = per["end_rec"].fillna("").astype(str)
    else:
        per["rec"] = [rec.get((str(c), int(e)), "") for c, e in zip(per["child_id"], per["e"], strict=True)]
    e = per["e"].to_numpy()
    ends_year = np.where(e < FAR, year_index(np.minimum(e, DATA_END), first_year), -1)
    ends_year = np.where(e < years[0].start, -1, ends_year)
    six = add_months(np.minimum(e, DATA_END), 6)
    nxt_s = per.groupby("group")["s"].shift(-1)  # within the group only
    forced = np.full(len(per), -1)
    forced[~per["last_in_group"].to_numpy()] = 0  # the case stays open into the next period
    at18 = per["eighteen"].to_numpy() <= six
    forced[per["last_in_group"].to_numpy() & at18 & (e < FAR)] = 1
    # a later group of the same child: the case must close before the next referral
    nxt_group_s = per.groupby("child_id")["s"].shift(-1).fillna(FAR).astype(np.int64).to_numpy()
    room = per["last_in_group"].to_numpy() & (nxt_group_s - 30 <= six + 1)
    forced[room & (forced < 0)] = 1
    del nxt_s
    # care ending on the 18th birthday: the CIN episode closes (RC6) either that day (a case closed
    # within 6 months) or the day before, the young person's last day as a child (no CIN case open
    # on the day care ended: out of the measure's denominator)
    birthday = per["last_in_group"].to_numpy() & (e == per["eighteen"].to_numpy()) & (e < FAR)
    forced[birthday] = -2
    per["closed6"] = _choose_care_flags(rng, ends_year, forced, years, notes)
    per["prev_e"] = per.groupby("group")["e"].shift(1).fillna(-FAR).astype(np.int64)
    g = per.groupby("group", sort=True)
    grp = pd.DataFrame({"child_id": g["child_id"].first(), "s": g["s"].first(), "e": g["e"].last(),
                        "pen_e": g["prev_e"].last(),
                        "closed6": g["closed6"].last(), "dob": g["dob"].first(), "uasc": g["uasc"].first(),
                        "eighteen": g["eighteen"].first(), "rec": g["rec"].last()})
    grp["nth"] = grp.groupby("child_id").cumcount()
    n = len(grp)
    uasc = grp["uasc"].fillna(False).astype(bool).to_numpy()
    lead = np.where(uasc, rng.integers(0, 3, n),
                    np.select([rng.random(n) < 0.3, rng.random(n) < 0.43], [0, rng.integers(1, 61, n)],
                              rng.integers(60, 500, n)))
    s = grp["s"].to_numpy()
    ref = np.maximum(s - lead, grp["dob"].to_numpy())
    ref = np.minimum(ref, s)
    close = np.full(n, FAR, dtype=np.int64)
    ge = grp["e"].to_numpy()
    c6 = grp["closed6"].to_numpy()
    e18 = grp["eighteen"].to_numpy()
    nxt_ref_cap = grp.groupby("child_id")["s"].shift(-1).fillna(FAR).astype(np.int64).to_numpy()
    for k in range(int(grp["nth"].max()) + 1 if n else 0):
        at = np.flatnonzero(grp["nth"].to_numpy() == k)
        if k > 0:
            ref[at] = np.minimum(np.maximum(ref[at], close[at - 1] + 1), s[at])
        e_ = ge[at]
        open_ = e_ >= FAR
        six_ = add_months(np.minimum(e_, DATA_END), 6)
        ub = np.minimum(np.minimum(nxt_ref_cap[at] - 15, e18[at]), FAR - 1)
        quick = np.where(rng.random(len(at)) < 0.4, rng.integers(0, 10, len(at)), rng.integers(0, 184, len(at)))
        c_true = np.minimum(np.minimum(e_ + quick, six_), ub)
        pen = grp["pen_e"].to_numpy()[at]
        c_true = np.where(pen > -FAR, np.maximum(c_true, add_months(np.maximum(pen, 0), 6) + 1), c_true)
        c_false = np.minimum(six_ + 1 + rng.integers(0, 500, len(at)), ub)
        c = np.where(c6[at] == 1, c_true, c_false)
        c = np.where((c6[at] == 0) & (c > DATA_END) & (nxt_ref_cap[at] >= FAR) & (e18[at] > DATA_END), FAR, c)
        c = np.where(open_, FAR, np.maximum(c, e_))
        c = np.where(c6[at] == 2, e_ - 1, c)  # closed on the eve of the 18th birthday
        close[at] = c
    reason = np.where(close >= FAR, "", np.where(close >= e18 - 1, "RC6",
                      pd.Series(grp["rec"]).map(REC_TO_REASON).fillna("RC7").to_numpy()))
    grp["ref"] = ref
    grp["close"] = close
    grp["reason"] = reason
    keep = (close >= years[0].start)
    return grp[keep].reset_index(drop=True), kids


# -- everything ---------------------------------------------------------------------------------
def build_episodes(years: list[CinYear], plans: pd.DataFrame, care: CareResult, rng) -> EpisodeBook:
    notes: list[str] = []
    first_year = ReportingYear0(years)
    pg = _plan_episodes(plans, years, rng, notes)
    cg, kids = _care_episodes(care, years, rng, notes)
    rows = []
    # plan episodes: unit = the plan child
    rows.append(pd.DataFrame({"kind": "need", "origin": "plan", "unit_key": "p" + pg["child"].astype(str),
                              "ref": pg["ref"].to_numpy(), "close": pg["close"].to_numpy(), "reason": "",
                              "plan_group": pg.index.to_numpy(), "child_id": ""}))
    rows.append(pd.DataFrame({"kind": "need", "origin": "cla", "unit_key": "c" + cg["child_id"].astype(str),
                              "ref": cg["ref"].to_numpy(), "close": cg["close"].to_numpy(),
                              "reason": cg["reason"].to_numpy(), "plan_group": -1,
                              "child_id": cg["child_id"].astype(str).to_numpy(),
                              "uasc": cg["uasc"].fillna(False).astype(bool).to_numpy()}))
    fixed = pd.concat(rows, ignore_index=True)
    fixed["uasc"] = fixed["uasc"].astype("boolean").fillna(False).astype(bool)
    # flows the fixed episodes already carry
    ys0 = years[0].start
    f_ref = fixed["ref"].to_numpy()
    f_close = fixed["close"].to_numpy()
    f_ry = np.where(f_ref >= ys0, year_index(f_ref, first_year), -1)
    f_cy = np.where(f_close <= DATA_END, year_index(np.minimum(f_close, DATA_END), first_year), 99)
    plain_rows = []
    n_y = len(years)
    starts = np.zeros(n_y, dtype=np.int64)
    ends = np.zeros(n_y, dtype=np.int64)
    for y in years:
        carry_out = years[y.idx + 1].carry_in if y.idx + 1 < n_y else 0
        starts[y.idx] = y.started - carry_out - int((f_ry == y.idx).sum())
        ends[y.idx] = y.ended - int((f_cy == y.idx).sum())
    first = years[0]
    stock0 = first.at31 - first.started + first.ended - int(((f_ref < ys0) & (f_close >= ys0)).sum())
    if stock0 < 0 or (starts < 0).any() or (ends < 0).any():
        raise ValueError(f"plans and care leave no room for other episodes of need: stock {stock0}, "
                         f"starts {starts.tolist()}, ends {ends.tolist()}")
    plain = _plain(years, stock0, starts, ends, rng, first_year)
    plain_rows.append(plain)
    # not in need, carried over, no further action
    other = []
    for y in years:
        carry_out = years[y.idx + 1].carry_in if y.idx + 1 < n_y else 0
        r = sample_days(rng, np.full(y.nin, y.start), np.full(y.nin, y.end - 12))
        other.append(pd.DataFrame({"kind": "nin", "origin": "nin", "ref": r, "close": r + 10,
                                   "reason": NOT_IN_NEED}))
        if carry_out:  # their assessment is open on 31 March: a recent one (DfE rule 8670Q)
            r = sample_days(rng, np.full(carry_out, recent_since(y.end, 45)), np.full(carry_out, y.end))
            other.append(pd.DataFrame({"kind": "co", "origin": "co", "ref": r, "close": y.end + 30,
                                       "reason": NOT_IN_NEED}))
        r = sample_days(rng, np.full(y.nfa, y.start), np.full(y.nfa, y.end))
        other.append(pd.DataFrame({"kind": "nfa", "origin": "nfa", "ref": r, "close": r, "reason": NFA_REASON}))
    eps = pd.concat([fixed, *plain_rows, *other], ignore_index=True)
    eps["plan_group"] = eps["plan_group"].fillna(-1).astype(np.int64)
    eps["child_id"] = eps["child_id"].fillna("").astype(object)
    eps["uasc"] = eps["uasc"].astype("boolean").fillna(False).astype(bool)
    eps["reason"] = eps["reason"].fillna("").astype(object)
    single = eps["unit_key"].isna()
    eps.loc[single, "unit_key"] = "e" + pd.Series(np.flatnonzero(single.to_numpy())).astype(str).to_numpy()
    # closure reasons of plain and plan episodes (not RC8, which means "not in need")
    need = eps["kind"].eq("need") & eps["reason"].eq("") & (eps["close"] < FAR)
    u = rng.random(len(eps))
    eps.loc[need, "reason"] = np.select([u[need] < 0.86, u[need] < 0.95, u[need] < 0.98],
                                        ["RC7", "RC5", "RC3"], "RC4")
    eps = eps.sort_values(["ref", "kind", "origin"], kind="mergesort").reset_index(drop=True)
    eps["episode"] = np.arange(len(eps))
    # the plans' episode ids
    pe = eps[eps["plan_group"] >= 0].set_index("plan_group")["episode"]
    plans["episode"] = plans["episode_group"].map(pe).astype(np.int64)
    return EpisodeBook(eps, plans, kids, notes)


def _plain(years: list[CinYear], stock0: int, starts: np.ndarray, ends: np.ndarray, rng, first_year: int
           ) -> pd.DataFrame:
    """Plain episodes of need: exact starts per year, exact ends per year, the rest open."""
    n_y = len(years)
    # cohorts: 0 = stock at 1 April 2011, c = 1 + year index
    cohort_n = np.concatenate([[stock0], starts])
    remaining = cohort_n.copy()
    closes = np.zeros((n_y + 1, n_y), dtype=np.int64)  # cohort x close year
    hazard = {0: 1.0, 1: 0.8, 2: 0.5}
    for z in range(n_y):
        avail = np.array([remaining[c] if (c == 0 or c - 1 <= z) else 0 for c in range(n_y + 1)])
        age = np.array([z + 1 - c if c > 0 else 9 for c in range(n_y + 1)])
        w = avail * np.array([hazard.get(int(a), 0.35) for a in age])
        want = int(ends[z])
        if want > avail.sum():
            raise ValueError(f"{years[z].label}: {want} plain episodes must end but only {avail.sum()} are open")
        take = np.zeros(n_y + 1, dtype=np.int64)
        left = want
        for _ in range(20):  # apportion, capping at what each cohort has
            room = avail - take
            if left <= 0 or room.sum() <= 0:
                break
            add = np.minimum(apportion(left, w * (room > 0)), room)
            take += add
            left = want - int(take.sum())
        closes[:, z] = take
        remaining -= take
    rows = []
    for c in range(n_y + 1):
        n = int(cohort_n[c])
        if not n:
            continue
        close_year = np.repeat(np.arange(n_y + 1), np.r_[closes[c], remaining[c]])  # n_y = still open
        if c == 0:
            ys = years[0].start
            age_days = np.minimum((rng.gamma(1.3, 420, n)).astype(np.int64) + 1, ys - OLDEST_REFERRAL)
            ref = ys - age_days
        else:
            y = years[c - 1]
            same = close_year == y.idx
            u1, u2 = rng.random(n), rng.random(n)
            frac = np.where(same, np.minimum(u1, u2) * 0.92, u1)  # episodes also ending in the year start earlier
            ref = y.start + (frac * (y.end - y.start)).astype(np.int64)
            # referrals come mostly on weekdays: most weekend draws move to the Friday or the Monday
            wd = (ref + 3) % 7
            move = (wd >= 5) & (rng.random(n) < 0.85)
            ref = np.where(move, np.where(wd == 5, ref - 1, ref + 1), ref)
            ref = np.clip(ref, y.start, y.end)
        close = np.full(n, FAR, dtype=np.int64)
        for z in range(n_y):
            at = close_year == z
            if not at.any():
                continue
            yz = years[z]
            lo = np.maximum(yz.start, ref[at] + 7)
            if c > 0 and z == c - 1:  # ends in its own year: a duration, kept inside the year
                d = (rng.gamma(1.6, 55, int(at.sum()))).astype(np.int64) + 7
                close[at] = np.minimum(ref[at] + d, yz.end)
                close[at] = np.maximum(close[at], np.minimum(lo, yz.end))
            else:
                close[at] = sample_days(rng, lo, np.full(int(at.sum()), yz.end))
        # closures are recorded on working days, in the same year and after the referral
        snap = prev_working(np.minimum(close, FAR - 10))
        fy = year_index(np.minimum(close, DATA_END), first_year)
        keep_snap = (close < FAR) & (snap > ref) & (year_index(np.minimum(snap, DATA_END), first_year) == fy)
        close = np.where(keep_snap, snap, close)
        rows.append(pd.DataFrame({"ref": ref, "close": close}))
    out = pd.concat(rows, ignore_index=True)
    out["kind"] = "need"
    out["origin"] = "plain"
    out["reason"] = ""
    return out


__all__ = ["EpisodeBook", "build_episodes", "NFA_REASON"]
