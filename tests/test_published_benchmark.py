"""Benchmarking from DfE's published statistics (reporting.published.benchmark) and
``reporting benchmark``: figures equal the published ones, for every council and year."""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from reporting.cli import main
from reporting.indicators.child_protection import DURATION_BANDS
from reporting.indicators.registry import catalogue
from reporting.published.benchmark import (
    MEASURE_BY_ID,
    MEASURES,
    RANK,
    benchmark_charts,
    benchmark_tables,
    build_benchmark,
    configured_comparators,
    iter_benchmark_tables,
    load_panel,
    published_for_council,
    write_dir_atomic,
)
from reporting.published.dfe import find_table

NUMBER = re.compile(r"-?\d+(\.\d+)?")


# -- the published figures, read plainly with the csv module ---------------------------------
def _area(r: dict) -> str:
    level = r["geographic_level"]
    if level == "National":
        return r["country_code"]
    if level == "Regional":
        return r["region_code"]
    return r["old_la_code"]


@pytest.fixture(scope="module")
def published() -> dict[tuple[str, int, str], str]:
    """(measure id, time_period of the reporting year, area) -> the cell's text as published."""
    out: dict[tuple[str, int, str], str] = {}
    by_table = defaultdict(list)
    for m in MEASURES:
        if not m.computed:
            by_table[m.table].append(m)
    for table, measures in by_table.items():
        with open(find_table(table), encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                for m in measures:
                    if all(r[k] == v for k, v in m.filters):
                        out[m.id, int(r["time_period"]) + m.year_offset, _area(r)] = r[m.column]
    return out


def expected(published, measure_id: str, tp: int, area: str) -> tuple[float, str]:
    """(value, status) as published; computed rates from the published count and population."""
    m = MEASURE_BY_ID[measure_id]
    if m.computed:
        n, sn = expected(published, m.computed_from, tp, area)
        p, sp = expected(published, "population_0_17", tp, area)
        if sn or sp:
            return math.nan, sn or sp
        return n / p * 10_000, ""
    text = published.get((measure_id, tp, area))
    if text is None:
        return math.nan, "absent"
    if NUMBER.fullmatch(text):
        return float(text), ""
    return math.nan, text


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


KEEP = {("850", 2017), ("850", 2025), ("815", 2025), ("942", 2025), ("202", 2021), ("202", 2025),
        ("926", 2013), ("201", 2025)}
RANKED = ("referral_rate", "cpp_duration_2y_plus", "cla_3plus_placements")


def _check_summary(published, key: str, tp: int, tables: dict) -> list:
    """Mismatches between the summary's council, England and region figures and the published cells."""
    bad = []
    areas = tables["areas"]
    region = areas.loc[areas["role"] == "region", "key"].iat[0]
    s = tables["summary"]
    for r in s.itertuples():
        for col, area in (("council", key), ("england", "E92000001"), ("region", region)):
            value, status = expected(published, r.measure_id, tp, area)
            got, got_status = getattr(r, col), getattr(r, f"{col}_status")
            if not same(got, value) or got_status != status:
                bad.append((key, tp, r.measure_id, col, got, got_status, value, status))
    n = sum(1 for m in MEASURES if not all(expected(published, m.id, tp, a)[1] == "absent" for a in areas["key"]))
    if len(s) != n:
        bad.append((key, tp, "summary rows", len(s), n))
    return bad


def _check_ranks(tables: dict) -> tuple[int, int]:
    """Each rank equals pandas' competition rank ("min", highest first) of the council among its
    comparators; returns (ranks checked, ties met)."""
    checked = ties = 0
    for mid in RANKED:
        name = f"trend_{mid}"
        if name not in tables:
            continue
        trend = tables[name]
        cols = list(trend.columns)
        group = trend[[cols[0], *cols[6:]]].iloc[-1].astype(float)
        own = group.iat[0]
        expect = group.rank(method="min", ascending=False).iat[0] if not np.isnan(own) else math.nan
        assert same(trend[RANK].iat[-1], expect), (mid, list(trend.index)[-1])
        checked += 1
        ties += int(not np.isnan(own) and (group.dropna() == own).sum() > 1)
    return checked, ties


@pytest.fixture(scope="module")
def one_pass(published):
    """benchmark_tables for every council in every year it has figures, in one pass: the summary
    figures and ranks are checked as they are built; a few councils' tables are kept."""
    pairs, bad, kept = set(), [], {}
    checked = ties = 0
    for (key, tp), tables in iter_benchmark_tables():
        pairs.add((key, tp))
        bad += _check_summary(published, key, tp, tables)
        c, t = _check_ranks(tables)
        checked, ties = checked + c, ties + t
        if (key, tp) in KEEP:
            kept[key, tp] = tables
    return SimpleNamespace(pairs=pairs, bad=bad, checked=checked, ties=ties, kept=kept)


# -- every council, every year ----------------------------------------------------------------
def test_covers_every_council_in_the_files_for_every_year(one_pass):
    pairs = set()
    for key in ("b1", "c1", "d3", "d5"):
        with open(find_table(key), encoding="utf-8-sig", newline="") as fh:
            pairs |= {(r["old_la_code"], int(r["time_period"])) for r in csv.DictReader(fh)
                      if r["geographic_level"] == "Local authority"}
    for key in ("cla", "stability"):  # rows with a figure (the files restate others as x/z)
        with open(find_table(key), encoding="utf-8-sig", newline="") as fh:
            pairs |= {(r["old_la_code"], int(r["time_period"])) for r in csv.DictReader(fh)
                      if r["geographic_level"] == "Local authority"
                      and any(NUMBER.fullmatch(v) for k, v in r.items() if k in ("children_count", "rate_per_10000"))}
    assert {tp for _, tp in pairs} == set(range(2013, 2026))
    assert pairs == one_pass.pairs
    assert len(one_pass.pairs) > 1900


def test_figures_equal_the_published_ones(one_pass):
    """Council, England and region figures in every council's summary for every year equal the
    published cells (symbols as symbols; computed rates from the published count and population)."""
    assert one_pass.bad == []


def test_trend_tables_hold_every_area_as_published(one_pass, published):
    for (key, tp), tables in sorted(one_pass.kept.items()):
        areas = tables["areas"]
        for m in MEASURES:
            name = f"trend_{m.id}"
            if name not in tables:
                continue
            trend = tables[name]
            for year in trend.index:
                y = int(year[:4]) + 1
                for a in areas.itertuples():
                    value, _ = expected(published, m.id, y, a.key)
                    assert same(float(trend.at[year, a.name]), value), (key, tp, m.id, year, a.name)


def test_ranks_are_competition_ranks_highest_first(one_pass):
    assert one_pass.checked > 3000 and one_pass.ties > 0


def test_comparator_mean_is_the_simple_mean_of_comparators_with_figures(one_pass):
    trend = one_pass.kept["850", 2017]["trend_cpp_duration_2y_plus"]
    cols = list(trend.columns)
    comps = trend[cols[6:]].astype(float)
    assert np.allclose(trend["Comparator mean"], comps.mean(axis=1, skipna=True))


# -- England and Hampshire 2016-17 ----------------------------------------------------------
def test_england_figures_equal_the_published_england_rows(published):
    tables = benchmark_tables("hampshire", "2016-17")
    s = tables["summary"].set_index("measure_id")
    assert s.at["referrals", "england"] == 646120 and s.at["referrals", "council"] == 19435
    assert round(s.at["referral_rate", "council"], 1) == 693.0  # DfE's published rate (README)
    assert s.at["rereferral_percent", "england"] == 21.9
    for m in MEASURES:
        name = f"trend_{m.id}"
        if name not in tables:
            continue
        for year, v in tables[name]["England"].items():
            value, _ = expected(published, m.id, int(year[:4]) + 1, "E92000001")
            assert same(float(v), value), (m.id, year)
    about = tables["about"].set_index("item")["value"]
    assert about["council"] == "Hampshire" and about["region"] == "South East" and about["year"] == "2016-17"


def test_looked_after_measures_appear_from_2020_21(one_pass):
    everything = one_pass.kept
    assert "trend_cla_rate" not in everything["850", 2017]
    cla = everything["850", 2025]["trend_cla_rate"]
    assert list(cla.index) == ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
    notes = " ".join(everything["850", 2017]["notes"]["note"])
    assert "Children looked after: in the published files from 2020-21 only" in notes


def test_reorganised_councils_in_the_tables(one_pass):
    everything = one_pass.kept
    ny = everything["815", 2025]["trend_referrals"]
    assert len(ny) == 13 and ny["North Yorkshire"].notna().all()  # one series across the code change
    cumberland = everything["942", 2025]
    assert list(cumberland["trend_referrals"]["Cumberland"].dropna().index) == ["2023-24", "2024-25"]
    assert any("split into Cumberland" in n for n in cumberland["notes"]["note"])
    camden = everything["202", 2025]["areas"]
    assert camden.loc[camden["role"] == "region", "name"].iat[0] == "London"
    assert (camden["role"] == "comparator").sum() == 32


def test_configured_comparators_follow_reorganisations(tmp_path):
    tables = benchmark_tables("hampshire", "2016-17", comparators=["886", "surrey", "942", "E06000060"])
    areas = tables["areas"]
    comps = areas.loc[areas["role"] == "comparator", "name"].tolist()
    assert comps == ["Kent", "Surrey", "Cumbria", "Buckinghamshire"]
    assert any("Cumberland (942) did not exist in 2016-17" in n for n in tables["notes"]["note"])
    later = benchmark_tables("hampshire", "2024-25", comparators=["909"])
    assert later["areas"].loc[later["areas"]["role"] == "comparator", "key"].tolist() == ["942", "943"]
    raw = tmp_path / "raw" / "hampshire"
    raw.mkdir(parents=True)
    (raw / "la.toml").write_text('name = "Hampshire"\nla_code = "850"\nla_code_9 = "E10000014"\n'
                                 'region = "South East"\ncomparators = ["886", "936"]\n', encoding="utf-8")
    assert configured_comparators("850", "2016-17", raw_root=tmp_path / "raw")[0] == ["886", "936"]
    assert configured_comparators("camden", "2016-17", raw_root=tmp_path / "raw") == (None, "")


def test_published_for_council_feeds_reconciliation():
    df = published_for_council("hampshire", "2016-17")
    cat = catalogue()
    assert set(df["indicator_id"]) <= set(cat)
    assert list(df.columns) == ["indicator_id", "period_label", "breakdown", "measure_id", "label", "value",
                                "status", "unit", "source", "computed"]
    by = df.set_index(["indicator_id", "breakdown"])
    assert by.at[("referrals", ""), "value"] == 19435
    assert by.at[("referrals", ""), "period_label"] == "2016-17"
    assert by.at[("rereferrals_12m", ""), "value"] == 30.7
    assert by.at[("cpp_at_31march", ""), "period_label"] == "31 March 2017"
    assert sorted(df.loc[df["indicator_id"] == "cpp_by_duration", "breakdown"]) == sorted(DURATION_BANDS)
    assert "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv: referral_count" in \
        by.at[("referrals", ""), "source"]
    for r in df.itertuples():
        assert r.unit == cat[r.indicator_id].unit or r.indicator_id == "cpp_by_duration"


def test_a_newer_download_replaces_a_file(tmp_path):
    src = Path(find_table("b1")).parent
    dest = tmp_path / "dfe"
    shutil.copytree(src, dest)
    newer = dest / "b1_children_in_need_2013_to_2026.csv"
    shutil.copy(dest / "b1_children_in_need_2013_to_2025.csv", newer)
    assert find_table("b1", dest) == newer
    panel = load_panel(dest)
    assert panel.files["b1"] == newer.name


# -- the command ---------------------------------------------------------------------------
def test_reporting_benchmark_writes_html_and_csv(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # default out-dir and la.toml look-up inside tmp
    assert main(["benchmark", "--la", "850", "--year", "2016-17"]) == 0
    out = tmp_path / "reports" / "hampshire" / "2016-17" / "benchmark"
    assert "wrote reports/hampshire/2016-17/benchmark" in capsys.readouterr().err
    names = sorted(p.name for p in out.iterdir())
    assert {"benchmark.html", "summary.csv", "areas.csv", "notes.csv", "trends.csv", "ranks.csv",
            "about.csv", "trend_referral_rate.csv"} <= set(names)
    html = (out / "benchmark.html").read_text(encoding="utf-8")
    trends = [n for n in names if n.startswith("trend_")]
    assert html.count("<svg") == len(trends) == html.count('role="img"')
    assert html.count("<figcaption>") == len(trends)
    titles = re.findall(r'<title id="chart-[^"]+">([^<]+)</title>', html)
    assert len(titles) == len(trends) and all(" Hampshire " in t or "Hampshire had" in t for t in titles)
    assert "In 2016-17 Hampshire had 693.0 per 10,000, higher than England (553.6 per 10,000)" in html
    assert '<th scope="col">' in html and '<th scope="row">' in html and "<caption>" in html
    assert "<?xml" not in html and "<script" not in html
    assert not re.search(r"<link|<img|\bsrc=|@import|url\((?!#)", html)  # self-contained
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # inline SVG ids made unique
    assert "646,120" in html and "Open Government Licence v3.0" in html
    summary = pd.read_csv(out / "summary.csv", dtype=str, keep_default_na=False).set_index("measure_id")
    assert summary.at["referrals", "england"] == "646120" and summary.at["referrals", "council"] == "19435"
    trend = (out / "trend_cpp_duration_2y_plus.csv").read_text(encoding="utf-8").splitlines()
    assert trend[0].startswith("year,Hampshire,England,South East,Comparator mean,Rank among comparators")
    assert ",c," in trend[1]  # DfE's symbol kept in place of the number
    # deterministic: building again gives the same bytes; replacing a previous output is allowed
    again = build_benchmark("hampshire", "2016-17")
    assert again == {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert main(["benchmark", "--la", "hampshire", "--year", "2016-17", "--out-dir", str(out),
                 "--comparators", "886,936"]) == 0
    assert "Kent" in (out / "areas.csv").read_text(encoding="utf-8")
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary folders left


@pytest.mark.parametrize(("argv", "message"), [
    (["--la", "hampshir", "--year", "2016-17"], "Closest: hampshire (Hampshire, 850, E10000014)"),
    (["--la", "cumbria", "--year", "2024-25"], "--la cumberland or 942"),
    (["--la", "850", "--year", "2011-12"], "the files cover 2012-13 to 2024-25"),
])
def test_reporting_benchmark_errors(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(["benchmark", *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


def test_output_folder_is_replaced_only_when_it_is_ours(tmp_path):
    out = tmp_path / "bench"
    write_dir_atomic(out, {"benchmark.html": "a", "x.csv": "1\n"})
    write_dir_atomic(out, {"benchmark.html": "b"})
    assert sorted(p.name for p in out.iterdir()) == ["benchmark.html"]
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="holds other files"):
        write_dir_atomic(out, {"benchmark.html": "c"})
    assert (out / "benchmark.html").read_text(encoding="utf-8") == "b"


def test_charts_for_one_measure_are_deterministic_svg():
    tables = benchmark_tables("north-yorkshire", "2024-25")
    a = benchmark_charts(tables, ["cla_rate"])["cla_rate"]
    b = benchmark_charts(tables, ["cla_rate"])["cla_rate"]
    assert a == b
    assert a.svg.startswith("<svg") and "<metadata>" not in a.svg and "dc:date" not in a.svg
    assert a.alt.startswith("Children looked after per 10,000 at 31 March, 2020-21 to 2024-25. In 2024-25 "
                            "North Yorkshire had")


def test_docs_list_every_measure():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "benchmarking.md").read_text(encoding="utf-8")
    missing = [m.id for m in MEASURES if f"| `{m.id}` |" not in doc]
    assert missing == []
    for m in MEASURES:
        if m.indicator_id:
            assert m.indicator_id in catalogue(), m.id


@pytest.mark.parametrize(("la", "year"), [("norfolk", "2012-13"), ("isles-of-scilly", "2024-25"),
                                          ("city-of-london", "2024-25")])
def test_pages_for_councils_with_many_symbols(la, year):
    """Councils whose figures are mostly symbols still get a page, symbols shown, never zeros."""
    files = build_benchmark(la, year, charts=False)
    html = files["benchmark.html"]
    for tag in ("table", "section", "details", "thead", "tbody"):
        assert html.count(f"<{tag}") == html.count(f"</{tag}>"), tag
    assert re.search(r'<abbr title="[^"]+">[cxz]</abbr>', html)
    summary = pd.read_csv(io.StringIO(files["summary.csv"]), dtype=str, keep_default_na=False)
    symbol = summary["council_status"].ne("")
    assert symbol.any() and summary.loc[symbol, "council"].eq("").all()


def test_configured_comparators_are_never_replaced_by_the_default():
    # "no-such-council" names no council: by default an error (reporting benchmark exits 2); with
    # unknown="note" (the report's section) it is left out with a note, and Kent stays the only
    # comparator: the region's councils are not brought in. 850 (the council itself) and a second
    # Kent ("kent") are left out with a note too.
    from reporting.published.councils import UnknownCouncil

    with pytest.raises(UnknownCouncil):
        benchmark_tables("hampshire", "2016-17", comparators=["886", "no-such-council"])
    t = benchmark_tables("hampshire", "2016-17", comparators=["886", "no-such-council", "850", "kent"],
                         unknown="note")
    assert t["areas"].loc[t["areas"]["role"] == "comparator", "name"].tolist() == ["Kent"]
    notes = " ".join(t["notes"]["note"])
    assert "'no-such-council' (la.toml) is not a council in DfE's published files: left out" in notes
    assert "Hampshire (850) is the council itself: left out" in notes
    assert "Kent (886) is listed more than once" in notes
    assert "Comparators: the councils Hampshire compares itself with (Kent)." in notes
    assert "la.toml, key comparators" in notes  # the technical source, in a note of its own


def test_chart_legend_counts_the_councils_with_a_figure():
    # Kent and Dorset (835) in 2016-17: Dorset has no rate (no ONS population for its pre-2019 area),
    # so the referral rate's mean rests on 1 council and the legend says so, not "2 councils"
    from reporting.published.benchmark import councils_count, plot_measure

    t = benchmark_tables("hampshire", "2016-17", comparators=["886", "835"])
    labels = plot_measure(t, "referral_rate").axes[0].get_legend_handles_labels()[1]
    assert "Comparator mean (1 council)" in labels
    labels = plot_measure(t, "rereferral_percent").axes[0].get_legend_handles_labels()[1]
    assert "Comparator mean (2 councils)" in labels  # Dorset publishes its re-referral percentage
    assert councils_count([11, 12, 0]) == "11 to 12 councils" and councils_count([0]) == "no councils"


def test_the_light_directory_knows_the_same_councils_as_the_panel():
    # build_directory (validation) reads only the geography: same councils, codes and slugs as load_panel's
    from reporting.published.benchmark import build_directory

    light, full = build_directory(), load_panel().directory
    assert set(light.councils) == set(full.councils)
    assert all(light[k].aliases == full[k].aliases and light[k].codes == full[k].codes for k in full.councils)
