"""The counting conventions of DATA_CONTRACT.md."""

from __future__ import annotations

import pandas as pd
import pytest

from reporting.conventions import (
    add_months,
    add_years,
    open_at,
    round_half_away,
    within_working_days,
    working_days_after,
)
from reporting.periods import ReportingYear, YearError


def _s(*dates):
    return pd.Series(pd.to_datetime(list(dates)))


def test_working_days_skip_weekends_and_bank_holidays():
    # Fri 23 Dec 2016 -> Tue 3 Jan 2017: 26, 27 Dec (substitute) and 2 Jan are bank holidays
    assert working_days_after(_s("2016-12-23"), _s("2017-01-03")).tolist() == [4]
    # Thu 24 Mar 2016 -> Tue 29 Mar 2016: Good Friday 25th, Easter Monday 28th
    assert working_days_after(_s("2016-03-24"), _s("2016-03-29")).tolist() == [1]
    # same day: zero working days after the start
    assert working_days_after(_s("2016-06-01"), _s("2016-06-01")).tolist() == [0]


def test_within_working_days_boundary_and_order():
    start = _s("2016-06-01", "2016-06-01", "2016-06-10", None)
    end = _s("2016-06-22", "2016-06-23", "2016-06-09", "2016-06-09")
    # 15 working days after Wed 1 June is Wed 22 June: counts; 23 June does not;
    # an end before the start never counts; a missing date never counts
    assert within_working_days(start, end, 15).tolist() == [True, False, False, False]


def test_calendar_months_and_years_with_leap_day():
    assert add_months(_s("2015-06-10"), 12).tolist() == [pd.Timestamp("2016-06-10")]
    assert add_years(_s("2016-02-29"), 2).tolist() == [pd.Timestamp("2018-02-28")]


def test_open_at_31_march():
    start = _s("2016-01-01", "2016-01-01", "2017-03-31", "2017-04-01")
    end = _s("2017-03-31", "2017-04-01", None, None)
    # ends on 31 March: not open; ends 1 April: open; starts 31 March: open; starts 1 April: not
    assert open_at(start, end, pd.Timestamp("2017-03-31")).tolist() == [False, True, True, False]


@pytest.mark.parametrize("value, nd, expected", [(2.25, 1, 2.3), (-2.25, 1, -2.3), (0.5, 0, 1.0), (43.65, 1, 43.7)])
def test_round_half_away_from_zero(value, nd, expected):
    assert round_half_away(value, nd) == expected


def test_reporting_year_parse_and_periods():
    y = ReportingYear.parse("2016-17")
    assert (y.start, y.end) == (pd.Timestamp("2016-04-01"), pd.Timestamp("2017-03-31"))
    assert [q.label for q in y.quarters()] == ["Apr-Jun 2016", "Jul-Sep 2016", "Oct-Dec 2016", "Jan-Mar 2017"]
    assert y.months()[-1].label == "Mar 2017" and y.snapshot().label == "31 March 2017"
    assert y.population_mid_year == 2016
    for bad in ("2016-18", "2016/17", "2030-31"):
        with pytest.raises(YearError):
            ReportingYear.parse(bad)
