"""Child protection plans of the calibrated CIN side: dates, categories, children, repeats.

Plans are built as a stock carried from one 31 March to the next (stock + starts - ends),
year by year from an invented stock at 1 April 2011:

* **survivors** of last year's stock are chosen by start cohort so that DfE table D5's
  bands at 31 March come out exactly: plans started in the year are the three bands under
  a year (their start days are drawn from the working days of each band), plans started
  the year before are "1 to less than 2 years", older ones "2 years or more";
* **plans ending** are the rest of the stock and the year's starts that do not survive;
  older plans end before or after their second anniversary so that the report's "CPPs
  ending after 2 or more years" count is exact;
* **categories** are dealt out in the report's counts; starts are conference days
  (working days);
* **children**: each plan is the first plan of a new child or the next plan of a child
  whose previous plan (in the censuses) ended earlier. DfE table D3's repeat plans are
  reproduced as history repeats (the previous plan is in the censuses: within 2 years of
  its end as many times as the report says) plus, from 2013-14 when the census carries
  ``NumberOfPreviousCPP``, plans of children whose earlier plan predates the censuses.

Each plan gets the section 47 enquiry whose initial conference started it (conference =
plan start, within a few working days to a few weeks of the enquiry start).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reporting.generate.calibrated.cin_util import (
    FAR,
    add_months,
    add_years,
    apportion,
    day,
    pick,
    recent_since,
    sample_working_days,
    wd_add,
    wd_between,
    working_days_in,
    year_end_of,
)
from reporting.generate.calibrated.cin_years import HISTORY, CinYear

MIN_REPEAT_GAP = 30  # days between a plan's end and the child's next plan
SAME_EPISODE_GAP = 240  # a next plan sooner than this after the end stays in the same CIN episode
CATEGORY_ORDER = ("NEG", "PHY", "SAB", "EMO", "MUL")


@dataclass
class PlanBook:
    """Every plan (one row each, ``plans``) and the choices made while building them."""

    plans: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def band_days(year: CinYear) -> list[np.ndarray]:
    """Working days of ``year`` falling in each of the three bands under a year at its 31 March
    (``3 months or less``, ``more than 3 to 6 months``, ``more than 6 months to less than 1 year``),
    by the same calendar arithmetic as ``child_protection.cpp_by_duration``."""
    days = working_days_in(year.start, year.end)
    d = year.end
    m3, m6 = add_months(days, 3), add_months(days, 6)
    return [days[d <= m3], days[(d > m3) & (d <= m6)], days[(d > m6) & (add_years(days, 1) > d)]]


def _split_old(n_b5: int, n_b4: int, survive_b5: int, ended_2y: int | None, ended_total: int
               ) -> tuple[int, int, bool]:
    """Choose ``u`` (survivors among plans already 2+ years old) and ``v`` (plans started two years
    before that end after their second anniversary) so that ``(n_b5 - u) + v == ended_2y``.

    Returns (u, v, met).
    """
    want = ended_2y if ended_2y is not None else int(round(0.045 * ended_total))
    best = None
    for u in range(0, min(n_b5, survive_b5) + 1):
        w = survive_b5 - u
        if w > n_b4:
            continue
        v = want - (n_b5 - u)
        vmax = n_b4 - w
        feasible = 0 <= v <= vmax
        v_c = min(max(v, 0), vmax)
        natural = abs(v_c - 0.3 * vmax) + 3 * abs(u - 0.3 * min(n_b5, survive_b5))
        key = (not feasible, abs(v - v_c), natural)
        if best is None or key < best[0]:
            best = (key, u, v_c)
    if best is None:
        raise ValueError("plans: not enough plans two years old to survive")
    return best[1], best[2], best[0][0] is False and best[0][1] == 0


def build_plans(years: list[CinYear], rng: np.random.Generator, first_year_ended: int | None = None) -> PlanBook:
    """Plans with start/end days, categories, children, previous plans and their S47 enquiries.

    ``first_year_ended``: plans ending in the first (history) year, which fixes the stock at its
    1 April (default ``HISTORY["plan_ended"]``).
    """
    notes: list[str] = []
    first = years[0]
    ended0 = HISTORY["plan_ended"] if first_year_ended is None else first_year_ended
    k0 = first.plan_at31 + ended0 - first.plan_starts
    # -- the stock at 1 April 2011 (plans started before the censuses)
    shares = apportion(k0, [0.8, 0.15, 0.05])
    starts = []
    ys = first.start
    for i, n in enumerate(shares):
        lo, hi = ys - 365 * (i + 1) - (365 if i == 2 else 0), ys - 365 * i - 1
        w = np.linspace(1.0, 2.5 if i == 0 else 1.0, hi - lo + 1)
        cand = working_days_in(lo, hi)
        ww = w[cand - lo]
        starts.append(np.sort(rng.choice(cand, size=n, replace=True, p=ww / ww.sum())))
    start = np.concatenate(starts)
    cohort = np.concatenate([np.full(n, first.idx - 1 - i) for i, n in enumerate(shares)])  # year index started
    end = np.full(len(start), FAR, dtype=np.int64)
    for y in years:
        open_ = np.flatnonzero(end == FAR)
        yi = y.idx
        new = open_[cohort[open_] == yi - 1]
        old4 = open_[cohort[open_] == yi - 2]
        old5 = open_[cohort[open_] <= yi - 3]
        b = y.plan_bands
        survive_new, survive_old = b[3], b[4]
        ended_stock = len(open_) - survive_new - survive_old
        within = y.plan_starts - sum(b[:3])
        if survive_new > len(new) or ended_stock < 0 or within < 0:
            raise ValueError(f"{y.snapshot}: plans by duration cannot follow from the stock")
        u, v, met = _split_old(len(old5), len(old4), survive_old, y.plan_ended_2y, ended_stock + within)
        if not met:
            notes.append(f"{y.label}: plans ending after 2+ years {y.plan_ended_2y} not reachable; {len(old5) - u + v}")
        # survivors: recent starts survive more often
        keep_new = pick(rng, new, survive_new, weights=1.0 + (start[new] - start[new].min()) / 365.0 * 2
                        if len(new) else None)
        keep5 = pick(rng, old5, u)
        anniv4 = add_years(start[old4], 2)
        # plans of the 2-years-ago cohort: survivors (w), enders after (v) and before (rest) the anniversary
        can_before = anniv4 > y.start
        w = survive_old - u
        order = rng.permutation(len(old4))
        # enders before the anniversary must have one: take those that cannot end before first as survivors/after
        order = order[np.argsort(can_before[order], kind="stable")]
        keep4 = old4[order[:w]]
        after4 = old4[order[w:w + v]]
        before4 = old4[order[w + v:]]
        if (~can_before[np.searchsorted(old4, before4)]).any() if len(before4) else False:
            raise ValueError(f"{y.label}: a plan cannot end before its second anniversary")
        keep = np.concatenate([keep_new, keep5, keep4])
        enders = np.setdiff1d(open_, keep)
        # end days
        e = np.empty(len(enders), dtype=np.int64)
        is_after = np.isin(enders, after4)
        is_before = np.isin(enders, before4)
        lo = np.maximum(y.start, start[enders] + 28)
        hi = np.full(len(enders), y.end)
        an = add_years(start[enders], 2)
        lo = np.where(is_after, np.maximum(lo, an), lo)
        hi = np.where(is_before, np.minimum(hi, an - 1), hi)
        e[:] = sample_working_days(rng, lo, hi)
        end[enders] = e
        # new starts: survivors by band, then those that also end within the year
        bd = band_days(y)
        new_start = [rng.choice(days, size=n, replace=True) for days, n in zip(bd, b[:3], strict=True)]
        s_in = np.sort(sample_working_days(rng, np.full(within, y.start), np.full(within, y.end - 60)))
        # earlier in the year is likelier for plans that also end in it
        s_in = np.sort(np.minimum(s_in, sample_working_days(rng, np.full(within, y.start),
                                                             np.full(within, y.end - 60))))
        e_in = sample_working_days(rng, s_in + 35, np.minimum(s_in + 35 + rng.integers(30, 300, within), y.end))
        ns = np.concatenate([*new_start, s_in])
        ne = np.concatenate([np.full(sum(b[:3]), FAR, dtype=np.int64), e_in])
        start = np.concatenate([start, ns])
        end = np.concatenate([end, ne])
        cohort = np.concatenate([cohort, np.full(len(ns), yi)])
    plans = pd.DataFrame({"start": start, "end": end, "cohort": cohort})
    plans = plans.sort_values(["start", "end"], kind="mergesort").reset_index(drop=True)
    plans["category"] = _categories(plans, years, rng)
    _children(plans, years, rng, notes)
    _s47(plans, rng)
    return PlanBook(plans, notes)


def _categories(plans: pd.DataFrame, years: list[CinYear], rng: np.random.Generator) -> np.ndarray:
    cat = np.full(len(plans), "", dtype=object)
    coh = plans["cohort"].to_numpy()
    # plans started before the censuses: the first year's shares
    before = np.flatnonzero(coh < years[0].idx)
    ref = years[0].categories or {"NEG": 5, "EMO": 3, "PHY": 2, "SAB": 1}
    names = [c for c in CATEGORY_ORDER if c in ref]
    counts = apportion(len(before), [ref[c] for c in names])
    cat[before] = rng.permutation(np.repeat(np.array(names, dtype=object), counts))
    for y in years:
        idx = np.flatnonzero(coh == y.idx)
        names = [c for c in CATEGORY_ORDER if y.categories.get(c, 0) > 0]
        counts = [y.categories[c] for c in names]
        if sum(counts) != len(idx):
            raise ValueError(f"{y.label}: {sum(counts)} categorised plans for {len(idx)} plans starting")
        cat[idx] = rng.permutation(np.repeat(np.array(names, dtype=object), counts))
    return cat


def _children(plans: pd.DataFrame, years: list[CinYear], rng: np.random.Generator, notes: list[str]) -> None:
    """Give every plan a child: a new child, or a child whose previous plan ended at least
    ``MIN_REPEAT_GAP`` days earlier (history repeats), with ``previous_plans``."""
    n = len(plans)
    start = plans["start"].to_numpy()
    end = plans["end"].to_numpy()
    coh = plans["cohort"].to_numpy()
    child = np.full(n, -1, dtype=np.int64)
    prev_count = np.zeros(n, dtype=np.int64)
    repeat_kind = np.full(n, "", dtype=object)  # "", "2y" (history, within 2 years), "old" (history), "np"
    # per child: the end of the latest plan (FAR while open) and the number of plans so far
    last_end = np.full(n, FAR, dtype=np.int64)
    count = np.zeros(n, dtype=np.int64)
    before = np.flatnonzero(coh < years[0].idx)
    child[before] = np.arange(len(before))
    last_end[: len(before)] = end[before]
    count[: len(before)] = 1
    next_child = len(before)
    from reporting.schema.cin import cin_spec

    for y in years:
        idx = np.flatnonzero(coh == y.idx)
        has_np = cin_spec(y.label).previous_cpp
        rep2 = int(y.plan_repeats_2y or 0)
        rest = y.plan_repeats - rep2
        hist_old = int(round(0.25 * rest)) if has_np else rest
        np_only = y.plan_repeats - rep2 - hist_old if has_np else 0
        order = idx[rng.permutation(len(idx))]
        want = {"2y": rep2, "old": hist_old}
        for kind in ("2y", "old"):
            done = 0
            for i in order:
                if done >= want[kind]:
                    break
                if child[i] >= 0:
                    continue
                s = int(start[i])
                two = int(add_years(np.array([s]), -2)[0])
                le = last_end[:next_child]
                ok = le <= s - MIN_REPEAT_GAP
                ok &= (le >= two) if kind == "2y" else (le < two)
                cands = np.flatnonzero(ok)
                if not len(cands):
                    continue
                if kind == "2y":  # recent ends are likelier to come back
                    wts = 1.0 / (30.0 + s - le[cands])
                    c = int(cands[rng.choice(len(cands), p=wts / wts.sum())])
                else:
                    c = int(cands[rng.integers(len(cands))])
                child[i] = c
                prev_count[i] = count[c]
                count[c] += 1
                last_end[c] = end[i]
                repeat_kind[i] = kind
                done += 1
            if done < want[kind]:
                notes.append(f"{y.label}: only {done} of {want[kind]} repeat plans ({kind}) could be given a "
                             "child with an earlier plan")
        fresh = idx[child[idx] < 0]
        np_pick = rng.choice(fresh, size=min(np_only, len(fresh)), replace=False) if np_only else fresh[:0]
        is_np = np.isin(fresh, np_pick)
        pc = np.where(is_np, np.where(rng.random(len(fresh)) < 0.8, 1, 2), 0)
        ids = np.arange(next_child, next_child + len(fresh))
        child[fresh] = ids
        prev_count[fresh] = pc
        count[ids] = pc + 1
        last_end[ids] = end[fresh]
        repeat_kind[fresh] = np.where(is_np, "np", "")
        next_child += len(fresh)
    plans["child"] = child
    plans["previous_plans"] = prev_count
    plans["repeat"] = repeat_kind
    # the plans in the order of each child
    plans["nth"] = plans.groupby("child").cumcount()
    nxt = plans.groupby("child")["start"].shift(-1)
    plans["next_start"] = nxt.fillna(FAR).astype(np.int64)
    gap = plans["next_start"] - plans["end"]
    plans["same_episode_as_next"] = (plans["next_start"] < FAR) & (gap < SAME_EPISODE_GAP)


def _s47(plans: pd.DataFrame, rng: np.random.Generator) -> None:
    """The S47 enquiry behind each plan: its conference is the plan start (a working day)."""
    n = len(plans)
    start = plans["start"].to_numpy()
    wd = np.where(rng.random(n) < 0.78, rng.integers(3, 16, n), rng.integers(16, 31, n))
    # a plan following another in the same episode: the enquiry starts after the previous plan ended
    prev_end = plans.groupby("child")["end"].shift(1).fillna(-(10**6)).astype(np.int64).to_numpy()
    room = wd_between(np.maximum(prev_end, start - 80), start) - 1
    wd = np.clip(wd, 1, np.maximum(room, 1))
    s = wd_add(start, -wd)
    # an enquiry still waiting for its conference on 31 March is a recent one (DfE rule 8675Q:
    # started at most 15 working days before): the enquiry behind a plan starting after the
    # year end starts no earlier
    ye = year_end_of(s)
    spans = start > ye
    s = np.where(spans, np.maximum(s, recent_since(ye, 15)), s)
    wd = np.where(spans, wd_between(s, start), wd)
    plans["s47"] = s
    plans["s47_wd"] = wd


def plan_reviews(plans: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Review conferences: about 3 months after the start, then every 6 months while open."""
    start = plans["start"].to_numpy()
    end = np.minimum(plans["end"].to_numpy(), day("2018-03-31") + 400)
    dur = end - start
    n_rev = np.where(dur > 80, 1 + np.maximum(0, (dur - 80) // 182), 0)
    owner = np.repeat(np.arange(len(plans)), n_rev)
    k = np.arange(len(owner)) - np.repeat(np.cumsum(n_rev) - n_rev, n_rev)
    d = start[owner] + rng.integers(70, 88, len(owner)) + 182 * k + rng.integers(-6, 7, len(owner)) * (k > 0)
    d = sample_working_days(rng, d, d + 3)
    ok = d < end[owner]
    return pd.DataFrame({"plan": owner[ok], "review": d[ok]})
