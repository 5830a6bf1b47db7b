"""Children missing from home and from care (report 3.13) on tiny hand-built records.

Quarters: Apr-Jun 2016, Jul-Sep 2016, Oct-Dec 2016, Jan-Mar 2017.
"""

from __future__ import annotations

import pytest
from helpers_data import dataset, extract_table, one, ssda903_tables, year_data


def ep(child, decom, ls, dec="", rec=""):
    return {"CHILD": child, "DECOM": decom, "RNE": "S", "LS": ls, "PLACE": "U1", "DEC": dec, "REC": rec}


def mis(child, start, end="", code="M"):
    return {"CHILD": child, "MISSING": code, "MIS_START": start, "MIS_END": end}


EPISODES = [
    ep("M1", "2015-01-01", "C2"),  # looked after all year: in every quarter-end denominator
    ep("M2", "2016-01-01", "C2"),  # looked after all year
    ep("M3", "2016-02-01", "C2", "2016-08-15", "E13"),  # leaves 15 Aug: in the 30 June denominator only
    ep("M4", "2016-04-01", "C2", "2016-06-30", "E13"),  # ends on 30 June: not looked after at the quarter end
    ep("M5", "2016-07-01", "C2"),  # starts 1 July: in the 30 Sep, 31 Dec and 31 March denominators
    ep("SB", "2016-04-01", "V3"),  # short breaks only: never looked after here
]
MISSING = [
    mis("M1", "2016-05-01", "2016-05-02"),  # Apr-Jun
    mis("M1", "2016-06-28", "2016-07-03"),  # spans 30 June: Apr-Jun only (M1 still one child there)
    mis("M2", "2016-05-05", "2016-05-05", code="A"),  # away without authorisation, not missing: no
    mis("M2", "2016-07-01", "2016-07-02"),  # 1 July, first day of Jul-Sep
    mis("M3", "2016-08-15", "2016-08-16"),  # the day M3's care ended: still looked after that day, Jul-Sep
    mis("M4", "2016-06-30", "2016-07-01"),  # last day of M4's care and of Apr-Jun: counts in Apr-Jun
    mis("SB", "2016-06-01", "2016-06-02"),  # during short breaks: not looked after, no
    mis("MX", "2016-10-10", "2016-10-11"),  # no episode at all: not looked after, no
    mis("M1", "2017-03-31"),  # 31 March, not yet returned: Jan-Mar
    mis("M2", "2016-03-31", "2016-04-02"),  # started in the previous year: counted there, not in Apr-Jun
]
MISSING_FROM_HOME = [
    {"child_id": "H1", "start_date": "2016-04-01", "end_date": "2016-04-01"},  # 1 April: Apr-Jun
    {"child_id": "H1", "start_date": "2016-06-30", "end_date": "2016-07-02"},  # spans 30 June: Apr-Jun, H1 once
    {"child_id": "H2", "start_date": "2016-07-01", "end_date": ""},  # Jul-Sep, not yet returned
    {"child_id": "M1", "start_date": "2016-10-10", "end_date": "2016-10-11"},  # looked after then: dropped
    {"child_id": "SB", "start_date": "2016-11-01", "end_date": "2016-11-01"},  # on short breaks: counts, Oct-Dec
    {"child_id": "H3", "start_date": "2016-12-31", "end_date": "2017-01-02"},  # 31 Dec: Oct-Dec
    {"child_id": "H4", "start_date": "2017-03-31", "end_date": "2017-04-01"},  # 31 March: Jan-Mar
    {"child_id": "H5", "start_date": "2017-04-01", "end_date": "2017-04-02"},  # next year: none
]
Q = ["Apr-Jun 2016", "Jul-Sep 2016", "Oct-Dec 2016", "Jan-Mar 2017"]


def _ds(missing=MISSING, episodes=EPISODES, mfh=MISSING_FROM_HOME, year="2016-17"):
    s903 = None
    if episodes is not None:
        tables = {"episodes": episodes}
        if missing is not None:
            tables["missing"] = missing
        s903 = ssda903_tables(**tables)
    extracts = {"missing_from_home": extract_table("missing_from_home", mfh)} if mfh is not None else None
    return dataset(year, [year_data(year, ssda903=s903, extracts=extracts)])


def _by_quarter(ds, indicator_id, attr="value"):
    return [getattr(one(ds, indicator_id, period_label=q), attr) for q in Q]


def test_cla_missing_counts_distinct_children_in_the_quarter_they_go_missing():
    ds = _ds()
    # Apr-Jun: M1 (twice), M4; Jul-Sep: M2, M3; Oct-Dec: none; Jan-Mar: M1
    assert _by_quarter(ds, "cla_missing_q") == [2, 2, 0, 1]
    q1 = one(ds, "cla_missing_q", period_label="Apr-Jun 2016").measure.numerator
    assert q1["CHILD"].tolist() == ["M1", "M4"]
    assert str(q1.loc[0, "MIS_START"].date()) == "2016-05-01"  # M1's first episode of the quarter


def test_cla_missing_percentage_over_children_looked_after_at_the_quarter_end():
    ds = _ds()
    # looked after on 30 Jun: M1 M2 M3 (M4 ended 30 June); 30 Sep, 31 Dec, 31 Mar: M1 M2 M5
    assert _by_quarter(ds, "cla_missing_pct_q", "denominator") == [3, 3, 3, 3]
    values = _by_quarter(ds, "cla_missing_pct_q")
    assert values == pytest.approx([100 * 2 / 3, 100 * 2 / 3, 0.0, 100 / 3])


def test_missing_from_home():
    ds = _ds()
    # Apr-Jun: H1; Jul-Sep: H2; Oct-Dec: SB, H3 (M1 was looked after); Jan-Mar: H4
    assert _by_quarter(ds, "missing_from_home_q") == [1, 1, 2, 1]
    assert _by_quarter(ds, "missing_from_home_q", "numerator") == [1, 1, 2, 1]
    assert one(ds, "missing_from_home_q", period_label="Apr-Jun 2016").measure.note == ""


def test_missing_from_home_without_903_is_not_checked_and_says_so():
    ds = _ds(episodes=None)
    r = one(ds, "missing_from_home_q", period_label="Oct-Dec 2016")
    assert r.value == 3  # M1's row is kept: nothing to check it against
    assert r.measure.note == "looked-after status not checked: SSDA903 episodes absent"


def test_absent_sources_are_not_zero():
    ds = _ds(missing=None, mfh=None)
    for ind in ("cla_missing_q", "cla_missing_pct_q"):
        r = one(ds, ind, period_label="Jul-Sep 2016")
        assert r.value is None and r.measure.note == "source absent: ssda903/missing"
    r = one(ds, "missing_from_home_q", period_label="Jul-Sep 2016")
    assert r.value is None and r.measure.note == "source absent: missing_from_home.csv"


def test_leap_day_missing_episode():
    eps = [ep("L1", "2019-01-01", "C2")]  # looked after throughout 2019-20
    rows = [mis("L1", "2020-02-29", "2020-03-02")]  # 29 Feb 2020: Jan-Mar 2020
    ds = _ds(missing=rows, episodes=eps, mfh=[], year="2019-20")
    r = one(ds, "cla_missing_pct_q", period_label="Jan-Mar 2020")
    assert (r.numerator, r.denominator, r.value) == (1, 1, 100.0)
    assert one(ds, "cla_missing_q", period_label="Oct-Dec 2019").value == 0
