"""The golden notebooks: one per section and demo year, parameters relative to the repository,
small, independent of each other, checked by nbval with commented sanitize rules; and the
summary of what changed that `reporting golden` prints."""

from __future__ import annotations

import ast
import builtins
import json
import re

from reporting.report import tables
from reporting.report.build import NOTEBOOK_DIR
from reporting.report.golden import (
    INPUTS,
    NBVAL_ARGS,
    REPO_ROOT,
    SANITIZE_FILE,
    GoldenPaths,
    diff_notebook,
    diff_trees,
    report_years,
)

PATHS = GoldenPaths(REPO_ROOT)
MAX_BYTES = 10_000_000


def _injected(nb: dict) -> dict:
    return nb["metadata"]["papermill"]["parameters"]


def test_one_golden_notebook_per_section_and_demo_year():
    """A section added, removed or renamed since the references were made fails here: run `make golden`."""
    assert report_years() == ("2012-13", "2013-14", "2014-15", "2015-16", "2016-17", "2017-18")
    found = sorted(p.relative_to(PATHS.references).as_posix() for p in PATHS.notebooks())
    assert found == sorted(f"{y}/{s}.ipynb" for y in report_years() for s in tables.SECTION_IDS)


def test_parameters_are_paths_relative_to_the_repository():
    for p in PATHS.notebooks():
        nb = json.loads(p.read_text(encoding="utf-8"))
        assert _injected(nb) == {"la": "hampshire", "year": p.parent.name, "suppress_small": False,
                                 "indicators_dir": (INPUTS / "hampshire" / "processed").as_posix(),
                                 "raw_dir": (INPUTS / "hampshire" / "raw").as_posix()}, p
        injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
        assert len(injected) == 1 and "/tmp" not in "".join(injected[0]["source"]), p
        for c in nb["cells"]:  # executed, without errors or warnings
            assert all(o["output_type"] == "display_data" for o in c.get("outputs", [])), (p, c["id"])


def test_golden_notebooks_stay_small():
    total = sum(p.stat().st_size for p in PATHS.notebooks())
    print(f"golden notebooks: {len(PATHS.notebooks())} files, {total / 1e6:.1f} MB")
    assert total < MAX_BYTES, f"{total / 1e6:.1f} MB"


def test_each_sanitize_rule_is_commented():
    lines = (REPO_ROOT / SANITIZE_FILE).read_text(encoding="utf-8").splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("regex: ")]
    assert rules, "nbval's sanitize file has no rule"
    for i in rules:
        assert lines[i + 1].startswith("replace: "), lines[i]
        assert lines[i - 1].startswith("# ") and len(lines[i - 1]) > 20, f"rule without its reason: {lines[i]}"
        re.compile(lines[i].removeprefix("regex: "))


def test_make_test_runs_nbval_over_the_golden_notebooks_with_every_output_compared():
    make = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    nbval = re.search(r"^NBVAL := (.*)$", make, re.M).group(1).split()
    assert nbval == list(NBVAL_ARGS)
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", make, re.M).group(1)
    assert "--dist loadfile $(NBVAL) tests/golden" in recipe and "--nbval-lax" not in recipe
    assert re.search(r"^golden:.*\n\t\$\(BIN\)/reporting golden", make, re.M)


def test_no_notebook_depends_on_another():
    """nbval runs each notebook in a fresh kernel while the build reuses kernels: every name a
    template notebook uses is a builtin or defined in that notebook (imports, parameters, assignments)."""
    for sid in tables.SECTION_IDS:
        nb = json.loads((NOTEBOOK_DIR / f"{sid}.ipynb").read_text(encoding="utf-8"))
        defined = set(dir(builtins))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            for statement in ast.parse("".join(cell["source"])).body:
                for node in ast.walk(statement):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                        assert node.id in defined, f"{sid}.ipynb uses {node.id!r} before defining it"
                for node in ast.walk(statement):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        defined.add(node.id)
                    elif isinstance(node, ast.Import | ast.ImportFrom):
                        defined |= {(a.asname or a.name).split(".")[0] for a in node.names}


def _edit_cell(text: str, cell_id: str, old: str, new: str) -> str:
    nb = json.loads(text)
    cell = next(c for c in nb["cells"] if c.get("id") == cell_id)
    html = "".join(cell["outputs"][0]["data"]["text/html"])
    assert old in html
    cell["outputs"][0]["data"]["text/html"] = html.replace(old, new, 1)
    return json.dumps(nb, indent=1)


def test_the_summary_of_changes_names_each_table_cell_old_and_new():
    text = (PATHS.references / "2016-17" / "contacts_referrals.ipynb").read_text(encoding="utf-8")
    nb = json.loads(text)
    cell = next(c for c in nb["cells"] if c.get("id") == "table-referral-sources")
    html = "".join(cell["outputs"][0]["data"]["text/html"])
    # the Police row's 2016-17 numerator, as printed
    police = re.search(r'<th scope="row">[^<]*Police</th>(.*?)</tr>', html).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", police)
    assert len(cells) == 15  # five years, numerator / denominator / value
    changed = _edit_cell(text, "table-referral-sources", police, police.replace(f">{cells[12]}<", ">99999<", 1))
    lines = diff_notebook(json.dumps(nb, indent=1), changed)
    assert lines[0].startswith("  table Table ") and "Source of referrals, 2012-13 to 2016-17" in lines[0]
    assert any(re.fullmatch(rf"    [^|]*Police \| 2016-17 Numerator: {cells[12]} -> 99999", line) for line in lines)
    assert len([line for line in lines if " -> " in line]) == 1

    # sentences, and the count of notebooks that differ
    sentences = _edit_cell(text, "sentences", "The largest sources", "The biggest sources")
    report, n = diff_trees({"2016-17/contacts_referrals.ipynb": text}, {"2016-17/contacts_referrals.ipynb": sentences})
    assert n == 1 and report[0].startswith("golden notebooks: 1 built, 1 differ")
    assert any(line.startswith("    - sentence: The largest sources") for line in report)
    assert any(line.startswith("    + sentence: The biggest sources") for line in report)
    assert diff_trees({"a.ipynb": text}, {"a.ipynb": text}) == (["golden notebooks: 1 built, 0 differ from the "
                                                                 "references"], 0)
