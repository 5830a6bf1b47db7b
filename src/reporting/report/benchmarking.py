"""The report's benchmarking section: the council against England, its region and comparable
councils, from DfE's published statistics.

The figures come from :mod:`reporting.published.benchmark` (``benchmark_tables``, the
measure registry, the comparators of ``la.toml``); this module only arranges them as report tables, charts and
sentences, so the notebook ``notebooks/benchmarking.ipynb`` calls the same
:class:`~reporting.report.section.ReportSection` methods as every other section.

* **Council**: ``la.toml``'s ``la_code`` (the notebook's ``la`` slug when there is no
  ``la.toml``). **Comparators**: ``la.toml``'s ``comparators`` (checked by ``reporting
  validate``), else the other councils of the region. Configured comparators are never
  replaced by the default: one that cannot be used (no figures in the year, or no such
  council) is named in the notes. Every count of comparator councils is the number with a
  figure for that measure and year, and the notes name the councils without one and why.
* A table with no figure in any cell for the years shown is one line saying DfE published
  no such figures (same table id), and has no chart.
* **Tables** (one per group of the registry's sections, every measure DfE publishes for
  the years shown): for each measure, rows for the council, England, the region, the
  comparator mean and, for rates and percentages, the council's rank among itself and its
  comparators (1 = highest) and how many councils were ranked; columns are the five
  reporting years ending at the report's year (:data:`~reporting.report.tables.TREND_YEARS`),
  as in the other sections. A last table lists each comparator's headline figures for the
  year. Cells are rounded half away from zero at the measure's precision; DfE's ``c`` is
  shown as ``c`` and every other symbol, or a year without a figure, as ``n/a`` (notes say
  which symbols occurred). Nothing is suppressed here: the figures are published.
* **Charts**: one per group with headline measures (:data:`GROUPS`), a panel per headline
  measure: the council, England, the region and the comparator mean, with the comparators'
  range shaded; drawn under the report's chart style (deterministic, colour never alone).
* **Sentences**: who is compared with whom, then one sentence per headline measure with
  figures for the year (``The referral rate per 10,000 children in 2016-17 was 693.0 in
  Hampshire against 553.6 in England, ...``).

A council that is not in DfE's files (the synthetic council, ``la_code`` 999), a year the
files do not cover, or files that are missing give a section that says so plainly, with
England's figures for reference where the year is covered, rather than a failing build.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from reporting.conventions import round_half_away
from reporting.periods import ReportingYear
from reporting.published import benchmark as bm
from reporting.published.councils import (
    ENGLAND_CODE,
    REORGANISATIONS,
    CouncilNotInYear,
    UnknownCouncil,
    year_label,
)
from reporting.published.dfe import PUBLISHED_TABLES, SYMBOLS, find_table
from reporting.report import charts
from reporting.report.html_report import table_number
from reporting.report.tables import (
    NOT_AVAILABLE,
    SUPPRESSED,
    TREND_YEARS,
    UNIT_LABELS,
    VALUE,
    Presented,
    TableSpec,
    section_tables,
    table_spec,
)

SECTION_ID = "benchmarking"
COMPARATORS_TABLE = "bm_comparators"


@dataclass(frozen=True)
class Group:
    """A benchmarking table: the measures of one section of the registry (``bm.SECTIONS``)
    and the headline measures its chart draws and its sentences state."""

    table_id: str
    section: str
    headline: tuple[str, ...] = ()


GROUPS: tuple[Group, ...] = (
    Group("bm_referrals", "Referrals", ("referral_rate", "rereferral_percent")),
    Group("bm_children_in_need", "Children in need", ("cin_rate",)),
    Group("bm_child_protection", "Child protection plans",
          ("cpp_start_rate", "cpp_rate", "cpp_subsequent_percent", "cpp_duration_2y_plus_percent")),
    Group("bm_looked_after", "Children looked after", ("cla_rate", "cla_started_rate")),
    Group("bm_placement_stability", "Placement stability", ("cla_3plus_placements", "cla_same_carer_2y")),
    Group("bm_population", "Population"),
)
GROUP_BY_TABLE = {g.table_id: g for g in GROUPS}
HEADLINES = tuple(m for g in GROUPS for m in g.headline)

#: How a sentence names each headline measure.
PHRASES: dict[str, str] = {
    "referral_rate": "The referral rate per 10,000 children",
    "rereferral_percent": "The percentage of referrals within 12 months of a previous referral",
    "cin_rate": "The rate of children in need per 10,000 children at 31 March",
    "cpp_start_rate": "The rate of child protection plans starting per 10,000 children",
    "cpp_rate": "The rate of children on a child protection plan per 10,000 children at 31 March",
    "cpp_subsequent_percent": "The percentage of child protection plans starting that were a second or "
                              "subsequent plan",
    "cpp_duration_2y_plus_percent": "The percentage of child protection plans at 31 March that had lasted "
                                    "2 years or more",
    "cla_rate": "The rate of children looked after per 10,000 children at 31 March",
    "cla_started_rate": "The rate of children starting to be looked after per 10,000 children",
    "cla_3plus_placements": "The percentage of children looked after at 31 March with 3 or more placements "
                            "in the year",
    "cla_same_carer_2y": "The percentage of long-term looked-after children under 16 living with the same "
                         "carer for 2 years or more",
}

# Roles of a measure's rows, in table order; their names in row labels are set per council.
VALUE_ROLES = ("council", "england", "region", "mean")
RANK_ROLES = ("rank", "ranked")
_BM_COLUMNS = {bm.COMPARATOR_MEAN: "mean", bm.RANK: "rank", bm.RANKED: "ranked"}


def _check_groups() -> None:
    sections = {g.section for g in GROUPS}
    if sections != set(bm.SECTIONS):
        raise ValueError(f"benchmarking groups do not cover the registry's sections: {sorted(sections ^ set(bm.SECTIONS))}")
    for mid in HEADLINES:
        m = bm.MEASURE_BY_ID[mid]
        if mid not in PHRASES or m.unit == "count":
            raise ValueError(f"headline measure {mid}: needs a phrase and a rate or percentage")
    specs = {t.id: t for t in section_tables(SECTION_ID)}
    if set(specs) != {*GROUP_BY_TABLE, COMPARATORS_TABLE}:
        raise ValueError(f"benchmarking tables in reporting.report.tables: {sorted(specs)}")
    for g in GROUPS:
        if specs[g.table_id].columns != "benchmark" or (specs[g.table_id].chart == "benchmark") != bool(g.headline):
            raise ValueError(f"table {g.table_id}: columns 'benchmark', and a chart when it has headline measures")


_check_groups()


# -- inputs ----------------------------------------------------------------------------------------
PANEL_FILE = "published/panel.pickle"  # under the build's cache folder (the notebooks' indicators_dir)
_PANELS: dict[str, bm.Panel] = {}


def panel_key() -> str:
    """sha256 of DfE's files (names and contents) and of the code that reads them."""
    h = hashlib.sha256()
    files = sorted({find_table(k) for k in {m.table for m in bm.MEASURES}}, key=lambda q: q.name)
    code = sorted(Path(bm.__file__).parent.glob("*.py"))
    for f in [*files, *code]:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def cached_panel(cache_dir: Path | str | None = None) -> bm.Panel:
    """:func:`reporting.published.benchmark.load_panel`, kept as ``<cache_dir>/published/panel.pickle``
    (keyed by :func:`panel_key`) so that the build's processes read DfE's files once."""
    if cache_dir is None:
        return bm.load_panel()
    key = panel_key()
    if key in _PANELS:
        return _PANELS[key]
    path = Path(cache_dir) / PANEL_FILE
    try:
        with open(path, "rb") as fh:
            stored, panel = pickle.load(fh)
        if stored == key:
            _PANELS[key] = panel
            return panel
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        pass
    panel = bm.load_panel()
    try:  # written atomically: another process may read it meanwhile
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".panel.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((key, panel), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only folder: the panel is read from the files each time
    _PANELS[key] = panel
    return panel


