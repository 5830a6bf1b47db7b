"""Children looked after (report 3.10-3.12) on tiny hand-built records.

One 2016-17 return covers snapshot, stability and quarterly flows; every child's rows say
why they count or not. Quarters: Apr-Jun 2016, Jul-Sep 2016, Oct-Dec 2016, Jan-Mar 2017.
"""

from __future__ import annotations

import pytest
from helpers_data import cin_tables, dataset, one, ssda903_tables, year_data


def ep(child, decom, rne, ls, place, dec="", rec="", **kw):
    return {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "PLACE": place, "DEC": dec, "REC": rec, **kw}


EPISODES = [
    # A: three placements in the year -> 3+ (open on 1 April, P in May, B in August); looked after at 31 March
    ep("A", "2015-06-01", "S", "C2", "U1", "2016-05-01", "X1"),  # placement open on 1 April: 1
    ep("A", "2016-05-01", "P", "C2", "U4", "2016-08-01", "X1"),  # change of carer: 2
    ep("A", "2016-08-01", "B", "C1", "U5"),  # legal status and carer change: 3
    # B: a new episode changing only the legal status (RNE L) is not a move -> 2 placements
    ep("B", "2015-06-01", "S", "C1", "U1", "2016-06-01", "X1"),  # open on 1 April: 1
    ep("B", "2016-06-01", "L", "C2", "U1", "2016-10-01", "X1"),  # legal status only: not a placement
    ep("B", "2016-10-01", "P", "C2", "U4"),  # change of carer: 2
    # C: starts on 1 April (first day: a start in Apr-Jun); T and U are the same carer -> 1 placement
    ep("C", "2016-04-01", "S", "C2", "U1", "2016-07-01", "X1"),  # start of care: 1
    ep("C", "2016-07-01", "T", "C2", "A4", "2016-12-01", "X1"),  # foster carer approved as adopter: same carer
    ep("C", "2016-12-01", "U", "E1", "A5"),  # placement order, same carer: not a move
    # D: a temporary placement (T1) and the return to the same carer do not count -> 2 placements
    ep("D", "2015-01-01", "S", "C2", "U1", "2016-06-01", "X1", URN="SC1", PL_POST="AB1 2CD"),  # open on 1 April: 1
    ep("D", "2016-06-01", "P", "C2", "T1", "2016-06-10", "X1"),  # temporary (hospital): not counted
    ep("D", "2016-06-10", "P", "C2", "U1", "2016-09-01", "X1", URN="SC1", PL_POST="AB12CD"),  # back to SC1: not new
    ep("D", "2016-09-01", "P", "C2", "U4", URN="SC2", PL_POST="AB3 4EF"),  # new carer: 2
    # E: moved on 1 April: the episode ending 1 April was not open that day -> 2 placements, not 3
    ep("E", "2015-03-01", "S", "C2", "U1", "2016-04-01", "X1"),  # ended 1 April: not counted
    ep("E", "2016-04-01", "P", "C2", "U4", "2017-03-31", "X1"),  # placement open on 1 April: 1
    ep("E", "2017-03-31", "P", "C2", "U6"),  # move on 31 March: 2
    # F: a move on 31 March is the third placement -> 3+
    ep("F", "2015-09-01", "S", "C2", "U1", "2016-10-01", "X1"),  # open on 1 April: 1
    ep("F", "2016-10-01", "P", "C2", "U4", "2017-03-31", "X1"),  # 2
    ep("F", "2017-03-31", "P", "C2", "U5"),  # 31 March, last day of the year: 3
    # G: short breaks turning into full care: the period starts on the first full-care episode (RNE L) -> 3+
    ep("G", "2016-04-10", "S", "V3", "U1", "2016-06-01", "X1"),  # short break: dropped
    ep("G", "2016-06-01", "L", "C2", "U1", "2016-09-01", "X1"),  # first full-care episode: starts care, 1
    ep("G", "2016-09-01", "P", "C2", "U4", "2017-01-01", "X1"),  # 2
    ep("G", "2017-01-01", "P", "C2", "U5"),  # 3
    # SB: only short breaks (V3, V4): never looked after here, never a start or an end
    ep("SB", "2016-05-01", "S", "V3", "U1", "2016-05-03", "E8"),
    ep("SB", "2016-07-01", "S", "V4", "U1"),
    # H: period ending on 31 March: not looked after at 31 March; started Oct-Dec, ceased Jan-Mar
    ep("H", "2016-11-01", "S", "C2", "U1", "2017-03-31", "E13"),
    # J: starts on 31 March: looked after at 31 March, a start in Jan-Mar
    ep("J", "2017-03-31", "S", "C1", "U1"),
    # K: starts twice in the year: two starts (Apr-Jun, Oct-Dec), one child for cla_started; ceased Apr-Jun
    ep("K", "2016-05-01", "S", "C2", "U1", "2016-06-01", "E13"),  # first period: placement 1
    ep("K", "2016-12-01", "S", "C2", "U1"),  # second period: placement 2
    # PW: placed with parents on entry, not UASC: a PwP start in Jul-Sep
    ep("PW", "2016-08-20", "S", "C1", "P1"),
    # UP: UASC placed with parents: adjusted once, as UASC (Jul-Sep), not as PwP
    ep("UP", "2016-08-15", "S", "V2", "P1"),
    # UX: listed as UASC but the status ceased (DUC 1 Jan 2016) before care began: a PwP start, not UASC
    ep("UX", "2016-09-01", "S", "C2", "P1", "2016-12-20", "E13"),  # ceased Oct-Dec
    # UB: UASC start in Oct-Dec, ceased Jan-Mar
    ep("UB", "2016-10-05", "S", "V2", "U4", "2017-02-01", "E8"),
    # UC: UASC looked after since 2015 whose status ceased on 31 March 2017: looked after, not UASC that day
    ep("UC", "2015-10-01", "S", "V2", "U4"),
    # UD: UASC start in Jan-Mar, listed only in next year's UASC table
    ep("UD", "2017-02-10", "S", "V2", "U4"),
]
UASC = [
    {"CHILD": "UP", "DUC": ""},  # status not ceased
    {"CHILD": "UX", "DUC": "2016-01-01"},  # ceased before UX's care began
    {"CHILD": "UB", "DUC": ""},
    {"CHILD": "UC", "DUC": "2017-03-31"},  # ceased on 31 March: not UASC at 31 March
]
UASC_NEXT_YEAR = [{"CHILD": "UD", "DUC": "2017-04-15"}]  # ceased after 31 March: UASC at 31 March

