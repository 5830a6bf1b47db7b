"""The golden notebooks' check bites: change one raw record, or one indicator's definition, in a
scratch copy, and nbval fails on exactly the outputs that show the figures affected.

Each test copies the layout of the repository into a scratch folder (the reference notebooks and
their inputs under ``tests/golden/``), changes the copy, recomputes the inputs with the build's own
steps (``ensure_inputs``, in a subprocess), and runs nbval as ``make test`` does over the reference
notebooks whose inputs changed (the others read byte-identical files). The outputs expected to fail
are worked out independently of nbval, in this process: a cell is affected when the sentences or
the table it shows differ between the reference inputs and the changed ones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from reporting.report.golden import (
    GoldenPaths,
    code_cell_ids,
    ensure_inputs,
    report_years,
    run_nbval,
)
from reporting.report.section import open_section
from reporting.report.tables import years_needed

DATA_FILES = ("indicators.csv", "indicators.partial.csv", "data_quality.csv", "reconciliation.csv",
              "published_contradictions.csv")


@pytest.fixture(scope="session")
def golden() -> GoldenPaths:
    """The reference inputs, generated on first use (shared by the xdist workers under a lock)."""
    return ensure_inputs()


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system
        shutil.copy2(src, dst)


def scratch_copy(golden: GoldenPaths, root: Path, *, keep_indicators: bool = True) -> GoldenPaths:
    """The references and their inputs, laid out as in the repository under ``root``; raw files are
    hard links (replace a file before changing it), aggregates are copies."""
    scratch = GoldenPaths(root, golden.la)
    shutil.copytree(golden.references, scratch.references)
    shutil.copytree(golden.raw, scratch.raw, copy_function=_link)
    ignore = ["notebooks"] + ([] if keep_indicators else ["indicators*.csv*"])
    shutil.copytree(golden.processed, scratch.processed, ignore=shutil.ignore_patterns(*ignore))
    shutil.copy2(golden.stamp, scratch.stamp)  # the same demo: not regenerated
    return scratch


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to a new file at ``path`` (never through a hard link to the reference inputs)."""
    path.unlink()
    path.write_text(text, encoding="utf-8")


