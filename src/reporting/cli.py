"""The ``reporting`` command: every ``make`` target is a thin wrapper over one of these."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from reporting.periods import ReportingYear, YearError
from reporting.problems import InputError

DEFAULT_RAW_ROOT = Path("data/raw")
DEFAULT_PROCESSED_ROOT = Path("data/processed")
DEFAULT_REPORTS_ROOT = Path("reports")


def _year(value: str) -> ReportingYear:
    try:
        return ReportingYear.parse(value)
    except YearError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _slug(value: str) -> str:
    v = value.strip().lower()
    if not v or not all(ch.isalnum() or ch == "-" for ch in v):
        raise argparse.ArgumentTypeError(f"--la {value!r}: expected a lower-case slug such as hampshire")
    return v


def raw_dir_for(args: argparse.Namespace) -> Path:
    return Path(args.raw_dir) if args.raw_dir else DEFAULT_RAW_ROOT / args.la


def cmd_validate(args: argparse.Namespace) -> int:
    from reporting.problems import count_text
    from reporting.validation import has_errors, validate_year

    problems = validate_year(raw_dir_for(args), args.la, args.year)
    for p in problems:
        print(p)
    # records flagged, as the report's data-quality section counts them (a rule's lines beyond the
    # first 50 are one "N more value(s)" line, counted as N): "0 error(s), 230 warning(s) (50 shown)"
    print(f"{args.la} {args.year}: {count_text(problems)}", file=sys.stderr)
    return 1 if has_errors(problems) else 0


def _load(args: argparse.Namespace):
    """Read the dataset for ``--la``/``--year``; read errors stop the command with their messages."""
    from reporting.readers import load_dataset

    ds = load_dataset(raw_dir_for(args), args.la, args.year)
    if ds.year not in ds.years:
        raise InputError([_problem(str(raw_dir_for(args) / ds.year.label), "year folder not found")])
    errors = [p for p in ds.problems if p.severity == "error"]
    if errors:
        raise InputError(errors + [_problem("", "inputs unusable; run `reporting validate` for the full list")])
    return ds


def _problem(file: str, rule: str):
    from reporting.problems import Problem

    return Problem(file, rule=rule)


def default_indicators_path(la: str, year: ReportingYear) -> Path:
    return DEFAULT_PROCESSED_ROOT / la / year.label / "indicators.csv"


def cmd_indicators(args: argparse.Namespace) -> int:
    from reporting.indicators.engine import compute, to_csv_text, to_frame, write_atomic

    ds = _load(args)
    text = to_csv_text(to_frame(compute(ds)))
    if args.out == "-" or (args.out is None and args.raw_dir):
        sys.stdout.write(text)
        return 0
    out = Path(args.out) if args.out else default_indicators_path(args.la, args.year)
    write_atomic(out, text)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from reporting.explain import UnknownIndicator, explain

    ds = _load(args)
    try:
        text = explain(ds, args.indicator, args.period)
    except UnknownIndicator as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.out:
        from reporting.indicators.engine import write_atomic

        write_atomic(Path(args.out), text)
        print(f"wrote {args.out} (personal data: keep it secure, do not share or commit it)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The report: the same as ``reporting build`` (validate, indicators, notebooks, outputs)."""
    return cmd_build(args)


def default_report_dir(la: str, year: ReportingYear | str) -> Path:
    """``reports/<la>/<year>/``, where ``build`` writes unless ``--out-dir`` says otherwise."""
    return DEFAULT_REPORTS_ROOT / la / str(year)


