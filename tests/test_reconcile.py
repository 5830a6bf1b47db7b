"""Reconciliation of published figures against recomputed indicators (tiny made-up rows)."""

from __future__ import annotations

import pandas as pd

from reporting.published.reconcile import reconcile, summary

FIGURES = pd.DataFrame([
    # count value: must be exact
    {"figure_id": "f1", "indicator_id": "referrals", "period_label": "2016-17", "breakdown": "", "role": "value",
     "published": "19,435", "value": "19435", "unit": "count", "precision": "0", "source": "dfe", "location": "c1"},
    # percent value: 1840/4211 = 43.695..% prints 43.7%
    {"figure_id": "f2", "indicator_id": "s47_to_icpc", "period_label": "2016-17", "breakdown": "", "role": "value",
     "published": "43.7%", "value": "43.7", "unit": "percent", "precision": "1", "source": "001", "location": "3.4"},
    # the report's "Denom" for S47 is the denominator: compared exactly
    {"figure_id": "f3", "indicator_id": "s47_to_icpc", "period_label": "2016-17", "breakdown": "",
     "role": "denominator", "published": "4,211", "value": "4211", "unit": "percent", "precision": "0",
     "source": "001", "location": "3.4"},
    # a figure for an indicator the year could not compute
    {"figure_id": "f4", "indicator_id": "contacts", "period_label": "2016-17", "breakdown": "", "role": "value",
     "published": "87235", "value": "87235", "unit": "count", "precision": "0", "source": "001", "location": "3.2"},
    # another year's figure: not compared with this year's file
    {"figure_id": "f5", "indicator_id": "referrals", "period_label": "2015-16", "breakdown": "", "role": "value",
     "published": "16666", "value": "16666", "unit": "count", "precision": "0", "source": "dfe", "location": "c1"},
])

INDICATORS = pd.DataFrame([
    {"indicator_id": "referrals", "period_label": "2016-17", "breakdown": "", "numerator": "19436",
     "denominator": "", "value": "19436", "note": ""},
    {"indicator_id": "s47_to_icpc", "period_label": "2016-17", "breakdown": "", "numerator": "1840",
     "denominator": "4211", "value": "43.695084303015906", "note": ""},
    {"indicator_id": "contacts", "period_label": "2016-17", "breakdown": "", "numerator": "", "denominator": "",
     "value": "", "note": "source absent: contacts"},
])


def test_statuses_by_role():
    t = reconcile(INDICATORS, FIGURES).set_index("figure_id")
    assert t.loc["f1", "status"] == "differs" and t.loc["f1", "difference"] == 1  # 19436 vs 19435: counts exact
    assert t.loc["f2", "status"] == "matches"  # 43.695% prints 43.7%
    assert t.loc["f3", "status"] == "matches"  # 4211 denominators
    assert t.loc["f4", "status"] == "not computable" and t.loc["f4", "note"] == "source absent: contacts"
    assert "f5" not in t.index
    assert summary(t) == {"matches": 2, "differs": 1, "not computable": 1, "not published": 0}


def test_percent_one_tenth_off_differs():
    ind = INDICATORS.copy()
    ind.loc[1, "value"] = "43.64"  # prints 43.6%, published 43.7%
    t = reconcile(ind, FIGURES).set_index("figure_id")
    assert t.loc["f2", "status"] == "differs"


def test_dfe_values_become_figures_for_any_council():
    from reporting.published.benchmark import published_for_council
    from reporting.published.reconcile import figures_from_dfe

    figs = figures_from_dfe(published_for_council("camden", "2016-17")).set_index("indicator_id")
    # counts exact (precision 0), percentages to one decimal as DfE prints them
    assert figs.loc["referrals", "precision"] == "0" and figs.loc["rereferrals_12m", "precision"] == "1"
    ind = pd.DataFrame([{"indicator_id": "referrals", "period_label": "2016-17", "breakdown": "", "numerator": "",
                         "denominator": "", "value": figs.loc["referrals", "value"], "note": ""}])
    t = reconcile(ind, figs.reset_index())
    assert t.loc[t.indicator_id == "referrals", "status"].tolist() == ["matches"]


def test_a_rate_that_differs_says_which_population_each_side_used():
    # 19,435 referrals over 281,152 children print 691.3 per 10,000; DfE printed 693.0, which
    # for the same count implies about 280,447 children: the note gives both populations
    fig = pd.DataFrame([{"figure_id": "r1", "indicator_id": "referral_rate", "period_label": "2016-17",
                         "breakdown": "", "role": "value", "published": "693.0", "value": "693.0",
                         "unit": "rate_per_10k", "precision": "1", "source": "dfe", "location": "c1"}])
    ind = pd.DataFrame([{"indicator_id": "referral_rate", "period_label": "2016-17", "breakdown": "",
                         "numerator": "19435", "denominator": "281152", "value": repr(19435 / 281152 * 10000),
                         "note": ""}])
    row = reconcile(ind, fig).iloc[0]
    assert row["status"] == "differs"
    assert "divides by 281,152 (population.csv)" in row["note"]
    assert f"implies about {19435 / 693.0 * 10000:,.0f}" in row["note"] and "280,447" in row["note"]
    # the same rate printed as the recomputation prints it: matches, no note
    fig.loc[0, ["published", "value"]] = ["691.3", "691.3"]
    row = reconcile(ind, fig).iloc[0]
    assert row["status"] == "matches" and row["note"] == ""
