"""Read Annex A List 1 (contacts) from a CSV file or from the List 1 sheet of an Annex A workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reporting.problems import Problem
from reporting.readers._files import check_columns, check_readable, fail, parse_dates, read_text_csv
from reporting.schema import annex_a as S


@dataclass
class Contacts:
    raw: pd.DataFrame  # Annex A column names, strings, plus ``line``
    file: str
    notes: list[Problem] = field(default_factory=list)

    def typed(self) -> pd.DataFrame:
        """Tidy columns (``child_id``, ``contact_date``, ...) with dates parsed."""
        df = self.raw.rename(columns=S.CONTACTS_COLUMNS)
        for annex_col in S.DATE_COLUMNS:
            col = S.CONTACTS_COLUMNS[annex_col]
            df[col] = parse_dates(df[col], S.DATE_FORMAT)
        return df


def _read_workbook(path: Path, shown: str) -> pd.DataFrame:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_readable(path, shown)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, BadZipFile) as exc:
        raise fail(shown, f"not a readable Excel workbook ({type(exc).__name__})") from None
    try:
        sheets = [s for s in wb.sheetnames if s.strip().lower().startswith(S.CONTACTS_SHEET_PREFIX.lower())]
        if not sheets:
            raise fail(shown, f"no sheet named like {S.CONTACTS_SHEET!r} (found: {', '.join(wb.sheetnames)})")
        ws = wb[sheets[0]]
        rows = ws.iter_rows(values_only=True)
        header = None
        header_line = 0
        for i, row in enumerate(rows, start=1):
            cells = [str(c).strip() if c is not None else "" for c in row]
            if "Child Unique ID" in cells:
                header, header_line = cells, i
                break
        if header is None:
            raise fail(f"{shown} [{sheets[0]}]", "header row with 'Child Unique ID' not found")
        records = []
        for row in rows:
            vals = []
            for c in row[: len(header)]:
                if c is None:
                    vals.append("")
                elif hasattr(c, "strftime"):
                    vals.append(c.strftime(S.DATE_FORMAT))
                elif isinstance(c, float) and c.is_integer():
                    vals.append(str(int(c)))
                else:
                    vals.append(str(c).strip())
            if any(vals):
                records.append(vals + [""] * (len(header) - len(vals)))
    finally:
        wb.close()
    df = pd.DataFrame.from_records(records, columns=header) if records else pd.DataFrame(columns=header)
    df = df.loc[:, [c for c in df.columns if c]]
    df["line"] = range(header_line + 1, header_line + 1 + len(df))
    return df


def read_contacts(path: Path | str, shown: str | None = None) -> Contacts:
    """Read contacts from ``contacts.csv`` or an ``.xlsx`` Annex A workbook."""
    path = Path(path)
    shown = shown or str(path)
    df = _read_workbook(path, shown) if path.suffix.lower() in (".xlsx", ".xlsm") else read_text_csv(path, shown)
    notes = check_columns(df, list(S.CONTACTS_COLUMNS), shown)
    return Contacts(df[[*S.CONTACTS_COLUMNS, "line"]], shown, notes)
