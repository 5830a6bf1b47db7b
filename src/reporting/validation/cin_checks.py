"""Checks of the CIN census (``cin_census.xml``) against the collection year's specification.

Locations are the line of the offending value's own element in the file (the line of
``<CINclosureDate>``) and the path of the record it belongs to, e.g. ``line 127
(Child/CINdetails)``; where that element is absent (a required value missing) or the
problem is about the record as a whole, the record's own line (:func:`element_lines`).
Fields are DfE element names. Where a check is one of
DfE's CIN census validation rules its number is given (``[DfE 8630]``).

Severity: an *error* means a figure would be wrong or could not be computed (a
referral date that is not a date, a plan that ends before it starts); a *warning*
means the value is suspicious but the figures can still be computed (an unknown
ethnicity code, a birth date after the census date).
"""

from __future__ import annotations

import re
import weakref
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from reporting.periods import FIRST_YEAR, LAST_YEAR, ReportingYear
from reporting.problems import Problem
from reporting.readers import CIN_FILE, CouncilInputs, YearInputs
from reporting.readers.cin_census import CinCensus
from reporting.schema import cin as S
from reporting.schema.cin import CinSpec, cin_spec
from reporting.validation._common import (
    EARLIEST,
    ERROR,
    ISO,
    WARNING,
    bad_date_rule,
    blank,
    check_codes,
    check_required,
    parse,
    report,
)

# Tidy table -> XML path of the element whose line the table records.
PATHS = {
    "children": "Child",
    "cin_episodes": "Child/CINdetails",
    "cin_plans": "Child/CINdetails/CINPlanDates",
    "s47": "Child/CINdetails/Section47",
    "cp_plans": "Child/CINdetails/ChildProtectionPlans",
    "cp_reviews": "Child/CINdetails/ChildProtectionPlans/Reviews",
    "disabilities": "Child/ChildCharacteristics/Disabilities",
}
ASSESSMENT_KINDS = {  # kind -> (element, its fields tidy -> DfE)
    "single": (S.ASSESSMENTS, {v: k for k, v in S.ASSESSMENT_FIELDS.items()}),
    "initial": (S.INITIAL_ASSESSMENT, {v: k for k, v in S.INITIAL_ASSESSMENT_FIELDS.items()}),
    "core": (S.CORE_ASSESSMENT, {v: k for k, v in S.CORE_ASSESSMENT_FIELDS.items()}),
}
_FIELDS = {
    "children": {v: k for k, v in S.CHILD_FIELDS.items() if k not in ("GenderCurrent", "Sex")},
    "cin_episodes": {v: k for k, v in S.EPISODE_FIELDS.items()},
    "cin_plans": {v: k for k, v in S.CIN_PLAN_FIELDS.items()},
    "s47": {v: k for k, v in S.S47_FIELDS.items()},
    "cp_plans": {v: k for k, v in S.CPP_FIELDS.items()},
    "cp_reviews": {"review_date": S.REVIEW_FIELD},
}

# (table, column, severity of a bad date, after the year end: (severity, DfE rule) or None,
#  before the year start: (severity, DfE rule) or None)
DATES: list[tuple[str, str, str, tuple[str, str] | None, tuple[str, str] | None]] = [
    ("children", "birth_date", WARNING, (WARNING, "8520"), None),
    ("children", "expected_birth_date", WARNING, None, None),
    ("children", "death_date", WARNING, (WARNING, ""), None),
    ("cin_episodes", "referral_date", ERROR, (ERROR, "8600"), None),
    ("cin_episodes", "closure_date", ERROR, (ERROR, "8620"), (WARNING, "8620")),
    ("cin_episodes", "icpc_date", ERROR, (ERROR, "8715"), (WARNING, "8715")),
    ("assessments", "start_date", ERROR, (ERROR, ""), None),
    ("assessments", "review_date", WARNING, (WARNING, ""), None),
    ("assessments", "authorised_date", ERROR, (ERROR, "8696"), (WARNING, "8696")),
    ("cin_plans", "start_date", ERROR, (ERROR, "4010"), None),
    ("cin_plans", "end_date", ERROR, (ERROR, "4013"), (WARNING, "4013")),
    ("s47", "start_date", ERROR, (ERROR, ""), None),
    ("s47", "icpc_target_date", WARNING, None, None),
    ("s47", "icpc_date", ERROR, (ERROR, "8715"), (WARNING, "8715")),
    ("cp_plans", "start_date", ERROR, (ERROR, "8720"), None),
    ("cp_plans", "end_date", ERROR, (ERROR, "8930"), (WARNING, "8930")),
    ("cp_reviews", "review_date", WARNING, (WARNING, ""), None),
]
# DfE rule numbers that apply to the single assessment only.
_SINGLE_ONLY_CODES = {"8696", "8608"}


