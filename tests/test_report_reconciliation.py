"""The report's reconciliation section: published figures beside their recomputation, the summary
counts, and the contradictions of the published documents that concern the year."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from helpers_report import shared_build

from reporting.published.reconcile import COLUMNS
from reporting.report import tables
from reporting.report.golden import REPO_ROOT, GoldenPaths, notebook_blocks
from reporting.report.reconciliation import (
    CONTRADICTION_COLUMNS,
    CONTRADICTIONS_FILE,
    RECONCILIATION_FILE,
    ReconciliationSection,
    year_contradictions,
)

ROWS = [
    # a count printed as published: exact
    {"figure_id": "001-a", "indicator_id": "referrals", "period_label": "2016-17", "breakdown": "", "role": "value",
     "published": "19,435", "published_value": "19435.0", "recomputed": "19435.0", "difference": "0.0",
     "status": "matches", "source": "001", "location": "3.2 table", "note": ""},
    # a percentage: 43.64 prints 43.6%, published 43.7%
    {"figure_id": "001-b", "indicator_id": "s47_to_icpc", "period_label": "2016-17", "breakdown": "",
     "role": "value", "published": "43.7%", "published_value": "43.7", "recomputed": "43.64",
     "difference": "-0.06", "status": "differs", "source": "001", "location": "3.4 table", "note": ""},
    # not computable: the note says why
    {"figure_id": "dfe-c", "indicator_id": "contacts", "period_label": "2016-17", "breakdown": "", "role": "value",
     "published": "87235", "published_value": "87235.0", "recomputed": "", "difference": "", "status":
     "not computable", "source": "dfe", "location": "c1", "note": "source absent: contacts"},
    # DfE prints percentages without their % sign
    {"figure_id": "dfe-d", "indicator_id": "referrals_nfa", "period_label": "2016-17", "breakdown": "",
     "role": "value", "published": "17.4", "published_value": "17.4", "recomputed": "17.411885773089786",
     "difference": "0.01", "status": "matches", "source": "dfe", "location": "c2", "note": ""},
    # 001's 'Denom' column holding the numerator (plans of the category), and a denominator printed with a comma
    {"figure_id": "001-t3.7-cpp_starts_neglect-2016-17-denom", "indicator_id": "cpp_starts_neglect",
     "period_label": "2016-17", "breakdown": "", "role": "numerator", "published": "977", "published_value": "977.0",
     "recomputed": "977.0", "difference": "0.0", "status": "matches", "source": "001", "location": "3.7 table",
     "note": ""},
    {"figure_id": "001-t3.4-s47_to_icpc-2016-17-denom", "indicator_id": "s47_to_icpc", "period_label": "2016-17",
     "breakdown": "", "role": "denominator", "published": "4,211", "published_value": "4211.0",
     "recomputed": "4211.0", "difference": "0.0", "status": "matches", "source": "001", "location": "3.4 table",
     "note": ""},
]
CONTRADICTION = {"check_id": "sum.x.2016-17", "kind": "sum", "description": "3.2 table 2016-17: shares against 100%",
                 "published": "100%", "expected": "93.60 to 95.60", "difference": "5.4", "tolerance": "1",
                 "arithmetic": "10.5% + 22.2% = 93.60 to 95.60 vs 100%", "figure_ids": "001-a 001-b", "note": ""}


@pytest.fixture
def section_dir(tmp_path):
    folder = tmp_path / "2016-17"
    folder.mkdir()
    pd.DataFrame(ROWS, columns=COLUMNS).to_csv(folder / RECONCILIATION_FILE, index=False)
    pd.DataFrame([CONTRADICTION], columns=CONTRADICTION_COLUMNS).to_csv(folder / CONTRADICTIONS_FILE, index=False)
    return tmp_path


def test_each_figure_with_recomputed_value_difference_and_status(section_dir):
    s = ReconciliationSection("hampshire", "2016-17", section_dir)
    t = s.presented("reconciliation")
    assert list(t.text.columns) == ["Indicator", "Period", "Breakdown", "Role", "Published", "Recomputed",
                                    "Difference", "Status", "As printed", "Published in", "Note"]
    # published and recomputed in the same format; the published figure verbatim beside them
    assert t.text.loc["001-a", ["Published", "Recomputed", "Difference", "Status", "As printed"]].tolist() == \
        ["19435", "19435", "0", "matches", "19,435"]
    assert t.values.loc["001-a", "Published"] == 19435 and t.values.loc["001-b", "Published"] == 43.7
    assert t.text.loc["dfe-d", ["Published", "Recomputed", "As printed"]].tolist() == ["17.4%", "17.4%", "17.4"]
    assert t.text.loc["001-t3.4-s47_to_icpc-2016-17-denom", ["Role", "Published", "Recomputed", "As printed"]
                      ].tolist() == ["denominator", "4211", "4211", "4,211"]
    # rounded as printed (one decimal), difference recomputed minus published
    assert t.text.loc["001-b", ["Recomputed", "Difference", "Status"]].tolist() == ["43.6%", "-0.1", "differs"]
    assert t.values.loc["001-b", "Recomputed"] == 43.6 and t.values.loc["001-b", "Difference"] == -0.1
    assert t.text.loc["dfe-c", ["Recomputed", "Difference", "Note"]].tolist() == \
        ["n/a", "", "source absent: contacts"]


def test_001s_denom_column_is_explained_where_it_holds_the_numerator(section_dir):
    t = ReconciliationSection("hampshire", "2016-17", section_dir).presented("reconciliation")
    assert t.text.loc["001-t3.7-cpp_starts_neglect-2016-17-denom", "Role"] == "numerator (001's Denom column)"
    assert t.text.loc["001-t3.4-s47_to_icpc-2016-17-denom", "Role"] == "denominator"
    (note,) = [n for n in t.notes if "-denom" in n]
    assert "'Denom'" in note and "numerator" in note and "3.7" in note


def test_every_denom_figure_of_001_has_the_role_of_its_row():
    """001's 'Denom' column holds the denominator only in its table at 3.4; elsewhere the count
    of the row (the numerator). The ids keep the column's name (an interface)."""
    from reporting.published.figures import published_figures

    f = published_figures()
    denom = f[f["figure_id"].str.endswith("-denom")]
    assert len(denom) > 100
    by_table = {t: set(g["role"]) for t, g in denom.groupby(denom["figure_id"].str.split("-").str[1])}
    assert by_table == {"t3.2": {"numerator"}, "t3.4": {"denominator"}, "t3.7": {"numerator"},
                        "t3.10": {"numerator"}}


