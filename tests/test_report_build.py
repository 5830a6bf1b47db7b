"""``reporting build`` end to end on a small synthetic council: outputs, reproducibility to the
byte, reuse of earlier results, Word against Excel, and no personal data in any output."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from helpers_report import (
    CACHE,
    OUT,
    RAW,
    build_in,
    find_personal_data,
    personal_tokens,
    shared_build,
    working_folder,
)

from reporting.report import tables
from reporting.report.build import (
    BuildError,
    BuildOptions,
    NotebookJob,
    build,
    execute_notebooks,
    sha256_file,
)
from reporting.report.office import docx_tables

OUTPUTS = {"report.html", "report.docx", "tables.xlsx", "manifest.json", "charts", "notebooks"}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    return shared_build(tmp_path_factory)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_outputs_are_all_there(built):
    out = built.out
    assert {p.name for p in out.iterdir()} == OUTPUTS
    # every table with a chart has one, except benchmarking tables with nothing published for the
    # council (a line says so instead); each chart is written as PNG and SVG
    written = sorted(p.name for p in (out / "charts").iterdir())
    charted = sorted({n.rsplit(".", 1)[0] for n in written})
    assert written == sorted([f"{t}.png" for t in charted] + [f"{t}.svg" for t in charted])
    always = [t.id for t in tables.TABLES if t.chart not in ("none", "benchmark")]
    optional = [t.id for t in tables.TABLES if t.chart == "benchmark"]
    assert set(always) <= set(charted) <= set(always) | set(optional)
    assert sorted(p.stem for p in (out / "notebooks").iterdir()) == sorted(tables.SECTION_IDS)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "temporary folders left behind"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == len(charted) and "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "").replace('xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    for t in tables.TABLES:
        assert f'id="table-{t.id}"' in html


def test_executed_notebooks_carry_no_timings_or_paths_of_the_run(built):
    for p in (built.out / "notebooks").iterdir():
        nb = json.loads(p.read_text(encoding="utf-8"))
        assert set(nb["metadata"]["papermill"]) == {"parameters", "default_parameters"}
        assert nb["metadata"]["papermill"]["parameters"]["indicators_dir"] == CACHE
        text = p.read_text(encoding="utf-8")
        for volatile in ("start_time", "end_time", "\"duration\"", "iopub.execute_input", "0x7f", str(built.base)):
            assert volatile not in text, (p.name, volatile)
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
        assert outputs and all(o["output_type"] == "display_data" for o in outputs), p.name
        assert [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"] == \
            list(range(1, 1 + sum(c["cell_type"] == "code" for c in nb["cells"])))


def test_manifest_lists_inputs_parameters_versions_and_outputs(built):
    m = json.loads((built.out / "manifest.json").read_text(encoding="utf-8"))
    raw_files = sorted(p.relative_to(built.raw).as_posix() for p in built.raw.rglob("*") if p.is_file())
    assert sorted(i["path"] for i in m["inputs"]) == raw_files
    first = m["inputs"][0]
    assert first["sha256"] == sha256_file(built.raw / first["path"])
    assert m["parameters"] == {"la": "synthetic", "year": "2016-17", "indicators_dir": CACHE, "raw_dir": RAW,
                               "suppress_small": False}
    assert m["code_version"] and set(m["code_sha256"]) == {"indicators", "validation", "report"}
    assert {"python", "pandas", "matplotlib", "papermill", "python-docx", "openpyxl"} <= set(m["packages"])
    listed = {o["path"]: o["sha256"] for o in m["outputs"]}
    assert listed["report.html"] == sha256_file(built.out / "report.html")
    assert len(listed) == sum(1 for p in built.out.rglob("*") if p.is_file()) - 1


def test_every_output_says_the_data_is_synthetic_and_names_the_council(built):
    """The test council is written by ``reporting generate`` (``[generator] synthetic = true`` in
    its la.toml); a real council's outputs have no notice (tests/test_report_outputs.py)."""
    from docx import Document
    from openpyxl import load_workbook

    from reporting.report.provenance import GENERATED_NOTICE

    html = (built.out / "report.html").read_text(encoding="utf-8")
    header = html[html.index("<header>"):html.index("</header>")]
    assert 'class="synthetic-notice"' in header and "not real children" in header
    assert "(synthetic data)</title>" in html
    footer = html[html.index("<footer>"):html.index("</footer>")]
    assert "not real children" in footer and "from Synthetic Shire&#x27;s returns" in footer
    assert "synthetic&#x27;s returns" not in html  # the slug is not shown as a name
    wb = load_workbook(built.out / "tables.xlsx")
    assert all(ws["A2"].value == GENERATED_NOTICE for ws in wb.worksheets)
    contents = [r[0] for r in wb["Contents"].iter_rows(values_only=True) if r[0]]
    assert "Council: Synthetic Shire (DfE local authority code 999); year 2016-17." in contents
    doc = Document(str(built.out / "report.docx"))
    assert GENERATED_NOTICE in doc.sections[0].header.paragraphs[0].text
    assert any(GENERATED_NOTICE in p.text for p in doc.paragraphs[:3])
    m = json.loads((built.out / "manifest.json").read_text(encoding="utf-8"))
    assert (m["la"], m["council"], m["synthetic_data"], m["data_notice"]) == \
        ("synthetic", "Synthetic Shire", True, GENERATED_NOTICE)