_parsed_cache: tuple[weakref.ref, dict[str, pd.DataFrame]] | None = None


def parsed_tables(cin: CinCensus) -> dict[str, pd.DataFrame]:
    """The raw tables with their date columns (``*_date``) parsed; NaT where blank or not a date.

    Kept for the census last asked about (weakly), so the checks parse each column once.
    """
    global _parsed_cache
    if _parsed_cache is not None and _parsed_cache[0]() is cin:
        return _parsed_cache[1]
    out = {}
    for name, df in cin.raw.items():
        dates = {c: parse(df[c], ISO) for c in df.columns if c.endswith("_date")}
        out[name] = df.assign(**dates) if dates else df
    _parsed_cache = (weakref.ref(cin), out)
    return out


@cache
def _any_year(col: str) -> frozenset[str]:
    """The codes of a column in any supported collection year."""
    out: frozenset[str] = frozenset()
    for first in range(FIRST_YEAR, LAST_YEAR + 1):
        out |= cin_spec(ReportingYear(first)).codes(col) or frozenset()
    return out


def element_lines(cin: CinCensus, table: str, col: str) -> pd.Series | None:
    """The line to show for each row of ``table`` about its ``col`` value: the line of the value's
    own element (``<CINclosureDate>``) where the reader recorded it (``element_lines=True``),
    else the line of the row's element (``<CINdetails>``). None when there is nothing better
    than the row's ``line`` (``report``'s default)."""
    own = cin.lines.get(table)
    if own is None or col not in own.columns:
        return None
    at = own[col].to_numpy()
    rows = cin.raw[table]
    fallback = rows["line"].to_numpy() if "line" in rows.columns else np.zeros(len(at), dtype="int64")
    return pd.Series(np.where(at > 0, at, fallback), index=rows.index)


def _cin(inputs: YearInputs) -> tuple[CinCensus, CinSpec] | None:
    if inputs.cin is None:
        return None
    return inputs.cin, cin_spec(inputs.year)


def _parts(cin: CinCensus, table: str):
    """``(index, field names tidy -> DfE, XML path, assessment kind)`` of a table's rows, by kind for assessments."""
    raw = cin.raw[table]
    if table != "assessments":
        yield raw.index, _FIELDS.get(table, {}), PATHS.get(table, ""), ""
        return
    for kind, (element, names) in ASSESSMENT_KINDS.items():
        idx = raw.index[raw["kind"] == kind]
        if len(idx):
            yield idx, names, f"Child/CINdetails/{element}", kind


