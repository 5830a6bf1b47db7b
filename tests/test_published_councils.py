"""Councils across years, reorganisations and ``--la`` look-up (reporting.published.councils)."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from reporting.published.benchmark import load_panel
from reporting.published.councils import (
    REORGANISATIONS,
    CouncilNotInYear,
    UnknownCouncil,
    slugify,
)
from reporting.published.dfe import find_table


@pytest.fixture(scope="module")
def directory():
    return load_panel().directory


def _codes_in_files() -> dict[str, dict[int, str]]:
    """old_la_code -> {time_period: new_la_code} from the children-in-need files, read plainly."""
    out: dict[str, dict[int, str]] = defaultdict(dict)
    for key in ("b1", "c1", "d3", "d5"):
        with open(find_table(key), encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["geographic_level"] == "Local authority":
                    out[r["old_la_code"]][int(r["time_period"])] = r["new_la_code"]
    return out


def test_reorganisations_match_the_codes_in_the_files():
    codes = _codes_in_files()
    for r in REORGANISATIONS:
        for key, code in r.before:
            years = {y for y, c in codes[key].items() if c == code}
            assert years and max(years) == r.first_year - 1, (r.note, key, code)
        for key, code in r.after:
            years = {y for y, c in codes[key].items() if c == code}
            assert years and min(years) == r.first_year, (r.note, key, code)
        if r.kind == "new code":
            assert [k for k, _ in r.before] == [k for k, _ in r.after]
        else:
            assert not {k for k, _ in r.before} & {k for k, _ in r.after}


def test_every_council_starting_or_ending_inside_the_files_is_a_known_reorganisation(directory):
    first, last = directory.years[0], directory.years[-1]
    involved = {k for r in REORGANISATIONS if r.series_break for k, _ in (*r.before, *r.after)}
    moving = {c.key for c in directory.councils.values() if c.first_year > first or c.last_year < last}
    assert moving == involved
    gaps = {c.key for c in directory.councils.values() if len(c.years) != c.last_year - c.first_year + 1}
    assert gaps == set()


def test_code_changes_keep_one_continuous_series(directory):
    ny = directory.resolve("north-yorkshire")
    assert ny.key == "815" and ny.years == tuple(range(2013, 2026))
    assert ny.codes == ((2013, "E10000023"), (2024, "E06000065"))
    assert ny.code_in(2023) == "E10000023" and ny.code_in(2024) == "E06000065"
    assert directory.resolve("E10000023").key == directory.resolve("E06000065").key == "815"
    bucks = directory.resolve("buckinghamshire")
    assert bucks.codes == ((2013, "E10000002"), (2021, "E06000060"))
    assert directory.resolve("somerset").codes == ((2013, "E10000027"), (2024, "E06000066"))
    assert any("one continuous series" in n for n in directory.notes("815", 2025))
    assert directory.notes("815", 2017) == []  # the change came later


def test_splits_and_mergers_break_the_series(directory):
    assert directory.resolve("cumbria").years == tuple(range(2013, 2024))
    for slug, key in (("cumberland", "942"), ("westmorland-and-furness", "943")):
        c = directory.resolve(slug)
        assert c.key == key and c.years == (2024, 2025) and c.region_name == "North West"
    assert directory.resolve("northamptonshire").last_year == 2021
    assert directory.resolve("north-northamptonshire").first_year == 2022
    assert directory.resolve("west-northamptonshire").key == "941"
    assert directory.resolve("bournemouth-christchurch-and-poole").first_year == 2020
    assert directory.resolve("poole").last_year == 2019
    notes = directory.notes("942", 2025)
    assert any("split into Cumberland (942)" in n for n in notes)
    assert any("series ends" in n for n in directory.notes("909", 2023))


def test_covering_follows_reorganisations_both_ways(directory):
    assert directory.covering("909", 2025) == ["942", "943"]
    assert directory.covering("942", 2017) == ["909"]
    assert directory.covering("928", 2022) == ["940", "941"]
    assert directory.covering("835", 2020) == ["838"]
    assert directory.covering("839", 2018) == ["836", "837"]
    assert directory.covering("850", 2017) == ["850"]


def test_dorset_slug_picks_the_council_of_the_year(directory):
    assert directory.resolve("dorset", 2017).key == "835"
    assert directory.resolve("dorset", 2024).key == "838"
    assert directory.resolve("dorset").key == "838"  # latest without a year
    assert directory.resolve("E10000009").key == "835"


@pytest.mark.parametrize(("given", "key"), [
    ("north-yorkshire", "815"), ("camden", "202"), ("hampshire", "850"), ("850", "850"), ("E10000014", "850"),
    ("e10000014", "850"), (" Hampshire ", "850"), ("bristol-city-of", "801"), ("bristol", "801"),
    ("kingston-upon-hull", "810"), ("st-helens", "342"), ("herefordshire", "884"), ("city-of-london", "201"),
])
def test_lookup_by_slug_or_code(directory, given, key):
    assert directory.resolve(given).key == key


def test_slugs_are_built_from_names():
    assert slugify("Bristol, City of") == "bristol-city-of"
    assert slugify("St. Helens") == "st-helens"
    assert slugify("Bournemouth, Christchurch and Poole") == "bournemouth-christchurch-and-poole"
    assert slugify("Westmorland and Furness") == "westmorland-and-furness"


def test_every_council_has_a_unique_slug_per_year(directory):
    for year in directory.years:
        slugs = [c.slug for c in directory.councils.values() if c.exists(year)]
        assert len(slugs) == len(set(slugs)), year
        for c in directory.councils.values():
            if c.exists(year):
                assert directory.resolve(c.slug, year) is c
                assert directory.resolve(c.key, year) is c
                assert directory.resolve(c.code_in(year), year) is c


def test_unknown_council_lists_the_closest_names(directory):
    with pytest.raises(UnknownCouncil) as exc:
        directory.resolve("hampshir")
    msg = str(exc.value)
    assert "no council 'hampshir'" in msg and "Closest: hampshire (Hampshire, 850, E10000014)" in msg
    with pytest.raises(UnknownCouncil, match="north-yorkshire"):
        directory.resolve("north-yorks")
    with pytest.raises(UnknownCouncil, match="Closest"):
        directory.resolve("999")
    with pytest.raises(UnknownCouncil):
        directory.resolve("E99999999")


def test_council_not_in_year_names_who_covered_it(directory):
    with pytest.raises(CouncilNotInYear) as exc:
        directory.resolve("cumbria", 2025)
    msg = str(exc.value)
    assert "Cumbria (909) has no figures for 2024-25" in msg
    assert "--la cumberland or 942" in msg and "--la westmorland-and-furness or 943" in msg
    with pytest.raises(CouncilNotInYear, match="Northamptonshire"):
        directory.resolve("north-northamptonshire", 2017)


def test_london_boroughs_are_in_london(directory):
    camden = directory.resolve("camden")
    assert camden.region_code == "E12000007" and camden.region_name == "London"
    assert camden.sub_region_code == "E13000001"
    assert len(directory.in_region("E12000007", 2025)) == 33
    table = directory.table()
    assert len(table) == len(directory.councils) and table["slug"].is_unique is False  # two Dorsets
