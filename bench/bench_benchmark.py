"""Benchmark: build the benchmarking tables for every council and every year (issue 7).

In a fresh process: reads DfE's published files from ``data/external/dfe`` into the panel
(timed), then builds :func:`reporting.published.benchmark.benchmark_tables` for every
council in every year in which it has figures (about 2,000 council-years, each with its
trend tables against England, the region and the region's councils, ranks and summary;
no charts), then one council's complete section (``benchmark.html`` with its charts and
CSV files, as ``reporting benchmark`` writes it). Target: all the tables in under 60 s on
a 2-core machine (they are built in one process, one core). Prints the times and writes
``bench/out/bench_benchmark.json``.

Run: ``.venv/bin/python bench/bench_benchmark.py [--la hampshire] [--year 2016-17]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import OUT, run_timed  # noqa: E402

BODY = """
from reporting.published.benchmark import build_benchmark, iter_benchmark_tables, load_panel
t = time.perf_counter()
panel = load_panel()
panel_s = time.perf_counter() - t
t = time.perf_counter()
n_pairs = n_tables = 0
for _, tables in iter_benchmark_tables():
    n_pairs += 1
    n_tables += len(tables)
tables_s = time.perf_counter() - t
t = time.perf_counter()
files = build_benchmark({la!r}, {year!r})
one_s = time.perf_counter() - t
result = {{"panel_s": panel_s, "tables_s": tables_s, "council_years": n_pairs, "tables": n_tables,
           "one_council_s": one_s, "one_council_files": len(files),
           "one_council_html_kb": len(files["benchmark.html"]) / 1000}}
"""

TARGET_S = 60


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--la", default="hampshire")
    ap.add_argument("--year", default="2016-17")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    r = run_timed(BODY.format(la=args.la, year=args.year))
    res = {**r["result"], "total_s": r["seconds"], "peak_mib": r["peak_mib"]}
    print(f"read the published files into the panel: {res['panel_s']:.1f} s")
    print(f"tables for all councils and years:       {res['tables_s']:.1f} s "
          f"({res['council_years']} council-years, {res['tables']} tables)")
    print(f"one council's section ({args.la} {args.year}, charts, HTML, CSV): {res['one_council_s']:.1f} s "
          f"({res['one_council_files']} files, benchmark.html {res['one_council_html_kb']:.0f} kB)")
    print(f"peak memory: {res['peak_mib']:.0f} MiB")
    (OUT / "bench_benchmark.json").write_text(json.dumps(res, indent=2, sort_keys=True))
    ok = res["panel_s"] + res["tables_s"] < TARGET_S
    print("PASS" if ok else "OVER TARGET", f"(target: reading and all tables under {TARGET_S} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
