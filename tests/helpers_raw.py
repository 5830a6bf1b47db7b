"""Build a minimal VALID raw folder (``la.toml``, ``population.csv``, one year folder) in a test's tmp_path.

The files are tiny hand-written strings, written in the codes and elements of the
collection year asked for (``GenderCurrent`` before 2024-25 and ``Sex`` after, initial
assessments before 2013-14, U1 foster placements from 2014-15, ...), so the folder
validates with no error and no warning in any supported year. Tests then break one file
(:func:`edit`, :func:`put`) and run ``reporting validate`` through :func:`validate`.

``tests/fixtures/valid_small/`` is this folder for 2016-17, kept on disk for trying the
command by hand (``reporting validate --la small --year 2016-17 --raw-dir
tests/fixtures/valid_small``); a test checks that it matches :func:`raw_files`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from reporting.cli import main
from reporting.periods import ReportingYear
from reporting.schema import cin_spec, ssda903_spec

FIXTURES = Path(__file__).parent / "fixtures"
VALID_SMALL = FIXTURES / "valid_small"
HOSTILE = FIXTURES / "hostile"
LA = "small"
YEAR = "2016-17"

LA_TOML = """name = "Small Test Council"
la_code = "850"
la_code_9 = "E10000014"
region = "South East"
comparators = ["851", "852"]
"""

POPULATION = """mid_year,population_0_17,source
{y0},280000,ONS mid-year estimate
"""

CIN_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>{y1}</Year>
      <ReferenceDate>{y1}-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <LEA>850</LEA>
    </Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>C1</LAchildID>
        <PersonBirthDate>2010-02-28</PersonBirthDate>
        <{sex}>{male}</{sex}>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>{y0}-05-01</CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <ReferralNFA>false</ReferralNFA>
{assessment}
        <Section47>
          <S47ActualStartDate>{y0}-05-03</S47ActualStartDate>
          <InitialCPCtarget>{y0}-05-24</InitialCPCtarget>
          <DateOfInitialCPC>{y0}-05-20</DateOfInitialCPC>
        </Section47>
        <ChildProtectionPlans>
          <CPPstartDate>{y0}-05-20</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
{previous_cpp}
          <Reviews><CPPreviewDate>{y0}-08-01</CPPreviewDate></Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>C2</LAchildID>
        <PersonBirthDate>2005-07-14</PersonBirthDate>
        <{sex}>{female}</{sex}>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>MWBC</Ethnicity>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>{y0}-09-01</CINreferralDate>
        <ReferralSource>2A</ReferralSource>
        <ReferralNFA>true</ReferralNFA>
        <CINclosureDate>{y0}-09-01</CINclosureDate>
        <ReasonForClosure>RC8</ReasonForClosure>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>C3</LAchildID>
        <PersonBirthDate>2009-11-03</PersonBirthDate>
        <{sex}>{male}</{sex}>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>ABAN</Ethnicity>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>{yp}-11-10</CINreferralDate>
        <ReferralSource>3A</ReferralSource>
        <PrimaryNeedCode>N2</PrimaryNeedCode>
        <ReferralNFA>false</ReferralNFA>
        <CINclosureDate>{y0}-07-31</CINclosureDate>
        <ReasonForClosure>RC1</ReasonForClosure>
        <CINPlanDates>
          <CINPlanStartDate>{yp}-12-01</CINPlanStartDate>
          <CINPlanEndDate>{y0}-06-30</CINPlanEndDate>
        </CINPlanDates>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""

SINGLE_ASSESSMENT = """        <Assessments>
          <AssessmentActualStartDate>{y0}-05-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>{y0}-06-01</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>1A</AssessmentFactors>
            <AssessmentFactors>2B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>"""
INITIAL_ASSESSMENT = """        <InitialAssessment>
          <InitialAssessmentActualStartDate>{y0}-05-02</InitialAssessmentActualStartDate>
          <InitialAssessmentCompletionDate>{y0}-05-10</InitialAssessmentCompletionDate>
        </InitialAssessment>"""
PREVIOUS_CPP = "          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>"

HEADER_903 = """CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
L9,2,03/03/2008,WBRI,,,
L8,1,14/02/2004,BAFR,,,
"""
EPISODES_903 = """CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN,PL_LOCATION
L9,01/06/{y0},S,C2,N1,{foster},PR1,15/09/{y0},X1,,,,,IN
L9,15/09/{y0},P,C2,N1,{foster},PR1,,,{reason},,,,OUT
L8,10/01/{y0},S,V2,N1,K2,PR1,20/02/{y1},E13,,,,,IN
"""
MISSING_903 = """CHILD,DOB,MISSING,MIS_START,MIS_END
L9,03/03/2008,M,01/10/{y0},02/10/{y0}
"""
CONTACTS = """Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of Contact,Contact Source
C1,a) Male,WBRI,28/02/2010,6,28/04/{y0},Police
C2,b) Female,MWBC,14/07/2005,11,30/08/{y0},School
X7,a) Male,WBRI,01/01/2012,5,15/01/{y1},Health visitor
"""
CP_VISITS = """LAchildID,CPPstartDate,VisitDate
C1,{y0}-05-20,{y0}-05-27
C1,{y0}-05-20,{y0}-06-08
"""
MISSING_FROM_HOME = """LAchildID,MissingStart,MissingEnd
C2,{y0}-10-03,{y0}-10-04
"""
COMPLAINTS = """ComplaintID,ReceivedDate,Stage,FromChild,ResponseDate,ExtensionAgreed
CMP1,{y0}-06-01,1,true,{y0}-06-10,false
CMP2,{y0}-11-01,2,false,,false
"""


def raw_files(year: str = YEAR) -> dict[str, str]:
    """Relative path -> text of every file of a minimal valid raw folder for ``year``."""
    y = ReportingYear.parse(year)
    cin, s903 = cin_spec(y), ssda903_spec(y)
    male, female = ("M", "F") if cin.sex_element == "Sex" else ("1", "2")
    v = {"y0": y.first, "y1": y.first + 1, "yp": y.first - 1}
    assessment = (SINGLE_ASSESSMENT if cin.single_assessment else INITIAL_ASSESSMENT).format(**v)
    xml = CIN_XML.format(**v, sex=cin.sex_element, male=male, female=female, assessment=assessment,
                         previous_cpp=PREVIOUS_CPP if cin.previous_cpp else "")
    xml = "\n".join(line for line in xml.split("\n") if line.strip()) + "\n"
    foster = "U1" if "U1" in s903.placement_codes else "Q1"
    ep = EPISODES_903.format(**v, foster=foster, reason="CARPL" if s903.reason_place_change else "")
    folder = y.label
    return {
        "la.toml": LA_TOML,
        "population.csv": POPULATION.format(**v),
        f"{folder}/cin_census.xml": xml,
        f"{folder}/ssda903/Header.csv": HEADER_903,
        f"{folder}/ssda903/Episodes.csv": ep,
        f"{folder}/ssda903/Missing.csv": MISSING_903.format(**v),
        f"{folder}/contacts.csv": CONTACTS.format(**v),
        f"{folder}/cp_visits.csv": CP_VISITS.format(**v),
        f"{folder}/missing_from_home.csv": MISSING_FROM_HOME.format(**v),
        f"{folder}/complaints.csv": COMPLAINTS.format(**v),
    }


def build_raw(tmp_path: Path, year: str = YEAR) -> Path:
    """Write a minimal valid raw folder under ``tmp_path/small`` and return it."""
    root = tmp_path / LA
    for rel, text in raw_files(year).items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8", newline="\n")
    return root


def year_folder(root: Path, year: str = YEAR) -> Path:
    return root / year


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in one file of the raw folder (``old`` must be there)."""
    p = root / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    p.write_text(text.replace(old, new, count), encoding="utf-8", newline="\n")


def put(root: Path, rel: str, content: bytes | str | Path) -> Path:
    """Replace one file of the raw folder by ``content`` (bytes, text, or a fixture file to copy)."""
    p = root / rel
    if p.is_dir():
        shutil.rmtree(p)
    elif p.exists():
        p.unlink()
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, Path):
        shutil.copyfile(content, p)
    elif isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8", newline="\n")
    return p


def validate(capsys, root: Path, year: str = YEAR, la: str = LA) -> tuple[int, str, str]:
    """Run ``reporting validate`` on ``root``: exit code, standard output, standard error."""
    capsys.readouterr()
    code = main(["validate", "--la", la, "--year", year, "--raw-dir", str(root)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err