def _la_config(raw_dir: Path | str | None, la: str):
    from reporting.readers.la import read_la_toml

    if raw_dir is None:
        return None, None
    path = Path(raw_dir) / "la.toml"
    if not path.is_file():
        return None, None
    try:
        return read_la_toml(path, la), path
    except Exception:  # noqa: BLE001 - validation reports la.toml problems; the section falls back to the slug
        return None, None


# -- wording ---------------------------------------------------------------------------------------
def _decimals(m: bm.BenchmarkMeasure) -> int:
    return 0 if m.unit == "count" else m.decimals


def _words(v: float, m: bm.BenchmarkMeasure) -> str:
    """A figure for a sentence: ``693.0``, ``21.5%``, ``19,435``."""
    d = _decimals(m)
    text = f"{round_half_away(float(v), d):,.{d}f}"
    return text + "%" if m.unit == "percent" else text


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _finite(v) -> bool:
    return v is not None and not isinstance(v, str) and bool(np.isfinite(v))


# -- the data --------------------------------------------------------------------------------------
@dataclass
class BenchmarkPresented(Presented):
    """A benchmarking table as printed, with what its chart draws.

    Attributes
    ----------
    panels : list of Panel
        One per headline measure with figures (empty for tables without a chart).
    alt : str
        The chart's alternative text.
    """

    panels: list = field(default_factory=list)
    alt: str = ""


@dataclass(frozen=True)
class Panel:
    """One headline measure's chart panel: printed values by role (None where not available)
    and the comparators' unrounded range by year."""

    measure: bm.BenchmarkMeasure
    years: tuple[str, ...]
    series: tuple[tuple[str, str, tuple[float | None, ...]], ...]  # (role, label, values)
    low: tuple[float, ...]
    high: tuple[float, ...]
    comparators: int  # most comparator councils with a figure in a year
    counted: str = ""  # the councils behind the mean and the range: "11 councils", "10 to 12 councils"


