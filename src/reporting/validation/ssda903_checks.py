"""Checks of the SSDA903 tables (``ssda903/*.csv``) against the collection year's specification.

Locations are file lines; fields are DfE column names. DfE SSDA903 validation rule
numbers are given where the check is one of DfE's (``[DfE 146]``).

Severity: an *error* means a looked-after figure would be wrong or could not be
computed (an episode start that is not a date, a placement code the year does not
have, overlapping episodes); a *warning* means suspicious but usable (an unknown
ethnicity code, a birth date after 31 March).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from reporting.periods import FIRST_YEAR, LAST_YEAR, ReportingYear
from reporting.problems import Problem
from reporting.readers import CouncilInputs, YearInputs
from reporting.schema import ssda903 as S
from reporting.schema.ssda903 import ssda903_spec
from reporting.validation._common import (
    DMY,
    EARLIEST,
    ERROR,
    WARNING,
    blank,
    blank_rows,
    check_codes,
    check_dates,
    check_required,
    report,
)

# (table, column) -> (severity of a bad date, DfE rule number for "not a valid date")
DATE_RULES: dict[tuple[str, str], tuple[str, str]] = {
    ("header", "DOB"): (WARNING, "102"),
    ("header", "MC_DOB"): (WARNING, "171"),
    ("episodes", "DECOM"): (ERROR, "141"),
    ("episodes", "DEC"): (ERROR, "147"),
    ("uasc", "DUC"): (ERROR, "104"),
    ("missing", "MIS_START"): (ERROR, "1004"),
    ("missing", "MIS_END"): (WARNING, "1005"),
    ("reviews", "REVIEW"): (WARNING, "166"),
    ("ad1", "DATE_INT"): (WARNING, "112"),
    ("ad1", "DATE_MATCH"): (WARNING, "113"),
    ("placed_adoption", "DATE_PLACED"): (WARNING, "115"),
    ("placed_adoption", "DATE_PLACED_CEASED"): (WARNING, "116"),
}
# (table, column) -> (severity of a code not in the year's list, DfE rule number)
CODE_RULES: dict[tuple[str, str], tuple[str, str]] = {
    ("header", "SEX"): (WARNING, "101"),
    ("header", "ETHNIC"): (WARNING, "103"),
    ("uasc", "SEX"): (WARNING, ""),
    ("episodes", "RNE"): (ERROR, "143"),
    ("episodes", "LS"): (ERROR, "144"),
    ("episodes", "CIN"): (WARNING, "145"),
    ("episodes", "PLACE"): (ERROR, "146"),
    ("episodes", "PLACE_PROVIDER"): (WARNING, "178"),
    ("episodes", "REC"): (ERROR, "149"),
    ("episodes", "REASON_PLACE_CHANGE"): (WARNING, "1009"),
    ("episodes", "PL_LOCATION"): (ERROR, "179"),
    ("missing", "MISSING"): (ERROR, "1006"),
}
# (table, column) -> (severity, DfE rule number) of a date after the end of the collection year
_LATE_RULES: dict[tuple[str, str], tuple[str, str]] = {
    ("episodes", "DECOM"): (ERROR, ""),
    ("episodes", "DEC"): (ERROR, "385"),
    ("header", "DOB"): (WARNING, "301"),
    ("missing", "MIS_START"): (WARNING, "570"),
}
# Required values whose absence is only a warning (the figures do not use them).
_WARN_REQUIRED = {("header", "SEX"): "101", ("header", "DOB"): "102"}


@cache
def _any_year(table: str, col: str) -> frozenset[str]:
    """The codes of a column in any supported collection year."""
    out: frozenset[str] = frozenset()
    for first in range(FIRST_YEAR, LAST_YEAR + 1):
        out |= ssda903_spec(ReportingYear(first)).codes(table, col) or frozenset()
    return out


def _tables(inputs: YearInputs):
    """``(table, raw rows without empty rows, file)`` for every SSDA903 table read."""
    d = inputs.ssda903
    if d is None:
        return
    for table, df in d.raw.items():
        yield table, df[~blank_rows(df)], d.files[table]


def check_903_rows(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Empty rows, and required tables with no rows at all."""
    d = inputs.ssda903
    if d is None:
        return []
    out: list[Problem] = []
    for table, df in d.raw.items():
        f = d.files[table]
        empty = blank_rows(df)
        out += report(f, df[empty], "", "empty row (every value blank)", WARNING, value="")
        if table in ("header", "episodes") and (~empty).sum() == 0:
            out.append(Problem(f, "", "", "", "the file has no data rows", WARNING))
    return out


