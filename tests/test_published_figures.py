"""The transcription of the published figures and its reader."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from reporting.indicators.registry import catalogue
from reporting.published.figures import (
    COLUMNS,
    DEFAULT_PATH,
    PublishedFiguresError,
    matches,
    parse_published,
    period_kind,
    printed_decimals,
    published_figures,
    read_published_figures,
    validate_published_figures,
)

DFE_DIR = Path(__file__).resolve().parents[1] / "data" / "external" / "dfe"  # byte-identical copies of DfE files


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return published_figures()


def _fig(figures: pd.DataFrame, fid: str) -> pd.Series:
    hit = figures[figures["figure_id"] == fid]
    assert len(hit) == 1, fid
    return hit.iloc[0]


def test_the_committed_csv_validates(figures):
    assert DEFAULT_PATH.exists()
    assert list(figures.columns) == COLUMNS
    assert figures["figure_id"].is_unique
    counts = figures["source"].value_counts().to_dict()
    assert counts["001"] > 350 and counts["004"] > 40 and counts["dfe"] > 190
    assert (figures["document"] != "").all() and (figures["location"] != "").all()
    cat = catalogue()
    assert set(figures["indicator_id"]) - {""} <= set(cat)


def test_report_section_3_indicators_are_all_transcribed(figures):
    from_001 = set(figures.loc[figures["source"] == "001", "indicator_id"]) - {""}
    wanted = {
        "contacts",
        "referrals",
        "referral_source_police",
        "referral_source_not_recorded",
        "s47_to_icpc",
        "initial_assessment_timeliness",
        "core_assessment_timeliness",
        "cfa_timeliness",
        "assessments_timeliness_total",
        "cpp_at_31march",
        "cpp_starts_neglect",
        "cpp_starts_emotional",
        "cpp_rate_neglect",
        "cpp_rate_emotional",
        "cpp_ended_2yrs_plus",
        "cpp_open_2yrs_plus",
        "cpp_repeat",
        "cpp_repeat_2yrs",
        "cp_visits_timely",
        "cla_at_31march",
        "cla_3plus_placements",
        "cin_closed_6m_after_cla",
        "cin_closed_6m_after_cpp",
        "cla_started_q",
        "cla_ceased_q",
        "cla_net_q",
        "cla_started_pwp_q",
        "cla_started_uasc_q",
        "cla_adjusted_net_q",
        "uasc_arrivals_m",
        "uasc_at_31march",
        "missing_from_home_q",
        "cla_missing_q",
        "cla_missing_pct_q",
        "complaints_stage1",
        "complaints_stage1_timely",
        "complaints_from_children",
    }
    assert wanted <= from_001


@pytest.mark.parametrize(
    ("fid", "published", "value", "unit", "precision", "role", "period"),
    [
        ("001-t3.4-s47_to_icpc-2016-17-value", "43.7%", 43.7, "percent", 1, "value", "2016-17"),
        ("001-t3.4-s47_to_icpc-2016-17-denom", "4,211", 4211, "count", 0, "denominator", "2016-17"),
        (
            "001-t3.2-referral_source_police-2016-17-denom",
            "5360",
            5360,
            "count",
            0,
            "numerator",
            "2016-17",
        ),
        (
            "001-t3.2-referral_source_not_recorded-2016-17-value",
            "0%",
            0,
            "percent",
            0,
            "value",
            "2016-17",
        ),
        (
            "001-t3.7-cpp_rate_neglect-2012-13-value",
            "19",
            19,
            "rate_per_10k",
            0,
            "value",
            "2012-13",
        ),
        (
            "001-t3.7-cpp_rate_emotional-2016-17-value",
            "12.6%",
            12.6,
            "rate_per_10k",
            1,
            "value",
            "2016-17",
        ),
        ("001-t3.7-cpp_repeat-2016-17-denom", "384", 384, "count", 0, "numerator", "2016-17"),
        (
            "001-t3.10-cla_3plus_placements-2016-17-denom",
            "236",
            236,
            "count",
            0,
            "numerator",
            "2016-17",
        ),
        (
            "001-t3.7-cpp_at_31march-2015-16-value",
            "1441",
            1441,
            "count",
            0,
            "value",
            "31 March 2016",
        ),
        ("001-p3.8-cpp_at_31march-2016-17", "1263", 1263, "count", 0, "value", "31 March 2017"),
        ("001-t3.10q-cla_net_q-jan-mar-2016", "-8", -8, "count", 0, "value", "Jan-Mar 2016"),
        ("001-t2.8-uasc_arrivals_m-oct-2016", "17", 17, "count", 0, "value", "Oct 2016"),
        ("001-p3.17-complaints_from_children-2015-16", "Seven", 7, "count", 0, "value", "2015-16"),
        (
            "001-t3.13-cla_missing_pct_q-jan-mar-2017",
            "6%",
            6,
            "percent",
            0,
            "value",
            "Jan-Mar 2017",
        ),
        ("004-cla_rate-2013", "40", 40, "rate_per_10k", 0, "value", "31 March 2013"),
        ("004-population-2012-13", "280,150", 280150, "count", 0, "population", "2012-13"),
        ("dfe-c1-referral_count-2013-14", "16212", 16212, "count", 0, "value", "2013-14"),
        ("dfe-d3-cpp_subsequent_percent-2017-18", "23", 23, "percent", 1, "value", "2017-18"),
        ("dfe-ons-population-mid-2016", "280442", 280442, "count", 0, "population", "mid-2016"),
    ],
)
def test_specific_rows(figures, fid, published, value, unit, precision, role, period):
    r = _fig(figures, fid)
    assert (
        r["published"],
        r["value"],
        r["unit"],
        r["precision"],
        r["role"],
        r["period_label"],
    ) == (
        published,
        value,
        unit,
        precision,
        role,
        period,
    )


def test_not_available_cells_have_no_value(figures):
    na = figures[figures["published"].isin(["N/A", "n/k"])]
    assert len(na) >= 20
    assert na["value"].isna().all() and na["precision"].isna().all()
    assert _fig(figures, "001-t3.10q-cla_started_uasc_q-jan-mar-2016")["published"] == "n/k"


def test_approximations_are_marked(figures):
    assert "approximate" in _fig(figures, "001-p4.1-contacts_per_month-2016-17")["note"]
    assert "approximate" in _fig(figures, "004-population-2012-13")["note"]


def test_no_row_shows_2016_17_plans_as_1441(figures):
    # the 3.7 row 'No of children on CPP' prints 909, 1111, 1354, 1441: 31 March 2013-2016
    rows = figures[(figures["indicator_id"] == "cpp_at_31march") & (figures["source"] == "001")]
    by_period = dict(zip(rows["period_label"], rows["value"], strict=True))
    assert by_period["31 March 2013"] == 909 and by_period["31 March 2016"] == 1441
    assert by_period["31 March 2017"] == 1263  # 3.8 text


@pytest.mark.skipif(not DFE_DIR.exists(), reason="DfE reference folder not available")
@pytest.mark.parametrize(
    ("file", "table"),
    [
        ("b1_children_in_need_2013_to_2025.csv", "b1"),
        ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", "c1"),
        ("d3_cpps_subsequent_plan_2013_to_2025.csv", "d3"),
        ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "d5"),
    ],
)
def test_dfe_rows_are_the_files_hampshire_values(figures, file, table):
    with open(DFE_DIR / file, newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["new_la_code"] == "E10000014"]
    skip = {
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
        "category",
    }
    n = 0
    for r in rows:
        tp = int(r["time_period"])
        if not 2013 <= tp <= 2018:
            continue
        year = f"{tp - 1}-{tp % 100:02d}"
        for col, v in r.items():
            if col in skip:
                continue
            assert _fig(figures, f"dfe-{table}-{col.lower()}-{year}")["published"] == v
            n += 1
    assert n == len(figures[figures["figure_id"].str.startswith(f"dfe-{table}-")])


def test_parse_and_decimals():
    assert parse_published("4,211") == 4211
    assert parse_published("47.7% %") == 47.7
    assert parse_published("-10") == -10
    assert parse_published("Ten") == 10
    assert parse_published("N/A") is None and parse_published("n/k") is None
    assert (
        printed_decimals("43.7%") == 1
        and printed_decimals("19") == 0
        and printed_decimals("0.0%") == 1
    )
    assert printed_decimals("N/A") is None


def test_period_kinds():
    assert period_kind("2016-17") == ("year", period_kind("2016-17")[1])
    assert period_kind("Jan-Mar 2017")[1].label == "2016-17"
    assert period_kind("Apr-Jun 2016")[1].label == "2016-17"
    assert period_kind("Mar 2017")[0] == "month" and period_kind("Mar 2017")[1].label == "2016-17"
    assert (
        period_kind("31 March 2017")[0] == "snapshot"
        and period_kind("31 March 2017")[1].label == "2016-17"
    )
    assert period_kind("1 April 2017")[1].label == "2017-18"
    assert period_kind("mid-2016")[1].label == "2016-17"
    assert period_kind("Jan 2016 to Jun 2017")[1].label == "2017-18"
    for bad in ["2016-18", "Jul-Sept 2016", "31 Marc 2017", "Jun 2017 to Jan 2016", "Q1 2016"]:
        with pytest.raises(ValueError):
            period_kind(bad)


def test_matches_rounds_half_away_from_zero():
    assert matches(43.7, 100 * 1840 / 4211, 1)
    assert matches(2.3, 2.25, 1) and not matches(2.2, 2.25, 1)
    assert matches(-2.3, -2.25, 1)
    assert matches(13, 12.5, 0) and not matches(12, 12.5, 0)
    assert matches(19, 19.02, 0) and not matches(19, 19.5, 0)
    assert (
        not matches(None, 1.0, 0)
        and not matches(1.0, None, 0)
        and not matches(float("nan"), 1.0, 0)
    )
    assert matches(4211, 4211, 0)


# ---------------------------------------------------------------- validation on made-up rows


def _row(**kw) -> dict:
    base = dict(
        figure_id="x-1",
        indicator_id="referrals",
        year="2016-17",
        period_label="2016-17",
        breakdown="",
        role="value",
        published="19435",
        value="19435",
        unit="count",
        precision="0",
        source="001",
        document="doc",
        location="3.2 table",
        note="",
    )
    base.update(kw)
    return base


def _problems(*rows: dict) -> list[str]:
    return validate_published_figures(pd.DataFrame(list(rows), columns=COLUMNS, dtype=str))


def test_valid_made_up_rows_pass():
    assert (
        _problems(
            _row(),
            _row(
                figure_id="x-2",
                indicator_id="rereferrals_12m",
                published="30.7",
                value="30.7",
                unit="percent",
                precision="1",
                source="dfe",
            ),
            _row(
                figure_id="x-3",
                indicator_id="cpp_repeat",
                published="23",
                value="23",
                unit="percent",
                precision="1",
                source="dfe",
            ),
            _row(
                figure_id="x-4",
                indicator_id="s47_to_icpc",
                role="denominator",
                published="4,211",
                value="4211",
            ),
            _row(figure_id="x-5", indicator_id="", published="N/A", value="", precision=""),
            _row(figure_id="x-6", indicator_id="", period_label="mid-2016", role="population"),
        )
        == []
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(indicator_id="referals"), "not in the catalogue"),
        (dict(unit="per_cent"), "unit 'per_cent'"),
        (dict(role="total"), "role 'total'"),
        (dict(source="002"), "source '002'"),
        (dict(value="19436"), "is not the published"),
        (dict(published="n/k"), "prints no number"),
        (dict(value="abc"), "does not parse"),
        (dict(precision="1"), "prints 0 decimal places, not precision 1"),
        (dict(period_label="2015-16"), "falls in 2015-16"),
        (dict(period_label="31 March 2017"), "reported by year"),
        (dict(period_label="Quarter 1"), "not a year, quarter"),
        (dict(year="2016-2017"), "expected a financial year"),
        (dict(published="19.4%", value="19.4", precision="1"), "a count printed with decimals"),
        (dict(indicator_id="s47_to_icpc", unit="count"), "s47_to_icpc is a percent"),
        (dict(location=""), "empty location"),
        (
            dict(indicator_id="s47_to_icpc", role="denominator", unit="percent"),
            "a denominator is a count",
        ),
    ],
)
def test_validation_catches(change, message):
    problems = _problems(_row(**change))
    assert any(message in p for p in problems), problems


def test_validation_catches_duplicates_and_dfe_precision():
    assert any("not unique" in p for p in _problems(_row(), _row()))
    # DfE drops trailing zeros (23 for 23.0) but never prints more places than its precision
    dfe = dict(indicator_id="cpp_repeat", unit="percent", source="dfe")
    assert _problems(_row(published="23", value="23", precision="1", **dfe)) == []
    assert _problems(_row(published="23.05", value="23.05", precision="1", **dfe))
    assert _problems(
        _row(published="23%", value="23", precision="1", indicator_id="cpp_repeat", unit="percent")
    )


def test_reader_raises_with_every_problem(tmp_path):
    path = tmp_path / "figures.csv"
    pd.DataFrame([_row(), _row(unit="bad")], columns=COLUMNS).to_csv(path, index=False)
    with pytest.raises(PublishedFiguresError) as exc:
        read_published_figures(path)
    assert any("not unique" in p for p in exc.value.problems)
    assert any("unit 'bad'" in p for p in exc.value.problems)
    pd.DataFrame([_row()], columns=COLUMNS).drop(columns="note").to_csv(path, index=False)
    with pytest.raises(PublishedFiguresError, match="missing column"):
        read_published_figures(path)
