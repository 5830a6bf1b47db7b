"""Benchmark: nbval over every golden notebook, as ``make test`` runs it (issue 6).

1. Makes sure the golden notebooks' inputs exist and are current
   (:func:`reporting.report.golden.ensure_inputs`; timed apart: a clean clone pays it once).
2. Runs ``pytest --nbval --nbval-current-env --nbval-sanitize-with=tests/golden/sanitize.cfg
   -n WORKERS --dist loadfile tests/golden`` in a fresh process, ``--repeat`` times, and prints
   the wall-clock seconds of each run (kernel starts included). Target: under 120 s with two
   workers on a 2-core machine.

Run: ``.venv/bin/python bench/bench_nbval.py [--workers 2] [--repeat 1]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import ROOT  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    from reporting.report.golden import GoldenPaths, code_cell_ids, ensure_inputs, run_nbval

    t = time.perf_counter()
    paths = ensure_inputs(ROOT, progress=True)
    print(f"inputs ready in {time.perf_counter() - t:.1f} s")
    notebooks = GoldenPaths(ROOT).notebooks()
    cells = sum(len(code_cell_ids(p)) for p in notebooks)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"nbval over {len(notebooks)} golden notebooks ({cells} cells) of {paths.references.relative_to(ROOT)}, "
          f"{args.workers} worker(s), {cores} core(s), load average {load:.1f} before the run")
    worst = 0.0
    for i in range(args.repeat):
        run = run_nbval(ROOT, notebooks, workers=args.workers)
        bad = sorted(run.failed)
        status = "all passed" if not bad and len(run.outcomes) == cells else f"{len(bad)} failed: {bad[:5]}"
        print(f"run {i + 1}: {run.seconds:.1f} s ({status})")
        if bad or len(run.outcomes) != cells:
            print(run.output[-3000:])
            return 1
        worst = max(worst, run.seconds)
    print(f"nbval over all golden notebooks: {worst:.1f} s (target: under 120 s)")
    return 0 if worst < 120 else 1


if __name__ == "__main__":
    raise SystemExit(main())
