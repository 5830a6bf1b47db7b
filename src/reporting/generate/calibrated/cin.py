"""Stage 2 of the calibrated demo: the CIN census, contacts and CP visits of every year.

:func:`build` reproduces, from invented records, every CIN-side figure that Hampshire
(annual safeguarding report 2016-17, Ofsted area profile 2013) and DfE (tables B1, C1,
D3, D5) published for 2012-13 to 2017-18, with 2011-12 written as history. It is
constructive: each count is decided first (:mod:`.cin_years`) and records are laid out to
carry it, in this order -

1. child protection plans, their bands at 31 March, repeats and S47 enquiries
   (:mod:`.cin_plans`);
2. CIN episodes around the plans and around the periods of care of stage 1, and the other
   episodes that make DfE's starts, ends and stocks exact (:mod:`.cin_episodes`);
3. assessments and further S47 enquiries, exact per year and kind, timeliness included
   (:mod:`.cin_assess`);
4. children: episodes joined so that re-referrals and children in need at any point are
   exact (:mod:`.cin_links`), with dates of birth that keep every child under 18;
5. visits and contacts (:mod:`.cin_extracts`);
6. each year's census as that council would have extracted it on 31 March: episodes open
   at some point of the year (closures after 31 March not yet known), that year's
   assessments and S47 activity, plans open at some point of the year with their
   original start dates.

Everything is drawn from generators seeded with ``[seed, stage]``: the same seed gives the
same tables, and so the same bytes once written. Choices and the targets that could not
be met are in ``docs/calibration.md``; ``build`` also leaves them on ``result.notes``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reporting.generate.calibrated import LEA, CareResult, CinResult
from reporting.generate.calibrated.cin_assess import build_assessments
from reporting.generate.calibrated.cin_episodes import DATA_END, build_episodes
from reporting.generate.calibrated.cin_extracts import build_visits, contacts_for_year
from reporting.generate.calibrated.cin_links import link
from reporting.generate.calibrated.cin_plans import build_plans, plan_reviews
from reporting.generate.calibrated.cin_util import (
    FAR,
    add_years,
    apportion,
    pick,
    to_dt,
    wd_add,
    year_index,
)
from reporting.generate.calibrated.cin_years import CinYear, resolve_years
from reporting.generate.calibrated.targets import Targets
from reporting.schema.cin import FACTOR_CODES, REFERRAL_SOURCE_GROUPS, TABLES, cin_spec

ETHNICITY = {"WBRI": 0.835, "WIRI": 0.003, "WIRT": 0.006, "WOTH": 0.035, "WROM": 0.004, "MWBC": 0.02,
             "MWBA": 0.008, "MWAS": 0.01, "MOTH": 0.015, "AIND": 0.006, "APKN": 0.003, "ABAN": 0.002,
             "AOTH": 0.012, "BCRB": 0.003, "BAFR": 0.008, "BOTH": 0.002, "CHNE": 0.002, "OOTH": 0.008,
             "REFU": 0.006, "NOBT": 0.01}
# codes within each source group (the groups' counts are the report's)
SOURCE_CODES = {"individual": {"1A": 0.45, "1B": 0.35, "1C": 0.15, "1D": 0.05},
                "education": {"2A": 0.9, "2B": 0.1},
                "health": {"3A": 0.2, "3B": 0.3, "3C": 0.2, "3D": 0.15, "3E": 0.1, "3F": 0.05},
                "housing": {"4": 1.0}, "la_services": {"5A": 0.5, "5B": 0.3, "5C": 0.15, "5D": 0.05},
                "police": {"6": 1.0}, "other_legal": {"7": 1.0}, "other": {"8": 1.0}, "anonymous": {"9": 1.0},
                "unknown": {"10": 1.0}, "not_recorded": {"": 1.0}}
NEED_PLAIN = {"N1": 0.35, "N2": 0.06, "N3": 0.07, "N4": 0.17, "N5": 0.23, "N6": 0.08, "N7": 0.01, "N8": 0.03}
NEED_CLA = {"N1": 0.62, "N2": 0.04, "N3": 0.04, "N4": 0.12, "N5": 0.1, "N6": 0.03, "N8": 0.05}
AGE_BANDS = ((0.0, 1.0, 0.13), (1.0, 5.0, 0.22), (5.0, 10.0, 0.25), (10.0, 16.0, 0.31), (16.0, 17.6, 0.09))
DISABILITY = {"LD": 0.25, "COMM": 0.2, "BEH": 0.2, "AUT": 0.15, "MOB": 0.07, "HAND": 0.03, "PC": 0.03,
              "CON": 0.03, "VIS": 0.02, "HEAR": 0.02}
P_DISABLED = 0.08
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UNDER_SCHOOL_AGE = "UN1"  # "child is aged under 6 years old and is not yet attending school"
CHILD_PREFIX = "N"


def _choose(rng, weights: dict[str, float], n: int) -> np.ndarray:
    codes = np.array(list(weights), dtype=object)
    w = np.array(list(weights.values()), dtype=float)
    return codes[rng.choice(len(codes), size=n, p=w / w.sum())] if n else codes[:0]


def _upn(idx: np.ndarray) -> np.ndarray:
    """13-character UPNs with a valid check letter: the letter, LA number 850, then 9 digits."""
    tail = np.asarray(idx, dtype=np.int64) + 100_000_001
    acc = np.full(len(tail), sum(int(ch) * (i + 2) for i, ch in enumerate(LEA)), dtype=np.int64)
    for pos in range(9):
        acc += ((tail // 10 ** (8 - pos)) % 10) * (pos + 5)
    letters = np.array(list(UPN_LETTERS), dtype=object)[acc % 23]
    return letters + LEA + pd.Series(tail).astype(str).str.zfill(9).to_numpy(dtype=object)


def build(targets: Targets, care: CareResult, seed: int) -> CinResult:
    """The CIN census, contacts and CP visits of every demo year (see the module docstring)."""

    def rng(stage: int) -> np.random.Generator:
        return np.random.default_rng([seed, 4, stage])

    years = resolve_years(targets)
    notes: list[str] = []
    for y in years:
        notes += [f"{y.label}: default {d}" for d in y.defaults] + [f"{y.label}: {n}" for n in y.notes]
    pb = build_plans(years, rng(1))
    eb = build_episodes(years, pb.plans, care, rng(2))
    eps, plans = eb.eps, eb.plans
    ab = build_assessments(years, eps, plans, rng(3))
    lb = link(years, eps, rng(4))
    notes += pb.notes + eb.notes + ab.notes + lb.notes
    eps["chain"] = lb.child
    kids = _children(years, eps, plans, eb.cla_children, rng(5))
    eps["child"] = eps["chain"].map(pd.Series(np.arange(len(kids)), index=kids["chain"].to_numpy()))
    plans["cin_child_id"] = kids["child_id"].to_numpy()[eps["child"].to_numpy()[plans["episode"].to_numpy()]]
    _sources_and_needs(years, eps, rng(6))
    cin_plans = _cin_plans(eps, plans, ab.assessments, rng(7))
    reviews = plan_reviews(plans, rng(8))
    visits, visit_shares, vnotes = build_visits(years, plans, rng(9))
    notes += vnotes
    factors = _factors(ab.assessments, eps, rng(10))
    cin = {y.label: _census(y, eps, kids, plans, ab.assessments, ab.s47, cin_plans, reviews, factors)
           for y in years}
    cp_visits = {y.label: _visits_extract(y, plans, visits, kids) for y in years}
    contacts = _contacts(years, eps, kids, rng(11))
    result = CinResult(cin, contacts, cp_visits)
    result.notes = notes  # type: ignore[attr-defined]
    return result


# -- children --------------------------------------------------------------------------------------
def _children(years: list[CinYear], eps: pd.DataFrame, plans: pd.DataFrame, cla_kids: pd.DataFrame, rng
              ) -> pd.DataFrame:
    """One row per child (chain of episodes): id, date of birth, sex, ethnicity, disabilities."""
    close = eps["close"].to_numpy()
    last = np.where(close > DATA_END, DATA_END, close)
    g = pd.DataFrame({"chain": eps["chain"].to_numpy(), "ref": eps["ref"].to_numpy(), "last": last,
                      "child_id": eps["child_id"].to_numpy()})
    agg = g.groupby("chain", sort=False).agg(first=("ref", "min"), last=("last", "max"), cid=("child_id", "max"))
    agg = agg.reset_index().sort_values(["first", "chain"], kind="mergesort").reset_index(drop=True)
    n = len(agg)
    is_cla = agg["cid"].to_numpy() != ""
    # dates of birth: an age at the first referral that keeps the child under 18 to the last day seen
    span = agg["last"].to_numpy() - agg["first"].to_numpy()
    band = rng.choice(len(AGE_BANDS), size=n, p=[b[2] for b in AGE_BANDS])
    lo = np.array([b[0] for b in AGE_BANDS])[band]
    hi = np.array([b[1] for b in AGE_BANDS])[band]
    age = lo + rng.random(n) * (hi - lo)
    max_age = np.maximum((18 * 365.25 - span - 3) / 365.25, 0.0)
    age = np.where(age > max_age, rng.random(n) * max_age, age)
    dob = agg["first"].to_numpy() - np.floor(age * 365.25).astype(np.int64)
    too_old = add_years(dob, 18) <= agg["last"].to_numpy()
    dob = np.where(too_old, add_years(agg["last"].to_numpy(), -18) + 1, dob)
    sex = np.where(rng.random(n) < 0.52, "1", "2").astype(object)
    eth = _choose(rng, ETHNICITY, n)
    ids = np.array([f"{CHILD_PREFIX}{i + 1:07d}" for i in range(n)], dtype=object)
    upn_given = np.full(n, "", dtype=object)
    if len(cla_kids):
        ck = cla_kids.set_index(cla_kids["child_id"].astype(str))
        cid = agg["cid"].to_numpy()
        m = is_cla
        ids[m] = cid[m]
        dob[m] = ck.loc[cid[m], "dob"].to_numpy()
        sex[m] = ck.loc[cid[m], "sex"].astype(str).to_numpy()
        eth[m] = ck.loc[cid[m], "ethnicity"].astype(str).to_numpy()
        if "upn" in ck.columns:  # the UPN the SSDA903 header carries
            given = ck.loc[cid[m], "upn"].fillna("").astype(str).to_numpy()
            upn_given[np.flatnonzero(m)] = np.where(pd.Series(given).str.fullmatch(r"[A-Z]\d{12}"), given, "")
        clash = set(ids[~m].tolist()) & set(cid[m].tolist())
        if clash:
            raise ValueError(f"CIN child ids clash with looked-after children's ids: {sorted(clash)[:3]}")
    dis = rng.random(n) < P_DISABLED
    d1 = np.where(dis, _choose(rng, DISABILITY, n), "NONE").astype(object)
    d2 = np.where(dis & (rng.random(n) < 0.25), _choose(rng, DISABILITY, n), "").astype(object)
    d2 = np.where(d2 == d1, "", d2).astype(object)
    return pd.DataFrame({"chain": agg["chain"].to_numpy(), "child_id": ids, "dob": dob, "sex": sex,
                         "ethnicity": eth, "dis1": d1, "dis2": d2, "upn_idx": np.arange(n), "upn_given": upn_given,
                         "first": agg["first"],
                         "last": agg["last"]})


def _sources_and_needs(years: list[CinYear], eps: pd.DataFrame, rng) -> None:
    """Referral source codes (each year's group counts exact) and primary need codes.

    Referrals with no source recorded (2013-14's 230, the first year the census required one)
    are referrals closed within their year, so no later census carries them.
    """
    first_year = int(years[0].label[:4])
    ref = eps["ref"].to_numpy()
    close = eps["close"].to_numpy()
    yi = np.where(ref >= years[0].start, year_index(ref, first_year), -1)
    group = np.full(len(eps), "", dtype=object)
    for y in years:
        idx = np.flatnonzero(yi == y.idx)
        if sum(y.sources.values()) != len(idx):
            raise ValueError(f"{y.label}: {sum(y.sources.values())} sources for {len(idx)} referrals")
        blank = pick(rng, idx[close[idx] <= y.end], y.sources.get("not_recorded", 0))
        idx = np.setdiff1d(idx, blank)
        group[blank] = "not_recorded"
        names = [n for n in y.sources if n != "not_recorded"]
        labels = np.repeat(np.array(names, dtype=object), [y.sources[n] for n in names])
        group[idx] = rng.permutation(labels)
    old = np.flatnonzero(yi < 0)
    ref0 = years[0].sources
    names = [n for n in ref0 if n != "not_recorded"]
    counts = apportion(len(old), [ref0[n] for n in names])
    group[old] = rng.permutation(np.repeat(np.array(names, dtype=object), counts))
    code = np.full(len(eps), "", dtype=object)
    for g, codes in SOURCE_CODES.items():
        at = np.flatnonzero(group == g)
        code[at] = _choose(rng, codes, len(at))
    unknown = set(group.tolist()) - set(SOURCE_CODES)
    if unknown:
        raise ValueError(f"unknown referral source groups {unknown}")
    assert set(SOURCE_CODES) - {"not_recorded"} == set(REFERRAL_SOURCE_GROUPS)
    eps["referral_source"] = code
    kind = eps["kind"].to_numpy()
    origin = eps["origin"].to_numpy()
    n = len(eps)
    need = np.where(origin == "plan", "N1",
                    np.where(origin == "cla", _choose(rng, NEED_CLA, n), _choose(rng, NEED_PLAIN, n))).astype(object)
    need = np.where(eps["uasc"].to_numpy(), "N8", need)
    need = np.where(kind == "nin", "N9", need)
    need = np.where(kind == "nfa", "", need)
    eps["primary_need"] = need


def _cin_plans(eps: pd.DataFrame, plans: pd.DataFrame, assessments: pd.DataFrame, rng) -> pd.DataFrame:
    """CIN plans: services after an assessment in plain episodes of need; a step-down after the last
    child protection plan of a plan episode."""
    close = eps["close"].to_numpy()
    first_a = assessments.groupby("episode")["end"].min()
    a_end = eps["episode"].map(first_a).fillna(-1).astype(np.int64).to_numpy()
    ref = eps["ref"].to_numpy()
    origin = eps["origin"].to_numpy()
    plain = (origin == "plain") & (rng.random(len(eps)) < 0.6)
    s = np.where(a_end > 0, a_end + rng.integers(0, 15, len(eps)), ref + rng.integers(20, 45, len(eps)))
    e = np.where(close < FAR, close - rng.integers(0, 8, len(eps)), FAR)
    ok = plain & (e - s >= 20)
    rows = [pd.DataFrame({"episode": eps["episode"].to_numpy()[ok], "start": s[ok], "end": e[ok]})]
    last = plans.sort_values("start").groupby("episode").tail(1)
    ep_close = close[last["episode"].to_numpy()]
    pe = last["end"].to_numpy()
    sd = (pe < FAR) & (ep_close - pe > 30) & (rng.random(len(last)) < 0.7)
    sd_end = np.where(ep_close < FAR, ep_close - rng.integers(0, 5, len(last)), FAR)
    rows.append(pd.DataFrame({"episode": last["episode"].to_numpy()[sd], "start": pe[sd] + 1, "end": sd_end[sd]}))
    return pd.concat(rows, ignore_index=True)


NO_FACTORS = "21"  # "no factors identified"
P_NO_FACTORS = 0.4  # share of the assessments of referrals assessed as not in need that find none


def _factors(assessments: pd.DataFrame, eps: pd.DataFrame, rng) -> pd.DataFrame:
    """Factors identified at the end of each single assessment: one to four, or "21 no factors
    identified" alone - only ever for a referral closed as not in need (RC8) after it (DfE rule
    8873Q: an episode whose only assessment found no factors closes RC8)."""
    single = np.flatnonzero(assessments["kind"].to_numpy() == "single")
    closed_rc8 = np.isin(eps["kind"].to_numpy()[assessments["episode"].to_numpy()[single]], ["nin", "co"])
    none = closed_rc8 & (rng.random(len(single)) < P_NO_FACTORS)
    k = np.where(none, 1, rng.integers(1, 5, len(single)))
    owner = np.repeat(single, k)
    codes = np.array(sorted(FACTOR_CODES - {NO_FACTORS}), dtype=object)
    common = np.array(["1B", "2B", "3B", "4B", "8B", "20", "6C", "18B", "19B"], dtype=object)
    f = np.where(rng.random(len(owner)) < 0.65, common[rng.integers(0, len(common), len(owner))],
                 codes[rng.integers(0, len(codes), len(owner))])
    f = np.where(np.repeat(none, k), NO_FACTORS, f)
    df = pd.DataFrame({"assessment": owner, "factor": f}).drop_duplicates()
    return df.reset_index(drop=True)


# -- one year's census ------------------------------------------------------------------------------
def _dates(values: np.ndarray, shown: np.ndarray) -> np.ndarray:
    return np.where(shown, to_dt(np.where(shown, values, 0)), np.datetime64("NaT"))


def _census(y: CinYear, eps, kids, plans, assessments, s47, cin_plans, reviews, factors) -> dict[str, pd.DataFrame]:
    spec = cin_spec(y.label)
    ys, ye = y.start, y.end
    e = eps[(eps["ref"] <= ye) & (eps["close"] >= ys)]
    e = e.sort_values(["child", "ref"], kind="mergesort")
    closed = e["close"].to_numpy() <= ye
    k = kids.iloc[np.unique(e["child"].to_numpy())]
    child_of = kids["child_id"].to_numpy()
    dob = k["dob"].to_numpy()
    age = (ye - dob) / 365.25
    own = np.where(k["upn_given"].to_numpy() != "", k["upn_given"].to_numpy(), _upn(k["upn_idx"].to_numpy()))
    upn = np.where(age >= 5, own, "").astype(object)
    children = pd.DataFrame({
        "child_id": k["child_id"].to_numpy(), "upn": upn, "former_upn": "",
        "upn_unknown": np.where(age >= 5, "", UNDER_SCHOOL_AGE).astype(object),
        "birth_date": to_dt(dob), "expected_birth_date": pd.NaT, "sex": k["sex"].to_numpy(),
        "death_date": pd.NaT, "ethnicity": k["ethnicity"].to_numpy(), "line": 0})
    dis = pd.concat([pd.DataFrame({"child_id": k["child_id"].to_numpy(), "disability": k["dis1"].to_numpy()}),
                     pd.DataFrame({"child_id": k["child_id"].to_numpy(), "disability": k["dis2"].to_numpy()})])
    dis = dis[dis["disability"] != ""]
    order = pd.Series(np.arange(len(children)), index=children["child_id"])
    dis = dis.iloc[np.argsort(order[dis["child_id"]].to_numpy(), kind="stable")].reset_index(drop=True)
    ep_ids = e["episode"].to_numpy()
    episodes = pd.DataFrame({
        "child_id": child_of[e["child"].to_numpy()], "episode_id": ep_ids,
        "referral_date": to_dt(e["ref"].to_numpy()), "referral_source": e["referral_source"].to_numpy(),
        "primary_need": e["primary_need"].to_numpy(),
        "closure_date": _dates(e["close"].to_numpy(), closed),
        "closure_reason": np.where(closed, e["reason"].to_numpy(), "").astype(object),
        "icpc_date": pd.NaT, "referral_nfa": pd.array(e["kind"].to_numpy() == "nfa", dtype="boolean"), "line": 0})
    ep_child = pd.Series(episodes["child_id"].to_numpy(), index=ep_ids)
    in_census = set(ep_ids.tolist())
    # assessments of the year: active at some point of it; completion shown when on or before 31 March
    a = assessments.reset_index(drop=True)
    a = a.assign(assessment_id=np.arange(len(a)))
    a = a[(a["start"] <= ye) & (a["end"] >= ys) & a["episode"].isin(in_census)]
    if not spec.single_assessment:
        a = a[a["kind"] != "single"]
    if not spec.initial_core_assessments:
        a = a[a["kind"] == "single"]
    shown = a["end"].to_numpy() <= ye
    ass = pd.DataFrame({"child_id": ep_child[a["episode"].to_numpy()].to_numpy(), "episode_id": a["episode"].to_numpy(),
                        "assessment_id": a["assessment_id"].to_numpy(), "kind": a["kind"].to_numpy(),
                        "start_date": to_dt(a["start"].to_numpy()), "review_date": pd.NaT,
                        "authorised_date": _dates(a["end"].to_numpy(), shown), "line": 0})
    f = factors[factors["assessment"].isin(a["assessment_id"].to_numpy()[shown & (a["kind"].to_numpy() == "single")])]
    fac = pd.DataFrame({"assessment_id": f["assessment"].to_numpy(), "factor": f["factor"].to_numpy()})
    if not spec.factor_codes:
        fac = fac.iloc[:0]
    # CIN plans overlapping the year
    cp = cin_plans[(cin_plans["start"] <= ye) & (cin_plans["end"] >= ys) & cin_plans["episode"].isin(in_census)]
    cp = cp[cp["start"] <= cp["end"]]
    cinp = pd.DataFrame({"child_id": ep_child[cp["episode"].to_numpy()].to_numpy(),
                         "episode_id": cp["episode"].to_numpy(), "start_date": to_dt(cp["start"].to_numpy()),
                         "end_date": _dates(cp["end"].to_numpy(), cp["end"].to_numpy() <= ye), "line": 0})
    # S47: started in the year, or started before with the conference in the year
    s = s47[((s47["start"] >= ys) & (s47["start"] <= ye)) | ((s47["start"] < ys) & (s47["icpc"] >= ys)
                                                            & (s47["icpc"] <= ye))]
    s = s[s["episode"].isin(in_census)]
    held = s["icpc"].to_numpy() <= ye
    no_conf = s["icpc"].to_numpy() >= FAR
    s47t = pd.DataFrame({"child_id": ep_child[s["episode"].to_numpy()].to_numpy(), "episode_id": s["episode"].to_numpy(),
                         "start_date": to_dt(s["start"].to_numpy()),
                         "icpc_target_date": to_dt(wd_add(s["start"].to_numpy(), 15)),
                         "icpc_date": _dates(s["icpc"].to_numpy(), held),
                         "icpc_not_required": pd.array(no_conf & (s["start"].to_numpy() <= ye), dtype="boolean"),
                         "line": 0})
    # plans open at some point of the year
    p = plans[(plans["start"] <= ye) & (plans["end"] >= ys)]
    p_shown = p["end"].to_numpy() <= ye
    pid = p.index.to_numpy()
    cpp = pd.DataFrame({"child_id": ep_child[p["episode"].to_numpy()].to_numpy(), "episode_id": p["episode"].to_numpy(),
                        "plan_id": pid, "start_date": to_dt(p["start"].to_numpy()),
                        "end_date": _dates(p["end"].to_numpy(), p_shown),
                        "initial_category": p["category"].to_numpy(), "latest_category": p["category"].to_numpy(),
                        "previous_plans": pd.array(p["previous_plans"].to_numpy(), dtype="Int64"), "line": 0})
    r = reviews[reviews["plan"].isin(pid) & (reviews["review"] >= ys) & (reviews["review"] <= ye)]
    rev = pd.DataFrame({"child_id": cpp.set_index("plan_id")["child_id"][r["plan"].to_numpy()].to_numpy(),
                        "plan_id": r["plan"].to_numpy(), "review_date": to_dt(r["review"].to_numpy()), "line": 0})
    out = {"children": children, "disabilities": dis, "cin_episodes": episodes, "assessments": ass,
           "assessment_factors": fac, "cin_plans": cinp, "s47": s47t, "cp_plans": cpp, "cp_reviews": rev}
    for name, df in out.items():
        out[name] = df[[c for c in TABLES[name] if c in df.columns]].reset_index(drop=True)
    return out


def _visits_extract(y: CinYear, plans: pd.DataFrame, visits: pd.DataFrame, kids: pd.DataFrame) -> pd.DataFrame:
    p = plans[(plans["start"] <= y.end) & (plans["end"] >= y.start)]
    v = visits[visits["plan"].isin(p.index.to_numpy()) & (visits["day"] <= y.end)]
    return pd.DataFrame({"child_id": plans["cin_child_id"].to_numpy()[v["plan"].to_numpy()],
                         "plan_start_date": to_dt(plans["start"].to_numpy()[v["plan"].to_numpy()]),
                         "visit_date": to_dt(v["day"].to_numpy()), "line": 0})


def _contacts(years: list[CinYear], eps: pd.DataFrame, kids: pd.DataFrame, rng) -> dict[str, pd.DataFrame]:
    ref = eps["ref"].to_numpy()
    child = eps["child"].to_numpy()
    source = eps["referral_source"].to_numpy()
    n_kids = len(kids)
    pool_next = n_kids
    out = {}
    pool_dob = np.zeros(0, dtype=np.int64)
    pool_sex = np.zeros(0, dtype=object)
    pool_eth = np.zeros(0, dtype=object)
    for y in years:
        rows, pool_next_new = contacts_for_year(y, ref, child, source, kids, pool_next, rng)
        grow = pool_next_new - pool_next
        pool_dob = np.r_[pool_dob, y.start - (rng.random(grow) * 17.5 * 365.25).astype(np.int64)]
        pool_sex = np.r_[pool_sex, np.where(rng.random(grow) < 0.51, "1", "2").astype(object)]
        pool_eth = np.r_[pool_eth, _choose(rng, ETHNICITY, grow)]
        pool_next = pool_next_new
        c = rows["child"].to_numpy()
        known = c < n_kids
        kc = np.where(known, c, 0)
        pc = np.where(known, 0, c - n_kids)
        day = rows["day"].to_numpy()
        dob = np.minimum(np.where(known, kids["dob"].to_numpy()[kc], pool_dob[pc]), day)
        age = ((day - dob) / 365.25).astype(np.int64)
        ids = np.where(known, kids["child_id"].to_numpy()[kc],
                       np.char.add("K", np.char.zfill((pc + 1).astype(str), 7)).astype(object))
        sex = np.where(known, kids["sex"].to_numpy()[kc], pool_sex[pc]).astype(object)
        eth = np.where(known, kids["ethnicity"].to_numpy()[kc], pool_eth[pc]).astype(object)
        order = np.lexsort((ids.astype(str), day))
        out[y.label] = pd.DataFrame({
            "child_id": ids[order], "gender": sex[order], "ethnicity": eth[order],
            "birth_date": to_dt(dob[order]), "age": age[order].astype(str).astype(object),
            "contact_date": to_dt(day[order]), "contact_source": rows["source"].to_numpy()[order], "line": 0})
    return out


__all__ = ["build"]
