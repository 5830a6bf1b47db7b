"""The report's tables: specifications as data, their figures, and their presentation.

A table specification (:class:`TableSpec`) names its rows (an indicator id from the
registry, a breakdown where the indicator has one, and the row label as published in
the 2016-17 report) and the kind of columns it has:

``years``
    the five reporting years ending at the report's year (those with data);
``cla_flow_quarters``
    the six calendar quarters from January-March of the year before to April-June after
    the year end (report 001, table at 3.10);
``missing_quarters``
    the six quarters ending in March of the year (001, table at 3.13);
``quarters`` / ``months``
    the quarters or months of the year (001, 2.8).

Under each period a table shows the numerator, the denominator and the value (labelled as
such) when any of its rows is a percentage or a rate, otherwise the value alone.

Figures come from the tidy ``indicators.csv`` files of several years
(:func:`load_indicators`); :func:`build_table` gives the unrounded figures and
:func:`present` the cells as printed: rounded half away from zero at the report's
precision (whole numbers for counts, 1 decimal place for percentages and rates),
``n/a`` where a year has no figure, and optionally small numbers suppressed (counts of 1
to 5 shown as ``c``, with the percentages and rates whose numerator is suppressed).
Suppression is applied here only, never in the files of figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reporting.conventions import round_half_away
from reporting.periods import Period, ReportingYear, quarter

NUMERATOR, DENOMINATOR, VALUE = "Numerator", "Denominator", "Value"
ALL_PARTS = (NUMERATOR, DENOMINATOR, VALUE)
NOT_AVAILABLE = "n/a"
SUPPRESSED = "c"
SMALL_MAX = 5  # counts 1 to SMALL_MAX are suppressed when asked
UNIT_LABELS = {"count": "number", "percent": "%", "rate_per_10k": "rate per 10,000"}
TREND_YEARS = 5
EMPTY_NOTE = "None."  # under an empty table that has no note saying why it is empty
VALUE_DECIMALS = 1  # decimal places of the percentages and rates printed (counts: whole numbers)


# -- specifications ------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    """A section of the report: one notebook each.

    Attributes
    ----------
    id : str
        Section id, also the notebook's file name (``<id>.ipynb``).
    title : str
        Heading as shown in the report.
    source : str
        Where the section sits in the published 2016-17 report.
    """

    id: str
    title: str
    source: str = ""


SECTIONS: tuple[Section, ...] = (
    Section("overview", "Headline figures", "001 sections 2-3"),
    Section("contacts_referrals", "Contacts and referrals", "001 paragraphs 3.1-3.3"),
    Section("s47_assessments", "Section 47 enquiries and assessments", "001 paragraphs 3.4-3.6"),
    Section("child_protection", "Child protection plans", "001 paragraphs 3.7-3.9"),
    Section("looked_after", "Children looked after", "001 paragraphs 3.10-3.12"),
    Section("missing_uasc", "Missing children and unaccompanied asylum-seeking children",
            "001 paragraphs 2.8-2.9 and 3.13"),
    Section("quality_inspections", "Complaints and inspections", "001 paragraphs 3.14-3.20"),
    Section("area_profile", "Area profile", "004 'Information about this local authority area'"),
    Section("benchmarking", "Benchmarking against England, the region and comparable councils",
            "not in 001; DfE's published statistics (reporting.report.benchmarking)"),
    Section("reconciliation", "Reconciliation with the published figures",
            "001, 004 and DfE's figures for the year (data/reference/published_figures.csv)"),
    Section("data_quality", "Data quality", "validation of the year's returns"),
)
SECTION_IDS = tuple(s.id for s in SECTIONS)


@dataclass(frozen=True)
class Row:
    """One row of a table.

    Attributes
    ----------
    indicator : str
        Indicator id (``reporting/data/indicators.csv``).
    label : str
        Row label as published; empty means the catalogue label.
    breakdown : str
        Breakdown category for indicators that have one (e.g. ``foster``).
    short : str
        Shorter label for chart legends; empty means the row label.
    """

    indicator: str
    label: str = ""
    breakdown: str = ""
    short: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A table of the report.

    Attributes
    ----------
    id : str
        Stable id (sheet name in ``tables.xlsx``, chart file name).
    title : str
        Caption.
    section : str
        Section id (:data:`SECTIONS`).
    rows : tuple of Row
        Rows in published order (indicator tables); empty for list tables.
    columns : str
        ``years``, ``cla_flow_quarters``, ``missing_quarters``, ``quarters``, ``months``,
        ``list`` (a table of records such as inspections, built by its own function) or
        ``benchmark`` (DfE's published figures by year, built by
        :mod:`reporting.report.benchmarking`).
    chart : str
        ``trend``, ``stacked``, ``flows``, ``bars``, ``multiples``, ``benchmark`` (drawn by
        :mod:`reporting.report.benchmarking`) or ``none``.
    values_only : bool
        Show the value alone under each period even when rows are percentages.
    source : str
        Where the table is in the published reports.
    """

    id: str
    title: str
    section: str
    rows: tuple[Row, ...] = ()
    columns: str = "years"
    chart: str = "trend"
    values_only: bool = False
    source: str = ""