def test_two_builds_give_identical_bytes_and_a_rebuild_reuses_results(built, tmp_path):
    base = tmp_path / "second"
    base.mkdir()
    shutil.copytree(built.raw, base / RAW)
    second = build_in(base)  # from nothing cached, in another folder
    assert not second.reused and second.computed_years and len(second.executed_notebooks) == len(tables.SECTIONS)
    first_files, second_files = _files(built.out), _files(base / OUT)
    assert sorted(first_files) == sorted(second_files)
    differ = [name for name in first_files if first_files[name] != second_files[name]]
    assert not differ, f"outputs differ between two builds: {differ}"

    t = time.perf_counter()
    again = build_in(base)  # nothing changed
    assert again.reused and time.perf_counter() - t < 3

    shutil.rmtree(base / OUT)  # outputs gone, caches kept: indicators and notebooks are reused
    third = build_in(base)
    assert not third.reused and third.computed_years == [] and third.executed_notebooks == []
    assert _files(base / OUT) == first_files


def test_word_tables_have_the_figures_of_the_excel_sheets(built):
    from openpyxl import load_workbook

    wb = load_workbook(built.out / "tables.xlsx")
    sheets = wb.sheetnames[1:]
    assert sheets == [t.id for t in tables.TABLES]
    word = docx_tables(built.out / "report.docx")
    assert len(word) == len(sheets)
    from docx import Document

    word_paragraphs = {p.text for p in Document(str(built.out / "report.docx")).paragraphs}

    def same(text: str, v) -> bool:
        """A Word cell shows the Excel value (openpyxl reads 3.0 back as 3)."""
        if v is None:
            return text == ""
        if isinstance(v, int | float):
            return float(text.replace("%", "")) == pytest.approx(v, abs=1e-9)
        return text == str(v)

    for sheet, rows in zip(sheets, word, strict=True):
        indicator_table = wb[sheet].cell(3, 2).value == "Unit"  # periods and parts, a unit column (not a list)
        xl = [list(r) for r in wb[sheet].iter_rows(min_row=3, values_only=True)]
        xl_body = xl[2:] if indicator_table else xl[1:]  # Excel: period row and part row
        word_body = rows[2:] if indicator_table and "Numerator" in rows[1] else rows[1:]
        if not indicator_table and not word_body:  # an empty list table: no body row in Word or Excel,
            assert all(v is None for v in xl_body[0]), sheet  # its notes (the same in both) say why
            notes = [r[0] for r in xl_body[1:] if r[0] is not None]
            assert notes and notes == [n for n in notes if n in word_paragraphs], sheet
            assert "None." not in notes or len(notes) == 1, sheet
            continue
        assert word_body, sheet
        for wrow, xrow in zip(word_body, xl_body, strict=False):
            values = xrow[2:] if indicator_table else xrow[1:]  # Excel has a unit column
            assert wrow[0] == xrow[0], (sheet, wrow[0])
            assert len(wrow) - 1 == len(values), (sheet, wrow[0])
            assert all(same(t, v) for t, v in zip(wrow[1:], values, strict=False)), (sheet, wrow, values)
            if indicator_table:  # numbers as numbers
                assert all(isinstance(v, int | float) or v in (None, "n/a", "c") for v in values), (sheet, values)


def test_no_child_id_or_date_of_birth_leaves_the_engine(built, tmp_path):
    ids, dobs = personal_tokens(built.raw)
    assert len(ids) > 100 and len(dobs) > 100
    # the scanner finds what it looks for
    probe = tmp_path / "probe"
    probe.mkdir()
    some_id, some_dob = sorted(ids)[0], sorted(dobs)[0]
    (probe / "x.html").write_text(f"<p>{some_id} born {some_dob}</p>")
    assert len(find_personal_data([probe], ids, dobs)) == 2
    assert find_personal_data([built.out], ids, dobs) == []


