"""Children and periods of care whose counts equal the plan, quarter by quarter.

Stage one of the looked-after side (:mod:`.care`). Starting from the children looked
after on 1 April 2011 (the stock the plan implies, with start dates years back), each
calendar quarter to March 2018:

1. **starts**: exactly the planned number of periods of care begin, on days drawn with
   fewer weekend and bank-holiday admissions; of them exactly the planned UASC (by month)
   and placed-with-parents starts; about 6% of the others are children returning to
   care after an earlier period (exactly the planned number for children who ceased in a
   year whose "ceased then returned" figure was published);
2. **ends**: every child reaching 18 leaves care on the 18th birthday; the rest of the
   planned ends are drawn by reason with weights by age and time in care: adoption
   (young children in care 7 months or more), special guardianship, child arrangements,
   UASC leaving before 18 (steered so that the UASC looked after at each 31 March equal
   the plan), older teenagers, and going home (most likely early in care);
3. **short-break moves**: the planned number of disabled children whose full-time care
   passes into short breaks only (a reconciliation of published flows and stock).

A child never ends care twice in one reporting year (so children ceasing equal periods
ending), never returns within 14 days, and never turns 18 in care. Reasons for ending
get their year's REC codes in :func:`assign_end_codes`, with exactly the planned
adoptions, special guardianship orders and moves to independent living.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reporting.generate.calibrated.care_alloc import (
    age_on,
    day,
    spread,
    weekday_days,
    weighted_pick,
    years_later,
)
from reporting.generate.calibrated.care_plan import YEARS, CarePlan
from reporting.periods import ReportingYear
from reporting.schema.ssda903 import ssda903_spec

OPEN = -1
DAYS_PER_YEAR = 365.25
# end categories (the reason a period of care ended)
END_KINDS = ("open", "age18", "adoption", "sgo", "cao", "uasc", "older", "home", "short_breaks")
# age at entry (years) for children starting care: bands and weights
ENTRY_AGE = {"regular": ((0, 1, 0.20), (1, 5, 0.16), (5, 10, 0.19), (10, 16, 0.33), (16, 17.9, 0.12)),
             "pwp": ((0, 1, 0.22), (1, 5, 0.30), (5, 10, 0.26), (10, 16, 0.22)),
             "uasc": ((11, 14, 0.06), (14, 15, 0.12), (15, 16, 0.27), (16, 17, 0.35), (17, 17.7, 0.20))}
# age on 1 April 2011 of the children then looked after
STOCK_AGE = ((0, 1, 0.05), (1, 5, 0.17), (5, 10, 0.20), (10, 16, 0.37), (16, 17.95, 0.21))
INITIAL_UASC = 19  # UASC looked after on 1 April 2011
UASC_SLACK = 4  # UASC above a plausible (unpublished) 31 March figure left in care rather than steered out
RETURN_SHARE = 0.09  # of ordinary starts (not UASC, not placed with parents)
MIN_RETURN_GAP = 14
P_MALE = {"regular": 0.54, "pwp": 0.5, "uasc": 0.92}
ETHNICITY = {"WBRI": 0.835, "WIRI": 0.004, "WIRT": 0.005, "WOTH": 0.03, "WROM": 0.007, "MWBC": 0.03,
             "MWBA": 0.01, "MWAS": 0.01, "MOTH": 0.02, "AIND": 0.005, "APKN": 0.003, "ABAN": 0.002,
             "AOTH": 0.008, "BCRB": 0.003, "BAFR": 0.008, "BOTH": 0.003, "CHNE": 0.002, "OOTH": 0.008,
             "REFU": 0.004, "NOBT": 0.003}
ETHNICITY_UASC = {"AOTH": 0.34, "BAFR": 0.34, "OOTH": 0.2, "WOTH": 0.08, "BOTH": 0.04}
# the year whose "ceased then returned" figure is published: returns are counted up to the
# end of the following year
RETURN_WINDOW_YEARS = 2


@dataclass
class PeriodsResult:
    """``children``: idx, dob, sex ("1"/"2"), ethnicity, uasc, disabled, kind (first entry).
    ``periods``: pid, child, start, end (OPEN), kind (regular/pwp/uasc), end_kind, returner,
    initial (in care on 1 April 2011). Days are day numbers."""

    children: pd.DataFrame
    periods: pd.DataFrame


def _bands(rng: np.random.Generator, bands, n: int) -> np.ndarray:
    """Ages in years (float) from (low, high, weight) bands."""
    if n == 0:
        return np.zeros(0)
    w = np.array([b[2] for b in bands], dtype=float)
    k = rng.choice(len(bands), size=n, p=w / w.sum())
    lo = np.array([b[0] for b in bands])[k]
    hi = np.array([b[1] for b in bands])[k]
    return lo + rng.random(n) * (hi - lo)


def _pick_codes(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = list(weights)
    w = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=w / w.sum())]


class _State:
    """Growing tables of children and periods (lists of numpy-friendly columns)."""

    def __init__(self) -> None:
        self.c = {k: [] for k in ("dob", "sex", "ethnicity", "uasc", "disabled", "kind")}
        self.p = {k: [] for k in ("child", "start", "end", "kind", "end_kind", "returner", "initial")}

    def add_children(self, dob, sex, eth, uasc, kind) -> np.ndarray:
        first = len(self.c["dob"])
        n = len(dob)
        self.c["dob"].extend(np.asarray(dob, dtype=np.int64).tolist())
        self.c["sex"].extend(list(sex))
        self.c["ethnicity"].extend(list(eth))
        self.c["uasc"].extend(np.asarray(uasc, dtype=bool).tolist())
        self.c["disabled"].extend([False] * n)
        self.c["kind"].extend(list(kind))
        return np.arange(first, first + n)

    def add_periods(self, child, start, kind, returner, initial=False) -> None:
        n = len(child)
        self.p["child"].extend(np.asarray(child, dtype=np.int64).tolist())
        self.p["start"].extend(np.asarray(start, dtype=np.int64).tolist())
        self.p["end"].extend([OPEN] * n)
        self.p["kind"].extend(list(kind))
        self.p["end_kind"].extend(["open"] * n)
        self.p["returner"].extend(np.asarray(returner, dtype=bool).tolist())
        self.p["initial"].extend([initial] * n)

    def arrays(self) -> tuple[dict, dict]:
        c = {k: np.array(v, dtype=object if k in ("sex", "ethnicity", "kind") else None) for k, v in self.c.items()}
        p = {k: np.array(v, dtype=object if k in ("kind", "end_kind") else None) for k, v in self.p.items()}
        return c, p


def _new_children(rng: np.random.Generator, st: _State, start: np.ndarray, kind: str) -> np.ndarray:
    n = len(start)
    age = _bands(rng, ENTRY_AGE[kind], n)
    dob = start - np.floor(age * DAYS_PER_YEAR).astype(np.int64)
    sex = np.where(rng.random(n) < P_MALE[kind], "1", "2")
    eth = _pick_codes(rng, ETHNICITY_UASC if kind == "uasc" else ETHNICITY, n)
    return st.add_children(dob, sex, eth, np.full(n, kind == "uasc"), [kind] * n)


def _year_end(d: np.ndarray) -> np.ndarray:
    """Day number of the 31 March closing the reporting year of each day."""
    ts = pd.to_datetime(np.datetime64("1970-01-01", "D") + np.asarray(d, dtype=np.int64))
    first = np.where(ts.month >= 4, ts.year, ts.year - 1)
    return np.array([day(f"{y + 1}-03-31") for y in first], dtype=np.int64)


def _initial_stock(rng: np.random.Generator, st: _State, plan: CarePlan, t0: int) -> None:
    n = plan.initial_stock
    n_uasc = INITIAL_UASC
    n_pwp = int(round(0.04 * n))
    kinds = np.array(["uasc"] * n_uasc + ["pwp"] * n_pwp + ["regular"] * (n - n_uasc - n_pwp), dtype=object)
    age = np.where(kinds == "uasc", _bands(rng, ((14.5, 17.8, 1.0),), n), _bands(rng, STOCK_AGE, n))
    u = rng.random(n)
    dur = np.where(u < 0.3, 0.05 + rng.random(n) * 0.95,
                   np.where(u < 0.6, 1 + rng.random(n) * 2, 3 + rng.random(n) * 9))
    dur = np.where(kinds == "uasc", np.minimum(dur, np.maximum(age - 13.5, 0.1)), dur)
    dur = np.minimum(dur, age * 0.97)
    age_days = np.floor(age * DAYS_PER_YEAR).astype(np.int64)
    dur_days = np.maximum(np.floor(dur * DAYS_PER_YEAR).astype(np.int64), 1)
    dob = t0 - age_days
    start = np.minimum(t0 - dur_days, t0 - 1)
    start = np.maximum(start, dob)
    sex = np.where(rng.random(n) < np.where(kinds == "uasc", P_MALE["uasc"], P_MALE["regular"]), "1", "2")
    eth = np.where(kinds == "uasc", _pick_codes(rng, ETHNICITY_UASC, n), _pick_codes(rng, ETHNICITY, n))
    idx = st.add_children(dob, sex, eth, kinds == "uasc", kinds)
    st.add_periods(idx, start, kinds, np.zeros(n, dtype=bool), initial=True)


class _ReturnPool:
    """Children who may return to care: not in care, last period ended going home, not UASC,
    not adopted or on an order, young enough not to turn 18 before the year ends."""

    def __init__(self, c: dict, p: dict, year_end: int, in_window: dict[str, bool]):
        n = len(c["dob"])
        ended = p["end"] != OPEN
        in_care = np.zeros(n, dtype=bool)
        in_care[p["child"][~ended]] = True
        self.last_end = np.full(n, -10**9, dtype=np.int64)
        np.maximum.at(self.last_end, p["child"][ended], p["end"][ended])
        last_kind = np.full(n, "", dtype=object)
        order = np.argsort(p["end"], kind="stable")
        for i in order[ended[order]]:
            last_kind[p["child"][i]] = p["end_kind"][i]
        excluded = np.zeros(n, dtype=bool)
        bad = np.isin(p["end_kind"], ["adoption", "age18", "sgo", "cao", "uasc", "older", "short_breaks"])
        excluded[p["child"][bad]] = True
        self.dob = c["dob"]
        self.base = (~in_care) & (last_kind == "home") & ~excluded & ~c["uasc"] & (
            years_later(c["dob"], 18) > year_end + 1)
        self.last_end_year = np.where(self.last_end > 0, _year_end(np.maximum(self.last_end, 0)), 0)
        self.in_window = in_window

    def candidates(self, d: int, cohort_year: str | None, taken: set[int]) -> np.ndarray:
        """Children who may start a new period on day ``d``: of the published cohort ``cohort_year``
        (children whose last period ended in that year), or of no cohort whose window is open."""
        ok = self.base & (self.last_end <= d - MIN_RETURN_GAP) & (self.dob <= d)
        for y, inside in self.in_window.items():
            if not inside:
                continue
            in_cohort = self.last_end_year == day(ReportingYear.parse(y).end)
            ok &= in_cohort if y == cohort_year else ~in_cohort
        ok[list(taken)] = False
        return np.flatnonzero(ok)


def simulate_periods(plan: CarePlan, rng: np.random.Generator) -> PeriodsResult:
    """Children and their periods of care, April 2011 to March 2018 (see the module docstring)."""
    st = _State()
    q = plan.quarters
    t0 = int(q["first"].iloc[0])
    _initial_stock(rng, st, plan, t0)

    # published "ceased then returned" years: returns of that year's leavers, per quarter
    cohort_returns: dict[str, np.ndarray] = {}
    cohort_window: dict[str, set[int]] = {}
    for y, row in plan.annual.iterrows():
        if row["returned"] is not None and not pd.isna(row["returned"]):
            yi = YEARS.index(y)
            window = np.flatnonzero(q["year"].isin(YEARS[yi:yi + RETURN_WINDOW_YEARS]).to_numpy())
            w = np.where(q["year"].to_numpy()[window] == y, np.array([0.4, 1.0, 1.3, 1.4])[q["qi"].to_numpy()[window]],
                         1.2)
            plan_k = np.zeros(len(q), dtype=np.int64)
            plan_k[window] = spread(int(row["returned"]), w)
            cohort_returns[y] = plan_k
            cohort_window[y] = set(window.tolist())
    carry = {y: 0 for y in cohort_returns}

    annual_quota = {}
    for key in ("adoptions", "sgos", "caos"):
        annual_quota[key] = {y: spread(int(plan.annual.loc[y, key]), [0.9, 1.0, 1.05, 1.05]) for y in YEARS}
    shortfall = {key: 0 for key in annual_quota}

    for qi_abs, row in q.iterrows():
        first, last = int(row["first"]), int(row["last"])
        year, qi = row["year"], int(row["qi"])
        year_end = day(ReportingYear.parse(year).end)
        # ---------------------------------------------------------------- starts
        months = plan.months[plan.months["quarter"] == qi_abs]
        u_days = np.concatenate([weekday_days(rng, int(m["first"]), int(m["last"]), int(m["uasc"]), 0.6)
                                 for _, m in months.iterrows()]) if len(months) else np.zeros(0, np.int64)
        n_other = int(row["starts"]) - len(u_days)
        if n_other < 0:
            raise ValueError(f"{row['label']}: more UASC starts than starts")
        o_days = weekday_days(rng, first, last, n_other)
        n_pwp = int(row["pwp"])
        if n_pwp > n_other:
            raise ValueError(f"{row['label']}: more placed-with-parents starts than non-UASC starts")
        pwp_mask = np.zeros(n_other, dtype=bool)
        pwp_mask[rng.choice(n_other, n_pwp, replace=False)] = True
        reg_days = o_days[~pwp_mask]
        idx = _new_children(rng, st, u_days, "uasc")
        st.add_periods(idx, u_days, ["uasc"] * len(idx), np.zeros(len(idx), bool))
        idx = _new_children(rng, st, o_days[pwp_mask], "pwp")
        st.add_periods(idx, o_days[pwp_mask], ["pwp"] * len(idx), np.zeros(len(idx), bool))

        # returners among the ordinary starts
        c, p = st.arrays()
        n_ret_target = int(round(RETURN_SHARE * len(reg_days)))
        reg_order = rng.permutation(len(reg_days))
        ret_days: list[int] = []
        ret_kids: list[int] = []
        taken: set[int] = set()
        pool = _ReturnPool(c, p, year_end, {y: qi_abs in w for y, w in cohort_window.items()})
        slots = list(reg_order)
        for y, plan_k in cohort_returns.items():
            if qi_abs not in cohort_window[y]:
                continue
            want = int(plan_k[qi_abs]) + carry[y]
            got = 0
            while got < want and slots:
                d = int(reg_days[slots[0]])
                cand = pool.candidates(d, y, taken)
                if not len(cand):
                    break
                k = int(rng.choice(cand))
                taken.add(k)
                ret_kids.append(k)
                ret_days.append(d)
                slots.pop(0)
                got += 1
            carry[y] = want - got
            if carry[y] and qi_abs == max(cohort_window[y]):
                raise ValueError(f"{y}: {carry[y]} planned returns to care could not be placed")
        others = max(0, n_ret_target - len(ret_kids))
        for _ in range(others):
            if not slots:
                break
            d = int(reg_days[slots[0]])
            cand = pool.candidates(d, None, taken)
            if not len(cand):
                break
            k = int(rng.choice(cand))
            taken.add(k)
            ret_kids.append(k)
            ret_days.append(d)
            slots.pop(0)
        if ret_kids:
            st.add_periods(np.array(ret_kids), np.array(ret_days), ["regular"] * len(ret_kids),
                           np.ones(len(ret_kids), bool))
        new_days = np.sort(reg_days[np.array(slots, dtype=np.int64)]) if slots else np.zeros(0, np.int64)
        idx = _new_children(rng, st, new_days, "regular")
        st.add_periods(idx, new_days, ["regular"] * len(idx), np.zeros(len(idx), bool))

        # ---------------------------------------------------------------- ends
        c, p = st.arrays()
        open_ = (p["end"] == OPEN) & (p["start"] < last)
        cand = np.flatnonzero(open_)
        dob = c["dob"][p["child"][cand]]
        bday = years_later(dob, 18)
        forced = bday <= last
        if (bday[forced] < first).any():
            raise RuntimeError("a child was still looked after after turning 18")
        n_forced = int(forced.sum())
        n_free = int(row["ends"]) - n_forced
        if n_free < 0:
            raise ValueError(f"{row['label']}: {n_forced} children turn 18 but only {row['ends']} leave care")
        for i, b in zip(cand[forced], bday[forced], strict=True):
            st.p["end"][i] = int(b)
            st.p["end_kind"][i] = "age18"
        free = cand[~forced]
        mid = (first + last) // 2
        f_start = p["start"][free]
        f_child = p["child"][free]
        age = (mid - c["dob"][f_child]) / DAYS_PER_YEAR
        dur = np.maximum(mid - f_start, 0)
        kind = p["kind"][free]
        uasc = c["uasc"][f_child]
        # no child ends twice in one reporting year
        prev_end = np.full(len(c["dob"]), -10**9, dtype=np.int64)
        was = p["end"] != OPEN
        np.maximum.at(prev_end, p["child"][was], p["end"][was])
        twice = prev_end[f_child] >= day(ReportingYear.parse(year).start)
        endable = ~twice & (f_start <= last - 1)

        chosen = np.zeros(len(free), dtype=bool)
        quotas: dict[str, int] = {}
        for key, name in (("adoptions", "adoption"), ("sgos", "sgo"), ("caos", "cao")):
            quotas[name] = int(annual_quota[key][year][qi]) + shortfall[key]
        # UASC steering towards the UASC looked after at 31 March
        target = plan.uasc_stock[year]
        stock_now = int((c["uasc"][p["child"][(p["end"] == OPEN)]]).sum()) - int(c["uasc"][p["child"][cand[forced]]].sum())
        future_arrivals = int(q.loc[(q["year"] == year) & (q["qi"] > qi), "uasc"].sum())
        later_bday = (bday[~forced] <= year_end) & uasc
        u_forced_later = int(later_bday.sum())
        published = ("uasc_at_31march", ReportingYear.parse(year).snapshot().label, "") in plan.published
        excess = stock_now + future_arrivals - u_forced_later - target - (0 if published else UASC_SLACK)
        remaining = 4 - qi
        quotas["uasc"] = max(0, excess if remaining == 1 else int(np.floor(excess / (remaining + 0.5))))
        if remaining == 1 and excess < 0 and published:
            raise ValueError(f"{row['label']}: {target} UASC looked after at 31 March cannot be reached "
                             f"({stock_now} now)")
        quotas["older"] = int(round(0.06 * n_free))
        used = sum(quotas.values())
        if used > n_free:
            quotas["older"] = max(0, quotas["older"] - (used - n_free))
            used = sum(quotas.values())
        if used > n_free:
            raise ValueError(f"{row['label']}: planned ends by reason exceed the {n_free} ends available")
        quotas["home"] = n_free - used
        weights = {
            "adoption": np.where(~uasc & (kind != "pwp") & (age >= 0.6) & (age < 9) & (dur >= 200),
                                 np.exp(-age / 2.5) * np.minimum(1.0, dur / 400), 0.0),
            "sgo": np.where(~uasc & (kind != "pwp") & (age >= 0.5) & (age < 15) & (dur >= 120),
                            np.exp(-age / 6.0), 0.0),
            "cao": np.where(~uasc & (kind != "pwp") & (age >= 0.5) & (age < 15) & (dur >= 90), 1.0, 0.0),
            "uasc": np.where(uasc, 1.0, 0.0),
            "older": np.where(~uasc & (age >= 16), 1.0, 0.0),
            "home": np.where(~uasc, np.select([dur < 60, dur < 365, dur < 1100], [4.0, 1.6, 0.6], 0.15)
                             * np.where(kind == "pwp", 1.3, 1.0) * np.where(age >= 16, 0.6, 1.0), 0.0),
        }
        for name in ("adoption", "sgo", "cao", "uasc", "older", "home"):
            w = np.where(endable & ~chosen, weights[name], 0.0)
            k = quotas[name]
            avail = int((w > 0).sum())
            if avail < k:
                if name in ("adoption", "sgo", "cao"):
                    key = {"adoption": "adoptions", "sgo": "sgos", "cao": "caos"}[name]
                    shortfall[key] = k - avail
                    quotas["home"] += k - avail
                    k = avail
                elif name == "older":
                    quotas["home"] += k - avail
                    k = avail
                else:
                    raise ValueError(f"{row['label']}: only {avail} children can leave care as {name}, {k} needed")
            elif name in ("adoption", "sgo", "cao"):
                key = {"adoption": "adoptions", "sgo": "sgos", "cao": "caos"}[name]
                shortfall[key] = 0
            pick = weighted_pick(rng, w, k)
            chosen[pick] = True
            lo = np.maximum(first, f_start[pick] + 1)
            weekend = 0.0 if name in ("adoption", "sgo", "cao") else 0.4
            days = np.array([int(weekday_days(rng, int(a), last, 1, weekend, 0.0)[0]) for a in lo], dtype=np.int64)
            for i, d in zip(free[pick], days, strict=True):
                st.p["end"][i] = int(d)
                st.p["end_kind"][i] = name
        if qi == 3:
            for key in shortfall:
                if shortfall[key]:
                    raise ValueError(f"{year}: {shortfall[key]} {key} could not be placed")
        # ---------------------------------------------------------------- short-break moves
        n_sb = int(row["short_breaks"])
        if n_sb:
            w = np.where(endable & ~chosen & ~uasc & (age >= 7) & (age < 15) & (dur >= 180)
                         & (f_start <= last - 40), 1.0, 0.0)
            pick = weighted_pick(rng, w, n_sb)
            for i in free[pick]:
                d = int(weekday_days(rng, max(first, int(st.p["start"][i]) + 30), last - 1, 1)[0])
                st.p["end"][i] = d
                st.p["end_kind"][i] = "short_breaks"
                st.c["disabled"][st.p["child"][i]] = True

    c, p = st.arrays()
    children = pd.DataFrame({"idx": np.arange(len(c["dob"])), **c})
    periods = pd.DataFrame({"pid": np.arange(len(p["child"])), **p})
    return PeriodsResult(children, periods)


# -- reasons ceased ---------------------------------------------------------------------------
def _first_valid(codes: list[str], allowed: frozenset[str]) -> list[str]:
    return [c for c in codes if c in allowed]


def _put(codes: np.ndarray, mask: np.ndarray, options: list[tuple[str, float]], allowed: frozenset[str],
         u: np.ndarray) -> None:
    """Fill ``codes[mask]`` from weighted options (those in the year's list), by the uniforms ``u``."""
    opts = [(cd, wt) for cd, wt in options if cd in allowed and wt > 0]
    cs = np.array([o[0] for o in opts], dtype=object)
    ws = np.array([o[1] for o in opts], dtype=float)
    codes[mask] = cs[np.searchsorted(np.cumsum(ws / ws.sum()), u[mask], side="right").clip(0, len(cs) - 1)]


def assign_end_codes(res: PeriodsResult, plan: CarePlan, rng: np.random.Generator) -> pd.Series:
    """The REC code ending each period (``""`` while open; ``X1`` for a move into short breaks).

    Exactly the planned number of moves to independent living (E5/E6) per year, drawn from
    older teenagers and care leavers at 18; other reasons by end category in the codes of
    the year the period ended.
    """
    p, c = res.periods, res.children
    rec = pd.Series("", index=p.index, dtype=object)
    end = p["end"].to_numpy()
    dob = c["dob"].to_numpy()[p["child"].to_numpy()]
    kinds = p["end_kind"].to_numpy()
    age_end = np.where(end != OPEN, age_on(dob, np.where(end != OPEN, end, dob)), -1)
    ends_year = np.where(end != OPEN, _year_end(np.maximum(end, 0)), 0)
    rec[kinds == "short_breaks"] = "X1"
    for y in YEARS:
        spec = ssda903_spec(y)
        allowed = spec.reason_ceased_codes
        ye = day(ReportingYear.parse(y).end)
        in_year = (ends_year == ye) & (kinds != "open") & (kinds != "short_breaks")
        idx = np.flatnonzero(in_year)
        k = kinds[idx]
        a = age_end[idx]
        n_ind = int(plan.annual.loc[y, "independent"])
        w = np.select([k == "older", (k == "age18"), (k == "uasc") & (a >= 16)], [3.0, 1.0, 0.5], 0.0)
        pick = weighted_pick(rng, w, n_ind)
        independent = np.zeros(len(idx), dtype=bool)
        independent[pick] = True
        codes = np.empty(len(idx), dtype=object)
        codes[independent] = np.where(rng.random(int(independent.sum())) < 0.7, "E5", "E6")
        rest = ~independent
        u = rng.random(len(idx))

        sgo = sorted(spec.sgo_codes & allowed)
        cao = _first_valid(["E47", "E48"], allowed) or ["E41"]
        staying_put = 0.35 if ReportingYear.parse(y).first >= 2014 else 0.0
        def put(mask, options, codes=codes, rest=rest, u=u, allowed=allowed):
            _put(codes, mask & rest, options, allowed, u)

        put(k == "adoption", [("E11", 0.9), ("E12", 0.1)])
        put(k == "sgo", [(sgo[0], 0.55), (sgo[-1], 0.45)])
        put(k == "cao", [(cao[0], 0.4), (cao[-1], 0.6)])
        put(k == "age18", [("E17", staying_put), ("E8", 0.8 - staying_put), ("E7", 0.05), ("E13", 0.15)])
        put(k == "older", [("E4A", 0.35), ("E13", 0.25), ("E8", 0.2), ("E9", 0.1), ("E14", 0.1)])
        put((k == "uasc") & (a < 18), [("E3", 0.45), ("E15", 0.25), ("E13", 0.2), ("E16", 0.1)])
        young = a < 10
        put((k == "home") & young, [("E4A", 0.7), ("E4B", 0.1), ("E13", 0.17), ("E3", 0.03)])
        put((k == "home") & ~young, [("E4A", 0.55), ("E4B", 0.12), ("E13", 0.18), ("E3", 0.04), ("E14", 0.05),
                                     ("E9", 0.03), ("E16", 0.01), ("E8", 0.02)])
        if pd.isna(codes).any() or (codes == None).any():  # noqa: E711 - object array
            raise RuntimeError(f"{y}: a period ended with no reason code")
        bad = [cd for cd in set(codes) if cd not in allowed]
        if bad:
            raise RuntimeError(f"{y}: reason codes {bad} not in the year's list")
        rec.iloc[idx] = codes
    return rec
