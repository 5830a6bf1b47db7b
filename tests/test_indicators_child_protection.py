"""Child protection plans and visits (report 3.7) on tiny hand-built records.

Reporting year 2016-17 (1 April 2016 to 31 March 2017) unless a test says otherwise.
"""

from __future__ import annotations

import pytest
from helpers_data import cin_tables, dataset, extract_table, one, year_data

from reporting.indicators.child_protection import DURATION_BANDS

POP = {2016: 200_000}  # mid-2016 population, used for 2016-17 rates

PLANS_2016 = [
    # A: starts 1 April (first day) -> a start; open at 31 March; 31 Mar 2017 is after 1 Oct 2016 (6 months)
    # and before 1 Apr 2017 (1 year) -> "more than 6 months to less than 1 year"
    {"child_id": "A", "start_date": "2016-04-01", "initial_category": "NEG"},
    # B: starts 31 March (last day) -> a start; open at 31 March (started that day) -> "3 months or less"
    {"child_id": "B", "start_date": "2017-03-31", "initial_category": "PHY"},
    # C: started 31 Mar 2015 -> not a start; open; exactly 2 years at 31 Mar 2017 -> "2 years or more"
    {"child_id": "C", "start_date": "2015-03-31", "initial_category": "EMO"},
    # D: started 1 Apr 2015 -> open, one day short of 2 years -> "1 to less than 2 years"
    {"child_id": "D", "start_date": "2015-04-01", "initial_category": "EMO"},
    # E: starts and ends in the year; ends ON 31 March -> not open at 31 March; ended in the year (10 months)
    {"child_id": "E", "start_date": "2016-06-01", "end_date": "2017-03-31", "initial_category": "SAB"},
    # F: two plans in the year. 1st starts and ends in the year (ended in the year, 3 months)
    {"child_id": "F", "start_date": "2016-05-01", "end_date": "2016-08-01", "initial_category": "NEG"},
    # F's 2nd plan: a start; open at 31 March; 1 Oct 2016 + 3 months = 1 Jan 2017 < 31 Mar <= 1 Apr 2017
    # (+6 months) -> "more than 3 to 6 months"; F counts once at 31 March
    {"child_id": "F", "start_date": "2016-10-01", "initial_category": "NEG"},
    # G: started 1 Jun 2014, ended 1 Jun 2016 -> ended in the year after exactly 2 years -> counts as 2 years+
    {"child_id": "G", "start_date": "2014-06-01", "end_date": "2016-06-01", "initial_category": "PHY"},
    # H: started 1 Jun 2014, ended 31 May 2016 -> ended in the year one day short of 2 years
    {"child_id": "H", "start_date": "2014-06-01", "end_date": "2016-05-31", "initial_category": "PHY"},
    # J: starts 31 Dec 2016 -> a start; 31 Dec + 3 months = 31 Mar 2017 -> "3 months or less"
    {"child_id": "J", "start_date": "2016-12-31", "initial_category": "MUL"},
    # K: starts 30 Dec 2016, no category -> a start (denominator only); 30 Dec + 3 months = 30 Mar 2017
    # < 31 March -> "more than 3 to 6 months"
    {"child_id": "K", "start_date": "2016-12-30"},
    # L: ended 1 April 2016 -> ended in the year (first day), lasted 1 year; not open at 31 March
    {"child_id": "L", "start_date": "2015-04-01", "end_date": "2016-04-01", "initial_category": "NEG"},
]


def _ds(plans=PLANS_2016, year="2016-17", history=None, population=POP, visits=None):
    extracts = {"cp_visits": extract_table("cp_visits", visits)} if visits is not None else None
    years = [year_data(year, cin=cin_tables(cp_plans=plans), extracts=extracts)]
    for y, p in (history or {}).items():
        years.append(year_data(y, cin=cin_tables(cp_plans=p)))
    return dataset(year, years, population)


def test_children_on_a_plan_at_31_march_and_rate():
    ds = _ds()
    r = one(ds, "cpp_at_31march", period_label="31 March 2017")
    # open: A, B, C, D, F (2nd plan), J, K = 7; not E (ends 31 March), G, H, L (ended), F's 1st (ended)
    assert r.value == 7
    assert sorted(r.measure.numerator["child_id"]) == ["A", "B", "C", "D", "F", "J", "K"]
    rate = one(ds, "cpp_rate")
    assert rate.denominator == 200_000 and rate.value == pytest.approx(7 * 10000 / 200_000)