Q = ["Apr-Jun 2016", "Jul-Sep 2016", "Oct-Dec 2016", "Jan-Mar 2017"]


def _ds(episodes=EPISODES, uasc=UASC, uasc_next=UASC_NEXT_YEAR, population=None, history=None):
    tables = {"episodes": episodes}
    if uasc is not None:
        tables["uasc"] = uasc
    years = [year_data("2016-17", ssda903=ssda903_tables(**tables))]
    if uasc_next is not None:
        years.append(year_data("2017-18", ssda903=ssda903_tables(uasc=uasc_next)))
    for y, eps in (history or {}).items():
        years.append(year_data(y, ssda903=ssda903_tables(episodes=eps)))
    return dataset("2016-17", years, population)


def _by_quarter(ds, indicator_id):
    return [one(ds, indicator_id, period_label=q).value for q in Q]


def test_cla_at_31march_and_rate():
    ds = _ds(population={2016: 250_000})
    r = one(ds, "cla_at_31march")
    # A B C D E F G J K PW UP UC UD; not SB (short breaks), H (ended 31 March), UX, UB (left)
    assert r.value == 13
    assert sorted(r.measure.numerator["CHILD"]) == sorted("A B C D E F G J K PW UP UC UD".split())
    rate = one(ds, "cla_rate")
    assert rate.denominator == 250_000 and rate.value == pytest.approx(13 * 10_000 / 250_000)


def test_cla_rate_without_population_is_unavailable():
    rate = one(_ds(), "cla_rate")
    assert rate.value is None and "population" in rate.measure.note


def test_three_plus_placements():
    r = one(_ds(), "cla_3plus_placements")
    # A (3), F (move on 31 March is the 3rd), G (full care after short breaks, then 2 moves);
    # not B (RNE L), C (T/U same carer), D (temporary and return), E (episode ended 1 April), K (2)
    assert sorted(r.measure.numerator["CHILD"]) == ["A", "F", "G"]
    assert (r.numerator, r.denominator) == (3, 13)
    assert r.value == pytest.approx(100 * 3 / 13)
    counts = dict(zip(r.measure.numerator["CHILD"], r.measure.numerator["placements"], strict=True))
    assert counts == {"A": 3, "F": 3, "G": 3}


