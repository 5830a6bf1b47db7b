"""Report notebooks: one tagged parameters cell with typed defaults; unknown or malformed values refused."""

from __future__ import annotations

import ast
import json

import pytest

from reporting.cli import main
from reporting.report import params, tables
from reporting.report.build import NOTEBOOK_DIR, notebook_path


@pytest.fixture
def indicators_dir(tmp_path):
    (tmp_path / "2016-17").mkdir()
    (tmp_path / "2016-17" / "indicators.csv").write_text("indicator_id\n")
    return str(tmp_path)


def good(indicators_dir: str) -> dict:
    return {"la": "hampshire", "year": "2016-17", "indicators_dir": indicators_dir, "raw_dir": "data/raw/hampshire",
            "suppress_small": False}


def test_one_notebook_per_section_each_with_one_typed_parameters_cell():
    assert sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(tables.SECTION_IDS)
    for sid in tables.SECTION_IDS:
        decl = params.declared(notebook_path(sid))
        assert {n: d.type_name for n, d in decl.items()} == {n: t.__name__ for n, t in params.PARAMETERS.items()}
        assert decl["year"].default == "2016-17" and decl["la"].default == "hampshire"
        assert decl["suppress_small"].default is False


def test_notebook_cells_only_call_reporting_functions():
    """No arithmetic in notebooks: code cells are imports, one assignment from a reporting call,
    and calls on the section."""
    for sid in tables.SECTION_IDS:
        nb = json.loads(notebook_path(sid).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or "parameters" in cell["metadata"].get("tags", []):
                continue
            assert not cell["outputs"], f"{sid}: template notebooks are stored without outputs"
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                assert not isinstance(node, ast.BinOp | ast.AugAssign | ast.Compare), (sid, ast.dump(node))


def test_valid_parameters_pass(indicators_dir):
    p = good(indicators_dir)
    assert params.validate(notebook_path("overview"), p) == p


@pytest.mark.parametrize("change, message", [
    ({"colour": "red"}, "unknown parameter(s) 'colour'"),
    ({"year": 2016}, "parameter year=2016: expected str, got int"),
    ({"suppress_small": "yes"}, "parameter suppress_small='yes': expected bool, got str"),
    ({"year": "2016-18"}, "the two halves must be consecutive years"),
    ({"year": "2016/17"}, "expected a financial year such as 2016-17"),
    ({"la": "Hamp shire"}, "expected a lower-case council slug"),
    ({"raw_dir": " "}, "parameter raw_dir: empty path"),
    ({"year": "2015-16"}, "not found (run `reporting build`"),
])
def test_unknown_or_malformed_parameters_are_refused(indicators_dir, change, message):
    with pytest.raises(params.ParameterError) as exc:
        params.validate(notebook_path("contacts_referrals"), {**good(indicators_dir), **change})
    assert message in str(exc.value)
    assert str(exc.value).startswith("contacts_referrals.ipynb: ")


def test_a_notebook_without_exactly_one_parameters_cell_is_refused(tmp_path):
    nb = json.loads(notebook_path("overview").read_text(encoding="utf-8"))
    nb["cells"].append(dict(nb["cells"][1]))
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps(nb))
    with pytest.raises(params.ParameterError, match="exactly one code cell tagged 'parameters', found 2"):
        params.declared(bad)


def test_the_section_api_checks_parameters_too(indicators_dir):
    from reporting.report.section import open_section

    with pytest.raises(params.ParameterError, match="unknown section|expected bool"):
        open_section("overview", la="hampshire", year="2016-17", indicators_dir=indicators_dir,
                     raw_dir="x", suppress_small="no")


def test_build_command_refuses_a_malformed_year(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["build", "--la", "hampshire", "--year", "2016-18"])
    assert exc.value.code == 2
    assert "consecutive years" in capsys.readouterr().err


def test_build_command_with_raw_dir_needs_out_dir(tmp_path, capsys):
    assert main(["build", "--la", "x", "--year", "2016-17", "--raw-dir", str(tmp_path)]) == 2
    assert "give --out-dir too" in capsys.readouterr().err


def test_relative_paths_are_found_from_a_subfolder(indicators_dir, monkeypatch, tmp_path):
    """The build passes paths relative to where it runs; a kernel started in a subfolder (as nbval
    starts it in the notebook's folder) still finds them."""
    from pathlib import Path

    base = Path(indicators_dir)
    deeper = base / "notebooks" / "2016-17"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(base.parent)
    relative = base.name
    monkeypatch.chdir(deeper)
    assert params.resolve_path(relative, "2016-17/indicators.csv") == base.parent / relative
    params.check_values({**good(relative), "indicators_dir": relative})
    assert params.resolve_path("/abs/x") == Path("/abs/x")
