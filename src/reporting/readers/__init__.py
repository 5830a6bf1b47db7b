"""Readers: raw files to tidy tables.

``read_council`` reads the council-level files, ``read_year`` every source of one
reporting year (collecting, not raising, the problems that make a source unusable,
so that ``validate`` can report them all), and ``load_dataset`` the typed tables of a
year and its history for the indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reporting.periods import ReportingYear
from reporting.problems import ERROR, InputError, Problem
from reporting.readers.cin_census import CinCensus, read_cin_census
from reporting.readers.contacts import Contacts, read_contacts
from reporting.readers.la import LaConfig, read_inspections, read_la_toml, read_population
from reporting.readers.local_extracts import Extract, read_extract
from reporting.readers.ssda903 import Ssda903, read_ssda903
from reporting.schema.local import LOCAL_EXTRACTS

CIN_FILE = "cin_census.xml"
SSDA903_DIR = "ssda903"
CONTACTS_FILES = ("contacts.csv", "contacts.xlsx")

__all__ = [
    "CouncilInputs", "Dataset", "YearData", "YearInputs", "load_dataset", "read_council", "read_year",
    "read_cin_census", "read_contacts", "read_extract", "read_ssda903",
]


def _shown(path: Path, raw_dir: Path) -> str:
    try:
        return str(path.relative_to(raw_dir.parent))
    except ValueError:
        return str(path)


@dataclass
class CouncilInputs:
    """``la.toml``, ``population.csv`` and ``inspections.csv`` (None where unusable or absent)."""

    raw_dir: Path
    la: LaConfig | None
    population: pd.DataFrame | None
    inspections: pd.DataFrame | None
    problems: list[Problem] = field(default_factory=list)


def read_council(raw_dir: Path | str, slug: str) -> CouncilInputs:
    raw_dir = Path(raw_dir)
    problems: list[Problem] = []
    if not raw_dir.is_dir():
        raise InputError([Problem(str(raw_dir), "", "", "", "raw data folder not found", ERROR)])

    def attempt(fn, *args):
        try:
            return fn(*args)
        except InputError as exc:
            problems.extend(exc.problems)
            return None

    la = attempt(read_la_toml, raw_dir / "la.toml", slug, _shown(raw_dir / "la.toml", raw_dir))
    pop = attempt(read_population, raw_dir / "population.csv", _shown(raw_dir / "population.csv", raw_dir))
    insp_path = raw_dir / "inspections.csv"
    insp = attempt(read_inspections, insp_path, _shown(insp_path, raw_dir)) if insp_path.exists() else None
    return CouncilInputs(raw_dir, la, pop, insp, problems)


@dataclass
class YearInputs:
    """Every source of one reporting year as read (raw string tables), with read problems.

    A source is None when absent (``absent`` lists it) or unusable (its problems are in
    ``problems``).
    """

    year: ReportingYear
    folder: Path
    cin: CinCensus | None = None
    ssda903: Ssda903 | None = None
    contacts: Contacts | None = None
    extracts: dict[str, Extract | None] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def notes(self) -> list[Problem]:
        out: list[Problem] = []
        for src in (self.cin, self.ssda903, self.contacts, *self.extracts.values()):
            if src is not None:
                out.extend(src.notes)
        return out


ALL_SOURCES = ("cin_census", "ssda903", "contacts", *LOCAL_EXTRACTS)
HISTORY_SOURCES = ("cin_census", "ssda903")


def read_year(raw_dir: Path | str, year: ReportingYear | str, sources: tuple[str, ...] = ALL_SOURCES,
              element_lines: bool = False) -> YearInputs:
    """Read the ``sources`` of ``<raw_dir>/<year>/`` that exist (default: every source).

    ``element_lines``: record the line of each CIN census value's own element, for validation
    (:func:`~reporting.readers.cin_census.read_cin_census`)."""
    raw_dir = Path(raw_dir)
    year = ReportingYear.parse(year)
    folder = raw_dir / year.label
    out = YearInputs(year, folder)
    if not folder.is_dir():
        out.problems.append(Problem(_shown(folder, raw_dir), "", "", "", "year folder not found", ERROR))
        return out

    def attempt(name: str, path: Path, fn, *args):
        if name not in sources:
            return None
        if not path.exists():
            out.absent.append(name)
            return None
        try:
            return fn(*args)
        except InputError as exc:
            out.problems.extend(exc.problems)
            return None

    cin_path = folder / CIN_FILE
    out.cin = attempt("cin_census", cin_path, read_cin_census, cin_path, _shown(cin_path, raw_dir), element_lines)
    d903 = folder / SSDA903_DIR
    out.ssda903 = attempt("ssda903", d903, read_ssda903, d903, _shown(d903, raw_dir), year)
    contacts_path = next((folder / f for f in CONTACTS_FILES if (folder / f).exists()), folder / CONTACTS_FILES[0])
    out.contacts = attempt("contacts", contacts_path, read_contacts, contacts_path, _shown(contacts_path, raw_dir))
    for key, spec in LOCAL_EXTRACTS.items():
        p = folder / spec.file
        out.extracts[key] = attempt(key, p, read_extract, spec, p, _shown(p, raw_dir))
    return out


@dataclass
class YearData:
    """Typed tables of one year for the indicators; a source is None when absent or unusable."""

    year: ReportingYear
    cin: dict[str, pd.DataFrame] | None
    ssda903: dict[str, pd.DataFrame] | None
    contacts: pd.DataFrame | None
    extracts: dict[str, pd.DataFrame | None]

    @classmethod
    def from_inputs(cls, inputs: YearInputs) -> YearData:
        return cls(
            inputs.year,
            inputs.cin.typed() if inputs.cin else None,
            inputs.ssda903.typed() if inputs.ssda903 else None,
            inputs.contacts.typed() if inputs.contacts else None,
            {k: (e.typed() if e else None) for k, e in inputs.extracts.items()},
        )


@dataclass
class Dataset:
    """A council's data for a reporting year and the earlier years present (for history)."""

    council: CouncilInputs
    year: ReportingYear
    years: dict[ReportingYear, YearData]
    problems: list[Problem] = field(default_factory=list)

    @property
    def current(self) -> YearData | None:
        return self.years.get(self.year)

    def population(self, mid_year: int) -> int | None:
        pop = self.council.population
        if pop is None:
            return None
        hit = pop.loc[pop["mid_year"] == mid_year, "population_0_17"]
        return int(hit.iloc[0]) if len(hit) else None