def test_placement_counts_per_child():
    from reporting.indicators.context import Context
    from reporting.indicators.looked_after import placements_in_year

    ds = _ds()
    counted = placements_in_year(Context(ds), ds.year.period()).groupby("CHILD").size().to_dict()
    assert counted == {"A": 3, "B": 2, "C": 1, "D": 2, "E": 2, "F": 3, "G": 3, "H": 1, "J": 1, "K": 2,
                       "PW": 1, "UP": 1, "UX": 1, "UB": 1, "UC": 1, "UD": 1}


def test_quarterly_starts_and_ends():
    ds = _ds()
    # Apr-Jun: C (1 April), K, G (first full-care episode); Jul-Sep: PW, UP, UX; Oct-Dec: UB, H, K again;
    # Jan-Mar: UD, J (31 March). SB's short breaks never start care.
    assert _by_quarter(ds, "cla_started_q") == [3, 3, 3, 2]
    # Apr-Jun: K; Jul-Sep: none (A/B/D's X1 changes are not ends); Oct-Dec: UX; Jan-Mar: UB, H (31 March)
    assert _by_quarter(ds, "cla_ceased_q") == [1, 0, 1, 2]
    assert _by_quarter(ds, "cla_net_q") == [2, 3, 2, 0]
    assert one(ds, "cla_ceased_q", period_label="Jan-Mar 2017").measure.numerator["CHILD"].tolist() == ["H", "UB"]


def test_placed_with_parents_and_uasc_adjustments():
    ds = _ds()
    # PwP: PW and UX (status ceased before care) in Jul-Sep; UP is UASC, so adjusted as UASC only
    assert _by_quarter(ds, "cla_started_pwp_q") == [0, 2, 0, 0]
    pwp = one(ds, "cla_started_pwp_q", period_label="Jul-Sep 2016").measure.numerator
    assert sorted(pwp["CHILD"]) == ["PW", "UX"]
    # UASC: UP (Jul-Sep), UB (Oct-Dec), UD (Jan-Mar, from next year's table)
    assert _by_quarter(ds, "cla_started_uasc_q") == [0, 1, 1, 1]
    # adjusted = net - PwP - UASC: [2-0-0, 3-2-1, 2-0-1, 0-0-1]
    assert _by_quarter(ds, "cla_adjusted_net_q") == [2, 0, 1, -1]


def test_derived_counts_list_signed_components():
    r = one(_ds(), "cla_adjusted_net_q", period_label="Jul-Sep 2016")
    parts = r.measure.numerator
    assert parts.groupby("component")["sign"].sum().to_dict() == {"UASC": -1, "placed with parents": -2,
                                                                 "started": 3}
    assert r.value == parts["sign"].sum() == 0


def test_cla_started_counts_each_child_once():
    r = one(_ds(), "cla_started")
    # 11 period starts in the year, K twice: 10 children; K listed on its first occasion (May)
    assert r.value == 10
    k = r.measure.numerator.set_index("CHILD").loc["K", "period_start"]
    assert str(k.date()) == "2016-05-01"


def test_uasc_table_absent_makes_adjustments_unavailable_not_zero():
    ds = _ds(uasc=None, uasc_next=None)
    assert one(ds, "cla_started_q", period_label="Jul-Sep 2016").value == 3  # needs no UASC table
    for ind in ("cla_started_pwp_q", "cla_started_uasc_q", "cla_adjusted_net_q"):
        r = one(ds, ind, period_label="Jul-Sep 2016")
        assert r.value is None and r.measure.note == "source absent: ssda903/UASC.csv"


def test_stale_open_episode_in_earlier_return_is_ignored():
    # X: last year's return had an open episode from 10 Jan 2016; this year's corrected DECOM to 11 Jan and
    # closed it on 1 May. The stale row (child and DECOM differ) must not keep X looked after at 31 March.
    history = {"2015-16": [ep("X", "2016-01-10", "S", "C2", "U1")]}
    current = [ep("X", "2016-01-11", "S", "C2", "U1", "2016-05-01", "E13")]
    ds = _ds(episodes=current, history=history)
    assert one(ds, "cla_at_31march").value == 0


