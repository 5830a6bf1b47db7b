"""nbval over the golden notebooks (``make test``): their inputs are generated before the first
notebook cell runs.

The reference notebooks read the demo council's raw data and aggregates at paths relative to the
repository (``tests/golden/.inputs/hampshire/``, gitignored). In a clean clone they do not exist:
the first nbval item of each pytest process calls :func:`reporting.report.golden.ensure_inputs`,
which writes them deterministically (under a file lock, once for all xdist workers) and later only
checks that they are current.
"""

from __future__ import annotations

import pytest

_ready = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    global _ready
    if _ready or not item.nodeid.split("::")[0].endswith(".ipynb"):
        return
    from reporting.report.golden import ensure_inputs

    ensure_inputs()
    _ready = True
