"""The demo council written by ``reporting demo --la hampshire``.

The calibrated Hampshire demo (:mod:`reporting.generate.calibrated`): synthetic records,
2011-12 (history) to 2017-18, whose aggregates reproduce what Hampshire and DfE
published (see ``docs/calibration.md``). The uncalibrated synthetic council of any size
remains available as ``reporting generate``.
"""

from __future__ import annotations

from pathlib import Path

from reporting.generate.calibrated import REPORT_YEARS, write_calibrated_demo

DEMO_YEARS = REPORT_YEARS  # the years the demo reports on (2011-12 is written as history only)

DEMOS = ("hampshire",)
DEMO_SEED = 20170915

__all__ = ["DEMOS", "DEMO_SEED", "DEMO_YEARS", "write_demo"]


def write_demo(la: str, out_dir: Path) -> list[Path]:
    """Write the demo council ``la`` into ``out_dir``, which must be absent or empty."""
    if la not in DEMOS:
        raise ValueError(f"no demo for {la!r}; available: {', '.join(DEMOS)}")
    return write_calibrated_demo(Path(out_dir), seed=DEMO_SEED)