def test_plans_starting_and_categories():
    ds = _ds()
    assert one(ds, "cpp_starts").value == 7  # A, B, E, F twice, J, K (C, D, G, H, L started earlier)
    shares = {c: one(ds, f"cpp_starts_{c}") for c in ("neglect", "physical", "sexual", "emotional", "multiple")}
    assert {c: r.numerator for c, r in shares.items()} == {
        "neglect": 3,  # A, F, F (two plans of F both NEG); L is NEG but started in 2015-16
        "physical": 1,  # B; G and H started in 2014
        "sexual": 1,  # E
        "emotional": 0,  # C and D started in 2015 - a real zero, plans started in the year exist
        "multiple": 1,  # J
    }
    assert all(r.denominator == 7 for r in shares.values())  # K (no category) is in every denominator
    assert shares["neglect"].value == pytest.approx(300 / 7)
    assert shares["emotional"].value == 0.0
    rate = one(ds, "cpp_rate_neglect")
    assert (rate.numerator, rate.denominator) == (3, 200_000)
    assert rate.value == pytest.approx(3 * 10000 / 200_000)
    assert one(ds, "cpp_rate_multiple").value == pytest.approx(1 * 10000 / 200_000)


def test_duration_bands_at_31_march():
    rows = {b: one(_ds(), "cpp_by_duration", breakdown=b) for b in DURATION_BANDS}
    assert {b: r.value for b, r in rows.items()} == {
        "3 months or less": 2,  # B (started 31 March), J (31 Dec + 3 months = 31 March)
        "more than 3 to 6 months": 2,  # F's 2nd plan (1 Oct), K (30 Dec)
        "more than 6 months to less than 1 year": 1,  # A (1 April 2016)
        "1 to less than 2 years": 1,  # D (1 Apr 2015: one day short of 2 years)
        "2 years or more": 1,  # C (31 Mar 2015: exactly 2 years)
    }
    assert sum(r.value for r in rows.values()) == 7  # = cpp_at_31march


def test_duration_band_boundaries_are_calendar_months_and_years():
    plans = [
        # 31 Mar 2016 + 1 year = 31 Mar 2017 -> exactly 1 year -> "1 to less than 2 years"
        {"child_id": "A", "start_date": "2016-03-31"},
        # 1 Oct 2016 + 6 months = 1 Apr 2017 >= 31 March -> "more than 3 to 6 months"
        {"child_id": "B", "start_date": "2016-10-01"},
        # 30 Sep 2016 + 6 months = 30 Mar 2017 < 31 March (no 31 Sep, so day 30 is kept) -> 6 months and a
        # day -> "more than 6 months to less than 1 year"
        {"child_id": "C", "start_date": "2016-09-30"},
        # ends on 31 March -> not open, in no band
        {"child_id": "D", "start_date": "2015-03-31", "end_date": "2017-03-31"},
    ]
    got = {b: one(_ds(plans), "cpp_by_duration", breakdown=b).value for b in DURATION_BANDS}
    assert got == {"3 months or less": 0, "more than 3 to 6 months": 1,
                   "more than 6 months to less than 1 year": 1, "1 to less than 2 years": 1, "2 years or more": 0}


def test_open_two_years_or_more_boundary():
    r = one(_ds(), "cpp_open_2yrs_plus")
    assert (r.numerator, r.denominator) == (1, 7)  # only C: exactly 2 years counts, D (a day short) does not
    assert r.measure.numerator["child_id"].tolist() == ["C"]


def test_ended_after_two_years_or_more():
    r = one(_ds(), "cpp_ended_2yrs_plus")
    # ended in the year: E (31 March), F's 1st, G, H, L (1 April) = 5; lasted 2 years or more: G only
    assert (r.numerator, r.denominator) == (1, 5)
    assert r.measure.numerator["child_id"].tolist() == ["G"]


