"""Council-level files at the top of ``data/raw/<la>/``: ``la.toml``, ``population.csv``, ``inspections.csv``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reporting.problems import ERROR, InputError, Problem
from reporting.readers._files import check_columns, check_readable, fail, read_text_csv
from reporting.schema.local import INSPECTION_COLUMNS, LA_TOML_KEYS, POPULATION_COLUMNS


@dataclass(frozen=True)
class LaConfig:
    """A council's identity and comparators, from ``la.toml``."""

    slug: str
    name: str
    la_code: str
    la_code_9: str
    region: str
    comparators: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)


def read_la_toml(path: Path | str, slug: str, shown: str | None = None) -> LaConfig:
    path = Path(path)
    shown = shown or str(path)
    check_readable(path, shown)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise fail(shown, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise fail(shown, f"not valid TOML ({exc})") from None
    problems = []
    for key, typ in LA_TOML_KEYS.items():
        if key not in data:
            problems.append(Problem(shown, "", key, "", "required key missing", ERROR))
        elif not isinstance(data[key], typ) or not str(data[key]).strip():
            problems.append(Problem(shown, "", key, str(data[key]), "must be a non-empty string", ERROR))
    if "la_code" in data and not str(data["la_code"]).isdigit():
        problems.append(Problem(shown, "", "la_code", str(data["la_code"]), "must be the 3-digit DfE LA code", ERROR))
    comps = data.get("comparators", [])
    if not isinstance(comps, list):
        problems.append(Problem(shown, "", "comparators", str(comps), "must be a list of LA codes", ERROR))
        comps = []
    if problems:
        raise InputError(problems)
    extra = {k: v for k, v in data.items() if k not in LA_TOML_KEYS and k != "comparators"}
    return LaConfig(slug, data["name"], str(data["la_code"]), data["la_code_9"], data["region"],
                    tuple(str(c) for c in comps), extra)


def read_population(path: Path | str, shown: str | None = None) -> pd.DataFrame:
    """``mid_year`` (int) -> ``population_0_17`` (int), with ``source``."""
    path = Path(path)
    shown = shown or str(path)
    df = read_text_csv(path, shown)
    check_columns(df, POPULATION_COLUMNS, shown)
    problems = []
    for col in ("mid_year", "population_0_17"):
        bad = ~df[col].str.fullmatch(r"\d+")
        problems += [Problem(shown, f"line {r.line}", col, getattr(r, col), "must be a whole number", ERROR)
                     for r in df[bad].itertuples()]
    dup = df["mid_year"].duplicated(keep=False) & df["mid_year"].ne("")
    problems += [Problem(shown, f"line {r.line}", "mid_year", r.mid_year, "duplicate mid-year", ERROR)
                 for r in df[dup].itertuples()]
    if problems:
        raise InputError(problems)
    return df.assign(mid_year=df["mid_year"].astype(int), population_0_17=df["population_0_17"].astype(int))


def read_inspections(path: Path | str, shown: str | None = None) -> pd.DataFrame:
    path = Path(path)
    shown = shown or str(path)
    df = read_text_csv(path, shown)
    check_columns(df, INSPECTION_COLUMNS, shown)
    dates = pd.to_datetime(df["inspection_date"], format="%Y-%m-%d", errors="coerce")
    bad = dates.isna()
    if bad.any():
        raise InputError([Problem(shown, f"line {r.line}", "inspection_date", r.inspection_date,
                                  "must be an ISO date (YYYY-MM-DD)", ERROR) for r in df[bad].itertuples()])
    return df.assign(inspection_date=dates)