def check_cin_header(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Header Collection, Year, ReferenceDate (DfE 100) and LEA against the folder and ``la.toml``."""
    got = _cin(inputs)
    if got is None:
        return []
    cin, _ = got
    h, year, f = cin.header, inputs.year, cin.file
    out: list[Problem] = []
    if not h:
        return [Problem(f, "Header", "CollectionDetails", "", "no Header/CollectionDetails found: cannot "
                        "confirm the census is for this year", WARNING)]
    if h.get("collection", "CIN") != "CIN":
        out.append(Problem(f, "Header", "Collection", h["collection"], "not a CIN census collection (expected CIN)",
                           WARNING))
    expected_year = str(year.collection_end_year)
    if h.get("year", "") != expected_year:
        out.append(Problem(f, "Header", "Year", h.get("year", ""),
                           f"does not match the folder's year {year.label} (expected {expected_year})", WARNING))
    expected_ref = year.end.strftime(ISO)
    if h.get("reference_date", "") != expected_ref:
        out.append(Problem(f, "Header", "ReferenceDate", h.get("reference_date", ""),
                           f"Reference Date is incorrect: expected {expected_ref} for {year.label}", WARNING, "100"))
    la = council.la
    if la is not None and h.get("lea") and h["lea"] != la.la_code:
        out.append(Problem(f, "Header", "LEA", h["lea"],
                           f"is not la.toml's la_code {la.la_code}: is this the right council's file?", WARNING))
    if len(cin.raw["children"]) == 0:
        out.append(Problem(f, "", "Child", "", "the census holds no Child records", WARNING))
    return out


_CHUNK = 1 << 24


def _tag_lines(path: Path, tag: str) -> list[int]:
    """Lines where element ``tag`` opens, scanning the file in chunks that end at a line end."""
    pattern = re.compile(rb"<" + tag.encode() + rb"[\s/>]")
    needle = b"<" + tag.encode()
    out: list[int] = []
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            chunk += fh.readline()
            pos = 0
            if needle in chunk:
                for m in pattern.finditer(chunk):
                    line += chunk.count(b"\n", pos, m.start())
                    pos = m.start()
                    out.append(line)
            line += chunk.count(b"\n", pos)
    return out


def check_cin_sex_element(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """``Sex`` before 2024-25 or ``GenderCurrent`` from 2024-25: the other year's element name.

    The reader accepts both (into one ``sex`` column), so the element name is found by
    scanning the file; the values are checked against the year's codes by
    :func:`check_cin_codes`.
    """
    got = _cin(inputs)
    if got is None:
        return []
    cin, spec = got
    wrong = "GenderCurrent" if spec.sex_element == "Sex" else "Sex"
    try:
        lines = _tag_lines(inputs.folder / CIN_FILE, wrong)
    except OSError:
        return []
    rule = (f"element {wrong} is not in the {inputs.year.label} CIN census specification, which uses "
            f"{spec.sex_element} (Sex replaced GenderCurrent from 2024-25)")
    return report(cin.file, pd.DataFrame({"line": lines}), wrong, rule, WARNING, value="",
                  where="Child/ChildIdentifiers")


def check_cin_required(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Values DfE requires: LAchildID (8500), CINreferralDate (8600), CPPstartDate (8720), ..."""
    got = _cin(inputs)
    if got is None:
        return []
    cin, spec = got
    raw, f = cin.raw, cin.file
    out: list[Problem] = []
    req = [
        ("children", "child_id", "LAchildID", ERROR, "8500"),
        ("children", "sex", spec.sex_element, WARNING, "4180"),
        ("children", "ethnicity", "Ethnicity", WARNING, "4220"),
        ("cin_episodes", "referral_date", "CINreferralDate", ERROR, "8600"),
        ("cin_episodes", "referral_source", "ReferralSource", WARNING, "8866"),
        ("cin_episodes", "referral_nfa", "ReferralNFA", WARNING, "8568"),
        ("cin_plans", "start_date", "CINPlanStartDate", ERROR, "4010"),
        ("s47", "start_date", "S47ActualStartDate", ERROR, "8615"),
        ("cp_plans", "start_date", "CPPstartDate", ERROR, "8720"),
        ("cp_plans", "initial_category", "InitialCategoryOfAbuse", ERROR, "8905"),
        ("cp_plans", "latest_category", "LatestCategoryOfAbuse", WARNING, "8910"),
        ("cp_reviews", "review_date", "CPPreviewDate", WARNING, "8842Q"),
    ]
    if spec.previous_cpp:
        req.append(("cp_plans", "previous_plans", "NumberOfPreviousCPP", WARNING, "8730"))
    for table, col, field, sev, code in req:
        out += check_required(f, raw[table], col, field, sev, code, where=PATHS[table],
                              lines=element_lines(cin, table, col))
    a = raw["assessments"]
    a_lines = element_lines(cin, "assessments", "start_date")
    for idx, names, where, _ in _parts(cin, "assessments"):
        out += check_required(f, a.loc[idx], "start_date", names["start_date"], ERROR, where=where, lines=a_lines)
    ep = raw["cin_episodes"]
    nfa = ep["referral_nfa"].str.lower().isin(S.TRUE_VALUES)
    out += report(f, ep[blank(ep["primary_need"]) & ~nfa], "PrimaryNeedCode",
                  "Primary Need code is missing for a referral which led to further action", WARNING, "8610",
                  value="", where=PATHS["cin_episodes"], lines=element_lines(cin, "cin_episodes", "primary_need"))
    closed, reason = ~blank(ep["closure_date"]), ~blank(ep["closure_reason"])
    out += report(f, ep[closed & ~reason], "ReasonForClosure",
                  "a CIN closure date without a Reason for Closure", ERROR, "8805", value="",
                  where=PATHS["cin_episodes"], lines=element_lines(cin, "cin_episodes", "closure_reason"))
    out += report(f, ep[reason & ~closed], "CINclosureDate",
                  "a Reason for Closure without a CIN closure date", ERROR, "8810", value="",
                  where=PATHS["cin_episodes"], lines=element_lines(cin, "cin_episodes", "closure_date"))
    return out


def check_cin_dates(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Dates are ISO ``YYYY-MM-DD``, not before 1900, and inside the collection year where DfE says."""
    got = _cin(inputs)
    if got is None:
        return []
    cin, _ = got
    typed, f, year = parsed_tables(cin), cin.file, inputs.year
    start, end = year.start, year.end
    out: list[Problem] = []
    for table, col, sev, after, before in DATES:
        raw_t, typed_t = cin.raw[table], typed[table]
        for idx, names, where, kind in _parts(cin, table):
            field = names.get(col)
            if field is None:
                continue
            raw, dates = raw_t.loc[idx, col], typed_t.loc[idx, col]
            rows = raw_t.loc[idx]
            lines = element_lines(cin, table, col)
            bad = ~blank(raw) & dates.isna()
            if bad.any():
                rules = bad_date_rule(raw[bad], ISO)
                for rule, ridx in rules.groupby(rules).groups.items():
                    out += report(f, rows.loc[ridx], field, str(rule), sev, value=raw.loc[ridx], where=where,
                                  lines=lines)
            early = dates < EARLIEST
            out += report(f, rows[early], field, "date before 1900: check the year", sev, value=raw[early],
                          where=where, lines=lines)
            for limit, outside, text in ((after, dates > end, f"after the end of the collection year "
                                          f"({end.strftime(ISO)})"),
                                         (before, dates < start, f"before the start of the collection year "
                                          f"({start.strftime(ISO)})")):
                if limit is None:
                    continue
                lsev, code = limit
                if code in _SINGLE_ONLY_CODES and kind != "single":
                    code = ""
                mask = outside & (dates >= EARLIEST)
                out += report(f, rows[mask], field, text, lsev, code, value=raw[mask], where=where, lines=lines)
    return out


def check_cin_codes(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Coded values belong to the collection year's code lists (8866, 8640, 8650, 8905, ...)."""
    got = _cin(inputs)
    if got is None:
        return []
    cin, spec = got
    raw, f, label = cin.raw, cin.file, inputs.year.label
    what = f"{label} CIN census"
    out: list[Problem] = []
    other = cin_spec("2024-25" if spec.sex_element == "GenderCurrent" else "2023-24")
    children = raw["children"]
    sex = children["sex"]
    looks_other = sex.isin(other.sex_codes) & ~sex.isin(spec.sex_codes)
    hint = f"; it looks like a {other.sex_element} code ({other.sex_element} is used " + (
        "from 2024-25)" if other.sex_element == "Sex" else "before 2024-25)")
    sex_lines = element_lines(cin, "children", "sex")
    out += check_codes(f, children[looks_other], "sex", spec.sex_element, spec.sex_codes, what, WARNING, "4180",
                       where=PATHS["children"], hint=hint, lines=sex_lines)
    out += check_codes(f, children[~looks_other], "sex", spec.sex_element, spec.sex_codes, what, WARNING, "4180",
                       where=PATHS["children"], lines=sex_lines)
    codes = [
        ("children", "ethnicity", "Ethnicity", WARNING, "4220"),
        ("children", "upn_unknown", "UPNunknown", WARNING, ""),
        ("cin_episodes", "referral_source", "ReferralSource", ERROR, "8866"),
        ("cin_episodes", "primary_need", "PrimaryNeedCode", WARNING, "8650"),
        ("cin_episodes", "closure_reason", "ReasonForClosure", ERROR, "8640"),
        ("cp_plans", "initial_category", "InitialCategoryOfAbuse", ERROR, "8905"),
        ("cp_plans", "latest_category", "LatestCategoryOfAbuse", WARNING, "8910"),
    ]
    for table, col, field, sev, code in codes:
        out += check_codes(f, raw[table], col, field, spec.codes(col), what, sev, code, where=PATHS[table],
                           other_years=_any_year(col), lines=element_lines(cin, table, col))
    # Disabilities and factors: the line of their own element when the reader recorded it, else
    # the Child's / the assessment's.
    dis = raw["disabilities"]
    if len(dis):
        if "disabilities" in cin.lines:
            dis = dis.assign(line=cin.lines["disabilities"]["disability"].astype("int64"))
        else:
            first_line = children.drop_duplicates("child_id").set_index("child_id")["line"]
            dis = dis.assign(line=dis["child_id"].map(first_line).fillna(0).astype("int64"))
        out += check_codes(f, dis, "disability", "Disability", spec.codes("disability"), what, WARNING, "8540",
                           where=PATHS["disabilities"])
    fac = raw["assessment_factors"]
    if len(fac):
        if "assessment_factors" in cin.lines:
            fac = fac.assign(line=cin.lines["assessment_factors"]["factor"].astype("int64"))
        else:
            a = raw["assessments"].set_index("assessment_id")["line"]
            fac = fac.assign(line=fac["assessment_id"].map(a).fillna(0).astype("int64"))
        out += check_codes(f, fac, "factor", "AssessmentFactors", spec.codes("factor"), what, WARNING,
                           where=f"Child/CINdetails/{S.ASSESSMENTS}/{S.FACTORS}", other_years=_any_year("factor"))
    flags = S.TRUE_VALUES | S.FALSE_VALUES
    for table, col, field, sev, code in (("cin_episodes", "referral_nfa", "ReferralNFA", ERROR, "8568"),
                                         ("s47", "icpc_not_required", "ICPCnotRequired", WARNING, "")):
        t = raw[table]
        bad = ~blank(t[col]) & ~t[col].str.lower().isin(flags)
        out += report(f, t[bad], field, "must be true or false (or 1 or 0)", sev, code, value=t.loc[bad, col],
                      where=PATHS[table], lines=element_lines(cin, table, col))
    plans = raw["cp_plans"]
    prev = plans["previous_plans"]
    bad = ~blank(prev) & ~prev.str.fullmatch(r"\d{1,3}")
    out += report(f, plans[bad], "NumberOfPreviousCPP", "must be a whole number (0 or more)", ERROR,
                  value=prev[bad], where=PATHS["cp_plans"], lines=element_lines(cin, "cp_plans", "previous_plans"))
    return out


def check_cin_year_modules(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Modules the collection year's specification does not have (e.g. initial assessments in 2015-16)."""
    got = _cin(inputs)
    if got is None:
        return []
    cin, spec = got
    f, label = cin.file, inputs.year.label
    a = cin.raw["assessments"]
    out: list[Problem] = []
    if not spec.single_assessment:
        out += report(f, a[a["kind"] == "single"], S.ASSESSMENTS,
                      f"the single assessment (Assessments) is not in the {label} CIN census specification "
                      "(it starts in 2013-14)", WARNING, value="", where=f"Child/CINdetails/{S.ASSESSMENTS}")
    if not spec.initial_core_assessments:
        for kind in ("initial", "core"):
            element = ASSESSMENT_KINDS[kind][0]
            out += report(f, a[a["kind"] == kind], element,
                          f"{element} is not in the {label} CIN census specification (initial and core "
                          "assessments end in 2013-14)", WARNING, value="", where=f"Child/CINdetails/{element}")
    if not spec.previous_cpp:
        plans = cin.raw["cp_plans"]
        out += report(f, plans[~blank(plans["previous_plans"])], "NumberOfPreviousCPP",
                      f"NumberOfPreviousCPP is not in the {label} CIN census specification (it starts in 2013-14)",
                      WARNING, where=PATHS["cp_plans"], value=plans["previous_plans"],
                      lines=element_lines(cin, "cp_plans", "previous_plans"))
    return out


def check_cin_order(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """End dates before start dates (8630, 8608, 4011, 8615, 8925) and activity before the referral."""
    got = _cin(inputs)
    if got is None:
        return []
    cin, _ = got
    t, raw, f = parsed_tables(cin), cin.raw, cin.file
    out: list[Problem] = []
    ep = t["cin_episodes"]
    out += report(f, raw["cin_episodes"][ep["closure_date"] < ep["referral_date"]], "CINclosureDate",
                  "CIN Closure Date is before CIN Referral Date for the same CIN episode", ERROR, "8630",
                  value=raw["cin_episodes"]["closure_date"], where=PATHS["cin_episodes"],
                  lines=element_lines(cin, "cin_episodes", "closure_date"))
    a = t["assessments"]
    for idx, names, where, kind in _parts(cin, "assessments"):
        sub = a.loc[idx]
        mask = sub["authorised_date"] < sub["start_date"]
        out += report(f, raw["assessments"].loc[idx][mask], names["authorised_date"],
                      f"{names['authorised_date']} is before {names['start_date']}", ERROR,
                      "8608" if kind == "single" else "", value=raw["assessments"].loc[idx, "authorised_date"][mask],
                      where=where, lines=element_lines(cin, "assessments", "authorised_date"))
    cp = t["cin_plans"]
    out += report(f, raw["cin_plans"][cp["end_date"] < cp["start_date"]], "CINPlanEndDate",
                  "CIN Plan End Date earlier than Start Date", ERROR, "4011",
                  value=raw["cin_plans"]["end_date"], where=PATHS["cin_plans"],
                  lines=element_lines(cin, "cin_plans", "end_date"))
    s47 = t["s47"]
    out += report(f, raw["s47"][s47["icpc_date"] < s47["start_date"]], "DateOfInitialCPC",
                  "the initial child protection conference is before S47ActualStartDate", ERROR, "8615",
                  value=raw["s47"]["icpc_date"], where=PATHS["s47"], lines=element_lines(cin, "s47", "icpc_date"))
    plans = t["cp_plans"]
    out += report(f, raw["cp_plans"][plans["end_date"] < plans["start_date"]], "CPPendDate",
                  "Child Protection Plan End Date earlier than Start Date", ERROR, "8925",
                  value=raw["cp_plans"]["end_date"], where=PATHS["cp_plans"],
                  lines=element_lines(cin, "cp_plans", "end_date"))
    ch = t["children"]
    out += report(f, raw["children"][ch["death_date"] < ch["birth_date"]], "PersonDeathDate",
                  "date of death is before the date of birth", WARNING, "8535Q",
                  value=raw["children"]["death_date"], where=PATHS["children"],
                  lines=element_lines(cin, "children", "death_date"))
    referral = ep.set_index("episode_id")["referral_date"]
    referral = referral[~referral.index.duplicated()]
    for table, col, field, code, where in (
        ("assessments", "start_date", "AssessmentActualStartDate", "1103", f"Child/CINdetails/{S.ASSESSMENTS}"),
        ("s47", "start_date", "S47ActualStartDate", "2889", PATHS["s47"]),
        ("cp_plans", "start_date", "CPPstartDate", "1105", PATHS["cp_plans"]),
    ):
        d = t[table]
        if table == "assessments":
            d = d[d["kind"] == "single"]
        mask = d[col] < d["episode_id"].map(referral)
        out += report(f, raw[table].loc[d.index][mask], field, f"{field} is before the CINreferralDate of its "
                      "episode", WARNING, code, value=raw[table].loc[d.index, col][mask], where=where,
                      lines=element_lines(cin, table, col))
    return out


def check_cin_children(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Duplicate LAchildID (8510), a Child without CINdetails (8590), overlapping episodes (8820)."""
    got = _cin(inputs)
    if got is None:
        return []
    cin, _ = got
    raw, f = cin.raw, cin.file
    out: list[Problem] = []
    ch = raw["children"]
    ids = ch["child_id"]
    dup = ids.duplicated(keep=False) & ~blank(ids)
    out += report(f, ch[dup], "LAchildID", "more than one Child record with the same LA Child ID", ERROR, "8510",
                  value=ids[dup], where=PATHS["children"], lines=element_lines(cin, "children", "child_id"))
    ep = raw["cin_episodes"]
    no_ep = ~ids.isin(ep["child_id"]) & ~blank(ids)
    out += report(f, ch[no_ep], "LAchildID", "Child does not have a recorded CIN episode", WARNING, "8590",
                  value=ids[no_ep], where=PATHS["children"])
    t = parsed_tables(cin)["cin_episodes"]
    t = t[~blank(t["child_id"]) & t["referral_date"].notna()].sort_values(["child_id", "referral_date", "episode_id"])
    same = t["child_id"].eq(t["child_id"].shift())
    prev_close = t["closure_date"].shift()
    overlap = same & (prev_close.isna() | (t["referral_date"] < prev_close))
    rows = raw["cin_episodes"].loc[t.index[overlap.to_numpy()]]
    out += report(f, rows, "CINreferralDate", "the dates on the CIN episodes for this child overlap (this "
                  "referral is before the previous episode's closure, or that episode is open)", WARNING, "8820",
                  value=rows["referral_date"], where=PATHS["cin_episodes"],
                  lines=element_lines(cin, "cin_episodes", "referral_date"))
    return out


CHECKS = [
    check_cin_header,
    check_cin_sex_element,
    check_cin_required,
    check_cin_dates,
    check_cin_codes,
    check_cin_year_modules,
    check_cin_order,
    check_cin_children,
]
