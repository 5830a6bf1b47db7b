"""Reader for DfE's published statistics files (reporting.published.dfe)."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reporting.published.dfe import (
    PUBLISHED_TABLES,
    SYMBOLS,
    DfeFormatError,
    default_data_dir,
    find_table,
    parse_values,
    read_dfe_csv,
)

ROOT = Path(__file__).resolve().parents[1]
DFE = ROOT / "data" / "external" / "dfe"

HEADER = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
          "region_name", "old_la_code", "new_la_code", "la_name", "category", "referral_count",
          "referral_percent"]
ROWS = [
    ["2017", "Reporting year", "National", "E92000001", "England", "", "", "", "", "", "Referrals",
     "646,120", "22.6"],
    ["2017", "Reporting year", "Regional", "E92000001", "England", "E12000008", "South East", "", "", "",
     "Referrals", "107120", "c"],
    ["2017", "Reporting year", "Local authority", "E92000001", "England", "E12000008", "South East", "850",
     "E10000014", "Hampshire", "Referrals", "19435", "x"],
    ["2017", "Reporting year", "Local authority", "E92000001", "England", "E12000008", "South East", "851",
     "E06000044", "Portsmouth", "Referrals", "z", "u"],
    ["2017", "Reporting year", "Local authority", "E92000001", "England", "E12000008", "South East", "852",
     "E06000045", "Southampton", "Referrals", "k", ":"],
    ["2017", "Reporting year", "Local authority", "E92000001", "England", "E12000008", "South East", "867",
     "E06000036", "Bracknell Forest", "Referrals", "..", ""],
    ["2017", "Reporting year", "Local authority", "E92000001", "England", "E12000008", "South East", "868",
     "E06000040", "Windsor and Maidenhead", "Referrals", "0", "low"],
]


def _write(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n" if bom else "\n")
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def handmade(tmp_path) -> Path:
    return _write(tmp_path / "referrals.csv", HEADER, ROWS)


def test_symbols_are_not_available_never_zero(handmade):
    df = read_dfe_csv(handmade)
    assert df.attrs["measures"] == ["referral_count", "referral_percent"]
    assert df.attrs["filters"] == ["category"]
    symbols = df[df["status"] != ""]
    assert set(symbols["status"]) == {"c", "x", "z", "u", "k", ":", "..", "blank", "low"}
    assert symbols["value"].isna().all()
    # the only zero is the published 0
    zeros = df[df["value"] == 0]
    assert list(zeros["la_name"]) == ["Windsor and Maidenhead"] and list(zeros["measure"]) == ["referral_count"]
    assert set(SYMBOLS) >= set(symbols["status"])


def test_numbers_with_thousands_separators(handmade):
    df = read_dfe_csv(handmade)
    eng = df[(df["geographic_level"] == "National") & (df["measure"] == "referral_count")]
    assert eng["value"].tolist() == [646120.0]
    value, status = parse_values(pd.Series(["1,234", "1,234.5", "12,34", "-3", " 7 ", "1e3", "N/A"]))
    assert value.tolist()[:2] == [1234.0, 1234.5]
    assert np.isnan(value.iat[2]) and status.iat[2] == "12,34"  # not a thousands separator: kept as text
    assert value.tolist()[3:6] == [-3.0, 7.0, 1000.0]
    assert np.isnan(value.iat[6]) and status.iat[6] == "N/A"


def test_tidy_layout_and_order(handmade):
    df = read_dfe_csv(handmade)
    assert list(df.columns) == ["time_period", "time_identifier", "geographic_level", "country_code",
                                "region_code", "region_name", "old_la_code", "new_la_code", "la_name",
                                "category", "measure", "value", "status"]
    assert df["time_period"].dtype.kind == "i"
    assert df["geographic_level"].tolist()[:4] == ["National", "National", "Regional", "Regional"]
    assert df["old_la_code"].tolist()[4:] == ["850", "850", "851", "851", "852", "852", "867", "867", "868", "868"]


def test_bom_and_column_order_do_not_matter(tmp_path, handmade):
    order = [9, 0, 12, 2, 8, 1, 3, 4, 5, 6, 7, 10, 11]  # la_name first, measures in between
    header = [HEADER[i] for i in order]
    rows = [[r[i] for i in order] for r in ROWS]
    other = _write(tmp_path / "shuffled.csv", header, rows, bom=True)
    assert other.read_bytes()[:3] == b"\xef\xbb\xbf"
    a, b = read_dfe_csv(handmade), read_dfe_csv(other)
    key = ["time_period", "geographic_level", "old_la_code", "measure"]
    a = a.sort_values(key).reset_index(drop=True)
    b = b[a.columns].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_header_case_and_spaces_and_bom_inside(tmp_path):
    header = ["\ufeffTime_Period", " geographic_level ", "new_la_code", "la_name", "count"]
    path = _write(tmp_path / "odd.csv", header, [["2020", "Local authority", "E06000001", "Hartlepool", "5"]])
    df = read_dfe_csv(path)
    assert df["time_period"].tolist() == [2020] and df["value"].tolist() == [5.0]
    assert df["old_la_code"].tolist() == [""]  # absent geography columns read as empty


def test_six_digit_time_period_is_the_ending_year(tmp_path):
    path = _write(tmp_path / "fy.csv", ["time_period", "time_identifier", "geographic_level", "n"],
                  [["201617", "Financial year", "National", "3"]])
    assert read_dfe_csv(path)["time_period"].tolist() == [2017]
    bad = _write(tmp_path / "bad.csv", ["time_period", "geographic_level", "n"], [["2016/17", "National", "3"]])
    with pytest.raises(DfeFormatError, match="time_period"):
        read_dfe_csv(bad)


def test_not_the_standard_layout(tmp_path):
    path = _write(tmp_path / "x.csv", ["year", "area", "n"], [["2017", "England", "1"]])
    with pytest.raises(DfeFormatError, match="time_period, geographic_level"):
        read_dfe_csv(path)
    with pytest.raises(DfeFormatError, match="no column"):
        read_dfe_csv(_write(tmp_path / "y.csv", HEADER, ROWS), measures=["missing"])


def test_stray_token_in_a_measure_column_and_explicit_columns(tmp_path):
    rows = [[*r[:11], v, "1"] for r, v in zip(ROWS * 2, [str(i) for i in range(13)] + ["N/A"], strict=True)]
    df = read_dfe_csv(_write(tmp_path / "n.csv", HEADER, rows))
    assert "referral_count" in df.attrs["measures"]
    na = df[df["status"] == "N/A"]
    assert len(na) == 1 and na["value"].isna().all()
    explicit = read_dfe_csv(tmp_path / "n.csv", measures=["referral_percent"])
    assert explicit.attrs["filters"] == ["category", "referral_count"]


def test_ees_metadata_file_decides_column_types(tmp_path):
    path = _write(tmp_path / "coded.csv", ["time_period", "geographic_level", "year_group", "pupils"],
                  [["2024", "National", "1", "10"], ["2024", "National", "2", "12"]])
    assert read_dfe_csv(path).attrs["measures"] == ["year_group", "pupils"]  # numbers look like measures
    _write(tmp_path / "coded.meta.csv", ["col_name", "col_type", "label"],
           [["year_group", "Filter", "Year group"], ["pupils", "Indicator", "Pupils"]])
    df = read_dfe_csv(path)
    assert df.attrs["measures"] == ["pupils"] and df.attrs["filters"] == ["year_group"]
    assert df["year_group"].tolist() == ["1", "2"]


# -- the published files kept in the repository ----------------------------------------------
def test_published_files_are_in_the_repository_and_match_sources_md():
    assert default_data_dir().resolve() == DFE.resolve()
    sources = (DFE / "SOURCES.md").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in sources
    listed = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+\.csv)$", sources, re.M))
    files = sorted(p.name for p in DFE.glob("*.csv"))
    assert sorted(listed) == files and len(files) == 7
    for name in files:
        assert hashlib.sha256((DFE / name).read_bytes()).hexdigest() == listed[name], name
    for key in PUBLISHED_TABLES:
        assert find_table(key).parent.resolve() == DFE.resolve()


@pytest.mark.parametrize("key", sorted(PUBLISHED_TABLES))
def test_published_files_read_cell_for_cell(key):
    """Every cell of every published file: a number where DfE wrote one, otherwise NaN with the symbol."""
    path = find_table(key)
    df = read_dfe_csv(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        raw = list(csv.DictReader(fh))
    measures = df.attrs["measures"]
    assert len(df) == len(raw) * len(measures)
    texts = [r[m].strip() for r in raw for m in measures]
    numeric = [bool(re.fullmatch(r"-?\d+(\.\d+)?", t)) for t in texts]
    assert sum(numeric) == int((df["status"] == "").sum())
    symbols = sorted({t for t, n in zip(texts, numeric, strict=True) if not n})
    assert set(symbols) <= {"c", "x", "z", "u"}
    assert df.loc[df["status"] != "", "value"].isna().all()
    assert df.loc[df["status"] == "", "value"].notna().all()
    # totals agree with a plain reading of the file
    total = sum(float(t) for t, n in zip(texts, numeric, strict=True) if n)
    assert df["value"].sum() == pytest.approx(total, rel=1e-12)