def _rows(*items: tuple | str) -> tuple[Row, ...]:
    return tuple(Row(i) if isinstance(i, str) else Row(*i) for i in items)


PLACEMENT_GROUPS = ("foster", "residential homes hostels and secure", "residential schools",
                    "placed with parents", "other")
PLACEMENT_LABELS = {"foster": "Foster families", "residential homes hostels and secure":
                    "Residential children's homes, hostels and secure units",
                    "residential schools": "Residential special schools",
                    "placed with parents": "Placed with parents", "other": "Other placements"}
DURATION_GROUPS = ("3 months or less", "more than 3 to 6 months", "more than 6 months to less than 1 year",
                   "1 to less than 2 years", "2 years or more")

TABLES: tuple[TableSpec, ...] = (
    # overview
    TableSpec("headline", "Headline figures", "overview", _rows(
        ("contacts", "", "", "Contacts"), ("referrals", "", "", "Referrals"),
        ("s47_to_icpc", "", "", "S47 leading to ICPC"), ("cfa_timeliness", "", "", "C&FA in time"),
        ("cpp_at_31march", "", "", "On a plan, 31 March"), ("cpp_starts", "", "", "New plans"),
        ("cla_at_31march", "", "", "Looked after, 31 March"), ("cla_started", "", "", "Started care"),
        ("uasc_at_31march", "", "", "UASC, 31 March"), ("complaints_stage1", "", "", "Stage one complaints")),
        chart="multiples", values_only=True, source="figures quoted across 001 sections 2-3"),
    # contacts and referrals (001 3.2)
    TableSpec("contacts_referrals", "Contacts and referrals", "contacts_referrals", _rows(
        ("contacts", "", "", "Contacts"), ("referrals", "", "", "Referrals")),
        source="001 table at 3.2, first rows"),
    TableSpec("referral_sources", "Source of referrals", "contacts_referrals", _rows(
        ("referral_source_individual", "", "", "Individual"), ("referral_source_education", "", "", "Education"),
        ("referral_source_health", "", "", "Health services"), ("referral_source_housing", "", "", "Housing"),
        ("referral_source_la_services", "", "", "LA services"), ("referral_source_police", "", "", "Police"),
        ("referral_source_other_legal", "", "", "Other legal agency"), ("referral_source_other", "", "", "Other"),
        ("referral_source_anonymous", "", "", "Anonymous"), ("referral_source_unknown", "", "", "Unknown"),
        ("referral_source_not_recorded", "", "", "Not recorded")),
        chart="stacked", source="001 table at 3.2, referral sources"),
    TableSpec("referral_measures", "Re-referrals, conversion and outcomes of referrals", "contacts_referrals", _rows(
        ("rereferrals_12m", "", "", "Re-referrals"), ("contact_conversion", "", "", "Contacts converted"),
        ("referrals_nfa", "", "", "No further action"), ("referrals_not_in_need", "", "", "Not in need"),
        ("referral_rate", "", "", "Referral rate")),
        source="not in 001; DfE children in need measures"),
    # section 47 and assessments (001 3.4)
    TableSpec("s47_assessments", "Section 47 and assessments", "s47_assessments", _rows(
        ("s47_to_icpc", "", "", "S47 to ICPC"), ("initial_assessment_timeliness", "", "", "Initial assessments"),
        ("core_assessment_timeliness", "", "", "Core assessments"), ("cfa_timeliness", "", "", "C&FA"),
        ("assessments_timeliness_total", "", "", "All assessments"), ("icpc_within_15wd", "", "", "ICPC in 15 days")),
        source="001 table at 3.4 (ICPC timeliness added)"),
    # child protection (001 3.7)
    TableSpec("cpp_numbers", "Children subject to a child protection plan", "child_protection", _rows(
        ("cpp_at_31march", "", "", "On a plan at 31 March"), ("cpp_starts", "", "", "New plans in the year"),
        ("cpp_rate", "", "", "Rate per 10,000")),
        source="001 table at 3.7, first row (new plans and rate added)"),
    TableSpec("cpp_categories", "New child protection plans by initial category of abuse", "child_protection", _rows(
        ("cpp_starts_neglect", "", "", "Neglect"), ("cpp_starts_physical", "", "", "Physical"),
        ("cpp_starts_sexual", "", "", "Sexual"), ("cpp_starts_emotional", "Emotions", "", "Emotional"),
        ("cpp_starts_multiple", "", "", "Multiple")),
        chart="stacked", source="001 table at 3.7, categories (Multiple added)"),
    TableSpec("cpp_category_rates", "New child protection plans per 10,000 children by category", "child_protection",
              _rows(("cpp_rate_neglect", "", "", "Neglect"), ("cpp_rate_physical", "", "", "Physical"),
                    ("cpp_rate_sexual", "", "", "Sexual"), ("cpp_rate_emotional", "", "", "Emotional"),
                    ("cpp_rate_multiple", "", "", "Multiple")),
              source="001 table at 3.7, rates (Multiple added)"),
    TableSpec("cpp_quality", "Plan duration, repeat plans and visits", "child_protection", _rows(
        ("cpp_ended_2yrs_plus", "", "", "Ended after 2+ years"), ("cpp_open_2yrs_plus", "", "", "Open 2+ years"),
        ("cpp_repeat", "", "", "Repeat plan"), ("cpp_repeat_2yrs", "", "", "Repeat within 2 years"),
        ("cp_visits_timely", "", "", "Visits within 14 days")),
        source="001 table at 3.7, last rows"),
    TableSpec("cpp_duration", "Plans at 31 March by length of time", "child_protection",
              tuple(Row("cpp_by_duration", g[0].upper() + g[1:], g) for g in DURATION_GROUPS),
              chart="stacked", source="not in 001; DfE table D5"),
    # children looked after (001 3.10-3.12)
    TableSpec("cla", "Full time children looked after (CLA)", "looked_after", _rows(
        ("cla_at_31march", "", "", "Looked after at 31 March"),
        ("cla_started", "", "", "Started to be looked after"),
        ("cla_3plus_placements", "", "", "3+ placements"), ("cla_rate", "", "", "Rate per 10,000")),
        source="001 table at 3.10, first rows (starters and rate added)"),
    TableSpec("case_closure", "Case closure following CPP / CLA", "looked_after", _rows(
        ("cin_closed_6m_after_cla", "", "", "After care ended"), ("cin_closed_6m_after_cpp", "", "", "After plan ended")),
        source="001 table at 3.10, case closure"),
    TableSpec("cla_flows", "Children entering and leaving full time care by quarter", "looked_after", _rows(
        ("cla_started_q", "", "", "Entering"), ("cla_ceased_q", "", "", "Leaving"),
        ("cla_net_q", "", "", "Net change"), ("cla_started_pwp_q", "", "", "Placed with parents"),
        ("cla_started_uasc_q", "", "", "UASC"), ("cla_adjusted_net_q", "", "", "Adjusted net change")),
        columns="cla_flow_quarters", chart="flows", source="001 table at 3.10, quarterly flows"),
    # missing children and UASC (001 2.8-2.9, 3.13)
    TableSpec("uasc_arrivals_month", "UASC arrivals by month", "missing_uasc", _rows(
        ("uasc_arrivals_m", "", "", "UASC arrivals")), columns="months", chart="bars",
        source="001 table at 2.8, months"),
    TableSpec("uasc_arrivals_quarter", "UASC arrivals by quarter", "missing_uasc", _rows(
        ("cla_started_uasc_q", "UASC arrivals", "", "UASC arrivals")), columns="quarters", chart="bars",
        source="001 table at 2.8, quarterly data"),
    TableSpec("uasc", "UASC looked after at 31 March", "missing_uasc", _rows(
        ("uasc_at_31march", "", "", "UASC looked after")), source="001 paragraph 2.9"),
    TableSpec("missing", "Children missing from home and from care by quarter", "missing_uasc", _rows(
        ("missing_from_home_q", "", "", "Missing from home"), ("cla_missing_q", "", "", "Missing from care"),
        ("cla_missing_pct_q", "", "", "% of CLA missing")),
        columns="missing_quarters", source="001 table at 3.13"),
    # complaints and inspections (001 3.15-3.20)
    TableSpec("complaints", "Complaints", "quality_inspections", _rows(
        ("complaints_stage1", "", "", "Stage one complaints"), ("complaints_stage1_timely", "", "", "Within timescales"),
        ("complaints_from_children", "", "", "From children")), source="001 paragraphs 3.15-3.17"),
    TableSpec("inspections", "Ofsted inspections of the council's homes during the year", "quality_inspections",
              columns="list", chart="none", source="001 paragraphs 3.19-3.20"),
    # area profile (004)
    TableSpec("cin_profile", "Children in need and child protection in the area", "area_profile", _rows(
        ("cin_at_31march", "", "", "In need at 31 March"), ("cin_rate", "", "", "In need per 10,000"),
        ("cin_any_point", "", "", "In need during the year"), ("cin_started", "", "", "Episodes started"),
        ("cin_ended", "", "", "Episodes ended"), ("cpp_at_31march", "", "", "On a plan at 31 March")),
        source="004 'Child protection in this area'"),
    TableSpec("cla_profile", "Children looked after in the area", "area_profile", _rows(
        ("cla_at_31march", "", "", "Looked after"), ("cla_rate", "", "", "Rate per 10,000"),
        ("cla_placed_outside_la", "", "", "Placed outside"), ("uasc_at_31march", "", "", "UASC")),
        source="004 'Children looked after in this area'"),
    TableSpec("cla_placements", "Children looked after at 31 March by placement type", "area_profile",
              tuple(Row("cla_by_placement_type", PLACEMENT_LABELS[g], g) for g in PLACEMENT_GROUPS),
              chart="stacked", source="004 'Children looked after in this area'"),
    TableSpec("cla_placements_outside", "Share of each placement type living outside the area", "area_profile",
              tuple(Row("cla_by_placement_type_outside", PLACEMENT_LABELS[g], g) for g in PLACEMENT_GROUPS),
              source="004 'Children looked after in this area'"),
    TableSpec("cla_leavers", "Children who ceased to be looked after", "area_profile", _rows(
        ("adoptions", "", "", "Adoptions"), ("sgos", "", "", "Special guardianship"),
        ("cla_ceased", "", "", "Ceased"), ("cla_ceased_returned_pct", "", "", "Returned to care"),
        ("cla_ceased_independent", "", "", "Independent living")),
        source="004 'In the last 12 months'"),
    # benchmarking: DfE's published figures, arranged by reporting.report.benchmarking
    TableSpec("bm_referrals", "Referrals against England, the region and comparators", "benchmarking",
              columns="benchmark", chart="benchmark", source="DfE, Children in need, table C1"),
    TableSpec("bm_children_in_need", "Children in need against England, the region and comparators",
              "benchmarking", columns="benchmark", chart="benchmark", source="DfE, Children in need, table B1"),
    TableSpec("bm_child_protection", "Child protection plans against England, the region and comparators",
              "benchmarking", columns="benchmark", chart="benchmark",
              source="DfE, Children in need, tables D3 and D5"),
    TableSpec("bm_looked_after", "Children looked after against England, the region and comparators",
              "benchmarking", columns="benchmark", chart="benchmark",
              source="DfE, Children looked after in England including adoptions"),
    TableSpec("bm_placement_stability", "Placement stability against England, the region and comparators",
              "benchmarking", columns="benchmark", chart="benchmark",
              source="DfE, placement stability of children looked after"),
    TableSpec("bm_population", "Children aged 0-17 against England, the region and comparators", "benchmarking",
              columns="benchmark", chart="none", source="ONS mid-year population estimates (as used by DfE)"),
    TableSpec("bm_comparators", "Headline measures of the comparator councils", "benchmarking",
              columns="list", chart="none", source="DfE's published statistics"),
    # reconciliation: published figures against their recomputation (reporting.report.reconciliation)
    TableSpec("reconciliation_summary", "Published figures against their recomputation, by source",
              "reconciliation", columns="list", chart="none", source="reporting reconcile"),
    TableSpec("reconciliation", "Each published figure against its recomputation", "reconciliation",
              columns="list", chart="none", source="data/reference/published_figures.csv and DfE's files"),
    TableSpec("published_contradictions", "Contradictions within the published documents", "reconciliation",
              columns="list", chart="none", source="reporting.published.consistency"),
    # data quality
    TableSpec("data_quality", "Warnings found when validating the year's returns", "data_quality",
              columns="list", chart="none", source="reporting validate"),
)
TABLE_IDS = tuple(t.id for t in TABLES)


