"""Validation of a large council's year takes seconds, and its output stays capped.

A year of a large council (about 20,000 referrals, 100,000 contacts, 40,000 CP visits,
6,000 SSDA903 episodes) is built by repeating the rows of the minimal valid folder with
new ids; then every contact date is broken, so that the cap is exercised at scale too.
"""

from __future__ import annotations

import time

import pytest
from helpers_raw import YEAR, build_raw, put

from reporting.readers import read_council, read_year
from reporting.validation import validate_year
from reporting.validation._common import CAP
from reporting.validation.checks import run_checks

N_CHILDREN = 20_000
N_CONTACTS = 100_000
N_VISITS = 40_000
N_LOOKED_AFTER = 3_000


def _big_cin(n: int) -> str:
    child = """<Child><ChildIdentifiers><LAchildID>B{i}</LAchildID><PersonBirthDate>2008-0{m}-1{d}</PersonBirthDate>
<GenderCurrent>{s}</GenderCurrent></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
<CINdetails><CINreferralDate>2016-0{m}-1{d}</CINreferralDate><ReferralSource>6</ReferralSource>
<PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
<Assessments><AssessmentActualStartDate>2016-0{m}-2{d}</AssessmentActualStartDate>
<AssessmentAuthorisationDate>2016-1{d}-01</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment>
<AssessmentFactors>1A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
<Section47><S47ActualStartDate>2016-0{m}-2{d}</S47ActualStartDate><DateOfInitialCPC>2016-1{d}-02</DateOfInitialCPC>
</Section47><ChildProtectionPlans><CPPstartDate>2016-1{d}-02</CPPstartDate><InitialCategoryOfAbuse>NEG
</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse><NumberOfPreviousCPP>0
</NumberOfPreviousCPP><Reviews><CPPreviewDate>2017-01-1{d}</CPPreviewDate></Reviews></ChildProtectionPlans>
</CINdetails></Child>
"""
    body = "".join(child.format(i=i, m=4 + i % 5, d=i % 2, s=1 + i % 2) for i in range(n))
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message><Header><CollectionDetails><Collection>CIN"
            "</Collection><Year>2017</Year><ReferenceDate>2017-03-31</ReferenceDate></CollectionDetails>"
            f"<Source><LEA>850</LEA></Source></Header>\n<Children>\n{body}</Children></Message>\n")


def _big_folder(tmp_path):
    root = build_raw(tmp_path)
    y = root / YEAR
    put(root, f"{YEAR}/cin_census.xml", _big_cin(N_CHILDREN))
    head = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of Contact,Contact Source\n"
    put(root, f"{YEAR}/contacts.csv", head + "".join(
        f"B{i % N_CHILDREN},a) Male,WBRI,01/01/2010,6,{1 + i % 28:02d}/{4 + i % 9:02d}/2016,Police\n"
        for i in range(N_CONTACTS)))
    put(root, f"{YEAR}/cp_visits.csv", "LAchildID,CPPstartDate,VisitDate\n" + "".join(
        f"B{i % N_CHILDREN},2016-1{i % N_CHILDREN % 2}-02,2016-12-{1 + i % 28:02d}\n" for i in range(N_VISITS)))
    hdr = (y / "ssda903/Header.csv").read_text()
    eps = (y / "ssda903/Episodes.csv").read_text()
    put(root, f"{YEAR}/ssda903/Header.csv", hdr + "".join(f"LA{i},1,03/03/2008,WBRI,,,\n"
                                                          for i in range(N_LOOKED_AFTER)))
    put(root, f"{YEAR}/ssda903/Episodes.csv", eps + "".join(
        f"LA{i},01/06/2016,S,C2,N1,U1,PR1,15/09/2016,X1,,,,,IN\nLA{i},15/09/2016,P,C2,N1,U1,PR1,,,CARPL,,,,OUT\n"
        for i in range(N_LOOKED_AFTER)))
    return root


@pytest.mark.slow
def test_large_year_validates_in_seconds(tmp_path):
    root = _big_folder(tmp_path)
    council, inputs = read_council(root, "small"), read_year(root, YEAR)
    assert len(inputs.contacts.raw) == N_CONTACTS and len(inputs.cin.raw["children"]) == N_CHILDREN
    t0 = time.perf_counter()
    problems = run_checks(council, inputs)
    checks_seconds = time.perf_counter() - t0
    assert [str(p) for p in problems] == []
    assert checks_seconds < 5, f"checks took {checks_seconds:.1f} s"

    t0 = time.perf_counter()
    assert validate_year(root, "small", YEAR) == []
    assert time.perf_counter() - t0 < 10


@pytest.mark.slow
def test_large_year_with_every_contact_date_broken_stays_capped(tmp_path):
    root = _big_folder(tmp_path)
    path = root / YEAR / "contacts.csv"
    path.write_text(path.read_text().replace("/2016,Police", "/16,Police"))
    t0 = time.perf_counter()
    problems = validate_year(root, "small", YEAR)
    assert time.perf_counter() - t0 < 10
    contact = [p for p in problems if p.field == "Date of Contact"]
    assert len(contact) == CAP + 1
    assert contact[-1].rule.startswith(f"{N_CONTACTS - CAP} more value(s) break this rule (not shown)")
