"""The deterministic synthetic council generator (``reporting.generate.synthetic``)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lxml import etree

from reporting.conventions import bank_holidays
from reporting.generate.synthetic import generate_council
from reporting.readers.cin_census import read_cin_census
from reporting.schema import annex_a, local
from reporting.schema import ssda903 as S
from reporting.schema.cin import cin_spec
from reporting.schema.ssda903 import ssda903_spec

SCALE = 0.02
YEARS = ("2012-13", "2013-14", "2014-15", "2015-16")  # + 2011-12 as history
X1 = "X1"


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def _episodes(folder: Path) -> pd.DataFrame:
    df = pd.read_csv(folder / "ssda903" / "Episodes.csv", dtype=str, keep_default_na=False)
    for col in ("DECOM", "DEC"):
        df[col] = pd.to_datetime(df[col].where(df[col] != ""), format=S.DATE_FORMAT)
    return df


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("synthetic") / "shire"
    files = generate_council(out, years=YEARS, scale=SCALE, seed=7)
    return out, files


@pytest.fixture(scope="module")
def recent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "recent"
    generate_council(out, years=("2024-25",), scale=SCALE, seed=11, pl_location=False)
    return out


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    kwargs = {"years": ("2013-14", "2014-15"), "scale": SCALE, "seed": 3}
    a = generate_council(tmp_path / "a", **kwargs)
    b = generate_council(tmp_path / "b", **kwargs)
    da, db = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert da == db
    assert len(da) == len(a) == len(b)
    c = generate_council(tmp_path / "c", **{**kwargs, "seed": 4})
    assert _digests(tmp_path / "c") != da and len(c) == len(a)


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty"):
        generate_council(tmp_path, years=("2016-17",), scale=SCALE)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    (tmp_path / "afile").write_text("x")
    with pytest.raises(FileExistsError):
        generate_council(tmp_path / "afile", years=("2016-17",), scale=SCALE)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert generate_council(empty, years=("2016-17",), scale=SCALE, history_years=0)


def test_layout_and_returned_files(council: tuple[Path, list[Path]]) -> None:
    root, files = council
    assert files == sorted(files)
    assert set(files) == {p for p in root.rglob("*") if p.is_file()}
    assert not [p for p in root.rglob(".*")], "temporary files left behind"
    la = tomllib.loads((root / "la.toml").read_text())
    for key in local.LA_TOML_KEYS:
        assert isinstance(la[key], str)
    assert la["comparators"] and all(len(c) == 3 and c.isdigit() for c in la["comparators"])
    assert la["generator"]["synthetic"] is True and la["generator"]["seed"] == 7
    pop = pd.read_csv(root / "population.csv")
    assert list(pop.columns) == local.POPULATION_COLUMNS
    assert set(range(2011, 2016)) <= set(pop["mid_year"])
    insp = pd.read_csv(root / "inspections.csv", dtype=str)
    assert list(insp.columns) == local.INSPECTION_COLUMNS and len(insp) > 0
    pd.to_datetime(insp["inspection_date"], format="%Y-%m-%d")
    for year in ("2011-12", *YEARS):
        folder = root / year
        assert (folder / "cin_census.xml").is_file()
        for fname in ("Header.csv", "Episodes.csv", "UASC.csv", "Missing.csv", "Reviews.csv"):
            table = S.FILES[fname][0]
            df = pd.read_csv(folder / "ssda903" / fname, dtype=str, keep_default_na=False)
            expected = [c for c in S.COLUMNS[table]
                        if c != "REASON_PLACE_CHANGE" or ssda903_spec(year).reason_place_change]
            assert list(df.columns)[: len(expected)] == expected, (year, fname)
        contacts = pd.read_csv(folder / "contacts.csv", dtype=str, keep_default_na=False)
        assert list(contacts.columns) == list(annex_a.CONTACTS_COLUMNS)
        pd.to_datetime(contacts["Date of Contact"], format=annex_a.DATE_FORMAT)
        for extract in local.LOCAL_EXTRACTS.values():
            df = pd.read_csv(folder / extract.file, dtype=str, keep_default_na=False)
            assert list(df.columns) == list(extract.columns)
            for col in extract.dates:
                vals = df[col][df[col] != ""]
                pd.to_datetime(vals, format="%Y-%m-%d")
            for col in extract.booleans:
                assert set(df[col]) <= {"true", "false"}


def test_xml_is_well_formed_and_carries_the_years_elements(council: tuple[Path, list[Path]], recent: Path) -> None:
    root, _ = council
    cases = [(root / y, y) for y in ("2011-12", *YEARS)] + [(recent / y, y) for y in ("2023-24", "2024-25")]
    for folder, year in cases:
        spec = cin_spec(year)
        doc = etree.parse(str(folder / "cin_census.xml"))
        assert doc.getroot().tag == "Message"
        assert doc.findtext("Header/CollectionDetails/ReferenceDate") == f"{int(year[:4]) + 1}-03-31"
        assert doc.findtext("Header/Source/DateTime") == f"{int(year[:4]) + 1}-04-01T00:00:00"
        children = doc.findall("Children/Child")
        assert children
        other = "GenderCurrent" if spec.sex_element == "Sex" else "Sex"
        for child in children:
            ident = child.find("ChildIdentifiers")
            assert ident.find(other) is None
            assert ident.findtext(spec.sex_element) in spec.sex_codes
        tags = {el.tag for el in doc.iter()}
        assert ("NumberOfPreviousCPP" in tags) == spec.previous_cpp, year
        if not spec.single_assessment:
            assert "Assessments" not in tags and "FactorsIdentifiedAtAssessment" not in tags
        if not spec.initial_core_assessments:
            assert "InitialAssessment" not in tags and "CoreAssessment" not in tags
        assert not [el for el in doc.iter() if el.text is not None and el.text.strip() == "" and len(el) == 0]
        census = read_cin_census(folder / "cin_census.xml")
        raw = census.raw
        assert set(raw["children"]["sex"]) <= spec.sex_codes
        eps = raw["cin_episodes"]
        assert set(eps["referral_source"]) - {""} <= spec.referral_source_codes
        assert set(eps["closure_reason"]) - {""} <= spec.closure_reason_codes
    # the transition year holds both kinds of assessment
    kinds = set(read_cin_census(root / "2013-14" / "cin_census.xml").raw["assessments"]["kind"])
    assert kinds == {"single", "initial", "core"}


def test_ssda903_episodes_chain(council: tuple[Path, list[Path]], recent: Path) -> None:
    root, _ = council
    folders = [root / y for y in ("2011-12", *YEARS)] + [recent / "2024-25"]
    for folder in folders:
        year = folder.name
        spec = ssda903_spec(year)
        eps = _episodes(folder)
        assert len(eps) > 0
        assert ("PL_LOCATION" in eps.columns) == (folder.parent == root)
        assert ("REASON_PLACE_CHANGE" in eps.columns) == spec.reason_place_change
        assert set(eps["PLACE"]) <= spec.placement_codes
        assert set(eps["REC"]) - {""} <= spec.reason_ceased_codes
        assert set(eps["LS"]) & S.SHORT_BREAK_LEGAL_STATUSES, "no short breaks"
        start = pd.Timestamp(int(year[:4]), 4, 1)
        end = pd.Timestamp(int(year[:4]) + 1, 3, 31)
        assert (eps["DECOM"] <= end).all()
        assert (eps["DEC"].isna() | ((eps["DEC"] >= start) & (eps["DEC"] <= end))).all()
        assert ((eps["DEC"].isna()) == (eps["REC"] == "")).all()
        for child, g in eps.groupby("CHILD", sort=False):
            assert g["DECOM"].is_monotonic_increasing, child
            rows = g.to_dict("records")
            for prev, nxt in zip(rows, rows[1:], strict=False):
                assert pd.notna(prev["DEC"]), f"{child}: only the last episode may be open"
                assert prev["DEC"] > prev["DECOM"]
                if prev["REC"] == X1:
                    assert nxt["DECOM"] == prev["DEC"] and nxt["RNE"] != "S", child
                else:
                    assert nxt["DECOM"] > prev["DEC"] and nxt["RNE"] == "S", child
            assert rows[-1]["REC"] != X1, f"{child}: a period ends with X1 and nothing follows"
        header = pd.read_csv(folder / "ssda903" / "Header.csv", dtype=str, keep_default_na=False)
        assert set(header["CHILD"]) == set(eps["CHILD"])


def test_children_are_the_same_across_returns(council: tuple[Path, list[Path]]) -> None:
    root, _ = council
    folder = root / "2014-15"
    cin_ids = set(read_cin_census(folder / "cin_census.xml").raw["children"]["child_id"])
    la_ids = set(_episodes(folder)["CHILD"])
    assert la_ids and len(la_ids & cin_ids) / len(la_ids) > 0.95
    uasc = pd.read_csv(folder / "ssda903" / "UASC.csv", dtype=str, keep_default_na=False)
    assert set(uasc["CHILD"]) <= la_ids


def test_every_plan_follows_an_s47_and_icpc_in_its_episode(council: tuple[Path, list[Path]]) -> None:
    root, _ = council
    s47s, plans = [], []
    holidays = bank_holidays()
    for year in ("2011-12", *YEARS):
        t = read_cin_census(root / year / "cin_census.xml").typed()
        key = t["cin_episodes"][["episode_id", "child_id", "referral_date"]]
        s47 = t["s47"].merge(key, on=["episode_id", "child_id"])
        held = s47.dropna(subset=["icpc_date"])
        days = held["icpc_date"].to_numpy().astype("datetime64[D]")
        assert np.is_busday(days, holidays=holidays).all(), "an ICPC on a weekend or bank holiday"
        s47s.append(s47)
        plans.append(t["cp_plans"].merge(key, on=["episode_id", "child_id"]))
    # an enquiry or plan open at 31 March is in two files: the later one knows more
    s47 = pd.concat(s47s).drop_duplicates(["child_id", "referral_date", "start_date"], keep="last")
    plans = pd.concat(plans).drop_duplicates(["child_id", "referral_date", "start_date"], keep="last")
    assert len(plans) > 0
    joined = plans.merge(s47, on=["child_id", "referral_date"], how="left", suffixes=("", "_s47"))
    ok = (joined["start_date_s47"] <= joined["start_date"]) & (joined["icpc_date"] <= joined["start_date"])
    per_plan = ok.groupby([joined["child_id"], joined["referral_date"], joined["start_date"]]).any()
    first_year_start = pd.Timestamp(2011, 4, 1)
    # plans that started before the first file have their S47 in no file
    started_in_files = per_plan.index.get_level_values("start_date") >= first_year_start + pd.Timedelta(days=60)
    assert per_plan[started_in_files].all()
    assert (plans["start_date"] >= plans["referral_date"]).all()