def table_spec(table_id: str) -> TableSpec:
    """The specification of ``table_id``; ``KeyError`` naming the known ids otherwise."""
    for t in TABLES:
        if t.id == table_id:
            return t
    raise KeyError(f"unknown table {table_id!r}; known: {', '.join(TABLE_IDS)}")


def section(section_id: str) -> Section:
    """The section ``section_id``; ``KeyError`` naming the known ids otherwise."""
    for s in SECTIONS:
        if s.id == section_id:
            return s
    raise KeyError(f"unknown section {section_id!r}; known: {', '.join(SECTION_IDS)}")


def section_tables(section_id: str) -> list[TableSpec]:
    """The tables of a section in report order."""
    section(section_id)
    return [t for t in TABLES if t.section == section_id]


def _catalogue():
    from reporting.indicators.registry import catalogue

    return catalogue()


def row_label(row: Row) -> str:
    """The row label as printed (the catalogue label unless the table gives one)."""
    return row.label or _catalogue()[row.indicator].label


def row_unit(row: Row) -> str:
    """The unit of the row's indicator (``count``, ``percent`` or ``rate_per_10k``)."""
    return _catalogue()[row.indicator].unit


# -- figures -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """One indicator figure as the engine wrote it (unrounded)."""

    numerator: int | None
    denominator: int | None
    value: float | None
    unit: str
    note: str = ""


