"""Read a year's SSDA903 tables (CSV, DfE column names, dates ``dd/mm/yyyy``).

``Header.csv`` and ``Episodes.csv`` are required; the others are read when present.
Raw tables keep every value as a string (blank = ``""``) plus the file ``line``; the
typed tables parse the date columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reporting.periods import LAST_YEAR as LAST
from reporting.periods import ReportingYear
from reporting.problems import InputError, Problem
from reporting.readers._files import check_columns, fail, parse_dates, read_text_csv
from reporting.schema import ssda903 as S


@dataclass
class Ssda903:
    """A year's SSDA903 return: raw string tables, the file each came from, and notes."""

    raw: dict[str, pd.DataFrame]
    files: dict[str, str]
    notes: list[Problem] = field(default_factory=list)
    _typed: dict[str, pd.DataFrame] | None = None

    def typed(self) -> dict[str, pd.DataFrame]:
        if self._typed is None:
            out = {}
            for name, df in self.raw.items():
                t = df.copy()
                for col in t.columns:
                    if col in S.DATE_COLUMNS:
                        t[col] = parse_dates(t[col], S.DATE_FORMAT)
                out[name] = t
            self._typed = out
        return self._typed


def read_ssda903(folder: Path | str, shown: str | None = None, year: ReportingYear | str | None = None
                 ) -> Ssda903:
    """Read ``<year>/ssda903/`` (columns as that collection year specifies; the latest year's if None).

    Raises
    ------
    InputError
        When the folder or a required file is missing, or any file present cannot be read
        or lacks a required column. All such problems are collected before raising.
    """
    folder = Path(folder)
    shown = shown or str(folder)
    if not folder.is_dir():
        raise fail(shown, "SSDA903 folder not found" if not folder.exists() else "is not a folder")
    spec = S.ssda903_spec(year if year is not None else ReportingYear(LAST))
    problems: list[Problem] = []
    notes: list[Problem] = []
    raw: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for fname, (table, required) in S.FILES.items():
        path = folder / fname
        fshown = f"{shown}/{fname}"
        if not path.exists() and not required:
            continue
        try:
            df = read_text_csv(path, fshown)
            notes.extend(check_columns(df, spec.columns(table), fshown, spec.optional_columns(table)))
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        keep = [c for c in S.COLUMNS[table] + S.EXTRA_COLUMNS.get(table, []) if c in df.columns]
        raw[table] = df[keep + ["line"]].copy()
        for col in S.COLUMNS[table]:  # a column not collected that year reads as blank
            if col not in raw[table].columns:
                raw[table][col] = ""
        files[table] = fshown
    if problems:
        raise InputError(problems)
    return Ssda903(raw, files, notes)
