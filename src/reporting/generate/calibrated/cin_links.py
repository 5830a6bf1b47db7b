"""Joining episodes into children so that re-referrals and children in need come out exact.

Two published figures depend on which episodes belong to the same child:

* **re-referrals within 12 months** (DfE table C1): a referral counts when the child's
  previous referral (any kind, in any census) is at most 12 calendar months earlier;
* **children in need at any point** (DfE table B1, children): each child with an episode
  of need in the year counts once, so the year's episodes of need at any point minus its
  children is the number of *extra* episodes - a child whose episode of need closed in
  the year and who was referred again, as a child in need, later in the same year.

Episodes already known to belong together (a child's plan episodes, a looked-after child's
episodes: *units*) keep their links; their own contributions are counted first. The
remaining units are then joined week by week, year by year, as *links* of three types,
each tested against both measures before it is made:

1. **second episodes of need in the year** (one extra episode each, re-referral or not as
   the re-referral budget allows);
2. **re-referrals** that add no extra episode of need (after a referral with no further
   action, after an assessment found no need, or after an episode of need closed in an
   earlier year);
3. **returns after more than 12 months**, for realism, adding to neither.

Units left unjoined start new children. Looked-after children are never joined (their
identity comes from the SSDA903 side). A child's episodes never overlap, and a referral
always comes after the previous episode's closure, so no two referrals of a child share a
date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reporting.generate.calibrated.cin_util import FAR, add_months, apportion, pick, year_index
from reporting.generate.calibrated.cin_years import CinYear

RETURN_SHARE = 0.10  # heads joined after a gap of more than 12 months (no target: realism)
BLOCK_DAYS = 7


@dataclass
class LinkBook:
    child: np.ndarray  # chain id per episode
    notes: list[str] = field(default_factory=list)
    rereferrals: dict[str, int] = field(default_factory=dict)
    multiple: dict[str, int] = field(default_factory=dict)


def chain_stats(ref: np.ndarray, close: np.ndarray, kind: np.ndarray, child: np.ndarray, first_year: int
                ) -> tuple[dict[int, int], dict[int, int]]:
    """Re-referrals and extra episodes of need per year index, from episodes grouped into children.

    ``kind``: ``need``, ``co``, ``nin`` or ``nfa``. Matches ``rereferrals_12m`` and
    ``cin_any_point`` for data built here (a child's episodes do not overlap).
    """
    order = np.lexsort((ref, child))
    r, c, k, ch = ref[order], close[order], kind[order], child[order]
    same = np.r_[False, ch[1:] == ch[:-1]]
    prev_ref = np.r_[0, r[:-1]]
    rr = same & (r > prev_ref) & (r <= add_months(prev_ref, 12))
    yr = year_index(r, first_year)
    rereferrals: dict[int, int] = {}
    for y, n in zip(*np.unique(yr[rr], return_counts=True), strict=True):
        rereferrals[int(y)] = int(n)
    # need subsequence
    is_need = (k == "need") | (k == "co")
    ni = np.flatnonzero(is_need)
    nch, nr, nc, nk = ch[ni], r[ni], c[ni], k[ni]
    same_n = np.r_[False, nch[1:] == nch[:-1]]
    prev_close = np.r_[FAR, nc[:-1]]
    prev_kind = np.r_[np.array([""], dtype=object), nk[:-1]]
    cy = np.where(prev_close < FAR, year_index(np.minimum(prev_close, 10**5), first_year), -99)
    m = same_n & (prev_kind == "need") & (cy == year_index(nr, first_year))
    multiple: dict[int, int] = {}
    for y, n in zip(*np.unique(year_index(nr[m], first_year), return_counts=True), strict=True):
        multiple[int(y)] = int(n)
    return rereferrals, multiple


def link(years: list[CinYear], eps: pd.DataFrame, rng) -> LinkBook:
    notes: list[str] = []
    first_year = int(years[0].label[:4])
    ref = eps["ref"].to_numpy()
    close = eps["close"].to_numpy()
    kind = eps["kind"].to_numpy()
    keys, unit = np.unique(eps["unit_key"].to_numpy().astype(str), return_inverse=True)
    n_u = len(keys)
    cla = np.array([k.startswith("c") for k in keys])
    # internal contributions of units
    rr0, m0 = chain_stats(ref, close, kind, unit, first_year)
    # unit summaries
    order = np.lexsort((ref, unit))
    u_sorted = unit[order]
    first_idx = order[np.r_[True, u_sorted[1:] != u_sorted[:-1]]]
    last_idx = order[np.r_[u_sorted[1:] != u_sorted[:-1], True]]
    head_ref = ref[first_idx]
    head_kind = kind[first_idx]
    tail_ref = ref[last_idx].copy()
    tail_close = close[last_idx].copy()
    is_need = (kind == "need") | (kind == "co")
    ln_kind = np.zeros(n_u, dtype=np.int64)  # last need episode: 0 none, 1 need, 2 co
    ln_close = np.full(n_u, FAR, dtype=np.int64)
    ni = order[is_need[order]]
    if len(ni):
        un = unit[ni]
        last_n = ni[np.r_[un[1:] != un[:-1], True]]
        ln_kind[unit[last_n]] = np.where(kind[last_n] == "need", 1, 2)
        ln_close[unit[last_n]] = close[last_n]
    tail_limit = add_months(tail_ref, 12)
    pred = np.full(n_u, -1, dtype=np.int64)
    avail = ~cla & (tail_close < FAR)
    head_year = year_index(head_ref, first_year)
    ln_year = np.where(ln_close < FAR, year_index(np.minimum(ln_close, 10**5), first_year), -99)
    # a child's plans are all in one unit: a unit with plans never follows a chain that has plans
    plan_unit = np.zeros(n_u, bool)
    plan_unit[unit[eps["origin"].to_numpy() == "plan"]] = True
    chain_plan = plan_unit.copy()
    st = _State(pred, avail, ln_kind, ln_close, ln_year, chain_plan)
    got_rr: dict[str, int] = {}
    got_m: dict[str, int] = {}
    for y in years:
        r_want = y.rereferrals - rr0.get(y.idx, 0)
        m_want = y.multiple - m0.get(y.idx, 0)
        if r_want < 0 or m_want < 0:
            notes.append(f"{y.label}: plans and care alone give {rr0.get(y.idx, 0)} re-referrals and "
                         f"{m0.get(y.idx, 0)} extra episodes of need, beyond the published totals")
        r_want, m_want = max(r_want, 0), max(m_want, 0)
        heads = np.flatnonzero((head_year == y.idx) & ~cla)
        heads = heads[np.argsort(head_ref[heads], kind="stable")]
        if not len(heads):
            continue
        blocks = (head_ref[heads] - y.start) // BLOCK_DAYS
        nb = int(blocks.max()) + 1
        hb = np.bincount(blocks, minlength=nb)
        m_plan = apportion(m_want, hb * (np.arange(nb) + 4.0))  # later weeks have more closed episodes
        r_plan = apportion(r_want, hb)
        m_rem = r_rem = 0
        m_done = r_done = 0
        need_head = (head_kind == "need") | (head_kind == "co")
        for b in range(nb):
            hs = heads[blocks == b]
            m_q = int(m_plan[b]) + m_rem
            r_q = int(r_plan[b]) + r_rem
            if not len(hs):
                m_rem, r_rem = m_q, r_q
                continue
            bs = y.start + b * BLOCK_DAYS
            be = int(head_ref[hs].max())
            closed = avail & (tail_close < bs)
            # 1. second episodes of need in the year: re-referrals as far as the budget allows
            t_m = closed & (ln_kind == 1) & (ln_year == y.idx)
            cand_h = hs[need_head[hs]]
            k_rr = st.assign(rng, cand_h, t_m & (tail_limit >= be), min(int(round(0.55 * m_q)), r_q), bs,
                             tail_close)
            k_nr = st.assign(rng, cand_h[pred[cand_h] < 0], t_m & avail & (tail_limit < bs), m_q - k_rr, bs,
                             tail_close)
            k = k_rr + k_nr
            if k < m_q and r_q - k_rr > 0:  # fall back on re-referral tails
                k_more = st.assign(rng, cand_h[pred[cand_h] < 0], t_m & avail & (tail_limit >= be),
                                   min(m_q - k, r_q - k_rr), bs, tail_close)
                k_rr += k_more
                k += k_more
            m_rem = m_q - k
            m_done += k
            r_q -= k_rr
            r_done += k_rr
            # 2. re-referrals adding no extra episode of need
            neutral = ~((ln_kind == 1) & (ln_year == y.idx))
            ok_tail = avail & (tail_close < bs) & (tail_limit >= be)
            left = hs[pred[hs] < 0]
            k_o = st.assign(rng, left[~need_head[left]], ok_tail, r_q, bs, tail_close)
            r_q -= k_o
            r_done += k_o
            left = hs[pred[hs] < 0]
            k_n = st.assign(rng, left[need_head[left]], ok_tail & avail & neutral, r_q, bs, tail_close)
            r_q -= k_n
            r_done += k_n
            r_rem = r_q
            # 3. returns after more than 12 months
            left = hs[pred[hs] < 0]
            h3 = pick(rng, left, int(rng.binomial(len(left), RETURN_SHARE)))
            ok_old = avail & (tail_close < bs) & (tail_limit < bs)
            st.assign(rng, h3[~need_head[h3]], ok_old, len(h3), bs, None)
            st.assign(rng, h3[need_head[h3]], ok_old & avail & neutral, len(h3), bs, None)
        got_rr[y.label] = r_done + rr0.get(y.idx, 0)
        got_m[y.label] = m_done + m0.get(y.idx, 0)
        if m_rem or r_rem:
            notes.append(f"{y.label}: {m_rem} extra episodes of need and {r_rem} re-referrals could not be placed")
    # chains: follow predecessors to the root
    root = np.arange(n_u)
    for _ in range(200):
        p = pred[root]
        moved = p >= 0
        if not moved.any():
            break
        root = np.where(moved, p, root)
    return LinkBook(root[unit], notes, got_rr, got_m)


def _recency(bs: int, tail_close: np.ndarray) -> np.ndarray:
    """Re-referrals come mostly soon after the previous episode closed."""
    return 1.0 / (20.0 + np.maximum(bs - tail_close, 0))


class _State:
    """The chains being built: predecessor of each unit, which chain tails are free, and what the
    chain ending at each unit carries (its last episode of need, whether it has plans)."""

    def __init__(self, pred, avail, ln_kind, ln_close, ln_year, chain_plan):
        self.pred, self.avail = pred, avail
        self.ln_kind, self.ln_close, self.ln_year = ln_kind, ln_close, ln_year
        self.chain_plan = chain_plan
        self.plan_unit = chain_plan.copy()

    def assign(self, rng, heads: np.ndarray, tail_mask: np.ndarray, k: int, bs: int,
               tail_close: np.ndarray | None) -> int:
        """Join up to ``k`` of ``heads`` to distinct tails in ``tail_mask``; heads with plans only
        after chains without plans. Returns the number joined."""
        if k <= 0 or not len(heads):
            return 0
        done = 0
        for with_plan in (True, False):
            hs = heads[self.plan_unit[heads] == with_plan]
            mask = tail_mask & self.avail
            if with_plan:
                mask = mask & ~self.chain_plan
            tails = np.flatnonzero(mask)
            n = min(k - done, len(hs), len(tails))
            if n <= 0:
                continue
            h = pick(rng, hs, n)
            w = None if tail_close is None else _recency(bs, tail_close[tails])
            t = pick(rng, tails, n, w)
            t = t[rng.permutation(n)]
            for ti, hi in zip(t.tolist(), h.tolist(), strict=True):
                self.join(ti, hi)
            done += n
        return done

    def join(self, t: int, h: int) -> None:
        self.pred[h] = t
        self.avail[t] = False
        self.chain_plan[h] = self.chain_plan[h] or self.chain_plan[t]
        if self.ln_kind[h] == 0:
            self.ln_kind[h] = self.ln_kind[t]
            self.ln_close[h] = self.ln_close[t]
            self.ln_year[h] = self.ln_year[t]
