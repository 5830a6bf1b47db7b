"""The checks of ``reporting validate``: one broken value in the minimal valid folder, one clear line.

Each case edits one file of the folder built by :func:`helpers_raw.build_raw` (2016-17
unless said) and asserts the exact problem line and the exit code (1 when an error
makes the inputs unusable, 0 when there are only warnings).
"""

from __future__ import annotations

import pytest
from helpers_raw import LA, VALID_SMALL, YEAR, build_raw, edit, put, raw_files, validate

from reporting.periods import FIRST_YEAR, LAST_YEAR
from reporting.validation import checks as checks_module
from reporting.validation._common import CAP

CIN = f"{YEAR}/cin_census.xml"
HEADER = f"{YEAR}/ssda903/Header.csv"
EPISODES = f"{YEAR}/ssda903/Episodes.csv"
MISSING = f"{YEAR}/ssda903/Missing.csv"
CONTACTS = f"{YEAR}/contacts.csv"
VISITS = f"{YEAR}/cp_visits.csv"
MFH = f"{YEAR}/missing_from_home.csv"
COMPLAINTS = f"{YEAR}/complaints.csv"
S = f"{LA}/{YEAR}"
LA_TOML_FILE = "la.toml"
X = f"{S}/cin_census.xml"

# (file, old text, new text, the expected line of output, exit code)
CASES = [
    # --- CIN census: required values, dates, the collection period -------------------------------
    (CIN, "<LAchildID>C2</LAchildID>", "<LAchildID></LAchildID>",
     f"error: {X}:line 53 (Child): field LAchildID: required value missing [DfE 8500]", 1),
    (CIN, "<CINreferralDate>2016-09-01</CINreferralDate>", "",
     f"error: {X}:line 60 (Child/CINdetails): field CINreferralDate: required value missing [DfE 8600]", 1),
    (CIN, "<CPPstartDate>2016-05-20</CPPstartDate>", "",
     f"error: {X}:line 42 (Child/CINdetails/ChildProtectionPlans): field CPPstartDate: required value missing "
     "[DfE 8720]", 1),
    (CIN, "<S47ActualStartDate>2016-05-03</S47ActualStartDate>", "",
     f"error: {X}:line 37 (Child/CINdetails/Section47): field S47ActualStartDate: required value missing "
     "[DfE 8615]", 1),
    (CIN, "<CINreferralDate>2016-09-01<", "<CINreferralDate>01/09/2016<",
     f"error: {X}:line 61 (Child/CINdetails): field CINreferralDate: value '01/09/2016': not a date in the format "
     "YYYY-MM-DD (e.g. 2017-03-31)", 1),
    (CIN, "<CINreferralDate>2016-09-01<", "<CINreferralDate>2016-02-30<",
     f"error: {X}:line 61 (Child/CINdetails): field CINreferralDate: value '2016-02-30': not a valid calendar date",
     1),
    (CIN, "<CINreferralDate>2016-09-01<", "<CINreferralDate>2017-04-03<",
     f"error: {X}:line 61 (Child/CINdetails): field CINreferralDate: value '2017-04-03': after the end of the "
     "collection year (2017-03-31) [DfE 8600]", 1),
    (CIN, "<CINreferralDate>2015-11-10<", "<CINreferralDate>1015-11-10<",
     f"error: {X}:line 78 (Child/CINdetails): field CINreferralDate: value '1015-11-10': date before 1900: "
     "check the year", 1),
    (CIN, "<CINclosureDate>2016-07-31<", "<CINclosureDate>2017-05-31<",
     f"error: {X}:line 82 (Child/CINdetails): field CINclosureDate: value '2017-05-31': after the end of the "
     "collection year (2017-03-31) [DfE 8620]", 1),
    (CIN, "<PersonBirthDate>2009-11-03<", "<PersonBirthDate>2017-11-03<",
     f"warning: {X}:line 71 (Child): field PersonBirthDate: value '2017-11-03': after the end of the collection "
     "year (2017-03-31) [DfE 8520]", 0),
    (CIN, "<AssessmentAuthorisationDate>2016-06-01<", "<AssessmentAuthorisationDate>2017-06-01<",
     f"error: {X}:line 31 (Child/CINdetails/Assessments): field AssessmentAuthorisationDate: value '2017-06-01': "
     "after the end of the collection year (2017-03-31) [DfE 8696]", 1),
    # --- CIN census: end before start ---------------------------------------------------------------
    (CIN, "<CINclosureDate>2016-07-31<", "<CINclosureDate>2015-10-31<",
     f"error: {X}:line 82 (Child/CINdetails): field CINclosureDate: value '2015-10-31': CIN Closure Date is before "
     "CIN Referral Date for the same CIN episode [DfE 8630]", 1),
    (CIN, "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>",
     "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse><CPPendDate>2016-05-19</CPPendDate>",
     f"error: {X}:line 45 (Child/CINdetails/ChildProtectionPlans): field CPPendDate: value '2016-05-19': Child "
     "Protection Plan End Date earlier than Start Date [DfE 8925]", 1),
    (CIN, "<CINPlanEndDate>2016-06-30<", "<CINPlanEndDate>2015-11-30<",
     f"error: {X}:line 86 (Child/CINdetails/CINPlanDates): field CINPlanEndDate: value '2015-11-30': CIN Plan End "
     "Date earlier than Start Date [DfE 4011]", 1),
    (CIN, "<AssessmentAuthorisationDate>2016-06-01<", "<AssessmentAuthorisationDate>2016-05-01<",
     f"error: {X}:line 31 (Child/CINdetails/Assessments): field AssessmentAuthorisationDate: value '2016-05-01': "
     "AssessmentAuthorisationDate is before AssessmentActualStartDate [DfE 8608]", 1),
    (CIN, "<DateOfInitialCPC>2016-05-20<", "<DateOfInitialCPC>2016-05-02<",
     f"error: {X}:line 40 (Child/CINdetails/Section47): field DateOfInitialCPC: value '2016-05-02': the initial "
     "child protection conference is before S47ActualStartDate [DfE 8615]", 1),
    (CIN, "<S47ActualStartDate>2016-05-03<", "<S47ActualStartDate>2016-04-03<",
     f"warning: {X}:line 38 (Child/CINdetails/Section47): field S47ActualStartDate: value '2016-04-03': "
     "S47ActualStartDate is before the CINreferralDate of its episode [DfE 2889]", 0),
    # --- CIN census: codes of the collection year -----------------------------------------------------
    (CIN, "<ReferralSource>6<", "<ReferralSource>11<",
     f"error: {X}:line 26 (Child/CINdetails): field ReferralSource: value '11': code not in the 2016-17 CIN census "
     "list for ReferralSource (see the DfE code set, 22 codes) [DfE 8866]", 1),
    (CIN, "<ReasonForClosure>RC1<", "<ReasonForClosure>RC10<",
     f"error: {X}:line 83 (Child/CINdetails): field ReasonForClosure: value 'RC10': code not in the 2016-17 CIN "
     "census list for ReasonForClosure (expected one of: RC1, RC2, RC3, RC4, RC5, RC6, RC7, RC8, RC9) [DfE 8640]", 1),
    (CIN, "<InitialCategoryOfAbuse>NEG<", "<InitialCategoryOfAbuse>Neglect<",
     f"error: {X}:line 44 (Child/CINdetails/ChildProtectionPlans): field InitialCategoryOfAbuse: value 'Neglect': "
     "code not in the 2016-17 CIN census list for InitialCategoryOfAbuse (expected one of: EMO, MUL, NEG, PHY, "
     "SAB) [DfE 8905]", 1),
    (CIN, "<Ethnicity>MWBC<", "<Ethnicity>XXXX<",
     f"warning: {X}:line 58 (Child): field Ethnicity: value 'XXXX': code not in the 2016-17 CIN census list for "
     "Ethnicity (see the DfE code set, 20 codes) [DfE 4220]", 0),
    (CIN, "<Disability>NONE<", "<Disability>BLIND<",
     f"warning: {X}:line 22 (Child/ChildCharacteristics/Disabilities): field Disability: value 'BLIND': code not "
     "in the 2016-17 CIN census list for Disability (expected one of: AUT, BEH, COMM, CON, DDA, HAND, HEAR, INC, "
     "LD, MOB, NONE, PC, VIS) [DfE 8540]", 0),
    (CIN, "<AssessmentFactors>2B<", "<AssessmentFactors>99Z<",
     f"warning: {X}:line 34 (Child/CINdetails/Assessments/FactorsIdentifiedAtAssessment): field AssessmentFactors: "
     "value '99Z': code not in the 2016-17 CIN census list for AssessmentFactors (see the DfE code set, 43 codes)",
     0),
    (CIN, "<ReferralNFA>false<", "<ReferralNFA>no<",
     f"error: {X}:line 28 (Child/CINdetails): field ReferralNFA: value 'no': must be true or false (or 1 or 0) "
     "[DfE 8568]", 1),
    (CIN, "<NumberOfPreviousCPP>0<", "<NumberOfPreviousCPP>one<",
     f"error: {X}:line 46 (Child/CINdetails/ChildProtectionPlans): field NumberOfPreviousCPP: value 'one': must be "
     "a whole number (0 or more)", 1),
    (CIN, "<GenderCurrent>2</GenderCurrent>", "<Sex>F</Sex>",
     f"warning: {X}:line 55 (Child/ChildIdentifiers): field Sex: element Sex is not in the 2016-17 CIN census "
     "specification, which uses GenderCurrent (Sex replaced GenderCurrent from 2024-25)", 0),
    (CIN, "<GenderCurrent>2</GenderCurrent>", "<Sex>F</Sex>",
     f"warning: {X}:line 55 (Child): field GenderCurrent: value 'F': code not in the 2016-17 CIN census list for "
     "GenderCurrent (expected one of: 0, 1, 2, 9); it looks like a Sex code (Sex is used from 2024-25) [DfE 4180]", 0),
    (CIN, "<ReasonForClosure>RC8</ReasonForClosure>", "",
     f"error: {X}:line 60 (Child/CINdetails): field ReasonForClosure: a CIN closure date without a Reason for "
     "Closure [DfE 8805]", 1),
    (CIN, "<PrimaryNeedCode>N2</PrimaryNeedCode>", "",
     f"warning: {X}:line 77 (Child/CINdetails): field PrimaryNeedCode: Primary Need code is missing for a referral "
     "which led to further action [DfE 8610]", 0),
    # --- CIN census: children and episodes ------------------------------------------------------------
    (CIN, "<LAchildID>C3</LAchildID>", "<LAchildID>C1</LAchildID>",
     f"error: {X}:line 70 (Child): field LAchildID: value 'C1': more than one Child record with the same LA Child ID "
     "[DfE 8510]", 1),
    (CIN, "<CINreferralDate>2015-11-10</CINreferralDate>",
     "<CINreferralDate>2015-11-10</CINreferralDate></CINdetails><CINdetails><CINreferralDate>2016-02-01"
     "</CINreferralDate><ReferralNFA>false</ReferralNFA><PrimaryNeedCode>N2</PrimaryNeedCode><ReferralSource>3A"
     "</ReferralSource>",
     f"warning: {X}:line 78 (Child/CINdetails): field CINreferralDate: value '2016-02-01': the dates on the CIN "
     "episodes for this child overlap (this referral is before the previous episode's closure, or that episode is "
     "open) [DfE 8820]", 0),
    # --- CIN census: header against the folder and la.toml --------------------------------------------
    (CIN, "<Year>2017</Year>", "<Year>2018</Year>",
     f"warning: {X}:Header: field Year: value '2018': does not match the folder's year 2016-17 (expected 2017)", 0),
    (CIN, "<ReferenceDate>2017-03-31<", "<ReferenceDate>2018-03-31<",
     f"warning: {X}:Header: field ReferenceDate: value '2018-03-31': Reference Date is incorrect: expected "
     "2017-03-31 for 2016-17 [DfE 100]", 0),
    (CIN, "<LEA>850</LEA>", "<LEA>851</LEA>",
     f"warning: {X}:Header: field LEA: value '851': is not la.toml's la_code 850: is this the right council's file?",
     0),
    (CIN, "<Assessments>", "<InitialAssessment><InitialAssessmentActualStartDate>2016-05-02"
     "</InitialAssessmentActualStartDate></InitialAssessment><Assessments>",
     f"warning: {X}:line 29 (Child/CINdetails/InitialAssessment): field InitialAssessment: InitialAssessment is not "
     "in the 2016-17 CIN census specification (initial and core assessments end in 2013-14)", 0),
    # --- SSDA903 --------------------------------------------------------------------------------------
    (EPISODES, "L9,01/06/2016,S,C2,N1,U1,PR1,15/09/2016", "L9,01/06/2016,S,C2,N1,U1,PR1,15/05/2016",
     f"error: {S}/ssda903/Episodes.csv:line 2: field DEC: value '15/05/2016': The date the episode ceased is before "
     "the date the same episode started [DfE 356]", 1),
    (EPISODES, "20/02/2017,E13", "20/04/2017,E13",
     f"error: {S}/ssda903/Episodes.csv:line 4: field DEC: value '20/04/2017': after the end of the collection year "
     "(31/03/2017) [DfE 385]", 1),
    (EPISODES, "20/02/2017,E13", "20/02/2017,",
     f"error: {S}/ssda903/Episodes.csv:line 4: field REC: Date episode ceased and reason episode ceased must both be "
     "coded, or both left blank (DEC given, REC blank) [DfE 148]", 1),
    (EPISODES, "L8,10/01/2016,S,V2", "L8,10/01/2016,S,",
     f"error: {S}/ssda903/Episodes.csv:line 4: field LS: required value missing", 1),
    (EPISODES, "L9,15/09/2016,P,C2,N1,U1", "L9,15/09/2016,P,C2,N1,Q2",
     f"error: {S}/ssda903/Episodes.csv:line 3: field PLACE: value 'Q2': code not in the 2016-17 SSDA903 list for "
     "PLACE (see the DfE code set, 26 codes); it is a code of other collection years [DfE 146]", 1),
    (EPISODES, "20/02/2017,E13", "20/02/2017,E99",
     f"error: {S}/ssda903/Episodes.csv:line 4: field REC: value 'E99': code not in the 2016-17 SSDA903 list for "
     "REC (see the DfE code set, 24 codes) [DfE 149]", 1),
    (EPISODES, "X1,,,,,IN", "X1,,,,,ABROAD",
     f"error: {S}/ssda903/Episodes.csv:line 2: field PL_LOCATION: value 'ABROAD': code not in the 2016-17 SSDA903 "
     "list for PL_LOCATION (expected one of: IN, OUT) [DfE 179]", 1),
    (EPISODES, "L9,15/09/2016,P", "L9,14/09/2016,P",
     f"error: {S}/ssda903/Episodes.csv:line 3: field DECOM: value '14/09/2016': A new episode has started before "
     "the end date of the previous episode [DfE 501]", 1),
    (EPISODES, "L9,01/06/2016,S,C2,N1,U1,PR1,15/09/2016,X1", "L9,01/06/2016,S,C2,N1,U1,PR1,,",
     f"error: {S}/ssda903/Episodes.csv:line 3: field DECOM: value '15/09/2016': A new episode has started, but the "
     "previous episode has not ended (no DEC) [DfE 142]", 1),
    (EPISODES, "L9,15/09/2016,P", "L9,01/06/2016,P",
     f"error: {S}/ssda903/Episodes.csv:line 3: field DECOM: value '01/06/2016': duplicate episode: same CHILD and "
     "DECOM as another row", 1),
    (EPISODES, "L8,10/01/2016", "L7,10/01/2016",
     f"error: {S}/ssda903/Episodes.csv:line 4: field CHILD: value 'L7': child has episodes but no row in Header.csv",
     1),
    (EPISODES, "L8,10/01/2016", "L8,10/01/1988",
     f"warning: {S}/ssda903/Episodes.csv:line 4: field DECOM: value '10/01/1988': no episode can start before 14 "
     "October 1991 [DfE 353]", 0),
    (HEADER, "L8,1,14/02/2004", "L9,1,14/02/2004",
     f"error: {S}/ssda903/Header.csv:line 3: field CHILD: value 'L9': child appears more than once in Header", 1),
    (HEADER, "L8,1,14/02/2004,BAFR", "L8,M,14/02/2004,BAFR",
     f"warning: {S}/ssda903/Header.csv:line 3: field SEX: value 'M': code not in the 2016-17 SSDA903 list for SEX "
     "(expected one of: 1, 2) [DfE 101]", 0),
    (HEADER, "L8,1,14/02/2004", "L8,1,14/02/2018",
     f"warning: {S}/ssda903/Header.csv:line 3: field DOB: value '14/02/2018': after the end of the collection year "
     "(31/03/2017) [DfE 301]", 0),
    (MISSING, "01/10/2016,02/10/2016", "01/10/2016,30/09/2016",
     f"error: {S}/ssda903/Missing.csv:line 2: field MIS_END: value '30/09/2016': the date the missing or away "
     "episode ended is before the date it started [DfE 567]", 1),
    (MISSING, "L9,03/03/2008,M,", "L9,03/03/2008,X,",
     f"error: {S}/ssda903/Missing.csv:line 2: field MISSING: value 'X': code not in the 2016-17 SSDA903 list for "
     "MISSING (expected one of: A, M) [DfE 1006]", 1),
    # --- Contacts (Annex A) ----------------------------------------------------------------------------
    (CONTACTS, "C2,b) Female", ",b) Female",
     f"error: {S}/contacts.csv:line 3: field Child Unique ID: required value missing", 1),
    (CONTACTS, ",30/08/2016,", ",,",
     f"error: {S}/contacts.csv:line 3: field Date of Contact: required value missing", 1),
    (CONTACTS, "28/02/2010", "28/02/2019",
     f"warning: {S}/contacts.csv:line 2: field Date of Birth: value '28/02/2019': date of birth after the end of "
     "the reporting year (31/03/2017)", 0),
    (CONTACTS, ",11,", ",eleven,",
     f"warning: {S}/contacts.csv:line 3: field Age of Child (Years): value 'eleven': must be a whole number of years "
     "(0 to 99)", 0),
    (CONTACTS, "30/08/2016", "30/08/2017",
     f"warning: {S}/contacts.csv:line 3: field Date of Contact: value '30/08/2017': 1 of the 3 contacts are dated "
     "outside 2016-17 (01/04/2016 to 31/03/2017) and are not counted for this year", 0),
    # --- Local extracts ----------------------------------------------------------------------------------
    (COMPLAINTS, "CMP1,2016-06-01,1,true,2016-06-10", "CMP1,2016-06-01,1,true,2016-05-10",
     f"error: {S}/complaints.csv:line 2: field ResponseDate: value '2016-05-10': the response is dated before the "
     "complaint was received (ReceivedDate)", 1),
    (COMPLAINTS, "CMP2,2016-11-01,2,", "CMP2,2016-11-01,4,",
     f"error: {S}/complaints.csv:line 3: field Stage: value '4': code not in the template's list for Stage "
     "(expected one of: 1, 2, 3)", 1),
    (COMPLAINTS, "2,false,,false", "2,yes,,false",
     f"error: {S}/complaints.csv:line 3: field FromChild: value 'yes': must be true or false", 1),
    (COMPLAINTS, "2,false,,false", "2,false,,Y",
     f"error: {S}/complaints.csv:line 3: field ExtensionAgreed: value 'Y': must be true or false", 1),
    (COMPLAINTS, "2,false,,false", "2,,,false",
     f"error: {S}/complaints.csv:line 3: field FromChild: required value missing", 1),
    (COMPLAINTS, "CMP2,", "CMP1,",
     f"error: {S}/complaints.csv:line 3: field ComplaintID: value 'CMP1': duplicate: the same id appears on more "
     "than one row", 1),
    (COMPLAINTS, "CMP2,2016-11-01", "CMP2,2017-11-01",
     f"warning: {S}/complaints.csv:line 3: field ReceivedDate: value '2017-11-01': after the end of the reporting "
     "year (2017-03-31): not counted for this year", 0),
    (MFH, "2016-10-03,2016-10-04", "2016-10-03,2016-10-02",
     f"error: {S}/missing_from_home.csv:line 2: field MissingEnd: value '2016-10-02': the missing episode ends "
     "before it starts (MissingStart)", 1),
    (MFH, "2016-10-03,", "03/10/2016,",
     f"error: {S}/missing_from_home.csv:line 2: field MissingStart: value '03/10/2016': not a date in the format "
     "YYYY-MM-DD (e.g. 2017-03-31)", 1),
    (VISITS, "C1,2016-05-20,2016-06-08", "C1,2016-05-20,2016-05-08",
     f"warning: {S}/cp_visits.csv:line 3: field VisitDate: value '2016-05-08': the visit is before the start of its "
     "plan (CPPstartDate)", 0),
    # --- Across files ------------------------------------------------------------------------------------------
    (VISITS, "C1,2016-05-20,2016-06-08", "C1,2016-05-21,2016-06-08",
     f"warning: {S}/cp_visits.csv:line 3: field CPPstartDate: value '2016-05-21': no child protection plan with this "
     "LAchildID and CPPstartDate in the CIN census (the visit cannot be tied to a plan)", 0),
    # --- la.toml against DfE's published files (data/external/dfe) --------------------------------------------
    # 999 is no council in DfE's files: an error (not a silent switch to the region's councils), with the closest
    (LA_TOML_FILE, '["851", "852"]', '["999", "852"]',
     f"error: {LA}/la.toml:line 5: field comparators: value '999': not a council in DfE's published files "
     "(data/external/dfe): give a 3-digit DfE code, a council slug or an ONS code; closest: 929 (Northumberland, "
     "slug northumberland); 919 (Hertfordshire, slug hertfordshire); 909 (Cumbria, slug cumbria)", 1),
    # a misspelt slug: the closest council is Surrey
    (LA_TOML_FILE, '["851", "852"]', '["851", "surey"]',
     f"error: {LA}/la.toml:line 5: field comparators: value 'surey': not a council in DfE's published files "
     "(data/external/dfe): give a 3-digit DfE code, a council slug or an ONS code; closest: 936 (Surrey, slug "
     "surrey); 351 (Bury, slug bury); 332 (Dudley, slug dudley); 305 (Bromley, slug bromley)", 1),
    # "southampton" is 852 again: the same council twice
    (LA_TOML_FILE, '["851", "852"]', '["851", "852", "southampton"]',
     f"error: {LA}/la.toml:line 5: field comparators: value 'southampton': Southampton (852) is listed more than "
     "once (as '852'): list each comparator once", 1),
    # la_code is 850 (Hampshire): a council is not its own comparator
    (LA_TOML_FILE, '["851", "852"]', '["851", "hampshire"]',
     f"error: {LA}/la.toml:line 5: field comparators: value 'hampshire': is the council itself (Hampshire, "
     "la_code 850): a council is not its own comparator; remove it", 1),
    # the key itself misspelt: the reader names the closest key (and the comparators are not lost silently)
    (LA_TOML_FILE, "comparators =", "comparitors =",
     f"error: {LA}/la.toml:line 5: field comparitors: value \"['851', '852']\": unknown key in la.toml (the "
     "toolkit would ignore it): did you mean 'comparators'? (known: name, la_code, la_code_9, region, comparators, "
     "demo, generator)", 1),
]


