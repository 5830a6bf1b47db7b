"""The local extracts of the calibrated CIN side: child protection visits and contacts.

Visits (``cp_visits.csv``)
--------------------------
Every plan is visited on working days from its start, each visit within 14 days of the
previous one (or of the start) until the plan ends. Then, year by year, single visits are
moved later, past the 14th day but before the next visit, until the year's share of visits
due that were made in time equals the report's percentage: each move makes exactly one
due visit late and leaves the number of visits due unchanged. The count of visits due is
:func:`visits_due_counts`, a copy of ``child_protection.visits_due`` for records built here
(the end-to-end test checks the two agree). A year's extract holds every visit of the
plans in that year's census up to 31 March, so the last visit before 1 April is there, as
the extract's guide asks.

Contacts (Annex A List 1)
-------------------------
A contact precedes every referral (the same day or up to a week before, same child, the
referral's source); the rest of each year's published total are further contacts about
children already known and about children never referred.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from reporting.generate.calibrated.cin_util import (
    FAR,
    Share,
    numerator_for,
    prev_working,
    sample_days,
    year_index,
)
from reporting.generate.calibrated.cin_years import DEFAULT_PCT, CinYear

VISIT_DUE = 14


def _plan_visits(start: np.ndarray, end: np.ndarray, last_day: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Visits of every plan, all within 14 days of the previous one: (plan index, day), sorted."""
    n = len(start)
    stop = np.minimum(end, last_day)
    cur = start.copy()
    owners, days = [], []
    alive = np.arange(n)
    while len(alive):
        gap = np.where(rng.random(len(alive)) < 0.75, rng.integers(9, 15, len(alive)), rng.integers(5, 12, len(alive)))
        nxt = prev_working(cur[alive] + gap)
        nxt = np.where(nxt <= cur[alive], cur[alive] + gap, nxt)
        ok = nxt <= stop[alive]
        owners.append(alive[ok])
        days.append(nxt[ok])
        cur[alive[ok]] = nxt[ok]
        alive = alive[ok]
    own = np.concatenate(owners) if owners else np.zeros(0, np.int64)
    d = np.concatenate(days) if days else np.zeros(0, np.int64)
    order = np.lexsort((d, own))
    return own[order], d[order]


def due_table(start: np.ndarray, end: np.ndarray, owner: np.ndarray, vday: np.ndarray, first_year: int
              ) -> pd.DataFrame:
    """Every visit due: the plan start and each visit make one, 14 days later, counted in the year of
    its due day when the plan is still open that day; timely when the next visit came by then."""
    n = len(start)
    a_owner = np.concatenate([np.arange(n), owner])
    a_day = np.concatenate([start, vday])
    a_order = np.concatenate([np.zeros(n, np.int64), np.ones(len(owner), np.int64)])
    o = np.lexsort((a_order, a_day, a_owner))
    a_owner, a_day = a_owner[o], a_day[o]
    nxt_same = np.r_[a_owner[1:] == a_owner[:-1], False]
    nxt = np.where(nxt_same, np.r_[a_day[1:], FAR], FAR)
    due = a_day + VISIT_DUE
    counted = (end[a_owner] > due)
    return pd.DataFrame({"plan": a_owner, "anchor": a_day, "due": due, "next": nxt, "counted": counted,
                         "year": year_index(np.minimum(due, 10**5), first_year), "pos": np.arange(len(a_day))})


def visits_due_counts(start, end, owner, vday, years: list[CinYear]) -> dict[int, tuple[int, int]]:
    """(visits due, timely) per year index."""
    first_year = int(years[0].label[:4])
    t = due_table(np.asarray(start), np.asarray(end), np.asarray(owner), np.asarray(vday), first_year)
    t = t[t["counted"]]
    out = {}
    for y in years:
        s = t[(t["due"] >= y.start) & (t["due"] <= y.end)]
        out[y.idx] = (len(s), int((s["next"] <= s["due"]).sum()))
    return out


