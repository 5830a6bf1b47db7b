"""Reader for DfE's published statistics files in their standard (EES) layout.

DfE publishes its local authority, regional and national figures as CSV files with
geography columns first (``time_period``, ``time_identifier``, ``geographic_level``,
``country_code``, ``country_name``, ``region_code``, ``region_name``, ``old_la_code``,
``new_la_code``, ``la_name``), then *filter* columns (text categories such as
``population_type``) and *measure* columns (numbers, or a symbol where there is no
number). :func:`read_dfe_csv` turns any such file into one tidy long table:

=================  ===========================================================
column             meaning
=================  ===========================================================
time_period        int; for reporting years the calendar year in which the year
                   ends (2017 = 2016-17); a six-digit period such as ``201617``
                   becomes its ending year (2017); other four-digit periods are
                   kept as published (the population file's mid-year)
time_identifier    as published (``Reporting year``)
geographic_level   as published (``National``, ``Regional``, ``Local authority``)
country_code       as published
region_code        as published (London boroughs: ``E13000001``/``E13000002``)
region_name        as published
old_la_code        3-digit DfE code ("" above local authority level)
new_la_code        9-character ONS code ("" above local authority level)
la_name            as published
<filters>          each filter column of the file, as published
measure            the measure column's name
value              float; NaN where the file has a symbol or a blank
status             "" where ``value`` is a published number, otherwise the symbol
                   as published (``c``, ``x``, ``z``, ...) or ``blank``
=================  ===========================================================

Symbols are never read as zero: :data:`SYMBOLS` lists the ones DfE uses; any other
text in a measure column is treated the same way (not available, text kept in
``status``). Numbers with thousands separators (``1,234``) are read as numbers. Files
may start with a UTF-8 byte-order mark and may order their columns differently;
geography column names are matched case-insensitively.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

#: Geography and time columns of DfE's standard layout, in DfE's order.
GEOGRAPHY_COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name",
                     "region_code", "region_name", "old_la_code", "new_la_code", "la_name")
#: Identifying columns of the tidy output (``country_name`` is dropped: it is always England here).
ID_COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code", "region_code",
              "region_name", "old_la_code", "new_la_code", "la_name")
REQUIRED_COLUMNS = ("time_period", "geographic_level")
VALUE_COLUMNS = ("measure", "value", "status")

#: Symbols DfE (and the GSS guidance it follows) put in place of a number. All are read as
#: not available; the meaning is for documentation and display.
SYMBOLS: dict[str, str] = {
    "c": "confidential: suppressed to protect individuals",
    "x": "not available (not collected, or not provided by the council)",
    "z": "not applicable",
    "u": "low reliability",
    "k": "a small figure withheld (rounds to zero); not zero",
    "low": "rounds to zero but is not zero",
    "~": "rounds to zero but is not zero (older tables)",
    ":": "not available (older tables)",
    "..": "not available (older tables)",
    "blank": "empty cell",
}
#: Share of a column's non-blank cells that must be numbers or symbols for it to be a measure.
MEASURE_SHARE = 0.9
#: Status of a cell with a published number.
PUBLISHED = ""

GEOGRAPHIC_LEVEL_ORDER = {"National": 0, "Regional": 1, "Local authority": 2}

# A number as DfE writes it: optional sign, digits with or without thousands separators,
# optional decimals and exponent.
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

#: The published tables this project uses: key -> start of the file name. The newest file
#: (last in sort order) whose name starts so is read, so a later download can replace one.
PUBLISHED_TABLES: dict[str, str] = {
    "b1": "b1_children_in_need_",
    "c1": "c1_children_in_need_referrals_and_rereferrals_",
    "d3": "d3_cpps_subsequent_plan_",
    "d5": "d5_cpps_at31march_by_duration_",
    "cla": "cla_number_and_rate_per_10k_children",
    "stability": "la_cla_placement_stability",
    "population": "ons_mid-year_population_estimates_",
}

DATA_DIR_ENV = "REPORTING_DFE_DIR"


class DfeFormatError(ValueError):
    """A file that is not in DfE's standard layout (the message says what is wrong)."""


