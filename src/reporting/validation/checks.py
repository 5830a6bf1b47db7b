"""The checks run by ``validate``: each takes the read inputs and returns problems."""

from __future__ import annotations

from reporting.problems import Problem
from reporting.readers import CouncilInputs, YearInputs

CHECKS: list = []


def run_checks(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    out: list[Problem] = []
    for check in CHECKS:
        out.extend(check(council, inputs))
    return out
