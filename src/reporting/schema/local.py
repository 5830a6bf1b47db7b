"""Local extracts: files the council produces from its case-management system.

ISO dates (``YYYY-MM-DD``) and ``true``/``false``. Each has an empty template and a
guide under ``docs/extracts/``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LocalExtract:
    file: str
    table: str
    columns: dict[str, str]  # extract column -> tidy column
    required: tuple[str, ...]
    dates: tuple[str, ...]
    booleans: tuple[str, ...] = ()
    codes: tuple[tuple[str, frozenset[str]], ...] = ()
    key: tuple[str, ...] = ()


LOCAL_EXTRACTS: dict[str, LocalExtract] = {
    "cp_visits": LocalExtract(
        file="cp_visits.csv",
        table="cp_visits",
        columns={"LAchildID": "child_id", "CPPstartDate": "plan_start_date", "VisitDate": "visit_date"},
        required=("LAchildID", "CPPstartDate", "VisitDate"),
        dates=("CPPstartDate", "VisitDate"),
    ),
    "missing_from_home": LocalExtract(
        file="missing_from_home.csv",
        table="missing_from_home",
        columns={"LAchildID": "child_id", "MissingStart": "start_date", "MissingEnd": "end_date"},
        required=("LAchildID", "MissingStart"),
        dates=("MissingStart", "MissingEnd"),
    ),
    "complaints": LocalExtract(
        file="complaints.csv",
        table="complaints",
        columns={
            "ComplaintID": "complaint_id",
            "ReceivedDate": "received_date",
            "Stage": "stage",
            "FromChild": "from_child",
            "ResponseDate": "response_date",
            "ExtensionAgreed": "extension_agreed",
        },
        required=("ComplaintID", "ReceivedDate", "Stage", "FromChild"),
        dates=("ReceivedDate", "ResponseDate"),
        booleans=("FromChild", "ExtensionAgreed"),
        codes=(("Stage", frozenset({"1", "2", "3"})),),
        key=("ComplaintID",),
    ),
}

# LA-level files at the top of data/raw/<la>/
POPULATION_COLUMNS = ["mid_year", "population_0_17", "source"]
INSPECTION_COLUMNS = ["setting", "setting_type", "inspection_date", "inspection_type", "overall",
                      "leadership_management"]
LA_TOML_KEYS = {"name": str, "la_code": str, "la_code_9": str, "region": str}
#: Optional top-level keys of ``la.toml``: the comparator councils (DfE 3-digit codes, slugs or ONS codes).
LA_TOML_OPTIONAL = {"comparators": list}
#: Tables ``la.toml`` may hold and their keys: ``[demo]`` (written by ``reporting demo``,
#: :mod:`reporting.generate.calibrated`) and ``[generator]`` (``reporting generate``,
#: :mod:`reporting.generate.synthetic`) say what made the data. Any other key is a mistake
#: (a misspelt ``comparitors`` would otherwise be ignored, and the comparators lost).
LA_TOML_TABLES = {
    "demo": ("synthetic", "calibrated", "seed", "scale", "years", "history_years", "sources", "note"),
    "generator": ("synthetic", "calibrated", "seed", "scale", "years", "history_years", "sources", "note"),
}
