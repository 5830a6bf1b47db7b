"""Checks of the local extracts (``cp_visits.csv``, ``missing_from_home.csv``, ``complaints.csv``).

The extracts follow the project's templates (``docs/extracts/``): ISO dates
``YYYY-MM-DD`` and ``true``/``false``. They are not DfE returns, so no DfE rule
numbers apply. Every value the figures use is an error when it is missing or
unreadable; suspicious but usable values are warnings.
"""

from __future__ import annotations

import pandas as pd

from reporting.problems import Problem
from reporting.readers import CouncilInputs, YearInputs
from reporting.schema.local import LocalExtract
from reporting.validation._common import (
    EARLIEST,
    ERROR,
    ISO,
    WARNING,
    blank,
    blank_rows,
    check_codes,
    check_dates,
    check_required,
    parse,
    report,
)

# extract -> (end column, start column, severity, rule) for "ends before it starts"
ORDER: dict[str, tuple[str, str, str, str]] = {
    "complaints": ("ResponseDate", "ReceivedDate", ERROR, "the response is dated before the complaint was received"),
    "missing_from_home": ("MissingEnd", "MissingStart", ERROR, "the missing episode ends before it starts"),
    "cp_visits": ("VisitDate", "CPPstartDate", WARNING, "the visit is before the start of its plan"),
}
# extract -> the column that dates a record in the year (not counted when after 31 March)
EVENT_DATE = {"complaints": "ReceivedDate", "missing_from_home": "MissingStart", "cp_visits": "VisitDate"}
BOOLEAN_VALUES = frozenset({"true", "false"})


def _extracts(inputs: YearInputs):
    """``(key, spec, rows without empty rows, file)`` for every extract read."""
    for key, ex in inputs.extracts.items():
        if ex is not None:
            yield key, ex.spec, ex.raw[~blank_rows(ex.raw)], ex.file


def check_extract_rows(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Empty rows (warning) and extracts with no data rows (warning: their figures will be zero)."""
    out: list[Problem] = []
    for ex in inputs.extracts.values():
        if ex is None:
            continue
        empty = blank_rows(ex.raw)
        out += report(ex.file, ex.raw[empty], "", "empty row (every value blank)", WARNING, value="")
        if (~empty).sum() == 0:
            out.append(Problem(ex.file, "", "", "", "the file has no data rows (its figures will be zero, not "
                               "'not available'; remove the file if the data is not available)", WARNING))
    return out


def _booleans(file: str, df: pd.DataFrame, spec: LocalExtract) -> list[Problem]:
    out: list[Problem] = []
    for col in spec.booleans:
        v = df[col]
        bad = ~blank(v) & ~v.str.lower().isin(BOOLEAN_VALUES)
        out += report(file, df[bad], col, "must be true or false", ERROR)
    return out


def check_extract_values(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Required values, ISO dates, true/false, code lists (complaints Stage 1, 2 or 3) and unique keys."""
    out: list[Problem] = []
    for _key, spec, df, f in _extracts(inputs):
        for col in spec.required:
            out += check_required(f, df, col, col, ERROR)
        _, problems = check_dates(f, df, [(c, c, ERROR, "") for c in spec.dates], ISO)
        out += problems
        out += _booleans(f, df, spec)
        for col, codes in spec.codes:
            out += check_codes(f, df, col, col, codes, "template's", ERROR)
        if spec.key:
            keys = df[list(spec.key)]
            dup = keys.duplicated(keep=False) & ~blank(keys.iloc[:, 0])
            out += report(f, df[dup], spec.key[0], "duplicate: the same id appears on more than one row", ERROR)
    return out


def check_extract_logic(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """End before start (a response before the complaint, a return before going missing); records after 31 March."""
    out: list[Problem] = []
    end = inputs.year.end
    for key, _spec, df, f in _extracts(inputs):
        if key in ORDER:
            end_col, start_col, sev, rule = ORDER[key]
            mask = parse(df[end_col], ISO) < parse(df[start_col], ISO)
            out += report(f, df[mask], end_col, f"{rule} ({start_col})", sev)
        if key in EVENT_DATE:
            col = EVENT_DATE[key]
            d = parse(df[col], ISO)
            late = (d > end) & (d >= EARLIEST)
            out += report(f, df[late], col, f"after the end of the reporting year ({end.strftime(ISO)}): not "
                          "counted for this year", WARNING)
    return out


CHECKS = [check_extract_rows, check_extract_values, check_extract_logic]