def cmd_build(args: argparse.Namespace) -> int:
    """Validate, compute the indicators (cached), run the report notebooks and write the outputs."""
    from reporting.report.build import BuildError, BuildOptions, build_many
    from reporting.report.params import ParameterError

    years = args.year if isinstance(args.year, list) else [args.year]
    if args.raw_dir and not args.out_dir:
        print("error: with --raw-dir give --out-dir too (nothing is written inside the repository "
              "unless an output option points there)", file=sys.stderr)
        return 2
    raw = raw_dir_for(args)
    many = []
    for y in dict.fromkeys(years):
        if args.out_dir:
            out = Path(args.out_dir) / y.label if len(years) > 1 else Path(args.out_dir)
        else:
            out = default_report_dir(args.la, y.label)
        if args.cache_dir:
            cache = Path(args.cache_dir)
        elif args.raw_dir:
            cache = Path(args.out_dir) / ".cache" / args.la if len(years) > 1 else out.parent / ".cache" / args.la
        else:
            cache = DEFAULT_PROCESSED_ROOT / args.la
        many.append(BuildOptions(args.la, y, raw, out, cache, jobs=args.jobs or 0,
                                 suppress_small=args.suppress_small, force=args.force, progress=not args.quiet))
    try:
        results = build_many(many)
    except (BuildError, ParameterError) as exc:
        for line in getattr(exc, "messages", [str(exc)]):
            print(line, file=sys.stderr)
        return 1
    for r in results:
        t = r.timings.get("total", 0.0)
        state = "up to date" if r.reused else f"built in {t:.1f} s"
        print(f"{r.out_dir.name}: {state}", file=sys.stderr)
    for r in results:
        print(r.report)
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    """Published figures of the year beside their recomputation (reconciliation table)."""
    from reporting.indicators.engine import compute, to_csv_text, to_frame, write_atomic
    from reporting.published.reconcile import published_for, reconcile, summary

    ds = _load(args)
    la = ds.council.la
    # the transcribed documents are Hampshire's; DfE's rows come from DfE's files for the council's code
    figures, notes = published_for(args.la, la.la_code if la is not None else None, args.year)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not len(figures):
        print("error: no published figures to reconcile with", file=sys.stderr)
        return 1
    table = reconcile(to_frame(compute(ds)), figures)
    counts = summary(table)
    print(", ".join(f"{n} {s}" for s, n in counts.items()), file=sys.stderr)
    text = to_csv_text(table)
    if args.out_dir:
        out = Path(args.out_dir) / "reconciliation.csv"
    elif args.raw_dir:
        sys.stdout.write(text)
        return 0
    else:
        out = DEFAULT_PROCESSED_ROOT / args.la / args.year.label / "reconciliation.csv"
    write_atomic(out, text)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_golden(args: argparse.Namespace) -> int:
    """Regenerate the golden notebooks (tests/golden/) and print what changed, table cell by cell."""
    from reporting.report.build import BuildError
    from reporting.report.golden import regenerate

    years = [y.label for y in args.year] if args.year else None
    try:
        lines, changed = regenerate(la=args.la, years=years, jobs=args.jobs or 0, progress=not args.quiet,
                                    write=not args.check)
    except BuildError as exc:
        for line in exc.messages:
            print(line, file=sys.stderr)
        return 1
    print("\n".join(lines))
    if args.check:
        return 1 if changed else 0
    print("references updated: review the changes above before committing tests/golden/" if changed
          else "references unchanged")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from reporting.indicator_reference import render
    from reporting.indicators.engine import write_atomic

    write_atomic(Path(args.out), render())
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from reporting.generate.synthetic import generate_council

    years = [y.label for y in args.years] if args.years else None
    kwargs = {"years": years} if years else {}
    files = generate_council(Path(args.out_dir), name=args.name, scale=args.scale, seed=args.seed, **kwargs)
    print(f"wrote {len(files)} files to {args.out_dir}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from reporting.generate.demo import write_demo

    out = Path(args.out_dir) if args.out_dir else DEFAULT_RAW_ROOT / args.la
    if args.if_absent and out.is_dir() and any(out.iterdir()):
        print(f"demo data already present in {out}; left as it is")
        return 0
    files = write_demo(args.la, out)
    print(f"wrote {len(files)} files to {out}")
    return 0


def cmd_benchmark(args: argparse.Namespace) -> int:
    """Published-only benchmarking: DfE's figures for the council against England, its region and comparators."""
    from reporting.published.benchmark import (
        YearNotPublished,
        configured_comparators,
        write_benchmark,
    )
    from reporting.published.councils import CouncilNotInYear, UnknownCouncil

    try:
        if args.comparators is not None:
            comparators = [c.strip() for c in args.comparators.split(",") if c.strip()] or None
        else:
            comparators, where = configured_comparators(args.la, args.year, la_toml=args.la_toml,
                                                        raw_root=DEFAULT_RAW_ROOT)
            if where:
                print(f"comparators from {where}" if comparators else f"no comparators in {where}; "
                      "using the region's councils", file=sys.stderr)
        out = write_benchmark(args.la, args.year, args.out_dir, comparators=comparators)
    except (UnknownCouncil, CouncilNotInYear, YearNotPublished) as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    print(f"wrote {out}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reporting", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def la_year(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--la", required=True, type=_slug, help="council slug, e.g. hampshire")
        sp.add_argument("--year", required=True, type=_year, help="financial year, e.g. 2016-17")
        sp.add_argument("--raw-dir", help="folder laid out like data/raw/<la>/ (default data/raw/<la>)")

    sp = sub.add_parser("validate", help="check a year's raw returns; exit 1 if they are unusable")
    la_year(sp)
    sp.set_defaults(func=cmd_validate)

    sp = sub.add_parser("indicators", help="compute every indicator for the year into the tidy indicators.csv")
    la_year(sp)
    sp.add_argument("--out", help="output file, or - for standard output (default "
                    "data/processed/<la>/<year>/indicators.csv; standard output with --raw-dir)")
    sp.set_defaults(func=cmd_indicators)

    sp = sub.add_parser("explain", help="list the records behind an indicator (personal data: terminal only)")
    sp.add_argument("indicator", help="indicator id, e.g. referrals")
    la_year(sp)
    sp.add_argument("--period", help="period label, e.g. 'Jul-Sep 2016' (default: every period of the year)")
    sp.add_argument("--out", help="write to this file instead of the terminal")
    sp.set_defaults(func=cmd_explain)

    def build_options(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--la", required=True, type=_slug, help="council slug, e.g. hampshire")
        sp.add_argument("--year", required=True, type=_year, nargs="+",
                        help="financial year, e.g. 2016-17 (several: one report each, sharing the work)")
        sp.add_argument("--raw-dir", help="folder laid out like data/raw/<la>/ (default data/raw/<la>)")
        sp.add_argument("--out-dir", help="output folder (default reports/<la>/<year>/; with several years, "
                        "one subfolder per year)")
        sp.add_argument("--cache-dir", help="where the indicators and executed notebooks are cached (default "
                        "data/processed/<la>/; with --raw-dir, .cache/<la>/ beside the output)")
        sp.add_argument("--jobs", type=int, default=0, help="processes and notebooks at once (default: cores)")
        sp.add_argument("--suppress-small", action="store_true", help='show counts of 1 to 5 as "c"')
        sp.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
        sp.add_argument("--quiet", action="store_true", help="no progress messages")

    sp = sub.add_parser("report", help="build the report (the same as build)")
    build_options(sp)
    sp.set_defaults(func=cmd_report)

    sp = sub.add_parser("build", help="validate, compute the indicators, run the report notebooks and write "
                        "report.html, report.docx, tables.xlsx, charts and manifest.json")
    build_options(sp)
    sp.set_defaults(func=cmd_build)

    sp = sub.add_parser("reconcile", help="compare every published figure of the year with its recomputation")
    la_year(sp)
    sp.add_argument("--out-dir", help="folder for reconciliation.csv (default data/processed/<la>/<year>/; "
                    "standard output with --raw-dir)")
    sp.set_defaults(func=cmd_reconcile)

    sp = sub.add_parser("golden", help="regenerate the golden notebooks nbval checks (tests/golden/) from the demo "
                        "and print what changed, table cell by cell")
    sp.add_argument("--la", default="hampshire", choices=["hampshire"], help="demo council")
    sp.add_argument("--year", type=_year, nargs="*", help="only these years (default every demo year)")
    sp.add_argument("--check", action="store_true", help="only compare: leave the references alone, exit 1 "
                    "when they differ")
    sp.add_argument("--jobs", type=int, default=0, help="processes and notebooks at once (default: cores)")
    sp.add_argument("--quiet", action="store_true", help="no progress messages")
    sp.set_defaults(func=cmd_golden)

    sp = sub.add_parser("docs", help="write the indicator reference (docs/indicators.md) from the registry")
    sp.add_argument("--out", default="docs/indicators.md")
    sp.set_defaults(func=cmd_docs)

    sp = sub.add_parser("generate", help="write an uncalibrated synthetic council of any size (tests, benchmarks)")
    sp.add_argument("--out-dir", required=True, help="absent or empty folder to write")
    sp.add_argument("--name", default="Synthetic Shire")
    sp.add_argument("--scale", type=float, default=1.0, help="1 = a large shire county; 30 = about England")
    sp.add_argument("--seed", type=int, default=20170331)
    sp.add_argument("--years", type=_year, nargs="*", help="reporting years (default 2012-13 to 2017-18)")
    sp.set_defaults(func=cmd_generate)

    sp = sub.add_parser("demo", help="write the demo council's raw data (only into an absent or empty folder)")
    sp.add_argument("--la", required=True, type=_slug, choices=["hampshire"])
    sp.add_argument("--out-dir", help="default data/raw/<la>")
    sp.add_argument("--if-absent", action="store_true", help="do nothing when the folder already holds data")
    sp.set_defaults(func=cmd_demo)

    sp = sub.add_parser("benchmark", help="benchmark a council against England, its region and comparators "
                        "from DfE's published statistics alone (HTML and CSV)")
    sp.add_argument("--la", required=True, help="council: slug (north-yorkshire), DfE code (850) or "
                    "9-character code (E10000014)")
    sp.add_argument("--year", required=True, type=_year, help="financial year, e.g. 2016-17")
    sp.add_argument("--out-dir", help="output folder (default reports/<la>/<year>/benchmark/)")
    sp.add_argument("--comparators", help="comma-separated comparator councils (codes or slugs); default "
                    "la.toml's comparators, else the other councils of the region")
    sp.add_argument("--la-toml", help="la.toml to take comparators from (default data/raw/<la>/la.toml if present)")
    sp.set_defaults(func=cmd_benchmark)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    except (FileExistsError, FileNotFoundError, NotADirectoryError, PermissionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