def default_data_dir() -> Path:
    """The folder holding the published files.

    ``$REPORTING_DFE_DIR`` when set, otherwise ``data/external/dfe`` of the repository
    this package is installed from (editable install).
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "data" / "external" / "dfe"


def find_table(key: str, data_dir: Path | str | None = None) -> Path:
    """The file of published table ``key`` (a key of :data:`PUBLISHED_TABLES`) in ``data_dir``.

    Raises
    ------
    FileNotFoundError
        When no ``.csv`` file in ``data_dir`` starts with the table's name.
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    prefix = PUBLISHED_TABLES[key]
    hits = sorted(p for p in folder.glob(f"{prefix}*.csv") if not p.name.endswith(".meta.csv"))
    if not hits:
        raise FileNotFoundError(f"published table {key!r}: no file {prefix}*.csv in {folder}")
    return hits[-1]


def _read_text_frame(path: Path) -> pd.DataFrame:
    kwargs = {"dtype": str, "keep_default_na": False, "na_filter": False}
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", **kwargs)
    except UnicodeDecodeError:
        df = pd.read_csv(path, encoding="cp1252", **kwargs)
    except pd.errors.EmptyDataError:
        raise DfeFormatError(f"{path.name}: empty file") from None
    return df


def normalise_columns(columns: Iterable[str]) -> list[str]:
    """Strip spaces and byte-order marks; geography columns in lower case (``Time_Period`` -> ``time_period``)."""
    geo = {c.lower(): c for c in GEOGRAPHY_COLUMNS}
    out = []
    for c in columns:
        name = str(c).replace("\ufeff", "").strip()
        out.append(geo.get(name.lower(), name))
    return out


def read_dfe_wide(path: Path | str) -> pd.DataFrame:
    """A DfE file as published, every cell as stripped text, column names normalised.

    Raises
    ------
    DfeFormatError
        If ``time_period`` or ``geographic_level`` is missing or a column name repeats.
    """
    path = Path(path)
    df = _read_text_frame(path)
    df.columns = normalise_columns(df.columns)
    dup = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if dup:
        raise DfeFormatError(f"{path.name}: repeated column(s) {', '.join(dup)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DfeFormatError(f"{path.name}: not DfE's standard layout: no {', '.join(missing)} column "
                             f"(columns: {', '.join(df.columns)})")
    for col in df.columns:
        df[col] = df[col].str.strip()
    return df


def parse_time_period(values: pd.Series, name: str = "") -> pd.Series:
    """``time_period`` as int: four digits as published; six digits (``201617``) as the ending year.

    Raises
    ------
    DfeFormatError
        For any other value.
    """
    s = values.astype(str).str.strip()
    four = s.str.fullmatch(r"\d{4}")
    six = s.str.fullmatch(r"\d{6}")
    out = pd.Series(np.nan, index=s.index)
    out[four] = s[four].astype(int)
    first = s[six].str[:4].astype(int)
    second = s[six].str[4:].astype(int)
    consecutive = (first + 1) % 100 == second
    out[six] = (first + 1).where(consecutive)
    bad = out.isna()
    if bad.any():
        shown = ", ".join(sorted(set(s[bad]))[:5])
        raise DfeFormatError(f"{name}: time_period not a year (YYYY) or a year span (YYYYYY): {shown}")
    return out.astype(int)


def is_number(values: pd.Series) -> pd.Series:
    """True where a text cell is a number as DfE writes it (``1234``, ``1,234``, ``-2.5``)."""
    return values.str.fullmatch(_NUMBER).fillna(False).astype(bool)


