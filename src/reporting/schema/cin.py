"""CIN census XML: element names and code lists by collection year.

Source: DfE "Children in need census" specifications, 2011-12 to 2025-26. The
message is ``Message/Header`` + ``Message/Children/Child``; each ``Child`` holds
``ChildIdentifiers``, ``ChildCharacteristics`` and one ``CINdetails`` per CIN
episode, which in turn holds ``Assessments``, ``CINPlanDates``, ``Section47`` and
``ChildProtectionPlans`` (with ``Reviews``).

Yearly changes recorded here:

* 2011-12 to 2013-14: *initial* and *core* assessments. DfE collected their start and
  completion dates; this toolkit represents them inside ``CINdetails`` as
  ``InitialAssessment`` and ``CoreAssessment`` elements (see ``docs/assumptions.md``).
* 2013-14: the single (child and family) assessment, module ``Assessments``, starts;
  2013-14 is a transition year carrying both kinds.
* 2013-14: ``NumberOfPreviousCPP``; ``FactorsIdentifiedAtAssessment``.
* 2014-15: initial and core assessments end.
* 2024-25: ``GenderCurrent`` (0 not known, 1 male, 2 female, 9 not stated) is replaced
  by ``Sex`` (M, F, U).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reporting.periods import ReportingYear
from reporting.schema._versioning import apply_changes

ETHNICITY_CODES = frozenset(
    "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH "
    "BCRB BAFR BOTH CHNE OOTH REFU NOBT".split()
)
REFERRAL_SOURCE_GROUPS: dict[str, tuple[str, ...]] = {
    "individual": ("1A", "1B", "1C", "1D"),
    "education": ("2A", "2B"),
    "health": ("3A", "3B", "3C", "3D", "3E", "3F"),
    "housing": ("4",),
    "la_services": ("5A", "5B", "5C", "5D"),
    "police": ("6",),
    "other_legal": ("7",),
    "other": ("8",),
    "anonymous": ("9",),
    "unknown": ("10",),
}
ABUSE_CATEGORIES = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})
FACTOR_CODES = frozenset(
    "1A 1B 1C 2A 2B 2C 3A 3B 3C 4A 4B 4C 5A 5B 5C 6A 6B 6C 7A 8B 8C 8D 8E 8F "
    "9A 10A 11A 12A 13A 14A 15A 16A 17A 18B 18C 19A 19B 19C 20 21 22A 23A 24A".split()
)
DISABILITY_CODES = frozenset("NONE MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA".split())

BASE: dict = {
    "sex_element": "GenderCurrent",
    "sex_codes": frozenset({"0", "1", "2", "9"}),
    "ethnicity_codes": ETHNICITY_CODES,
    "referral_source_codes": frozenset(c for g in REFERRAL_SOURCE_GROUPS.values() for c in g),
    "primary_need_codes": frozenset(f"N{i}" for i in range(1, 10)),
    "closure_reason_codes": frozenset(f"RC{i}" for i in range(1, 9)),
    "abuse_categories": ABUSE_CATEGORIES,
    "factor_codes": frozenset(),
    "disability_codes": DISABILITY_CODES,
    "upn_unknown_codes": frozenset(f"UN{i}" for i in range(1, 11)),
    "initial_core_assessments": True,
    "single_assessment": False,
    "previous_cpp": False,
}
CHANGES: dict[str, dict] = {
    "2013-14": {
        "single_assessment": True,
        "previous_cpp": True,
        "factor_codes": FACTOR_CODES,
    },
    "2014-15": {
        "initial_core_assessments": False,
        "closure_reason_codes": ("+", {"RC9"}),
    },
    "2024-25": {
        "sex_element": "Sex",
        "sex_codes": frozenset({"M", "F", "U"}),
    },
}

# Element names (fixed across the years supported, except the sex element above).
CHILD = "Child"
HEADER_FIELDS = {"Collection": "collection", "Year": "year", "ReferenceDate": "reference_date", "LEA": "lea"}
CHILD_IDENTIFIERS = "ChildIdentifiers"
CHILD_CHARACTERISTICS = "ChildCharacteristics"
CIN_DETAILS = "CINdetails"
ASSESSMENTS = "Assessments"
INITIAL_ASSESSMENT = "InitialAssessment"
CORE_ASSESSMENT = "CoreAssessment"
FACTORS = "FactorsIdentifiedAtAssessment"
CIN_PLAN_DATES = "CINPlanDates"
SECTION47 = "Section47"
CP_PLANS = "ChildProtectionPlans"
REVIEWS = "Reviews"
DISABILITIES = "Disabilities"

# element -> tidy column, per module. Dates are the columns ending in ``_date``.
CHILD_FIELDS = {
    "LAchildID": "child_id",
    "UPN": "upn",
    "FormerUPN": "former_upn",
    "UPNunknown": "upn_unknown",
    "PersonBirthDate": "birth_date",
    "ExpectedPersonBirthDate": "expected_birth_date",
    "GenderCurrent": "sex",
    "Sex": "sex",
    "PersonDeathDate": "death_date",
    "Ethnicity": "ethnicity",
}
EPISODE_FIELDS = {
    "CINreferralDate": "referral_date",
    "ReferralSource": "referral_source",
    "PrimaryNeedCode": "primary_need",
    "CINclosureDate": "closure_date",
    "ReasonForClosure": "closure_reason",
    "DateOfInitialCPC": "icpc_date",
    "ReferralNFA": "referral_nfa",
}
ASSESSMENT_FIELDS = {
    "AssessmentActualStartDate": "start_date",
    "AssessmentInternalReviewDate": "review_date",
    "AssessmentAuthorisationDate": "authorised_date",
}
INITIAL_ASSESSMENT_FIELDS = {
    "InitialAssessmentActualStartDate": "start_date",
    "InitialAssessmentCompletionDate": "authorised_date",
}
CORE_ASSESSMENT_FIELDS = {
    "CoreAssessmentActualStartDate": "start_date",
    "CoreAssessmentCompletionDate": "authorised_date",
}
CIN_PLAN_FIELDS = {"CINPlanStartDate": "start_date", "CINPlanEndDate": "end_date"}
S47_FIELDS = {
    "S47ActualStartDate": "start_date",
    "InitialCPCtarget": "icpc_target_date",
    "DateOfInitialCPC": "icpc_date",
    "ICPCnotRequired": "icpc_not_required",
}
CPP_FIELDS = {
    "CPPstartDate": "start_date",
    "CPPendDate": "end_date",
    "InitialCategoryOfAbuse": "initial_category",
    "LatestCategoryOfAbuse": "latest_category",
    "NumberOfPreviousCPP": "previous_plans",
}
REVIEW_FIELD = "CPPreviewDate"

# Tidy tables produced by the reader: name -> columns (ids first, then fields, then ``line``).
TABLES: dict[str, list[str]] = {
    "children": ["child_id", "upn", "former_upn", "upn_unknown", "birth_date", "expected_birth_date",
                 "sex", "death_date", "ethnicity", "line"],
    "disabilities": ["child_id", "disability"],
    "cin_episodes": ["child_id", "episode_id", *EPISODE_FIELDS.values(), "line"],
    "assessments": ["child_id", "episode_id", "assessment_id", "kind", "start_date", "review_date",
                    "authorised_date", "line"],
    "assessment_factors": ["assessment_id", "factor"],
    "cin_plans": ["child_id", "episode_id", "start_date", "end_date", "line"],
    "s47": ["child_id", "episode_id", *S47_FIELDS.values(), "line"],
    "cp_plans": ["child_id", "episode_id", "plan_id", *CPP_FIELDS.values(), "line"],
    "cp_reviews": ["child_id", "plan_id", "review_date", "line"],
}
BOOLEAN_COLUMNS = {"referral_nfa", "icpc_not_required"}
TRUE_VALUES = frozenset({"true", "1"})
FALSE_VALUES = frozenset({"false", "0"})


@dataclass(frozen=True)
class CinSpec:
    """The CIN census as specified for one collection year."""

    year: ReportingYear
    sex_element: str
    sex_codes: frozenset[str]
    ethnicity_codes: frozenset[str]
    referral_source_codes: frozenset[str]
    primary_need_codes: frozenset[str]
    closure_reason_codes: frozenset[str]
    abuse_categories: frozenset[str]
    factor_codes: frozenset[str]
    disability_codes: frozenset[str]
    upn_unknown_codes: frozenset[str]
    initial_core_assessments: bool
    single_assessment: bool
    previous_cpp: bool

    def codes(self, column: str) -> frozenset[str] | None:
        """The code list that a tidy column must belong to, or None when it is free text or a date."""
        return {
            "sex": self.sex_codes,
            "ethnicity": self.ethnicity_codes,
            "referral_source": self.referral_source_codes,
            "primary_need": self.primary_need_codes,
            "closure_reason": self.closure_reason_codes,
            "initial_category": self.abuse_categories,
            "latest_category": self.abuse_categories,
            "factor": self.factor_codes,
            "disability": self.disability_codes,
            "upn_unknown": self.upn_unknown_codes,
        }.get(column)


@cache
def cin_spec(year: ReportingYear | str) -> CinSpec:
    """The CIN census specification for a collection year (``2016-17``)."""
    year = ReportingYear.parse(year)
    return CinSpec(year=year, **apply_changes(BASE, CHANGES, year))
