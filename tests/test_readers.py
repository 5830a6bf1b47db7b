"""Readers: tiny files in, tidy tables out; unusable files give a clear InputError."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reporting.problems import InputError
from reporting.readers import read_cin_census, read_contacts, read_ssda903
from reporting.readers.la import read_la_toml, read_population

CIN_XML = """<?xml version="1.0" encoding="utf-8"?>
<Message>
<Header><CollectionDetails><Collection>CIN</Collection><Year>2017</Year><ReferenceDate>2017-03-31</ReferenceDate></CollectionDetails></Header>
<Children>
<Child>
 <ChildIdentifiers><LAchildID>A1</LAchildID><PersonBirthDate>2010-02-28</PersonBirthDate><GenderCurrent>1</GenderCurrent></ChildIdentifiers>
 <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
 <CINdetails>
  <CINreferralDate>2016-05-01</CINreferralDate><ReferralSource>6</ReferralSource><ReferralNFA>false</ReferralNFA>
  <Assessments><AssessmentActualStartDate>2016-05-02</AssessmentActualStartDate><AssessmentAuthorisationDate>2016-06-01</AssessmentAuthorisationDate>
   <FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors><AssessmentFactors>2B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
  <Section47><S47ActualStartDate>2016-05-03</S47ActualStartDate><DateOfInitialCPC>2016-05-20</DateOfInitialCPC></Section47>
  <ChildProtectionPlans><CPPstartDate>2016-05-20</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><NumberOfPreviousCPP>1</NumberOfPreviousCPP>
   <Reviews><CPPreviewDate>2016-08-01</CPPreviewDate></Reviews></ChildProtectionPlans>
 </CINdetails>
 <CINdetails><CINreferralDate>2017-01-05</CINreferralDate><ReferralNFA>1</ReferralNFA></CINdetails>