class BenchmarkSection:
    """The benchmarking figures of a council and year, arranged for the report.

    Parameters
    ----------
    la : str
        The report's council slug (used when there is no ``la.toml``).
    year : ReportingYear or str
    raw_dir : path-like, optional
        Folder of ``la.toml`` (``la_code``, ``name`` and ``comparators``).
    data_dir : path-like, optional
        Folder of DfE's files (default :func:`reporting.published.dfe.default_data_dir`).
    cache_dir : path-like, optional
        Where the files as read are kept for other processes (:func:`cached_panel`; only with
        the default ``data_dir``).
    """

    def __init__(self, la: str, year: ReportingYear | str, raw_dir: Path | str | None = None, *,
                 data_dir: Path | str | None = None, cache_dir: Path | str | None = None):
        self.year = ReportingYear.parse(year)
        self.tp = bm.to_time_period(self.year)
        cfg, toml_path = _la_config(raw_dir, la)
        self.council = cfg.name if cfg is not None else la
        self.code = cfg.la_code if cfg is not None else la
        self.problem = ""  # why the council is not compared ("" when it is)
        self.notes: list[tuple[str, str]] = []
        self.tables: dict[str, pd.DataFrame] | None = None
        self.years: list[str] = []
        self.trends: dict[str, pd.DataFrame] = {}  # measure id -> year x role, unrounded
        self.status: dict[str, pd.DataFrame] = {}  # the same shape: "" or DfE's symbol or absent
        self.comparator_values: dict[str, pd.DataFrame] = {}  # measure id -> year x comparator
        self.region = "the region"
        self.how = ""
        self.comparator_names: list[str] = []
        self.comparator_keys: dict[str, str] = {}  # comparator name as shown -> DfE code
        self.configured = False  # comparators configured in la.toml (else the region's councils)
        self.files: dict[str, str] = {}
        self.first_published: dict[str, str] = {}  # registry section -> first year with England figures
        self.names = {"council": self.council, "england": "England", "region": "the region",
                      "mean": "comparator mean", "rank": "rank among comparators (1 = highest)",
                      "ranked": "councils ranked"}
        try:
            panel = bm.load_panel(data_dir) if data_dir is not None else cached_panel(cache_dir)
        except (FileNotFoundError, OSError, ValueError) as exc:
            self.problem = (f"DfE's published statistics could not be read ({exc}), so {self.council} is not "
                            "compared with England, its region or comparable councils in this report.")
            return
        self.files = dict(panel.files)
        self._first_published(panel)
        if self.tp not in set(panel.years.tolist()):
            self.problem = (f"DfE's published statistics in this toolkit cover "
                            f"{year_label(int(panel.years[0]))} to {year_label(int(panel.years[-1]))}, not "
                            f"{self.year.label}, so {self.council} is not compared with England, its region or "
                            "comparable councils in this report.")
            return
        self.years = [year_label(int(y)) for y in panel.years if self.tp - TREND_YEARS < int(y) <= self.tp]
        if not self.code:
            self.problem = "No council was given: the tables show England's published figures only."
            self._england_only(panel)
            return
        try:
            council = panel.directory.resolve(self.code, self.tp)
        except UnknownCouncil:
            self.problem = (f"{self.council} (DfE code {self.code} in la.toml) is not in DfE's published "
                            f"statistics, so it is not compared with its region or comparable councils and has "
                            f"no rank; the tables show England's published figures for reference.")
            self._england_only(panel)
            return
        except CouncilNotInYear as exc:
            self.problem = (f"{exc} So {self.council} is not compared with its region or comparable councils "
                            f"for {self.year.label}; the tables show England's published figures for reference.")
            self._england_only(panel)
            return
        # la.toml's comparators as configured (validation has checked them); a configured list is
        # never replaced by the default: what cannot be used is named in the notes.
        comparators = list(cfg.comparators) if cfg is not None and cfg.comparators else None
        self.configured = comparators is not None
        try:
            bt = bm.benchmark_tables(council.key, self.tp, comparators=comparators, panel=panel, unknown="note")
        except LookupError as exc:
            self.problem = (f"{exc}. So {self.council} is not compared with its region or comparable councils "
                            f"for {self.year.label}; the tables show England's published figures for reference.")
            self._england_only(panel)
            return
        self._from_tables(bt)

    # -- arranging ---------------------------------------------------------------------------------
    def _from_tables(self, bt: dict[str, pd.DataFrame]) -> None:
        self.tables = bt
        about = bt["about"].set_index("item")["value"]
        areas = bt["areas"]
        self.council = str(about["council"])
        self.region = str(about["region"])
        self.how = str(about["comparators"])
        self.comparator_names = list(areas.loc[areas["role"] == "comparator", "name"])
        self.comparator_keys = dict(zip(areas["name"], areas["key"], strict=True))
        self.names.update(council=self.council, region=self.region)
        self.notes = self.notes + list(bt["notes"].itertuples(index=False, name=None))
        for m in bm.MEASURES:
            key = f"trend_{m.id}"
            if key not in bt:
                continue
            t = bt[key]
            cols = list(t.columns)
            roles = {cols[0]: "council", cols[1]: "england", cols[2]: "region", **_BM_COLUMNS}
            st = bm.trend_status(bt, m.id)
            frame = t[list(roles)].rename(columns=roles).reindex(self.years)
            status = st[list(roles)].rename(columns=roles).reindex(self.years).fillna(bm.ABSENT)
            if (status[list(VALUE_ROLES[:3])] == bm.ABSENT).all().all():
                continue
            self.trends[m.id], self.status[m.id] = frame, status
            comp = t[cols[6:]].reindex(self.years)
            comp_st = st[cols[6:]].reindex(self.years).fillna(bm.ABSENT)
            self.comparator_values[m.id] = comp
            self.status[m.id] = pd.concat([status, comp_st.add_prefix("comparator:")], axis=1)

    def _first_published(self, panel: bm.Panel) -> None:
        e = panel.area_index()[ENGLAND_CODE]
        for section in bm.SECTIONS:
            ids = [i for i, m in enumerate(panel.measures) if m.section == section]
            pub = np.flatnonzero((panel.status[ids][:, :, e] != bm.ABSENT).any(axis=0)) if ids else []
            if len(pub):
                self.first_published[section] = year_label(int(panel.years[pub[0]]))

    def _england_only(self, panel: bm.Panel) -> None:
        e = panel.area_index()[ENGLAND_CODE]
        yi = [int(np.flatnonzero(panel.years == int(y[:4]) + 1)[0]) for y in self.years]
        for i, m in enumerate(panel.measures):
            st = panel.status[i, yi, e]
            if (st == bm.ABSENT).all():
                continue
            self.trends[m.id] = pd.DataFrame({"england": panel.values[i, yi, e]}, index=self.years)
            self.status[m.id] = pd.DataFrame({"england": st}, index=self.years)

    @property
    def compared(self) -> bool:
        """True when the council is in DfE's files for the year (comparators and ranks shown)."""
        return self.tables is not None

    # -- tables ------------------------------------------------------------------------------------
    def table_ids(self) -> list[str]:
        return [g.table_id for g in GROUPS] + [COMPARATORS_TABLE]

    def presented(self, table_id: str) -> Presented:
        """A table of the section as printed."""
        if table_id == COMPARATORS_TABLE:
            return self._comparators_table()
        if table_id not in GROUP_BY_TABLE:
            raise KeyError(f"table {table_id!r} is not a benchmarking table")
        return self._group_table(GROUP_BY_TABLE[table_id])

    def _cell(self, m: bm.BenchmarkMeasure, role: str, v: float, status: str) -> tuple[str, object]:
        if role in RANK_ROLES:
            if not _finite(v):
                return NOT_AVAILABLE, NOT_AVAILABLE
            return str(int(v)), int(v)
        if status == "c":
            return SUPPRESSED, SUPPRESSED
        if status or not _finite(v):
            return NOT_AVAILABLE, NOT_AVAILABLE
        d = _decimals(m)
        r = round_half_away(float(v), d)
        if d == 0:
            return str(int(r)), int(r)
        return f"{r:.{d}f}" + ("%" if m.unit == "percent" else ""), r

    def _group_measures(self, group: Group) -> list[bm.BenchmarkMeasure]:
        return [m for m in bm.MEASURES if m.section == group.section and m.id in self.trends]

    def _group_table(self, group: Group) -> BenchmarkPresented:
        spec = table_spec(group.table_id)
        labels, text_rows, value_rows, units = [], [], [], []
        symbols: set[str] = set()
        for m in self._group_measures(group):
            frame, status = self.trends[m.id], self.status[m.id]
            roles = [r for r in (*VALUE_ROLES, *(RANK_ROLES if m.unit != "count" else ())) if r in frame.columns]
            for role in roles:
                line_t, line_v = [], []
                for y in self.years:
                    st = status.at[y, role] if role in status.columns else ""
                    if role not in RANK_ROLES and st not in ("", "c"):
                        symbols.add(st)
                    t, v = self._cell(m, role, frame.at[y, role], st)
                    line_t.append(t)
                    line_v.append(v)
                labels.append(f"{m.label}: {self.names[role]}")
                text_rows.append(line_t)
                value_rows.append(line_v)
                units.append({"rank": "rank", "ranked": "number"}.get(role, UNIT_LABELS[m.unit]))
        if not labels or all(t == NOT_AVAILABLE for line in text_rows for t in line):
            return self._nothing_published(spec, group)
        index = pd.Index(labels, name="Measure")
        cols = pd.MultiIndex.from_tuples([(y, VALUE) for y in self.years], names=["Period", ""])
        text = pd.DataFrame(text_rows, index=index, columns=cols, dtype=object)
        values = pd.DataFrame(value_rows, index=index, columns=cols, dtype=object)
        notes = self._group_notes(group, values, symbols)
        p = BenchmarkPresented(spec, self._caption(spec), text, values, units, notes)
        if spec.chart != "none":
            p.panels = self._panels(group)
            p.alt = self._alt(spec, p)
        return p

    def _span(self) -> str:
        if not self.years:
            return self.year.label
        return f"{self.years[0]} to {self.years[-1]}" if len(self.years) > 1 else self.years[0]

    def _nothing_published(self, spec: TableSpec, group: Group) -> BenchmarkPresented:
        """A table with no figure in any cell, as one line saying so (no empty table, no empty chart)."""
        span = self._span()
        first = self.first_published.get(group.section)
        line = (f"DfE published no figures on {group.section.lower()} for {span}"
                + (f" (its files have them from {first})." if first and first > span[-7:] else "."))
        index = pd.Index([group.section], name="Measure")
        text = pd.DataFrame([[line]], index=index, columns=["Published figures"], dtype=object)
        notes = [self.problem] if self.problem else []
        notes += self._sources([m for m in bm.MEASURES if m.section == group.section])
        p = BenchmarkPresented(spec, self._caption(spec), text, text.copy(), [""], notes)
        p.alt = line
        return p

    def _caption(self, spec: TableSpec) -> str:
        span = (f", {self.years[0]} to {self.years[-1]}" if len(self.years) > 1
                else f", {self.years[0]}" if self.years else "")
        if self.compared:
            head = spec.title.split(" against ")[0]
            return f"{head}: {self.council} against England, {self.region} and comparator councils{span}"
        return f"{spec.title}{span}"

    def _symbol_notes(self, values: pd.DataFrame, symbols: set[str]) -> list[str]:
        out = []
        flat = [v for line in values.itertuples(index=False) for v in line]
        if NOT_AVAILABLE in flat:
            why = "; ".join(f"{s} = {SYMBOLS.get(s, 'not available')}" for s in sorted(symbols - {bm.ABSENT}))
            out.append("n/a = not available: " + (f"DfE's symbol ({why}), or " if why else "")
                       + "no figure in the published files for that year (a rank: no figure for the council).")
        if SUPPRESSED in flat:
            out.append(f"c = suppressed by DfE ({SYMBOLS['c']}), never a zero.")
        return out

    def _sources(self, measures: Sequence[bm.BenchmarkMeasure]) -> list[str]:
        files = getattr(self, "files", {})
        keys = list(dict.fromkeys(m.table for m in measures))
        if any(m.computed for m in measures) and "population" not in keys:
            keys.append("population")
        return [f"Source: {bm.PUBLICATIONS[k]} ({files.get(k, PUBLISHED_TABLES[k] + '*.csv')}). {bm.LICENCE}."
                for k in keys]

    def _group_notes(self, group: Group, values: pd.DataFrame, symbols: set[str]) -> list[str]:
        measures = self._group_measures(group)
        notes = self._symbol_notes(values, symbols)
        if self.problem:
            notes.append(self.problem)
        notes += [n for t, n in self.notes if t == "measures" and n.startswith(group.section + ":")]
        if not measures:
            if not self.notes or not any(n.startswith(group.section + ":") for _, n in self.notes):
                notes.append(f"No published figures for {group.section.lower()} in the years shown.")
            return notes
        if self.compared:
            notes += self._mean_notes(measures, self.years)
            if any(m.unit != "count" for m in measures):
                notes += [n for t, n in self.notes if t == "ranks"]
                notes.append("Ranks are given for rates and percentages only (a count's rank mostly reflects "
                             "the size of the council).")
        if any(m.computed for m in measures):
            notes += [n for t, n in self.notes if t == "measures" and n.startswith("Rates per 10,000")] or [
                "Rates per 10,000 for referrals, children in need, plans starting and plans at 31 March are "
                "computed from DfE's counts and the ONS mid-year estimate of children aged 0-17."]
        return notes + self._sources(measures)

    # -- who stands behind the comparator mean ------------------------------------------------------
    def _comparator_reason(self, m: bm.BenchmarkMeasure, name: str, y: str) -> str:
        """Why comparator ``name`` has no figure for ``m`` in ``y``, in words."""
        def st(mid: str) -> str:
            frame = self.status.get(mid)
            col = f"comparator:{name}"
            if frame is None or col not in frame.columns or y not in frame.index:
                return bm.ABSENT
            return str(frame.at[y, col])

        def words(code: str) -> str:
            if code == bm.ABSENT:
                return "no figure in the published files"
            if code == "c":
                return "suppressed by DfE (c)"
            return f"{SYMBOLS.get(code, 'not available')} ({code})"

        def no_population(code: str) -> str:
            key = self.comparator_keys.get(name, "")
            changed = [r for r in REORGANISATIONS if r.kind == "boundary change" and key in {k for k, _ in r.before}]
            text = f"the ONS population file has no estimate of its children ({'no row' if code == bm.ABSENT else code})"
            if changed:
                text += (f": the current population series covers today's council areas, and {name}'s area "
                         f"changed in the reorganisation of April {changed[0].first_year - 1}")
            return text

        if m.id == "population_0_17" and st(m.id) not in ("", "c"):
            return no_population(st(m.id))
        if m.computed:
            count, pop = st(m.computed_from), st("population_0_17")
            if count == "" and pop != "":
                return f"DfE publishes its count, but {no_population(pop)}, so no rate per 10,000 can be computed"
            if count != "":
                return words(count)
        return words(st(m.id))

    def _mean_notes(self, measures: Sequence[bm.BenchmarkMeasure], years: Sequence[str]) -> list[str]:
        """How many comparator councils stand behind each comparator mean (per measure and year),
        and which councils have no figure, and why."""
        total = len(self.comparator_names)
        short: list[str] = []  # measures whose mean rests on fewer councils
        missing: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}  # (council, why, years) -> measures
        for m in measures:
            comp = self.comparator_values.get(m.id)
            if comp is None or not total:
                continue
            counts = {}
            gaps: dict[tuple[str, str], list[str]] = {}
            for y in years:
                if y not in comp.index:
                    continue
                row = comp.loc[y]
                have = [c for c in comp.columns if _finite(row[c])]
                if not have:
                    continue  # no comparator has a figure (not published that year): no mean to explain
                counts[y] = len(have)
                for c in comp.columns:
                    if c not in have:
                        gaps.setdefault((c, self._comparator_reason(m, c, y)), []).append(y)
            if counts and min(counts.values()) < total:
                per = {}
                for y, n in counts.items():
                    per.setdefault(n, []).append(y)
                if len(per) == 1:
                    ((n, ys),) = per.items()
                    when = "in every year shown" if len(ys) == len(self.years) else f"in {self._years_text(ys)}"
                    short.append(f"{m.label}: {n} {when}")
                else:
                    short.append(f"{m.label}: " + ", ".join(f"{n} in {self._years_text(ys)}"
                                                           for n, ys in sorted(per.items(), reverse=True)))
            for (c, why), ys in gaps.items():
                missing.setdefault((c, why, tuple(ys)), []).append(m.label)
        listed = f"each is listed in Table {table_number(COMPARATORS_TABLE)}"
        if short:
            out = [f"Comparator mean: the simple average of the published figures of the comparator councils that "
                   f"have one, so it can rest on fewer than the {total} comparator councils ({listed}). Councils "
                   f"behind the mean where fewer than {total}: " + "; ".join(short) + "."]
        else:
            out = [f"Comparator mean: the simple average of the published figures of the {total} comparator "
                   f"council{'s' if total != 1 else ''}, each with a figure for every measure and year shown "
                   f"({listed})."]
        if missing:
            parts = []
            for (c, why, ys), labels in missing.items():
                parts.append(f"{c} for {_and(labels)} in {self._years_text(list(ys))}: {why}")
            out.append("Without a figure, so left out of the comparator mean and the ranks: " + "; ".join(parts)
                       + ".")
        return out

    def _who_line(self) -> str:
        """``Comparators: the 12 councils Hampshire compares itself with (Buckinghamshire, ...).``"""
        n = len(self.comparator_names)
        names = f" ({_and(self.comparator_names)})" if n else ""
        if self.configured:
            return f"Comparators: the {n} council{'s' if n != 1 else ''} {self.council} compares itself with{names}."
        return (f"Comparators: the other {n} council{'s' if n != 1 else ''} of {self.region}{names}, as no "
                "comparator councils are configured.")

    def _years_text(self, ys: Sequence[str]) -> str:
        """``2012-13 to 2016-17`` for consecutive years of the table, else a list."""
        pos = [self.years.index(y) for y in ys if y in self.years]
        if len(pos) > 1 and pos == list(range(pos[0], pos[0] + len(pos))):
            return f"{self.years[pos[0]]} to {self.years[pos[-1]]}"
        return _and(list(ys))

    def _published_in_year(self, mid: str) -> bool:
        """True when the measure has a figure or a symbol for the council, England or the region in the year."""
        y = self.year.label
        if mid not in self.trends or y not in self.years:
            return False
        st = self.status[mid]
        return bool((st.loc[y, [c for c in ("council", "england", "region") if c in st.columns]] != bm.ABSENT).any())

    def _comparators_table(self) -> Presented:
        spec = table_spec(COMPARATORS_TABLE)
        y = self.year.label
        measures = [bm.MEASURE_BY_ID[mid] for mid in HEADLINES if self._published_in_year(mid)]
        rows: list[tuple[str, str]] = []  # (label, role or comparator column)
        if self.compared:
            rows.append((self.council, "council"))
            rows += [(name, f"comparator:{name}") for name in self.comparator_names]
            rows += [("Comparator mean", "mean"), ("England", "england"), (self.region, "region")]
        else:
            rows.append(("England", "england"))
        text_rows, value_rows, symbols = [], [], set()
        for _, key in rows:
            t_line, v_line = [], []
            for m in measures:
                st = self.status[m.id].at[y, key] if key in self.status[m.id].columns else bm.ABSENT
                if key.startswith("comparator:"):
                    v = self.comparator_values[m.id].at[y, key[len("comparator:"):]]
                else:
                    v = self.trends[m.id].at[y, key]
                if st not in ("", "c"):
                    symbols.add(st)
                t, val = self._cell(m, key if key in VALUE_ROLES else "council", v, st)
                t_line.append(t)
                v_line.append(val)
            text_rows.append(t_line)
            value_rows.append(v_line)
        index = pd.Index([label for label, _ in rows], name="Area")
        cols = [m.label for m in measures]
        text = pd.DataFrame(text_rows, index=index, columns=cols, dtype=object)
        values = pd.DataFrame(value_rows, index=index, columns=cols, dtype=object)
        notes = self._symbol_notes(values, symbols)
        if self.problem:
            notes.append(self.problem)
        if self.compared:
            notes.append(self._who_line())
            notes += self._mean_notes(measures, [y])[1:]
            notes += [n for t, n in self.notes if t in ("comparators", "region") and not n.startswith("Comparators:")]
        if not measures:
            notes.append(f"No headline measure has published figures for {y}.")
        notes += self._sources(measures)
        caption = (f"{spec.title}: {self.council} and its comparator councils, {y}" if self.compared
                   else f"{spec.title}, {y}")
        return Presented(spec, caption, text, values, [""] * len(text), notes)

    # -- charts ------------------------------------------------------------------------------------
    def _panels(self, group: Group) -> list[Panel]:
        out = []
        for mid in group.headline:
            if mid not in self.trends:
                continue
            m = bm.MEASURE_BY_ID[mid]
            frame, status = self.trends[mid], self.status[mid]
            series = []
            for role in VALUE_ROLES:
                if role not in frame.columns:
                    continue
                vals = tuple(v if isinstance(v, int | float) else None
                             for v in (self._cell(m, role, frame.at[y, role], status.at[y, role])[1]
                                       for y in self.years))
                series.append((role, "Comparator mean" if role == "mean" else self.names[role], vals))
            if all(v is None for _, _, vals in series for v in vals):
                continue  # nothing to draw for this measure
            comp = self.comparator_values.get(mid)
            counted = ""
            if comp is not None and comp.shape[1]:
                arr = comp.to_numpy(dtype=float)
                counts = np.isfinite(arr).sum(axis=1)
                counted = bm.councils_count(counts)  # the councils behind the mean, per year
            if comp is not None and comp.shape[1] > 1:
                has = np.isfinite(arr).any(axis=1)
                low = tuple(np.where(has, np.nanmin(np.where(np.isfinite(arr), arr, np.inf), axis=1), np.nan))
                high = tuple(np.where(has, np.nanmax(np.where(np.isfinite(arr), arr, -np.inf), axis=1), np.nan))
                n = int(counts.max())
            else:
                low = high = ()
                n = 0
            out.append(Panel(m, tuple(self.years), tuple(series), low, high, n, counted))
        return out

    def _alt(self, spec: TableSpec, p: BenchmarkPresented) -> str:
        span = f"{self.years[0]} to {self.years[-1]}" if len(self.years) > 1 else self.year.label
        if not p.panels:
            why = " ".join(n for n in p.notes if n.startswith(GROUP_BY_TABLE[spec.id].section + ":"))
            return f"Chart: {spec.title}: no published figures for {self.year.label}." + (f" {why}" if why else "")
        head = f"Line charts: {p.caption}."
        parts = []
        for panel in p.panels:
            mid = panel.measure.id
            if self.compared:
                t = self.tables[f"trend_{mid}"]
                trimmed = {**self.tables, f"trend_{mid}": t.loc[t.index.isin(self.years)]}
                parts.append(bm.chart_message(trimmed, mid))
            else:
                vals = dict(zip(panel.years, panel.series[0][2], strict=True))
                v = vals.get(self.year.label)
                parts.append(f"{panel.measure.label}, {span}: England "
                             + (f"{_words(v, panel.measure)} in {self.year.label}." if v is not None
                                else f"has no published figure for {self.year.label}."))
        return " ".join([head, *parts])

    # -- sentences ---------------------------------------------------------------------------------
    def sentences(self) -> list[str]:
        """Who is compared with whom, one sentence per headline measure with figures for the
        year, and what is not published."""
        y = self.year.label
        out = []
        if self.problem:
            out.append(self.problem)
        if self.compared:
            span = f"{self.years[0]} to {y}" if len(self.years) > 1 else y
            if self.comparator_names:
                out.append(f"{self.council} is compared with England, {self.region} and "
                           f"{len(self.comparator_names)} comparator councils on the figures the Department for "
                           f"Education publishes for every council, {span}. {self._who_line()}")
            else:
                out.append(f"{self.council} is compared with England and {self.region}; no comparator council has "
                           f"figures for {y}.")
            out += [n for t, n in self.notes if t == "council"]
            # configured comparators that are not used are named, never silently replaced
            out += [n for t, n in self.notes if t == "comparators" and "left out" in n]
        for mid in HEADLINES:
            s = self._headline(mid)
            if s:
                out.append(s)
        out += [n for t, n in self.notes if t == "measures" and n.split(":")[0] in bm.SECTIONS]
        return out

    def _headline(self, mid: str) -> str | None:
        y = self.year.label
        if mid not in self.trends or y not in self.years:
            return None
        m = bm.MEASURE_BY_ID[mid]
        frame, status = self.trends[mid], self.status[mid]
        phrase = PHRASES[mid]
        e = frame.at[y, "england"]
        if not self.compared:
            return f"{phrase} in England in {y} was {_words(e, m)}." if _finite(e) else None
        v, st = frame.at[y, "council"], status.at[y, "council"]
        against = []
        if _finite(e):
            against.append(f"{_words(e, m)} in England")
        r = frame.at[y, "region"]
        if _finite(r):
            against.append(f"{_words(r, m)} in {self.region}")
        mean = frame.at[y, "mean"]
        if _finite(mean):
            comp = self.comparator_values[mid].loc[y]
            n = int(sum(_finite(comp[c]) for c in comp.index))
            without = [c for c in comp.index if not _finite(comp[c])]
            against.append(f"a mean of {_words(mean, m)} across {n} comparator council{'s' if n != 1 else ''}"
                           + (f" ({_and(without)} without a figure)" if without and len(without) <= 3 else ""))
        if not _finite(v):
            if st == bm.ABSENT and not against:
                return None
            why = f" ({st}: {SYMBOLS.get(st, 'not available')})" if st and st != bm.ABSENT else ""
            return (f"{phrase} in {y} was not published for {self.council}{why}"
                    + (f"; it was {_and(against)}." if against else "."))
        s = f"{phrase} in {y} was {_words(v, m)} in {self.council}"
        if against:
            s += " against " + _and(against)
        rank, ranked = frame.at[y, "rank"], frame.at[y, "ranked"]
        if _finite(rank) and _finite(ranked) and ranked > 1:
            place = "the highest" if int(rank) == 1 else f"the {_ordinal(int(rank))} highest"
            s += f"; {place} of the {int(ranked)} councils compared"
        return s + "."


