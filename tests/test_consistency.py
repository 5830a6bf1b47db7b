"""Internal consistency of the published figures (no record data)."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

from reporting.published.consistency import (
    DOC_PATH,
    VERDICTS,
    FigureSet,
    Q,
    check_printed_units,
    check_rates,
    check_repeated_figures,
    check_stocks_and_flows,
    check_text_against_tables,
    implied_denominators,
    implied_populations,
    linear_check,
    prints_as,
    ratio_check,
    render_contradictions,
    round_fraction,
    run_consistency_checks,
)
from reporting.published.figures import (
    COLUMNS,
    parse_published,
    printed_decimals,
    published_figures,
)

# Every contradiction the published figures hold. A change here is a change of what the
# documents are found to say: update docs/published_contradictions.md with it.
KNOWN_CONTRADICTIONS = {
    "sum.referral_source_counts.2013-14",
    "sum.referral_source_percents.2016-17",
    "percentage.referral_source_other_legal.2013-14",
    "percentage.referral_source_common_denominator.2013-14",
    *(
        f"percentage.referral_source_{s}.2016-17"
        for s in [
            "individual",
            "education",
            "health",
            "housing",
            "la_services",
            "police",
            "other_legal",
            "other",
            "anonymous",
        ]
    ),
    "percentage.referral_source_common_denominator.2016-17",
    "percentage.cpp_repeat_2yrs.2013-14",
    "rate.cpp_rates_common_population.2013-14",
    "rate.cpp_rates_common_population.2016-17",
    "rate.cpp_rate_odd_one_out.2016-17.cpp_rate_emotional",
    "stock_flow.cla_quarterly_net.2016-17",
    "stock_flow.cla_change_pct_text.2016-17",
    "stock_flow.cla_missing_pct.apr-jun-2016",
    "text_table.referrals_growth.2016-17",
    "text_table.cla_missing_range.jan-mar-2017",
    "report_vs_dfe.referrals.2013-14",
    "printed_unit.001-t3.7-cpp_rate_emotional-2016-17-value",
}


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return published_figures()


@pytest.fixture(scope="module")
def findings(figures) -> pd.DataFrame:
    return run_consistency_checks(figures)


def _one(findings: pd.DataFrame, check_id: str) -> pd.Series:
    hit = findings[findings["check_id"] == check_id]
    assert len(hit) == 1, check_id
    return hit.iloc[0]


def test_findings_are_well_formed(findings, figures):
    assert findings["check_id"].is_unique
    assert set(findings["verdict"]) <= set(VERDICTS)
    known = set(figures["figure_id"])
    for r in findings.itertuples():
        assert r.figure_ids and set(r.figure_ids) <= known, r.check_id
        assert r.arithmetic and r.description
    assert len(findings) > 250


def test_the_contradictions_are_exactly_the_known_ones(findings):
    found = set(findings.loc[findings["verdict"] == "contradiction", "check_id"])
    assert found == KNOWN_CONTRADICTIONS


def test_referral_source_percentages_2016_17_contradict_their_counts(findings):
    police = _one(findings, "percentage.referral_source_police.2016-17")
    assert police["verdict"] == "contradiction"
    assert "5360 / 19435 = 27.579%" in police["arithmetic"] and police["expected"] == "27.6%"
    # the counts themselves add up to the referrals ...
    assert _one(findings, "sum.referral_source_counts.2016-17")["verdict"] == "consistent"
    # ... but the shares add to 94.6% and share a denominator of about 20,500
    assert _one(findings, "sum.referral_source_percents.2016-17")["verdict"] == "contradiction"
    common = _one(findings, "percentage.referral_source_common_denominator.2016-17")
    assert common["expected"] == "20522..20575 referrals"
    # the two shares that do print right
    assert _one(findings, "percentage.referral_source_unknown.2016-17")["verdict"] == "consistent"
    assert (
        _one(findings, "percentage.referral_source_not_recorded.2016-17")["verdict"] == "consistent"
    )


def test_emotional_rate_printed_as_a_percentage(findings):
    unit = _one(findings, "printed_unit.001-t3.7-cpp_rate_emotional-2016-17-value")
    assert unit["verdict"] == "contradiction" and unit["published"] == "12.6%"
    odd = _one(findings, "rate.cpp_rate_odd_one_out.2016-17.cpp_rate_emotional")
    assert "prints 12.7" in odd["arithmetic"]
    # the other years' rates agree on one population each
    for y in ["2012-13", "2014-15", "2015-16"]:
        assert _one(findings, f"rate.cpp_rates_common_population.{y}")["verdict"] == "consistent"


def test_plans_at_31_march_2017_text_against_table(findings):
    # 3.8's 1,263 is 31 March 2017; the table's last value, 1,441, is 31 March 2016 (= DfE D5),
    # so they do not contradict; 27 plans open 2+ years at 2.1% need 1,256-1,317 open plans.
    text = _one(findings, "text_table.cpp_at_31march.2016-17")
    assert text["verdict"] == "consistent"
    assert (
        "1441 at 31 March 2016" in text["arithmetic"] and "1263 gives 2.14%" in text["arithmetic"]
    )
    assert _one(findings, "text_table.cpp_at_31march_row_alignment")["verdict"] == "consistent"
    assert _one(findings, "percentage.cpp_open_2yrs_plus.2016-17")["verdict"] == "consistent"
    assert _one(findings, "report_vs_dfe.cpp_at_31march.31-march-2017")["verdict"] == "consistent"


def test_1441_read_as_2016_17_would_be_a_contradiction():
    rows = [
        _r(
            "001-t3.7-cpp_at_31march-2016-17-value",
            "1441",
            indicator="cpp_at_31march",
            period="31 March 2017",
        ),
        _r(
            "001-t3.7-cpp_at_31march-2015-16-value",
            "1441",
            indicator="cpp_at_31march",
            period="31 March 2016",
            year="2015-16",
        ),
        _r(
            "001-p3.8-cpp_at_31march-2016-17",
            "1263",
            indicator="cpp_at_31march",
            period="31 March 2017",
        ),
    ]
    found = {f.check_id: f for f in check_text_against_tables(_frame(rows))}
    assert found["text_table.cpp_at_31march.2016-17"].verdict == "contradiction"
    assert found["text_table.cpp_at_31march.2016-17"].difference == -178
    repeated = check_repeated_figures(_frame(rows))
    assert [f.verdict for f in repeated] == ["contradiction"]


def test_consistent_sets_pass(findings):
    for cid in [
        "sum.cla_net.oct-dec-2016",  # 169 - 136 = 33
        "sum.cla_adjusted_net.oct-dec-2016",  # 33 - 6 - 27 = 0
        "sum.uasc_months.oct-dec-2016",  # 17 + 8 + 2 = 27
        "sum.uasc_new_2016-17",  # 7 + 19 + 27 + 20 = 73
        "sum.cla_adjusted_since_jan_2016",  # 3.12's 25
        "sum.cla_adjusted_since_jan_2017",  # 3.12's 22
        "sum.cpp_category_counts.2016-17",  # = DfE D3 1582
        "sum.assessment_denominators.2013-14",
        "percentage.assessments_total_weighted.2013-14",
        "percentage.cpp_repeat.2016-17",
        "percentage.cla_3plus_placements.2016-17",
        "stock_flow.cpp_ended.2016-17",  # 1441 + 1582 - 1263 = 1760 ended; 86/1760 = 4.9%
        "stock_flow.cla_change_text.2016-17",  # 1440 - 1305 = 135
        "stock_flow.cla_change_pct_excl_uasc_text.2016-17",  # (135 - 73) / 1305 = 5%
        "text_table.contacts_growth.2016-17",  # 11.9%
        "cross_document.cla_at_31march.31-march-2013",
        "report_vs_dfe.cin_at_31march.31-march-2013",
        "sum.cla_outside_by_group.31-march-2013",
    ]:
        assert _one(findings, cid)["verdict"] == "consistent", cid
    assert "169 - 136 = 33 vs 33" in _one(findings, "sum.cla_net.oct-dec-2016")["arithmetic"]


def test_n_k_is_solved_for(findings):
    f = _one(findings, "sum.cla_adjusted_net.jan-mar-2016")
    assert f["verdict"] == "consistent" and f["expected"] == "n/k = 0"


def test_cla_flows_and_10_5_percent(findings):
    flow = _one(findings, "stock_flow.cla_quarterly_net.2016-17")
    assert flow["expected"] == "1442" and flow["published"] == "1440" and flow["difference"] == -2
    pct = _one(findings, "stock_flow.cla_change_pct_text.2016-17")
    assert pct["expected"] == "10.3%" and "137 / 1305 = 10.498%" in pct["note"]


def test_referrals_2013_14_report_against_dfe(findings):
    f = _one(findings, "report_vs_dfe.referrals.2013-14")
    assert (f["expected"], f["published"], f["difference"]) == ("16212", "16217", 5.0)


def test_implied_populations(figures):
    pops = implied_populations(figures)
    y15 = pops[pops["year"] == "2015-16"]
    assert set(y15["common_min"]) == {281119} and set(y15["common_max"]) == {281907}
    assert set(y15["ons_current"]) == {279851}
    assert pops.loc[pops["year"] == "2016-17", "common_min"].isna().all()


def test_committed_contradictions_doc_is_current(findings):
    assert DOC_PATH.read_text(encoding="utf-8") == render_contradictions(findings)


def test_render_lists_only_contradictions(findings):
    text = render_contradictions(findings)
    for cid in KNOWN_CONTRADICTIONS:
        assert f"### `{cid}`" in text
    assert "sum.cla_net.oct-dec-2016" not in text


# ---------------------------------------------------------------- tolerance on made-up rows


def _r(
    fid,
    published,
    unit="count",
    source="001",
    indicator="",
    role="value",
    period="2016-17",
    year="2016-17",
) -> dict:
    v = parse_published(published)
    d = printed_decimals(published)
    return dict(
        figure_id=fid,
        indicator_id=indicator,
        year=year,
        period_label=period,
        breakdown="",
        role=role,
        published=published,
        value=v,
        unit=unit,
        precision=d,
        source=source,
        document="made up",
        location=f"{fid} cell",
        note="",
    )


def _frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["value"] = df["value"].astype(float)
    df["precision"] = df["precision"].astype("Int64")
    return df


def test_exact_rounding_half_away_from_zero():
    assert (
        round_fraction(Fraction(125, 10), 0) == 13 and round_fraction(Fraction(-125, 10), 0) == -13
    )
    assert prints_as(Fraction(1, 8) * 100, Fraction(125, 10), 1)  # 12.5 exactly
    assert prints_as(Fraction(1, 8) * 100, Fraction(13), 0)  # 12.5 -> 13
    assert not prints_as(Fraction(1, 8) * 100, Fraction(12), 0)
    # 86 / 1313 = 6.54988...: just under the 6.55 boundary
    assert prints_as(Fraction(8600, 1313), Fraction(65, 10), 1)


@pytest.mark.parametrize(
    ("num", "den", "published", "verdict"),
    [
        ("1", "8", "12.5%", "consistent"),
        ("1", "8", "13%", "consistent"),
        ("1", "8", "12%", "contradiction"),
        ("1", "3", "33.3%", "consistent"),
        ("1", "3", "33.4%", "contradiction"),
        ("2", "3", "66.7%", "consistent"),
    ],
)
def test_ratio_tolerance(num, den, published, verdict):
    F = FigureSet(_frame([_r("n", num), _r("d", den), _r("p", published, unit="percent")]))
    (f,) = ratio_check(F, "c", "percentage", "made up", "n", "d", "p")
    assert f.verdict == verdict


@pytest.mark.parametrize(
    ("shares", "verdict"),
    [
        (["33.3%", "33.3%", "33.3%"], "consistent"),  # 99.9 +- 0.15 reaches 100
        (["50.2%", "49.6%"], "contradiction"),  # 99.8 +- 0.1 does not
        (["50%", "49%"], "consistent"),  # 99 +- 1 at whole percentages
        (["50.0%", "49.0%"], "contradiction"),
    ],
)
def test_sum_of_rounded_shares_against_100(shares, verdict):
    rows = [_r(f"s{i}", s, unit="percent") for i, s in enumerate(shares)]
    F = FigureSet(_frame(rows))
    (f,) = linear_check(
        F, "c", "sum", "made up", [(r["figure_id"], 1) for r in rows], Q(Fraction(100), "100%")
    )
    assert f.verdict == verdict


def test_sum_of_counts_is_exact_and_unknown_terms_are_solved():
    F = FigureSet(
        _frame(
            [
                _r("a", "10"),
                _r("b", "4"),
                _r("net", "6"),
                _r("bad", "7"),
                _r("nk", "n/k"),
                _r("neg", "-3"),
            ]
        )
    )
    assert linear_check(F, "c", "sum", "x", [("a", 1), ("b", -1)], "net")[0].verdict == "consistent"
    bad = linear_check(F, "c", "sum", "x", [("a", 1), ("b", -1)], "bad")[0]
    assert bad.verdict == "contradiction" and bad.difference == 1 and bad.tolerance == 0
    solved = linear_check(F, "c", "sum", "x", [("a", 1), ("nk", -1)], "net")[0]
    assert solved.verdict == "consistent" and solved.expected == "n/k = 4"
    # a value that would have to be negative is a contradiction
    assert (
        linear_check(F, "c", "sum", "x", [("b", 1), ("nk", -1)], "net")[0].verdict
        == "contradiction"
    )
    assert (
        "10 - (-3)"
        in linear_check(F, "c", "sum", "x", [("a", 1), ("neg", -1)], "bad")[0].arithmetic
    )
    # a missing figure gives no finding
    assert linear_check(F, "c", "sum", "x", [("a", 1), ("zz", -1)], "net") == []


def test_implied_denominator_interval():
    F = FigureSet(_frame([_r("p", "10.0%", unit="percent"), _r("r", "4.4", unit="rate_per_10k")]))
    # 10 / d prints 10.0% for d in 100 only at this precision: 10/99.5 .. 10/100.5 -> [99.9.., 100.5]
    assert implied_denominators(F, Fraction(10), "p") == (100, 100)
    lo, hi = implied_denominators(F, Fraction(123), "r", scale=10000)
    assert (lo, hi) == (276405, 282758)
    assert prints_as(Fraction(123 * 10000, lo), Fraction(44, 10), 1)
    assert not prints_as(Fraction(123 * 10000, lo - 1), Fraction(44, 10), 1)


def _rates(rates: dict[str, tuple[str, str]]) -> pd.DataFrame:
    rows = []
    for cat, (count, rate) in rates.items():
        rows.append(
            _r(
                f"001-t3.7-cpp_rate_{cat}-2016-17-value",
                rate,
                unit="rate_per_10k",
                indicator=f"cpp_rate_{cat}",
            )
        )
        rows.append(
            _r(
                f"001-t3.7-cpp_rate_{cat}-2016-17-denom",
                count,
                indicator=f"cpp_rate_{cat}",
                role="numerator",
            )
        )
    return _frame(rows)


def test_rates_share_a_population_or_name_the_odd_one():
    ok = check_rates(_rates({"neglect": ("100", "10.0"), "physical": ("50", "5.0")}))
    assert [f.verdict for f in ok] == ["consistent"]
    assert ok[0].expected == "one population: 99503..100502"
    odd = check_rates(
        _rates({"neglect": ("100", "10.0"), "physical": ("50", "5.0"), "sexual": ("20", "2.1")})
    )
    assert [f.check_id for f in odd if f.verdict == "contradiction"] == [
        "rate.cpp_rates_common_population.2016-17",
        "rate.cpp_rate_odd_one_out.2016-17.cpp_rate_sexual",
    ]


def test_printed_units_on_made_up_rows():
    rows = [
        _r("a", "12.6%", unit="rate_per_10k"),
        _r("b", "12.6", unit="rate_per_10k"),
        _r("c", "43.7", unit="percent"),
        _r("d", "43.7", unit="percent", source="dfe"),
    ]
    assert [f.check_id for f in check_printed_units(_frame(rows))] == [
        "printed_unit.a",
        "printed_unit.c",
    ]


@pytest.mark.parametrize(
    ("report", "dfe", "verdict"),
    [
        ("43.7%", "43.7", "consistent"),
        ("44%", "43.7", "consistent"),
        ("43.6%", "43.7", "contradiction"),
    ],
)
def test_repeated_figures_overlap_within_precision(report, dfe, verdict):
    rows = [
        _r("001-x", report, unit="percent", indicator="s47_to_icpc"),
        _r("dfe-x", dfe, unit="percent", indicator="s47_to_icpc", source="dfe"),
    ]
    (f,) = check_repeated_figures(_frame(rows))
    assert f.kind == "report_vs_dfe" and f.verdict == verdict


def test_quarter_end_stocks_give_a_range():
    quarters = [
        "Jan-Mar 2016",
        "Apr-Jun 2016",
        "Jul-Sep 2016",
        "Oct-Dec 2016",
        "Jan-Mar 2017",
        "Apr-Jun 2017",
    ]
    nets = ["0", "10", "0", "0", "0", "0"]
    rows = [
        _r(
            "001-t3.10-cla_at_31march-2015-16-value", "1000", year="2015-16", period="31 March 2016"
        ),
        _r("001-t3.10-cla_at_31march-2016-17-value", "1008", period="31 March 2017"),
    ]
    rows += [
        _r(f"001-t3.10q-cla_net_q-{q.lower().replace(' ', '-')}", n, period=q)
        for q, n in zip(quarters, nets, strict=True)
    ]
    # 101 missing at a quarter-end stock of 1008..1010: 10.0%..10.02% -> 10.0% consistent, 9.9% not
    for pct, verdict in [("10.0%", "consistent"), ("9.9%", "contradiction")]:
        extra = [
            _r("001-t3.13-cla_missing_q-apr-jun-2016", "101", period="Apr-Jun 2016"),
            _r(
                "001-t3.13-cla_missing_pct_q-apr-jun-2016",
                pct,
                unit="percent",
                period="Apr-Jun 2016",
            ),
        ]
        found = {f.check_id: f for f in check_stocks_and_flows(_frame(rows + extra))}
        assert found["stock_flow.cla_missing_pct.apr-jun-2016"].verdict == verdict
        assert "101 / 1008..1010" in found["stock_flow.cla_missing_pct.apr-jun-2016"].arithmetic
    assert found["stock_flow.cla_quarterly_net.2016-17"].verdict == "contradiction"  # 1010 vs 1008


def test_whole_numbers_where_decides_wide_ranges_at_their_ends_exactly():
    # the population a rate per 10,000 implies spans thousands of whole numbers: the fast path
    # (ends only) must give what trying every number gives, including half-open rounding ends
    import math
    from fractions import Fraction

    from reporting.published.consistency import prints_as, rounding_interval, whole_numbers_where

    def every(pred, lo, hi):
        hits = [k for k in range(max(math.floor(lo) - 1, 0), math.ceil(hi) + 2) if pred(k)]
        return (hits[0], hits[-1]) if hits else None

    for count, printed, digits in [(1263, "45.1", 1), (431, "15.3", 1), (50, "2", 0), (7, "0.3", 1),
                                   (1000, "40.0", 1), (1, "0.0", 1)]:
        pub = Fraction(printed)
        lo, hi = rounding_interval(pub, digits)
        if lo <= 0:
            continue  # no finite population range (a rate printing as zero)
        def pred(d, count=count, pub=pub, digits=digits):
            return d > 0 and prints_as(Fraction(10000 * count, d), pub, digits)
        est = (10000 * count / hi, 10000 * count / lo)
        assert whole_numbers_where(pred, *est) == every(pred, *est)
    # a numerator capped by its denominator (implied numerators): the cap cuts the run
    pub = Fraction("99.9")
    lo, hi = rounding_interval(pub, 1)
    den = 20000
    def capped(k):
        return k <= den and prints_as(Fraction(100 * k, den), pub, 1)
    assert whole_numbers_where(capped, lo * den / 100, hi * den / 100) == every(capped, lo * den / 100,
                                                                                  hi * den / 100)
    # nothing qualifies: None, as before
    assert whole_numbers_where(lambda k: False, Fraction(10), Fraction(500)) is None
