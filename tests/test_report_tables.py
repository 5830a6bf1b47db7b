"""Report tables, sentences and charts from tiny tidy indicator frames (no raw data, no build)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from reporting.indicators.engine import OUTPUT_COLUMNS
from reporting.indicators.registry import catalogue
from reporting.periods import ReportingYear, quarter
from reporting.report import charts, narrative, tables
from reporting.report.tables import IndicatorSet, presented_table


def tidy(rows: list[tuple]) -> pd.DataFrame:
    """``(indicator, period label, numerator, denominator, value[, breakdown[, note]])`` rows as an
    ``indicators.csv`` frame (strings, empty cells for missing numbers)."""
    out = []
    cat = catalogue()
    for r in rows:
        ind, label, num, den, val = r[:5]
        breakdown = r[5] if len(r) > 5 else ""
        note = r[6] if len(r) > 6 else ""
        out.append({"indicator_id": ind, "period_start": "", "period_end": "", "period_label": label,
                    "breakdown": breakdown, "numerator": "" if num is None else str(num),
                    "denominator": "" if den is None else str(den), "value": "" if val is None else repr(float(val)),
                    "unit": cat[ind].unit, "note": note})
    return pd.DataFrame(out, columns=OUTPUT_COLUMNS)


def count(ind: str, label: str, n: int | None, note: str = "") -> tuple:
    return (ind, label, n, None, n, "", note)


def share(ind: str, label: str, num: int, den: int) -> tuple:
    return (ind, label, num, den, 100.0 * num / den)


def years(*labels: str) -> list[str]:
    return list(labels)


# -- cells: rounding, n/a, suppression ---------------------------------------------------------
def test_counts_and_percentages_with_numerator_and_denominator():
    fs = IndicatorSet({
        "2015-16": tidy([count("contacts", "2015-16", 77934), count("referrals", "2015-16", 16666)]),
        "2016-17": tidy([count("contacts", "2016-17", 87235), count("referrals", "2016-17", 19435),
                         share("referral_source_police", "2016-17", 5360, 19435)]),
    })
    p = presented_table("contacts_referrals", fs, "2016-17")
    assert list(p.text.columns) == [("2015-16", "Value"), ("2016-17", "Value")]  # counts only: values alone
    assert p.text.loc["Number of initial contacts", ("2016-17", "Value")] == "87235"
    assert p.values.loc["Number of CIN referrals", ("2015-16", "Value")] == 16666
    src = presented_table("referral_sources", fs, "2016-17")
    assert [c[1] for c in src.text.columns[:3]] == ["Numerator", "Denominator", "Value"]
    police = src.text.loc["Police"]
    assert (police[("2016-17", "Numerator")], police[("2016-17", "Denominator")], police[("2016-17", "Value")]) \
        == ("5360", "19435", "27.6%")
    assert src.values.loc["Police", ("2016-17", "Value")] == pytest.approx(27.6)
    assert police[("2015-16", "Value")] == "n/a"  # the year has a file but no such figure


@pytest.mark.parametrize("value, shown", [(12.25, "12.3%"), (12.35, "12.4%"), (0.05, "0.1%"), (99.95, "100.0%"),
                                          (12.24999, "12.2%")])
def test_percentages_round_half_away_from_zero(value, shown):
    fs = IndicatorSet({"2016-17": tidy([("s47_to_icpc", "2016-17", 1, 8, value)])})
    assert presented_table("s47_assessments", fs, "2016-17").text.loc["% of S47 going to ICPC",
                                                                        ("2016-17", "Value")] == shown


def test_not_available_keeps_its_reason_as_a_note():
    fs = IndicatorSet({"2012-13": tidy([count("contacts", "2012-13", None, "source absent: contacts.csv")]),
                       "2013-14": tidy([count("contacts", "2013-14", 68789)])})
    p = presented_table("contacts_referrals", fs, "2013-14")
    assert p.text.loc["Number of initial contacts", ("2012-13", "Value")] == "n/a"
    assert p.values.loc["Number of initial contacts", ("2012-13", "Value")] == "n/a"
    assert "n/a = not available." in p.notes
    assert any("2012-13: source absent: contacts.csv" in n for n in p.notes)


def test_a_caveat_on_a_figure_shown_is_a_footnote_too():
    # the value is printed (not n/a) and the indicator's caveat on it goes under the table,
    # naming the row and year; a figure without a note adds nothing
    short = "history before 2011-12 not available"
    fs = IndicatorSet({"2012-13": tidy([("cpp_repeat_2yrs", "2012-13", 161, 1145, 14.06, "", short)]),
                       "2013-14": tidy([("cpp_repeat_2yrs", "2013-14", 133, 1340, 9.93)])})
    p = presented_table("cpp_quality", fs, "2013-14")
    row = p.text.loc["Children requiring a repeat CPP within 2 yrs"]
    assert row[("2012-13", "Value")] == "14.1%"
    assert any(n.endswith(f"2012-13: {short}.") for n in p.notes)
    assert not any("2013-14" in n for n in p.notes)


def test_suppression_of_small_numbers_only_when_asked():
    y = "2016-17"
    fs = IndicatorSet({y: tidy([
        count("adoptions", y, 3), count("sgos", y, 0), count("cla_ceased", y, 6),
        ("cla_ceased_returned_pct", y, 4, 100, 4.0), count("cla_ceased_independent", y, 5),
        ("cla_placed_outside_la", "31 March 2017", 50, 4, 1250.0),
        ("cla_rate", "31 March 2017", 2, 286928, 0.0697),
    ])})
    plain = presented_table("cla_leavers", fs, y)
    assert plain.text.loc["Adoptions", (y, "Value")] == "3"
    p = presented_table("cla_leavers", fs, y, suppress_small=True)
    t = p.text
    assert t.loc["Adoptions", (y, "Value")] == "c"
    assert t.loc["Special guardianship orders", (y, "Value")] == "0"  # zero is not suppressed
    assert t.loc["Children who ceased to be looked after", (y, "Value")] == "6"
    assert t.loc["Ceased and moved to independent living", (y, "Value")] == "c"
    row = t.loc["Ceased then returned to care"]
    assert (row[(y, "Numerator")], row[(y, "Denominator")], row[(y, "Value")]) == ("c", "100", "c")
    assert p.values.loc["Ceased then returned to care", (y, "Denominator")] == 100
    assert any(n.startswith("c = 5 or fewer") for n in p.notes)
    profile = presented_table("cla_profile", fs, y, suppress_small=True).text
    outside = profile.loc["CLA living outside the local authority area"]
    assert (outside[(y, "Numerator")], outside[(y, "Denominator")], outside[(y, "Value")]) == ("50", "c", "c")
    rate = profile.loc["CLA rate per 10,000"]
    assert (rate[(y, "Numerator")], rate[(y, "Value")]) == ("c", "c")
    assert rate[(y, "Denominator")] == "286928"  # the population is never small


def test_derived_counts_are_not_suppressed():
    y = ReportingYear.parse("2016-17")
    fs = IndicatorSet({y.label: tidy([("cla_net_q", q.label, None, None, -3.0) for q in y.quarters()]
                                     + [count("cla_started_uasc_q", q.label, 2) for q in y.quarters()])})
    t = presented_table("cla_flows", fs, y, suppress_small=True).text
    assert t.loc["Net inc/decrease", ("Jul-Sep 2016", "Value")] == "-3"
    assert t.loc["Minus UASC", ("Jul-Sep 2016", "Value")] == "c"


# -- columns -----------------------------------------------------------------------------------------
def test_early_years_show_the_trend_years_they_have():
    fs = IndicatorSet({"2011-12": tidy([count("contacts", "2011-12", 1)]),
                       "2012-13": tidy([count("contacts", "2012-13", 2)])})
    p = presented_table("contacts_referrals", fs, "2012-13")
    assert [c[0] for c in p.text.columns] == ["2011-12", "2012-13"]
    assert p.caption == "Contacts and referrals, 2011-12 to 2012-13"
    full = IndicatorSet({f"{y}-{(y + 1) % 100:02d}": tidy([]) for y in range(2011, 2018)})
    assert [c.header for c in tables.columns_for(tables.table_spec("cla"), "2016-17", full)] == \
        ["2012-13", "2013-14", "2014-15", "2015-16", "2016-17"]


def test_quarterly_flows_run_from_january_before_to_june_after_the_year():
    spec = tables.table_spec("cla_flows")
    full = IndicatorSet({y: tidy([]) for y in ("2015-16", "2016-17", "2017-18")})
    assert [c.header for c in tables.columns_for(spec, "2016-17", full)] == [
        "Jan-Mar 2016", "Apr-Jun 2016", "Jul-Sep 2016", "Oct-Dec 2016", "Jan-Mar 2017", "Apr-Jun 2017"]
    no_next = IndicatorSet({y: tidy([]) for y in ("2015-16", "2016-17")})
    assert tables.columns_for(spec, "2016-17", no_next)[-1].header == "Jan-Mar 2017"
    missing = [c.header for c in tables.columns_for(tables.table_spec("missing"), "2016-17", full)]
    assert missing == ["Oct-Dec 2015", "Jan-Mar 2016", "Apr-Jun 2016", "Jul-Sep 2016", "Oct-Dec 2016",
                       "Jan-Mar 2017"]
    months = [c.header for c in tables.columns_for(tables.table_spec("uasc_arrivals_month"), "2016-17", full)]
    assert months[0] == "Apr 2016" and months[-1] == "Mar 2017" and len(months) == 12


# -- specifications -----------------------------------------------------------------------------------
def test_specifications_match_the_registry():
    cat = catalogue()
    kinds = {"years": {"year", "snapshot"}, "cla_flow_quarters": {"quarter"}, "missing_quarters": {"quarter"},
             "quarters": {"quarter"}, "months": {"month"}}
    assert len(set(tables.TABLE_IDS)) == len(tables.TABLES)
    for t in tables.TABLES:
        assert t.section in tables.SECTION_IDS
        if t.columns == "list":
            assert not t.rows
            continue
        labels = [tables.row_label(r) for r in t.rows]
        assert len(set(labels)) == len(labels), t.id
        for r in t.rows:
            assert r.indicator in cat, (t.id, r.indicator)
            assert cat[r.indicator].period in kinds[t.columns], (t.id, r.indicator)
    shown = {r.indicator for t in tables.TABLES for r in t.rows}
    assert set(cat) <= shown, f"indicators in no table: {sorted(set(cat) - shown)}"
    assert tables.table_spec("cpp_categories").rows[3].label == "Emotions"  # as published in 001


# -- sentences ------------------------------------------------------------------------------------------
def _year_frames() -> IndicatorSet:
    y, p = ReportingYear.parse("2016-17"), ReportingYear.parse("2015-16")
    arrivals = [7, 0, 0, 19, 0, 0, 17, 8, 2, 4, 7, 9]  # 2.8: 73 in the year
    adjusted = [-10, -16, 23, 0, -11, -11]  # 3.10, Jan-Mar 2016 to Apr-Jun 2017
    quarters = [quarter(2016, 1), *y.quarters(), quarter(2017, 4)]
    rows16 = [count("contacts", y.label, 87235), count("referrals", y.label, 19435),
              count("cla_at_31march", "31 March 2017", 1440)]
    rows16 += [count("uasc_arrivals_m", m.label, n) for m, n in zip(y.months(), arrivals, strict=True)]
    by_year: dict[str, list] = {"2015-16": [count("contacts", p.label, 77934), count("referrals", p.label, 16666),
                                            count("cla_at_31march", "31 March 2016", 1305)],
                                "2016-17": rows16, "2017-18": []}
    for q, v in zip(quarters, adjusted, strict=True):
        yr = tables._containing_year(q).label
        by_year[yr].append(("cla_adjusted_net_q", q.label, None, None, float(v)))
    return IndicatorSet({k: tidy(v) for k, v in by_year.items()})


def test_sentences_compute_the_changes_of_paragraphs_3_3_3_11_and_3_12():
    fs = _year_frames()
    contacts = narrative.sentences("contacts_referrals", fs, "2016-17")
    assert contacts[0] == ("The total number of contacts in 2016-17 (87,235) is 11.9% higher than the total "
                           "received in 2015-16 (77,934), with the number of referrals growing by 16.6% "
                           "(from 16,666 to 19,435).")
    cla = narrative.sentences("looked_after", fs, "2016-17")
    assert cla[0] == ("The number of children looked after rose by 135 (10.3%) over the 12 months to "
                      "31 March 2017, from 1,305 to 1,440.")
    assert cla[1] == ("Without the 73 unaccompanied asylum-seeking children (UASC) who arrived during the year, "
                      "the number rose by 62 (4.8%).")
    assert "fell by 25 since January 2016 and fell by 22 since January 2017" in cla[2]


def test_sentences_leave_out_what_is_suppressed_or_missing():
    fs = _year_frames()
    assert narrative.sentences("s47_assessments", fs, "2016-17") == []
    suppressed = narrative.sentences("looked_after", fs, "2016-17", suppress_small=True)
    assert not any("Without the" in s for s in suppressed)  # monthly arrivals of 1 to 5 are suppressed


# -- charts -----------------------------------------------------------------------------------------
def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_palette_keeps_3_to_1_contrast_against_the_background():
    bg = _luminance(charts.BACKGROUND)
    for colour in charts.PALETTE:
        ratio = (max(bg, _luminance(colour)) + 0.05) / (min(bg, _luminance(colour)) + 0.05)
        assert ratio >= 3.0, (colour, ratio)
    assert len(set(charts.MARKERS)) == len(charts.MARKERS) and len(set(charts.HATCHES)) == len(charts.HATCHES)


def test_chart_states_its_message_and_is_deterministic():
    fs = _year_frames()
    p = presented_table("contacts_referrals", fs, "2016-17")
    a, b = charts.render(p, png=True), charts.render(p, png=True)
    assert a.svg == b.svg and a.png == b.png
    assert "Referrals rose from 16,666 in 2015-16 to 19,435 in 2016-17" in a.alt
    assert 'role="img"' in a.svg and f"<title id=\"contacts_referrals-title\">{a.alt}</title>" in a.svg
    assert "<metadata>" not in a.svg and "Matplotlib" not in a.svg and "dc:date" not in a.svg
    ids = re.findall(r'\bid="([^"]+)"', a.svg)
    assert ids and all(i.startswith("contacts_referrals-") for i in ids)
    assert b"Software" not in a.png[:200]


def test_every_chart_kind_draws_with_gaps_and_empty_tables():
    y = "2016-17"
    fs = IndicatorSet({"2016-17": tidy([share("referral_source_police", y, 10, 40)]), "2015-16": tidy([])})
    for t in tables.TABLES:
        if t.chart == "none":
            continue
        c = charts.render(presented_table(t, fs, y))
        if c is None:  # a benchmarking table with nothing published says so in one line, no chart
            assert t.chart == "benchmark", t.id
            continue
        assert c.alt and c.svg.count("<svg") == 1
