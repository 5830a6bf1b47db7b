"""The numbers the looked-after side must produce: published targets, plausible fill-ins, checks.

:func:`build_plan` turns :class:`~.targets.Targets` into a :class:`CarePlan`: for every
calendar quarter from April 2011 to March 2018 the periods of care starting and ending,
UASC and placed-with-parents starts, children missing from care and from home; for each
31 March the children looked after and UASC; for each reporting year the adoptions,
special guardianship orders, moves to independent living, children with three or more
placements and complaints; the area-profile placements at 31 March 2013.

A published target always wins. Where nothing was published the plan uses the plausible
values below (documented in ``docs/calibration.md``), shaped so that the stock of
children looked after moves from one published 31 March figure to the next exactly:
``stock(next) = stock(previous) + starts - ends - short_break_moves``. The plan records
which figures it took from the targets, which it made up, and every published figure it
could not reproduce (:attr:`CarePlan.contradictions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reporting.generate.calibrated.care_alloc import day, numerator_for, spread
from reporting.generate.calibrated.targets import Target, Targets
from reporting.periods import ReportingYear, snapshot
from reporting.schema.ssda903 import PLACEMENT_GROUPS

YEARS = ("2011-12", "2012-13", "2013-14", "2014-15", "2015-16", "2016-17", "2017-18")
PLACEMENT_BREAKDOWNS = (*PLACEMENT_GROUPS, "other")

# -- plausible values where nothing was published ----------------------------------------
# children looked after at 31 March: only 2018 is needed for Hampshire (DfE's cla file in
# shared/reference starts in 2021); the others serve when a target is missing
PLAUSIBLE_STOCK = {"2011-12": 1100, "2012-13": 1130, "2013-14": 1250, "2014-15": 1330, "2015-16": 1310,
                   "2016-17": 1430, "2017-18": 1520}
# periods of care ending per year (the year's published quarters included); starts follow
# from the stock change. 2012-13 ends = the 464 children who ceased (area profile).
PLAUSIBLE_ENDS = {"2011-12": 445, "2012-13": 465, "2013-14": 470, "2014-15": 535, "2015-16": 575,
                  "2016-17": 548, "2017-18": 570}
STARTS_2011_12 = 475  # fixes the stock at 31 March 2011 (1,103 - 475 + 445 = 1,073)
QUARTER_WEIGHTS = (1.0, 1.06, 1.0, 0.94)  # April-June ... January-March
# UASC starting care per quarter (Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar)
PLAUSIBLE_UASC_STARTS = {"2011-12": (4, 5, 5, 4), "2012-13": (5, 5, 5, 5), "2013-14": (4, 5, 5, 4),
                         "2014-15": (5, 6, 6, 5), "2015-16": (5, 6, 6, 0), "2016-17": (7, 19, 27, 20),
                         "2017-18": (13, 10, 8, 8)}
PLAUSIBLE_UASC_STOCK = {"2011-12": 22, "2012-13": 24, "2013-14": 25, "2014-15": 28, "2015-16": 34,
                        "2016-17": 73, "2017-18": 78}
# children placed with parents (P1) on entry, not UASC, per quarter
PLAUSIBLE_PWP = {"2011-12": (5, 4, 5, 4), "2012-13": (5, 5, 4, 5), "2013-14": (6, 5, 6, 5),
                 "2014-15": (5, 6, 5, 5), "2015-16": (4, 3, 4, 2), "2016-17": (11, 25, 6, 26),
                 "2017-18": (33, 22, 18, 20)}
# looked-after children going missing, as a share of those looked after at the quarter end
PLAUSIBLE_MISSING_SHARE = {"2011-12": 0.035, "2012-13": 0.04, "2013-14": 0.045, "2014-15": 0.05,
                           "2015-16": 0.06, "2016-17": 0.07, "2017-18": 0.068}
PLAUSIBLE_MISSING_HOME = {"2011-12": (38, 41, 37, 36), "2012-13": (40, 44, 39, 41), "2013-14": (45, 48, 44, 47),
                          "2014-15": (50, 52, 49, 51), "2015-16": (55, 58, 68, 55),
                          "2016-17": (63, 69, 129, 161), "2017-18": (150, 142, 138, 147)}
PLAUSIBLE_ADOPTIONS = {"2011-12": 37, "2012-13": 62, "2013-14": 84, "2014-15": 88, "2015-16": 72,
                       "2016-17": 60, "2017-18": 55}
PLAUSIBLE_SGOS = {"2011-12": 24, "2012-13": 30, "2013-14": 38, "2014-15": 44, "2015-16": 46,
                  "2016-17": 44, "2017-18": 42}
PLAUSIBLE_CAOS = {y: 10 for y in YEARS}
PLAUSIBLE_INDEPENDENT = {"2011-12": 31, "2012-13": 34, "2013-14": 36, "2014-15": 38, "2015-16": 40,
                         "2016-17": 42, "2017-18": 44}
PLAUSIBLE_THREE_PLUS_SHARE = {"2011-12": 0.158, "2017-18": 0.155}
# complaints: stage one received, % answered within timescales, complaints from children
PLAUSIBLE_COMPLAINTS = {"2011-12": (181, 97.0, 22), "2012-13": (176, 98.0, 20), "2013-14": (172, 99.0, 21),
                        "2014-15": (169, 97.0, 19), "2015-16": (165, 96.0, 7), "2016-17": (161, 95.0, 9),
                        "2017-18": (158, 95.0, 10)}
# the adjusted net change can only equal "net - PwP - UASC" when the n/k UASC count is 0
# placement groups and shares outside the authority at 31 March 2013 where not published
PLAUSIBLE_GROUP_SHARE = {"foster": 0.74, "residential homes hostels and secure": 0.08, "residential schools": 0.02,
                         "placed with parents": 0.07, "other": 0.09}
PLAUSIBLE_OUTSIDE_SHARE = {"foster": 0.25, "residential homes hostels and secure": 0.48, "residential schools": 0.7,
                           "placed with parents": 0.2, "other": 0.2}


@dataclass
class CarePlan:
    """What the looked-after records must add up to (see the module docstring).

    ``quarters``: one row per calendar quarter (label, year, first, last as day numbers,
    starts, ends, short_breaks = full-care periods passing into short breaks only,
    uasc, pwp, missing_care, missing_home, stock_end). ``months``: UASC starts per month.
    ``stock`` / ``uasc_stock``: children (UASC) looked after at 31 March closing each year.
    ``annual``: per year adoptions, sgos, caos, independent, three_plus, returned (None but
    for published years), complaints (stage1, timely, from_children).
    ``placements_2013``: placement group -> (children at 31 March 2013, of whom outside).
    """

    quarters: pd.DataFrame
    months: pd.DataFrame
    stock: dict[str, int]
    uasc_stock: dict[str, int]
    annual: pd.DataFrame
    placements_2013: dict[str, tuple[int, int]]
    initial_stock: int
    published: set[tuple[str, str, str]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    contradictions: list[dict] = field(default_factory=list)
    missing_targets: list[str] = field(default_factory=list)


class _Reader:
    """Target look-ups that remember which were published."""

    def __init__(self, targets: Targets):
        self.targets = targets
        self.published: set[tuple[str, str, str]] = set()

    def target(self, ind: str, label: str, breakdown: str = "") -> Target | None:
        t = self.targets.get(ind, label, breakdown)
        if t is not None and (t.value is not None or t.numerator is not None):
            self.published.add((ind, label, breakdown))
            return t
        return None

    def unknown(self, ind: str, label: str, breakdown: str = "") -> bool:
        """True when the figure is printed but without a number (e.g. "n/k")."""
        f = self.targets.figures
        hit = f[(f["indicator_id"] == ind) & (f["period_label"] == label) & (f["breakdown"] == breakdown)]
        return bool(len(hit)) and hit["value"].eq("").all()

    def count(self, ind: str, label: str, breakdown: str = "") -> int | None:
        t = self.target(ind, label, breakdown)
        if t is None:
            return None
        return int(round(t.value)) if t.value is not None else t.numerator


def quarter_periods() -> list:
    """The 28 calendar quarters from April-June 2011 to January-March 2018."""
    out = []
    for y in YEARS:
        out.extend(ReportingYear.parse(y).quarters())
    return out


def _year_of(p) -> str:
    first = p.start.year if p.start.month >= 4 else p.start.year - 1
    return ReportingYear(first).label


def build_plan(targets: Targets) -> CarePlan:
    """Resolve every number the looked-after side must produce (published or plausible)."""
    r = _Reader(targets)
    notes: list[str] = []
    contradictions: list[dict] = []
    quarters = quarter_periods()
    q = pd.DataFrame({
        "label": [p.label for p in quarters],
        "year": [_year_of(p) for p in quarters],
        "qi": [i % 4 for i in range(len(quarters))],
        "first": [day(p.start) for p in quarters],
        "last": [day(p.end) for p in quarters],
    })

    # -- stock at 31 March ---------------------------------------------------------------
    stock: dict[str, int] = {}
    for y in YEARS:
        lab = snapshot(ReportingYear.parse(y).end).label
        c = r.count("cla_at_31march", lab)
        if c is None:
            c = PLAUSIBLE_STOCK.get(y)
            if c is None:
                raise ValueError(f"no published or plausible number of children looked after at {lab}")
            notes.append(f"children looked after at {lab}: {c} (plausible; nothing published)")
        stock[y] = c

    # -- quarterly starts and ends ---------------------------------------------------------
    starts = np.full(len(q), -1, dtype=np.int64)
    ends = np.full(len(q), -1, dtype=np.int64)
    for i, lab in enumerate(q["label"]):
        s, e = r.count("cla_started_q", lab), r.count("cla_ceased_q", lab)
        net = r.count("cla_net_q", lab)
        if s is not None:
            starts[i] = s
        if e is not None:
            ends[i] = e
        if net is not None and s is not None and e is not None and s - e != net:
            contradictions.append({"figure": f"cla_net_q {lab}", "published": net, "reproduced": s - e,
                                   "why": "net change printed does not equal entering minus leaving; "
                                          "entering and leaving reproduced"})
    short_breaks = np.zeros(len(q), dtype=np.int64)
    prev_stock = None
    for y in YEARS:
        rows = np.flatnonzero(q["year"].to_numpy() == y)
        fixed_e = ends[rows] >= 0
        fixed_s = starts[rows] >= 0
        ceased = r.count("cla_ceased", y)  # children, each ending once a year here, so = periods ending
        e_total = ceased if ceased is not None else PLAUSIBLE_ENDS[y]
        if fixed_e.all():
            e_total = int(ends[rows].sum())
        free_e = e_total - int(ends[rows][fixed_e].sum())
        if free_e < 0 or (free_e > 0 and fixed_e.all()):
            raise ValueError(f"{y}: plausible ends {e_total} below the published quarters")
        w = np.array(QUARTER_WEIGHTS)[~fixed_e]
        ends[rows[~fixed_e]] = spread(free_e, w)
        if y == YEARS[0]:
            s_total = STARTS_2011_12
            prev_stock = stock[y] - s_total + e_total
        delta = stock[y] - prev_stock
        if fixed_s.all():
            residual = prev_stock + int(starts[rows].sum()) - int(ends[rows].sum()) - stock[y]
            if residual < 0:
                contradictions.append({
                    "figure": f"cla_at_31march {snapshot(ReportingYear.parse(y).end).label}",
                    "published": stock[y], "reproduced": stock[y] + residual,
                    "why": "the published quarterly flows leave more children looked after than published"})
                stock[y] += residual
                residual = 0
            if residual > 0:
                # periods of full-time care that pass into short breaks only leave the stock without
                # ending (common.care_episodes): the only records reproducing both the flows and the stock
                short_breaks[rows[-1]] = residual
                notes.append(
                    f"{y}: the published quarterly flows add {int(starts[rows].sum()) - int(ends[rows].sum())} "
                    f"to the {prev_stock} looked after at the start of the year, but {stock[y]} were looked "
                    f"after at its end; {residual} children move from full-time care to short breaks only in "
                    f"{q['label'].iloc[rows[-1]]}, which the toolkit counts neither as leaving care nor as "
                    "looked after")
        else:
            s_free = delta + int(ends[rows].sum()) - int(starts[rows][fixed_s].sum())
            if s_free < 0:
                raise ValueError(f"{y}: published starts exceed what the stock change allows")
            starts[rows[~fixed_s]] = spread(s_free, np.array(QUARTER_WEIGHTS)[~fixed_s])
        prev_stock = stock[y]
    q["starts"], q["ends"], q["short_breaks"] = starts, ends, short_breaks
    initial = stock[YEARS[0]] - int(q.loc[q["year"] == YEARS[0], "starts"].sum()) + int(
        q.loc[q["year"] == YEARS[0], "ends"].sum())
    q["stock_end"] = initial + np.cumsum(starts - ends - short_breaks)

    # -- UASC and placed with parents --------------------------------------------------------
    uasc = np.zeros(len(q), dtype=np.int64)
    pwp = np.zeros(len(q), dtype=np.int64)
    nk = []
    for i, row in q.iterrows():
        u = r.count("cla_started_uasc_q", row["label"])
        if u is None and r.unknown("cla_started_uasc_q", row["label"]):
            nk.append(row["label"])
        uasc[i] = u if u is not None else PLAUSIBLE_UASC_STARTS[row["year"]][row["qi"]]
        p = r.count("cla_started_pwp_q", row["label"])
        pwp[i] = p if p is not None else PLAUSIBLE_PWP[row["year"]][row["qi"]]
        adj = r.count("cla_adjusted_net_q", row["label"])
        if adj is not None:
            implied = int(row["starts"] - row["ends"] - pwp[i] - uasc[i])
            if implied != adj:
                if u is None and row["starts"] - row["ends"] - pwp[i] - adj >= 0:
                    uasc[i] = row["starts"] - row["ends"] - pwp[i] - adj
                else:
                    contradictions.append({"figure": f"cla_adjusted_net_q {row['label']}", "published": adj,
                                           "reproduced": implied,
                                           "why": "adjusted net does not equal net - PwP - UASC as published"})
    for lab in nk:
        i = int(np.flatnonzero(q["label"].to_numpy() == lab)[0])
        notes.append(f"UASC starting care in {lab}: printed n/k; {uasc[i]} used, the only number with which "
                     f"the published 'Adjusted to' equals net - PwP - UASC")
    q["uasc"], q["pwp"] = uasc, pwp

    months = []
    for y in YEARS:
        months.extend(ReportingYear.parse(y).months())
    m = pd.DataFrame({"label": [p.label for p in months], "first": [day(p.start) for p in months],
                      "last": [day(p.end) for p in months]})
    m["quarter"] = [int(np.flatnonzero((q["first"] <= f).to_numpy() & (q["last"] >= f).to_numpy())[0])
                    for f in m["first"]]
    m_uasc = np.full(len(m), -1, dtype=np.int64)
    for i, lab in enumerate(m["label"]):
        c = r.count("uasc_arrivals_m", lab)
        if c is not None:
            m_uasc[i] = c
    for qi in range(len(q)):
        rows = np.flatnonzero(m["quarter"].to_numpy() == qi)
        known = m_uasc[rows] >= 0
        rest = int(uasc[qi]) - int(m_uasc[rows][known].sum())
        if rest < 0 or (known.all() and rest != 0):
            contradictions.append({"figure": f"uasc_arrivals_m {q['label'].iloc[qi]}",
                                   "published": int(m_uasc[rows][known].sum()), "reproduced": int(uasc[qi]),
                                   "why": "monthly UASC arrivals do not add up to the quarter"})
            rest = max(rest, 0)
        m_uasc[rows[~known]] = spread(rest, [1.0 + 0.15 * k for k in range(int((~known).sum()))])
    m["uasc"] = m_uasc

    uasc_stock = {}
    for y in YEARS:
        lab = snapshot(ReportingYear.parse(y).end).label
        c = r.count("uasc_at_31march", lab)
        uasc_stock[y] = c if c is not None else PLAUSIBLE_UASC_STOCK[y]

    # -- missing ----------------------------------------------------------------------------
    miss_care = np.zeros(len(q), dtype=np.int64)
    miss_home = np.zeros(len(q), dtype=np.int64)
    for i, row in q.iterrows():
        c = r.count("cla_missing_q", row["label"])
        if c is None:
            c = int(round(PLAUSIBLE_MISSING_SHARE[row["year"]] * row["stock_end"]))
        miss_care[i] = c
        pct = r.target("cla_missing_pct_q", row["label"])
        if pct is not None and not pct.accepts(100.0 * c / row["stock_end"]):
            contradictions.append({
                "figure": f"cla_missing_pct_q {row['label']}", "published": pct.value,
                "reproduced": round(100.0 * c / row["stock_end"], 3),
                "why": f"{c} children over the {row['stock_end']} looked after at the quarter end, a number fixed by "
                       "the published stock and quarterly flows, does not print as the published percentage"})
        h = r.count("missing_from_home_q", row["label"])
        miss_home[i] = h if h is not None else PLAUSIBLE_MISSING_HOME[row["year"]][row["qi"]]
    q["missing_care"], q["missing_home"] = miss_care, miss_home

    # -- yearly -------------------------------------------------------------------------------
    ann = []
    for y in YEARS:
        row = {"year": y}
        for key, ind, plaus in (("adoptions", "adoptions", PLAUSIBLE_ADOPTIONS), ("sgos", "sgos", PLAUSIBLE_SGOS),
                                ("independent", "cla_ceased_independent", PLAUSIBLE_INDEPENDENT)):
            c = r.count(ind, y)
            row[key] = c if c is not None else plaus[y]
        row["caos"] = PLAUSIBLE_CAOS[y]
        ceased = r.count("cla_ceased", y)
        if ceased is not None and ceased != int(q.loc[q["year"] == y, "ends"].sum()):
            contradictions.append({"figure": f"cla_ceased {y}", "published": ceased,
                                   "reproduced": int(q.loc[q["year"] == y, "ends"].sum()),
                                   "why": "children ceasing differ from the periods of care ending"})
        ret = r.target("cla_ceased_returned_pct", y)
        row["returned"] = numerator_for(ret, int(q.loc[q["year"] == y, "ends"].sum())) if ret is not None else None
        den = stock[y]
        tp = r.target("cla_3plus_placements", y)
        if tp is not None:
            row["three_plus"] = numerator_for(tp, den)
        else:
            row["three_plus"] = int(round(PLAUSIBLE_THREE_PLUS_SHARE.get(y, 0.15) * den))
        n1, pct1, fc = PLAUSIBLE_COMPLAINTS[y]
        c1 = r.count("complaints_stage1", y)
        row["stage1"] = c1 if c1 is not None else n1
        tt = r.target("complaints_stage1_timely", y)
        if tt is not None:
            row["timely"] = numerator_for(tt, row["stage1"])
        else:
            row["timely"] = int(round(pct1 * row["stage1"] / 100.0))
        fcc = r.count("complaints_from_children", y)
        row["from_children"] = fcc if fcc is not None else fc
        ann.append(row)
    annual = pd.DataFrame(ann).set_index("year")

    # -- area profile placements at 31 March 2013 -----------------------------------------------
    lab13 = snapshot(ReportingYear.parse("2012-13").end).label
    stock13 = stock["2012-13"]
    counts: dict[str, int] = {}
    for b in PLACEMENT_BREAKDOWNS:
        c = r.count("cla_by_placement_type", lab13, b)
        if c is not None:
            counts[b] = c
    free = [b for b in PLACEMENT_BREAKDOWNS if b not in counts]
    rest = stock13 - sum(counts.values())
    if rest < 0 or (not free and rest != 0):
        raise ValueError(f"placement groups at {lab13} do not add up to the {stock13} looked after")
    for b, c in zip(free, spread(rest, [PLAUSIBLE_GROUP_SHARE[b] for b in free]), strict=True):
        counts[b] = int(c)
    outside: dict[str, int | None] = {}
    for b in PLACEMENT_BREAKDOWNS:
        t = r.target("cla_by_placement_type_outside", lab13, b)
        outside[b] = numerator_for(t, counts[b]) if t is not None and counts[b] else None
    out_total = r.target("cla_placed_outside_la", lab13)
    total_out = numerator_for(out_total, stock13) if out_total is not None else None
    free = [b for b in PLACEMENT_BREAKDOWNS if outside[b] is None]
    if total_out is not None:
        rest = total_out - sum(v for v in outside.values() if v is not None)
        caps = [counts[b] for b in free]
        if rest < 0 or rest > sum(caps) or (not free and rest != 0):
            raise ValueError(f"children placed outside at {lab13} do not add up")
        split = spread(rest, [PLAUSIBLE_OUTSIDE_SHARE[b] * counts[b] for b in free])
        for b, c in zip(free, split, strict=True):
            outside[b] = min(int(c), counts[b])
        if free and sum(outside[b] for b in free) != rest:
            raise ValueError(f"children placed outside at {lab13}: the remainder does not fit the groups")
    for b in free:
        if outside[b] is None:
            outside[b] = int(round(PLAUSIBLE_OUTSIDE_SHARE[b] * counts[b]))
    placements_2013 = {b: (counts[b], int(outside[b])) for b in PLACEMENT_BREAKDOWNS}

    plan = CarePlan(q, m, stock, uasc_stock, annual, placements_2013, int(initial), r.published, notes,
                    contradictions)
    return plan