def _lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln]


@pytest.mark.parametrize("rel, old, new, expected, exit_code", CASES,
                         ids=[f"{i}-{c[0].rsplit('/', 1)[-1]}" for i, c in enumerate(CASES)])
def test_one_broken_value(tmp_path, capsys, rel, old, new, expected, exit_code):
    root = build_raw(tmp_path)
    edit(root, rel, old, new)
    code, out, _ = validate(capsys, root)
    assert expected in _lines(out), out
    assert code == exit_code, out


@pytest.mark.parametrize("first", range(FIRST_YEAR, LAST_YEAR + 1))
def test_valid_folder_in_every_collection_year(tmp_path, capsys, first):
    year = f"{first}-{(first + 1) % 100:02d}"
    root = build_raw(tmp_path, year)
    code, out, err = validate(capsys, root, year=year)
    assert (code, out) == (0, ""), out
    assert err.strip() == f"{LA} {year}: 0 error(s), 0 warning(s)"


def test_valid_small_fixture_matches_helper_and_validates(capsys):
    on_disk = {str(p.relative_to(VALID_SMALL)): p.read_text(encoding="utf-8")
               for p in VALID_SMALL.rglob("*") if p.is_file()}
    assert on_disk == raw_files(YEAR)
    code, out, _ = validate(capsys, VALID_SMALL)
    assert (code, out) == (0, "")


