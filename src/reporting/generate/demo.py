"""The demo council written by ``reporting demo --la hampshire``.

For now the demo is the uncalibrated synthetic council of
:mod:`reporting.generate.synthetic` under Hampshire's name and DfE codes: plausible
volumes, not the published figures. The calibrated demo (issue 4) replaces it with
records whose aggregates reproduce what Hampshire and DfE published.
"""

from __future__ import annotations

from pathlib import Path

from reporting.generate.synthetic import generate_council

DEMO_YEARS = ("2012-13", "2013-14", "2014-15", "2015-16", "2016-17", "2017-18")
DEMOS = {
    "hampshire": {"name": "Hampshire", "la_code": "850", "la_code_9": "E10000014", "region": "South East"},
}
DEMO_SEED = 20170915


def write_demo(la: str, out_dir: Path) -> list[Path]:
    """Write the demo council ``la`` into ``out_dir``, which must be absent or empty."""
    if la not in DEMOS:
        raise ValueError(f"no demo for {la!r}; available: {', '.join(DEMOS)}")
    return generate_council(Path(out_dir), years=DEMO_YEARS, history_years=1, seed=DEMO_SEED, **DEMOS[la])
