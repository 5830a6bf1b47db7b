"""Stage 1 of the calibrated demo: children looked after (SSDA903), UASC, missing, council files.

``build(targets, seed)`` returns a :class:`~reporting.generate.calibrated.CareResult`:

1. :mod:`.care_plan` resolves every number to reproduce (published, or plausible where
   nothing was published) and lists the published figures no data can reproduce;
2. :mod:`.care_periods` builds the children and their periods of care, quarter by
   quarter, with exactly the planned starts, ends, UASC, placed-with-parents starts,
   returns and reasons for leaving care;
3. :mod:`.care_episodes` turns each period into SSDA903 episodes (placements, legal
   statuses, temporary placements), calibrated to the three-or-more-placements counts
   and the area profile's placements at 31 March 2013;
4. :mod:`.care_extracts` adds missing episodes, reviews, missing from home and
   complaints; :mod:`.care_places` the postcodes, ``la.toml`` and ``inspections.csv``.

Each year's SSDA903 files hold every episode open at any point of that year with its
real start date, in that year's codes (foster Q1/Q2 before 2014-15 and U1-U6 from then,
adoption A1/A2 then A3-A6, SGO E43/E44 then E45/E46, ``REASON_PLACE_CHANGE`` from
2015-16); an episode still open at 31 March has no end date in that year's file.

Everything is drawn from ``numpy.random.default_rng`` seeded from ``seed`` (one stream
per stage), so the same seed gives the same tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reporting.generate.calibrated import DEMO_YEARS, CareResult
from reporting.generate.calibrated.care_alloc import age_on, day, to_timestamps, years_later
from reporting.generate.calibrated.care_episodes import HORIZON, build_episodes, render_place
from reporting.generate.calibrated.care_extracts import (
    complaints,
    missing_from_care,
    missing_from_home,
    reviews,
)
from reporting.generate.calibrated.care_periods import OPEN, assign_end_codes, simulate_periods
from reporting.generate.calibrated.care_places import INSIDE, OUTSIDE, inspections_csv, la_toml
from reporting.generate.calibrated.care_plan import CarePlan, build_plan
from reporting.generate.calibrated.targets import Targets
from reporting.periods import ReportingYear
from reporting.schema.ssda903 import ssda903_spec

LA_CODE = "850"
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
SHORT_BREAK_CHILDREN = 46  # disabled children whose only care is short breaks (V4 agreements)
P_MOTHER = 0.04  # of girls looked after at 15 or older


def upn(serial: np.ndarray, la_code: str = LA_CODE) -> np.ndarray:
    """13-character UPNs: DfE check letter, LA number, establishment, year and serial digits."""
    tail = np.asarray(serial, dtype=np.int64)
    acc = np.full(len(tail), sum(int(ch) * (i + 2) for i, ch in enumerate(la_code)), dtype=np.int64)
    for pos in range(9):  # characters 5 to 13 carry weights 5 to 13
        acc += ((tail // 10 ** (8 - pos)) % 10) * (pos + 5)
    letters = np.array(list(UPN_LETTERS), dtype=object)[acc % 23]
    return letters + la_code + pd.Series(tail).astype(str).str.zfill(9).to_numpy(dtype=object)


def _short_breaks(rng: np.random.Generator, n_existing: int, sb_periods: pd.DataFrame, children: pd.DataFrame
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """V4 short-break episodes: the children whose full-time care passed into short breaks, and
    disabled children whose only care is short breaks. Returns (new children, episodes)."""
    rows = []
    t0, t1 = day("2009-04-01"), HORIZON
    kids = []
    for k in range(SHORT_BREAK_CHILDREN):
        idx = n_existing + k
        first = int(rng.integers(t0, day("2017-06-01")))
        age0 = 5 + rng.random() * 10
        dob = first - int(age0 * 365.25)
        kids.append({"idx": idx, "dob": dob, "sex": "1" if rng.random() < 0.62 else "2",
                     "ethnicity": "WBRI" if rng.random() < 0.9 else "MWBC", "uasc": False, "disabled": True,
                     "kind": "short_breaks"})
        b18 = int(years_later(np.array([dob]), 18)[0])
        d = first
        place = "K2" if rng.random() < 0.7 else "foster"
        while d < min(t1, b18):
            length = int(rng.integers(180, 366))
            end = d + length
            if end >= b18:
                rows.append((idx, d, b18, "S", place, "E8", "N2"))
                break
            if end >= t1:
                rows.append((idx, d, OPEN, "S", place, "", "N2"))
                break
            rows.append((idx, d, end, "S", place, "E4A", "N2"))
            d = end + int(rng.integers(1, 30))
    new = pd.DataFrame(kids)
    dob = children["dob"].to_numpy()
    for r in sb_periods.itertuples(index=False):
        b18 = int(years_later(np.array([dob[r.child]]), 18)[0])
        end = b18 if b18 < t1 else OPEN
        rows.append((int(r.child), int(r.end), end, "B", "K2", "E8" if end != OPEN else "", r.cin))
    sb = pd.DataFrame(rows, columns=["child", "decom", "dec", "rne", "sub", "rec", "cin"])
    sb = sb[(sb["dec"] == OPEN) | (sb["dec"] >= day("2011-04-01"))].reset_index(drop=True)
    return new, sb


def _episode_table(er, sb: pd.DataFrame, children: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Every episode (full care and short breaks) with its placement attributes, days as numbers."""
    ep = er.episodes
    seg = er.segments.set_index("sid")
    per = er.periods.set_index("pid")
    full = pd.DataFrame({
        "child": ep["child"].to_numpy(),
        "decom": ep["decom"].to_numpy(),
        "dec": ep["dec"].to_numpy(),
        "rne": ep["rne"].to_numpy(),
        "ls": ep["ls"].to_numpy(),
        "cin": per["cin"].reindex(ep["pid"]).to_numpy(),
        "rec": ep["rec"].to_numpy(),
        "rpc": ep["rpc"].to_numpy(),
        "home_post": per["home_post"].reindex(ep["pid"]).to_numpy(),
        "short_break": False,
    })
    s = seg.reindex(ep["sid"])
    for col in ("sub", "kin", "long_term", "a_carer", "a_consent", "ffa", "provider", "urn", "post", "outside"):
        full[col] = s[col].to_numpy()
    uasc_child = children.set_index("idx")["uasc"].reindex(full["child"]).to_numpy(bool)
    full.loc[uasc_child, "home_post"] = ""  # no home in England: no distance (DfE rule 406)
    temp = ep["temp_code"].to_numpy() != ""
    if temp.any():
        n = int(temp.sum())
        out = full.loc[temp, "outside"].to_numpy(dtype=bool)
        full.loc[temp, "sub"] = ep.loc[temp, "temp_code"].to_numpy()
        full.loc[temp, "provider"] = ""
        full.loc[temp, "urn"] = "XXXXXXX"
        full.loc[temp, "post"] = np.where(out, np.array(OUTSIDE, dtype=object)[rng.integers(0, len(OUTSIDE), n)],
                                          np.array(INSIDE, dtype=object)[rng.integers(0, len(INSIDE), n)])
    sbt = pd.DataFrame({
        "child": sb["child"].to_numpy(), "decom": sb["decom"].to_numpy(), "dec": sb["dec"].to_numpy(),
        "rne": sb["rne"].to_numpy(), "ls": "V4", "cin": sb["cin"].to_numpy(), "rec": sb["rec"].to_numpy(), "rpc": "",
        "home_post": "",
        "short_break": True, "sub": sb["sub"].to_numpy(), "kin": False, "long_term": False, "a_carer": False,
        "a_consent": False, "ffa": False, "provider": "PR1", "urn": "", "post": "", "outside": False,
    })
    allep = pd.concat([full, sbt], ignore_index=True)
    allep = allep.sort_values(["child", "decom"], kind="mergesort").reset_index(drop=True)
    dob = children.set_index("idx")["dob"].reindex(allep["child"]).to_numpy()
    if (allep["decom"].to_numpy() < dob).any():
        raise RuntimeError("an episode starts before the child was born")
    return allep


