"""Benchmark: compute every indicator for one year, at 1x, 3x, 10x and 30x a large council.

Scale 1 is about Hampshire (90,000 contacts, 20,000 referrals a year); scale 30 is about
England. For each scale a synthetic council (the year 2016-17 plus one year of history)
is generated under ``bench/out/`` (reused when present), then a fresh process reads it
and computes all indicators. Reading and computing are timed separately; the targets
(issue: indicator engine) are under 3 s at 1x and under 60 s with peak memory under
4 GB at 30x, computing after reading. The growth across scales should be linear.

Run: ``.venv/bin/python bench/bench_indicators.py [--scales 1 3 10 30]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import OUT, run_timed, stopwatch  # noqa: E402

BODY = """
from reporting.readers import load_dataset
from reporting.indicators.engine import compute, to_frame
t = time.perf_counter()
ds = load_dataset({raw!r}, "synthetic", "2016-17")
read_s = time.perf_counter() - t
t = time.perf_counter()
rows = to_frame(compute(ds))
compute_s = time.perf_counter() - t
ref = rows.loc[rows.indicator_id == "referrals", "value"].iloc[0]
result = {{"read_s": read_s, "compute_s": compute_s, "rows": len(rows), "referrals": ref}}
"""


def council(scale: float) -> Path:
    from reporting.generate.synthetic import generate_council

    folder = OUT / f"indicators_{scale:g}x"
    if (folder / "2016-17" / "cin_census.xml").exists():
        return folder
    t = stopwatch()
    generate_council(folder, years=["2016-17"], scale=scale, history_years=1, seed=1)
    print(f"generated scale {scale:g} in {t():.0f} s", flush=True)
    return folder


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", type=float, nargs="+", default=[1, 3, 10, 30])
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = {}
    print(f"{'scale':>6} {'referrals':>10} {'read s':>8} {'compute s':>10} {'s per scale':>12} {'peak MiB':>9}")
    for scale in args.scales:
        r = run_timed(BODY.format(raw=str(council(scale))))
        res = r["result"]
        results[f"{scale:g}"] = {**res, "peak_mib": r["peak_mib"]}
        print(f"{scale:>6g} {res['referrals']:>10} {res['read_s']:>8.1f} {res['compute_s']:>10.2f} "
              f"{res['compute_s'] / scale:>12.2f} {r['peak_mib']:>9.0f}", flush=True)
    (OUT / "bench_indicators.json").write_text(json.dumps(results, indent=2, sort_keys=True))
    ok = True
    if "1" in results:
        ok &= results["1"]["compute_s"] < 3
    if "30" in results:
        ok &= results["30"]["compute_s"] < 60 and results["30"]["peak_mib"] < 4096
    print("PASS" if ok else "OVER TARGET", "(targets: 1x under 3 s; 30x under 60 s and 4 GB)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