def _int_or_none(text: str) -> int | None:
    return int(text) if text != "" else None


def _float_or_none(text: str) -> float | None:
    return float(text) if text != "" else None


class IndicatorSet:
    """The tidy indicator frames of several years, looked up by indicator, period and breakdown.

    Parameters
    ----------
    frames : mapping of year label to DataFrame
        Each frame as in ``indicators.csv`` (strings or numbers; empty cells for missing
        numbers). A year without a frame has no data.
    """

    def __init__(self, frames: Mapping[str | ReportingYear, pd.DataFrame]):
        self.years: list[ReportingYear] = sorted(ReportingYear.parse(y) for y in frames)
        self._figures: dict[tuple[str, str, str], Figure] = {}
        for df in frames.values():
            cols = {c: df[c].fillna("").astype(str).tolist()
                    for c in ("indicator_id", "period_label", "breakdown", "numerator", "denominator",
                              "value", "unit", "note")}
            for i in range(len(df)):
                key = (cols["indicator_id"][i], cols["period_label"][i], cols["breakdown"][i])
                self._figures[key] = Figure(
                    _int_or_none(_intlike(cols["numerator"][i])), _int_or_none(_intlike(cols["denominator"][i])),
                    _float_or_none(cols["value"][i]), cols["unit"][i], cols["note"][i])

    def has_year(self, year: ReportingYear | str) -> bool:
        return ReportingYear.parse(year) in self.years

    def get(self, indicator: str, period_label: str, breakdown: str = "") -> Figure | None:
        """The figure, or None when the file of its year is absent or has no such row."""
        return self._figures.get((indicator, period_label, breakdown))


