"""The report's benchmarking section (issue 7): the Hampshire demo report for 2016-17 carries it
in report.html, report.docx and tables.xlsx, its England figures equal DfE's published England
rows (read here with the csv module), and a council that is not in DfE's files (the synthetic
council, la_code 999) gets a section that says so instead of a failing build."""

from __future__ import annotations

import csv
import html
import re
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from helpers_report import hampshire_build, shared_build

from reporting.published.benchmark import MEASURES
from reporting.report import charts, tables
from reporting.report.benchmarking import GROUPS, BenchmarkSection

DFE = Path(__file__).resolve().parents[1] / "data" / "external" / "dfe"
YEAR = "2016-17"
YEARS = ["2012-13", "2013-14", "2014-15", "2015-16", "2016-17"]
SECTION_TITLE = tables.section("benchmarking").title


# -- DfE's England rows, read plainly --------------------------------------------------------------
def _file(prefix: str) -> Path:
    return sorted(p for p in DFE.glob(f"{prefix}*.csv") if not p.name.endswith(".meta.csv"))[-1]


PREFIX = {"b1": "b1_children_in_need", "c1": "c1_children_in_need_referrals", "d3": "d3_cpps_subsequent_plan",
          "d5": "d5_cpps_at31march_by_duration", "cla": "cla_number_and_rate_per_10k_children",
          "stability": "la_cla_placement_stability", "population": "ons_mid-year_population_estimates"}


def england_rows() -> dict[tuple[str, str], list[dict]]:
    """(table key, time_period) -> England's rows of that file, as text."""
    out: dict[tuple[str, str], list[dict]] = {}
    for key, prefix in PREFIX.items():
        with open(_file(prefix), encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["geographic_level"] == "National":
                    out.setdefault((key, r["time_period"]), []).append(r)
    return out


def published_england(rows, measure, year: str) -> float | None:
    """England's figure for a reporting year as DfE publishes it (a computed rate: the published
    count over the published population of the calendar year the reporting year starts in)."""
    def cell(m, tp: int) -> float | None:
        hits = [r for r in rows.get((m.table, str(tp)), []) if all(r[k] == v for k, v in m.filters)]
        assert len(hits) <= 1, (m.id, tp)
        if not hits or not re.fullmatch(r"-?\d+(\.\d+)?", hits[0][m.column].replace(",", "")):
            return None
        return float(hits[0][m.column].replace(",", ""))

    tp = int(year[:4]) + 1
    if measure.computed:
        count = cell(next(m for m in MEASURES if m.id == measure.computed_from), tp)
        pop = cell(next(m for m in MEASURES if m.id == "population_0_17"), tp - 1)
        return None if count is None or pop is None else count / pop * 10_000
    return cell(measure, tp - measure.year_offset)


def printed(v: float, m) -> str:
    d = 0 if m.unit == "count" else m.decimals
    r = Decimal(repr(v)).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)
    return f"{r}%" if m.unit == "percent" else str(r)


# -- the report's tables, read back from report.html ----------------------------------------------------
def section_html(page: str) -> str:
    m = re.search(r'<section id="benchmarking".*?</section>', page, re.S)
    assert m, "no benchmarking section in report.html"
    return m.group(0)


