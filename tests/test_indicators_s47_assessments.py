"""Section 47 enquiries, ICPCs and assessments (report 3.4) on tiny hand-built records.

Working days exclude weekends and England and Wales bank holidays; the windows below
cross Easter 2016 (Good Friday 25 Mar, Easter Monday 28 Mar), Christmas 2016 (26 Dec,
substitute day 27 Dec, 2 Jan 2017), Easter 2017 (14 and 17 Apr) and May Day 2013.
"""

from __future__ import annotations

import pytest
from helpers_data import cin_tables, dataset, one, year_data

S47_IDS = ["s47_to_icpc", "icpc_within_15wd"]
ASSESSMENT_IDS = ["initial_assessment_timeliness", "core_assessment_timeliness", "cfa_timeliness",
                  "assessments_timeliness_total"]


def _ds(year="2016-17", s47=None, assessments=None):
    return dataset(year, [year_data(year, cin=cin_tables(s47=s47 or [], assessments=assessments or []))])


S47_2016 = [
    # 1 April: started on the first day -> in the S47 denominator; ICPC 22 Apr = 15 working days -> timely
    {"child_id": "A", "start_date": "2016-04-01", "icpc_date": "2016-04-22"},
    # 31 March: started on the last day -> in the S47 denominator; no ICPC -> not in the numerator
    {"child_id": "B", "start_date": "2017-03-31"},
    # started in 2015-16 -> not an S47 of the year; ICPC on 1 April is held in the year: 14 working days
    # (Good Friday 25 Mar and Easter Monday 28 Mar 2016 skipped; 16 without them) -> timely
    {"child_id": "C", "start_date": "2016-03-10", "icpc_date": "2016-04-01"},
    # Christmas: 20 Dec 2016 -> 13 Jan 2017 = 15 working days (26, 27 Dec and 2 Jan skipped; 18 without) -> timely
    {"child_id": "D", "start_date": "2016-12-20", "icpc_date": "2017-01-13"},
    # same start, ICPC Mon 16 Jan = 16 working days -> held in the year, not timely
    {"child_id": "E", "start_date": "2016-12-20", "icpc_date": "2017-01-16"},
    # ICPC on 31 March (last day) = 22 working days -> held in the year, not timely; S47 led to an ICPC
    {"child_id": "F", "start_date": "2017-03-01", "icpc_date": "2017-03-31"},
    # second S47 of child F in the year, no ICPC -> counts again in the S47 denominator
    {"child_id": "F", "start_date": "2017-03-20"},
    # S47 and ICPC both in 2015-16 -> counts nowhere
    {"child_id": "G", "start_date": "2016-01-04", "icpc_date": "2016-01-20"},
    # ICPC dated before its S47 start (recording error) -> held in the year, never timely
    {"child_id": "H", "start_date": "2016-06-10", "icpc_date": "2016-06-09"},
]


def test_s47_to_icpc_counts_enquiries_started_in_the_year():
    r = one(_ds(s47=S47_2016), "s47_to_icpc")
    # started in the year: A, B, D, E, F, F(2nd), H = 7; with an ICPC date: A, D, E, F, H = 5
    assert (r.numerator, r.denominator) == (5, 7)
    assert r.value == pytest.approx(500 / 7)


def test_icpc_within_15_working_days_skips_bank_holidays():
    r = one(_ds(s47=S47_2016), "icpc_within_15wd")
    # ICPCs held in the year: A, C, D, E, F, H = 6; timely: A (15), C (14, Easter), D (15, Christmas) = 3
    assert (r.numerator, r.denominator) == (3, 6)
    assert sorted(r.measure.numerator["child_id"]) == ["A", "C", "D"]
    assert r.measure.numerator["working_days"].tolist() == [15, 14, 15]