def _ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``LAchildID``-style ids: "H" and six digits, from 100000 to 899999 (900000+ are children
    known only to the missing-from-home service)."""
    nums = rng.choice(np.arange(100000, 900000), size=n, replace=False)
    return np.array([f"H{x}" for x in nums], dtype=object)


def _render_year(year: str, allep: pd.DataFrame, kids: pd.DataFrame, mis: pd.DataFrame, rev: pd.DataFrame
                 ) -> dict[str, pd.DataFrame]:
    """The year's SSDA903 tables (DfE column names, dates as datetime64)."""
    spec = ssda903_spec(year)
    ys, ye = day(ReportingYear.parse(year).start), day(ReportingYear.parse(year).end)
    dec = allep["dec"].to_numpy()
    m = (allep["decom"].to_numpy() <= ye) & ((dec == OPEN) | (dec >= ys))
    e = allep[m]
    ended = (e["dec"].to_numpy() != OPEN) & (e["dec"].to_numpy() <= ye)
    place = render_place(e["sub"].to_numpy(), e["kin"].to_numpy(bool), e["long_term"].to_numpy(bool),
                         e["a_carer"].to_numpy(bool), e["a_consent"].to_numpy(bool), e["ffa"].to_numpy(bool), year)
    sbk = e["short_break"].to_numpy(bool)
    loc = np.where(sbk, "", np.where(e["outside"].to_numpy(bool), "OUT", "IN"))
    ids = kids["child_id"].to_numpy()
    episodes = pd.DataFrame({
        "CHILD": ids[e["child"].to_numpy()],
        "DECOM": to_timestamps(e["decom"].to_numpy()).to_numpy(),
        "RNE": e["rne"].to_numpy(),
        "LS": e["ls"].to_numpy(),
        "CIN": e["cin"].to_numpy(),
        "PLACE": place,
        "PLACE_PROVIDER": e["provider"].to_numpy(),
        "DEC": to_timestamps(e["dec"].to_numpy(), ended).to_numpy(),
        "REC": np.where(ended, e["rec"].to_numpy(), ""),
        "REASON_PLACE_CHANGE": np.where(ended, e["rpc"].to_numpy(), "") if spec.reason_place_change else "",
        "HOME_POST": e["home_post"].to_numpy(),
        "PL_POST": e["post"].to_numpy(),
        "URN": e["urn"].to_numpy(),
        "PL_LOCATION": loc,
    })
    episodes = episodes.astype({c: object for c in episodes.columns if c not in ("DECOM", "DEC")})
    for col in spec.columns("episodes") + ["PL_LOCATION"]:
        codes = spec.codes("episodes", col)
        if codes is not None:
            bad = set(episodes[col]) - codes - {""}
            if bad:
                raise RuntimeError(f"{year} SSDA903 episodes {col}: codes {sorted(bad)} not in the year's list")

    present = np.unique(e["child"].to_numpy())
    k = kids.iloc[present]
    female = k["sex"].to_numpy() == "2"
    full_care = np.isin(present, e.loc[~sbk, "child"].to_numpy())  # MOTHER is not asked of short breaks only
    mc = k["mc_dob"].to_numpy()
    is_mother = female & (mc >= 0) & (mc <= ye)
    age_end = age_on(k["dob"].to_numpy(), np.full(len(k), ye))
    upn_col = np.where(age_end < 5, "UN1", k["upn"].to_numpy())
    header = pd.DataFrame({
        "CHILD": k["child_id"].to_numpy(),
        "SEX": k["sex"].to_numpy(),
        "DOB": to_timestamps(k["dob"].to_numpy()).to_numpy(),
        "ETHNIC": k["ethnicity"].to_numpy(),
        "UPN": upn_col,
        "MOTHER": np.where(female & full_care, np.where(is_mother, "1", "0"), ""),
        "MC_DOB": to_timestamps(np.where(is_mother, mc, 0), is_mother).to_numpy(),
    })
    header = header.astype({c: object for c in header.columns if c not in ("DOB", "MC_DOB")})

    u = k[k["uasc"].to_numpy()]
    # DUC as the year's return knew it: the 18th birthday, recorded in advance, until the
    # status actually ceased earlier (an age assessment, E15) in or before this year; a
    # return made before that day cannot know it (DfE rule 205B chains the years this way)
    duc = u["duc"].to_numpy()
    duc = np.where((duc > 0) & (duc > ye), years_later(u["dob"].to_numpy(), 18), duc)
    uasc = pd.DataFrame({
        "CHILD": u["child_id"].to_numpy(),
        "SEX": u["sex"].to_numpy(),
        "DOB": to_timestamps(u["dob"].to_numpy()).to_numpy(),
        "DUC": to_timestamps(np.where(duc > 0, duc, 0), duc > 0).to_numpy(),
    }).astype({"CHILD": object, "SEX": object})

    mm = mis[(mis["start"] >= ys) & (mis["start"] <= ye)]
    missing = pd.DataFrame({
        "CHILD": ids[mm["child"].to_numpy()],
        "DOB": to_timestamps(kids["dob"].to_numpy()[mm["child"].to_numpy()]).to_numpy(),
        "MISSING": mm["code"].to_numpy(),
        "MIS_START": to_timestamps(mm["start"].to_numpy()).to_numpy(),
        "MIS_END": to_timestamps(mm["end"].to_numpy(), mm["end"].to_numpy() <= ye).to_numpy(),
    }).astype({"CHILD": object, "MISSING": object})
    rr = rev[(rev["day"] >= ys) & (rev["day"] <= ye)]
    reviews_t = pd.DataFrame({
        "CHILD": ids[rr["child"].to_numpy()],
        "DOB": to_timestamps(kids["dob"].to_numpy()[rr["child"].to_numpy()]).to_numpy(),
        "REVIEW": to_timestamps(rr["day"].to_numpy()).to_numpy(),
        "REVIEW_CODE": rr["code"].to_numpy(),
    }).astype({"CHILD": object, "REVIEW_CODE": object})
    return {"header": header.sort_values("CHILD", kind="mergesort").reset_index(drop=True),
            "episodes": episodes.sort_values(["CHILD", "DECOM"], kind="mergesort").reset_index(drop=True),
            "uasc": uasc.sort_values("CHILD", kind="mergesort").reset_index(drop=True),
            "missing": missing.sort_values(["CHILD", "MIS_START"], kind="mergesort").reset_index(drop=True),
            "reviews": reviews_t.sort_values(["CHILD", "REVIEW"], kind="mergesort").reset_index(drop=True)}