def _intlike(text: str) -> str:
    """``"12.0"`` -> ``"12"`` (frames built in memory may carry floats)."""
    return text[:-2] if text.endswith(".0") else text


def indicators_path(indicators_dir: Path | str, year: ReportingYear | str) -> Path:
    """``<indicators_dir>/<year>/indicators.csv`` (the layout of ``data/processed/<la>/``)."""
    return Path(indicators_dir) / ReportingYear.parse(year).label / "indicators.csv"


def read_indicator_file(path: Path | str) -> pd.DataFrame:
    """An ``indicators.csv`` as strings (empty cells stay empty strings)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


PARTIAL_FILE = "indicators.partial.csv"


def next_year_indicators() -> list[str]:
    """The indicators a report shows for periods after its year end (the quarterly flows'
    April-June): a build computes only these for the year after the report's year."""
    ids = [r.indicator for t in TABLES if t.columns == "cla_flow_quarters" for r in t.rows]
    return list(dict.fromkeys(ids))


def indicator_file(indicators_dir: Path | str, year: ReportingYear | str) -> Path | None:
    """The year's ``indicators.csv``, else its ``indicators.partial.csv`` (only
    :func:`next_year_indicators`), else None."""
    full = indicators_path(indicators_dir, year)
    if full.exists():
        return full
    partial = full.with_name(PARTIAL_FILE)
    return partial if partial.exists() else None


def load_indicators(indicators_dir: Path | str, years: Iterable[ReportingYear | str]) -> IndicatorSet:
    """Read the indicator file of each of ``years`` that exists under ``indicators_dir``."""
    frames = {}
    for y in years:
        p = indicator_file(indicators_dir, y)
        if p is not None:
            frames[ReportingYear.parse(y).label] = read_indicator_file(p)
    return IndicatorSet(frames)


