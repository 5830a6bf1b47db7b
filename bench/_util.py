"""Shared helpers for the benchmark scripts: timing child processes and reporting peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"

_PROBE = """
import json, sys, time
t0 = time.perf_counter()
{body}
elapsed = time.perf_counter() - t0
# VmHWM: the peak resident set of this process image (ru_maxrss would carry over the
# parent's peak across fork and exec, overstating the child's memory).
peak_kib = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
print("__BENCH__" + json.dumps({{"seconds": elapsed, "peak_mib": peak_kib / 1024, "result": result}}))
"""


def run_timed(body: str, python: str | Path = sys.executable) -> dict:
    """Run ``body`` (which must set ``result``) in a fresh interpreter; return seconds, peak MiB, result.

    The clock covers ``body`` only (not interpreter start-up); peak memory is the
    process's maximum resident set size.
    """
    code = _PROBE.format(body=body)
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{proc.stderr[-3000:]}")
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("__BENCH__"))
    return json.loads(line[len("__BENCH__"):])


def stopwatch():
    t0 = time.perf_counter()
    return lambda: time.perf_counter() - t0