def build_from_plan(plan: CarePlan, seed: int) -> CareResult:
    """The looked-after side for a resolved plan (see :func:`build`)."""
    rng_periods = np.random.default_rng([seed, 1])
    rng_episodes = np.random.default_rng([seed, 2])
    rng_other = np.random.default_rng([seed, 3])
    pr = simulate_periods(plan, rng_periods)
    rec = assign_end_codes(pr, plan, rng_periods)
    er = build_episodes(pr, rec, plan, rng_episodes)
    periods = er.periods
    children = pr.children.copy()
    sb_periods = periods[periods["end_kind"] == "short_breaks"]
    new_kids, sb = _short_breaks(rng_other, len(children), sb_periods, children)
    children = pd.concat([children, new_kids], ignore_index=True)
    n = len(children)
    allep = _episode_table(er, sb, children, rng_other)

    # identities and per-child attributes
    children["child_id"] = _ids(rng_other, n)
    est = rng_other.integers(2000, 6000, n)
    yy = (pd.to_datetime(to_timestamps(children["dob"].to_numpy())).dt.year.to_numpy() + 5) % 100
    serial = est * 100000 + yy * 1000 + rng_other.integers(0, 1000, n)
    children["upn"] = upn(serial)
    first_start = periods.groupby("child")["start"].min()
    children["uasc_arrival"] = first_start.reindex(children["idx"]).fillna(-1).astype(np.int64).to_numpy()
    b18 = years_later(children["dob"].to_numpy(), 18)
    duc = np.where(children["uasc"].to_numpy(), b18, 0)
    e15 = periods[(periods["rec"] == "E15")]
    duc[e15["child"].to_numpy()] = e15["end"].to_numpy()
    children["duc"] = duc
    # mothers: a few girls looked after at 15 or older have a child while in care
    mc = np.full(n, -1, dtype=np.int64)
    girls = periods[(children["sex"].to_numpy()[periods["child"].to_numpy()] == "2")]
    b15 = years_later(children["dob"].to_numpy(), 15)
    for r in girls.itertuples(index=False):
        lo = max(int(r.start), int(b15[r.child]))
        hi = min(HORIZON - 1 if r.end == OPEN else int(r.end), day("2018-03-31"))
        if hi - lo > 60 and mc[r.child] < 0 and rng_other.random() < P_MOTHER:
            mc[r.child] = int(rng_other.integers(lo + 30, hi))
    children["mc_dob"] = mc
    kids = children.sort_values("idx").reset_index(drop=True)

    mis = missing_from_care(rng_other, plan, periods, kids)
    rev = reviews(rng_other, periods, kids)
    mfh = missing_from_home(rng_other, plan, periods, kids, kids["child_id"].to_numpy())
    comp = complaints(rng_other, plan)

    ssda903 = {}
    extracts = {}
    for y in DEMO_YEARS:
        ssda903[y] = _render_year(y, allep, kids, mis, rev)
        ys, ye = day(ReportingYear.parse(y).start), day(ReportingYear.parse(y).end)
        h = mfh[(mfh["start"] >= ys) & (mfh["start"] <= ye)]
        extracts[y] = {
            "missing_from_home": pd.DataFrame({
                "child_id": h["child_id"].to_numpy(dtype=object),
                "start_date": to_timestamps(h["start"].to_numpy()).to_numpy(),
                "end_date": to_timestamps(h["end"].to_numpy()).to_numpy(),
            }),
            "complaints": comp[y],
        }

    ids = kids["child_id"].to_numpy()
    out_children = pd.DataFrame({
        "child_id": ids,
        "birth_date": to_timestamps(kids["dob"].to_numpy()).to_numpy(),
        "sex": kids["sex"].to_numpy(),
        "ethnicity": kids["ethnicity"].to_numpy(),
        "uasc": kids["uasc"].to_numpy(bool),
        "upn": kids["upn"].to_numpy(),
        "disabled": kids["disabled"].to_numpy(bool),
        "short_breaks_only": (kids["kind"] == "short_breaks").to_numpy(),
    })
    sb_move = periods["end_kind"].eq("short_breaks").to_numpy()
    open_ = (periods["end"].to_numpy() == OPEN) | sb_move
    out_periods = pd.DataFrame({
        "child_id": ids[periods["child"].to_numpy()],
        "period_start": to_timestamps(periods["start"].to_numpy()).to_numpy(),
        "period_end": to_timestamps(periods["end"].to_numpy(), ~open_).to_numpy(),
        "end_rec": np.where(open_, "", periods["rec"].to_numpy()),
        "uasc": kids["uasc"].to_numpy(bool)[periods["child"].to_numpy()],
        "short_breaks_from": to_timestamps(periods["end"].to_numpy(), sb_move).to_numpy(),
    }).sort_values(["child_id", "period_start"], kind="mergesort").reset_index(drop=True)
    council = {"la.toml": la_toml(seed), "inspections.csv": inspections_csv()}
    return CareResult(out_children, out_periods, ssda903, extracts, council)


def build(targets: Targets, seed: int) -> CareResult:
    """Looked-after children (SSDA903 per year), extracts and council files reproducing ``targets``."""
    return build_from_plan(build_plan(targets), seed)

