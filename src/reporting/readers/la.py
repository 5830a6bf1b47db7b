"""Council-level files at the top of ``data/raw/<la>/``: ``la.toml``, ``population.csv``, ``inspections.csv``."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reporting.problems import ERROR, InputError, Problem
from reporting.readers._files import check_columns, check_readable, fail, read_text_csv
from reporting.schema.local import (
    INSPECTION_COLUMNS,
    LA_TOML_KEYS,
    LA_TOML_OPTIONAL,
    LA_TOML_TABLES,
    POPULATION_COLUMNS,
)


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
    """``la.toml`` as a :class:`LaConfig`.

    Besides the required keys (:data:`~reporting.schema.local.LA_TOML_KEYS`) the file may hold
    ``comparators`` (a list of codes or slugs) and the tables of
    :data:`~reporting.schema.local.LA_TOML_TABLES` (``[demo]``, ``[generator]``). Any other key,
    top-level or in one of those tables, is an error naming the closest known key: a misspelt
    ``comparitors`` would otherwise be ignored and the configured comparators silently lost.
    Whether the comparators are councils in DfE's files is checked by ``reporting validate``
    (:mod:`reporting.validation.council_checks`), which needs DfE's files.

    Raises
    ------
    InputError
        With one problem per thing wrong (file, line, key, value, rule).
    """
    path = Path(path)
    shown = shown or str(path)
    check_readable(path, shown)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise fail(shown, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise fail(shown, f"not valid TOML ({exc})") from None
    lines = key_lines(text)
    problems = []
    for key, typ in LA_TOML_KEYS.items():
        if key not in data:
            problems.append(Problem(shown, "", key, "", "required key missing", ERROR))
        elif not isinstance(data[key], typ) or not str(data[key]).strip():
            problems.append(Problem(shown, lines.get(("", key), ""), key, str(data[key]),
                                    "must be a non-empty string", ERROR))
    if "la_code" in data and not str(data["la_code"]).isdigit():
        problems.append(Problem(shown, lines.get(("", "la_code"), ""), "la_code", str(data["la_code"]),
                                "must be the 3-digit DfE LA code", ERROR))
    problems += unknown_keys(data, lines, shown)
    comps = data.get("comparators", [])
    if not isinstance(comps, list):
        problems.append(Problem(shown, lines.get(("", "comparators"), ""), "comparators", str(comps),
                                "must be a list of LA codes", ERROR))
        comps = []
    for c in comps:
        if isinstance(c, bool) or not isinstance(c, str | int) or not str(c).strip():
            problems.append(Problem(shown, lines.get(("", "comparators"), ""), "comparators", str(c),
                                    "each comparator must be a DfE LA code (\"886\"), a council slug (\"kent\") "
                                    "or an ONS code (\"E10000016\")", ERROR))
    if problems:
        raise InputError(problems)
    extra = {k: v for k, v in data.items() if k not in LA_TOML_KEYS and k != "comparators"}
    return LaConfig(slug, data["name"], str(data["la_code"]), data["la_code_9"], data["region"],
                    tuple(str(c).strip() for c in comps), extra)


_HEADER = re.compile(r"^\s*\[\s*([^\]\s]+)\s*\]")
_KEY = re.compile(r"^\s*(?:\"([^\"]+)\"|'([^']+)'|([A-Za-z0-9_-]+))\s*=")


def key_lines(text: str) -> dict[tuple[str, str], str]:
    """``(table, key)`` -> ``"line N"`` of each key of a TOML text (``table`` is "" at the top
    level; a table header is recorded as ``("", name)``). For messages only: a key this simple
    scan does not find gets no line."""
    out: dict[tuple[str, str], str] = {}
    table = ""
    for n, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if m:
            table = m.group(1).strip("\"'")
            out.setdefault(("", table), f"line {n}")
            continue
        m = _KEY.match(line)
        if m:
            out.setdefault((table, next(g for g in m.groups() if g)), f"line {n}")
    return out


def _closest(key: str, known: list[str]) -> str:
    hits = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    listed = ", ".join(known)
    return f"did you mean {hits[0]!r}? (known: {listed})" if hits else f"known: {listed}"


def _shown_value(v) -> str:
    return "(a table)" if isinstance(v, dict) else str(v)


def unknown_keys(data: dict, lines: dict[tuple[str, str], str], shown: str) -> list[Problem]:
    """An error for each key of ``la.toml`` that the toolkit does not know, with the closest known key."""
    top = [*LA_TOML_KEYS, *LA_TOML_OPTIONAL, *LA_TOML_TABLES]
    out = []
    for key, value in data.items():
        if key not in top:
            out.append(Problem(shown, lines.get(("", key), ""), key, _shown_value(value),
                               f"unknown key in la.toml (the toolkit would ignore it): {_closest(key, top)}", ERROR))
        elif key in LA_TOML_TABLES:
            if not isinstance(value, dict):
                out.append(Problem(shown, lines.get(("", key), ""), key, str(value),
                                   f"must be a table ([{key}])", ERROR))
                continue
            known = list(LA_TOML_TABLES[key])
            for sub, v in value.items():
                if sub not in known:
                    out.append(Problem(shown, lines.get((key, sub), ""), f"{key}.{sub}", _shown_value(v),
                                       f"unknown key in la.toml's [{key}] table (the toolkit would ignore it): "
                                       f"{_closest(sub, known)}", ERROR))
    return out


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
