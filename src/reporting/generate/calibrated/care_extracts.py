"""Missing episodes, reviews, missing-from-home and complaints for the calibrated demo.

* **Missing from care** (SSDA903 ``Missing.csv``): each quarter exactly the planned number
  of distinct looked-after children (aged 11 or more; a fifth of teenagers in care are
  frequent runners, drawn more often) have one or more missing (``M``) episodes starting
  while they are looked after, each ending before care ends and within the collection
  year; other children have "away from placement" (``A``) episodes, which are not counted.
* **Reviews**: the first within 20 working days of care starting, the second three months
  later, then every six months (participation code PN0 under 4, PN1-PN7 from 4).
* **Missing from home** (``missing_from_home.csv``): each quarter exactly the planned
  number of distinct children aged 11-17 who were not looked after that day: some
  repeat from earlier quarters, some are children who come into care in the following
  months or left care earlier, most are children known only to the police and the
  missing service (ids ``H9xxxxx``).
* **Complaints** (``complaints.csv``): stage one complaints with exactly the planned
  number answered within 10 working days (20 with an agreed extension), stage two and
  three complaints besides, and exactly the planned number made by children.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reporting.generate.calibrated.care_alloc import (
    add_working_days,
    day,
    to_timestamps,
    weekday_days,
    weighted_pick,
)
from reporting.generate.calibrated.care_periods import OPEN
from reporting.generate.calibrated.care_plan import YEARS, CarePlan
from reporting.periods import ReportingYear

YEAR_DAYS = 365.25
P_RUNNER = 0.2
PARTICIPATION = {"PN1": 0.38, "PN2": 0.1, "PN3": 0.06, "PN4": 0.06, "PN5": 0.1, "PN6": 0.18, "PN7": 0.12}
COMMUNITY_IDS = 900000


def missing_from_care(rng: np.random.Generator, plan: CarePlan, periods: pd.DataFrame, children: pd.DataFrame
                      ) -> pd.DataFrame:
    """Missing (M) and away (A) episodes: child, start, end (day numbers), code."""
    n_children = len(children)
    runner = rng.random(n_children) < P_RUNNER
    dob = children["dob"].to_numpy()
    uasc = children["uasc"].to_numpy()
    rows = []
    p_start = periods["start"].to_numpy()
    p_end = periods["end"].to_numpy()
    p_child = periods["child"].to_numpy()
    stop = np.where(p_end == OPEN, 10**9, p_end)
    for _, q in plan.quarters.iterrows():
        first, last = int(q["first"]), int(q["last"])
        year_end = day(ReportingYear.parse(q["year"]).end)
        lo = np.maximum(first, p_start)
        hi = np.minimum(np.minimum(last, stop - 4), year_end - 3)
        ok = (hi >= lo) & (p_start <= last) & (stop >= first)
        age = (last - dob[p_child]) / YEAR_DAYS
        ok &= age >= 11.2
        idx = np.flatnonzero(ok)
        # one candidate period per child: the one with the longest window in the quarter
        order = idx[np.argsort(-(hi[idx] - lo[idx]), kind="stable")]
        _, first_pos = np.unique(p_child[order], return_index=True)
        cand = order[first_pos]
        a = age[cand]
        w = (np.where(runner[p_child[cand]], 8.0, 1.0) * np.where(a >= 13.5, 1.0, 0.35)
             * np.where(uasc[p_child[cand]], 1.3, 1.0))
        k = int(q["missing_care"])
        pick = cand[weighted_pick(rng, w, k)]
        for i in pick:
            n = 1 + rng.poisson(1.3 if runner[p_child[i]] else 0.3)
            t = int(lo[i])
            for _ in range(int(n)):
                room = int(hi[i]) - t
                if room < 0:
                    break
                s = t + int(rng.integers(0, room + 1)) if _ == 0 else t + int(rng.integers(0, min(room, 20) + 1))
                length = int(rng.choice([0, 0, 1, 1, 2, 3]))
                rows.append((int(p_child[i]), s, s + length, "M"))
                t = s + length + 1
        chosen = set(p_child[pick].tolist())
        rest = np.array([i for i in cand if p_child[i] not in chosen], dtype=np.int64)
        n_away = min(len(rest), int(round(0.35 * k)))
        if n_away:
            wa = np.where(runner[p_child[rest]], 3.0, 1.0)
            for i in rest[weighted_pick(rng, wa, n_away)]:
                s = int(rng.integers(int(lo[i]), int(hi[i]) + 1))
                rows.append((int(p_child[i]), s, s + int(rng.choice([0, 0, 1])), "A"))
    df = pd.DataFrame(rows, columns=["child", "start", "end", "code"])
    return df.sort_values(["child", "start"], kind="mergesort").reset_index(drop=True)


def reviews(rng: np.random.Generator, periods: pd.DataFrame, children: pd.DataFrame) -> pd.DataFrame:
    """Looked-after reviews: child, day, code."""
    horizon = day("2018-03-31")
    out = []
    dob = children["dob"].to_numpy()
    keys = list(PARTICIPATION)
    w = np.array([PARTICIPATION[k] for k in keys])
    for r in periods.itertuples(index=False):
        stop = horizon if r.end == OPEN else min(int(r.end) - 1, horizon)
        first = int(add_working_days(np.array([r.start]), 20)[0]) - int(rng.integers(0, 4))
        d = first
        k = 0
        while d <= stop:
            if d >= day("2011-04-01"):
                age = (d - dob[r.child]) / YEAR_DAYS
                code = "PN0" if age < 4 else keys[int(rng.choice(len(keys), p=w / w.sum()))]
                out.append((int(r.child), d, code))
            k += 1
            d = first + (91 if k == 1 else 91 + 182 * (k - 1)) - int(rng.integers(0, 10))
    df = pd.DataFrame(out, columns=["child", "day", "code"])
    return df.sort_values(["child", "day"], kind="mergesort").reset_index(drop=True)


def missing_from_home(rng: np.random.Generator, plan: CarePlan, periods: pd.DataFrame, children: pd.DataFrame,
                      ids: np.ndarray) -> pd.DataFrame:
    """Missing-from-home episodes: child_id, start, end (day numbers)."""
    p_start = periods["start"].to_numpy()
    p_end = periods["end"].to_numpy()
    p_child = periods["child"].to_numpy()
    stop = np.where(p_end == OPEN, 10**9, p_end)
    dob_lac = children["dob"].to_numpy()
    community_dob: list[int] = []
    seen: dict[str, int] = {}  # id -> last quarter index
    rows = []
    next_id = COMMUNITY_IDS
    for qi, q in plan.quarters.iterrows():
        first, last = int(q["first"]), int(q["last"])
        k = int(q["missing_home"])
        chosen: list[tuple[str, int, int]] = []  # id, window lo, hi
        # children coming into care within four months, or who left care, not in care in the quarter
        later = (p_start > last) & (p_start <= last + 120)
        age = (first - dob_lac[p_child]) / YEAR_DAYS
        cand = np.flatnonzero(later & (age >= 11) & (age < 17.5))
        n_lac = min(len(cand), int(round(0.15 * k)))
        used: set[str] = set()
        for i in cand[weighted_pick(rng, np.ones(len(cand)), n_lac)] if n_lac else []:
            child = int(p_child[i])
            cid = ids[child]
            if cid in used:
                continue
            # days in the quarter when the child is in no period of care
            busy = (p_child == child) & (p_start <= last) & (stop >= first)
            free_days = np.arange(first, last + 1)
            for s, e in zip(p_start[busy], stop[busy], strict=True):
                free_days = free_days[(free_days < s) | (free_days > e)]
            if not len(free_days):
                continue
            used.add(cid)
            chosen.append((cid, int(free_days.min()), int(free_days.max())))
        # repeaters
        rep = [c for c, last_q in seen.items() if last_q >= qi - 3 and c not in used and c.startswith("H9")]
        rep = [c for c in rep if (first - community_dob[int(c[1:]) - COMMUNITY_IDS]) / YEAR_DAYS < 17.5]
        n_rep = min(len(rep), int(round(0.35 * k)), k - len(chosen))
        for j in sorted(rng.choice(len(rep), n_rep, replace=False).tolist()) if n_rep else []:
            used.add(rep[j])
            chosen.append((rep[j], first, last))
        while len(chosen) < k:
            cid = f"H{next_id}"
            next_id += 1
            community_dob.append(first - int((11 + rng.random() * 6.4) * YEAR_DAYS))
            chosen.append((cid, first, last))
        for cid, lo, hi in chosen:
            n = 1 + rng.poisson(0.5)
            for _ in range(int(n)):
                s = int(rng.integers(lo, hi + 1))
                rows.append((cid, s, s + int(rng.choice([0, 0, 0, 1, 1, 2]))))
            seen[cid] = qi
    df = pd.DataFrame(rows, columns=["child_id", "start", "end"])
    df = df.drop_duplicates(["child_id", "start"]).sort_values(["start", "child_id"], kind="mergesort")
    return df.reset_index(drop=True)


def complaints(rng: np.random.Generator, plan: CarePlan) -> dict[str, pd.DataFrame]:
    """Complaints by year (tidy extract columns)."""
    out = {}
    for y in YEARS:
        ys, ye = day(ReportingYear.parse(y).start), day(ReportingYear.parse(y).end)
        n1 = int(plan.annual.loc[y, "stage1"])
        timely = int(plan.annual.loc[y, "timely"])
        from_child = int(plan.annual.loc[y, "from_children"])
        n2 = int(round(0.09 * n1))
        n3 = int(round(0.03 * n1))
        n = n1 + n2 + n3
        received = weekday_days(rng, ys, ye, n, weekend_weight=0.0, holidays_weight=0.0)
        stage = np.array(["1"] * n1 + ["2"] * n2 + ["3"] * n3, dtype=object)[rng.permutation(n)]
        is1 = stage == "1"
        ontime = np.zeros(n, dtype=bool)
        ontime[np.flatnonzero(is1)[rng.choice(n1, timely, replace=False)]] = True
        ext = rng.random(n) < 0.1
        wd = np.where(ontime, np.where(ext, rng.integers(8, 21, n), rng.integers(3, 11, n)),
                      np.where(ext, rng.integers(21, 31, n), rng.integers(11, 26, n)))
        wd = np.where(stage == "2", rng.integers(20, 66, n), np.where(stage == "3", rng.integers(15, 40, n), wd))
        response = add_working_days(received, wd)
        child = np.zeros(n, dtype=bool)
        child[rng.choice(n, from_child, replace=False)] = True
        ids = [f"CMP{y[:4]}-{i + 1:04d}" for i in range(n)]
        df = pd.DataFrame({
            "complaint_id": ids,
            "received_date": to_timestamps(received),
            "stage": stage,
            "from_child": child,
            "response_date": to_timestamps(response),
            "extension_agreed": ext & (stage == "1"),
        })
        out[y] = df
    return out