def check_903_required(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """CHILD, DECOM, RNE, LS, PLACE (Episodes); CHILD, SEX, DOB (Header); MISSING, MIS_START; DEC with REC (148)."""
    out: list[Problem] = []
    for table, df, f in _tables(inputs):
        for col in S.REQUIRED_VALUES.get(table, []):
            code = _WARN_REQUIRED.get((table, col))
            out += check_required(f, df, col, col, WARNING if code else ERROR, code or "")
        if table == "episodes":
            dec, rec = ~blank(df["DEC"]), ~blank(df["REC"])
            rule = "Date episode ceased and reason episode ceased must both be coded, or both left blank"
            out += report(f, df[dec & ~rec], "REC", rule + " (DEC given, REC blank)", ERROR, "148", value="")
            out += report(f, df[rec & ~dec], "DEC", rule + " (REC given, DEC blank)", ERROR, "148", value="")
    return out


def check_903_dates(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Dates are ``dd/mm/yyyy``; DECOM, DEC (385), DOB (301) and MIS_START (570) not after 31 March."""
    out: list[Problem] = []
    year = inputs.year
    end = year.end
    after = f"after the end of the collection year ({end.strftime(DMY)})"
    for table, df, f in _tables(inputs):
        cols = [(c, c, *DATE_RULES.get((table, c), (WARNING, ""))) for c in df.columns if c in S.DATE_COLUMNS]
        parsed, problems = check_dates(f, df, cols, DMY)
        out += problems
        for (t, col), (sev, code) in _LATE_RULES.items():
            if t == table and col in parsed:
                late = parsed[col] > end
                out += report(f, df[late], col, after, sev, code)
        if table == "episodes":
            decom = parsed["DECOM"]
            early = (decom < pd.Timestamp(1991, 10, 14)) & (decom >= EARLIEST)
            out += report(f, df[early], "DECOM", "no episode can start before 14 October 1991", WARNING, "353")
    return out


def check_903_codes(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Codes belong to the collection year's lists (SEX 101, RNE 143, LS 144, PLACE 146, REC 149, ...)."""
    spec = ssda903_spec(inputs.year)
    what = f"{inputs.year.label} SSDA903"
    out: list[Problem] = []
    for table, df, f in _tables(inputs):
        for col in df.columns:
            codes = spec.codes(table, col)
            if codes is None:
                continue
            sev, code = CODE_RULES.get((table, col), (WARNING, ""))
            hint = ""
            if col == "REASON_PLACE_CHANGE" and not spec.reason_place_change:
                hint = "; REASON_PLACE_CHANGE is collected from 2015-16"
            out += check_codes(f, df, col, col, codes, what, sev, code, hint=hint,
                               other_years=_any_year(table, col))
    return out


def check_903_order(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """DEC before DECOM (356), MIS_END before MIS_START (567), an episode starting before birth (302)."""
    d = inputs.ssda903
    if d is None:
        return []
    t = d.typed()
    out: list[Problem] = []
    ep, f = t["episodes"], d.files["episodes"]
    raw = d.raw["episodes"]
    out += report(f, raw[ep["DEC"] < ep["DECOM"]], "DEC",
                  "The date the episode ceased is before the date the same episode started", ERROR, "356")
    if "missing" in t:
        m = t["missing"]
        out += report(d.files["missing"], d.raw["missing"][m["MIS_END"] < m["MIS_START"]], "MIS_END",
                      "the date the missing or away episode ended is before the date it started", ERROR, "567")
    hd = t["header"]
    dob = hd[~blank(hd["CHILD"])].drop_duplicates("CHILD").set_index("CHILD")["DOB"]
    before_birth = ep["DECOM"] < ep["CHILD"].map(dob)
    out += report(f, raw[before_birth], "DECOM", "episode starts before the child's date of birth (Header DOB)",
                  WARNING, "302")
    return out


def check_903_children(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Duplicate Header CHILD, duplicate episodes, overlapping episodes (501, 142), children missing from Header."""
    d = inputs.ssda903
    if d is None:
        return []
    out: list[Problem] = []
    raw, t = d.raw, d.typed()
    hd = raw["header"]
    hf, ef = d.files["header"], d.files["episodes"]
    ids = hd["CHILD"]
    dup = ids.duplicated(keep=False) & ~blank(ids)
    out += report(hf, hd[dup], "CHILD", "child appears more than once in Header", ERROR)
    ep = raw["episodes"]
    has_id = ~blank(ep["CHILD"])
    known = set(ids[~blank(ids)])
    out += report(ef, ep[has_id & ~ep["CHILD"].isin(known)], "CHILD", "child has episodes but no row in Header.csv",
                  ERROR)
    for table in ("uasc", "missing", "reviews", "oc2", "oc3", "ad1", "placed_adoption", "prev_perm"):
        if table in raw:
            other = raw[table]
            mask = ~blank(other["CHILD"]) & ~other["CHILD"].isin(known)
            out += report(d.files[table], other[mask], "CHILD", "child is not in Header.csv", WARNING)
    te = t["episodes"]
    keyed = has_id & te["DECOM"].notna()
    dup_ep = te[["CHILD", "DECOM"]].duplicated(keep=False) & keyed
    out += report(ef, ep[dup_ep], "DECOM", "duplicate episode: same CHILD and DECOM as another row", ERROR)
    s = te[keyed & ~te[["CHILD", "DECOM"]].duplicated(keep="first")].sort_values(["CHILD", "DECOM"])
    same = s["CHILD"].eq(s["CHILD"].shift())
    prev_dec = s["DEC"].shift()
    open_before = same & prev_dec.isna()
    overlaps = same & (s["DECOM"] < prev_dec)
    out += report(ef, ep.loc[s.index[overlaps.to_numpy()]], "DECOM",
                  "A new episode has started before the end date of the previous episode", ERROR, "501")
    out += report(ef, ep.loc[s.index[open_before.to_numpy()]], "DECOM",
                  "A new episode has started, but the previous episode has not ended (no DEC)", ERROR, "142")
    return out


CHECKS = [
    check_903_rows,
    check_903_required,
    check_903_dates,
    check_903_codes,
    check_903_order,
    check_903_children,
]
