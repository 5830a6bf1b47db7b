"""Writers are the readers' inverse: write tidy tables, read them back, get the same tables."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
from helpers_data import cin_tables, contacts_table, extract_table, ssda903_tables

from reporting.generate.writers import cin_census_xml, contacts_csv, extract_csv, ssda903_csvs
from reporting.readers import read_cin_census, read_contacts, read_extract, read_ssda903
from reporting.schema.local import LOCAL_EXTRACTS

CIN = dict(
    children=[{"child_id": "A1", "birth_date": "2010-02-28", "sex": "1", "ethnicity": "WBRI"},
              {"child_id": "B&2", "upn_unknown": "UN1", "sex": "2", "ethnicity": "MOTH"}],
    disabilities=[{"child_id": "A1", "disability": "NONE"}],
    cin_episodes=[{"child_id": "A1", "episode_id": 1, "referral_date": "2016-05-01", "referral_source": "6",
                   "primary_need": "N1", "referral_nfa": False},
                  {"child_id": "B&2", "episode_id": 2, "referral_date": "2016-06-01", "referral_source": "2A",
                   "closure_date": "2016-06-01", "closure_reason": "RC8", "referral_nfa": True}],
    assessments=[{"child_id": "A1", "episode_id": 1, "assessment_id": 1, "kind": "single",
                  "start_date": "2016-05-02", "authorised_date": "2016-06-01"}],
    assessment_factors=[{"assessment_id": 1, "factor": "1A"}, {"assessment_id": 1, "factor": "2B"}],
    s47=[{"child_id": "A1", "episode_id": 1, "start_date": "2016-05-03", "icpc_date": "2016-05-20",
          "icpc_not_required": False}],
    cp_plans=[{"child_id": "A1", "episode_id": 1, "plan_id": 1, "start_date": "2016-05-20",
               "initial_category": "NEG", "latest_category": "NEG", "previous_plans": 0}],
    cp_reviews=[{"child_id": "A1", "plan_id": 1, "review_date": "2016-08-01"}],
)


def _strip(tables):
    return {k: v.drop(columns=["line"], errors="ignore").reset_index(drop=True) for k, v in tables.items()}


def test_cin_census_round_trip(tmp_path):
    tables = cin_tables(**CIN)
    p = tmp_path / "cin_census.xml"
    p.write_bytes(cin_census_xml(tables, "2016-17", "850"))
    back = read_cin_census(p)
    assert back.header["year"] == "2017" and back.notes == []
    want, got = _strip(tables), _strip(back.typed())
    for name in want:
        pdt.assert_frame_equal(got[name], want[name], check_dtype=False, obj=name)


def test_sex_element_follows_the_year(tmp_path):
    tables = cin_tables(**{**CIN, "children": [{"child_id": "A1", "sex": "M"}]})
    xml = cin_census_xml(tables, "2024-25", "850").decode()
    assert "<Sex>M</Sex>" in xml and "GenderCurrent" not in xml


def test_ssda903_contacts_and_extracts_round_trip(tmp_path):
    t903 = ssda903_tables(
        header=[{"CHILD": "1", "SEX": "1", "DOB": "2010-01-01", "ETHNIC": "WBRI"}],
        episodes=[{"CHILD": "1", "DECOM": "2016-04-01", "RNE": "S", "LS": "C2", "PLACE": "U1", "DEC": "2016-05-01",
                   "REC": "E11", "PL_LOCATION": "IN"}],
        uasc=[{"CHILD": "1", "SEX": "1", "DOB": "2010-01-01"}],
    )
    folder = tmp_path / "ssda903"
    folder.mkdir()
    for name, data in ssda903_csvs(t903, "2016-17").items():
        (folder / name).write_bytes(data)
    back = read_ssda903(folder, year="2016-17").typed()
    got = back["episodes"].drop(columns="line")
    assert got.loc[0, "DECOM"] == pd.Timestamp("2016-04-01") and got.loc[0, "PL_LOCATION"] == "IN"
    contacts = contacts_table([{"child_id": "X", "contact_date": "2016-04-01"}])
    (tmp_path / "contacts.csv").write_bytes(contacts_csv(contacts))
    assert read_contacts(tmp_path / "contacts.csv").typed()["contact_date"].tolist() == [pd.Timestamp("2016-04-01")]
    comp = extract_table("complaints", [{"complaint_id": "1", "received_date": "2016-04-01", "stage": "1",
                                         "from_child": True, "extension_agreed": False}])
    (tmp_path / "complaints.csv").write_bytes(extract_csv("complaints", comp))
    got = read_extract(LOCAL_EXTRACTS["complaints"], tmp_path / "complaints.csv").typed()
    assert got["from_child"].tolist() == [True] and got["response_date"].isna().all()


def test_empty_census_and_children_without_episodes(tmp_path):
    p = tmp_path / "cin.xml"
    p.write_bytes(cin_census_xml(cin_tables(), "2016-17", "850"))  # no children at all
    assert len(read_cin_census(p).raw["children"]) == 0
    p.write_bytes(cin_census_xml(cin_tables(children=[{"child_id": "Z1", "sex": "1"}]), "2016-17", "850"))
    back = read_cin_census(p).typed()
    assert back["children"]["child_id"].tolist() == ["Z1"] and len(back["cin_episodes"]) == 0
