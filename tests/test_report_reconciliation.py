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
                                    "Difference", "Status", "Published in", "Note"]
    assert t.text.loc["001-a", ["Published", "Recomputed", "Difference", "Status"]].tolist() == \
        ["19,435", "19435", "0", "matches"]
    # rounded as printed (one decimal), difference recomputed minus published
    assert t.text.loc["001-b", ["Recomputed", "Difference", "Status"]].tolist() == ["43.6%", "-0.1", "differs"]
    assert t.values.loc["001-b", "Recomputed"] == 43.6 and t.values.loc["001-b", "Difference"] == -0.1
    assert t.text.loc["dfe-c", ["Recomputed", "Difference", "Note"]].tolist() == \
        ["n/a", "", "source absent: contacts"]


def test_summary_counts_by_source_and_sentences(section_dir):
    s = ReconciliationSection("hampshire", "2016-17", section_dir)
    summary = s.presented("reconciliation_summary").values
    assert summary.loc["All published figures", ["Matches", "Differs", "Not computable", "Total"]].tolist() == \
        [1, 1, 1, 3]
    assert summary.loc["DfE's published statistics", "Not computable"] == 1
    first, second = s.sentences()
    assert first.startswith("3 figures published for 2016-17 name an indicator the toolkit recomputes from the "
                            "returns: 1 match the recomputation, 1 differ and 1 cannot be computed")
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