def test_icpc_leap_day_and_easter_2016_in_2015_16():
    s47 = [
        # starts on leap day 29 Feb 2016; ICPC 21 Mar = 15 working days -> timely
        {"child_id": "A", "start_date": "2016-02-29", "icpc_date": "2016-03-21"},
        # same start; ICPC 29 Mar = 19 working days (Easter skipped; 21 without) -> not timely
        {"child_id": "B", "start_date": "2016-02-29", "icpc_date": "2016-03-29"},
    ]
    r = one(_ds("2015-16", s47=s47), "icpc_within_15wd")
    assert (r.numerator, r.denominator) == (1, 2)
    assert one(_ds("2015-16", s47=s47), "s47_to_icpc").numerator == 2  # both started in 2015-16 with an ICPC


def test_icpc_easter_2017_in_2017_18():
    s47 = [
        # started 31 March 2017 (2016-17): ICPC Tue 25 Apr 2017 is held in 2017-18; 15 working days because
        # Good Friday 14 Apr and Easter Monday 17 Apr 2017 are skipped (17 without) -> timely
        {"child_id": "A", "start_date": "2017-03-31", "icpc_date": "2017-04-25"},
        # same start, ICPC Wed 26 Apr = 16 working days -> not timely
        {"child_id": "B", "start_date": "2017-03-31", "icpc_date": "2017-04-26"},
    ]
    ds = _ds("2017-18", s47=s47)
    r = one(ds, "icpc_within_15wd")
    assert (r.numerator, r.denominator) == (1, 2)
    s = one(ds, "s47_to_icpc")
    assert (s.numerator, s.denominator, s.value) == (0, 0, None)  # neither S47 started in 2017-18
    assert s.measure.note == "denominator is zero"


ASSESSMENTS_2016 = [
    # Christmas: 25 Nov 2016 -> 1 Feb 2017 = 45 working days (48 without bank holidays) -> timely
    {"child_id": "A", "kind": "single", "start_date": "2016-11-25", "authorised_date": "2017-02-01"},
    # same start, authorised 2 Feb = 46 working days -> late
    {"child_id": "B", "kind": "single", "start_date": "2016-11-25", "authorised_date": "2017-02-02"},
    # Easter 2016: 8 Feb -> 13 Apr 2016 = 45 working days (47 without Good Friday/Easter Monday) -> timely
    {"child_id": "C", "kind": "single", "start_date": "2016-02-08", "authorised_date": "2016-04-13"},
    # authorised on 1 April (first day), 2 working days -> timely
    {"child_id": "D", "kind": "single", "start_date": "2016-03-30", "authorised_date": "2016-04-01"},
    # authorised on 31 March (last day), 22 working days -> timely
    {"child_id": "E", "kind": "single", "start_date": "2017-03-01", "authorised_date": "2017-03-31"},
    # not yet authorised -> counts nowhere
    {"child_id": "F", "kind": "single", "start_date": "2017-03-01"},
    # authorised 31 March 2016 -> 2015-16, counts nowhere
    {"child_id": "G", "kind": "single", "start_date": "2016-03-01", "authorised_date": "2016-03-31"},
    # authorised before its start (recording error) -> in the denominator, not timely
    {"child_id": "H", "kind": "single", "start_date": "2016-06-10", "authorised_date": "2016-06-01"},
    # an initial assessment in a 2016-17 file: not collected that year -> ignored by the total too
    {"child_id": "J", "kind": "initial", "start_date": "2016-06-01", "authorised_date": "2016-06-02"},
]


def test_cfa_timeliness_45_working_days():
    r = one(_ds(assessments=ASSESSMENTS_2016), "cfa_timeliness")
    # authorised in the year: A, B, C, D, E, H = 6; timely: A, C, D, E = 4
    assert (r.numerator, r.denominator) == (4, 6)
    assert sorted(r.measure.numerator["child_id"]) == ["A", "C", "D", "E"]


def test_total_equals_cfa_when_only_single_assessments_are_collected():
    r = one(_ds(assessments=ASSESSMENTS_2016), "assessments_timeliness_total")
    assert (r.numerator, r.denominator) == (4, 6)  # J (initial) is not collected in 2016-17