def test_leap_day_two_year_anniversaries_in_2017_18():
    plans = [
        # started 29 Feb 2016, ended 28 Feb 2018: the 2-year anniversary of 29 Feb is 28 Feb -> counts
        {"child_id": "A", "start_date": "2016-02-29", "end_date": "2018-02-28"},
        # started 29 Feb 2016, ended 27 Feb 2018 -> one day short
        {"child_id": "B", "start_date": "2016-02-29", "end_date": "2018-02-27"},
        # open at 31 Mar 2018, started 29 Feb 2016 -> over 2 years -> "2 years or more"
        {"child_id": "C", "start_date": "2016-02-29"},
        # open, started 30 Nov 2017: + 3 months = 28 Feb 2018 (clipped) < 31 March -> "more than 3 to 6 months"
        {"child_id": "D", "start_date": "2017-11-30"},
    ]
    ds = _ds(plans, year="2017-18", population=None)
    ended = one(ds, "cpp_ended_2yrs_plus")
    assert (ended.numerator, ended.denominator) == (1, 2)
    assert one(ds, "cpp_by_duration", breakdown="2 years or more").value == 1  # C
    assert one(ds, "cpp_by_duration", breakdown="more than 3 to 6 months").value == 1  # D
    assert one(ds, "cpp_by_duration", breakdown="3 months or less").value == 0


# -- repeat plans -----------------------------------------------------------------------------------
REPEAT_2016 = [
    # A: earlier plan in the 2014-15 census ended 1 Jun 2014; starts exactly 2 years later -> repeat, within 2 yrs
    {"child_id": "A", "start_date": "2016-06-01", "previous_plans": 0},
    # B: earlier plan ended 1 Jun 2014; starts 2 years and a day later -> repeat, not within 2 years
    {"child_id": "B", "start_date": "2016-06-02", "previous_plans": 1},
    # C: no earlier plan in the censuses, NumberOfPreviousCPP 2 -> repeat (field); no dates -> not within 2 years
    {"child_id": "C", "start_date": "2016-07-01", "previous_plans": 2},
    # D: first plan by both sources -> not a repeat
    {"child_id": "D", "start_date": "2016-07-01", "previous_plans": 0},
    # E: two plans in the year; the 1st (starts and ends in the year) is a first plan -> not a repeat
    {"child_id": "E", "start_date": "2016-04-01", "end_date": "2016-05-01", "previous_plans": 0},
    # E's 2nd plan: earlier plan this year ended 1 May 2016 -> repeat, within 2 years
    {"child_id": "E", "start_date": "2016-09-01", "previous_plans": 1},
    # F: 2015-16 plan ended 31 Mar 2016; starts next day 1 April -> repeat, within 2 years
    {"child_id": "F", "start_date": "2016-04-01", "previous_plans": 1},
    # G: started in 2015-16 -> not a plan starting in the year at all
    {"child_id": "G", "start_date": "2016-03-01", "previous_plans": 3},
]
REPEAT_HISTORY = {
    "2014-15": [
        {"child_id": "A", "start_date": "2013-01-01", "end_date": "2014-06-01"},  # A's earlier plan
        {"child_id": "B", "start_date": "2013-01-01", "end_date": "2014-06-01"},  # B's earlier plan
    ],
    "2015-16": [
        {"child_id": "F", "start_date": "2015-05-01", "end_date": "2016-03-31"},  # F's earlier plan
        {"child_id": "G", "start_date": "2016-03-01"},  # G's plan, open at 31 Mar 2016 (same plan as this year)
    ],
}


def test_repeat_plans_combine_history_and_previous_cpp():
    r = one(_ds(REPEAT_2016, history=REPEAT_HISTORY), "cpp_repeat")
    # starts: A, B, C, D, E, E, F = 7; repeats: A (history, though the field says 0), B, C (field), E's 2nd, F
    assert (r.numerator, r.denominator) == (5, 7)
    assert sorted(r.measure.numerator["child_id"]) == ["A", "B", "C", "E", "F"]
    assert r.measure.note == ""  # NumberOfPreviousCPP present on every start (2013-14 on)


def test_repeat_within_two_years_of_previous_end():
    r = one(_ds(REPEAT_2016, history=REPEAT_HISTORY), "cpp_repeat_2yrs")
    # A (exactly 2 years after the end counts), E's 2nd, F; not B (a day over) nor C (no previous dates)
    assert (r.numerator, r.denominator) == (3, 7)
    assert sorted(r.measure.numerator["child_id"]) == ["A", "E", "F"]
    assert r.measure.note == ""  # history reaches back to 2014-15


