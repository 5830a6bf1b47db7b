"""Checks shared by every reader: the path is a readable, non-empty file in a usable encoding."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd

from reporting.problems import ERROR, InputError, Problem

_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def fail(file: str, rule: str, location: str = "", field: str = "", value: str = "") -> InputError:
    return InputError([Problem(file, location, field, value, rule, ERROR)])


def check_readable(path: Path, shown: str) -> None:
    """Raise :class:`InputError` unless ``path`` is a readable, non-empty regular file."""
    if not path.exists():
        raise fail(shown, "file not found")
    if path.is_dir():
        raise fail(shown, "is a directory, expected a file")
    if not path.is_file():
        raise fail(shown, "is not a regular file")
    if not os.access(path, os.R_OK):
        raise fail(shown, "cannot be read (permission denied)")
    if path.stat().st_size == 0:
        raise fail(shown, "file is empty")


def read_text_csv(path: Path, shown: str) -> pd.DataFrame:
    """Read a CSV as strings (blanks as ``""``), refusing anything but UTF-8 (a UTF-8 BOM is fine).

    The returned frame has a ``line`` column: the line number in the file (header = 1).
    """
    check_readable(path, shown)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(shown, f"cannot be read ({exc.strerror})") from None
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            raise fail(shown, f"file is {name} encoded; save it as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(shown, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                   location=f"line {line}") from None
    if "\x00" in text:
        raise fail(shown, "contains NUL bytes: not a text CSV file")
    if not text.strip():
        raise fail(shown, "file is empty")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                         skipinitialspace=False)
    except pd.errors.ParserError as exc:
        raise fail(shown, f"not a readable CSV file ({str(exc).strip()})") from None
    except pd.errors.EmptyDataError:
        raise fail(shown, "file is empty") from None
    df.columns = [str(c).strip() for c in df.columns]
    for col in df.columns:
        df[col] = df[col].str.strip()
    df["line"] = _record_lines(text, len(df))
    return df


def _record_lines(text: str, n_records: int) -> list[int] | range:
    """The file line of each record: pandas skips blank lines, so count only the non-blank ones.

    Falls back to "header + row number" when the counts disagree (a quoted value spanning
    several lines).
    """
    lines = text.split("\n")
    if all(ln.strip(" \t\r") for ln in lines[:-1]):
        return range(2, n_records + 2)
    filled = [i for i, ln in enumerate(lines, start=1) if ln.strip(" \t\r")]
    if len(filled) == n_records + 1:
        return filled[1:]
    return range(2, n_records + 2)


def check_columns(df: pd.DataFrame, required: list[str], shown: str, optional: list[str] | None = None
                  ) -> list[Problem]:
    """Missing required columns raise; unexpected extra columns are returned as warnings."""
    present = [c for c in df.columns if c != "line"]
    missing = [c for c in required if c not in present]
    if missing:
        raise InputError([
            Problem(shown, "line 1", c, "", "required column missing", ERROR) for c in missing
        ])
    known = set(required) | set(optional or [])
    return [
        Problem(shown, "line 1", c, "", "unexpected column (ignored)", "warning")
        for c in present if c not in known
    ]


def parse_dates(values: pd.Series, fmt: str) -> pd.Series:
    """Parse strings in one exact format; blanks and bad values become NaT (validation reports them)."""
    return pd.to_datetime(values.where(values != ""), format=fmt, errors="coerce")


def bad_dates(raw: pd.Series, parsed: pd.Series) -> pd.Series:
    """Mask of values that are present but did not parse."""
    return (raw != "") & raw.notna() & parsed.isna()
