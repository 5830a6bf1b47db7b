"""Assessments and section 47 enquiries of the calibrated CIN side.

Assessments
-----------
Every assessment gets a start day and a window its completion must fall in (inside one
reporting year, inside its episode, before the end of initial and core assessments on
31 March 2014 where relevant). Within the window the working days it takes are drawn
either within its timescale (initial 10, core 35, single 45 working days, as
``s47_assessments.TIMESCALES``) or beyond it; when both are possible the assessment is
*free* and the choice is made last, so that each year's timely count is exact. Counts
per year are exact too: mandatory assessments (every referral assessed as not in need,
or still being assessed at 31 March, and the assessment that starts with each S47 enquiry
behind a plan) come first, then first assessments of episodes of need, then
re-assessments of episodes already open, as many as each year needs. An assessment still
open on 31 March started at most 45 working days before (DfE rule 8670Q); an episode's
first assessment is completed before a later enquiry (and its assessment) starts, and an
episode with an enquiry in the year is not re-assessed besides.

The council moves from initial and core assessments to the single child and family
assessment on ``SWITCH`` (1 October 2013): assessments starting before it are initial
(and, for some, core) assessments, those from it single assessments; every initial and
core assessment is completed by 31 March 2014.

Section 47 enquiries
--------------------
The enquiries behind plans come from :mod:`.cin_plans`. Enquiries whose conference
decided on no plan, and enquiries without a conference, are added to episodes of need
referred in the year, with the episode's first assessment, so that the report's enquiries
started and share going to conference are exact. Conferences fall on working days. The
census that shows an enquiry shows an assessment of its episode (DfE rule 2991Q; before
the single assessment an initial one, which the DfE validator does not read), and no
enquiry is in an episode closed as not in need (RC8, rule 2990).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reporting.generate.calibrated.cin_util import (
    FAR,
    Share,
    accepts,
    day,
    numerator_for,
    pick,
    wd_add,
    wd_between,
    year_index,
)
from reporting.generate.calibrated.cin_years import KIND_INDICATORS, CinYear

SWITCH = day("2013-10-01")
IC_LAST = day("2014-03-31")
LIMIT = {"initial": 10, "core": 35, "single": 45}
LATE_CAP = {"initial": 30, "core": 85, "single": 100}
P_PRIMARY_HISTORY = 0.9


@dataclass
class AssessBook:
    assessments: pd.DataFrame  # episode, kind, start, end
    s47: pd.DataFrame  # episode, start, icpc (FAR: none), plan (-1)
    notes: list[str] = field(default_factory=list)
    shares: dict[tuple[str, str], Share] = field(default_factory=dict)


def wd_ranges(start: np.ndarray, lo: np.ndarray, hi: np.ndarray, limit: int, cap: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Working-day ranges [a, b] putting the completion in ``[lo, hi]``: (timely a, b, late a, b).

    A range is empty when a > b.
    """
    wmin = np.maximum(1, wd_between(start, lo - 1) + 1)
    wmax = wd_between(start, hi)
    return wmin, np.minimum(wmax, limit), np.maximum(wmin, limit + 1), np.minimum(wmax, cap)


@dataclass
class _Pending:
    """Assessments of one kind awaiting their timeliness choice."""

    episode: list = field(default_factory=list)
    start: list = field(default_factory=list)
    lo: list = field(default_factory=list)
    hi: list = field(default_factory=list)
    year: list = field(default_factory=list)

    def add(self, episode, start, lo, hi, year):
        self.episode.append(np.asarray(episode, np.int64))
        self.start.append(np.asarray(start, np.int64))
        self.lo.append(np.asarray(lo, np.int64))
        self.hi.append(np.asarray(hi, np.int64))
        self.year.append(np.asarray(year, np.int64))

    def frame(self) -> pd.DataFrame:
        if not self.episode:
            return pd.DataFrame({k: np.zeros(0, np.int64) for k in ("episode", "start", "lo", "hi", "year")})
        return pd.DataFrame({k: np.concatenate(getattr(self, k)) for k in ("episode", "start", "lo", "hi", "year")})


def _windows(episode, start, lo, hi, year) -> pd.DataFrame:
    """One set of assessment windows as a frame (what :class:`_Pending` collects in several)."""
    pend = _Pending()
    pend.add(episode, start, lo, hi, year)
    return pend.frame()