def parse_values(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text cells -> (value, status): numbers to float with status ``""``; anything else NaN.

    The status of a non-number is its text as published (``c``, ``x``, ...), or ``blank``
    for an empty cell. Never zero for a symbol.
    """
    text = values.astype(str).str.strip()
    num = is_number(text)
    value = pd.to_numeric(text.where(num).str.replace(",", "", regex=False), errors="coerce")
    status = pd.Series(np.where(num, PUBLISHED, np.where(text == "", "blank", text)), index=text.index)
    return value.astype(float), status


def _meta_types(path: Path) -> dict[str, str]:
    """Column types from an EES metadata file (``<name>.meta.csv``) beside the data file, if any."""
    meta = path.with_name(path.name[: -len(".csv")] + ".meta.csv") if path.name.endswith(".csv") else None
    if meta is None or not meta.is_file():
        return {}
    df = _read_text_frame(meta)
    df.columns = [str(c).replace("\ufeff", "").strip().lower() for c in df.columns]
    if not {"col_name", "col_type"} <= set(df.columns):
        return {}
    return {r.col_name.strip(): r.col_type.strip().lower() for r in df.itertuples()}


def classify_columns(wide: pd.DataFrame, path: Path | None = None) -> tuple[list[str], list[str]]:
    """Split the non-geography columns into (measures, filters), in file order.

    An EES metadata file beside the data (``col_type`` ``Indicator``/``Filter``) decides
    when present. Otherwise a column is a measure when at least 90% of its non-blank cells
    are numbers or symbols of :data:`SYMBOLS` (so an unexpected token such as ``N/A`` in a
    measure column is read as not available rather than turning the column into a filter);
    a column of blanks or symbols only is a measure too. Pass ``measures``/``filters`` to
    :func:`read_dfe_csv` to decide otherwise.
    """
    rest = [c for c in wide.columns if c not in GEOGRAPHY_COLUMNS]
    types = _meta_types(path) if path is not None else {}
    measures, filters = [], []
    for col in rest:
        kind = types.get(col)
        if kind is None:
            text = wide[col]
            filled = text.ne("")
            ok = (is_number(text) | text.isin(SYMBOLS.keys()))[filled]
            kind = "indicator" if ok.empty or ok.mean() >= MEASURE_SHARE else "filter"
        (measures if kind == "indicator" else filters).append(col)
    return measures, filters


def to_long(wide: pd.DataFrame, measures: list[str], filters: list[str], name: str = "") -> pd.DataFrame:
    """The tidy long table of a wide DfE frame (see the module docstring), sorted."""
    wide = wide.reset_index(drop=True)
    for col in ID_COLUMNS:
        if col not in wide.columns:
            wide[col] = ""
    n, k = len(wide), len(measures)
    keys = wide[list(ID_COLUMNS) + filters]
    keys = keys.assign(time_period=parse_time_period(keys["time_period"], name))
    cells = pd.Series(wide[measures].to_numpy(dtype=object).ravel(order="C"), dtype=object)
    value, status = parse_values(cells)
    rep = np.repeat(np.arange(n), k)
    out = keys.iloc[rep].reset_index(drop=True)
    out["measure"] = np.tile(np.asarray(measures, dtype=object), n)
    out["value"] = value.to_numpy()
    out["status"] = status.to_numpy()
    level = out["geographic_level"].map(GEOGRAPHIC_LEVEL_ORDER).fillna(len(GEOGRAPHIC_LEVEL_ORDER))
    order = pd.Series(np.tile(np.arange(k), n))
    sort = out.assign(_level=level.to_numpy(), _measure=order.to_numpy())
    sort = sort.sort_values(["time_period", "_level", "region_code", "old_la_code", "new_la_code", "la_name",
                             *filters, "_measure"], kind="mergesort")
    out = sort.drop(columns=["_level", "_measure"]).reset_index(drop=True)
    out.attrs.update({"source": name, "measures": list(measures), "filters": list(filters)})
    return out


def read_dfe_csv(path: Path | str, *, measures: list[str] | None = None,
                 filters: list[str] | None = None) -> pd.DataFrame:
    """Read a DfE statistics file of the standard layout into the tidy long table.

    Parameters
    ----------
    path : path-like
        Any CSV file in DfE's layout (``time_period`` and ``geographic_level`` required;
        absent geography columns read as empty).
    measures, filters : list of str, optional
        The measure and filter columns. By default they are told apart by
        :func:`classify_columns` (an EES ``.meta.csv`` beside the file, else the cells).
        Giving only ``measures`` makes every other non-geography column a filter.

    Returns
    -------
    pandas.DataFrame
        Columns ``time_period`` ... ``la_name`` (:data:`ID_COLUMNS`), the filter columns,
        ``measure``, ``value``, ``status``; sorted by period, geographic level, codes,
        filters and measure (file order). ``attrs`` holds ``source``, ``measures``,
        ``filters``.

    Raises
    ------
    DfeFormatError
        When the file is not in the standard layout or names a column that is absent.
    """
    path = Path(path)
    wide = read_dfe_wide(path)
    if measures is None:
        auto_m, auto_f = classify_columns(wide, path)
        measures = auto_m if filters is None else [c for c in auto_m + auto_f if c not in filters]
        filters = auto_f if filters is None else list(filters)
    elif filters is None:
        filters = [c for c in wide.columns if c not in GEOGRAPHY_COLUMNS and c not in measures]
    absent = [c for c in [*measures, *filters] if c not in wide.columns]
    if absent:
        raise DfeFormatError(f"{path.name}: no column(s) {', '.join(absent)}")
    return to_long(wide, list(measures), list(filters), path.name)