def years_needed(year: ReportingYear | str) -> list[ReportingYear]:
    """Every year whose figures a report for ``year`` may show: the trend years and the next
    year (its April-June quarter appears in the quarterly flows)."""
    y = ReportingYear.parse(year)
    return [y.shift(k) for k in range(-(TREND_YEARS - 1), 2)]


# -- columns -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """A period column: its header and the period label of each indicator kind."""

    header: str
    source_year: ReportingYear
    year: ReportingYear | None = None
    period: Period | None = None

    def period_label(self, kind: str) -> str:
        if self.year is not None:
            if kind == "year":
                return self.year.label
            if kind == "snapshot":
                return self.year.snapshot().label
            raise ValueError(f"a {kind} indicator cannot be shown by year")
        return self.period.label


def _containing_year(p: Period) -> ReportingYear:
    return ReportingYear(p.start.year if p.start.month >= 4 else p.start.year - 1)


def period_columns(spec: TableSpec, year: ReportingYear | str) -> list[Column]:
    """Every period column ``spec`` has in a report of ``year`` (whether or not its year has data)."""
    y = ReportingYear.parse(year)
    if spec.columns == "years":
        cols = [Column(t.label, t, year=t) for t in (y.shift(-k) for k in range(TREND_YEARS - 1, -1, -1))]
    else:
        if spec.columns == "cla_flow_quarters":
            periods = [quarter(y.first, 1), *y.quarters(), quarter(y.first + 1, 4)]
        elif spec.columns == "missing_quarters":
            periods = [quarter(y.first - 1, 10), quarter(y.first, 1), *y.quarters()]
        elif spec.columns == "quarters":
            periods = y.quarters()
        elif spec.columns == "months":
            periods = y.months()
        else:
            raise ValueError(f"table {spec.id}: columns {spec.columns!r} are not period columns")
        cols = [Column(p.label, _containing_year(p), period=p) for p in periods]
    return cols


def columns_for(spec: TableSpec, year: ReportingYear | str, figures: IndicatorSet) -> list[Column]:
    """The period columns of ``spec`` for a report of ``year``: those whose year has data."""
    return [c for c in period_columns(spec, year) if figures.has_year(c.source_year)]


# -- tables --------------------------------------------------------------------------------
@dataclass
class Table:
    """A table's unrounded figures for one report year.

    Attributes
    ----------
    spec : TableSpec
    year : ReportingYear
    columns : list of Column
    figures : dict
        ``(row index, column header) -> Figure or None`` (None: no figure, shown ``n/a``).
    """

    spec: TableSpec
    year: ReportingYear
    columns: list[Column]
    figures: dict[tuple[int, str], Figure | None] = field(default_factory=dict)

    @property
    def parts(self) -> tuple[str, ...]:
        return table_parts(self.spec)

    def frame(self) -> pd.DataFrame:
        """The unrounded numbers: rows as labelled, columns ``(period, part)``; NaN where absent."""
        data = []
        for i, _row in enumerate(self.spec.rows):
            line = []
            for c in self.columns:
                f = self.figures[(i, c.header)]
                for part in self.parts:
                    v = None if f is None else {NUMERATOR: f.numerator, DENOMINATOR: f.denominator,
                                                VALUE: f.value}[part]
                    line.append(float("nan") if v is None else float(v))
            data.append(line)
        return pd.DataFrame(data, index=pd.Index([row_label(r) for r in self.spec.rows], name="Indicator"),
                            columns=_column_index(self.columns, self.parts))


def table_parts(spec: TableSpec) -> tuple[str, ...]:
    """The parts shown under each period: the value alone when the table asks for it or all its
    rows are counts, else numerator, denominator and value."""
    if spec.values_only or all(row_unit(r) == "count" for r in spec.rows):
        return (VALUE,)
    return ALL_PARTS


def _column_index(columns: list[Column], parts: tuple[str, ...]) -> pd.MultiIndex:
    return pd.MultiIndex.from_tuples([(c.header, p) for c in columns for p in parts], names=["Period", ""])


def build_table(spec: TableSpec | str, figures: IndicatorSet, year: ReportingYear | str) -> Table:
    """The figures of an indicator table for a report of ``year``."""
    spec = table_spec(spec) if isinstance(spec, str) else spec
    if spec.columns == "list":
        raise ValueError(f"table {spec.id} is a list table; see its own function")
    y = ReportingYear.parse(year)
    cat = _catalogue()
    cols = columns_for(spec, y, figures)
    table = Table(spec, y, cols)
    for i, row in enumerate(spec.rows):
        kind = cat[row.indicator].period
        for c in cols:
            table.figures[(i, c.header)] = figures.get(row.indicator, c.period_label(kind), row.breakdown)
    return table