def build_visits(years: list[CinYear], plans: pd.DataFrame, rng) -> tuple[pd.DataFrame, dict, list[str]]:
    """Visit days (``plan``, ``day``) with each year's timely share exact, the shares and notes."""
    notes: list[str] = []
    first_year = int(years[0].label[:4])
    start = plans["start"].to_numpy()
    end = plans["end"].to_numpy()
    last_day = years[-1].end
    owner, vday = _plan_visits(start, end, last_day, rng)
    t = due_table(start, end, owner, vday, first_year)
    # candidate moves: visit i (anchor after the plan start) between anchor a (previous) and next n
    # moved to a working day in [max(a + 15, n - 14), n - 1]; the due from a becomes late
    t = t.reset_index(drop=True)
    prev_anchor = np.r_[FAR, t["anchor"].to_numpy()[:-1]]
    same_prev = np.r_[False, t["plan"].to_numpy()[1:] == t["plan"].to_numpy()[:-1]]
    is_visit = same_prev  # every anchor but the plan start is a visit
    a = np.where(same_prev, prev_anchor, FAR)
    nx = t["next"].to_numpy()
    lo = a + VISIT_DUE + 1
    hi = nx - 1
    lo = np.maximum(lo, nx - VISIT_DUE)
    span = np.clip(hi - lo + 1, 1, None)
    new_day = prev_working(lo + (rng.random(len(t)) * span).astype(np.int64))
    feasible = is_visit & (nx < FAR) & (new_day >= lo) & (new_day <= hi)
    old_due = t["anchor"].to_numpy() + VISIT_DUE
    new_due = new_day + VISIT_DUE
    e = end[t["plan"].to_numpy()]
    yr_old = year_index(np.minimum(old_due, 10**5), first_year)
    yr_new = year_index(np.minimum(new_due, 10**5), first_year)
    due_prev = a + VISIT_DUE
    yr_prev = year_index(np.minimum(due_prev, 10**5), first_year)
    feasible &= (e > new_due) & (yr_old == yr_new) & (e > due_prev) & (new_day <= last_day)
    counts = visits_due_counts(start, end, owner, vday, years)
    shares: dict[str, Share] = {}
    moved = np.zeros(len(t), bool)
    taken: set[int] = set()  # moved visits, all years: no two neighbours move
    for y in years:
        due, timely = counts[y.idx]
        tgt = y.targets.get("cp_visits_timely") if not y.history else None
        # the report's count (e.g. 2,093 in 2013-14) cannot be visits due - plans open all year
        # owe about 26 visits each - so the percentage is reproduced, not the count
        pct_only = replace(tgt, numerator=None, denominator=None) if tgt is not None else None
        share = numerator_for(pct_only, due, DEFAULT_PCT["cp_visits_timely"])
        if tgt is not None and tgt.numerator is not None:
            notes.append(f"{y.label}: visits made in time: the report's count {tgt.numerator:,} is not reproduced "
                         f"({share.numerator:,} of {due:,} visits due, {100 * share.numerator / due:.1f}%)")
        shares[y.label] = share
        want_late = timely - share.numerator
        cand = np.flatnonzero(feasible & (yr_prev == y.idx) & ~moved)
        # no two neighbouring visits move: drop candidates next to one already moved
        chosen: list[int] = []
        pool = cand[rng.permutation(len(cand))]
        for i in pool.tolist():
            if len(chosen) >= want_late:
                break
            if i in taken or (i - 1) in taken or (i + 1) in taken:
                continue
            chosen.append(i)
            taken.add(i)
        if len(chosen) < want_late:
            notes.append(f"{y.label}: visits: only {len(chosen)} of {want_late} late visits could be placed")
        ch = np.array(sorted(chosen), dtype=np.int64)
        moved[ch] = True
    anchors = t["anchor"].to_numpy().copy()
    anchors[moved] = new_day[moved]
    keep = is_visit
    out = pd.DataFrame({"plan": t["plan"].to_numpy()[keep], "day": anchors[keep]})
    return out.sort_values(["plan", "day"], kind="mergesort").reset_index(drop=True), shares, notes


def contacts_for_year(y: CinYear, ref: np.ndarray, child: np.ndarray, source: np.ndarray, kids: pd.DataFrame,
                      pool_start: int, rng) -> pd.DataFrame:
    """Contacts dated in the year: one before each referral, then others up to the published total.

    ``kids``: child index -> ``dob`` (day), ``sex``, ``ethnicity`` for referred children; returns
    rows with child index (``child``, contact-only children numbered from ``pool_start``).
    """
    gap = np.where(rng.random(len(ref)) < 0.6, 0, rng.integers(1, 8, len(ref)))
    cday = ref - gap
    inyear = (cday >= y.start) & (cday <= y.end)
    rows = pd.DataFrame({"child": child[inyear], "day": cday[inyear], "source": source[inyear]})
    extra = y.contacts - len(rows)
    if extra < 0:
        raise ValueError(f"{y.label}: {len(rows)} referrals need contacts, more than the {y.contacts} published")
    n_known = int(0.25 * extra)
    recent = np.flatnonzero((ref >= y.start - 365) & (ref <= y.end))
    pk = recent[rng.integers(0, max(len(recent), 1), n_known)] if len(recent) else np.zeros(0, np.int64)
    kday = np.clip(ref[pk] + rng.integers(-200, 300, len(pk)), y.start, y.end)
    n_pool = extra - len(pk)
    size = max(1, int(n_pool / 1.35))
    pidx = pool_start + rng.integers(0, size, n_pool)
    pday = sample_days(rng, np.full(n_pool, y.start), np.full(n_pool, y.end), weekend_weight=0.2)
    src = _contact_sources(rng, len(pk) + n_pool)
    rows = pd.concat([rows, pd.DataFrame({"child": np.r_[child[pk], pidx], "day": np.r_[kday, pday],
                                          "source": src})], ignore_index=True)
    return rows, pool_start + size


CONTACT_SOURCES = {"6": 0.33, "2A": 0.12, "2B": 0.03, "3A": 0.03, "3B": 0.03, "3C": 0.04, "3D": 0.02, "3E": 0.02,
                   "3F": 0.01, "1A": 0.05, "1B": 0.05, "1C": 0.02, "1D": 0.01, "4": 0.02, "5A": 0.05, "5B": 0.03,
                   "5C": 0.02, "5D": 0.01, "7": 0.03, "8": 0.08, "9": 0.02, "10": 0.02}


def _contact_sources(rng, n: int) -> np.ndarray:
    codes = np.array(list(CONTACT_SOURCES), dtype=object)
    w = np.array(list(CONTACT_SOURCES.values()))
    return codes[rng.choice(len(codes), size=n, p=w / w.sum())]


__all__ = ["build_visits", "visits_due_counts", "contacts_for_year"]