def available_years(raw_dir: Path | str) -> list[ReportingYear]:
    out = []
    for p in sorted(Path(raw_dir).iterdir()) if Path(raw_dir).is_dir() else []:
        if p.is_dir():
            try:
                out.append(ReportingYear.parse(p.name))
            except ValueError:
                continue
    return out


def load_dataset(raw_dir: Path | str, slug: str, year: ReportingYear | str, *, history: int = 10,
                 following: int = 1) -> Dataset:
    """Read a year plus up to ``history`` earlier and ``following`` later years present on disk.

    Later years are read because follow-up windows (case closure within 6 months,
    returns to care) run past 31 March. Only the year itself is read in full; for the
    other years only the CIN census and the SSDA903 return are read (history), which
    keeps a national-size run within memory.
    """
    raw_dir = Path(raw_dir)
    year = ReportingYear.parse(year)
    council = read_council(raw_dir, slug)
    years = {}
    problems = list(council.problems)
    for y in available_years(raw_dir):
        if year.first - history <= y.first <= year.first + following:
            inputs = read_year(raw_dir, y, ALL_SOURCES if y == year else HISTORY_SOURCES)
            problems.extend(inputs.problems)
            years[y] = YearData.from_inputs(inputs)
    return Dataset(council, year, years, problems)
