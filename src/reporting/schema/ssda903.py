"""SSDA903 (children looked after) return: tables, columns and code lists by collection year.

Source: DfE "Children looked after return" (SSDA903) guidance, 2011-12 to 2025-26.
Tables are read from CSV files with DfE column names and dates as ``dd/mm/yyyy``.

Yearly changes recorded here:

* 2014-15: foster placements coded U1-U6 (before: Q1, Q2); adoption placements A3-A6
  (before: A1, A2).
* 2015-16: ``REASON_PLACE_CHANGE`` added to episodes.
* 2016-17: special guardianship orders coded E45/E46 (before: E43/E44) and child
  arrangements orders E47/E48 (before: residence orders E41).
* 2021-22: placement types P3 (parenting and child assessment centre), K3 (secure
  children's home? see guidance), R5 (young offender institution) - codes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reporting.periods import ReportingYear
from reporting.schema._versioning import apply_changes

DATE_FORMAT = "%d/%m/%Y"

# File name -> tidy table name, columns (DfE names), and whether the file is required.
FILES: dict[str, tuple[str, bool]] = {
    "Header.csv": ("header", True),
    "Episodes.csv": ("episodes", True),
    "UASC.csv": ("uasc", False),
    "Missing.csv": ("missing", False),
    "Reviews.csv": ("reviews", False),
    "OC2.csv": ("oc2", False),
    "OC3.csv": ("oc3", False),
    "AD1.csv": ("ad1", False),
    "PlacedAdoption.csv": ("placed_adoption", False),
    "PrevPerm.csv": ("prev_perm", False),
}
COLUMNS: dict[str, list[str]] = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "oc2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "placed_adoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "prev_perm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
}
# Optional columns a table may carry beyond DfE's (local additions).
EXTRA_COLUMNS: dict[str, list[str]] = {"episodes": ["PL_LOCATION"]}
DATE_COLUMNS = frozenset(
    {"DOB", "MC_DOB", "DECOM", "DEC", "DUC", "MIS_START", "MIS_END", "REVIEW", "DATE_INT",
     "DATE_MATCH", "DATE_PLACED", "DATE_PLACED_CEASED", "DATE_PERM"}
)
# Columns that must not be blank, per table.
REQUIRED_VALUES: dict[str, list[str]] = {
    "header": ["CHILD", "SEX", "DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "PLACE"],
    "uasc": ["CHILD"],
    "missing": ["CHILD", "MISSING", "MIS_START"],
}

SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})
# Placement groups as DfE's "CLA by placement type" and the Ofsted area profile use them.
PLACEMENT_GROUPS: dict[str, tuple[str, ...]] = {
    "foster": ("U1", "U2", "U3", "U4", "U5", "U6", "Q1", "Q2"),
    "residential homes hostels and secure": ("K1", "K2", "H5", "R1", "P2"),
    "residential schools": ("S1",),
    "placed with parents": ("P1",),
}
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})

BASE: dict = {
    "sex_codes": frozenset({"1", "2"}),
    "ethnicity_codes": frozenset(
        "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH "
        "BCRB BAFR BOTH CHNE OOTH REFU NOBT".split()
    ),
    "rne_codes": frozenset({"S", "P", "L", "T", "U", "B"}),
    "legal_status_codes": frozenset("C1 C2 D1 E1 J1 J2 J3 L1 L2 L3 V2 V3 V4".split()),
    "cin_codes": frozenset(f"N{i}" for i in range(1, 9)),
    "placement_codes": frozenset(
        "A1 A2 H5 K1 K2 P1 P2 Q1 Q2 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 Z1".split()
    ),
    "provider_codes": frozenset({"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"}),
    "reason_ceased_codes": frozenset(
        "E11 E12 E13 E14 E15 E16 E17 E2 E3 E4A E4B E41 E43 E44 E5 E6 E7 E8 E9 X1".split()
    ),
    "sgo_codes": frozenset({"E43", "E44"}),
    "adoption_codes": frozenset({"E11", "E12"}),
    "independent_living_codes": frozenset({"E5", "E6"}),
    "reason_place_change": False,
    "reason_place_change_codes": frozenset(),
    "missing_codes": frozenset({"M", "A"}),
    "location_codes": frozenset({"IN", "OUT"}),
}
CHANGES: dict[str, dict] = {
    "2014-15": {
        "placement_codes": ("+", {"U1", "U2", "U3", "U4", "U5", "U6", "A3", "A4", "A5", "A6"}),
    },
    "2015-16": {
        "placement_codes": ("-", {"Q1", "Q2", "A1", "A2"}),
        "reason_place_change": True,
        "reason_place_change_codes": frozenset(
            "CARPL CLOSE ALLEG STAND APPRR CREQB CREQO CHILD LAREQ PLACE CUSTOD OTHER".split()
        ),
    },
    "2016-17": {
        "reason_ceased_codes": ("+", {"E45", "E46", "E47", "E48"}),
        "sgo_codes": frozenset({"E45", "E46"}),
    },
    "2017-18": {
        "reason_ceased_codes": ("-", {"E41", "E43", "E44"}),
    },
    "2021-22": {
        "placement_codes": ("+", {"P3", "K3"}),
    },
}


@dataclass(frozen=True)
class Ssda903Spec:
    """The SSDA903 return as specified for one collection year."""

    year: ReportingYear
    sex_codes: frozenset[str]
    ethnicity_codes: frozenset[str]
    rne_codes: frozenset[str]
    legal_status_codes: frozenset[str]
    cin_codes: frozenset[str]
    placement_codes: frozenset[str]
    provider_codes: frozenset[str]
    reason_ceased_codes: frozenset[str]
    sgo_codes: frozenset[str]
    adoption_codes: frozenset[str]
    independent_living_codes: frozenset[str]
    reason_place_change: bool
    reason_place_change_codes: frozenset[str]
    missing_codes: frozenset[str]
    location_codes: frozenset[str]

    def codes(self, table: str, column: str) -> frozenset[str] | None:
        """The code list a column must belong to, or None when it is free text or a date."""
        if column == "SEX" and table in ("header", "uasc"):
            return self.sex_codes
        return {
            ("header", "ETHNIC"): self.ethnicity_codes,
            ("episodes", "RNE"): self.rne_codes,
            ("episodes", "LS"): self.legal_status_codes,
            ("episodes", "CIN"): self.cin_codes,
            ("episodes", "PLACE"): self.placement_codes,
            ("episodes", "PLACE_PROVIDER"): self.provider_codes,
            ("episodes", "REC"): self.reason_ceased_codes,
            ("episodes", "REASON_PLACE_CHANGE"): self.reason_place_change_codes,
            ("episodes", "PL_LOCATION"): self.location_codes,
            ("missing", "MISSING"): self.missing_codes,
        }.get((table, column))

    def columns(self, table: str) -> list[str]:
        """The DfE columns ``table`` must have in this collection year."""
        cols = COLUMNS[table]
        if table == "episodes" and not self.reason_place_change:
            cols = [c for c in cols if c != "REASON_PLACE_CHANGE"]
        return cols

    def optional_columns(self, table: str) -> list[str]:
        """Columns ``table`` may carry beyond this year's DfE ones (later DfE columns are tolerated)."""
        return [c for c in COLUMNS[table] + EXTRA_COLUMNS.get(table, []) if c not in self.columns(table)]

    def placement_group(self, code: str) -> str:
        for group, codes in PLACEMENT_GROUPS.items():
            if code in codes:
                return group
        return "other"


@cache
def ssda903_spec(year: ReportingYear | str) -> Ssda903Spec:
    """The SSDA903 specification for a collection year (``2016-17``)."""
    year = ReportingYear.parse(year)
    return Ssda903Spec(year=year, **apply_changes(BASE, CHANGES, year))