# -- presentation --------------------------------------------------------------------------
@dataclass
class Presented:
    """A table as printed.

    Attributes
    ----------
    spec : TableSpec
    caption : str
    text : DataFrame
        Cells as printed (strings); index = row labels; columns ``(period, part)`` for
        indicator tables, plain column names for list tables.
    values : DataFrame
        The same cells as numbers where they are numbers (rounded as printed: int for
        counts, float for percentages and rates), ``"n/a"`` / ``"c"`` strings, and None
        where a part does not apply (e.g. the denominator of a count).
    units : list of str
        Unit of each row (``number``, ``%``, ``rate per 10,000``; empty in list tables).
    notes : list of str
        Footnotes: why figures are not available, the caveats the indicators carry on the
        figures shown (e.g. history too short to see earlier plans), suppression.
    """

    spec: TableSpec
    caption: str
    text: pd.DataFrame
    values: pd.DataFrame
    units: list[str]
    notes: list[str]

    @property
    def two_level(self) -> bool:
        return isinstance(self.text.columns, pd.MultiIndex)

    @property
    def shown_notes(self) -> list[str]:
        """The notes printed under the table (HTML, Word and Excel alike). An empty table has
        no body row in any of them: its notes say why it is empty (``No warnings.``), or, when
        it has none, the note is ``None.``."""
        if not len(self.text) and not self.notes:
            return [EMPTY_NOTE]
        return list(self.notes)


def _small(n: int | None) -> bool:
    return n is not None and 1 <= n <= SMALL_MAX


def present_cell(f: Figure | None, part: str, suppress_small: bool = False) -> tuple[str, object]:
    """One cell: ``(text, value)``.

    ``value`` is an int (counts, numerators, denominators), a float rounded as printed
    (percentages and rates), ``"n/a"``, ``"c"``, or None where the part does not apply.
    """
    if f is None:
        return NOT_AVAILABLE, NOT_AVAILABLE
    count = f.unit == "count"
    if part != VALUE and count:
        return "", None
    raw = {NUMERATOR: f.numerator, DENOMINATOR: f.denominator, VALUE: f.value}[part]
    if raw is None:
        if part == VALUE or f.value is None:
            return NOT_AVAILABLE, NOT_AVAILABLE
        return "", None
    if suppress_small:
        num_small = _small(f.numerator)
        den_small = f.unit == "percent" and _small(f.denominator)
        if (part == NUMERATOR and num_small) or (part == DENOMINATOR and den_small) \
                or (part == VALUE and (num_small or den_small)):
            return SUPPRESSED, SUPPRESSED
    if count or part != VALUE:
        n = int(round_half_away(raw, 0))
        return str(n), n
    v = round_half_away(raw, VALUE_DECIMALS)
    text = f"{v:.{VALUE_DECIMALS}f}%" if f.unit == "percent" else f"{v:.{VALUE_DECIMALS}f}"
    return text, v


def present(table: Table, suppress_small: bool = False) -> Presented:
    """The table as printed: rounded, ``n/a`` where absent, small numbers suppressed if asked."""
    text_rows, value_rows, units, notes = [], [], [], {}
    parts = table.parts
    for i, row in enumerate(table.spec.rows):
        t_line, v_line = [], []
        for c in table.columns:
            f = table.figures[(i, c.header)]
            if f is not None and f.note:  # why a figure is absent, or a caveat on the one shown
                notes.setdefault(f.note, []).append((row_label(row), c.header))
            for part in parts:
                t, v = present_cell(f, part, suppress_small)
                t_line.append(t)
                v_line.append(v)
        text_rows.append(t_line)
        value_rows.append(v_line)
        units.append(UNIT_LABELS[row_unit(row)])
    index = pd.Index([row_label(r) for r in table.spec.rows], name="Indicator")
    cols = _column_index(table.columns, parts)
    text = pd.DataFrame(text_rows, index=index, columns=cols, dtype=object)
    values = pd.DataFrame(value_rows, index=index, columns=cols, dtype=object)
    foot = [_note_line(n, where, len(table.spec.rows)) for n, where in notes.items()]
    if suppress_small:
        foot.append(f"c = {SMALL_MAX} or fewer (suppressed), with the percentages and rates based on them.")
    if any(v == NOT_AVAILABLE for line in value_rows for v in line):
        foot.insert(0, "n/a = not available.")
    return Presented(table.spec, caption_for(table.spec, table.columns), text, values, units, foot)