def _window(start: np.ndarray, close: np.ndarray, years: list[CinYear], first_year: int, kind: str,
            min_days: int = 0, beyond: bool = False, room: int = 60
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Completion window inside one reporting year: the start's year when there is room (the
    episode closes in it, or ``room`` days or more remain), else the next year. Returns (lo, hi, year index);
    year -1 where no window exists. With ``beyond``, an assessment of the last year with no room
    left in it is completed after the data end (year index ``len(years)``: open in the last
    census, counted in no year)."""
    n_y = len(years)
    yi = year_index(start, first_year)
    yi_c = np.clip(yi, 0, n_y - 1)
    ye = np.array([y.end for y in years])[yi_c]
    nxt = np.clip(yi + 1, 0, n_y - 1)
    ye_next = np.array([y.end for y in years])[nxt]
    same = (close <= ye) | (ye - start >= room)
    lo = np.where(same, start + 1 + min_days, ye + 1)
    hi = np.where(same, np.minimum(close, ye), np.minimum(close, ye_next))
    year = np.where(same, yi, yi + 1)
    if kind in ("initial", "core"):
        hi = np.minimum(hi, IC_LAST)
    after = (~same) & (yi == n_y - 1)
    if beyond:
        hi = np.where(after, np.minimum(close, ye + 110), hi)
    bad = (hi < lo) | (yi < 0) | (yi >= n_y) | (after & (not beyond))
    return lo, hi, np.where(bad, -1, year)


def _settle(kind: str, pend: pd.DataFrame, years: list[CinYear], rng, notes: list[str],
            shares: dict) -> pd.DataFrame:
    """Choose timely / late for each pending assessment of ``kind`` (exact per year) and date it."""
    lim, cap = LIMIT[kind], LATE_CAP[kind]
    ta, tb, la, lb = wd_ranges(pend["start"].to_numpy(), pend["lo"].to_numpy(), pend["hi"].to_numpy(), lim, cap)
    can_t, can_l = ta <= tb, la <= lb
    timely = np.where(can_t & ~can_l, True, False)
    free = can_t & can_l
    year = pend["year"].to_numpy()
    timely |= (year >= len(years)) & can_t  # completed after the data end: counted in no year
    for y in years:
        idx = np.flatnonzero(year == y.idx)
        if not len(idx):
            continue
        t = y.targets.get(KIND_INDICATORS[kind]) if not y.history else None
        share = numerator_for(t, len(idx), y.assess_default_pct.get(kind, 85.0))
        share = _total_consistent(kind, y, share, len(idx), shares)
        shares[(kind, y.label)] = share
        fixed_t = int((timely[idx] & ~free[idx]).sum())
        cand = idx[free[idx]]
        k = share.numerator - fixed_t
        if k < 0 or k > len(cand):
            notes.append(f"{y.label}: {kind} assessments timely: {share.numerator} wanted, {fixed_t} bound "
                         f"and {len(cand)} free")
            k = min(max(k, 0), len(cand))
        timely[pick(rng, cand, k)] = True
    a = np.where(timely, ta, la)
    b = np.where(timely, tb, lb)
    bad = a > b
    if bad.any():
        raise RuntimeError(f"{kind}: {int(bad.sum())} assessments have no possible completion day")
    # timely ones cluster towards the middle of their range; late ones are rarely very late
    u = np.where(timely, rng.beta(2.2, 1.6, len(a)), rng.beta(1.2, 2.5, len(a)))
    wd = a + np.floor(u * (b - a + 1)).astype(np.int64)
    wd = np.minimum(wd, b)
    end = wd_add(pend["start"].to_numpy(), wd)
    return pd.DataFrame({"episode": pend["episode"].to_numpy(), "kind": kind,
                         "start": pend["start"].to_numpy(), "end": end})


def _total_consistent(kind: str, y: CinYear, share: Share, den: int, shares: dict) -> Share:
    """Move ``share`` inside its accepted range so that the year's total timeliness also prints right."""
    total = y.targets.get("assessments_timeliness_total")
    if total is None or total.value is None or kind != y.kinds[-1] or len(y.kinds) == 1:
        return share
    others = [shares.get((k, y.label)) for k in y.kinds[:-1]]
    if any(o is None for o in others):
        return share
    num_o = sum(o.numerator for o in others)
    den_o = sum(o.denominator for o in others)
    t = y.targets.get(KIND_INDICATORS[kind])
    ok = t.numerators(den) if t is not None else [share.numerator]
    for n in sorted(ok, key=lambda n: abs(n - share.numerator)):
        if accepts(total.value, total.precision or 0, 100.0 * (num_o + n) / (den_o + den)):
            return Share(n, den, share.met, share.note)
    return Share(share.numerator, den, share.met, share.note + "; the total does not print as published")