def test_repeat_notes_when_history_is_short():
    plans = [
        # H: NumberOfPreviousCPP blank and no earlier plan in the censuses -> counted as a first plan, with a note
        {"child_id": "H", "start_date": "2016-05-01"},
        # J: NumberOfPreviousCPP 1 -> repeat
        {"child_id": "J", "start_date": "2016-05-01", "previous_plans": 1},
    ]
    ds = _ds(plans)  # only 2016-17 present
    r = one(ds, "cpp_repeat")
    assert (r.numerator, r.denominator) == (1, 2)
    assert r.measure.note == "history before 2016-17 not available"
    r2 = one(ds, "cpp_repeat_2yrs")
    assert (r2.numerator, r2.denominator) == (0, 2)
    assert r2.measure.note == "history before 2016-17 not available"


def test_repeat_before_previous_cpp_was_collected_uses_history_only():
    plans = [
        # A: NumberOfPreviousCPP not in the 2012-13 specification -> the value 4 is ignored; no history -> first
        {"child_id": "A", "start_date": "2012-05-01", "previous_plans": 4},
        # B: earlier plan in the 2011-12 census (ended 1 Jan 2012) -> repeat, and within 2 years
        {"child_id": "B", "start_date": "2012-05-01"},
    ]
    history = {"2011-12": [{"child_id": "B", "start_date": "2011-06-01", "end_date": "2012-01-01"}]}
    ds = _ds(plans, year="2012-13", history=history, population=None)
    r = one(ds, "cpp_repeat")
    assert (r.numerator, r.denominator) == (1, 2)
    # plans before the oldest census can never be seen without NumberOfPreviousCPP
    assert r.measure.note == "history before 2011-12 not available"
    r2 = one(ds, "cpp_repeat_2yrs")
    assert (r2.numerator, r2.measure.note) == (1, "history before 2011-12 not available")  # needs 2010-11


def test_repeat_within_two_years_from_leap_day():
    plans = [
        # A: previous plan ended 29 Feb 2016; 2 years on is 28 Feb 2018 -> starts that day, counts
        {"child_id": "A", "start_date": "2018-02-28", "previous_plans": 1},
        # B: previous plan ended 29 Feb 2016; starts 1 Mar 2018 -> repeat, not within 2 years
        {"child_id": "B", "start_date": "2018-03-01", "previous_plans": 1},
    ]
    history = {"2015-16": [{"child_id": "A", "start_date": "2015-06-01", "end_date": "2016-02-29"},
                           {"child_id": "B", "start_date": "2015-06-01", "end_date": "2016-02-29"}]}
    ds = _ds(plans, year="2017-18", history=history, population=None)
    r = one(ds, "cpp_repeat_2yrs")
    assert (r.numerator, r.denominator) == (1, 2)
    assert r.measure.note == ""  # 2015-16 is two years back
    assert one(ds, "cpp_repeat").numerator == 2


def test_no_plans_at_all_is_a_zero_denominator_not_an_error():
    ds = _ds([], history={"2015-16": []})
    r = one(ds, "cpp_repeat")
    assert (r.numerator, r.denominator, r.value) == (0, 0, None)
    assert one(ds, "cpp_at_31march").value == 0  # a real zero: the census is present