def test_validation_errors_stop_the_build_and_leave_the_output_alone(council_copy, tmp_path):
    (council_copy / "2016-17" / "cin_census.xml").write_text("<Message><Header>", encoding="utf-8")
    out = tmp_path / "out" / "2016-17"
    out.mkdir(parents=True)
    (out / "report.html").write_text("earlier report")
    opts = BuildOptions("synthetic", "2016-17", council_copy, out, tmp_path / "cache", jobs=2, progress=False)
    with pytest.raises(BuildError) as exc:
        build(opts)
    text = "\n".join(exc.value.messages)
    assert "cin_census.xml" in text and "the report was not built" in text
    assert (out / "report.html").read_text() == "earlier report"
    assert [p.name for p in out.parent.iterdir()] == ["2016-17"]


def test_a_failing_notebook_is_reported_with_its_cell_and_error(tmp_path):
    ind = tmp_path / "ind"
    (ind / "2016-17").mkdir(parents=True)
    (ind / "2016-17" / "indicators.csv").write_text("indicator_id\nx\n")
    params = {"la": "synthetic", "year": "2016-17", "indicators_dir": str(ind), "raw_dir": str(tmp_path),
              "suppress_small": False}
    job = NotebookJob("2016-17/overview", "overview", params, "k", tmp_path / "cache" / "overview.ipynb")
    with working_folder(tmp_path), pytest.raises(BuildError) as exc:
        execute_notebooks([job], 1, False)
    first = exc.value.messages[0]
    assert first.startswith("notebook 2016-17/overview.ipynb failed in cell ")
    assert "open_section" in first and "KeyError" in first
    assert not (tmp_path / "cache" / "overview.ipynb").exists()


def test_a_bad_report_year_stops_the_build_before_the_history_is_read(council_copy, tmp_path, monkeypatch, capsys):
    """Validation errors in the report year stop the build once that year is checked: with one job
    no other year is read; with worker processes the workers are stopped. The messages are
    ``reporting validate``'s (file, line, field, value, rule) and the exit code is 1."""
    import multiprocessing
    import re

    from helpers_raw import HOSTILE

    from reporting.cli import main
    from reporting.report import build as build_module

    year = council_copy / "2016-17"
    shutil.copyfile(HOSTILE / "bad_dates_contacts.csv", year / "contacts.csv")
    xml = (year / "cin_census.xml").read_text(encoding="utf-8")
    first = re.search(r"<CINclosureDate>[^<]*</CINclosureDate>", xml)
    (year / "cin_census.xml").write_text(xml[:first.start()] + "<CINclosureDate>2016-02-30</CINclosureDate>"
                                         + xml[first.end():], encoding="utf-8")
    line = xml[:first.start()].count("\n") + 1  # the line of <CINclosureDate> itself

    assert main(["validate", "--la", "synthetic", "--year", "2016-17", "--raw-dir", str(council_copy)]) == 1
    out, _ = capsys.readouterr()
    expected = sorted(ln for ln in out.splitlines() if ln.startswith("error: "))
    assert (f"error: synthetic/2016-17/cin_census.xml:line {line} (Child/CINdetails): field CINclosureDate: "
            "value '2016-02-30': not a valid calendar date") in expected
    assert ("error: synthetic/2016-17/contacts.csv:line 3: field Date of Contact: value '31/02/2016': "
            "not a valid calendar date") in expected
    last = f"validation: {len(expected)} error(s) in synthetic 2016-17; the report was not built"

    read: list[str] = []
    real = build_module._read_worker
    monkeypatch.setattr(build_module, "_read_worker", lambda *a: read.append(a[2]) or real(*a))
    opts = BuildOptions("synthetic", "2016-17", council_copy, tmp_path / "one", tmp_path / "cache1", jobs=1,
                        progress=False)
    with pytest.raises(BuildError) as exc:
        build(opts)
    assert read == ["2016-17"]  # the history years were never read
    assert sorted(exc.value.messages[:-1]) == expected and exc.value.messages[-1] == last
    monkeypatch.undo()

    code = main(["build", "--la", "synthetic", "--year", "2016-17", "--raw-dir", str(council_copy),
                 "--out-dir", str(tmp_path / "two"), "--jobs", "2", "--quiet"])
    _, err = capsys.readouterr()
    assert code == 1
    lines = err.splitlines()
    assert sorted(lines[:-1]) == expected and lines[-1] == last
    assert multiprocessing.active_children() == []  # no worker left reading history
    assert not (tmp_path / "two").exists()