</Child>
<Child><ChildIdentifiers><LAchildID>B2</LAchildID><GenderCurrent>2</GenderCurrent></ChildIdentifiers></Child>
</Children>
</Message>
"""


def test_cin_census_tables(tmp_path):
    p = tmp_path / "cin_census.xml"
    p.write_text(CIN_XML, encoding="utf-8")
    cin = read_cin_census(p)
    assert cin.header == {"collection": "CIN", "year": "2017", "reference_date": "2017-03-31"}
    raw = cin.raw
    assert list(raw["children"]["child_id"]) == ["A1", "B2"]
    assert list(raw["cin_episodes"]["episode_id"]) == [1, 2]
    assert raw["cin_episodes"]["line"].tolist() == [8, 16]  # line of each <CINdetails>
    assert raw["assessment_factors"]["factor"].tolist() == ["1A", "2B"]
    t = cin.typed()
    assert t["cin_episodes"]["referral_nfa"].tolist() == [False, True]  # "false" and "1"
    assert t["cp_plans"]["start_date"].iloc[0] == pd.Timestamp("2016-05-20")
    assert t["cp_plans"]["previous_plans"].iloc[0] == 1
    assert t["cp_reviews"]["plan_id"].tolist() == [1]
    assert t["children"]["birth_date"].iloc[1] is pd.NaT  # absent date -> NaT


def test_cin_census_with_bom_is_read(tmp_path):
    p = tmp_path / "cin.xml"
    p.write_bytes(b"\xef\xbb\xbf" + CIN_XML.encode())
    assert len(read_cin_census(p).raw["children"]) == 2


@pytest.mark.parametrize(
    "content, message",
    [
        (CIN_XML[:400], "not well-formed XML"),
        ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><Message/>', "DTD or entity declaration"),
        ("LAchildID,CINreferralDate\nA,2016-01-01\n", "not an XML file"),
        ("<Other><Children/></Other>", "root element is <Other>"),
    ],
)
def test_cin_census_unusable(tmp_path, content, message):
    p = tmp_path / "cin_census.xml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_cin_census(p, shown="hampshire/2016-17/cin_census.xml")
    text = str(exc.value)
    assert message in text and "hampshire/2016-17/cin_census.xml" in text


def test_cin_census_large_tree_is_freed(tmp_path):
    # 3,000 children: each Child is cleared after use, so the reader's output is complete
    body = "".join(f"<Child><ChildIdentifiers><LAchildID>C{i}</LAchildID></ChildIdentifiers>"
                   f"<CINdetails><CINreferralDate>2016-06-01</CINreferralDate></CINdetails></Child>"
                   for i in range(3000))
    p = tmp_path / "big.xml"
    p.write_text(f"<Message><Children>{body}</Children></Message>")
    cin = read_cin_census(p)
    assert len(cin.raw["children"]) == 3000 and cin.raw["cin_episodes"]["episode_id"].max() == 3000


def _write_903(folder, header="CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,01/01/2010,WBRI,,,\n",
               episodes="CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
                        "PL_POST,URN\n1,01/04/2016,S,C2,N1,U1,PR1,,,,,,\n"):
    folder.mkdir(parents=True)
    (folder / "Header.csv").write_text(header)
    (folder / "Episodes.csv").write_text(episodes)


def test_ssda903_typed_dates(tmp_path):
    _write_903(tmp_path / "ssda903")
    d = read_ssda903(tmp_path / "ssda903")
    t = d.typed()
    assert t["episodes"]["DECOM"].iloc[0] == pd.Timestamp("2016-04-01")  # dd/mm/yyyy
    assert t["episodes"]["line"].iloc[0] == 2
    assert "uasc" not in t  # optional file absent


def test_ssda903_missing_required_file_and_column(tmp_path):
    folder = tmp_path / "ssda903"
    _write_903(folder, episodes="CHILD,DECOM\n1,01/04/2016\n")
    (folder / "Header.csv").unlink()
    with pytest.raises(InputError) as exc:
        read_ssda903(folder, shown="x/ssda903")
    text = str(exc.value)
    assert "x/ssda903/Header.csv: file not found" in text
    assert "x/ssda903/Episodes.csv:line 1: field RNE: required column missing" in text


def test_contacts_from_workbook(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Cover"
    ws = wb.create_sheet("List 1 - Contacts")
    ws.append(["Annex A List 1"])  # a title row above the header, as Ofsted's template has
    ws.append(["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
               "Date of Contact", "Contact Source"])
    ws.append(["X1", "a) Male", "WBRI", dt.datetime(2010, 1, 1), 6, dt.datetime(2016, 4, 1), "Police"])
    p = tmp_path / "contacts.xlsx"
    wb.save(p)
    c = read_contacts(p)
    t = c.typed()
    assert t["contact_date"].tolist() == [pd.Timestamp("2016-04-01")]
    assert t["age"].tolist() == ["6"] and c.raw["line"].tolist() == [3]


def test_la_toml_and_population_errors(tmp_path):
    (tmp_path / "la.toml").write_text('name = "Hampshire"\nla_code = "85x"\n')
    with pytest.raises(InputError) as exc:
        read_la_toml(tmp_path / "la.toml", "hampshire")
    text = str(exc.value)
    assert "field la_code_9: required key missing" in text and "3-digit DfE LA code" in text
    (tmp_path / "population.csv").write_text("mid_year,population_0_17,source\n2016,28o442,ONS\n")
    with pytest.raises(InputError, match="line 2: field population_0_17: value '28o442': must be a whole number"):
        read_population(tmp_path / "population.csv")


# -- la.toml: unknown keys are errors with the closest known key ------------------------------------
LA_HEAD = 'name = "Hampshire"\nla_code = "850"\nla_code_9 = "E10000014"\nregion = "South East"\n'


def test_la_toml_misspelt_comparators_is_an_error_naming_the_key(tmp_path):
    # "comparitors" is not a key of la.toml: before, it was kept in `extra` and the comparators
    # silently became the region's councils; now it fails, naming line, key, value and "comparators".
    (tmp_path / "la.toml").write_text(LA_HEAD + 'comparitors = ["886", "936"]\n')
    with pytest.raises(InputError) as exc:
        read_la_toml(tmp_path / "la.toml", "hampshire", "hampshire/la.toml")
    assert [str(p) for p in exc.value.problems] == [
        "error: hampshire/la.toml:line 5: field comparitors: value \"['886', '936']\": unknown key in la.toml "
        "(the toolkit would ignore it): did you mean 'comparators'? (known: name, la_code, la_code_9, region, "
        "comparators, demo, generator)"]


def test_la_toml_unknown_table_and_table_key(tmp_path):
    # [demo] is a known table but "synthtic" is not one of its keys (closest: synthetic); [extras]
    # is no table of la.toml at all (nothing close: the known keys are listed).
    (tmp_path / "la.toml").write_text(LA_HEAD + '\n[demo]\nsynthtic = true\n\n[extras]\nx = 1\n')
    with pytest.raises(InputError) as exc:
        read_la_toml(tmp_path / "la.toml", "hampshire", "la.toml")
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 2
    assert lines[0].startswith("error: la.toml:line 7: field demo.synthtic: value 'True': unknown key in la.toml's "
                               "[demo] table (the toolkit would ignore it): did you mean 'synthetic'?")
    assert lines[1].startswith("error: la.toml:line 9: field extras: value '(a table)': unknown key in la.toml")
    assert "did you mean" not in lines[1] and "known: name, la_code" in lines[1]


def test_la_toml_comparators_must_be_codes(tmp_path):
    # a comparator that is a table or an empty string is not a code; numbers are accepted as codes (886)
    (tmp_path / "la.toml").write_text(LA_HEAD + 'comparators = ["", 886]\n')
    with pytest.raises(InputError) as exc:
        read_la_toml(tmp_path / "la.toml", "hampshire")
    assert len(exc.value.problems) == 1 and "each comparator must be a DfE LA code" in str(exc.value)
    (tmp_path / "la.toml").write_text(LA_HEAD + 'comparators = [886, "surrey"]\n')
    assert read_la_toml(tmp_path / "la.toml", "hampshire").comparators == ("886", "surrey")


def test_la_toml_written_by_the_generators_are_valid(tmp_path):
    # the demo's la.toml has a [demo] table, the synthetic council's a [generator] table: both pass
    from reporting.generate.calibrated.care_places import la_toml
    from reporting.generate.synthetic import _la_toml
    from reporting.periods import ReportingYear

    (tmp_path / "demo.toml").write_bytes(la_toml(7))
    demo = read_la_toml(tmp_path / "demo.toml", "hampshire")
    assert demo.extra["demo"]["synthetic"] and len(demo.comparators) == 12
    (tmp_path / "synthetic.toml").write_text(_la_toml("Synthetic Shire", "999", "E10000999", "South East", 7, 1.0,
                                                      [ReportingYear(2016)], 1))
    assert read_la_toml(tmp_path / "synthetic.toml", "synthetic").extra["generator"]["seed"] == 7
