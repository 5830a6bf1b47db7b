"""What the report notebooks call: open a section, show its sentences, tables and charts.

A notebook cell only calls these functions; every figure is computed in this package
from the ``indicators.csv`` files, never in the notebook. Outputs are MIME bundles with
HTML (the table or chart block used verbatim by ``report.html``) and plain text, both
deterministic: no object representations, memory addresses or timestamps, so that nbval
can compare them byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reporting.periods import ReportingYear
from reporting.report import charts, html_report, narrative, tables
from reporting.report.params import ParameterError, check_values, resolve_path

DATA_QUALITY_FILE = "data_quality.csv"


def _display(bundle: dict[str, str]) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - outside Jupyter
        print(bundle["text/plain"])
        return
    display(bundle, raw=True)


def data_quality_path(indicators_dir: Path | str, year: ReportingYear | str) -> Path:
    """``<indicators_dir>/<year>/data_quality.csv``, written by the build from validation."""
    return Path(indicators_dir) / ReportingYear.parse(year).label / DATA_QUALITY_FILE


def read_data_quality(indicators_dir: Path | str, year: ReportingYear | str) -> pd.DataFrame | None:
    """The validation summary of the year (None when absent)."""
    p = data_quality_path(indicators_dir, year)
    return pd.read_csv(p, dtype=str, keep_default_na=False) if p.exists() else None


def read_inspections(raw_dir: Path | str) -> pd.DataFrame | None:
    """``inspections.csv`` of the council (None when absent)."""
    from reporting.readers.la import read_inspections as _read

    p = Path(raw_dir) / "inspections.csv"
    return _read(p, "inspections.csv") if p.exists() else None


class ReportSection:
    """One section of the report for a council and year.

    Parameters
    ----------
    section_id : str
        One of :data:`reporting.report.tables.SECTION_IDS`.
    la, year, indicators_dir, raw_dir, suppress_small
        The notebook's parameters (checked by :func:`reporting.report.params.check_values`).
    """

    def __init__(self, section_id: str, *, la: str, year: str, indicators_dir: str, raw_dir: str,
                 suppress_small: bool = False):
        check_values({"la": la, "year": year, "indicators_dir": indicators_dir, "raw_dir": raw_dir,
                      "suppress_small": suppress_small})
        self.section = tables.section(section_id)
        self.la = la
        self.year = ReportingYear.parse(year)
        self.indicators_dir = resolve_path(indicators_dir, f"{self.year.label}/indicators.csv")
        self.raw_dir = resolve_path(raw_dir)
        self.suppress_small = suppress_small
        self.figures = tables.load_indicators(self.indicators_dir, tables.years_needed(self.year))
        if not self.figures.has_year(self.year):
            raise ParameterError(f"no indicators for {self.year.label} in {indicators_dir}")
        self._inspections: pd.DataFrame | None = None
        self._data_quality: pd.DataFrame | None = None
        self._benchmark = None
        if section_id == "benchmarking":
            from reporting.report.benchmarking import BenchmarkSection

            self._benchmark = BenchmarkSection(la, self.year, self.raw_dir, cache_dir=self.indicators_dir)
        if section_id == "quality_inspections":
            self._inspections = read_inspections(self.raw_dir)
        if section_id == "data_quality":
            self._data_quality = read_data_quality(self.indicators_dir, self.year)
        self._reconciliation = None
        if section_id == "reconciliation":
            from reporting.report.reconciliation import ReconciliationSection

            self._reconciliation = ReconciliationSection(la, self.year, self.indicators_dir)

    # -- figures -----------------------------------------------------------------------
    def table_ids(self) -> list[str]:
        return [t.id for t in tables.section_tables(self.section.id)]

    def presented(self, table_id: str) -> tables.Presented:
        """The table as printed."""
        spec = tables.table_spec(table_id)
        if spec.section != self.section.id:
            raise KeyError(f"table {table_id!r} belongs to section {spec.section!r}, not {self.section.id!r}")
        if table_id == "inspections":
            return tables.inspections_table(self._inspections, self.year)
        if table_id == "data_quality":
            return tables.data_quality_table(self._data_quality, self.year)
        if self._benchmark is not None:
            return self._benchmark.presented(table_id)
        if self._reconciliation is not None:
            return self._reconciliation.presented(table_id)
        return tables.presented_table(spec, self.figures, self.year, self.suppress_small)

    def sentences(self) -> list[str]:
        if self._benchmark is not None:
            return self._benchmark.sentences()
        if self._reconciliation is not None:
            return self._reconciliation.sentences()
        return narrative.sentences(self.section.id, self.figures, self.year, suppress_small=self.suppress_small,
                                   inspections=self._inspections, data_quality_summary=self._data_quality)

    # -- display -----------------------------------------------------------------------
    def show_sentences(self) -> None:
        """Show the section's computed sentences."""
        s = self.sentences()
        _display({"text/html": html_report.sentences_html(s), "text/plain": "\n".join(s) or "(none)"})

    def show_table(self, table_id: str) -> None:
        """Show a table and, below it, its chart."""
        p = self.presented(table_id)
        plain = f"Table {html_report.table_number(table_id)}: {p.caption}\n{p.text.to_string()}"
        _display({"text/html": html_report.table_html(p), "text/plain": plain})
        chart = charts.render(p)
        if chart is not None:
            _display({"text/html": html_report.figure_html(chart, p.caption), "text/plain": chart.alt})

    def show_all(self) -> None:
        """Show the sentences, then every table of the section with its chart."""
        self.show_sentences()
        for t in self.table_ids():
            self.show_table(t)


def open_section(section_id: str, *, la: str, year: str, indicators_dir: str, raw_dir: str,
                 suppress_small: bool = False) -> ReportSection:
    """Open a section for the notebook's parameters (checked first)."""
    return ReportSection(section_id, la=la, year=year, indicators_dir=indicators_dir, raw_dir=raw_dir,
                         suppress_small=suppress_small)
