"""Validation of a council's raw returns for one reporting year.

``validate_year`` reads every source and runs the checks in this package; each
problem is one line (file, line or XML path, field, value, rule, severity, and the
DfE rule number where the check is one of DfE's). Errors make the inputs unusable;
warnings are reported but do not stop a build.
"""

from __future__ import annotations

from pathlib import Path

from reporting.periods import ReportingYear
from reporting.problems import ERROR, Problem
from reporting.readers import read_council, read_year
from reporting.validation.checks import run_checks

__all__ = ["validate_year", "has_errors"]


def validate_year(raw_dir: Path | str, slug: str, year: ReportingYear | str) -> list[Problem]:
    """Every problem found in ``raw_dir`` for ``year``, errors first, in a stable order."""
    year = ReportingYear.parse(year)
    council = read_council(raw_dir, slug)
    inputs = read_year(raw_dir, year, element_lines=True)
    problems = list(council.problems) + list(inputs.problems) + inputs.notes
    problems += run_checks(council, inputs)
    order = {ERROR: 0}
    return sorted(set(problems), key=lambda p: (order.get(p.severity, 1), p.file, _loc_key(p.location), p.field,
                                               p.rule, p.value))


def _loc_key(location: str) -> tuple:
    digits = "".join(ch if ch.isdigit() else " " for ch in location).split()
    return (int(digits[0]) if digits else 0, location)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)