def test_period_continuing_from_last_year_is_not_a_start():
    # Y: started in February 2016 (last year's return), moved on 5 April with REC X1: no new period
    history = {"2015-16": [ep("Y", "2016-02-01", "S", "C2", "U1")]}
    current = [ep("Y", "2016-02-01", "S", "C2", "U1", "2016-04-05", "X1"),  # same episode, now closed X1
               ep("Y", "2016-04-05", "P", "C2", "U4")]  # continues the period: not a start
    ds = _ds(episodes=current, history=history)
    assert one(ds, "cla_started_q", period_label="Apr-Jun 2016").value == 0
    assert one(ds, "cla_ceased_q", period_label="Apr-Jun 2016").value == 0


# -- case closure within 6 months ----------------------------------------------------------------
def cin(child, ref, closed=""):
    return {"child_id": child, "referral_date": ref, "closure_date": closed}


CLA_ENDED = [
    ep("CA", "2015-01-01", "S", "C2", "U1", "2016-06-15", "E13"),  # ended 15 Jun; CIN closed 15 Dec: counts
    ep("CB", "2015-01-01", "S", "C2", "U1", "2016-06-15", "E13"),  # ended 15 Jun; CIN closed 16 Dec: too late
    ep("CC", "2015-01-01", "S", "C2", "U1", "2016-05-01", "E13"),  # no CIN record: excluded
    ep("CD", "2015-01-01", "S", "C2", "U1", "2016-07-31", "E13"),  # case closed 10 Aug then re-referred: counts
    ep("CE", "2015-01-01", "S", "C2", "U1", "2016-07-31", "E13"),  # closed and reopened 10 Aug: still open
    ep("CF", "2015-01-01", "S", "C2", "U1", "2016-08-31", "E13"),  # 31 Aug + 6 months = 28 Feb: closed 28 Feb
    ep("CG", "2015-01-01", "S", "C2", "U1", "2016-10-01", "E13"),  # window ends 1 Apr 2017: not complete
    ep("CH", "2015-01-01", "S", "C2", "U1", "2016-09-30", "E13"),  # window ends 31 Mar 2017; closed same day
    ep("CI", "2015-01-01", "S", "C2", "U1", "2016-05-10", "E13"),  # CIN closed before care ended: excluded
    ep("CS", "2016-04-01", "S", "V3", "U1", "2016-06-01", "E8"),  # short break: not a period of care
]
CIN_EPISODES = [
    cin("CA", "2014-12-01", "2016-12-15"),
    cin("CB", "2014-12-01", "2016-12-16"),
    cin("CD", "2014-12-01", "2016-08-10"),
    cin("CD", "2016-09-01"),  # re-referral after the case closed: the closure still counts
    cin("CE", "2014-12-01", "2016-08-10"),
    cin("CE", "2016-08-10"),  # referral the day the case closed: the case continues, open
    cin("CF", "2014-12-01", "2017-02-28"),
    cin("CG", "2014-12-01"),  # open at 31 March 2017
    cin("CH", "2014-12-01", "2016-09-30"),
    cin("CI", "2014-12-01", "2016-04-10"),
    cin("CS", "2016-03-01", "2016-06-01"),
]


def _closure_ds(next_cin=None):
    years = [year_data("2016-17", cin=cin_tables(cin_episodes=CIN_EPISODES),
                       ssda903=ssda903_tables(episodes=CLA_ENDED))]
    if next_cin is not None:
        years.append(year_data("2017-18", cin=cin_tables(cin_episodes=next_cin)))
    return dataset("2016-17", years)


def test_cin_closed_after_cla():
    r = one(_closure_ds(), "cin_closed_6m_after_cla")
    assert sorted(r.measure.denominator["CHILD"]) == ["CA", "CB", "CD", "CE", "CF", "CH"]
    assert sorted(r.measure.numerator["CHILD"]) == ["CA", "CD", "CF", "CH"]
    assert r.value == pytest.approx(100 * 4 / 6)
    assert r.measure.note == ("2 periods of care with no CIN episode open at the end excluded; "
                              "1 period of care whose 6 months end after 31 March 2017 excluded")


