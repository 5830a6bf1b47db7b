"""Build tiny typed datasets by hand for indicator unit tests.

Each table is given as a list of dicts with only the columns that matter; the rest are
filled with blanks of the right type. Dates are ISO strings.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reporting.periods import ReportingYear
from reporting.readers import CouncilInputs, Dataset, YearData
from reporting.schema import cin as CIN
from reporting.schema import ssda903 as S903
from reporting.schema.annex_a import CONTACTS_COLUMNS
from reporting.schema.local import LOCAL_EXTRACTS

ID_COLS = {"episode_id", "assessment_id", "plan_id", "line"}


def _frame(rows: list[dict] | None, columns: list[str], dates, bools=(), ints=()) -> pd.DataFrame:
    rows = rows or []
    df = pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    for col in columns:
        if col in dates:
            df[col] = pd.to_datetime(df[col].where(df[col].notna() & (df[col] != "")), format="%Y-%m-%d")
        elif col in bools:
            df[col] = df[col].astype("boolean")
        elif col in ints:
            df[col] = pd.array(df[col], dtype="Int64")
        elif col in ID_COLS:
            df[col] = df[col].fillna(pd.Series(range(1, len(df) + 1), index=df.index)).astype("int64") \
                if len(df) else df[col].astype("int64")
        else:
            df[col] = df[col].fillna("").astype(object)
    return df


def cin_tables(**tables: list[dict]) -> dict[str, pd.DataFrame]:
    """CIN census tables (names as :data:`reporting.schema.cin.TABLES`)."""
    out = {}
    for name, cols in CIN.TABLES.items():
        dates = {c for c in cols if c.endswith("_date")}
        out[name] = _frame(tables.get(name), cols, dates, bools=CIN.BOOLEAN_COLUMNS, ints={"previous_plans"})
    return out


def ssda903_tables(**tables: list[dict]) -> dict[str, pd.DataFrame]:
    """SSDA903 tables (DfE column names); only tables given (plus header, episodes) are present."""
    out = {}
    for name, cols in S903.COLUMNS.items():
        if name not in tables and name not in ("header", "episodes"):
            continue
        cols = cols + S903.EXTRA_COLUMNS.get(name, []) + ["line"]
        rows = [{k: (pd.Timestamp(v).strftime("%Y-%m-%d") if k in S903.DATE_COLUMNS and v else v)
                 for k, v in r.items()} for r in tables.get(name, [])]
        out[name] = _frame(rows, cols, S903.DATE_COLUMNS)
    return out


def contacts_table(rows: list[dict]) -> pd.DataFrame:
    cols = list(CONTACTS_COLUMNS.values()) + ["line"]
    return _frame(rows, cols, {"birth_date", "contact_date"})


def extract_table(name: str, rows: list[dict]) -> pd.DataFrame:
    spec = LOCAL_EXTRACTS[name]
    cols = list(spec.columns.values()) + ["line"]
    dates = {spec.columns[c] for c in spec.dates}
    bools = {spec.columns[c] for c in spec.booleans}
    return _frame(rows, cols, dates, bools=bools)


def year_data(year: str, cin: dict | None = None, ssda903: dict | None = None, contacts=None,
              extracts: dict | None = None) -> YearData:
    ex = {k: None for k in LOCAL_EXTRACTS}
    ex.update(extracts or {})
    return YearData(ReportingYear.parse(year), cin, ssda903, contacts, ex)


def dataset(year: str, years: list[YearData], population: dict[int, int] | None = None) -> Dataset:
    pop = None
    if population:
        pop = pd.DataFrame({"mid_year": list(population), "population_0_17": list(population.values()),
                            "source": "test"})
    council = CouncilInputs(Path("."), None, pop, None)
    return Dataset(council, ReportingYear.parse(year), {y.year: y for y in years})


def evaluate(ds: Dataset, indicator_id: str):
    """Evaluate one indicator for every period of the dataset's year: list of Evaluated."""
    from reporting.indicators.context import Context
    from reporting.indicators.engine import evaluate as ev
    from reporting.indicators.engine import periods_for
    from reporting.indicators.registry import registry

    ind = registry()[indicator_id]
    ctx = Context(ds)
    out = []
    for p in periods_for(ind.period, ds.year):
        out.extend(ev(ctx, ind, p))
    return out


def one(ds: Dataset, indicator_id: str, breakdown: str = "", period_label: str | None = None):
    """The single evaluated row of an indicator (for a breakdown / period label)."""
    rows = [r for r in evaluate(ds, indicator_id)
            if r.measure.breakdown == breakdown and (period_label is None or r.period.label == period_label)]
    assert len(rows) == 1, f"{indicator_id}: expected one row, got {len(rows)}"
    return rows[0]