def test_gendercurrent_in_a_2024_25_file(tmp_path, capsys):
    root = build_raw(tmp_path, "2024-25")
    edit(root, "2024-25/cin_census.xml", "<Sex>F</Sex>", "<GenderCurrent>2</GenderCurrent>")
    code, out, _ = validate(capsys, root, year="2024-25")
    x = f"{LA}/2024-25/cin_census.xml"
    assert code == 0
    assert (f"warning: {x}:line 55 (Child/ChildIdentifiers): field GenderCurrent: element GenderCurrent is not in "
            "the 2024-25 CIN census specification, which uses Sex (Sex replaced GenderCurrent from 2024-25)"
            ) in _lines(out)
    assert (f"warning: {x}:line 55 (Child): field Sex: value '2': code not in the 2024-25 CIN census list for Sex "
            "(expected one of: F, M, U); it looks like a GenderCurrent code (GenderCurrent is used before 2024-25) "
            "[DfE 4180]") in _lines(out)


def test_codes_of_an_earlier_year(tmp_path, capsys):
    """Q1 foster placements were replaced by U1-U6 in 2014-15; REASON_PLACE_CHANGE starts in 2015-16."""
    root = build_raw(tmp_path, "2014-15")
    ep = "2014-15/ssda903/Episodes.csv"
    edit(root, ep, "L9,15/09/2014,P,C2,N1,U1,PR1,,,,", "L9,15/09/2014,P,C2,N1,U1,PR1,,,CARPL,")
    code, out, _ = validate(capsys, root, year="2014-15")
    assert code == 0
    assert (f"warning: {LA}/2014-15/ssda903/Episodes.csv:line 3: field REASON_PLACE_CHANGE: value 'CARPL': code not "
            "in the 2014-15 SSDA903 list for REASON_PLACE_CHANGE (no code is valid for this field in that year); "
            "REASON_PLACE_CHANGE is collected from 2015-16; it is a code of other collection years [DfE 1009]"
            ) in _lines(out)