def recompute(scratch: GoldenPaths, pythonpath: Path | None = None) -> None:
    """The scratch inputs, recomputed by the build's cached steps in a fresh interpreter."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    code = f"from reporting.report.golden import ensure_inputs; ensure_inputs({str(scratch.root)!r}, jobs=2)"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)


def changed_files(golden: GoldenPaths, scratch: GoldenPaths) -> dict[str, set[str]]:
    """Data files of the aggregates that differ, by year folder."""
    out: dict[str, set[str]] = {}
    for p in sorted(scratch.processed.glob("*/*")):
        if p.name in DATA_FILES:
            ref = golden.processed / p.relative_to(scratch.processed)
            if not ref.exists() or ref.read_bytes() != p.read_bytes():
                out.setdefault(p.parent.name, set()).add(p.name)
    return out


def changed_indicator_rows(golden: GoldenPaths, scratch: GoldenPaths) -> set[tuple[str, str, str]]:
    out = set()
    for p in sorted(scratch.processed.glob("*/indicators*.csv")):
        old = pd.read_csv(golden.processed / p.relative_to(scratch.processed), dtype=str, keep_default_na=False)
        new = pd.read_csv(p, dtype=str, keep_default_na=False)
        keys = ["indicator_id", "period_label", "breakdown"]
        both = old.merge(new, on=keys, how="outer", suffixes=("_old", "_new"), indicator=True)
        for rd in both.to_dict("records"):
            if rd["_merge"] != "both" or any(rd[f"{c}_old"] != rd[f"{c}_new"] for c in ("numerator", "denominator",
                                                                                     "value", "note")):
                out.add((rd["indicator_id"], rd["period_label"], rd["breakdown"]))
    return out


def notebooks_to_check(scratch: GoldenPaths, changed: dict[str, set[str]]) -> list[Path]:
    """The reference notebooks that read a changed file (a report reads the files of its trend years
    and the next year)."""
    return [p for p in scratch.notebooks() if {y.label for y in years_needed(p.parent.name)} & set(changed)]


def expected_failures(golden: GoldenPaths, scratch: GoldenPaths, notebooks: list[Path]) -> set[str]:
    """``<year>/<section>.ipynb::Cell <n>`` of every cell whose sentences or table differ between the
    reference inputs and the scratch ones (the section API in this process; no kernel, no nbval)."""
    out = set()
    for nb in notebooks:
        year, sid = nb.parent.name, nb.stem
        old, new = (open_section(sid, la=p.la, year=year, indicators_dir=str(p.processed), raw_dir=str(p.raw))
                    for p in (golden, scratch))
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        for n, src in enumerate(sources):
            if "show_sentences()" in src:
                differs = old.sentences() != new.sentences()
            elif m := re.search(r"show_table\('([^']+)'\)", src):
                a, b = old.presented(m.group(1)), new.presented(m.group(1))
                differs = not (a.text.equals(b.text) and a.caption == b.caption and a.notes == b.notes)
            else:
                continue
            if differs:
                out.add(f"{nb.relative_to(scratch.references).as_posix()}::Cell {n}")
    return out


def failing(scratch: GoldenPaths, notebooks: list[Path]) -> tuple[set[str], int]:
    """nbval over ``notebooks`` as ``make test`` runs it: the failing cells and how many ran."""
    run = run_nbval(scratch.root, notebooks, workers=2)
    assert run.outcomes, run.output[-3000:]
    prefix = scratch.references.relative_to(scratch.root).as_posix() + "/"
    cells = {k.removeprefix(prefix): v for k, v in run.outcomes.items()}
    assert len(cells) == sum(len(code_cell_ids(p)) for p in notebooks), run.output[-3000:]
    assert set(cells.values()) <= {"passed", "failed"}, run.output[-3000:]
    bad = {k for k, v in cells.items() if v == "failed"}
    # each failure is an output that differs, not a cell that stopped with an error (read from each
    # cell's own report: pytest's summary lines are cut to the terminal width, so counting them in
    # the output depends on the environment)
    reports = {k.removeprefix(prefix): v for k, v in run.reports.items()}
    assert set(reports) == bad, run.output[-3000:]
    assert all("Cell outputs differ" in text for text in reports.values()), run.output[-3000:]
    return bad, len(cells)


def cell(scratch: GoldenPaths, year: str, section: str, cell_id: str) -> str:
    ids = code_cell_ids(scratch.references / year / f"{section}.ipynb")
    return f"{year}/{section}.ipynb::Cell {ids.index(cell_id)}"


# -- a raw record -----------------------------------------------------------------------------------
REFERRAL = re.compile(r"<CINreferralDate>(\d{4}-\d{2}-\d{2})</CINreferralDate>(\s*)<ReferralSource>6</ReferralSource>")


def test_one_referral_moved_from_police_to_education_fails_exactly_its_outputs(golden, tmp_path):
    scratch = scratch_copy(golden, tmp_path / "repo")
    census = scratch.raw / "2016-17" / "cin_census.xml"
    text = census.read_text(encoding="utf-8")
    hit = next(m for m in REFERRAL.finditer(text) if "2016-04-01" <= m.group(1) <= "2017-03-31")
    moved = (text[:hit.start()] + f"<CINreferralDate>{hit.group(1)}</CINreferralDate>{hit.group(2)}"
             "<ReferralSource>2A</ReferralSource>" + text[hit.end():])
    replace_file(census, moved)
    assert (golden.raw / "2016-17" / "cin_census.xml").read_text(encoding="utf-8") == text  # reference intact
    recompute(scratch)

    # the figures: one referral fewer from the police, one more from education, in 2016-17 only
    assert changed_indicator_rows(golden, scratch) == {("referral_source_police", "2016-17", ""),
                                                       ("referral_source_education", "2016-17", "")}
    changed = changed_files(golden, scratch)
    assert set(changed) == {"2016-17"}
    notebooks = notebooks_to_check(scratch, changed)
    assert {p.parent.name for p in notebooks} == {"2015-16", "2016-17", "2017-18"}

    expected = expected_failures(golden, scratch, notebooks)
    # the referral sources table of every report showing 2016-17, and the 2016-17 reconciliation
    assert {cell(scratch, "2016-17", "contacts_referrals", "table-referral-sources"),
            cell(scratch, "2017-18", "contacts_referrals", "table-referral-sources"),
            cell(scratch, "2016-17", "reconciliation", "table-reconciliation")} <= expected
    failed, ran = failing(scratch, notebooks)
    print(f"raw record: nbval ran {ran} cells of {len(notebooks)} notebooks; failed: {sorted(failed)}")
    assert failed == expected


# -- an indicator's definition ----------------------------------------------------------------------
SITECUSTOMIZE = '''\
"""Test only: referrals from other legal agencies (7) counted with the police (6)."""
import dataclasses

from reporting.indicators import contacts_referrals, registry, sections  # noqa: F401 (registers)

_ind = registry.REGISTRY["referral_source_police"]
registry.REGISTRY["referral_source_police"] = dataclasses.replace(
    _ind, func=contacts_referrals._source_share(("6", "7")))
'''


def test_an_indicator_definition_changed_fails_exactly_its_outputs(golden, tmp_path):
    scratch = scratch_copy(golden, tmp_path / "repo", keep_indicators=False)
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    recompute(scratch, pythonpath=site)  # the changed definition, in the processes that compute

    rows = changed_indicator_rows(golden, scratch)
    assert rows and {r[0] for r in rows} == {"referral_source_police"}
    changed = changed_files(golden, scratch)
    notebooks = notebooks_to_check(scratch, changed)
    expected = expected_failures(golden, scratch, notebooks)
    years = sorted({r[1] for r in rows} & set(report_years()))
    assert len(years) == len(report_years())  # every year's figure changes
    assert {cell(scratch, y, "contacts_referrals", "table-referral-sources") for y in years} <= expected
    failed, ran = failing(scratch, notebooks)
    print(f"definition: nbval ran {ran} cells of {len(notebooks)} notebooks; failed: {sorted(failed)}")
    assert failed == expected


def test_the_golden_notebooks_hold_no_child_id_or_date_of_birth(golden):
    """They are tracked by git: aggregates of the synthetic demo only, never a record's identifiers."""
    from helpers_report import find_personal_data, personal_tokens

    ids, dobs = personal_tokens(golden.raw)
    assert len(ids) > 1000 and len(dobs) > 1000
    assert find_personal_data([golden.references], ids, dobs) == []