# -- statutory visits ------------------------------------------------------------------------------
VISIT_PLANS = [
    {"child_id": "A", "start_date": "2016-01-04"},  # open all year
    {"child_id": "B", "start_date": "2017-03-01"},  # starts in March 2017
    {"child_id": "C", "start_date": "2016-06-01", "end_date": "2016-06-10"},  # ends before any due date
    {"child_id": "D", "start_date": "2016-07-01", "end_date": "2016-07-15"},  # ends on its first due date
    {"child_id": "E", "start_date": "2016-09-01", "end_date": "2016-10-01"},  # no visits at all
    {"child_id": "G", "start_date": "2016-04-01", "end_date": "2016-04-20"},  # G's 1st plan (1 April)
    {"child_id": "G", "start_date": "2016-05-01", "end_date": "2016-06-01"},  # G's 2nd plan in the year
    {"child_id": "J", "start_date": "2017-03-17"},  # first due date 31 March
    {"child_id": "K", "start_date": "2017-03-17", "end_date": "2017-03-31"},  # ends 31 March = its due date
]
VISITS = [
    # A: last visit before 1 April -> due 11 Apr; start 4 Jan + 14 days is in 2015-16, not counted
    {"child_id": "A", "plan_start_date": "2016-01-04", "visit_date": "2016-03-28"},
    # A: 11 Apr, exactly 14 days after 28 Mar -> due 11 Apr timely
    {"child_id": "A", "plan_start_date": "2016-01-04", "visit_date": "2016-04-11"},
    # A: 26 Apr, 15 days after 11 Apr -> due 25 Apr untimely
    {"child_id": "A", "plan_start_date": "2016-01-04", "visit_date": "2016-04-26"},
    # (A: no visit after 26 Apr while the plan stays open -> due 10 May missed, untimely; one, not one a fortnight)
    # B: visit before the plan started -> ignored (belongs to no plan)
    {"child_id": "B", "plan_start_date": "2017-03-01", "visit_date": "2017-02-25"},
    # B: 15 Mar, 14 days after the 1 Mar start -> due 15 Mar timely
    {"child_id": "B", "plan_start_date": "2017-03-01", "visit_date": "2017-03-15"},
    # B: 31 Mar, 16 days after 15 Mar -> due 29 Mar untimely; its own due (14 Apr) is in 2017-18
    {"child_id": "B", "plan_start_date": "2017-03-01", "visit_date": "2017-03-31"},
    # C: visit on 5 Jun -> its next due (19 Jun) falls after the plan ended 10 Jun: nothing due
    {"child_id": "C", "plan_start_date": "2016-06-01", "visit_date": "2016-06-05"},
    # (D: no visits; due 15 Jul = the day the plan ended -> not open, nothing due)
    # (E: no visits; due 15 Sep while open -> missed, untimely)
    # G 1st plan: 14 Apr, 13 days after the 1 April start -> due 15 Apr timely; next due 28 Apr after the end
    {"child_id": "G", "plan_start_date": "2016-04-01", "visit_date": "2016-04-14"},
    # G 2nd plan: 10 May -> due 15 May timely; the same visit entered twice counts once
    {"child_id": "G", "plan_start_date": "2016-05-01", "visit_date": "2016-05-10"},
    {"child_id": "G", "plan_start_date": "2016-05-01", "visit_date": "2016-05-10"},
    # G 2nd plan: 24 May -> due 24 May timely; its next due (7 Jun) is after the plan ended 1 Jun
    {"child_id": "G", "plan_start_date": "2016-05-01", "visit_date": "2016-05-24"},
    # H: plan 5 May 2016 is not in the census -> left out, reported in the note
    {"child_id": "H", "plan_start_date": "2016-05-05", "visit_date": "2016-05-10"},
    # J: visit on 31 March, the due date -> timely
    {"child_id": "J", "plan_start_date": "2017-03-17", "visit_date": "2017-03-31"},
    # (K: no visits; due 31 March is the day the plan ended -> nothing due)
]


def test_cp_visits_timely_counts_visits_due():
    r = one(_ds(VISIT_PLANS, visits=VISITS), "cp_visits_timely")
    # due: A 3 (1 timely), B 2 (1), E 1 (0), G 3 (3), J 1 (1); C, D, K none -> 6 of 10
    assert (r.numerator, r.denominator) == (6, 10)
    assert r.value == pytest.approx(60.0)
    den = r.measure.denominator
    assert den.groupby("child_id").size().to_dict() == {"A": 3, "B": 2, "E": 1, "G": 3, "J": 1}
    missed = den[den["visit_date"].isna()]
    assert sorted(missed["child_id"]) == ["A", "E"]  # due 10 May (A) and 15 Sep (E) with no visit
    assert r.measure.note == "1 visit(s) matched no plan in the CIN census and were left out"


def test_cp_visits_absent_extract_is_unavailable():
    r = one(_ds(VISIT_PLANS), "cp_visits_timely")  # census present, no cp_visits.csv
    assert r.value is None and r.numerator is None
    assert r.measure.note == "source absent: cp_visits.csv"


@pytest.mark.parametrize("ind", ["cpp_at_31march", "cpp_starts", "cpp_repeat", "cpp_by_duration", "cpp_rate"])
def test_absent_census_is_unavailable_not_zero(ind):
    ds = dataset("2016-17", [year_data("2016-17")], POP)
    r = one(ds, ind)
    assert r.value is None and r.measure.note == "source absent: cin_census.xml"


@pytest.mark.parametrize("ind", ["cpp_rate", "cpp_rate_neglect", "cpp_rate_emotional"])
def test_absent_population_is_unavailable(ind):
    r = one(_ds(population=None), ind)
    assert r.value is None and r.measure.note == "population for mid-2016 not in population.csv"