def build_assessments(years: list[CinYear], eps: pd.DataFrame, plans: pd.DataFrame, rng) -> AssessBook:
    notes: list[str] = []
    shares: dict = {}
    first_year = int(years[0].label[:4])
    n_y = len(years)
    ep_id = eps["episode"].to_numpy()
    ref = eps["ref"].to_numpy()
    close = eps["close"].to_numpy().copy()
    kind_ep = eps["kind"].to_numpy()
    origin = eps["origin"].to_numpy()
    in_data = ref >= years[0].start
    delay = np.where(rng.random(len(eps)) < 0.5, 0, rng.integers(1, 4, len(eps)))
    a_start = ref + delay
    # NIN must finish within their year, CO must finish the next year
    yi_ref = np.where(in_data, year_index(ref, first_year), -1)
    ye_ref = np.array([y.end for y in years])[np.clip(yi_ref, 0, n_y - 1)]
    nin = kind_ep == "nin"
    co = kind_ep == "co"
    close = np.where(nin, ye_ref, close)  # provisional: the assessment may take until 31 March
    close = np.where(co, ye_ref + 120, close)
    a_start = np.where(nin | co, np.minimum(a_start, ye_ref), a_start)
    # every S47 enquiry behind a plan has an assessment started with it (both follow the same
    # strategy discussion), so each census showing the enquiry shows an assessment of its episode
    # (DfE rule 2991Q; an enquiry waiting for its conference on 31 March is recent, and so is
    # its assessment, completed the next year). The episode's own first assessment is then not
    # drawn when it would start within 30 days of such an enquiry.
    ps = plans["s47"].to_numpy()
    pep = plans["episode"].to_numpy()
    keep_s = ps >= years[0].start
    ps, pep = ps[keep_s], pep[keep_s]
    near = np.zeros(len(eps), bool)
    near[pep[np.abs(ps - a_start[pep]) <= 30]] = True
    # ... and is completed before a later enquiry starts (one assessment at a time)
    later = ps > a_start[pep] + 30
    first_close = close.copy()
    np.minimum.at(first_close, pep[later], ps[later] - 1)
    out = []
    done_end = np.full(len(eps), -1, dtype=np.int64)  # latest completion per episode (row = episode id)

    def settle(kind: str, mand: pd.DataFrame, prim: pd.DataFrame) -> pd.DataFrame:
        """Choose the year's assessments of ``kind`` (the mandatory ones and enough of the
        optional ones), give them dates, and record each episode's latest completion."""
        chosen = _choose_counts(kind, years, mand, prim, eps, close, rng, notes, first_year, (ps, pep))
        done = _settle(kind, chosen, years, rng, notes, shares)
        out.append(done)
        np.maximum.at(done_end, done["episode"].to_numpy(), done["end"].to_numpy())
        return done
    # ---------------------------------------------------------------- initial (and core)
    old = in_data & (a_start < SWITCH) & (kind_ep != "nfa")
    pend = _Pending()
    # mandatory: NIN and CO (CO complete their initial in the year; the core spans 31 March)
    m = old & (nin | co)
    lo, hi, yr = _window(a_start[m], np.where(co[m], ye_ref[m], close[m]), years, first_year, "initial")
    # a CO completes its initial assessment before 31 March, unless referred on its last working day
    span = co[m] & (wd_between(a_start[m], ye_ref[m]) < 2)
    lo = np.where(co[m], np.where(span, ye_ref[m] + 1, a_start[m] + 1), lo)
    hi = np.where(span, np.minimum(ye_ref[m] + 45, IC_LAST), hi)
    yr = np.where(co[m], yi_ref[m] + span, yr)
    ok = (yr >= 0) & (hi >= lo)
    pend.add(ep_id[m][ok], a_start[m][ok], lo[ok], hi[ok], yr[ok])
    s_old = ps < SWITCH  # the enquiries' assessments (initial ones are short: in the year if 3 weeks remain)
    lo, hi, yr = _window(ps[s_old], close[pep[s_old]], years, first_year, "initial", room=21)
    ok = yr >= 0
    pend.add(pep[s_old][ok], ps[s_old][ok], lo[ok], hi[ok], yr[ok])
    mand = pend.frame()
    # optional: first assessments of episodes of need referred before the switch
    cand = np.flatnonzero(old & (kind_ep == "need") & (origin != "cla") & ~near)
    lo, hi, yr = _window(a_start[cand], first_close[cand], years, first_year, "initial")
    okc = yr >= 0
    prim = _windows(ep_id[cand][okc], a_start[cand][okc], lo[okc], hi[okc], yr[okc])
    initial = settle("initial", mand, prim)
    # cores: after the initial assessment (CO: spanning 31 March)
    ini = initial.set_index("episode")["end"]
    ini = ini[~ini.index.duplicated(keep="first")]
    e_ids = ini.index.to_numpy()
    c_start = ini.to_numpy() + rng.integers(0, 4, len(ini))
    is_co = co[e_ids]
    is_nin = nin[e_ids]
    ye_c = ye_ref[e_ids]
    # a carry-over's core starts by 31 March (its initial completed), so the next census shows it
    c_start = np.where(is_co & (ini.to_numpy() <= ye_c), np.minimum(c_start, ye_c), c_start)
    lo, hi, yr = _window(c_start, close[e_ids], years, first_year, "core")
    lo = np.where(is_co, ye_c + 1, lo)
    hi = np.where(is_co, np.minimum(ye_c + 110, IC_LAST), hi)
    yr = np.where(is_co, yi_ref[e_ids] + 1, yr)
    ok = (yr >= 0) & (hi >= lo) & (c_start <= np.where(is_co, ye_c, IC_LAST))
    mc = ok & is_co
    mand_c = _windows(e_ids[mc], c_start[mc], lo[mc], hi[mc], yr[mc])
    # a fifth of the not-in-need ones have a core assessment before closing; episodes of need often do
    opt = ok & ~is_co & (~is_nin | (rng.random(len(ok)) < 0.2))
    prim_c = _windows(e_ids[opt], c_start[opt], lo[opt], hi[opt], yr[opt])
    settle("core", mand_c, prim_c)
    # ---------------------------------------------------------------- single assessments
    new = in_data & (a_start >= SWITCH) & (kind_ep != "nfa")
    m = new & (nin | co)
    lo, hi, yr = _window(a_start[m], close[m], years, first_year, "single")
    lo = np.where(co[m], ye_ref[m] + 1, lo)
    hi = np.where(co[m], ye_ref[m] + 110, hi)
    yr = np.where(co[m], yi_ref[m] + 1, yr)
    ok = (yr >= 0) & (yr < n_y) & (hi >= lo)
    pend = _Pending()
    pend.add(ep_id[m][ok], a_start[m][ok], lo[ok], hi[ok], yr[ok])
    s_new = ps >= SWITCH  # the enquiries' assessments (those of the last weeks of the data end after it)
    lo, hi, yr = _window(ps[s_new], close[pep[s_new]], years, first_year, "single", beyond=True)
    ok = yr >= 0
    pend.add(pep[s_new][ok], ps[s_new][ok], lo[ok], hi[ok], yr[ok])
    mand = pend.frame()
    cand = np.flatnonzero(new & (kind_ep == "need") & (origin != "cla") & ~near)
    lo, hi, yr = _window(a_start[cand], first_close[cand], years, first_year, "single")
    okc = yr >= 0
    prim = _windows(ep_id[cand][okc], a_start[cand][okc], lo[okc], hi[okc], yr[okc])
    settle("single", mand, prim)
    assessments = pd.concat(out, ignore_index=True)
    # final closures of the not-in-need episodes: a few days after the last assessment
    fin = nin | co
    missing = fin & (done_end < 0)
    if missing.any():
        raise RuntimeError(f"{int(missing.sum())} not-in-need episodes without an assessment")
    # closed on the day the assessment was authorised or a few working days later
    gap = rng.integers(0, 4, len(eps))
    after = wd_add(np.maximum(done_end, 0), gap)
    new_close = np.where(nin, np.where(after <= ye_ref, after, np.maximum(done_end, np.minimum(after, ye_ref))),
                         after)
    new_close = np.where(co & (new_close <= ye_ref), wd_add(ye_ref, 1 + gap), new_close)
    eps.loc[fin, "close"] = new_close[fin]
    s47 = _s47(years, eps, plans, assessments, rng, notes)
    return AssessBook(assessments.sort_values(["episode", "start"], kind="mergesort").reset_index(drop=True),
                      s47, notes, shares)


