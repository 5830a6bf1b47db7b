"""Checks of Annex A List 1, contacts (``contacts.csv`` or the List 1 sheet of a workbook).

Annex A is Ofsted's template, not a DfE return, so no DfE rule numbers apply. Dates
are ``dd/mm/yyyy``. A contact without an id or a date cannot be counted (error); a
birth date that is not a date, or an age that is not a number, is only a warning (the
figures do not use them).
"""

from __future__ import annotations

from reporting.problems import Problem
from reporting.readers import CouncilInputs, YearInputs
from reporting.schema import annex_a as A
from reporting.validation._common import (
    DMY,
    EARLIEST,
    ERROR,
    WARNING,
    blank,
    blank_rows,
    check_dates,
    check_required,
    parse,
    report,
    year_text,
)

CONTACT_DATE = "Date of Contact"
BIRTH_DATE = "Date of Birth"
AGE = "Age of Child (Years)"


def check_contacts_values(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Empty rows; Child Unique ID and Date of Contact present; dates ``dd/mm/yyyy``; age a whole number."""
    c = inputs.contacts
    if c is None:
        return []
    f = c.file
    empty = blank_rows(c.raw)
    out = report(f, c.raw[empty], "", "empty row (every value blank)", WARNING, value="")
    df = c.raw[~empty]
    if len(df) == 0:
        return out + [Problem(f, "", "", "", "the file has no contacts (no data rows)", WARNING)]
    for col in A.REQUIRED_VALUES:
        out += check_required(f, df, col, col, ERROR)
    parsed, problems = check_dates(f, df, [(CONTACT_DATE, CONTACT_DATE, ERROR, ""),
                                           (BIRTH_DATE, BIRTH_DATE, WARNING, "")], DMY)
    out += problems
    end = inputs.year.end
    dob = parsed[BIRTH_DATE]
    out += report(f, df[dob > end], BIRTH_DATE,
                  f"date of birth after the end of the reporting year ({end.strftime(DMY)})", WARNING)
    age = df[AGE]
    bad_age = ~blank(age) & ~age.str.fullmatch(r"\d{1,2}")
    out += report(f, df[bad_age], AGE, "must be a whole number of years (0 to 99)", WARNING)
    return out


def check_contacts_period(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Contacts dated outside the reporting year: one summary warning (they are not counted)."""
    c = inputs.contacts
    if c is None:
        return []
    df = c.raw[~blank_rows(c.raw)]
    if len(df) == 0:
        return []
    year = inputs.year
    dates = parse(df[CONTACT_DATE], DMY)
    valid = dates >= EARLIEST
    outside = valid & ((dates < year.start) | (dates > year.end))
    n = int(outside.sum())
    if n == 0:
        return []
    first = df[outside].iloc[0]
    total = int(valid.sum())
    if n == total:
        rule = (f"none of the {total} contacts is dated in {year.label} ({year_text(year, DMY)}): "
                "is this the right year's file?")
    else:
        rule = (f"{n} of the {total} contacts are dated outside {year.label} ({year_text(year, DMY)}) "
                "and are not counted for this year")
    return [Problem(c.file, f"line {first['line']}", CONTACT_DATE, str(first[CONTACT_DATE]), rule, WARNING)]


CHECKS = [check_contacts_values, check_contacts_period]