@pytest.mark.parametrize("ind", ["initial_assessment_timeliness", "core_assessment_timeliness"])
def test_initial_and_core_not_collected_after_2013_14(ind):
    r = one(_ds(assessments=ASSESSMENTS_2016), ind)
    assert r.value is None and r.numerator is None  # N/A, not zero
    assert r.measure.note == "not collected in 2016-17"


def test_cfa_not_collected_before_2013_14():
    assessments = [
        # 2012-13 initial assessment: 1 Apr -> 16 Apr 2013 = 11 working days -> late (timescale 10)
        {"child_id": "A", "kind": "initial", "start_date": "2013-04-01", "authorised_date": "2013-04-16"},
        # core: 1 Apr -> 21 May 2013 = 35 working days (May Day 6 May skipped; 36 without) -> timely
        {"child_id": "B", "kind": "core", "start_date": "2013-04-01", "authorised_date": "2013-05-21"},
    ]
    ds = _ds("2013-14", assessments=assessments)  # 2013-14 carries every kind
    assert one(ds, "cfa_timeliness").measure.note == "denominator is zero"  # collected, none in the file
    ds12 = _ds("2012-13", assessments=[{**a, "start_date": "2012-04-02", "authorised_date": "2012-04-03"}
                                        for a in assessments])
    cfa = one(ds12, "cfa_timeliness")
    assert cfa.value is None and cfa.measure.note == "not collected in 2012-13"
    # 2012-13: both 1 working day after the start -> both timely; total = initial + core
    total = one(ds12, "assessments_timeliness_total")
    assert (total.numerator, total.denominator) == (2, 2)


def test_transition_year_2013_14_all_kinds_and_total():
    assessments = [
        # initial: Fri 20 Dec 2013 -> Mon 6 Jan 2014 = 8 working days (25, 26 Dec, 1 Jan skipped) -> timely
        {"child_id": "A", "kind": "initial", "start_date": "2013-12-20", "authorised_date": "2014-01-06"},
        # initial: 1 Apr -> 16 Apr 2013 = 11 working days -> late
        {"child_id": "B", "kind": "initial", "start_date": "2013-04-01", "authorised_date": "2013-04-16"},
        # core: 1 Apr -> 21 May 2013 = 35 working days (May Day skipped) -> timely
        {"child_id": "C", "kind": "core", "start_date": "2013-04-01", "authorised_date": "2013-05-21"},
        # core: 1 Apr -> 22 May 2013 = 36 working days -> late
        {"child_id": "D", "kind": "core", "start_date": "2013-04-01", "authorised_date": "2013-05-22"},
        # single: 6 Jan -> 10 Mar 2014 = 45 working days -> timely
        {"child_id": "E", "kind": "single", "start_date": "2014-01-06", "authorised_date": "2014-03-10"},
        # single: 36 working days would be late for a core but meets the single timescale of 45 -> timely
        {"child_id": "F", "kind": "single", "start_date": "2013-04-01", "authorised_date": "2013-05-22"},
    ]
    ds = _ds("2013-14", assessments=assessments)
    ia, core, cfa = (one(ds, i) for i in ASSESSMENT_IDS[:3])
    assert (ia.numerator, ia.denominator) == (1, 2)
    assert (core.numerator, core.denominator) == (1, 2)
    assert (cfa.numerator, cfa.denominator) == (2, 2)
    total = one(ds, "assessments_timeliness_total")
    assert (total.numerator, total.denominator) == (4, 6)  # A, C, E, F each against their own timescale


@pytest.mark.parametrize("ind", S47_IDS + ASSESSMENT_IDS)
def test_absent_census_is_unavailable_not_zero(ind):
    ds = dataset("2016-17", [year_data("2016-17")])  # no cin_census.xml
    r = one(ds, ind)
    assert r.value is None and r.numerator is None
    assert r.measure.note == "source absent: cin_census.xml"