def _choose_counts(kind: str, years: list[CinYear], mand: pd.DataFrame, prim: pd.DataFrame, eps: pd.DataFrame,
                   close: np.ndarray, rng, notes: list[str], first_year: int,
                   s47: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """Mandatory assessments plus as many optional ones (first assessments, then re-assessments)
    as make each year's count of ``kind`` completed exact."""
    mand, prim = _feasible(kind, mand), _feasible(kind, prim)
    parts = [mand]
    for y in years:
        want = y.assess_counts.get(kind) if kind in y.kinds else None
        have = int((mand["year"] == y.idx).sum())
        pool = prim[prim["year"] == y.idx]
        if want is None:  # no published count: most first assessments
            if kind in y.kinds:
                parts.append(pool[rng.random(len(pool)) < P_PRIMARY_HISTORY])
            continue
        need = want - have
        if need < 0:
            notes.append(f"{y.label}: {have} {kind} assessments are needed by not-in-need referrals, "
                         f"more than the {want} published")
            continue
        if need <= len(pool):
            parts.append(pool.iloc[pick(rng, np.arange(len(pool)), need)])
            continue
        parts.append(pool)
        extra = _extras(kind, y, need - len(pool), eps, close, rng, s47)
        if len(extra) < need - len(pool):
            notes.append(f"{y.label}: only {have + len(pool) + len(extra)} {kind} assessments could be placed "
                         f"for {want}")
        parts.append(extra)
    return pd.concat(parts, ignore_index=True)


def _feasible(kind: str, df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose window can be reached within the kind's timescale or its late cap."""
    if not len(df):
        return df
    ta, tb, la, lb = wd_ranges(df["start"].to_numpy(), df["lo"].to_numpy(), df["hi"].to_numpy(), LIMIT[kind],
                               LATE_CAP[kind])
    return df[(ta <= tb) | (la <= lb)]


def _extras(kind: str, y: CinYear, n: int, eps: pd.DataFrame, close: np.ndarray, rng,
            s47: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """Re-assessments of episodes of need referred before the year and open through most of it
    (not of an episode whose S47 enquiry of the year, or of the months before, has its own)."""
    ref = eps["ref"].to_numpy()
    lo_s = np.maximum(ref + 30, y.start)
    if kind == "single" and y.start < SWITCH:
        lo_s = np.maximum(lo_s, SWITCH)
    hi_c = np.minimum(close, y.end)
    if kind in ("initial", "core"):
        hi_c = np.minimum(hi_c, IC_LAST)
    hi_s = hi_c - (25 if kind == "initial" else 75)
    if kind == "initial":
        hi_s = np.minimum(hi_s, SWITCH - 1)
    ps, pep = s47
    busy = np.zeros(len(eps), bool)
    busy[pep[(ps >= y.start - 150) & (ps <= y.end)]] = True
    ok = (eps["kind"].to_numpy() == "need") & (ref < y.start - 60) & (hi_s >= lo_s) & ~busy
    cand = np.flatnonzero(ok)
    if not len(cand):
        return pd.DataFrame(columns=["episode", "start", "lo", "hi", "year"])
    k = min(n, len(cand))
    at = pick(rng, cand, k)
    s = lo_s[at] + (rng.random(k) * (hi_s[at] - lo_s[at] + 1)).astype(np.int64)
    return pd.DataFrame({"episode": eps["episode"].to_numpy()[at], "start": s, "lo": s + 1, "hi": hi_c[at],
                         "year": y.idx})


def _s47(years: list[CinYear], eps: pd.DataFrame, plans: pd.DataFrame, assessments: pd.DataFrame, rng,
         notes: list[str]) -> pd.DataFrame:
    """Every S47 enquiry: those behind plans, then conferences that decided on no plan and enquiries
    without a conference, in episodes of need referred in the year (never in an episode closed as
    not in need: an enquiry that leads nowhere leaves the child in need, or closes the case RC7),
    started with the episode's first assessment (the same census shows both)."""
    plan_s47 = pd.DataFrame({"episode": plans["episode"].to_numpy(), "start": plans["s47"].to_numpy(),
                             "icpc": plans["start"].to_numpy(), "plan": plans.index.to_numpy()})
    rows = [plan_s47]
    ref = eps["ref"].to_numpy()
    close = eps["close"].to_numpy()
    kind = eps["kind"].to_numpy()
    origin = eps["origin"].to_numpy()
    # the episode's first assessment when it started with the referral
    first = assessments.sort_values(["episode", "start"], kind="mergesort").groupby("episode").head(1)
    fe = first["episode"].to_numpy()
    prim = first["start"].to_numpy() - ref[fe] <= 3
    prim_kind = np.full(len(eps), "", dtype=object)
    prim_kind[fe[prim]] = first["kind"].to_numpy()[prim]
    has_prim = prim_kind != ""
    used = np.zeros(len(eps), bool)
    ps = plan_s47["start"].to_numpy()
    pi = plan_s47["icpc"].to_numpy()

    def hosts(mask: np.ndarray, k: int, what: str, label: str) -> np.ndarray:
        """``k`` episodes of ``mask``, those with a first assessment before the others."""
        good = np.flatnonzero(mask & has_prim)
        if k <= len(good):
            return pick(rng, good, k)
        rest = np.flatnonzero(mask & ~has_prim)
        notes.append(f"{label}: only {len(good)} episodes with a first assessment can hold the {k} {what}; "
                     f"{min(k - len(good), len(rest))} go to episodes without one")
        return np.sort(np.concatenate([good, pick(rng, rest, min(k - len(good), len(rest)))]))

    def with_assessment(at: np.ndarray, s: np.ndarray) -> np.ndarray:
        """An enquiry in an episode assessed with an initial assessment starts before the switch."""
        return np.where((prim_kind[at] != "") & (prim_kind[at] != "single"), np.minimum(s, SWITCH - 1), s)

    for y in years:
        in_y = (ps >= y.start) & (ps <= y.end)
        with_icpc = int((in_y & (pi <= y.end)).sum())
        x = y.icpc - with_icpc  # conferences that decided on no plan
        none = y.s47 - int(in_y.sum()) - max(x, 0)
        if x < 0 or none < 0:
            notes.append(f"{y.label}: S47 enquiries: plans alone give {int(in_y.sum())} enquiries and "
                         f"{with_icpc} conferences, more than the {y.s47} and {y.icpc} published")
        x, none = max(x, 0), max(none, 0)
        room = (ref >= y.start) & (ref <= y.end - 40) & ~used & (kind == "need") & (origin == "plain")
        host = room & (close - ref >= 45)
        if x > int(host.sum()):
            notes.append(f"{y.label}: only {int(host.sum())} episodes can hold the {x} conferences without a plan")
            x = int(host.sum())
        at = hosts(host, x, "conferences without a plan", y.label)
        used[at] = True
        s = with_assessment(at, np.minimum(ref[at] + rng.integers(0, 10, len(at)), y.end - 35))
        wd = np.where(rng.random(len(at)) < 0.8, rng.integers(5, 16, len(at)), rng.integers(16, 26, len(at)))
        wd = np.minimum(wd, np.maximum(wd_between(s, np.minimum(close[at], y.end)), 1))
        rows.append(pd.DataFrame({"episode": at, "start": s, "icpc": wd_add(s, wd), "plan": -1}))
        # enquiries without a conference
        room &= ~used
        if none > int(room.sum()):
            notes.append(f"{y.label}: only {int(room.sum())} episodes can hold {none} enquiries without a conference")
            none = int(room.sum())
        at = hosts(room, none, "enquiries without a conference", y.label)
        used[at] = True
        s = with_assessment(at, ref[at] + np.minimum(rng.integers(0, 6, len(at)),
                                                     np.maximum(close[at] - ref[at] - 1, 0)))
        rows.append(pd.DataFrame({"episode": at, "start": s, "icpc": FAR, "plan": -1}))
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["episode", "start"], kind="mergesort").reset_index(drop=True)
