"""Area profile (children in need and children looked after at 31 March 2017) on tiny hand-built records."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers_data import cin_tables, dataset, evaluate, one, ssda903_tables, year_data

# ---------------------------------------------------------------------------------------------
# Children in need: the 2016-17 census
# ---------------------------------------------------------------------------------------------
CIN_EPISODES = [
    # A: referred 1 April 2016 (first day), still open: at 31 March, any point, started
    {"child_id": "A", "referral_date": "2016-04-01"},
    # B: open from 2015, closed exactly on 31 March 2017: NOT open at 31 March; any point; ended
    {"child_id": "B", "referral_date": "2015-06-01", "closure_date": "2017-03-31", "closure_reason": "RC1"},
    # C: open from 2015, closed 1 April 2016 (open that day): any point; ended; not at 31 March
    {"child_id": "C", "referral_date": "2015-01-01", "closure_date": "2016-04-01", "closure_reason": "RC2"},
    # D: referral with no further action (closed the same day): excluded from every CIN count
    {"child_id": "D", "referral_date": "2016-06-01", "referral_nfa": True, "closure_date": "2016-06-01",
     "closure_reason": "RC8"},
    # E: assessed not in need (closed RC8): excluded from every CIN count
    {"child_id": "E", "referral_date": "2016-07-01", "closure_date": "2016-08-01", "closure_reason": "RC8"},
    # F: referred 31 March 2017 (last day), open: at 31 March, any point, started
    {"child_id": "F", "referral_date": "2017-03-31"},
    # G: two episodes in the year: first closed (started, ended), second open (started, at 31 March);
    #    a child once at any point and at 31 March, two episodes started
    {"child_id": "G", "referral_date": "2016-05-01", "closure_date": "2016-09-01", "closure_reason": "RC1"},
    {"child_id": "G", "referral_date": "2016-10-01"},
    # H: NFA referral on 31 March with no closure recorded: open, but not an episode of need: excluded
    {"child_id": "H", "referral_date": "2017-03-31", "referral_nfa": True},
    # I: open since before the year: at 31 March and any point, not started or ended
    {"child_id": "I", "referral_date": "2014-01-01"},
]


def _cin_ds(population=None):
    return dataset("2016-17", [year_data("2016-17", cin=cin_tables(cin_episodes=CIN_EPISODES))], population)


def test_cin_at_31march_excludes_31_march_closures_and_nfa():
    r = one(_cin_ds(), "cin_at_31march")
    assert r.period.label == "31 March 2017"
    # A, F, G (second episode), I; not B (closed 31 March), C, D, E, H (NFA)
    assert r.numerator == 4
    assert sorted(r.measure.numerator["child_id"]) == ["A", "F", "G", "I"]


def test_cin_any_point_counts_children_once():
    r = one(_cin_ds(), "cin_any_point")
    # A, B, C (open on 1 April), F, G (once), I; not D (NFA), E (RC8), H (NFA)
    assert r.numerator == 6


def test_cin_started_counts_episodes():
    r = one(_cin_ds(), "cin_started")
    # A (1 April), F (31 March), G twice; not D/H (NFA), E (RC8), B, C, I (started before the year)
    assert r.numerator == 4


def test_cin_ended_counts_episodes():
    r = one(_cin_ds(), "cin_ended")
    # B (31 March), C (1 April), G's first episode; not D (NFA) or E (RC8)
    assert r.numerator == 3


def test_cin_rate_uses_mid_year_population_of_the_starting_year():
    r = one(_cin_ds(population={2016: 20_000, 2017: 1}), "cin_rate")
    assert (r.numerator, r.denominator) == (4, 20_000)
    assert r.value == pytest.approx(2.0)  # 4 x 10,000 / 20,000


def test_cin_rate_without_population_is_not_available():
    r = one(_cin_ds(), "cin_rate")
    assert r.value is None and "population" in r.measure.note


def test_cin_absent_census_is_not_zero():
    ds = dataset("2016-17", [year_data("2016-17")])
    for ind in ("cin_at_31march", "cin_any_point", "cin_started", "cin_ended"):
        r = one(ds, ind)
        assert r.value is None and r.measure.note == "source absent: cin_census.xml"


# ---------------------------------------------------------------------------------------------
# Children looked after: SSDA903 episodes 2015-16, 2016-17 and 2017-18
# ---------------------------------------------------------------------------------------------
def _ep(child, decom, place="U1", ls="C2", dec="", rec="", rne="S", loc="IN"):
    return {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "PLACE": place, "DEC": dec, "REC": rec,
            "PL_LOCATION": loc}


EPISODES_2016 = [
    # -- looked after at 31 March 2017 ----------------------------------------------------------
    _ep("P1", "2015-05-01", "U1", loc="IN"),  # foster since 2015, inside
    _ep("P2", "2016-04-01", "U4", loc="OUT"),  # started 1 April: foster, outside
    _ep("P3", "2016-06-01", "K2", loc="OUT"),  # residential home: outside
    _ep("P4", "2016-06-01", "S1", loc="OUT"),  # residential school: outside
    _ep("P5", "2016-06-01", "P1", loc="IN"),  # placed with parents: inside
    _ep("P6", "2017-03-31", "A4", loc="IN"),  # started 31 March (open that day): placed for adoption = other
    # -- not looked after at 31 March --------------------------------------------------------
    _ep("P7", "2016-01-01", "U1", dec="2017-03-31", rec="E13", loc="OUT"),  # ended 31 March: not open; ceased
    _ep("SB", "2016-05-01", "H5", ls="V3", loc="OUT"),  # short breaks only, open: never looked after here
    _ep("SB2", "2016-05-01", "U1", ls="V4", dec="2016-10-01", rec="E13"),  # short break ended: not a ceasing
    # -- ceasing ---------------------------------------------------------------------------------
    _ep("X", "2016-04-10", dec="2016-06-01", rec="E13"),  # ceased once ...
    _ep("X", "2016-08-01", dec="2016-12-01", rec="E45"),  # ... and again (SGO): counted once, this time
    _ep("Y", "2015-10-01", "A4", dec="2016-04-01", rec="E11"),  # adopted on 1 April: ceased in the year
    _ep("Z", "2015-02-01", dec="2016-09-30", rec="E5"),  # independent living (supported)
    _ep("W", "2016-04-20", dec="2016-07-01", rec="E6"),  # independent living (no support) ...
    _ep("W", "2016-11-01", "U1", loc="IN"),  # ... returned to care in the year; looked after (foster) at 31 March
    _ep("Q", "2016-05-05", dec="2016-10-10", rec="E43"),  # SGO under the old code, still accepted in 2016-17
    _ep("R", "2016-02-01", "U1", dec="2016-09-01", rec="X1"),  # placement change (X1): the period continues
    _ep("R", "2016-09-01", "U2", rne="P", dec="2017-02-01", rec="E13"),  # ... and ends here: ceased once
    _ep("V", "2016-05-01", dec="2017-03-01", rec="E13"),  # ceased; returns in 2017-18 (see EPISODES_2017)
    _ep("U", "2016-05-01", dec="2016-11-01", rec="E13"),  # ceased ...
    _ep("U", "2017-01-01", "U1", ls="V3", dec="2017-01-03", rec="E13"),  # ... then a short break: not a return
]
EPISODES_2015 = [
    _ep("T", "2015-01-01", dec="2016-03-31", rec="E13"),  # ceased 31 March 2016: the previous year
]
EPISODES_2017 = [
    _ep("V", "2017-06-01"),  # V starts a new period of care in 2017-18: a return within the follow-up
]


def _cla_ds(following=True, drop_location=False, blank_location=()):
    eps = []
    for r in EPISODES_2016:
        r = dict(r)
        if r["CHILD"] in blank_location:
            r["PL_LOCATION"] = ""
        eps.append(r)
    tables = ssda903_tables(episodes=eps)
    if drop_location:
        tables["episodes"] = tables["episodes"].drop(columns="PL_LOCATION")
    years = [year_data("2015-16", ssda903=ssda903_tables(episodes=EPISODES_2015)),
             year_data("2016-17", ssda903=tables)]
    if following:
        years.append(year_data("2017-18", ssda903=ssda903_tables(episodes=EPISODES_2017)))
    return dataset("2016-17", years)


def test_cla_by_placement_type_at_31_march():
    ds = _cla_ds()
    counts = {b: one(ds, "cla_by_placement_type", b).numerator
              for b in ("foster", "residential homes hostels and secure", "residential schools",
                        "placed with parents", "other")}
    # foster: P1, P2, W (returned); residential: P3; school: P4; parents: P5; other: P6 (A4, started 31 March)
    # not P7 (episode ended 31 March), SB (short breaks only), nor anyone who ceased
    assert counts == {"foster": 3, "residential homes hostels and secure": 1, "residential schools": 1,
                      "placed with parents": 1, "other": 1}


def test_cla_placed_outside_la():
    r = one(_cla_ds(), "cla_placed_outside_la")
    # outside: P2, P3, P4 of the 7 looked after (P7's OUT episode ended 31 March; SB is a short break)
    assert (r.numerator, r.denominator) == (3, 7)
    assert r.value == pytest.approx(300 / 7)
    assert r.measure.note == ""


def test_cla_by_placement_type_outside():
    ds = _cla_ds()
    got = {b: (one(ds, "cla_by_placement_type_outside", b).numerator,
               one(ds, "cla_by_placement_type_outside", b).denominator)
           for b in ("foster", "residential homes hostels and secure", "residential schools",
                     "placed with parents", "other")}
    # foster: P2 of P1, P2, W; residential: P3 of P3; school: P4 of P4; parents: none of P5; other: none of P6
    assert got == {"foster": (1, 3), "residential homes hostels and secure": (1, 1), "residential schools": (1, 1),
                   "placed with parents": (0, 1), "other": (0, 1)}
    assert one(ds, "cla_by_placement_type_outside", "foster").value == pytest.approx(100 / 3)


def test_pl_location_absent_is_unavailable():
    ds = _cla_ds(drop_location=True)
    r = one(ds, "cla_placed_outside_la")
    assert r.value is None and r.numerator is None
    assert "PL_LOCATION" in r.measure.note and "not in this year's SSDA903 episodes" in r.measure.note
    rows = evaluate(ds, "cla_by_placement_type_outside")
    assert len(rows) == 5  # one unavailable row per placement group
    assert all(e.value is None and "PL_LOCATION" in e.measure.note for e in rows)
    # the placement types themselves do not need PL_LOCATION
    assert one(ds, "cla_by_placement_type", "foster").numerator == 3


def test_pl_location_blank_for_some_children_is_noted():
    # P2 (foster, OUT) recorded blank: counted as not outside, and said so
    r = one(_cla_ds(blank_location={"P2"}), "cla_placed_outside_la")
    assert (r.numerator, r.denominator) == (2, 7)  # P3, P4
    assert r.measure.note == "PL_LOCATION blank for 1 child(ren), counted as not outside"


def test_pl_location_blank_for_everyone_is_unavailable():
    everyone = {r["CHILD"] for r in EPISODES_2016}
    r = one(_cla_ds(blank_location=everyone), "cla_placed_outside_la")
    assert r.value is None and r.measure.note == "PL_LOCATION blank for every child looked after at 31 March"


def test_cla_ceased_counts_each_child_once_on_the_last_occasion():
    r = one(_cla_ds(), "cla_ceased")
    # P7 (31 March), X (twice: once), Y (1 April), Z, W (before returning), Q, R (X1 chain: once), V, U = 9
    # not SB2 (short break), T (ceased 31 March 2016), nor anyone still looked after
    assert r.numerator == 9
    recs = r.measure.numerator.set_index("CHILD")
    assert recs.loc["X", "period_end"] == pd.Timestamp("2016-12-01") and recs.loc["X", "end_rec"] == "E45"
    assert recs.loc["R", "period_start"] == pd.Timestamp("2016-02-01") and recs.loc["R", "end_rec"] == "E13"


def test_adoptions_sgos_and_independent_living():
    ds = _cla_ds()
    assert one(ds, "adoptions").numerator == 1  # Y (E11, 1 April)
    # X (E45, its last ceasing; its first, E13, is not an SGO) and Q (E43, accepted in 2016-17)
    assert sorted(one(ds, "sgos").measure.numerator["CHILD"]) == ["Q", "X"]
    assert one(ds, "cla_ceased_independent").numerator == 2  # Z (E5), W (E6)


def test_sgo_codes_follow_the_year():
    # 2017-18: E43 is no longer a valid code, so only E45/E46 are SGOs
    eps = [_ep("A", "2017-05-01", dec="2017-10-01", rec="E45"),  # SGO
           _ep("B", "2017-05-01", dec="2017-10-01", rec="E43")]  # retired code: not counted as an SGO
    ds = dataset("2017-18", [year_data("2017-18", ssda903=ssda903_tables(episodes=eps))])
    assert list(one(ds, "sgos").measure.numerator["CHILD"]) == ["A"]


def test_ceased_returned_with_following_year():
    r = one(_cla_ds(following=True), "cla_ceased_returned_pct")
    # W returned in the year, V in 2017-18; X returned only between its two ceasings (judged on the last);
    # U's later care is a short break
    assert (r.numerator, r.denominator) == (2, 9)
    assert sorted(r.measure.numerator["CHILD"]) == ["V", "W"]
    assert r.value == pytest.approx(200 / 9)
    assert r.measure.note == "returns followed up to 31 March 2018 (2017-18 SSDA903 return)"


def test_ceased_returned_without_following_year_says_so():
    r = one(_cla_ds(following=False), "cla_ceased_returned_pct")
    assert (r.numerator, r.denominator) == (1, 9)  # only W: V's return is in the missing 2017-18 return
    assert r.measure.note == "returns followed up only to 31 March 2017: 2017-18 SSDA903 return not loaded"


def test_ssda903_absent_is_not_zero():
    ds = dataset("2016-17", [year_data("2016-17")])
    for ind in ("cla_ceased", "adoptions", "sgos", "cla_ceased_independent", "cla_ceased_returned_pct",
                "cla_placed_outside_la"):
        r = one(ds, ind)
        assert r.value is None and r.measure.note == "source absent: ssda903/"
    assert one(ds, "cla_by_placement_type", "other").measure.note == "source absent: ssda903/"
    assert one(ds, "cla_by_placement_type_outside", "foster").measure.note == "source absent: ssda903/"
