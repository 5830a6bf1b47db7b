"""Contacts and referrals (report 3.2) on tiny hand-built records."""

from __future__ import annotations

import pytest
from helpers_data import cin_tables, contacts_table, dataset, one, year_data


def _ds(episodes, contacts=None, history=None, population=None):
    years = [year_data("2016-17", cin=cin_tables(cin_episodes=episodes),
                       contacts=contacts_table(contacts) if contacts is not None else None)]
    for y, eps in (history or {}).items():
        years.append(year_data(y, cin=cin_tables(cin_episodes=eps)))
    return dataset("2016-17", years, population)


EPISODES = [
    {"child_id": "A", "referral_date": "2016-04-01", "referral_source": "6"},  # 1 April: first day, counts
    {"child_id": "B", "referral_date": "2017-03-31", "referral_source": "2A"},  # 31 March: last day, counts
    {"child_id": "C", "referral_date": "2016-03-31", "referral_source": "6"},  # previous year: open episode, not a referral of 2016-17
    {"child_id": "D", "referral_date": "2016-07-01", "referral_source": ""},  # no source: "not recorded"
    {"child_id": "D", "referral_date": "2016-09-01", "referral_source": "3A",  # second referral of D in the year: counts again
     "referral_nfa": True},
    {"child_id": "E", "referral_date": "2016-10-10", "referral_source": "8", "closure_reason": "RC8",
     "closure_date": "2016-11-01"},
]


def test_referrals_count_each_cindetails_in_the_year():
    r = one(_ds(EPISODES), "referrals")
    assert (r.numerator, r.value) == (5, 5.0)  # A, B, D twice, E; not C


def test_referral_source_shares():
    ds = _ds(EPISODES)
    police = one(ds, "referral_source_police")
    assert (police.numerator, police.denominator) == (1, 5)  # only A: C is outside the year
    assert police.value == pytest.approx(20.0)
    assert one(ds, "referral_source_education").numerator == 1  # B (2A)
    assert one(ds, "referral_source_not_recorded").numerator == 1  # D's first referral
    assert one(ds, "referral_source_housing").value == 0.0  # none, but a real zero: referrals exist


def test_nfa_and_not_in_need():
    ds = _ds(EPISODES)
    assert one(ds, "referrals_nfa").numerator == 1  # D's second referral
    assert one(ds, "referrals_not_in_need").numerator == 1  # E closed RC8


def test_rereferral_exactly_12_months_counts_and_one_day_later_does_not():
    eps = [
        {"child_id": "A", "referral_date": "2016-06-10"},  # within 12 months of 2015-06-10 (same day next year): counts
        {"child_id": "B", "referral_date": "2016-06-11"},  # 12 months and a day after 2015-06-10: does not count
        {"child_id": "C", "referral_date": "2016-05-01"},  # first referral: does not count
        {"child_id": "C", "referral_date": "2017-01-01"},  # 8 months after C's May referral: counts
    ]
    history = {"2015-16": [{"child_id": "A", "referral_date": "2015-06-10"},
                           {"child_id": "B", "referral_date": "2015-06-10"}]}
    r = one(_ds(eps, history=history), "rereferrals_12m")
    assert (r.numerator, r.denominator) == (2, 4)
    assert r.measure.note == ""


def test_rereferral_notes_missing_history():
    r = one(_ds(EPISODES), "rereferrals_12m")
    assert r.measure.note == "history before 2016-17 not available"


def test_leap_day_rereferral_window():
    # 29 Feb 2016 + 12 months = 28 Feb 2017 (calendar months, clipped): 28 Feb counts, 1 Mar does not
    eps = [{"child_id": "A", "referral_date": "2016-04-02"}, {"child_id": "A", "referral_date": "2017-02-28"},
           {"child_id": "B", "referral_date": "2017-03-01"}]
    history = {"2015-16": [{"child_id": "A", "referral_date": "2016-02-29"},
                           {"child_id": "B", "referral_date": "2016-02-29"}]}
    r = one(_ds(eps, history=history), "rereferrals_12m")
    # A 2016-04-02 (within 12m of 29 Feb 2016) and A 2017-02-28 (within 12m of 2 Apr 2016) count; B does not
    assert r.numerator == 2


def test_contacts_conversion_and_rate():
    contacts = [{"child_id": "X", "contact_date": "2016-04-01"}, {"child_id": "X", "contact_date": "2016-05-01"},
                {"child_id": "Y", "contact_date": "2017-03-31"}, {"child_id": "Z", "contact_date": "2017-04-01"}]
    ds = _ds(EPISODES, contacts=contacts, population={2016: 250_000})
    c = one(ds, "contacts")
    assert c.value == 3  # Z's contact is in 2017-18
    conv = one(ds, "contact_conversion")
    assert (conv.numerator, conv.denominator) == (5, 3)
    rate = one(ds, "referral_rate")
    assert rate.denominator == 250_000 and rate.value == pytest.approx(5 * 10000 / 250_000)


def test_absent_sources_are_not_zero():
    ds = _ds(EPISODES)  # no contacts file, no population
    c = one(ds, "contacts")
    assert c.value is None and c.measure.note == "source absent: contacts"
    rate = one(ds, "referral_rate")
    assert rate.value is None and "population" in rate.measure.note