def test_single_assessment_before_2013_14(tmp_path, capsys):
    root = build_raw(tmp_path, "2012-13")
    edit(root, "2012-13/cin_census.xml", "<InitialAssessment>",
         "<Assessments><AssessmentActualStartDate>2012-05-02</AssessmentActualStartDate></Assessments>"
         "<InitialAssessment>")
    code, out, _ = validate(capsys, root, year="2012-13")
    assert code == 0
    assert (f"warning: {LA}/2012-13/cin_census.xml:line 29 (Child/CINdetails/Assessments): field Assessments: the "
            "single assessment (Assessments) is not in the 2012-13 CIN census specification (it starts in 2013-14)"
            ) in _lines(out)


def test_contacts_all_outside_the_year(tmp_path, capsys):
    root = build_raw(tmp_path)
    edit(root, CONTACTS, "/2016,", "/2015,", count=3)
    edit(root, CONTACTS, "15/01/2017", "15/01/2016")
    code, out, _ = validate(capsys, root)
    assert code == 0
    assert (f"warning: {S}/contacts.csv:line 2: field Date of Contact: value '28/04/2015': none of the 3 contacts is "
            "dated in 2016-17 (01/04/2016 to 31/03/2017): is this the right year's file?") in _lines(out)


def test_empty_rows_are_warnings_not_missing_values(tmp_path, capsys):
    root = build_raw(tmp_path)
    put(root, CONTACTS, (root / CONTACTS).read_text() + ",,,,,,\n")
    put(root, COMPLAINTS, (root / COMPLAINTS).read_text() + ",,,,,\n")
    code, out, _ = validate(capsys, root)
    assert code == 0
    assert _lines(out) == [
        f"warning: {S}/complaints.csv:line 4: empty row (every value blank)",
        f"warning: {S}/contacts.csv:line 5: empty row (every value blank)",
    ]


