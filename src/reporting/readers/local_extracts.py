"""Read the local extracts (CP visits, missing from home, complaints): ISO dates, ``true``/``false``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reporting.problems import Problem
from reporting.readers._files import check_columns, parse_dates, read_text_csv
from reporting.schema.local import LocalExtract

ISO = "%Y-%m-%d"


@dataclass
class Extract:
    spec: LocalExtract
    raw: pd.DataFrame
    file: str
    notes: list[Problem] = field(default_factory=list)

    def typed(self) -> pd.DataFrame:
        df = self.raw.rename(columns=self.spec.columns)
        for col in self.spec.dates:
            tidy = self.spec.columns[col]
            df[tidy] = parse_dates(df[tidy], ISO)
        for col in self.spec.booleans:
            tidy = self.spec.columns[col]
            low = df[tidy].str.lower()
            df[tidy] = low.map({"true": True, "false": False}).astype("boolean")
        return df


def read_extract(spec: LocalExtract, path: Path | str, shown: str | None = None) -> Extract:
    path = Path(path)
    shown = shown or str(path)
    df = read_text_csv(path, shown)
    notes = check_columns(df, list(spec.columns), shown)
    return Extract(spec, df[[*spec.columns, "line"]], shown, notes)