def test_summary_counts_by_source_and_sentences(section_dir):
    s = ReconciliationSection("hampshire", "2016-17", section_dir)
    summary = s.presented("reconciliation_summary").values
    assert summary.loc["All published figures", ["Matches", "Differs", "Not computable", "Total"]].tolist() == \
        [4, 1, 1, 6]
    assert summary.loc["DfE's published statistics", "Not computable"] == 1
    first, second = s.sentences()
    assert first.startswith("6 figures published for 2016-17 name an indicator the toolkit recomputes from the "
                            "returns: 4 match the recomputation, 1 differ and 1 cannot be computed")
    assert "contradict themselves in 1 place involving a figure for 2016-17" in second


def test_contradictions_show_the_arithmetic(section_dir):
    t = ReconciliationSection("hampshire", "2016-17", section_dir).presented("published_contradictions")
    row = t.text.loc["sum.x.2016-17"]
    assert row["Arithmetic"] == CONTRADICTION["arithmetic"] and row["Difference"] == "5.4 (tolerance 1)"


def test_missing_files_say_how_to_make_them(tmp_path):
    (tmp_path / "2016-17").mkdir()
    s = ReconciliationSection("hampshire", "2016-17", tmp_path)
    assert s.sentences() == []
    assert "reporting build" in s.presented("reconciliation").notes[0]


def test_the_2016_17_section_lists_every_contradiction_of_its_figures_with_the_arithmetic():
    """Acceptance: the golden 2016-17 notebook lists each contradiction the consistency checks find
    that involves a 2016-17 figure, with its arithmetic."""
    golden = GoldenPaths(REPO_ROOT).references / "2016-17" / "reconciliation.ipynb"
    blocks = notebook_blocks(golden.read_text(encoding="utf-8"))
    shown = next(b for b in blocks.values() if b.kind == "table" and b.title == "published_contradictions")
    expected = year_contradictions("2016-17")
    assert len(expected) >= 10
    arithmetic = shown.columns.index("Arithmetic")
    assert {label: cells[arithmetic] for label, cells in shown.rows} == \
        dict(zip(expected["check_id"], [" ".join(a.split()) for a in expected["arithmetic"]], strict=True))
    # e.g. the referral sources of 3.2 that do not add up to 100%
    assert "sum.referral_source_percents.2016-17" in dict(shown.rows)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    return shared_build(tmp_path_factory)


def test_the_section_is_in_the_html_word_and_excel_reports(built):
    from openpyxl import load_workbook

    html = (built.out / "report.html").read_text(encoding="utf-8")
    assert "Reconciliation with the published figures" in html
    for t in tables.section_tables("reconciliation"):
        assert f'id="table-{t.id}"' in html
    assert {"reconciliation_summary", "reconciliation", "published_contradictions"} <= \
        set(load_workbook(built.out / "tables.xlsx").sheetnames)
    from docx import Document

    headings = [p.text for p in Document(str(built.out / "report.docx")).paragraphs if p.style.name.startswith("Head")]
    assert any(h.endswith("Reconciliation with the published figures") for h in headings)
    meta = json.loads((built.cache / "2016-17" / (RECONCILIATION_FILE + ".meta.json")).read_text(encoding="utf-8"))
    assert meta["key"]  # cached by the build beside the indicators