# -- drawing ----------------------------------------------------------------------------------------
STYLES = {
    "council": {"color": charts.PALETTE[0], "marker": "o", "linestyle": "-", "linewidth": 2.2},
    "england": {"color": charts.PALETTE[7], "marker": "s", "linestyle": "--", "linewidth": 1.6},
    "region": {"color": charts.PALETTE[1], "marker": "^", "linestyle": "-.", "linewidth": 1.6},
    "mean": {"color": charts.PALETTE[2], "marker": "D", "linestyle": ":", "linewidth": 1.8},
}
RANGE_COLOUR = charts.PALETTE[2]


def render_chart(p: BenchmarkPresented, *, png: bool = False, svg: bool = True,
                 dpi: int = charts.PNG_DPI) -> charts.Chart | None:
    """The chart of a benchmarking table: a panel per headline measure (council, England, the
    region, the comparator mean and the comparators' range). Deterministic, like every chart
    of the report. None when no headline measure has a figure in the years shown (the table
    then says so in one line)."""
    import matplotlib
    from matplotlib.patches import Patch

    panels = list(getattr(p, "panels", []) or [])
    if not panels:
        return None  # nothing published to draw: the table says so in one line, no empty chart
    alt = getattr(p, "alt", "") or f"Chart: {p.spec.title}."
    # The councils behind the comparator mean and range: in the legend when every panel has the same
    # number, else in each panel's title (a mean of 11 councils is not labelled as one of 12).
    common = {pn.counted for pn in panels}
    in_legend = len(common) == 1
    with matplotlib.rc_context(charts.STYLE):
        n = len(panels)
        ncols = 1 if n == 1 else 2
        nrows = -(-n // ncols)
        fig = charts._figure(7.0 if n == 1 else 9.0, 2.9 * nrows + 0.9)
        axes = fig.subplots(nrows, ncols, squeeze=False)
        handles: dict[str, object] = {}
        for k, ax in enumerate(axes.flat):
            if k >= n:
                ax.set_visible(False)
                continue
            pn = panels[k]
            x = list(range(len(pn.years)))
            vals_all: list[float] = []
            if pn.low and pn.comparators > 1:
                ax.fill_between(x, pn.low, pn.high, color=RANGE_COLOUR, alpha=0.15, linewidth=0)
                label = ("Range of the comparator councils"
                         + (f" ({pn.counted})" if in_legend and pn.counted else ""))
                handles.setdefault(label, Patch(facecolor=RANGE_COLOUR, alpha=0.15, label=label))
                vals_all += [v for v in (*pn.low, *pn.high) if np.isfinite(v)]
            for role, label, vals in pn.series:
                if role == "mean" and in_legend and pn.counted:
                    label = f"{label} ({pn.counted})"
                y = [np.nan if v is None else float(v) for v in vals]
                vals_all += [v for v in y if np.isfinite(v)]
                (line,) = ax.plot(x, y, markersize=5, label=label, **STYLES[role])
                handles.setdefault(label, line)
            charts._xaxis(ax, list(pn.years), crowded=n > 1)
            charts._ylim_from_zero(ax, vals_all)
            charts._yaxis(ax, pn.measure.unit)
            title = pn.measure.label + ("" if in_legend or not pn.counted else
                                        f" (comparator mean of {pn.counted})")
            ax.set_title(textwrap.fill(title, 52), fontsize=9, loc="left")
        order = sorted(handles, key=lambda lbl: lbl.startswith("Range"))  # the range last
        ncol = min(len(handles), 3)
        fig.legend([handles[lbl] for lbl in order], order, loc="lower center", ncol=ncol,
                   bbox_to_anchor=(0.5, 0.0), fontsize=8)
        legend_rows = -(-len(handles) // ncol)
        height = fig.get_figheight()
        fig.subplots_adjust(left=0.09, right=0.97, top=1 - 0.35 / height,
                            bottom=(0.75 + 0.22 * legend_rows) / height, hspace=0.6, wspace=0.28)
        svg_text = ""
        if svg:
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata=charts.SVG_METADATA)
            svg_text = charts._finish_svg(buf.getvalue(), p.spec.id, alt)
        png_bytes = None
        if png:
            bbuf = io.BytesIO()
            fig.savefig(bbuf, format="png", dpi=dpi, metadata=charts.PNG_METADATA)
            png_bytes = bbuf.getvalue()
    return charts.Chart(p.spec.id, alt, svg_text, png_bytes)


def without_council(spec: TableSpec, year: ReportingYear | str) -> Presented:
    """A benchmarking table with no council given (England's published figures only)."""
    return BenchmarkSection("", year).presented(spec.id)


__all__ = ["GROUPS", "HEADLINES", "BenchmarkPresented", "BenchmarkSection", "render_chart", "without_council"]
