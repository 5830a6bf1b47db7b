"""Unaccompanied asylum-seeking children (report 2.8-2.9) on tiny hand-built records."""

from __future__ import annotations

from helpers_data import dataset, evaluate, one, ssda903_tables, year_data


def ep(child, decom, ls, place, dec="", rec=""):
    return {"CHILD": child, "DECOM": decom, "RNE": "S", "LS": ls, "PLACE": place, "DEC": dec, "REC": rec}


EPISODES = [
    ep("U1", "2016-04-01", "V2", "U4"),  # UASC arriving 1 April: Apr 2016; looked after at 31 March
    ep("U2", "2016-08-15", "V2", "P1"),  # UASC placed with parents: Aug 2016, still UASC at 31 March
    ep("U3", "2016-10-05", "V2", "U4", "2017-02-01", "E8"),  # Oct 2016 arrival; left care before 31 March
    ep("U4", "2017-03-31", "V2", "U4"),  # arrives 31 March: Mar 2017, looked after at 31 March
    ep("U5", "2015-10-01", "V2", "U4"),  # UASC since 2015; status ceased 31 March 2017: not UASC that day
    ep("U6", "2015-11-01", "V2", "U4", "2017-03-31", "E8"),  # care ended 31 March: not looked after then
    ep("U7", "2016-12-01", "V2", "U4"),  # listed only in next year's UASC table (DUC after 31 March): Dec, counts
    ep("U8", "2016-09-10", "C2", "U1"),  # UASC status ceased 1 Jan 2016, before care: not a UASC arrival
    ep("U9", "2016-06-01", "V3", "U1"),  # short break of a listed child: never looked after here
    ep("N1", "2016-06-01", "C2", "U1"),  # not in any UASC table: looked after, not UASC
]
UASC = [
    {"CHILD": "U1", "DUC": ""},  # status not ceased
    {"CHILD": "U2", "DUC": ""},
    {"CHILD": "U3", "DUC": ""},
    {"CHILD": "U4", "DUC": "2018-01-01"},  # ceases after 31 March 2017
    {"CHILD": "U5", "DUC": "2017-03-31"},  # ceased on 31 March
    {"CHILD": "U6", "DUC": ""},
    {"CHILD": "U8", "DUC": "2016-01-01"},  # ceased before care began
    {"CHILD": "U9", "DUC": ""},
]
NEXT_YEAR_UASC = [{"CHILD": "U7", "DUC": "2017-06-01"}]  # recorded in 2017-18's table


def _ds(uasc=UASC, nxt=NEXT_YEAR_UASC):
    tables = {"episodes": EPISODES}
    if uasc is not None:
        tables["uasc"] = uasc
    years = [year_data("2016-17", ssda903=ssda903_tables(**tables))]
    if nxt is not None:
        years.append(year_data("2017-18", ssda903=ssda903_tables(uasc=nxt)))
    return dataset("2016-17", years)


def test_monthly_arrivals():
    by_month = {r.period.label: r.value for r in evaluate(_ds(), "uasc_arrivals_m")}
    assert by_month == {"Apr 2016": 1, "May 2016": 0, "Jun 2016": 0, "Jul 2016": 0, "Aug 2016": 1,
                        "Sep 2016": 0, "Oct 2016": 1, "Nov 2016": 0, "Dec 2016": 1, "Jan 2017": 0,
                        "Feb 2017": 0, "Mar 2017": 1}


def test_months_add_up_to_the_quarterly_uasc_starts():
    ds = _ds()
    months = {r.period.label: r.value for r in evaluate(ds, "uasc_arrivals_m")}
    quarters = {r.period.label: r.value for r in evaluate(ds, "cla_started_uasc_q")}
    assert quarters == {"Apr-Jun 2016": 1, "Jul-Sep 2016": 1, "Oct-Dec 2016": 2, "Jan-Mar 2017": 1}
    assert sum(months.values()) == sum(quarters.values()) == 5


def test_uasc_at_31march():
    r = one(_ds(), "uasc_at_31march")
    # U1, U2 (placed with parents), U4 (arrived 31 March), U7 (next year's table);
    # not U3 (left), U5 (status ceased 31 March), U6 (care ended 31 March), U8 (ceased before care), U9 (short break)
    assert sorted(r.measure.numerator["CHILD"]) == ["U1", "U2", "U4", "U7"]
    assert r.value == 4


def test_leap_day_arrival_counts_in_february():
    eps = [ep("L1", "2020-02-29", "V2", "U4"),  # 29 Feb 2020: Feb 2020
           ep("L2", "2020-03-01", "V2", "U4")]  # 1 Mar 2020: Mar 2020
    ds = dataset("2019-20", [year_data("2019-20", ssda903=ssda903_tables(
        episodes=eps, uasc=[{"CHILD": "L1", "DUC": ""}, {"CHILD": "L2", "DUC": ""}]))])  # both UASC
    assert one(ds, "uasc_arrivals_m", period_label="Feb 2020").value == 1
    assert one(ds, "uasc_arrivals_m", period_label="Mar 2020").value == 1
    assert one(ds, "uasc_at_31march").value == 2


def test_no_uasc_table_is_unavailable_not_zero():
    ds = _ds(uasc=None, nxt=None)
    r = one(ds, "uasc_at_31march")
    assert r.value is None and r.measure.note == "source absent: ssda903/UASC.csv"
    assert all(r.value is None for r in evaluate(ds, "uasc_arrivals_m"))