def test_messages_are_capped_per_file_field_and_rule(tmp_path, capsys):
    root = build_raw(tmp_path)
    n = 120
    rows = "".join(f"Z{i},a) Male,WBRI,01/01/2012,5,2016-06-{1 + i % 28:02d},Police\n" for i in range(n))
    put(root, CONTACTS, (root / CONTACTS).read_text() + rows)
    code, out, _ = validate(capsys, root)
    lines = [ln for ln in _lines(out) if "field Date of Contact" in ln]
    assert code == 1
    assert len(lines) == CAP + 1
    assert lines[0].startswith(f"error: {S}/contacts.csv:line 5: field Date of Contact: value '2016-06-01': not a "
                               "date in the format dd/mm/yyyy")
    last_shown = 4 + CAP
    assert lines[-1] == (f"error: {S}/contacts.csv:lines after {last_shown}: field Date of Contact: {n - CAP} more "
                         "value(s) break this rule (not shown): not a date in the format dd/mm/yyyy (e.g. 31/03/2017)")


def test_validate_writes_nothing(tmp_path, capsys, monkeypatch):
    root = build_raw(tmp_path / "raw")
    edit(root, CONTACTS, "30/08/2016", "2016-08-30")
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)

    def snapshot():
        return sorted((str(p.relative_to(tmp_path)), p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))

    before = snapshot()
    code, out, _ = validate(capsys, root)
    assert code == 1 and out
    assert snapshot() == before


