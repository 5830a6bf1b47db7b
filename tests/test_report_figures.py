"""Issue 5 acceptance point 1: the built 2016-17 report prints every figure of the published
report's tables with its published value, except the documented contradictions.

The report is the Hampshire demo's, built once per run as ``make report`` builds it
(``helpers_report.hampshire_build``, shared with the benchmarking tests). The figures are the
rows of ``data/reference/published_figures.csv`` of document ``001`` whose ``location`` is a
table (``t`` ids); the documented contradictions are ``data/reference/calibration_exceptions.csv``.
No expected number is written here: each comes from the published figures.

Each figure is found in its cell - table, row, period column and Numerator / Denominator /
Value part - by :func:`reporting.report.published_cells.locate`, whose module docstring and
``PLACES`` say how (001's table -> the report's tables; indicator -> row; period -> column;
role -> part). The cell is then read back from both outputs, ``tables.xlsx`` (numbers) and
``report.html`` (text), and must show the published value at the report's precision
(:func:`~reporting.report.published_cells.shows`). The figures of 001's text are checked
where the report restates them: in its tables (an indicator the report tabulates) and in its
sentences (``SENTENCES``). The other way round, every cell of the report's indicator tables
that a published figure (001, 004 or DfE) concerns must print it.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from helpers_report import YEAR, hampshire_build

from reporting.published.consistency import run_consistency_checks
from reporting.published.figures import DEFAULT_PATH, published_figures
from reporting.report import published_cells as pc
from reporting.report import tables
from reporting.report.published_cells import CellRef, locate, located, shows, table_figures

EXCEPTIONS = set(pd.read_csv(DEFAULT_PATH.parent / "calibration_exceptions.csv", dtype=str)["figure_id"])
FIGURES = published_figures()
TABLE_FIGURES = table_figures(FIGURES, "001")  # 001's table figures
TEXT_FIGURES = FIGURES[(FIGURES["source"] == "001") & ~FIGURES["figure_id"].isin(TABLE_FIGURES["figure_id"])]
OUTPUTS = ("tables.xlsx", "report.html")


def _numbers(figures: pd.DataFrame) -> list[dict]:
    """The figures that print a number (not 001's N/A or n/k) and are not documented contradictions."""
    return [r for r in figures.to_dict("records") if not pd.isna(r["value"]) and r["figure_id"] not in EXCEPTIONS]


@pytest.fixture(scope="session")
def report(tmp_path_factory):
    return hampshire_build(tmp_path_factory)


@pytest.fixture(scope="session")
def printed(report) -> dict[str, dict[CellRef, object]]:
    """The cells of the report's indicator tables as each output prints them."""
    return {"tables.xlsx": pc.xlsx_cells(report / "tables.xlsx"),
            "report.html": pc.html_cells((report / "report.html").read_text(encoding="utf-8"))}


# -- the mapping (no build needed) -------------------------------------------------------------
def test_every_table_figure_of_001_has_a_cell_in_the_report():
    assert len(TABLE_FIGURES) > 300 and TABLE_FIGURES["figure_id"].str.startswith("001-t").all()
    cells, missing = located(TABLE_FIGURES, YEAR)
    assert missing == {}, "figures of 001's tables the report's tables lack a row or column for"
    # two figures share a cell only when 001 prints the same figure twice (2.8 prints the
    # Apr-Jun and Jul-Sep 2016 arrivals in its monthly row and again in its quarterly row)
    key = TABLE_FIGURES.set_index("figure_id")[["indicator_id", "breakdown", "period_label", "role"]]
    by_cell: dict[CellRef, set] = {}
    for fid, cell in cells.items():
        by_cell.setdefault(cell, set()).add(tuple(key.loc[fid]))
    assert all(len(keys) == 1 for keys in by_cell.values())


def test_the_cell_is_in_the_row_001_prints():
    checked = 0
    for r in TABLE_FIGURES.to_dict("records"):
        label = pc.published_row(r["location"])
        if label is None:  # 2.8's unlabelled arrivals row
            continue
        assert locate(r, YEAR).row == label, r["figure_id"]
        checked += 1
    assert checked >= len(TABLE_FIGURES) - 10


def test_each_place_of_001_maps_to_the_report_tables_that_cite_it():
    for place, ids in pc.PLACES.items():
        number, kind = place.split(" ", 1)
        for table_id in ids:
            spec = tables.table_spec(table_id)  # KeyError if the table is gone
            if kind.endswith("table"):
                assert spec.source.startswith(f"001 table at {number}"), (place, table_id, spec.source)
    cited = {t.id: re.match(r"001 table at (\d+\.\d+)", t.source) for t in tables.TABLES}
    for table_id, m in cited.items():
        if m:
            assert any(table_id in ids for place, ids in pc.PLACES.items()
                       if place.startswith(m.group(1) + " ") and place.endswith("table")), table_id


def test_shows_compares_at_the_coarser_precision():
    pct = {"role": "value", "unit": "percent", "value": 6.0, "precision": 0}
    assert shows(6.0, pct) and shows("6.4%", pct) and shows("5.5%", pct) and not shows("6.6%", pct)
    one = {"role": "value", "unit": "percent", "value": 43.7, "precision": 1}
    assert shows("43.7%", one) and shows(43.7, one) and not shows("43.8%", one) and not shows("n/a", one)
    count = {"role": "numerator", "unit": "count", "value": 4211.0, "precision": 0}
    assert shows(4211, count) and shows("4211", count) and not shows(4210, count)


# -- the built report --------------------------------------------------------------------------
@pytest.mark.parametrize("output", OUTPUTS)
def test_every_table_figure_of_001_is_printed_with_its_published_value(printed, output):
    cells = printed[output]
    figures = _numbers(TABLE_FIGURES)
    wrong = []
    for r in figures:
        cell = locate(r, YEAR)
        if cell not in cells:
            wrong.append(f"{r['figure_id']}: no cell {cell} in {output}")
        elif not shows(cells[cell], r):
            wrong.append(f"{r['figure_id']}: {cell}: published {r['published']}, printed {cells[cell]!r}")
    assert wrong == []
    not_numbers = TABLE_FIGURES["value"].isna().sum()
    exceptions = TABLE_FIGURES["figure_id"].isin(EXCEPTIONS).sum()
    assert len(figures) == len(TABLE_FIGURES) - not_numbers - exceptions > 300


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_documented_contradictions_have_their_cells(printed, output):
    """The figures the published report contradicts itself on are not reproduced, but the
    report prints the cell where they would be (its value is the recomputed one)."""
    contradicted = TABLE_FIGURES[TABLE_FIGURES["figure_id"].isin(EXCEPTIONS)]
    assert len(contradicted) > 0
    for r in contradicted.to_dict("records"):
        assert locate(r, YEAR) in printed[output], r["figure_id"]


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_figures_of_001s_text_are_in_the_tables_that_show_their_indicator(printed, output):
    tabulated = TEXT_FIGURES[TEXT_FIGURES["indicator_id"].fillna("") != ""]
    cells, missing = located(tabulated, YEAR)
    assert missing == {}
    figures = _numbers(tabulated)
    assert len(figures) >= 10
    for r in figures:
        cell = cells[r["figure_id"]]
        assert shows(printed[output].get(cell), r), (r["figure_id"], str(cell), r["published"],
                                                     printed[output].get(cell))


def test_the_figures_of_001s_text_are_in_the_sentences_that_restate_them(report):
    """001's text figures that are no indicator (a growth, a change) and that the report's
    sentences restate: each as published, unless the published documents contradict it
    (docs/published_contradictions.md names it in a contradiction)."""
    numbers = pc.sentence_numbers((report / "report.html").read_text(encoding="utf-8"))
    figures = FIGURES.set_index("figure_id")
    findings = run_consistency_checks(FIGURES)
    contradicted = {f for ids in findings.loc[findings["verdict"] == "contradiction", "figure_ids"] for f in ids}
    not_shown = set()
    for fid, printed_as in numbers.items():
        assert printed_as, f"no sentence restates {fid}"
        r = {"figure_id": fid, **figures.loc[fid].to_dict()}
        if not all(shows(n, r) for n in printed_as):
            not_shown.add(fid)
    assert not_shown <= contradicted, "sentences that contradict 001 where 001 does not contradict itself"
    assert len(numbers) - len(not_shown) >= 6


@pytest.mark.parametrize("output", OUTPUTS)
def test_every_cell_with_a_published_figure_prints_it(printed, output):
    """The other way round: every cell of the report's indicator tables (the headline and area
    profile tables too) that a published figure of any source concerns prints it."""
    by_cell = pc.figures_by_cell(FIGURES, YEAR)
    cells = printed[output]
    wrong = []
    checked = 0
    for cell, figs in by_cell.items():
        assert cell in cells, f"{cell} not in {output}"
        for r in _numbers(figs):
            checked += 1
            if not shows(cells[cell], r):
                wrong.append(f"{cell}: {r['figure_id']} published {r['published']}, printed {cells[cell]!r}")
    assert wrong == []
    assert checked > len(_numbers(TABLE_FIGURES))
    assert {"headline", "cin_profile", "cla_profile"} <= {c.table for c in by_cell}