def _note_line(note: str, where: list[tuple[str, str]], n_rows: int) -> str:
    """``"2012-13, 2013-14: source absent: contacts.csv."`` (rows named when only some are affected)."""
    periods = list(dict.fromkeys(p for _, p in where))
    rows = list(dict.fromkeys(r for r, _ in where))
    whom = "" if len(rows) == n_rows or len(rows) > 3 else "; ".join(rows) + ", "
    return f"{whom}{', '.join(periods)}: {note}."


def caption_for(spec: TableSpec, columns: list[Column]) -> str:
    """Title and period span: ``"Contacts and referrals, 2012-13 to 2016-17"``."""
    if not columns:
        return spec.title
    if len(columns) == 1:
        return f"{spec.title}, {columns[0].header}"
    return f"{spec.title}, {columns[0].header} to {columns[-1].header}"


def presented_table(spec: TableSpec | str, figures: IndicatorSet, year: ReportingYear | str,
                    suppress_small: bool = False) -> Presented:
    """:func:`build_table` then :func:`present` (a ``benchmark`` table, which needs the council,
    gives England's published figures here: see :mod:`reporting.report.benchmarking`)."""
    spec = table_spec(spec) if isinstance(spec, str) else spec
    if spec.columns == "benchmark":
        from reporting.report.benchmarking import without_council

        return without_council(spec, year)
    return present(build_table(spec, figures, year), suppress_small)


# -- list tables ---------------------------------------------------------------------------
def _list_presented(spec: TableSpec, frame: pd.DataFrame, notes: list[str], caption: str) -> Presented:
    frame = frame.astype(object)
    values = frame.copy()
    text = frame.map(lambda v: "" if v is None else str(v))
    return Presented(spec, caption, text, values, [""] * len(frame), notes)


def inspections_table(inspections: pd.DataFrame | None, year: ReportingYear | str) -> Presented:
    """Inspections dated within the year (``inspections.csv``), by setting type and setting.

    Dates are shown as month and year, as the published report does.
    """
    spec = table_spec("inspections")
    y = ReportingYear.parse(year)
    cols = ["Setting", "Type of setting", "Inspected", "Inspection", "Overall", "Leadership and management"]
    caption = f"{spec.title}, {y.label}"
    if inspections is None:
        empty = pd.DataFrame([], columns=cols[1:], index=pd.Index([], name=cols[0]))
        return _list_presented(spec, empty, ["inspections.csv not supplied."], caption)
    df = inspections.copy()
    dates = pd.to_datetime(df["inspection_date"])
    df = df[(dates >= y.start) & (dates <= y.end)].assign(_d=dates)
    df = df.sort_values(["setting_type", "setting", "_d"], kind="mergesort")
    out = pd.DataFrame({
        "Type of setting": df["setting_type"].tolist(),
        "Inspected": [d.strftime("%B %Y") for d in df["_d"]],
        "Inspection": df["inspection_type"].tolist(),
        "Overall": df["overall"].tolist(),
        "Leadership and management": df["leadership_management"].tolist(),
    }, index=pd.Index(df["setting"].tolist(), name=cols[0]))
    notes = [] if len(out) else [f"No inspections dated in {y.label}."]
    return _list_presented(spec, out, notes, caption)


DATA_QUALITY_COLUMNS = ["file", "field", "rule", "dfe_rule", "severity", "count"]


def data_quality_table(summary: pd.DataFrame | None, year: ReportingYear | str) -> Presented:
    """Validation warnings as counts per file, field and rule (``data_quality.csv``).

    Counts only: no record ids, values or line numbers.
    """
    spec = table_spec("data_quality")
    y = ReportingYear.parse(year)
    caption = f"{spec.title}, {y.label}"
    cols = ["Field", "Rule", "DfE rule", "Severity", "Count"]
    if summary is None or not len(summary):
        empty = pd.DataFrame([], columns=cols, index=pd.Index([], name="File"))
        note = "No validation summary supplied." if summary is None else "No warnings."
        return _list_presented(spec, empty, [note], caption)
    s = summary.fillna("")
    counts = [int(c) for c in s["count"]]
    out = pd.DataFrame({"Field": s["field"].tolist(), "Rule": s["rule"].tolist(),
                        "DfE rule": s["dfe_rule"].tolist(), "Severity": s["severity"].tolist(),
                        "Count": counts}, index=pd.Index(s["file"].tolist(), name="File"))
    p = _list_presented(spec, out, ["Warnings do not stop the report; the figures include the records concerned."],
                        caption)
    p.text["Count"] = [str(c) for c in counts]
    return p
