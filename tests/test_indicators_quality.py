"""Complaints (report 3.15-3.17) on tiny hand-built records.

Working days: Monday 29 August 2016 is the summer bank holiday, so from Thursday
25 August 2016 the 10th working day is Friday 9 September, the 11th Monday 12 September,
the 20th Friday 23 September and the 21st Monday 26 September.
"""

from __future__ import annotations

import pandas as pd
import pytest
from helpers_data import dataset, extract_table, one, year_data


def _ds(rows):
    complaints = extract_table("complaints", rows) if rows is not None else None
    return dataset("2016-17", [year_data("2016-17", extracts={"complaints": complaints})])


def _c(cid, received, stage="1", response="", extension=None, from_child=False):
    return {"complaint_id": cid, "received_date": received, "stage": stage, "response_date": response,
            "extension_agreed": extension, "from_child": from_child}


COMPLAINTS = [
    # 1 April (first day of the year): received in 2016-17; Fri 1 Apr -> Fri 15 Apr = 10 working days: in time
    _c("C01", "2016-04-01", response="2016-04-15"),
    # bank holiday inside: Thu 25 Aug -> Fri 9 Sep = 10 working days (Mon 29 Aug not counted): in time
    _c("C02", "2016-08-25", response="2016-09-09"),
    # bank holiday inside: Thu 25 Aug -> Mon 12 Sep = 11 working days, no extension: late
    _c("C03", "2016-08-25", response="2016-09-12"),
    # the same 11 working days with an agreed extension (limit 20): in time
    _c("C04", "2016-08-25", response="2016-09-12", extension=True),
    # extension: Thu 25 Aug -> Fri 23 Sep = 20 working days: in time
    _c("C05", "2016-08-25", response="2016-09-23", extension=True),
    # extension: Thu 25 Aug -> Mon 26 Sep = 21 working days: late even with the extension
    _c("C06", "2016-08-25", response="2016-09-26", extension=True),
    # extension explicitly refused (false): 11 working days is late
    _c("C07", "2016-08-25", response="2016-09-12", extension=False),
    # 31 March (last day of the year), not yet answered: in the denominator, not in time;
    # noted as still within its time limit at 31 March (0 working days had passed)
    _c("C08", "2017-03-31"),
    # never answered, received in January: in the denominator, not in time; long overdue at 31 March
    _c("C15", "2017-01-09"),
    # Fri 23 Dec 2016 -> Tue 10 Jan 2017: 26, 27 Dec and 2 Jan are bank holidays, 9 working days: in time
    _c("C09", "2016-12-23", response="2017-01-10", from_child=True),
    # response dated before the complaint was received: a recording error, not in time
    _c("C10", "2016-10-10", response="2016-10-05"),
    # received 31 March 2016: previous year, counts nowhere
    _c("C11", "2016-03-31", response="2016-04-05", from_child=True),
    # received 1 April 2017: next year, counts nowhere
    _c("C12", "2017-04-01", response="2017-04-05", from_child=True),
    # stage two, from a child: not a stage one complaint, but a complaint from a child
    _c("C13", "2016-06-01", stage="2", response="2016-07-20", from_child=True),
    # stage three, not from a child: counts nowhere
    _c("C14", "2016-06-02", stage="3", response="2016-08-20"),
]


def test_stage1_complaints_counted_in_the_year():
    r = one(_ds(COMPLAINTS), "complaints_stage1")
    # C01-C10 and C15 are stage one, received 1 April 2016 to 31 March 2017; C11/C12 outside, C13/C14 not stage one
    assert (r.numerator, r.value) == (11, 11.0)


def test_stage1_timeliness_working_days_bank_holidays_and_extensions():
    r = one(_ds(COMPLAINTS), "complaints_stage1_timely")
    # in time: C01 (10), C02 (10, bank holiday), C04 (11 with extension), C05 (20 with extension), C09 (9)
    assert (r.numerator, r.denominator) == (5, 11)
    assert r.value == pytest.approx(500 / 11)
    timely = sorted(r.measure.numerator["complaint_id"])
    assert timely == ["C01", "C02", "C04", "C05", "C09"]
    assert r.measure.note == ("2 stage one complaint(s) with no ResponseDate counted as not within timescales "
                              "(1 still within the time limit at 31 March 2017)")  # C08 pending, C15 overdue
    days = r.measure.denominator.set_index("complaint_id")["working_days"]
    assert (days["C02"], days["C03"], days["C05"], days["C06"]) == (10, 11, 20, 21)


def test_complaints_from_children_any_stage():
    r = one(_ds(COMPLAINTS), "complaints_from_children")
    # C09 (stage one) and C13 (stage two); C11 and C12 are outside the year
    assert r.numerator == 2
    assert sorted(r.measure.numerator["complaint_id"]) == ["C09", "C13"]


def test_no_stage1_complaints_is_a_real_zero_but_timeliness_has_no_value():
    rows = [_c("C13", "2016-06-01", stage="2", from_child=True)]  # only a stage two complaint in the year
    ds = _ds(rows)
    assert one(ds, "complaints_stage1").value == 0.0
    t = one(ds, "complaints_stage1_timely")
    assert t.value is None and t.measure.note == "denominator is zero"


def test_absent_extract_is_not_zero():
    ds = _ds(None)
    for ind in ("complaints_stage1", "complaints_stage1_timely", "complaints_from_children"):
        r = one(ds, ind)
        assert r.value is None and r.numerator is None
        assert r.measure.note == "source absent: complaints.csv"


def test_day10_versus_day11_directly():
    # one complaint answered on working day 10 (in time) and one on working day 11 (late), bank holiday between
    rows = [_c("A", "2016-08-25", response="2016-09-09"),  # day 10: in time
            _c("B", "2016-08-25", response="2016-09-12")]  # day 11: late
    r = one(_ds(rows), "complaints_stage1_timely")
    assert (r.numerator, r.denominator, r.value) == (1, 2, 50.0)
    assert list(r.measure.numerator["complaint_id"]) == ["A"]
    assert r.measure.numerator["received_date"].iloc[0] == pd.Timestamp("2016-08-25")