def html_rows(block: str) -> dict[str, list[str]]:
    """Row label -> cell texts of every table in ``block``."""
    out = {}
    for label, cells in re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', block):
        out[html.unescape(label)] = [html.unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", cells)]
    return out


@pytest.fixture(scope="session")
def hampshire(tmp_path_factory) -> Path:
    """The Hampshire demo report for 2016-17, built once per run (helpers_report.hampshire_build,
    shared with test_report_figures)."""
    return hampshire_build(tmp_path_factory)


def test_the_section_is_in_report_html_with_contents_heading_tables_and_charts(hampshire):
    page = (hampshire / "report.html").read_text(encoding="utf-8")
    n = [s.id for s in tables.SECTIONS].index("benchmarking") + 1
    assert f'<a href="#benchmarking">{n}. {SECTION_TITLE}</a>' in page
    block = section_html(page)
    assert f'<h2 id="benchmarking-heading">{n}. {SECTION_TITLE}</h2>' in block
    for t in tables.section_tables("benchmarking"):
        assert f'id="table-{t.id}"' in block and f'href="#table-{t.id}"' in page
    charted = [t.id for t in tables.section_tables("benchmarking") if t.chart != "none"]
    assert charted == [g.table_id for g in GROUPS if g.headline]
    # looked after and placement stability: not published before 2020-21, so one line and no chart
    for tid in ("bm_looked_after", "bm_placement_stability"):
        assert f'figure-{tid}"' not in block and not (hampshire / "charts" / f"{tid}.svg").exists()
    assert "DfE published no figures on children looked after for 2012-13 to 2016-17" in block
    charted = [tid for tid in charted if tid not in ("bm_looked_after", "bm_placement_stability")]
    for tid in charted:
        fig = re.search(rf'<figure class="chart" id="figure-{tid}">\s*<svg[^>]*role="img"[^>]*>\s*'
                        rf'<title id="{tid}-title">([^<]+)</title>', block)
        assert fig and len(fig.group(1)) > 40, tid
        assert (hampshire / "charts" / f"{tid}.svg").exists() and (hampshire / "charts" / f"{tid}.png").exists()
    assert "Referrals per 10,000 children, 2012-13 to 2016-17. In 2016-17 Hampshire had 693.0 per 10,000" in block
    # computed sentences: who is compared, then the headline measures
    rows = england_rows()
    england = printed(published_england(rows, next(m for m in MEASURES if m.id == "referral_rate"), YEAR),
                      next(m for m in MEASURES if m.id == "referral_rate"))
    assert (f"The referral rate per 10,000 children in 2016-17 was 693.0 in Hampshire against {england} in "
            "England") in block
    with open(hampshire.parents[1] / "raw" / "la.toml", "rb") as fh:
        configured = tomllib.load(fh)["comparators"]
    assert f"Hampshire is compared with England, South East and {len(configured)} comparator councils" in block
    assert "Children looked after: in the published files from 2020-21 only" in block
    # rank among comparators
    rank = html_rows(block)["Referrals per 10,000 children: rank among comparators (1 = highest)"]
    assert len(rank) == len(YEARS) and all(c.isdigit() for c in rank)


def test_england_figures_equal_the_published_england_rows(hampshire):
    rows = england_rows()
    shown = html_rows(section_html((hampshire / "report.html").read_text(encoding="utf-8")))
    checked = 0
    for m in MEASURES:
        label = f"{m.label}: England"
        if m.section in ("Children looked after", "Placement stability"):
            assert label not in shown  # not published before 2020-21
            continue
        assert label in shown, label
        cells = shown[label]
        assert len(cells) == len(YEARS), label
        for year, text in zip(YEARS, cells, strict=True):
            v = published_england(rows, m, year)
            assert text == ("n/a" if v is None else printed(v, m)), (label, year, text, v)
            checked += v is not None
    assert checked > 150


def test_the_section_is_in_word_and_excel(hampshire):
    from docx import Document
    from openpyxl import load_workbook

    ids = [t.id for t in tables.section_tables("benchmarking")]
    wb = load_workbook(hampshire / "tables.xlsx")
    assert [s for s in wb.sheetnames if s in ids] == ids
    sheet = wb["bm_referrals"]
    xl = {r[0]: r[2:] for r in sheet.iter_rows(min_row=5, values_only=True) if r[0]}
    assert xl["Referrals per 10,000 children: Hampshire"][-1] == pytest.approx(693.0)
    assert isinstance(xl["Referrals: England"][-1], int)
    doc = Document(str(hampshire / "report.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    n = [s.id for s in tables.SECTIONS].index("benchmarking") + 1
    assert f"{n}. {SECTION_TITLE}" in text and "was 693.0 in Hampshire against" in text


def test_charts_are_deterministic(hampshire):
    raw = hampshire.parents[1] / "raw"
    s = BenchmarkSection("hampshire", YEAR, raw)
    p = s.presented("bm_child_protection")
    a, b = charts.render(p, png=True), charts.render(p, png=True)
    assert a.svg == b.svg and a.png == b.png and len(p.panels) == 4
    assert (hampshire / "charts" / "bm_child_protection.svg").read_text(encoding="utf-8").strip().endswith(
        a.svg[a.svg.index("<svg"):].strip())


def test_a_council_not_in_dfe_files_gets_a_plain_statement(tmp_path_factory):
    built = shared_build(tmp_path_factory)  # the synthetic council, la_code 999
    page = (built.out / "report.html").read_text(encoding="utf-8")
    block = section_html(page)
    assert "(DfE code 999 in la.toml) is not in DfE&#x27;s published statistics" in block
    shown = html_rows(block)
    rows = england_rows()
    m = next(m for m in MEASURES if m.id == "referral_rate")
    assert shown["Referrals per 10,000 children: England"][-1] == printed(published_england(rows, m, YEAR), m)
    assert not [label for label in shown if "rank among comparators" in label]
    assert "figure-bm_referrals" in block


def test_unknown_comparator_and_uncovered_year_degrade_plainly(tmp_path):
    # "no-such-council" is configured but names no council (validation stops a build on it); the
    # section itself leaves it out with a note and keeps Kent alone: never the region's councils
    (tmp_path / "la.toml").write_text('name = "Hampshire"\nla_code = "850"\nla_code_9 = "E10000014"\n'
                                      'region = "South East"\ncomparators = ["886", "no-such-council"]\n')
    s = BenchmarkSection("hampshire", YEAR, tmp_path)
    text = " ".join(s.sentences())
    assert s.compared and s.comparator_names == ["Kent"]
    assert "'no-such-council' (la.toml) is not a council in DfE's published files: left out" in text
    assert "default" not in text
    later = BenchmarkSection("hampshire", "2025-26", tmp_path)  # the files end in 2024-25
    assert not later.compared and "not 2025-26" in later.sentences()[0]
    for t in tables.section_tables("benchmarking"):
        later.presented(t.id)  # tables (empty) rather than an error


@pytest.fixture()
def kent_and_dorset(tmp_path) -> BenchmarkSection:
    """Hampshire 2016-17 with two comparators: Kent (886, every figure) and Dorset (835: DfE publishes
    its counts but the ONS population file has no estimate for its pre-2019 area, so no rates)."""
    (tmp_path / "la.toml").write_text('name = "Hampshire"\nla_code = "850"\nla_code_9 = "E10000014"\n'
                                      'region = "South East"\ncomparators = ["886", "835"]\n')
    return BenchmarkSection("hampshire", YEAR, tmp_path)


def test_comparator_counts_agree_and_name_who_has_no_figure(kent_and_dorset):
    s = kent_and_dorset
    text = " ".join(s.sentences())
    # who is compared, in words for Cabinet (no "la.toml" in the sentences)
    assert ("Comparators: the 2 councils Hampshire compares itself with (Kent and Dorset)." in text
            and "la.toml" not in text)
    # the referral rate's mean rests on Kent alone (Dorset: no rate) and the sentence says 1, naming Dorset
    assert "a mean of" in text and "across 1 comparator council (Dorset without a figure)" in text
    # the re-referral percentage is published for both: 2
    assert "across 2 comparator councils; " in text
    p = s.presented("bm_referrals")
    notes = " ".join(p.notes)
    assert "Referrals per 10,000 children: 1 in every year shown" in notes  # not "the 2 ... that have one"
    assert ("Dorset for Referrals per 10,000 children in 2012-13 to 2016-17: DfE publishes its count, but the ONS "
            "population file has no estimate of its children (x)") in notes
    assert "changed in the reorganisation of April 2019" in notes  # why Dorset has no population
    # the chart: each panel knows the councils behind its mean and range (1 and 2, so render_chart puts
    # them in the panels' titles rather than one legend entry claiming 2 for both)
    assert [(pn.measure.id, pn.counted) for pn in p.panels] == [("referral_rate", "1 council"),
                                                                 ("rereferral_percent", "2 councils")]
    assert charts.render(p).svg
    # the comparators table's footnotes: the technical source is there, not in the sentences
    c_notes = " ".join(s.presented("bm_comparators").notes)
    assert "la.toml, key comparators" in c_notes and "Dorset for Referrals per 10,000 children" in c_notes


def test_a_table_with_nothing_published_is_one_line_and_no_chart(kent_and_dorset):
    # DfE's looked-after files start in 2020-21: every cell of 2012-13 to 2016-17 would be n/a
    p = kent_and_dorset.presented("bm_looked_after")
    assert p.text.shape == (1, 1) and p.spec.id == "bm_looked_after"
    assert p.text.iat[0, 0] == ("DfE published no figures on children looked after for 2012-13 to 2016-17 "
                                "(its files have them from 2020-21).")
    assert charts.render(p) is None
    # a table with figures keeps its rows and its chart
    assert len(kent_and_dorset.presented("bm_referrals").text) > 1