def test_cin_closed_after_cla_uses_next_census_when_present():
    # next year's census closes CG's episode on 1 April 2017, the last day of its window
    r = one(_closure_ds(next_cin=[cin("CG", "2014-12-01", "2017-04-01")]), "cin_closed_6m_after_cla")
    assert (r.numerator, r.denominator) == (5, 7)
    assert r.measure.note == "2 periods of care with no CIN episode open at the end excluded"


def test_cin_closed_after_cla_leap_day():
    # 2019-20: care ended 31 Aug 2019; 6 calendar months later is 29 Feb 2020
    eps = [ep("L1", "2018-01-01", "S", "C2", "U1", "2019-08-31", "E13"),  # closed 29 Feb 2020: counts
           ep("L2", "2018-01-01", "S", "C2", "U1", "2019-08-31", "E13")]  # closed 1 Mar 2020: one day late
    cins = [cin("L1", "2017-12-01", "2020-02-29"), cin("L2", "2017-12-01", "2020-03-01")]
    ds = dataset("2019-20", [year_data("2019-20", cin=cin_tables(cin_episodes=cins), ssda903=ssda903_tables(episodes=eps))])
    r = one(ds, "cin_closed_6m_after_cla")
    assert (r.numerator, r.denominator) == (1, 2)


def plan(child, start, end, pid):
    return {"child_id": child, "start_date": start, "end_date": end, "plan_id": pid}


CP_PLANS = [
    plan("PA", "2016-01-01", "2016-05-10", 1),  # CIN closed 10 Nov (6 months to the day): counts
    plan("PB", "2016-01-01", "2016-05-10", 2),  # CIN closed 11 Nov: too late
    plan("PC", "2016-01-01", "2016-06-01", 3),  # closed 1 Jul, re-referred 1 Aug: counts as closed
    plan("PD", "2016-01-01", "2016-06-01", 4),  # a new plan in the same open case: not closed
    plan("PD", "2016-07-01", "", 5),  # still open: not an ended plan
    plan("PE", "2016-01-01", "2016-12-01", 6),  # window ends 1 June 2017: not complete, excluded
    plan("PF", "2015-06-01", "2016-03-31", 7),  # ended in the previous year: not in the year
    plan("PG", "2016-01-01", "2016-04-01", 8),  # ended 1 April; case closed the same day: counts
    plan("PH", "2016-01-01", "2016-06-01", 9),  # no CIN episode open at the plan end: excluded
]
CPP_CIN = [
    cin("PA", "2015-12-01", "2016-11-10"),
    cin("PB", "2015-12-01", "2016-11-11"),
    cin("PC", "2015-12-01", "2016-07-01"),
    cin("PC", "2016-08-01"),
    cin("PD", "2015-12-01"),
    cin("PE", "2015-12-01", "2017-01-01"),
    cin("PF", "2015-05-01", "2016-04-20"),
    cin("PG", "2015-12-01", "2016-04-01"),
    cin("PH", "2015-12-01", "2016-05-01"),
]


def test_cin_closed_after_cpp():
    ds = dataset("2016-17", [year_data("2016-17", cin=cin_tables(cin_episodes=CPP_CIN, cp_plans=CP_PLANS))])
    r = one(ds, "cin_closed_6m_after_cpp")
    assert sorted(r.measure.denominator["child_id"]) == ["PA", "PB", "PC", "PD", "PG"]
    assert sorted(r.measure.numerator["child_id"]) == ["PA", "PC", "PG"]
    assert r.value == pytest.approx(60.0)
    assert r.measure.note == ("1 plan with no CIN episode open at the end excluded; "
                              "1 plan whose 6 months end after 31 March 2017 excluded")


def test_case_closure_needs_both_sources():
    no_cin = dataset("2016-17", [year_data("2016-17", ssda903=ssda903_tables(episodes=CLA_ENDED))])
    r = one(no_cin, "cin_closed_6m_after_cla")
    assert r.value is None and r.measure.note == "source absent: cin_census.xml"
    no_903 = dataset("2016-17", [year_data("2016-17", cin=cin_tables(cin_episodes=CIN_EPISODES))])
    r = one(no_903, "cin_closed_6m_after_cla")
    assert r.value is None and r.measure.note == "source absent: ssda903/"
