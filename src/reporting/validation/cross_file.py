"""Cheap checks across a year's files.

* ``cp_visits.csv`` rows whose (``LAchildID``, ``CPPstartDate``) matches no child
  protection plan in the CIN census (warning: the visit cannot be tied to a plan, so it
  does not count towards ``cp_visits_timely``).
"""

from __future__ import annotations

import pandas as pd

from reporting.problems import Problem
from reporting.readers import CouncilInputs, YearInputs
from reporting.validation._common import ISO, WARNING, blank_rows, parse, report
from reporting.validation.cin_checks import parsed_tables


def check_cp_visits_plans(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Each CP visit's (LAchildID, CPPstartDate) is a plan in the CIN census."""
    ex = inputs.extracts.get("cp_visits")
    if ex is None or inputs.cin is None:
        return []
    df = ex.raw[~blank_rows(ex.raw)]
    start = parse(df["CPPstartDate"], ISO)
    usable = (df["LAchildID"] != "") & start.notna()
    if not usable.any():
        return []
    plans = parsed_tables(inputs.cin)["cp_plans"]
    known = pd.MultiIndex.from_arrays([plans["child_id"].astype(str), plans["start_date"]])
    visits = pd.MultiIndex.from_arrays([df["LAchildID"].astype(str), start])
    unmatched = usable & ~pd.Series(visits.isin(known), index=df.index)
    return report(ex.file, df[unmatched], "CPPstartDate",
                  "no child protection plan with this LAchildID and CPPstartDate in the CIN census "
                  "(the visit cannot be tied to a plan)", WARNING)


CHECKS = [check_cp_visits_plans]
