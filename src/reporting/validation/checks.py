"""The checks run by ``validate``: each takes the read inputs and returns problems.

One module per source, each with its own ``CHECKS`` list:
:mod:`~reporting.validation.cin_checks` (CIN census XML),
:mod:`~reporting.validation.ssda903_checks` (SSDA903 tables),
:mod:`~reporting.validation.contacts_checks` (Annex A contacts),
:mod:`~reporting.validation.extract_checks` (local extracts),
:mod:`~reporting.validation.cross_file` (checks across files) and
:mod:`~reporting.validation.council_checks` (``la.toml`` against DfE's published files). A check is a function
``check(council, inputs) -> list[Problem]`` that works on the readers' raw string tables
with vectorised pandas; it returns one problem per offending value, at most
:data:`~reporting.validation._common.CAP` per file, field and rule plus a summary line.
"""

from __future__ import annotations

from collections.abc import Callable

from reporting.problems import ERROR, Problem
from reporting.readers import CouncilInputs, YearInputs
from reporting.validation import (
    cin_checks,
    contacts_checks,
    council_checks,
    cross_file,
    extract_checks,
    ssda903_checks,
)

Check = Callable[[CouncilInputs, YearInputs], list[Problem]]

CHECKS: list[Check] = [
    *cin_checks.CHECKS,
    *ssda903_checks.CHECKS,
    *contacts_checks.CHECKS,
    *extract_checks.CHECKS,
    *cross_file.CHECKS,
    *council_checks.CHECKS,
]


def run_checks(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """Run every check in :data:`CHECKS` on a year's inputs.

    A check that fails unexpectedly (a bug, or input no check foresaw) does not stop the
    others: it becomes one error naming the check, so ``validate`` never ends in a traceback
    and never reports unchecked inputs as usable.
    """
    out: list[Problem] = []
    for check in CHECKS:
        try:
            out.extend(check(council, inputs))
        except Exception as exc:  # reported as a problem, see the docstring
            out.append(Problem(str(inputs.folder.name), "", "", "",
                               f"internal error in check {check.__name__} ({type(exc).__name__}: {exc}); "
                               "the inputs could not be fully checked, please report this", ERROR))
    return out