def test_a_failing_check_is_an_error_not_a_traceback(tmp_path, capsys, monkeypatch):
    def check_that_breaks(council, inputs):
        raise KeyError("surprise")

    monkeypatch.setattr(checks_module, "CHECKS", [*checks_module.CHECKS, check_that_breaks])
    root = build_raw(tmp_path)
    code, out, _ = validate(capsys, root)
    assert code == 1
    assert (f"error: {YEAR}: internal error in check check_that_breaks (KeyError: 'surprise'); the inputs could not "
            "be fully checked, please report this") in _lines(out)


@pytest.mark.parametrize("year", ["2014-15", "2015-16", "2016-17", "2017-18"])
def test_synthetic_council_has_no_errors(small_council, year):
    """The generator writes each year's codes and elements: validation finds no error in them."""
    from reporting.validation import validate_year

    errors = [str(p) for p in validate_year(small_council, "synthetic", year) if p.severity == "error"]
    assert errors == []


def test_comparators_unchecked_without_dfe_files_is_a_warning(tmp_path, capsys, monkeypatch):
    # DfE's files absent ($REPORTING_DFE_DIR points at an empty folder): the comparators cannot be
    # checked, which is said once as a warning; the inputs stay usable (exit 0)
    empty = tmp_path / "no_dfe"
    empty.mkdir()
    monkeypatch.setenv("REPORTING_DFE_DIR", str(empty))
    root = build_raw(tmp_path)
    code, out, _ = validate(capsys, root)
    assert code == 0
    assert _lines(out) == [
        f"warning: {LA}/la.toml:line 5: field comparators: value '851, 852': not checked: DfE's published "
        "statistics could not be read (published table 'c1': no file c1_children_in_need_referrals_and_rereferrals_*"
        f".csv in {empty}), so whether each comparator is a council in DfE's files is unknown; the report's "
        "benchmarking section needs those files too"]


def test_demo_la_toml_validates(tmp_path, capsys):
    # the demo's la.toml (12 shire counties including Dorset's pre-2019 code 835, and a [demo] table) is valid
    from reporting.generate.calibrated.care_places import la_toml

    root = build_raw(tmp_path)
    put(root, "la.toml", la_toml(7))
    code, out, _ = validate(capsys, root)
    assert (code, out) == (0, "")
