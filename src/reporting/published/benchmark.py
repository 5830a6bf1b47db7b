"""Benchmarking from DfE's published statistics: trend, comparators, rank, charts, HTML.

For a council and a reporting year this module builds, from the published files alone
(no record-level data):

* the council's trend for every measure of :data:`MEASURES` against England, its region,
  the average of its comparator councils and each comparator, as tables (year x area);
* its rank among itself and its comparators each year (1 = highest figure; ties share
  the best rank, "competition" ranking 1, 2, 2, 4; councils without a figure are not
  ranked);
* charts (matplotlib, SVG, deterministic) and a self-contained ``benchmark.html`` with one
  CSV per table (``reporting benchmark``);
* :func:`published_for_council`: DfE's values for the council beside the matching
  record-level indicator ids, for reconciliation.

Comparators are England, the council's region (London for the London boroughs) and a
list of councils: ``la.toml``'s ``comparators`` when configured, otherwise the other
councils of the region (``docs/benchmarking.md`` explains the default and why DfE's
statistical neighbours are a better choice to configure).

Notebook use::

    from reporting.published.benchmark import benchmark_tables, benchmark_charts
    tables = benchmark_tables("hampshire", "2016-17")
    tables["summary"]
    tables["trend_referral_rate"]
    benchmark_charts(tables, ["referral_rate"])["referral_rate"].svg   # or plot_measure(tables, id)
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from reporting.conventions import round_half_away
from reporting.periods import ReportingYear
from reporting.published.councils import (
    ENGLAND_CODE,
    LONDON_CODE,
    LONDON_SUB_REGIONS,
    Council,
    CouncilDirectory,
    UnknownCouncil,
    year_label,
)
from reporting.published.dfe import (
    PUBLISHED_TABLES,
    SYMBOLS,
    default_data_dir,
    find_table,
    is_number,
    parse_time_period,
    read_dfe_csv,
    read_dfe_wide,
)

# ================================================================================================
# The benchmark measure registry
#
# Like the indicator registry (reporting.indicators.registry), each measure has an id, a label
# and a unit; it also names the published file and column it comes from and, where the toolkit
# computes the same thing from records, the matching indicator id (and breakdown), so that the
# council's recomputed indicators can be set beside DfE's values (published_for_council).
# Rates DfE does not publish in these files (referrals, children in need, plans starting and
# plans at 31 March per 10,000) are computed: the published count divided by the ONS mid-year
# estimate of children aged 0-17 for the calendar year in which the reporting year starts
# (2016-17 uses mid-2016), times 10,000, as DfE computes its rates.
# ================================================================================================
UNITS = ("count", "percent", "rate_per_10k")

SECTIONS = ("Referrals", "Children in need", "Child protection plans", "Children looked after",
            "Placement stability", "Population")

_C1 = ("category", "Referrals and Re-referrals")
_B1 = ("category", "Children in Need")
_D3 = ("category", "Child Protection Plans which are a second or subsequent plan")
_D5 = ("category", "Child Protection Plans by length of time")
_POP = ("age_group", "Children aged 0 to 17 years")
_CLA31 = ("population_type", "Children looked after on 31 March each year")
_CLAS = ("population_type", "Children starting to be looked after each year")
_CLAC = ("population_type", "Children ceasing to be looked after each year")
_STAB_YEAR = (("cla_group", "CLA on 31 March"),)
_STAB_2Y = (("cla_group", "CLA 2 years on 31 March"),)
_STAB_LT = (("cla_group", "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"),)


@dataclass(frozen=True)
class BenchmarkMeasure:
    """One published (or computed-from-published) measure.

    Attributes
    ----------
    id : str
        Stable id (file names ``trend_<id>.csv``).
    label : str
        Short label for tables and charts.
    unit : str
        ``count``, ``percent`` or ``rate_per_10k``.
    section : str
        One of :data:`SECTIONS`.
    table : str
        Key of :data:`reporting.published.dfe.PUBLISHED_TABLES`.
    column : str
        The measure column; for computed rates the numerator's column.
    filters : tuple of (str, str)
        Filter column values selecting the rows (e.g. ``population_type``).
    indicator_id, breakdown : str
        The record-level indicator this measure corresponds to ("" when none).
    computed_from : str
        For a computed rate: id of the count measure divided by the population.
    year_offset : int
        Added to ``time_period`` to align with reporting years (1 for the population file:
        mid-2016 serves 2016-17, whose ``time_period`` is 2017).
    decimals : int
        Decimal places shown in the report (files keep unrounded values).
    definition : str
        What DfE counts, in brief.
    """

    id: str
    label: str
    unit: str
    section: str
    table: str
    column: str
    filters: tuple[tuple[str, str], ...] = ()
    indicator_id: str = ""
    breakdown: str = ""
    computed_from: str = ""
    year_offset: int = 0
    decimals: int = 0
    definition: str = ""

    @property
    def computed(self) -> bool:
        return bool(self.computed_from)


def _m(id: str, label: str, unit: str, section: str, table: str, column: str, filters=(), *,
       indicator_id: str = "", breakdown: str = "", computed_from: str = "", year_offset: int = 0,
       decimals: int | None = None, definition: str = "") -> BenchmarkMeasure:
    if decimals is None:
        decimals = 0 if unit == "count" else 1
    flt = tuple(filters) if filters and isinstance(filters[0], tuple) else ((filters,) if filters else ())
    return BenchmarkMeasure(id, label, unit, section, table, column, flt, indicator_id, breakdown,
                            computed_from, year_offset, decimals, definition)


_RATE = ("Computed: {what} divided by the ONS mid-year estimate of children aged 0-17 for the calendar "
         "year in which the reporting year starts, times 10,000.")

MEASURES: tuple[BenchmarkMeasure, ...] = (
    # -- referrals (table C1) ------------------------------------------------------------------
    _m("referrals", "Referrals", "count", "Referrals", "c1", "referral_count", _C1, indicator_id="referrals",
       definition="Referrals to children's social care in the year (a child referred twice counts twice)."),
    _m("referral_rate", "Referrals per 10,000 children", "rate_per_10k", "Referrals", "c1", "referral_count",
       _C1, indicator_id="referral_rate", computed_from="referrals", definition=_RATE.format(what="Referrals")),
    _m("rereferrals", "Re-referrals within 12 months", "count", "Referrals", "c1", "rereferral_count", _C1,
       definition="Referrals in the year within 12 months of a previous referral of the same child."),
    _m("rereferral_percent", "Re-referrals within 12 months (%)", "percent", "Referrals", "c1",
       "rereferral_percent", _C1, indicator_id="rereferrals_12m",
       definition="Re-referrals within 12 months as a percentage of referrals."),
    _m("referrals_nfa", "Referrals with no further action", "count", "Referrals", "c1",
       "no_further_action_count", _C1, definition="Referrals in the year that resulted in no further action."),
    _m("referrals_nfa_percent", "Referrals with no further action (%)", "percent", "Referrals", "c1",
       "no_further_action_percent", _C1, indicator_id="referrals_nfa",
       definition="Referrals with no further action as a percentage of referrals."),
    _m("referrals_not_in_need", "Referrals assessed as not in need", "count", "Referrals", "c1",
       "not_in_need_count", _C1,
       definition="Referrals in the year whose assessment found the child not to be in need."),
    _m("referrals_not_in_need_percent", "Referrals assessed as not in need (%)", "percent", "Referrals", "c1",
       "not_in_need_percent", _C1, indicator_id="referrals_not_in_need",
       definition="Referrals assessed as not in need as a percentage of referrals."),
    _m("referred_children", "Children referred", "count", "Referrals", "c1", "referral_child_count", _C1,
       definition="Children with at least one referral in the year."),
    _m("rereferred_children", "Children re-referred within 12 months", "count", "Referrals", "c1",
       "rereferral_child_count", _C1,
       definition="Children referred in the year within 12 months of a previous referral."),
    _m("rereferred_children_percent", "Children re-referred within 12 months (%)", "percent", "Referrals", "c1",
       "rereferral_child_percent", _C1, definition="Children re-referred as a percentage of children referred."),
    # -- children in need (table B1) ---------------------------------------------------------
    _m("cin_at_31march", "Children in need at 31 March", "count", "Children in need", "b1", "At31_episodes",
       _B1, indicator_id="cin_at_31march",
       definition="Episodes of need open at 31 March (a child has at most one open episode)."),
    _m("cin_rate", "Children in need per 10,000 at 31 March", "rate_per_10k", "Children in need", "b1",
       "At31_episodes", _B1, indicator_id="cin_rate", computed_from="cin_at_31march",
       definition=_RATE.format(what="Children in need at 31 March")),
    _m("cin_any_point", "Children in need at any point in the year", "count", "Children in need", "b1",
       "Anypoint_child", _B1, indicator_id="cin_any_point",
       definition="Children with an episode of need open at any point in the year."),
    _m("cin_any_point_episodes", "Episodes of need at any point in the year", "count", "Children in need", "b1",
       "Anypoint_episodes", _B1, definition="Episodes of need open at any point in the year."),
    _m("cin_started", "Episodes of need starting in the year", "count", "Children in need", "b1",
       "Started_episodes", _B1, indicator_id="cin_started",
       definition="Episodes of need starting in the year."),
    _m("cin_started_children", "Children starting an episode of need", "count", "Children in need", "b1",
       "Started_child", _B1, definition="Children with an episode of need starting in the year."),
    _m("cin_ended", "Episodes of need ending in the year", "count", "Children in need", "b1", "Ended_episodes",
       _B1, indicator_id="cin_ended", definition="Episodes of need ending in the year."),
    _m("cin_ended_children", "Children whose episode of need ended", "count", "Children in need", "b1",
       "Ended_child", _B1, definition="Children with an episode of need ending in the year."),
    _m("cin_awaiting_assessment", "Episodes at 31 March awaiting assessment", "count", "Children in need", "b1",
       "awaiting_assessment", _B1, definition="Episodes open at 31 March still awaiting assessment."),
    # -- child protection plans (tables D3 and D5) -------------------------------------------
    _m("cpp_starts", "Plans starting in the year", "count", "Child protection plans", "d3", "CPP_start", _D3,
       indicator_id="cpp_starts", definition="Child protection plans starting in the year."),
    _m("cpp_start_rate", "Plans starting per 10,000 children", "rate_per_10k", "Child protection plans", "d3",
       "CPP_start", _D3, computed_from="cpp_starts", definition=_RATE.format(what="Plans starting in the year")),
    _m("cpp_subsequent", "Second or subsequent plans starting", "count", "Child protection plans", "d3",
       "CPP_subsequent", _D3,
       definition="Plans starting in the year that were the child's second or subsequent plan (ever)."),
    _m("cpp_subsequent_percent", "Second or subsequent plans (%)", "percent", "Child protection plans", "d3",
       "CPP_subsequent_percent", _D3, indicator_id="cpp_repeat",
       definition="Second or subsequent plans as a percentage of plans starting in the year."),
    _m("cpp_at_31march", "Children on a plan at 31 March", "count", "Child protection plans", "d5", "CPP_At31",
       _D5, indicator_id="cpp_at_31march", definition="Child protection plans open at 31 March."),
    _m("cpp_rate", "Children on a plan per 10,000 at 31 March", "rate_per_10k", "Child protection plans", "d5",
       "CPP_At31", _D5, indicator_id="cpp_rate", computed_from="cpp_at_31march",
       definition=_RATE.format(what="Plans open at 31 March")),
    _m("cpp_duration_3m", "Plans at 31 March: 3 months or less", "count", "Child protection plans", "d5",
       "3_months_or_less", _D5, indicator_id="cpp_by_duration", breakdown="3 months or less",
       definition="Plans open at 31 March that had lasted 3 months or less."),
    _m("cpp_duration_3m_percent", "Plans at 31 March: 3 months or less (%)", "percent", "Child protection plans",
       "d5", "3_months_or_less_percent", _D5, definition="As a percentage of plans open at 31 March."),
    _m("cpp_duration_3_6m", "Plans at 31 March: more than 3 to 6 months", "count", "Child protection plans",
       "d5", "more_than_3_months_6_months", _D5, indicator_id="cpp_by_duration",
       breakdown="more than 3 to 6 months", definition="Plans open at 31 March that had lasted more than 3 and "
       "up to 6 months."),
    _m("cpp_duration_3_6m_percent", "Plans at 31 March: more than 3 to 6 months (%)", "percent",
       "Child protection plans", "d5", "more_than_3_months_6_months_percent", _D5,
       definition="As a percentage of plans open at 31 March."),
    _m("cpp_duration_6_12m", "Plans at 31 March: more than 6 months to under 1 year", "count",
       "Child protection plans", "d5", "more_than_6_months_less_than_1_year", _D5,
       indicator_id="cpp_by_duration", breakdown="more than 6 months to less than 1 year",
       definition="Plans open at 31 March that had lasted more than 6 months and less than a year."),
    _m("cpp_duration_6_12m_percent", "Plans at 31 March: more than 6 months to under 1 year (%)", "percent",
       "Child protection plans", "d5", "more_than_6_months_less_than_1_year_percent", _D5,
       definition="As a percentage of plans open at 31 March."),
    _m("cpp_duration_1_2y", "Plans at 31 March: 1 to under 2 years", "count", "Child protection plans", "d5",
       "1_year_less_than_2_years", _D5, indicator_id="cpp_by_duration", breakdown="1 to less than 2 years",
       definition="Plans open at 31 March that had lasted at least 1 year and less than 2."),
    _m("cpp_duration_1_2y_percent", "Plans at 31 March: 1 to under 2 years (%)", "percent",
       "Child protection plans", "d5", "1_year_less_than_2_years_percent", _D5,
       definition="As a percentage of plans open at 31 March."),
    _m("cpp_duration_2y_plus", "Plans at 31 March: 2 years or more", "count", "Child protection plans", "d5",
       "2_years_or_more", _D5, indicator_id="cpp_by_duration", breakdown="2 years or more",
       definition="Plans open at 31 March that had lasted 2 years or more."),
    _m("cpp_duration_2y_plus_percent", "Plans at 31 March: 2 years or more (%)", "percent",
       "Child protection plans", "d5", "2_years_or_more_percent", _D5, indicator_id="cpp_open_2yrs_plus",
       definition="Plans open at 31 March that had lasted 2 years or more, as a percentage of plans open."),
    # -- children looked after ---------------------------------------------------------------
    _m("cla_at_31march", "Children looked after at 31 March", "count", "Children looked after", "cla",
       "children_count", _CLA31, indicator_id="cla_at_31march",
       definition="Children looked after at 31 March (short breaks excluded)."),
    _m("cla_rate", "Children looked after per 10,000 at 31 March", "rate_per_10k", "Children looked after", "cla",
       "rate_per_10000", _CLA31, indicator_id="cla_rate", decimals=0,
       definition="As published by DfE (rounded to a whole number)."),
    _m("cla_started", "Children starting to be looked after", "count", "Children looked after", "cla",
       "children_count", _CLAS, indicator_id="cla_started",
       definition="Children who started to be looked after in the year."),
    _m("cla_started_rate", "Children starting to be looked after per 10,000", "rate_per_10k",
       "Children looked after", "cla", "rate_per_10000", _CLAS, decimals=0,
       definition="As published by DfE (rounded to a whole number)."),
    _m("cla_ceased", "Children ceasing to be looked after", "count", "Children looked after", "cla",
       "children_count", _CLAC, indicator_id="cla_ceased",
       definition="Children who ceased to be looked after in the year."),
    _m("cla_ceased_rate", "Children ceasing to be looked after per 10,000", "rate_per_10k",
       "Children looked after", "cla", "rate_per_10000", _CLAC, decimals=0,
       definition="As published by DfE (rounded to a whole number)."),
    # -- placement stability -----------------------------------------------------------------
    _m("cla_3plus_placements", "Looked after at 31 March with 3 or more placements in the year (%)", "percent",
       "Placement stability", "stability", "children_percent",
       (*_STAB_YEAR, ("placement_stability", "With 3 or more placements during the year")),
       indicator_id="cla_3plus_placements", decimals=0,
       definition="Children looked after at 31 March with three or more placements during the year, as a "
                  "percentage of children looked after at 31 March (as published, whole numbers)."),
    _m("cla_3plus_placements_count", "Looked after at 31 March with 3 or more placements in the year", "count",
       "Placement stability", "stability", "children_count",
       (*_STAB_YEAR, ("placement_stability", "With 3 or more placements during the year")),
       definition="Children looked after at 31 March with three or more placements during the year."),
    _m("cla_stability_total", "Looked after at 31 March (stability base)", "count", "Placement stability",
       "stability", "children_count", (*_STAB_YEAR, ("placement_stability", "Total children")),
       definition="Children looked after at 31 March: the base of the 3-or-more-placements measure."),
    _m("cla_3plus_placements_2y", "3 or more placements in the previous 2 years (%)", "percent",
       "Placement stability", "stability", "children_percent",
       (*_STAB_2Y, ("placement_stability", "With 3 or more placements during the previous 2 years")), decimals=0,
       definition="DfE group 'CLA 2 years on 31 March': children with three or more placements during the "
                  "previous 2 years, as a percentage of the group (as published, whole numbers)."),
    _m("cla_3plus_placements_2y_count", "3 or more placements in the previous 2 years", "count",
       "Placement stability", "stability", "children_count",
       (*_STAB_2Y, ("placement_stability", "With 3 or more placements during the previous 2 years")),
       definition="DfE group 'CLA 2 years on 31 March': children with three or more placements during the "
                  "previous 2 years."),
    _m("cla_stability_2y_total", "CLA 2 years on 31 March (stability base)", "count", "Placement stability",
       "stability", "children_count", (*_STAB_2Y, ("placement_stability", "Total children")),
       definition="DfE group 'CLA 2 years on 31 March': the base of the 2-year measure."),
    _m("cla_same_carer_2y", "Long-term looked after: same carer for 2 years or more (%)", "percent",
       "Placement stability", "stability", "children_percent",
       (*_STAB_LT, ("placement_stability", "Living with the same carer for at least 2 years")), decimals=0,
       definition="Children under 16 looked after continuously for at least 2.5 years at 31 March who had "
                  "lived with the same carer for at least 2 years, as a percentage (whole numbers)."),
    _m("cla_same_carer_2y_count", "Long-term looked after: same carer for 2 years or more", "count",
       "Placement stability", "stability", "children_count",
       (*_STAB_LT, ("placement_stability", "Living with the same carer for at least 2 years")),
       definition="Children under 16 looked after continuously for at least 2.5 years at 31 March who had "
                  "lived with the same carer for at least 2 years."),
    _m("cla_long_term_total", "Long-term looked after under 16 (stability base)", "count", "Placement stability",
       "stability", "children_count", (*_STAB_LT, ("placement_stability", "Total children")),
       definition="Children under 16 looked after continuously for at least 2.5 years at 31 March."),
    # -- population -------------------------------------------------------------------------
    _m("population_0_17", "Children aged 0-17 (ONS mid-year estimate used for the year)", "count", "Population",
       "population", "population_estimate", _POP, year_offset=1,
       definition="ONS mid-year estimate of children aged 0-17 for the calendar year in which the reporting "
                  "year starts (mid-2016 for 2016-17): the denominator of the computed rates."),
)

MEASURE_BY_ID: dict[str, BenchmarkMeasure] = {m.id: m for m in MEASURES}


def check_registry() -> None:
    """Raise ``ValueError`` on a malformed registry (duplicate id, unknown unit or section, bad rate)."""
    if len(MEASURE_BY_ID) != len(MEASURES):
        raise ValueError("benchmark measures: duplicate id")
    for m in MEASURES:
        if m.unit not in UNITS or m.section not in SECTIONS:
            raise ValueError(f"benchmark measure {m.id}: unit {m.unit!r} / section {m.section!r} not known")
        if m.computed and (m.computed_from not in MEASURE_BY_ID or m.unit != "rate_per_10k"):
            raise ValueError(f"benchmark measure {m.id}: computed_from {m.computed_from!r} is not a count measure")


def source_of(m: BenchmarkMeasure, files: dict[str, str] | None = None) -> str:
    """``file: column`` (and the population file for a computed rate)."""
    def name(key: str) -> str:
        return (files or {}).get(key) or PUBLISHED_TABLES[key] + "*.csv"

    text = f"{name(m.table)}: {m.column}"
    if m.filters:
        text += " (" + "; ".join(f"{k} = {v}" for k, v in m.filters) + ")"
    if m.computed:
        text += f" / {name('population')}: population_estimate x 10,000"
    return text


check_registry()


#: Publication of each published table, for source lines.
PUBLICATIONS: dict[str, str] = {
    "b1": "DfE, Children in need, table B1",
    "c1": "DfE, Children in need, table C1",
    "d3": "DfE, Children in need, table D3",
    "d5": "DfE, Children in need, table D5",
    "cla": "DfE, Children looked after in England including adoptions",
    "stability": "DfE, placement stability of children looked after",
    "population": "ONS mid-year population estimates (as used by DfE)",
}
#: Status of a cell for which the files hold no row (a council before it existed, a measure
#: not yet published); other statuses are DfE's symbols (``c``, ``x``, ...) or "" for a number.
ABSENT = "absent"
LICENCE = "Open Government Licence v3.0"


class YearNotPublished(LookupError):
    """The files hold no figures for the year asked."""


# ================================================================================================
# The panel: every measure x year x area, read once
# ================================================================================================
@dataclass(frozen=True)
class Panel:
    """All published figures as arrays ``[measure, year, area]``.

    Attributes
    ----------
    measures : tuple of BenchmarkMeasure
    years : numpy.ndarray
        ``time_period`` values (reporting years), ascending.
    areas : pandas.DataFrame
        One row per area in array order: ``key`` (England ``E92000001``, region codes,
        councils' 3-digit codes), ``level`` (``National``/``Regional``/``Local authority``),
        ``name``.
    values : numpy.ndarray
        float, NaN where not available.
    status : numpy.ndarray
        object: ``""`` for a number, DfE's symbol, or ``absent`` (no row in the files).
    directory : CouncilDirectory
    files : dict
        Published table key -> file name read.
    """

    measures: tuple[BenchmarkMeasure, ...]
    years: np.ndarray
    areas: pd.DataFrame
    values: np.ndarray
    status: np.ndarray
    directory: CouncilDirectory
    files: dict[str, str]

    def area_index(self) -> dict[str, int]:
        """Area key -> position on the last axis (computed once)."""
        cache = self.__dict__.setdefault("_area_index_cache", {})
        if not cache:
            cache.update({k: i for i, k in enumerate(self.areas["key"])})
        return cache

    def measure_index(self) -> dict[str, int]:
        return {m.id: i for i, m in enumerate(self.measures)}


def _area_keys(frame: pd.DataFrame) -> np.ndarray:
    level = frame["geographic_level"].str.casefold()
    la = frame["old_la_code"].where(frame["old_la_code"].ne(""), frame["new_la_code"])
    return np.select([level.eq("national"), level.eq("regional"), level.eq("local authority")],
                     [frame["country_code"], frame["region_code"], la], default="").astype(object)


def _directory_order(tables: Sequence[str]) -> list[str]:
    """Tables for the council directory, longest-running first (see :class:`CouncilDirectory`)."""
    first = ["c1", "b1", "d3", "d5"]
    return [t for t in first if t in tables] + [t for t in tables if t not in first and t != "population"]


def build_panel(data_dir: Path | str | None = None) -> Panel:
    """Read every published table and arrange :data:`MEASURES` as arrays (uncached; see :func:`load_panel`)."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    keys = list(dict.fromkeys(m.table for m in MEASURES))
    paths = {k: find_table(k, folder) for k in keys}
    frames = {k: read_dfe_csv(p) for k, p in paths.items()}
    # A council exists in a year when a file has a figure for it then; the population file counts too
    # (aligned to the reporting year its estimate serves), so a council that sent no return (Norfolk,
    # 2012-13: every figure "x") still exists, while the looked-after files' restated rows do not.
    order = [frames[k] for k in _directory_order(keys)]
    if "population" in frames:
        pop = frames["population"]
        order.append(pop.assign(time_period=pop["time_period"] + MEASURE_BY_ID["population_0_17"].year_offset))
    directory = CouncilDirectory(order)
    for f in frames.values():
        f["_area"] = _area_keys(f)

    # Rows of each measure, with time aligned to reporting years.
    picked: list[pd.DataFrame] = []
    for i, m in enumerate(MEASURES):
        if m.computed:
            continue
        f = frames[m.table]
        mask = f["measure"].eq(m.column) & f["_area"].ne("")
        for col, val in m.filters:
            if col not in f.columns:
                raise ValueError(f"{paths[m.table].name}: no filter column {col!r} (measure {m.id})")
            mask &= f[col].eq(val)
        sel = f.loc[mask, ["time_period", "_area", "value", "status"]]
        picked.append(sel.assign(time_period=sel["time_period"] + m.year_offset, _m=i))
    rows = pd.concat(picked, ignore_index=True)
    stats = rows[rows["_m"].map(lambda i: MEASURES[i].table != "population")]
    years = np.array(sorted(set(stats["time_period"])), dtype=int)

    # Areas: England, regions (by code), councils (by code).
    level_rows = pd.concat([f[["geographic_level", "_area", "region_name", "la_name", "time_period"]]
                            for f in frames.values()], ignore_index=True)
    level_rows = level_rows[level_rows["_area"].ne("")].sort_values("time_period", kind="mergesort")
    last = level_rows.drop_duplicates("_area", keep="last").set_index("_area")
    regions = sorted(k for k in last.index if last.at[k, "geographic_level"].casefold() == "regional")
    councils = sorted(k for k in last.index if last.at[k, "geographic_level"].casefold() == "local authority")
    area_keys = [ENGLAND_CODE, *regions, *councils]
    names = (["England"] + [last.at[k, "region_name"] for k in regions]
             + [directory[k].name if k in directory else last.at[k, "la_name"] for k in councils])
    levels = ["National"] + ["Regional"] * len(regions) + ["Local authority"] * len(councils)
    areas = pd.DataFrame({"key": area_keys, "level": levels, "name": names})

    shape = (len(MEASURES), len(years), len(area_keys))
    values = np.full(shape, np.nan)
    status = np.full(shape, ABSENT, dtype=object)
    rows = rows[rows["time_period"].isin(years) & rows["_area"].isin(area_keys)]
    dup = rows.duplicated(["_m", "time_period", "_area"], keep=False)
    if dup.any():
        r = rows[dup].iloc[0]
        m = MEASURES[int(r["_m"])]
        raise ValueError(f"{paths[m.table].name}: more than one row for {r['_area']} in {r['time_period']} "
                         f"(measure {m.id}); the file's filters do not single out one row")
    ti = np.searchsorted(years, rows["time_period"].to_numpy())
    ai = pd.Index(area_keys).get_indexer(rows["_area"])
    mi = rows["_m"].to_numpy()
    values[mi, ti, ai] = rows["value"].to_numpy()
    status[mi, ti, ai] = rows["status"].to_numpy()

    index = {m.id: i for i, m in enumerate(MEASURES)}
    pop = index["population_0_17"]
    for i, m in enumerate(MEASURES):
        if not m.computed:
            continue
        num = index[m.computed_from]
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = values[num] / values[pop] * 10_000
        st = np.where(status[num] != "", status[num], status[pop])
        ok = st == ""
        values[i] = np.where(ok & np.isfinite(rate), rate, np.nan)
        status[i] = np.where(ok & ~np.isfinite(rate), "x", st)
    return Panel(MEASURES, years, areas, values, status, directory, {k: p.name for k, p in paths.items()})


@lru_cache(maxsize=4)
def _cached_panel(folder: str, stamp: tuple) -> Panel:
    return build_panel(folder)


def load_panel(data_dir: Path | str | None = None) -> Panel:
    """The panel of ``data_dir`` (default :func:`~reporting.published.dfe.default_data_dir`),
    cached until a file in the folder changes."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    folder = folder.resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"published statistics folder not found: {folder}")
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*.csv")))
    return _cached_panel(str(folder), stamp)


_DIRECTORY_COLUMNS = ("time_period", "geographic_level", "old_la_code", "new_la_code", "la_name", "region_code",
                      "region_name")


def build_directory(data_dir: Path | str | None = None) -> CouncilDirectory:
    """The councils of the published files (codes, names, slugs, regions) without their figures:
    a few hundredths of a second where :func:`build_panel` takes about a second, for checking the
    codes ``la.toml`` gives (``reporting validate``). A council counts in a year when a row of a
    file has a number for it then (the same rule as :func:`build_panel`'s directory, except that
    a row holding only suppressed figures does not count: the years are for messages only)."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    keys = list(dict.fromkeys(m.table for m in MEASURES))
    order = _directory_order(keys) + (["population"] if "population" in keys else [])
    frames = []
    for k in order:
        path = find_table(k, folder)
        wide = read_dfe_wide(path)
        geo = pd.DataFrame({c: wide[c] if c in wide.columns else "" for c in _DIRECTORY_COLUMNS})
        geo["time_period"] = parse_time_period(wide["time_period"], path.name)
        if k == "population":
            geo["time_period"] += MEASURE_BY_ID["population_0_17"].year_offset
        cells = [c for c in wide.columns if c not in _DIRECTORY_COLUMNS and c not in ("time_identifier",
                                                                                     "country_code", "country_name")]
        has = np.zeros(len(wide), dtype=bool)
        for c in cells:
            has |= is_number(wide[c]).to_numpy()
        frames.append(geo.assign(value=np.where(has, 1.0, np.nan), status=np.where(has, "", "x")))
    return CouncilDirectory(frames)


@lru_cache(maxsize=4)
def _cached_directory(folder: str, stamp: tuple) -> CouncilDirectory:
    return build_directory(folder)


def load_directory(data_dir: Path | str | None = None) -> CouncilDirectory:
    """:func:`build_directory` of ``data_dir``, cached until a file in the folder changes.

    Raises
    ------
    FileNotFoundError
        When the folder or one of the published tables is missing.
    reporting.published.dfe.DfeFormatError
        When a file is not in DfE's layout.
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    folder = folder.resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"published statistics folder not found: {folder}")
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*.csv")))
    return _cached_directory(str(folder), stamp)


# ================================================================================================
# One council, one year: the tables
# ================================================================================================
def to_time_period(year: str | int | ReportingYear) -> int:
    """``"2016-17"`` or ``ReportingYear(2016)`` -> 2017; an int is taken as a ``time_period`` already."""
    if isinstance(year, ReportingYear):
        return year.collection_end_year
    if isinstance(year, int | np.integer):
        return int(year)
    return ReportingYear.parse(str(year)).collection_end_year


def _check_year(panel: Panel, tp: int) -> int:
    hits = np.flatnonzero(panel.years == tp)
    if not len(hits):
        raise YearNotPublished(
            f"no published figures for {year_label(tp)}: the files cover {year_label(int(panel.years[0]))} to "
            f"{year_label(int(panel.years[-1]))}")
    return int(hits[0])


def choose_comparators(directory: CouncilDirectory, council: Council, tp: int,
                       comparators: Sequence[str] | None, *, unknown: str = "raise"
                       ) -> tuple[list[str], str, list[str]]:
    """The comparator councils for ``council`` in ``tp``: (keys, how chosen, notes).

    ``comparators`` (codes or slugs, e.g. ``la.toml``'s list) are followed across
    reorganisations to the council(s) covering their area in ``tp``; without them, the
    other councils of the council's region with figures in ``tp`` (by name). ``how`` is
    for readers ("the councils Hampshire compares itself with", "the other councils of
    South East"); where the list comes from is the first note. A configured comparator that
    is not used (no figures in ``tp``, listed twice, the council itself, or, with
    ``unknown="note"``, no such council) is named in a note: configured comparators are never
    replaced by the default.

    Raises
    ------
    UnknownCouncil
        A configured comparator that names no council (``unknown="raise"``, the default).
    """
    notes: list[str] = []
    if not comparators:
        keys = [c.key for c in directory.in_region(council.region_code, tp) if c.key != council.key]
        how = f"the other councils of {council.region_name}"
        notes.append(f"No comparator councils are configured for {council.name} (la.toml, key comparators), so "
                     f"it is compared with the other councils of {council.region_name} that have figures for "
                     f"{year_label(tp)}; DfE's statistical neighbours, configured there, give a closer comparison.")
        return keys, how, notes
    notes.append(f"The comparator councils are those configured for {council.name} (la.toml, key comparators), "
                 "followed across council reorganisations.")
    keys: list[str] = []
    for item in comparators:
        try:
            c = directory.resolve(str(item))
        except UnknownCouncil:
            if unknown != "note":
                raise
            notes.append(f"Comparator {str(item)!r} (la.toml) is not a council in DfE's published files: left out "
                         "(reporting validate reports it).")
            continue
        if c.key == council.key:
            notes.append(f"Comparator {c.label()} is the council itself: left out.")
            continue
        cover = directory.covering(c.key, tp)
        if not cover:
            notes.append(f"Comparator {c.label()} has no figures for {year_label(tp)}: left out.")
        elif cover != [c.key]:
            names = " and ".join(directory[k].label() for k in cover)
            notes.append(f"Comparator {c.label()} did not exist in {year_label(tp)}; its area is covered "
                         f"by {names}, used instead.")
        dup = [k for k in cover if k in keys]
        if dup and dup == cover:
            notes.append(f"Comparator {c.label()} is listed more than once (or its area is covered by another "
                         "comparator): counted once.")
        keys += [k for k in cover if k not in keys and k != council.key]
    return keys, f"the councils {council.name} compares itself with", notes


def _unique(names: list[str], keys: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    return [f"{n} ({k})" if seen[n] > 1 else n for n, k in zip(names, keys, strict=True)]


def _and_names(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


COMPARATOR_MEAN = "Comparator mean"
RANK = "Rank among comparators"
RANKED = "Councils ranked"


def benchmark_tables(la: str, year: str | int | ReportingYear, *, comparators: Sequence[str] | None = None,
                     data_dir: Path | str | None = None, panel: Panel | None = None,
                     unknown: str = "raise") -> dict[str, pd.DataFrame]:
    """The benchmarking tables for council ``la`` in ``year``.

    Parameters
    ----------
    la : str
        Slug (``north-yorkshire``), 3-digit DfE code (``850``) or 9-character code (``E10000014``).
    year : str, int or ReportingYear
        ``"2016-17"``, ``ReportingYear(2016)`` or a ``time_period`` (2017).
    comparators : sequence of str, optional
        Comparator councils (codes or slugs; ``la.toml``'s ``comparators``). Default: the
        other councils of the region.
    data_dir : path-like, optional
        Folder of the published files (default ``data/external/dfe``).
    panel : Panel, optional
        A panel already loaded (:func:`load_panel`), to build many councils quickly.
    unknown : {"raise", "note"}
        A configured comparator that names no council: raise :class:`UnknownCouncil`, or leave
        it out with a note (the report's section; ``reporting validate`` reports it as an error).

    Returns
    -------
    dict of str to DataFrame
        ``about`` (item, value); ``areas`` (role, key, code, name, note) in column order;
        ``notes`` (topic, note); ``summary`` (one row per measure published for the year:
        council, England, region, comparator mean, rank); ``trends`` (tidy: measure_id,
        time_period, year, role, area_key, area, value, status); ``ranks`` (measure_id,
        time_period, year, value, rank, councils_ranked); and for each measure with figures
        ``trend_<measure_id>``: year x area, indexed by ``year`` (``2016-17``), one column
        per area (council, England, region, comparator mean, rank, councils ranked, each
        comparator), values unrounded (NaN where not available; the symbol is in ``trends``,
        see :func:`trend_status`).

    Raises
    ------
    UnknownCouncil, CouncilNotInYear, YearNotPublished
        With a message that says what to give instead.
    """
    panel = panel if panel is not None else load_panel(data_dir)
    tp = to_time_period(year)
    t = _check_year(panel, tp)
    directory = panel.directory
    council = directory.resolve(la, tp)
    comp_keys, how, comp_notes = choose_comparators(directory, council, tp, comparators, unknown=unknown)
    aidx = panel.area_index()
    region_key = council.region_code
    keys = [council.key, ENGLAND_CODE, region_key, *comp_keys]
    missing = [k for k in keys if k not in aidx]
    if missing:
        raise LookupError(f"no figures in the files for area(s) {', '.join(missing)}")
    idx = np.array([aidx[k] for k in keys])
    years = panel.years[: t + 1]
    ylabels = np.array([year_label(int(y)) for y in years], dtype=object)
    V = panel.values[:, : t + 1, :][:, :, idx]
    S = panel.status[:, : t + 1, :][:, :, idx]
    M, T, _ = V.shape

    comp_v = V[:, :, 3:]
    n_comp = np.isfinite(comp_v).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_comp > 0, np.nansum(comp_v, axis=2) / np.maximum(n_comp, 1), np.nan)
    group = np.concatenate([V[:, :, :1], comp_v], axis=2)
    own = V[:, :, 0]
    greater = (group > own[:, :, None]).sum(axis=2)
    ranked = np.isfinite(group).sum(axis=2)
    rank = np.where(np.isfinite(own), 1 + greater, np.nan)
    ranked = np.where(np.isfinite(own), ranked, np.nan)
    present = (S != ABSENT).any(axis=2)  # [measure, year] with any figure or symbol

    names = [council.name, "England", panel.areas["name"].iat[aidx[region_key]]]
    names += [directory[k].name for k in comp_keys]
    names = _unique(names, keys)
    roles = ["council", "England", "region"] + ["comparator"] * len(comp_keys)
    codes = [council.code_in(tp), ENGLAND_CODE, region_key] + [directory[k].code_in(tp) for k in comp_keys]

    # -- areas, notes, about ---------------------------------------------------------------
    area_notes = {council.key: " ".join(directory.notes(council.key, tp))}
    for k in comp_keys:
        area_notes[k] = " ".join(directory.notes(k, tp))
    if region_key == LONDON_CODE:
        sub = LONDON_SUB_REGIONS.get(council.sub_region_code, "")
        area_notes[region_key] = (f"{council.name} is in {sub}; London as a whole is the region compared."
                                  if sub else "")
    areas = pd.DataFrame({
        "role": roles, "key": keys, "code": codes, "name": names,
        "old_la_code": [k if r in ("council", "comparator") else "" for k, r in zip(keys, roles, strict=True)],
        "note": [area_notes.get(k, "") for k in keys],
    })
    notes = [("council", n) for n in directory.notes(council.key, tp)]
    notes += [("comparators", f"Comparators: {how}" + (f" ({_and_names(names[3:])})." if len(names) > 3
                                                        else ": none with figures for the year."))]
    notes += [("comparators", n) for n in comp_notes]
    for k in comp_keys:
        notes += [("comparators", n) for n in directory.notes(k, tp) if ("comparators", n) not in notes]
    if region_key == LONDON_CODE and area_notes[region_key]:
        notes.append(("region", area_notes[region_key]))
    shown = present.any(axis=1)
    for section in SECTIONS:
        ids = [i for i, m in enumerate(panel.measures) if m.section == section]
        if ids and not shown[ids].any():
            pub = np.flatnonzero((panel.status[ids][:, :, aidx[ENGLAND_CODE]] != ABSENT).any(axis=0))
            since = f"from {year_label(int(panel.years[pub[0]]))} only" if len(pub) else "for no year"
            notes.append(("measures", f"{section}: in the published files {since}, so not shown for "
                                      f"{year_label(tp)}."))
    notes.append(("measures", "Rates per 10,000 for referrals, children in need, plans starting and plans at "
                  "31 March are computed here from DfE's counts and the ONS mid-year estimate of children aged "
                  "0-17 for the calendar year in which the reporting year starts; looked-after rates are DfE's."))
    notes.append(("ranks", "Rank 1 = the highest figure among the council and its comparators (not a judgement: "
                  "for some measures lower is better); tied councils share the best rank (1, 2, 2, 4); councils "
                  "without a figure are not ranked."))
    notes_df = pd.DataFrame(list(dict.fromkeys(notes)), columns=["topic", "note"])
    notes_df = notes_df.drop_duplicates("note", ignore_index=True)
    about = pd.DataFrame([
        ("council", council.name), ("old_la_code", council.key), ("new_la_code", council.code_in(tp)),
        ("slug", council.slug), ("year", year_label(tp)), ("time_period", str(tp)),
        ("region", names[2]), ("region_code", region_key), ("comparators", how),
        ("comparator_count", str(len(comp_keys))), ("first_year", year_label(int(years[0]))),
        ("source", "; ".join(f"{PUBLICATIONS[k]} ({v})" for k, v in sorted(panel.files.items()))),
        ("licence", LICENCE),
        *((f"file_{k}", v) for k, v in sorted(panel.files.items())),
    ], columns=["item", "value"])

    # -- trend tables, one per measure -----------------------------------------------------
    tables: dict[str, pd.DataFrame] = {"about": about, "areas": areas, "notes": notes_df}
    columns = pd.Index([names[0], names[1], names[2], COMPARATOR_MEAN, RANK, RANKED, *names[3:]])
    year_index = pd.Index(ylabels, name="year")
    wide = np.concatenate([V[:, :, :3], mean[:, :, None], rank[:, :, None], ranked[:, :, None], V[:, :, 3:]],
                          axis=2)
    for i, m in enumerate(panel.measures):
        keep = present[i]
        if keep.all():
            tables[f"trend_{m.id}"] = pd.DataFrame(wide[i], index=year_index, columns=columns)
        elif keep.any():
            tables[f"trend_{m.id}"] = pd.DataFrame(wide[i][keep], index=year_index[keep], columns=columns)

    # -- long tables -----------------------------------------------------------------------
    mi, yi = np.nonzero(present)
    A = len(keys)
    ids = np.array([m.id for m in panel.measures], dtype=object)
    long_v = np.concatenate([V[mi, yi, :], mean[mi, yi][:, None]], axis=1)
    long_s = np.concatenate([S[mi, yi, :], np.where(np.isfinite(mean[mi, yi]), "", ABSENT)[:, None]], axis=1)
    trends = pd.DataFrame({
        "measure_id": np.repeat(ids[mi], A + 1),
        "time_period": np.repeat(years[yi], A + 1),
        "year": np.repeat(ylabels[yi], A + 1),
        "role": np.tile(np.array([*roles, "comparator mean"], dtype=object), len(mi)),
        "area_key": np.tile(np.array([*keys, ""], dtype=object), len(mi)),
        "area": np.tile(np.array([*names, COMPARATOR_MEAN], dtype=object), len(mi)),
        "value": long_v.ravel(),
        "status": long_s.ravel(),
    })
    tables["trends"] = trends
    tables["ranks"] = pd.DataFrame({
        "measure_id": ids[mi], "time_period": years[yi], "year": ylabels[yi], "value": own[mi, yi],
        "rank": rank[mi, yi], "councils_ranked": ranked[mi, yi]})

    # -- summary for the year --------------------------------------------------------------
    at = present[:, T - 1]
    sel = np.flatnonzero(at)
    tables["summary"] = pd.DataFrame({
        "measure_id": ids[sel],
        "section": [panel.measures[i].section for i in sel],
        "label": [panel.measures[i].label for i in sel],
        "unit": [panel.measures[i].unit for i in sel],
        "council": V[sel, T - 1, 0], "council_status": S[sel, T - 1, 0],
        "england": V[sel, T - 1, 1], "england_status": S[sel, T - 1, 1],
        "region": V[sel, T - 1, 2], "region_status": S[sel, T - 1, 2],
        "comparator_mean": mean[sel, T - 1], "comparators_with_figures": n_comp[sel, T - 1],
        "rank": rank[sel, T - 1], "councils_ranked": ranked[sel, T - 1],
        "indicator_id": [panel.measures[i].indicator_id for i in sel],
        "breakdown": [panel.measures[i].breakdown for i in sel],
        "source": [source_of(panel.measures[i], panel.files) for i in sel],
    })
    return tables


def iter_benchmark_tables(pairs: Sequence[tuple[str, int]] | None = None, *, data_dir: Path | str | None = None,
                          comparators: Sequence[str] | None = None
                          ) -> Iterator[tuple[tuple[str, int], dict[str, pd.DataFrame]]]:
    """:func:`benchmark_tables` for many (council, ``time_period``) pairs, sharing one panel,
    one at a time (``((key, time_period), tables)``), so memory stays flat.

    By default every council in every year in which it has figures, by code then year.
    """
    panel = load_panel(data_dir)
    if pairs is None:
        known = set(panel.years.tolist())
        pairs = [(c.key, y) for c in panel.directory.councils.values() for y in c.years if y in known]
    for k, y in pairs:
        yield (k, y), benchmark_tables(k, y, comparators=comparators, panel=panel)


def all_benchmark_tables(pairs: Sequence[tuple[str, int]] | None = None, *, data_dir: Path | str | None = None,
                         comparators: Sequence[str] | None = None) -> dict[tuple[str, int], dict[str, pd.DataFrame]]:
    """:func:`iter_benchmark_tables` collected in a dict (about 1 GB for every council and year)."""
    return dict(iter_benchmark_tables(pairs, data_dir=data_dir, comparators=comparators))


def published_for_council(la: str, year: str | int | ReportingYear, *,
                          data_dir: Path | str | None = None) -> pd.DataFrame:
    """DfE's published values for the council's own rows, keyed by record-level indicator id.

    "Our figures as DfE published them": one row per benchmark measure that has a
    matching indicator (:attr:`BenchmarkMeasure.indicator_id`), for the reconciliation of
    recomputed indicators with DfE's figures.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id``, ``period_label`` (``2016-17``, or ``31 March 2017`` for snapshot
        indicators, as in ``indicators.csv``), ``breakdown``, ``measure_id``, ``label``,
        ``value`` (unrounded; NaN when not published), ``status`` ("" or DfE's symbol, or
        ``absent``), ``unit``, ``source`` (file and column), ``computed`` (True for rates
        computed here from DfE's count and the ONS population); sorted by indicator id,
        breakdown.
    """
    from reporting.indicators.registry import catalogue

    panel = load_panel(data_dir)
    tp = to_time_period(year)
    t = _check_year(panel, tp)
    council = panel.directory.resolve(la, tp)
    a = panel.area_index()[council.key]
    ry = ReportingYear(tp - 1)
    cat = catalogue()
    rows = []
    for i, m in enumerate(panel.measures):
        if not m.indicator_id:
            continue
        kind = cat[m.indicator_id].period if m.indicator_id in cat else "year"
        rows.append({
            "indicator_id": m.indicator_id,
            "period_label": ry.snapshot().label if kind == "snapshot" else ry.label,
            "breakdown": m.breakdown, "measure_id": m.id, "label": m.label,
            "value": panel.values[i, t, a], "status": panel.status[i, t, a], "unit": m.unit,
            "source": source_of(m, panel.files), "computed": m.computed,
        })
    df = pd.DataFrame(rows)
    return df.sort_values(["indicator_id", "breakdown", "measure_id"], kind="mergesort").reset_index(drop=True)


# ================================================================================================
# Presentation: numbers, charts, HTML, files
# ================================================================================================
def format_number(v: float) -> str:
    """A value for a CSV file: "" when missing, whole numbers without decimals, else shortest repr."""
    if v is None or not np.isfinite(v):
        return ""
    v = float(v)
    return str(int(v)) if v.is_integer() else repr(v)


def display_value(v: float, unit: str, decimals: int, status: str = "") -> str:
    """A value as the report shows it (rounded half away from zero, thousands separated)."""
    if status and status != ABSENT:
        return status
    if v is None or not np.isfinite(v):
        return ""
    r = round_half_away(float(v), decimals)
    text = f"{r:,.{decimals}f}"
    return text + ("%" if unit == "percent" else "")


def _phrase(v: float, m: BenchmarkMeasure, d: int | None = None) -> str:
    d = m.decimals if d is None else d
    text = f"{round_half_away(float(v), d):,.{d}f}"
    if m.unit == "percent":
        return text + "%"
    if m.unit == "rate_per_10k":
        return text + " per 10,000"
    return text


def _span(first: str, last: str) -> str:
    return f"in {first}" if first == last else f"{first} to {last}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _compare(a: float, b: float, m: BenchmarkMeasure, d: int) -> str:
    ra, rb = round_half_away(a, d), round_half_away(b, d)
    return "higher than" if ra > rb else "lower than" if ra < rb else "the same as"


def chart_message(tables: dict[str, pd.DataFrame], measure_id: str) -> str:
    """The message of a measure's chart in words (its alt text): where the council stands in the
    year and how its figure moved."""
    m = MEASURE_BY_ID[measure_id]
    trend = tables[f"trend_{measure_id}"]
    areas = tables["areas"]
    council, region = areas["name"].iat[0], areas["name"].iat[2]
    year = tables["about"].set_index("item").at["year", "value"]
    cols = list(trend.columns)
    c_name, e_name, r_name = cols[0], cols[1], cols[2]
    d = m.decimals if m.unit != "count" else 0
    labels = list(trend.index)
    first, last = labels[0], labels[-1]
    out = [f"{m.label}, {_span(first, last)}."]
    row = trend[trend.index == year]
    if row.empty:
        return " ".join(out + [f"No figures for {year}."])
    v = row[c_name].iat[0]
    if not np.isfinite(v):
        sym = trend_status(tables, measure_id).at[year, c_name]
        why = f" ({sym}: {SYMBOLS.get(sym, 'not available')})" if sym and sym != ABSENT else ""
        out.append(f"{council} has no published figure for {year}{why}.")
    else:
        s = f"In {year} {council} had {_phrase(v, m, d)}"
        comps = []
        e, r, mean = row[e_name].iat[0], row[r_name].iat[0], row[COMPARATOR_MEAN].iat[0]
        if m.unit != "count":  # a council's count is not comparable with England's total
            if np.isfinite(e):
                comps.append(f"{_compare(v, e, m, d)} England ({_phrase(e, m, d)})")
            if np.isfinite(r):
                comps.append(f"{_compare(v, r, m, d)} {region} ({_phrase(r, m, d)})")
        if np.isfinite(mean):
            comps.append(f"{_compare(v, mean, m, d)} the comparator mean ({_phrase(mean, m, d)})")
        if comps:
            s += ", " + ", ".join(comps[:-1]) + (" and " if len(comps) > 1 else "") + comps[-1]
        rk, n = row[RANK].iat[0], row[RANKED].iat[0]
        if np.isfinite(rk) and n > 1:
            place = "the highest" if int(rk) == 1 else f"{_ordinal(int(rk))} highest"
            s += f"; {place} of {int(n)} councils compared"
        out.append(s + ".")
        series = trend[c_name].to_numpy(dtype=float)
        ok = np.flatnonzero(np.isfinite(series))
        if len(ok) and labels[ok[0]] != year:
            v0, y0 = series[ok[0]], labels[ok[0]]
            a, b = round_half_away(v0, d), round_half_away(v, d)
            move = "up" if b > a else "down" if b < a else "unchanged"
            out.append(f"{'Unchanged' if move == 'unchanged' else move.capitalize()} from {_phrase(v0, m, d)} "
                       f"in {y0}." if move != "unchanged" else f"Unchanged since {y0}.")
    return " ".join(out)


@dataclass(frozen=True)
class Chart:
    """A measure's chart: inline SVG (with its alt text as ``<title>``), alt text, caption."""

    measure_id: str
    svg: str
    alt: str
    caption: str


CHART_RC = {"svg.hashsalt": "reporting-benchmark", "svg.fonttype": "none", "font.family": "DejaVu Sans",
            "font.size": 8.0, "axes.titlesize": 9.0, "path.simplify": True}
_STYLE = {
    "council": {"color": "#1d4f91", "lw": 2.2, "marker": "o", "ms": 4, "ls": "-"},
    "England": {"color": "#222222", "lw": 1.4, "marker": "", "ms": 0, "ls": "--"},
    "region": {"color": "#6b6b6b", "lw": 1.4, "marker": "", "ms": 0, "ls": "-."},
    "mean": {"color": "#b35806", "lw": 1.4, "marker": "s", "ms": 3, "ls": ":"},
}


def plot_measure(tables: dict[str, pd.DataFrame], measure_id: str):
    """A line chart of the council against England, its region and the comparator mean (with
    the comparators' range shaded). Returns a :class:`matplotlib.figure.Figure` (Agg canvas,
    no pyplot state), which a notebook displays."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    m = MEASURE_BY_ID[measure_id]
    trend = tables[f"trend_{measure_id}"]
    cols = list(trend.columns)
    x = np.array([int(y[:4]) + 1 for y in trend.index], dtype=float)
    comps = trend[cols[6:]].to_numpy(dtype=float) if len(cols) > 6 else np.empty((len(trend), 0))
    with _rc():
        fig = Figure(figsize=(6.4, 3.0), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        if comps.shape[1] > 1:
            has = np.isfinite(comps).any(axis=1)
            lo = np.where(has, np.nanmin(np.where(np.isfinite(comps), comps, np.inf), axis=1), np.nan)
            hi = np.where(has, np.nanmax(np.where(np.isfinite(comps), comps, -np.inf), axis=1), np.nan)
            ax.fill_between(x, lo, hi, color=_STYLE["mean"]["color"], alpha=0.12, lw=0,
                            label="Comparators' range")
        lines = [(cols[1], "England"), (cols[2], "region")] if m.unit != "count" else []
        for col, key in (*lines, (COMPARATOR_MEAN, "mean"), (cols[0], "council")):
            s = _STYLE[key]
            label = col if key != "mean" else f"{COMPARATOR_MEAN} ({councils_count(np.isfinite(comps).sum(axis=1))})"
            ax.plot(x, trend[col].to_numpy(dtype=float), color=s["color"], lw=s["lw"], ls=s["ls"],
                    marker=s["marker"] or None, ms=s["ms"], label=label)
        ax.set_xticks(x)
        ax.set_xticklabels(list(trend.index), rotation=45, ha="right")
        ax.set_ylim(bottom=0)
        ax.set_ylabel({"count": "number", "percent": "%", "rate_per_10k": "per 10,000 children"}[m.unit])
        ax.set_title(f"{m.label}: {cols[0]}")
        ax.grid(axis="y", color="#dddddd", lw=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        handles, labels = ax.get_legend_handles_labels()
        order = [labels.index(c) for c in (cols[0], cols[1], cols[2]) if c in labels]
        order += [i for i in range(len(labels)) if i not in order]
        ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="upper center",
                  bbox_to_anchor=(0.5, -0.32), ncol=3, frameon=False, fontsize=7)
        fig.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.36)
    return fig


def councils_count(counts) -> str:
    """How many councils stand behind a line drawn over several years: ``"11 councils"``, or
    ``"10 to 12 councils"`` when the number with a figure changes from year to year (years
    with none are left out)."""
    n = sorted({int(c) for c in np.asarray(counts).ravel() if np.isfinite(c) and c > 0})
    if not n:
        return "no councils"
    text = str(n[0]) if n[0] == n[-1] else f"{n[0]} to {n[-1]}"
    return f"{text} council{'s' if n[-1] != 1 else ''}"


def _rc():
    import matplotlib

    return matplotlib.rc_context(CHART_RC)


def figure_svg(fig, prefix: str, alt: str) -> str:
    """The figure as inline SVG: no XML prolog or metadata, ids prefixed with ``prefix`` (unique in
    a page), ``role="img"`` and the alt text as its ``<title>``. Deterministic."""
    buf = io.StringIO()
    with _rc():
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\bid="([^"]+)"', lambda mt: f'id="{prefix}-{mt.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda mt: f"url(#{prefix}-{mt.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda mt: f'href="#{prefix}-{mt.group(1)}"', svg)
    open_end = svg.index(">") + 1
    head = svg[:open_end - 1] + f' role="img" aria-labelledby="{prefix}-title">'
    return head + f'\n <title id="{prefix}-title">{html.escape(alt)}</title>' + svg[open_end:].rstrip() + "\n"


def chart_caption(tables: dict[str, pd.DataFrame], measure_id: str) -> str:
    m = MEASURE_BY_ID[measure_id]
    areas = tables["areas"]
    n = int((areas["role"] == "comparator").sum())
    trend = tables[f"trend_{measure_id}"]
    against = (f"England, {areas['name'].iat[2]} and " if m.unit != "count" else "")
    tail = " (England's and the region's totals are in the table, not the chart)" if m.unit == "count" else ""
    return (f"{m.label}: {areas['name'].iat[0]} against {against}the mean of {n} comparator councils "
            f"(range shaded), {_span(trend.index[0], trend.index[-1])}{tail}.")


def source_line(m: BenchmarkMeasure, files: dict[str, str] | None = None) -> str:
    pub = PUBLICATIONS[m.table]
    text = f"Source: {pub} ({source_of(m, files)})"
    if m.computed:
        text += f"; rate computed with {PUBLICATIONS['population']}"
    return text + f". {LICENCE}."


def benchmark_charts(tables: dict[str, pd.DataFrame], measure_ids: Sequence[str] | None = None) -> dict[str, Chart]:
    """Charts for the council's tables (one per measure with figures, or those asked for)."""
    ids = list(measure_ids) if measure_ids is not None else [
        m.id for m in MEASURES if f"trend_{m.id}" in tables]
    out = {}
    for mid in ids:
        fig = plot_measure(tables, mid)
        alt = chart_message(tables, mid)
        out[mid] = Chart(mid, figure_svg(fig, f"chart-{mid}", alt), alt, chart_caption(tables, mid))
        fig.clear()
    return out


# -- files ---------------------------------------------------------------------------------
def trend_status(tables: dict[str, pd.DataFrame], measure_id: str) -> pd.DataFrame:
    """The statuses behind ``tables["trend_<measure_id>"]``, same shape: "" for a number, DfE's
    symbol (``c``, ``x``, ...) or ``absent`` (no row in the files)."""
    trend = tables[f"trend_{measure_id}"]
    long = tables["trends"]
    long = long[long["measure_id"].eq(measure_id)]
    st = long.pivot(index="year", columns="area", values="status")
    st = st.reindex(index=trend.index, columns=trend.columns)
    return st.fillna("")


def _csv(df: pd.DataFrame, status: pd.DataFrame | None = None, index: bool = False) -> str:
    """CSV text: numbers by :func:`format_number`; where ``status`` has a DfE symbol the symbol is
    written in place of the number, as DfE does (``absent`` stays empty); ``\\n`` line ends."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_float_dtype(s) or pd.api.types.is_integer_dtype(s):
            text = s.map(format_number)
            if status is not None and col in status.columns:
                sym = status[col].astype(str)
                text = text.where(sym.eq("") | sym.eq(ABSENT), sym)
            out[col] = text
    buf = io.StringIO()
    out.to_csv(buf, index=index, lineterminator="\n")
    return buf.getvalue()


def table_files(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """One CSV per table, ``<name>.csv`` -> text (trend tables with DfE's symbols in place)."""
    files = {}
    for name, df in tables.items():
        if name.startswith("trend_"):
            files[f"{name}.csv"] = _csv(df, trend_status(tables, name[len("trend_"):]), index=True)
        else:
            files[f"{name}.csv"] = _csv(df)
    return files


# -- HTML ----------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:0;color:#1b1b1b;line-height:1.45}
main{max-width:64rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:2px solid #1d4f91}
h3{font-size:1.05rem;margin-top:1.8rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #c8c8c8;padding:.2rem .45rem;vertical-align:top}
thead th{background:#eef2f7;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th.n{text-align:right}
figure{margin:.5rem 0}figure svg{max-width:100%;height:auto}
figcaption,.source{font-size:.8rem;color:#444}
details{margin:.25rem 0 1rem}.wide{overflow-x:auto}
abbr{text-decoration:underline dotted}
"""


def _cell(v: float, status: str, unit: str, decimals: int) -> str:
    if status and status != ABSENT:
        return f'<td class="n"><abbr title="{html.escape(SYMBOLS.get(status, "not available"))}">' \
               f"{html.escape(status)}</abbr></td>"
    if not np.isfinite(v):
        return '<td class="n"><abbr title="no figure in the published files">n/a</abbr></td>'
    return f'<td class="n">{html.escape(display_value(v, unit, decimals))}</td>'


def _trend_html(df: pd.DataFrame, st: pd.DataFrame, m: BenchmarkMeasure, columns: list[str], caption: str) -> str:
    shown = {RANK: "Rank (1 = highest)"}
    head = '<th scope="col">Year</th>' + "".join(
        f'<th scope="col" class="n">{html.escape(shown.get(c, c))}</th>' for c in columns)
    body = []
    for i in range(len(df)):
        cells = []
        for c in columns:
            v = float(df[c].iat[i])
            if c == RANK:
                n = df[RANKED].iat[i]
                text = f"{int(v)} of {int(n)}" if np.isfinite(v) else ""
                cells.append(f'<td class="n">{text}</td>')
            elif c == RANKED:
                cells.append(f'<td class="n">{"" if not np.isfinite(v) else int(v)}</td>')
            else:
                cells.append(_cell(v, st[c].iat[i], m.unit, m.decimals))
        body.append(f'<tr><th scope="row">{html.escape(df.index[i])}</th>{"".join(cells)}</tr>')
    return (f'<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def render_html(tables: dict[str, pd.DataFrame], charts: dict[str, Chart] | None = None,
                files: dict[str, str] | None = None) -> str:
    """The self-contained benchmarking section as an HTML page (charts inline as SVG)."""
    charts = charts or {}
    about = tables["about"].set_index("item")["value"]
    files_read = {k[len("file_"):]: v for k, v in about.items() if k.startswith("file_")}
    areas = tables["areas"]
    council, year, region = about["council"], about["year"], about["region"]
    n_comp = int((areas["role"] == "comparator").sum())
    esc = html.escape
    out = ['<!DOCTYPE html>', '<html lang="en-GB">', '<head>', '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>Benchmarking: {esc(council)}, {esc(year)}</title>", f"<style>{_CSS}</style>", "</head>",
           "<body>", "<main>", f"<h1>Benchmarking: {esc(council)}, {esc(year)}</h1>",
           f"<p>How {esc(council)} compares with England, {esc(region)} and {n_comp} comparator councils on "
           f"the measures the Department for Education publishes for every council, from "
           f"{esc(about['first_year'])} to {esc(year)}. Built from the published statistics alone (no "
           f"record-level data). Figures are as published; rates marked as computed divide DfE's counts by "
           f"the ONS population aged 0-17.</p>",
           f'<p class="source">Sources: {esc(about["source"])}. Licence: {LICENCE}. Contains public sector '
           f"information licensed under the Open Government Licence v3.0.</p>"]
    # comparators
    out.append("<h2>Areas compared</h2>")
    rows = "".join(
        f'<tr><th scope="row">{esc(r.name)}</th><td>{esc(r.role)}</td><td>{esc(r.code)}</td>'
        f"<td>{esc(r.old_la_code)}</td><td>{esc(r.note)}</td></tr>" for r in areas.itertuples())
    out.append(f"<table><caption>Areas compared ({esc(about['comparators'])})</caption><thead><tr>"
               '<th scope="col">Area</th><th scope="col">Role</th><th scope="col">Code</th>'
               '<th scope="col">DfE code</th><th scope="col">Note</th></tr></thead>'
               f"<tbody>{rows}</tbody></table>")
    out.append("<h2>Notes</h2><ul>" + "".join(f"<li>{esc(n)}</li>" for n in tables["notes"]["note"]) + "</ul>")
    # summary
    summary = tables["summary"]
    out.append(f"<h2>Summary for {esc(year)}</h2>")
    head = ('<th scope="col">Measure</th>' + f'<th scope="col" class="n">{esc(council)}</th>'
            '<th scope="col" class="n">England</th>' + f'<th scope="col" class="n">{esc(region)}</th>'
            f'<th scope="col" class="n">{COMPARATOR_MEAN}</th><th scope="col" class="n">Rank (1 = highest)</th>')
    body = []
    for r in summary.itertuples():
        m = MEASURE_BY_ID[r.measure_id]
        rank = f"{int(r.rank)} of {int(r.councils_ranked)}" if np.isfinite(r.rank) else ""
        dmean = m.decimals if m.unit != "count" else 0
        body.append(
            f'<tr><th scope="row"><a href="#m-{r.measure_id}">{esc(m.label)}</a></th>'
            + _cell(r.council, r.council_status, m.unit, m.decimals)
            + _cell(r.england, r.england_status, m.unit, m.decimals)
            + _cell(r.region, r.region_status, m.unit, m.decimals)
            + _cell(r.comparator_mean, "", m.unit, dmean) + f'<td class="n">{rank}</td></tr>')
    out.append(f"<table><caption>{esc(council)} in {esc(year)} against England, {esc(region)} and its "
               f"comparators</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    out.append('<p class="source">Symbols as DfE publishes them: ' + "; ".join(
        f"{esc(k)} = {esc(v)}" for k, v in SYMBOLS.items() if k != "blank")
        + "; n/a = no figure in the published files for that year. None of them is a zero.</p>")
    # one section per measure
    section = ""
    for m in MEASURES:
        key = f"trend_{m.id}"
        if key not in tables:
            continue
        if m.section != section:
            section = m.section
            out.append(f"<h2>{esc(section)}</h2>")
        df = tables[key]
        cols = list(df.columns)
        files_note = f" All comparators: {key}.csv." if files is not None else ""
        out.append(f'<section id="m-{m.id}" aria-labelledby="h-{m.id}"><h3 id="h-{m.id}">{esc(m.label)}</h3>')
        out.append(f"<p>{esc(m.definition)}</p>")
        if m.id in charts:
            c = charts[m.id]
            out.append(f"<figure>{c.svg}<figcaption>{esc(c.caption)} {esc(source_line(m, files_read))}"
                       "</figcaption></figure>")
        st = trend_status(tables, m.id)
        out.append(_trend_html(df, st, m, cols[:5], f"{m.label}: {cols[0]}, England, {cols[2]}, comparator "
                                                    f"mean and rank by year"))
        if len(cols) > 6:
            out.append("<details><summary>Every comparator</summary><div class=\"wide\">"
                       + _trend_html(df, st, m, [cols[0], *cols[6:]], f"{m.label}: each comparator council by year")
                       + "</div></details>")
        out.append(f'<p class="source">{esc(source_line(m, files_read))}{esc(files_note)}</p></section>')
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def build_benchmark(la: str, year: str | int | ReportingYear, *, comparators: Sequence[str] | None = None,
                    data_dir: Path | str | None = None, charts: bool = True) -> dict[str, str]:
    """Every output file of the benchmarking section (``benchmark.html`` and one CSV per table),
    file name -> text."""
    tables = benchmark_tables(la, year, comparators=comparators, data_dir=data_dir)
    csvs = table_files(tables)
    drawn = benchmark_charts(tables) if charts else {}
    return {"benchmark.html": render_html(tables, drawn, csvs), **csvs}


def default_out_dir(la: str, year: str | int | ReportingYear, data_dir: Path | str | None = None) -> Path:
    """``reports/<slug>/<year>/benchmark`` for the council ``la`` names."""
    tp = to_time_period(year)
    panel = load_panel(data_dir)
    _check_year(panel, tp)
    council = panel.directory.resolve(la, tp)
    return Path("reports") / council.slug / year_label(tp) / "benchmark"


def _ours(path: Path) -> bool:
    """True for a folder this module could have written (only benchmark.html and CSV files)."""
    return all(p.is_file() and (p.name == "benchmark.html" or p.suffix == ".csv") for p in path.iterdir())


def write_dir_atomic(out_dir: Path, files: dict[str, str]) -> Path:
    """Write ``files`` into a temporary folder beside ``out_dir`` and rename it into place, so
    ``out_dir`` holds either the previous or the complete new output, never a mixture.

    An existing ``out_dir`` is replaced only when it holds nothing but ``benchmark.html`` and
    CSV files (a previous output); otherwise :class:`FileExistsError`.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or not _ours(out_dir)):
        raise FileExistsError(f"{out_dir} exists and holds other files; give a new or empty folder")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    old = None
    try:
        for name in sorted(files):
            with open(tmp / name, "w", encoding="utf-8", newline="") as fh:
                fh.write(files[name])
        os.chmod(tmp, 0o755)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=out_dir.parent))
            os.replace(out_dir, old / out_dir.name)
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and (old / out_dir.name).exists() and not out_dir.exists():
            os.replace(old / out_dir.name, out_dir)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return out_dir


def configured_comparators(la: str, year: str | int | ReportingYear, *, la_toml: Path | str | None = None,
                           raw_root: Path | str = Path("data/raw"),
                           data_dir: Path | str | None = None) -> tuple[list[str] | None, str]:
    """The comparators configured for council ``la``: ``la.toml``'s ``comparators``.

    ``la_toml`` when given, else ``<raw_root>/<slug>/la.toml`` when that file exists.
    Returns ``(codes or None, where from)``; ``None`` means "use the default".

    Raises
    ------
    reporting.problems.InputError
        When the ``la.toml`` found is not valid.
    """
    from reporting.readers.la import read_la_toml

    tp = to_time_period(year)
    panel = load_panel(data_dir)
    _check_year(panel, tp)
    council = panel.directory.resolve(la, tp)
    path = Path(la_toml) if la_toml is not None else Path(raw_root) / council.slug / "la.toml"
    if la_toml is None and not path.is_file():
        return None, ""
    cfg = read_la_toml(path, council.slug)
    return (list(cfg.comparators) or None), str(path)


def write_benchmark(la: str, year: str | int | ReportingYear, out_dir: Path | str | None = None, *,
                    comparators: Sequence[str] | None = None, data_dir: Path | str | None = None) -> Path:
    """Build the benchmarking section and write it atomically into ``out_dir``
    (default :func:`default_out_dir`). Returns the folder written."""
    files = build_benchmark(la, year, comparators=comparators, data_dir=data_dir)
    target = Path(out_dir) if out_dir is not None else default_out_dir(la, year, data_dir)
    return write_dir_atomic(target, files)


__all__ = [
    "MEASURES", "MEASURE_BY_ID", "BenchmarkMeasure", "Chart", "Panel", "YearNotPublished", "all_benchmark_tables",
    "benchmark_charts", "benchmark_tables", "build_benchmark", "chart_message", "configured_comparators",
    "iter_benchmark_tables", "load_panel", "plot_measure", "published_for_council", "render_html",
    "write_benchmark",
]
