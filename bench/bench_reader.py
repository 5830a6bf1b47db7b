"""Benchmark: read a ~100 MB CIN census XML into the tidy tables (issue: foundation).

1. Generates a synthetic council year whose ``cin_census.xml`` is about 100 MB (scale
   chosen to hit the size) under ``bench/out/`` (not tracked).
2. Times ``reporting.readers.read_cin_census`` + typing of the tables, in a fresh
   process, with its peak resident memory. Target: under 5 s and under 1 GB.
3. Cuts a ~10 MB slice (the first children of the same file) and times, on it, both
   this reader and the Data to Insight reader (``cin_validator.ingress.XMLtoCSV`` from
   ``csc-validator-be-cin``, installed with ``--no-deps`` in an isolated virtual
   environment under ``bench/out/d2i-venv`` beside pandas 2.2), and prints the ratio.

Run: ``.venv/bin/python bench/bench_reader.py [--target-mb 100] [--slice-mb 10] [--skip-d2i]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import OUT, run_timed, stopwatch  # noqa: E402

MB = 1_000_000
MB_PER_SCALE = 24.5  # CIN XML size (MB) of one year at scale 1, measured


def make_big_xml(target_mb: float) -> Path:
    from reporting.generate.synthetic import generate_council

    folder = OUT / f"reader_{int(target_mb)}mb"
    xml = folder / "2016-17" / "cin_census.xml"
    if xml.exists():
        return xml
    if folder.exists():
        shutil.rmtree(folder)
    scale = target_mb / MB_PER_SCALE
    t = stopwatch()
    generate_council(folder, years=["2016-17"], scale=scale, history_years=0)
    print(f"generated {xml.stat().st_size / MB:.1f} MB at scale {scale:.2f} in {t():.1f} s")
    return xml


def make_slice(xml: Path, slice_mb: float) -> Path:
    """The header and the first whole ``<Child>`` elements of ``xml`` up to about ``slice_mb``."""
    out = xml.with_name(f"slice_{int(slice_mb)}mb.xml")
    if out.exists():
        return out
    data = xml.read_bytes()
    start = data.index(b"<Child>")
    cut = data.index(b"</Child>", int(slice_mb * MB)) + len(b"</Child>")
    out.write_bytes(data[:cut] + b"</Children></Message>\n")
    del data
    assert start < cut
    return out


def d2i_python() -> Path:
    env = OUT / "d2i-venv"
    py = env / "bin" / "python"
    if not py.exists():
        venv.create(env, with_pip=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "pandas==2.2.3", "numpy<2.3"], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "csc-validator-be-cin==0.1.13"],
                       check=True)
    return py


OURS = """
from reporting.readers import read_cin_census
cin = read_cin_census({path!r})
tables = cin.typed()
result = {{name: len(df) for name, df in tables.items()}}
"""

D2I = """
import xml.etree.ElementTree as ET
from cin_validator.ingress import XMLtoCSV
root = ET.parse({path!r}).getroot()
data = XMLtoCSV(root)
result = {{"children": len(data.ChildIdentifiers), "cin_episodes": len(data.CINdetails)}}
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target-mb", type=float, default=100)
    ap.add_argument("--slice-mb", type=float, default=10)
    ap.add_argument("--skip-d2i", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    xml = make_big_xml(args.target_mb)
    size = xml.stat().st_size / MB
    full = run_timed(OURS.format(path=str(xml)))
    print(f"this reader, {size:.0f} MB: {full['seconds']:.2f} s, peak {full['peak_mib']:.0f} MiB, "
          f"{full['result']['children']:,} children, {full['result']['cin_episodes']:,} episodes")
    results = {"full": {"mb": size, **full}}

    sl = make_slice(xml, args.slice_mb)
    sl_mb = sl.stat().st_size / MB
    ours = run_timed(OURS.format(path=str(sl)))
    print(f"this reader, {sl_mb:.1f} MB slice: {ours['seconds']:.2f} s")
    results["slice_ours"] = {"mb": sl_mb, **ours}
    if not args.skip_d2i:
        d2i = run_timed(D2I.format(path=str(sl)), python=d2i_python())
        assert d2i["result"]["cin_episodes"] == ours["result"]["cin_episodes"], "readers disagree"
        print(f"Data to Insight reader, {sl_mb:.1f} MB slice: {d2i['seconds']:.2f} s")
        print(f"ratio (Data to Insight / this reader) on the slice: {d2i['seconds'] / ours['seconds']:.0f}x")
        results["slice_d2i"] = {"mb": sl_mb, **d2i}
    (OUT / "bench_reader.json").write_text(json.dumps(results, indent=2, sort_keys=True))
    ok = full["seconds"] < 5 and full["peak_mib"] < 1024
    print("PASS" if ok else "OVER TARGET", "(target: under 5 s and under 1 GB for ~100 MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
