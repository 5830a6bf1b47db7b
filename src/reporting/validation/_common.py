"""Helpers shared by the checks: turning offending rows into capped problems, parsing dates.

Every check works on the readers' raw string tables (blank = ``""``) with a ``line``
column, selects the offending rows with vectorised pandas, and hands them to
:func:`report`, which formats at most :data:`CAP` of them (lowest lines first) and one
summary line for the rest (counted as the records it stands for: :func:`reporting.problems.flagged`,
so ``validate``'s totals are the report's data-quality counts). Only that formatting loops in Python.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from reporting.periods import ReportingYear
from reporting.problems import ERROR, WARNING, Problem, more_rule

__all__ = [
    "CAP", "DMY", "EARLIEST", "ERROR", "ISO", "WARNING", "bad_date_rule", "blank", "blank_rows",
    "check_dates", "check_codes", "check_required", "codes_text", "parse", "report", "year_text",
]

CAP = 50  # problems shown per file, field and rule; the rest are counted in one summary line
ISO = "%Y-%m-%d"
DMY = "%d/%m/%Y"
EARLIEST = pd.Timestamp(1900, 1, 1)  # any date before this is a typing error in the year
_FORMAT_TEXT = {ISO: "YYYY-MM-DD (e.g. 2017-03-31)", DMY: "dd/mm/yyyy (e.g. 31/03/2017)"}
_FORMAT_RE = {ISO: r"\d{4}-\d{1,2}-\d{1,2}", DMY: r"\d{1,2}/\d{1,2}/\d{4}"}


def report(
    file: str,
    rows: pd.DataFrame,
    field: str,
    rule: str,
    severity: str = ERROR,
    code: str = "",
    value: str | pd.Series | None = None,
    where: str | pd.Series = "",
    lines: pd.Series | None = None,
) -> list[Problem]:
    """One problem per offending row, capped at :data:`CAP` plus a summary line.

    Parameters
    ----------
    file : the file as shown in messages.
    rows : the offending rows; must have a ``line`` column.
    field : the DfE (or template) name of the field.
    rule : what is wrong, in words.
    severity : ``error`` or ``warning``.
    code : the DfE validation rule number, when the check is one of DfE's.
    value : the raw column (a Series aligned with ``rows``) or a constant; default ``rows[field]``
        when ``rows`` has that column, else no value.
    where : an XML path shown after the line (``Child/CINdetails``), constant or per row.
    lines : the line shown for each row, indexed like ``rows`` (it may hold more rows, e.g. a
        whole table's); default ``rows["line"]``. The CIN checks pass the line of the value's own
        element (:func:`reporting.validation.cin_checks.element_lines`).
    """
    n = len(rows)
    if n == 0:
        return []
    if value is None:
        value = rows[field] if field in rows.columns else ""
    values = value if isinstance(value, pd.Series) else pd.Series(value, index=rows.index)
    wheres = where if isinstance(where, pd.Series) else pd.Series(where, index=rows.index)
    shown = rows["line"] if lines is None else lines.loc[rows.index]
    lines = pd.to_numeric(shown, errors="coerce").fillna(0).astype("int64")
    order = lines.sort_values(kind="stable").index[:CAP]
    out = []
    for idx in order:
        w = wheres.at[idx]
        loc = f"line {lines.at[idx]}" + (f" ({w})" if w else "")
        out.append(Problem(file, loc, field, str(values.at[idx]), rule, severity, code))
    if n > CAP:
        last = int(lines.at[order[-1]])
        out.append(Problem(file, f"lines after {last}", field, "", more_rule(n - CAP, rule), severity, code))
    return out


def _blank_array(values: pd.Series) -> np.ndarray:
    """``values == ""`` as a numpy mask (the readers' raw tables hold strings only, never NaN)."""
    arr = values.to_numpy()
    if arr.dtype != object:
        return np.asarray(pd.isna(arr), dtype=bool)
    return np.asarray(arr == "", dtype=bool)


def blank(values: pd.Series) -> pd.Series:
    """Mask of blank values (the readers turn absent elements and empty cells into ``""``)."""
    return pd.Series(_blank_array(values), index=values.index)


def blank_rows(df: pd.DataFrame) -> pd.Series:
    """Mask of rows whose every column (other than ``line``) is blank."""
    cols = [c for c in df.columns if c != "line"]
    if not cols:
        return pd.Series(False, index=df.index)
    return pd.Series(np.logical_and.reduce([_blank_array(df[c]) for c in cols]), index=df.index)


def parse(values: pd.Series, fmt: str) -> pd.Series:
    """Parse date strings in exactly one format; blanks and bad values become NaT.

    Each distinct string is parsed once (a year's dates repeat a few hundred values).
    """
    codes, uniques = pd.factorize(values.where(~blank(values)), use_na_sentinel=True)
    parsed = pd.to_datetime(pd.Series(uniques, dtype=object), format=fmt, errors="coerce").to_numpy()
    out = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = codes >= 0
    out[ok] = parsed[codes[ok]]
    return pd.Series(out, index=values.index)


def bad_date_rule(raw: pd.Series, fmt: str) -> pd.Series:
    """Rule text for unparseable dates: wrong format; right format but a year far out; no such day."""
    text = raw.astype(str)
    looks_right = text.str.fullmatch(_FORMAT_RE[fmt]).fillna(False).astype(bool)
    year = pd.to_numeric(text.str.extract(r"(\d{4})", expand=False), errors="coerce")
    rule = pd.Series(f"not a date in the format {_FORMAT_TEXT[fmt]}", index=raw.index, dtype=object)
    rule[looks_right] = "not a valid calendar date"
    rule[looks_right & (year < EARLIEST.year)] = "date before 1900: check the year"
    rule[looks_right & (year > 2200)] = "date far in the future: check the year"
    return rule


def check_dates(
    file: str,
    df: pd.DataFrame,
    columns: Iterable[tuple[str, str, str, str]],
    fmt: str,
    where: str | pd.Series = "",
) -> tuple[dict[str, pd.Series], list[Problem]]:
    """Parse date columns and report the values that are not dates, and dates before 1900.

    Parameters
    ----------
    columns : ``(column, field, severity, code)``: the table column, its DfE name, the
        severity of a bad value and the DfE rule number for an invalid date (or ``""``).

    Returns
    -------
    The parsed columns (NaT where blank or bad) and the problems.
    """
    parsed: dict[str, pd.Series] = {}
    out: list[Problem] = []
    for col, field, severity, code in columns:
        if col not in df.columns:
            continue
        raw = df[col]
        dates = parse(raw, fmt)
        parsed[col] = dates
        bad = ~blank(raw) & dates.isna()
        if bad.any():
            rules = bad_date_rule(raw[bad], fmt)
            for rule, idx in rules.groupby(rules).groups.items():
                sub = df.loc[idx]
                out += report(file, sub, field, str(rule), severity, code, value=raw.loc[idx],
                              where=where if isinstance(where, str) else where.loc[idx])
        early = dates < EARLIEST
        if early.any():
            out += report(file, df[early], field, "date before 1900: check the year", severity,
                          value=raw[early], where=where if isinstance(where, str) else where[early])
    return parsed, out


def codes_text(codes: frozenset[str], limit: int = 14) -> str:
    """``expected one of: 1, 2, 3`` for short lists; a pointer to the code set otherwise."""
    if not codes:
        return "no code is valid for this field in that year"
    if len(codes) <= limit:
        return "expected one of: " + ", ".join(sorted(codes, key=_natural))
    return f"see the DfE code set, {len(codes)} codes"


def _natural(code: str) -> tuple:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (code.rstrip("0123456789"), int(digits) if digits else -1, code)


def check_codes(
    file: str,
    df: pd.DataFrame,
    col: str,
    field: str,
    codes: frozenset[str],
    what: str,
    severity: str,
    code: str = "",
    where: str | pd.Series = "",
    hint: str = "",
    other_years: frozenset[str] = frozenset(),
    lines: pd.Series | None = None,
) -> list[Problem]:
    """Report non-blank values of ``col`` that are not in ``codes``.

    ``other_years`` holds the codes of every supported collection year: a value in it but not
    in ``codes`` is reported as a code of another year (a file of the wrong year, or a code
    DfE has since replaced).
    """
    if col not in df.columns:
        return []
    raw = df[col].astype(str)
    bad = ~blank(raw) & ~raw.isin(codes)
    if not bad.any():
        return []
    rule = f"code not in the {what} list for {field} ({codes_text(codes)}){hint}"
    elsewhere = bad & raw.isin(other_years - codes)
    out: list[Problem] = []
    for mask, text in ((bad & ~elsewhere, rule),
                       (elsewhere, rule + "; it is a code of other collection years")):
        out += report(file, df[mask], field, text, severity, code, value=raw[mask],
                      where=where if isinstance(where, str) else where[mask], lines=lines)
    return out


def check_required(
    file: str, df: pd.DataFrame, col: str, field: str, severity: str = ERROR, code: str = "",
    where: str | pd.Series = "", rule: str = "required value missing", lines: pd.Series | None = None,
) -> list[Problem]:
    """Report rows where ``col`` is blank."""
    if col not in df.columns:
        return []
    missing = blank(df[col])
    return report(file, df[missing], field, rule, severity, code, value="",
                  where=where if isinstance(where, str) else where[missing], lines=lines)


def year_text(year: ReportingYear, fmt: str) -> str:
    """``01/04/2016 to 31/03/2017``: the collection period in a file's own date format."""
    return f"{year.start.strftime(fmt)} to {year.end.strftime(fmt)}"
