"""Where each published figure is in the built report: table, row, period column and part.

``data/reference/published_figures.csv`` transcribes every number of Hampshire's 2016-17
report (source ``001``): the figures of its tables (``t`` ids; ``location`` "3.2 table, row
'Police', 2016-17 Value") and of its text (``p`` ids; "3.3 text, ..."). The toolkit's report
for 2016-17 rebuilds each of 001's tables as one or more of its own (:data:`PLACES`). A
figure is found in the report in four steps, each readable from the figure's row:

1. **table**: the place the ``location`` starts with (``3.2 table``, ``3.10 quarterly
   table``, ``2.9 text``, see :func:`place_of`) gives the report tables of :data:`PLACES`;
2. **row**: the row of one of those tables that shows the figure's ``indicator_id`` (and
   ``breakdown``) - :data:`reporting.report.tables.TABLES` names each row's indicator;
3. **column**: the period column whose period is the figure's ``period_label`` (the
   ``2016-17`` column of a year table also shows the stock at ``31 March 2017``; quarter
   and month tables have a column per ``Jul-Sep 2016`` or ``Oct 2016``);
4. **part**: the ``role``: ``value`` under *Value*, ``numerator`` under *Numerator*,
   ``denominator`` (and a rate's ``population``) under *Denominator*. 001's "Denom" column
   holds the numerator in some rows and the denominator in others; the transcription's
   ``role`` says which, checked against the arithmetic.

:func:`locate` does this for one figure (and says why when it cannot); :func:`figures_by_cell`
goes the other way, from every cell of the report's indicator tables to the published figures
of any source that concern it. :func:`shows` decides whether a printed cell gives the
published figure: counts, numerators and denominators exactly; a percentage or rate when the
values the report's printed figure stands for (one decimal place,
:data:`reporting.report.tables.VALUE_DECIMALS`) and those the published figure stands for
(at its own precision, e.g. ``6%`` for ``[5.5, 6.5)``) overlap - at equal precision, when
they print the same. :func:`xlsx_cells` and :func:`html_cells` read the printed cells back
from ``tables.xlsx`` and ``report.html``; :func:`sentence_numbers` reads the numbers of 001's
text that the report's sentences restate (:data:`SENTENCES`). :func:`mapping` lists every
figure beside its cell, for reading::

    from reporting.published.figures import published_figures
    from reporting.report.published_cells import mapping, table_figures
    print(mapping(table_figures(published_figures()), "2016-17").to_string())

``tests/test_report_figures.py`` checks the built report against it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from reporting.periods import ReportingYear
from reporting.report import tables
from reporting.report.tables import ALL_PARTS, DENOMINATOR, NUMERATOR, VALUE, TableSpec

# 001's tables and paragraphs -> the report tables that show their figures (in report order).
# The ``source`` of each report table listed under a table of 001 names that table ("001 table
# at 3.2, ..."), and every report table whose source names a table of 001 is listed under it
# (tests/test_report_figures.py checks both).
PLACES: dict[str, tuple[str, ...]] = {
    "2.8 table": ("uasc_arrivals_month", "uasc_arrivals_quarter"),  # 'Hampshire UASC Arrivals'
    "3.2 table": ("contacts_referrals", "referral_sources"),  # contacts, referrals, referral sources
    "3.4 table": ("s47_assessments",),  # S47 to ICPC, assessment timeliness
    "3.7 table": ("cpp_numbers", "cpp_categories", "cpp_category_rates", "cpp_quality"),  # child protection
    "3.10 table": ("cla", "case_closure"),  # full time CLA, 3+ moves, case closure after CPP / CLA
    "3.10 quarterly table": ("cla_flows",),  # entering and leaving care by quarter
    "3.13 table": ("missing",),  # missing from home and from care by quarter
    # paragraphs whose figures are an indicator the report tabulates
    "2.9 text": ("uasc",),  # UASC looked after at 31 March 2017
    "3.3 text": ("contacts_referrals", "referral_sources"),  # contacts; referral sources' shares
    "3.8 text": ("cpp_numbers",),  # children on a plan at 31 March 2017
    "3.15 text": ("complaints",),  # stage one complaints and their timeliness
    "3.17 text": ("complaints",),  # complaints from children
    "4.1 text": ("contacts_referrals",),  # contacts in the year
}
PART_OF_ROLE = {"value": VALUE, "numerator": NUMERATOR, "denominator": DENOMINATOR, "population": DENOMINATOR}
_PLACE = re.compile(r"^(\d+\.\d+) (quarterly table|table|text)\b")


def place_of(location: str) -> str | None:
    """The table or paragraph of 001 a ``location`` starts with (``"3.10 quarterly table"``,
    ``"2.9 text"``); None when it names neither."""
    m = _PLACE.match(str(location))
    return f"{m.group(1)} {m.group(2)}" if m else None


# 001's row labels that the report prints otherwise: (place, 001's label) -> the report's label.
ROW_LABELS = {
    # 2.8 prints the quarters as a second row of the arrivals table; the report gives them a
    # table of their own (uasc_arrivals_quarter), whose row says what it counts
    ("2.8 table", "Quarterly data"): "UASC arrivals",
}


def published_row(location: str) -> str | None:
    """The row label a ``location`` quotes (``row '...'``), as the report would print it: without
    the transcription's qualifier ``(rate per 10,000 section)`` (001's table has two rows
    labelled 'Physical', ...), without the space 001 prints before a colon, and renamed as
    :data:`ROW_LABELS` says. None when the location quotes no row label."""
    m = re.search(r"row '([^']*)'", str(location))
    if not m:
        return None
    label = re.sub(r"\s*\(rate per 10,000 section\)$", "", m.group(1))
    label = re.sub(r"\s+:", ":", label)
    return ROW_LABELS.get((place_of(location), label), label)


@dataclass(frozen=True, order=True)
class CellRef:
    """A cell of the report: table id, row label as printed, period column header and part."""

    table: str
    row: str
    period: str
    part: str

    def __str__(self) -> str:
        return f"{self.table} | {self.row} | {self.period} {self.part}"


def _indicator_tables() -> list[TableSpec]:
    return [t for t in tables.TABLES if t.rows and t.columns not in ("list", "benchmark")]


def _column_header(spec: TableSpec, year: ReportingYear, indicator: str, period_label: str) -> str | None:
    kind = tables._catalogue()[indicator].period
    for c in tables.period_columns(spec, year):
        try:
            if c.period_label(kind) == period_label:
                return c.header
        except ValueError:  # e.g. a quarterly indicator has no year column
            return None
    return None


def locate(figure: Mapping, year: ReportingYear | str) -> CellRef:
    """The cell of the report for ``year`` that prints ``figure`` (a row of the published
    figures: ``indicator_id``, ``period_label``, ``breakdown``, ``role``, ``location``).

    Raises
    ------
    LookupError
        Saying why the figure has no cell: no catalogue indicator (a number of the text
        such as a growth rate), a place of 001 no report table reproduces, or no row, period
        column or part for it in those tables.
    """
    y = ReportingYear.parse(year)
    indicator = str(figure.get("indicator_id") or "")
    if not indicator:
        raise LookupError("no catalogue indicator: a number of the text, not a table figure")
    place = place_of(figure.get("location", ""))
    if place not in PLACES:
        raise LookupError(f"no report table reproduces 001's {place or 'place'!r} (PLACES)")
    breakdown = str(figure.get("breakdown") or "")
    part = PART_OF_ROLE.get(str(figure.get("role")))
    if part is None:
        raise LookupError(f"role {figure.get('role')!r} is not shown in a table")
    tried = []
    for table_id in PLACES[place]:
        spec = tables.table_spec(table_id)
        for row in spec.rows:
            if row.indicator != indicator or row.breakdown != breakdown:
                continue
            tried.append(table_id)
            header = _column_header(spec, y, indicator, str(figure.get("period_label")))
            if header is None or part not in tables.table_parts(spec):
                continue
            return CellRef(table_id, tables.row_label(row), header, part)
    if not tried:
        raise LookupError(f"no row for {indicator} {breakdown!r} in {', '.join(PLACES[place])}")
    raise LookupError(f"no {figure.get('period_label')} {part} column in {', '.join(tried)}")


def figures_by_cell(figures: pd.DataFrame, year: ReportingYear | str) -> dict[CellRef, pd.DataFrame]:
    """Every cell of the report's indicator tables for ``year`` that some published figure
    (any source) concerns - same indicator, breakdown, period and role - with those figures."""
    y = ReportingYear.parse(year)
    f = figures[figures["indicator_id"].fillna("") != ""].copy()
    f["breakdown"] = f["breakdown"].fillna("")
    f["part"] = f["role"].map(PART_OF_ROLE)
    groups = {k: g for k, g in f.groupby(["indicator_id", "breakdown", "period_label", "part"], sort=False)}
    kinds = {i: e.period for i, e in tables._catalogue().items()}
    out: dict[CellRef, pd.DataFrame] = {}
    for spec in _indicator_tables():
        parts = tables.table_parts(spec)
        for row in spec.rows:
            for c in tables.period_columns(spec, y):
                try:
                    label = c.period_label(kinds[row.indicator])
                except ValueError:
                    continue
                for part in parts:
                    g = groups.get((row.indicator, row.breakdown, label, part))
                    if g is not None:
                        out[CellRef(spec.id, tables.row_label(row), c.header, part)] = g
    return out


# -- the printed cells ---------------------------------------------------------------------
def _number(text: object) -> Decimal | None:
    """A printed cell as a number (``"11.2%"``, ``"4,211"``, ``-8``, ``3.0``); None for ``n/a``,
    ``c`` or a blank."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, float):
        return None if math.isnan(text) else Decimal(repr(float(text)))
    if isinstance(text, int):
        return Decimal(int(text))
    s = str(text).strip().replace(",", "").removesuffix("%")
    return Decimal(s) if re.fullmatch(r"-?\d+(\.\d+)?", s) else None


def _interval(v: Decimal, decimals: int) -> tuple[Decimal, Decimal]:
    half = Decimal(5).scaleb(-(decimals + 1))
    return v - half, v + half


def shows(printed: object, figure: Mapping) -> bool:
    """Whether a printed cell (its xlsx value or html text) gives the published ``figure``.

    Counts, numerators, denominators and populations: the same whole number. Percentages
    and rates: the report prints :data:`~reporting.report.tables.VALUE_DECIMALS` decimal
    places, the figure its ``precision``; each stands for the values that round to it (half
    away from zero), and the cell shows the figure when the two ranges meet (at the same
    precision: when both print the same number; ``6.0`` shows 001's ``6%``, ``6.6`` does not).
    """
    cell = _number(printed)
    published = _number(figure.get("value"))
    if cell is None or published is None:
        return False
    if figure.get("role") != "value" or figure.get("unit") == "count":
        return cell == published
    precision = figure.get("precision")
    decimals = 0 if precision is None or pd.isna(precision) or precision == "" else int(float(precision))
    lo_c, hi_c = _interval(cell, tables.VALUE_DECIMALS)
    lo_p, hi_p = _interval(published, decimals)
    return lo_c < hi_p and lo_p < hi_c


def _split_column(column: str) -> tuple[str, str]:
    period, _, part = column.rpartition(" ")
    return (period, part) if part in ALL_PARTS else (column, VALUE)


def html_cells(html: str) -> dict[CellRef, str]:
    """The cells of the indicator tables of ``report.html``, as printed (text)."""
    from reporting.report.golden import html_tables

    ids = {t.id for t in _indicator_tables()}
    out: dict[CellRef, str] = {}
    for table_id, block in html_tables(html).items():
        if table_id not in ids:
            continue
        cols = [_split_column(c) for c in block.columns]
        for label, cells in block.rows:
            for (period, part), text in zip(cols, cells, strict=True):
                out[CellRef(table_id, label, period, part)] = text
    return out


def xlsx_cells(path: Path | str) -> dict[CellRef, object]:
    """The cells of the indicator tables of ``tables.xlsx``, as stored (numbers rounded as
    printed, ``n/a``, ``c``; None where a part does not apply)."""
    from openpyxl import load_workbook

    from reporting.report.office import sheet_name

    wb = load_workbook(path, read_only=True)
    out: dict[CellRef, object] = {}
    for spec in _indicator_tables():
        name = sheet_name(spec.id)
        if name not in wb.sheetnames:
            continue
        rows = list(wb[name].iter_rows(min_row=3, values_only=True))  # header rows 3 and 4, then the table
        periods, period = [], None
        for v in rows[0][2:]:  # a period spans its parts (merged cells read as None after the first)
            period = v if v is not None else period
            periods.append(period)
        cols = list(zip(periods, rows[1][2:], strict=True))
        for line in rows[2:]:
            if line[0] is None:  # the blank row before the notes
                break
            for (period, part), v in zip(cols, line[2:], strict=False):
                if period is not None and part is not None:
                    out[CellRef(spec.id, str(line[0]), str(period), str(part))] = v
    wb.close()
    return out


# -- the figures of 001's text that the report's sentences restate -------------------------
# figure id -> the sentence of the 2016-17 report (reporting.report.narrative) that restates it,
# as a pattern whose one group is the number printed. The wording carries the direction: 001's
# "reduced by 25" is the report's "fell by 25". Text figures of an indicator the report
# tabulates are found in the tables instead (PLACES).
SENTENCES: dict[str, str] = {
    # 3.3 'contacts ... 11.9% higher than the total received as at 31 March 2016'
    "001-p3.3-contacts_growth-2016-17": r"The total number of contacts in 2016-17 \([\d,]+\) is ([\d.]+)% higher than",
    # 3.3 'the number of those converted onto referrals growing by 23%'
    "001-p3.3-referrals_growth-2016-17": r"with the number of referrals growing by ([\d.]+)%",
    # 3.11 'the number has increased by 135 (10.5%) over the last 12 months'
    "001-p3.11-cla_change-2016-17": r"The number of children looked after rose by ([\d,]+) \(",
    "001-p3.11-cla_change_pct-2016-17": r"The number of children looked after rose by [\d,]+ \(([\d.]+)%\)",
    # 3.11 'If the numbers of new UASC (73) are removed then the actual percentage rise is 5%'
    "001-p3.11-uasc_new-2016-17": r"Without the ([\d,]+) unaccompanied asylum-seeking children \(UASC\) who arrived",
    "001-p3.11-cla_change_pct_excl_uasc-2016-17": r"who arrived during the year, the number rose by [\d,]+ \(([\d.]+)%\)",
    # 3.12 "'real' ... number of CLA has reduced by 25 since January last year and by 22 this calendar year"
    "001-p3.12-cla_adjusted_change-since-jan-2016": r"children looked after fell by ([\d,]+) since January 2016",
    "001-p3.12-cla_adjusted_change-since-jan-2017": r"fell by ([\d,]+) since January 2017",
    # 3.13 'has been between 7% and 8% since April 2016'
    "001-p3.13-cla_missing_pct_low": r"between ([\d.]+)% and [\d.]+% of looked after children went missing",
    "001-p3.13-cla_missing_pct_high": r"between [\d.]+% and ([\d.]+)% of looked after children went missing",
}


def sentence_numbers(html: str) -> dict[str, list[str]]:
    """The numbers each figure of :data:`SENTENCES` is printed as in ``report.html``'s sentences
    (one per sentence with the wording: a sentence may be shown in the overview and in its
    section; none when no sentence has it)."""
    from reporting.report.golden import html_sentences

    sentences = html_sentences(html)
    return {fid: [m.group(1) for s in sentences if (m := re.search(pattern, s))]
            for fid, pattern in SENTENCES.items()}


def table_figures(figures: pd.DataFrame, source: str = "001") -> pd.DataFrame:
    """The figures of ``source`` printed in a table of the document (``t`` ids: the location
    names a table, not a paragraph)."""
    f = figures[figures["source"] == source]
    return f[f["location"].map(lambda loc: (place_of(loc) or "").endswith("table"))]


def located(figures: pd.DataFrame, year: ReportingYear | str) -> tuple[dict[str, CellRef], dict[str, str]]:
    """:func:`locate` over ``figures``: ``({figure_id: cell}, {figure_id: why not})``."""
    cells, missing = {}, {}
    for r in figures.to_dict("records"):
        try:
            cells[r["figure_id"]] = locate(r, year)
        except LookupError as exc:
            missing[r["figure_id"]] = str(exc)
    return cells, missing



def mapping(figures: pd.DataFrame, year: ReportingYear | str) -> pd.DataFrame:
    """Each figure's id, published text and location beside its cell in the report for
    ``year`` (``table``, ``row``, ``period``, ``part``) or, when it has none, why (``not_found``)."""
    rows = []
    for r in figures.to_dict("records"):
        out = {"figure_id": r["figure_id"], "published": r["published"], "location": r["location"],
               "table": "", "row": "", "period": "", "part": "", "not_found": ""}
        try:
            c = locate(r, year)
            out.update(table=c.table, row=c.row, period=c.period, part=c.part)
        except LookupError as exc:
            out["not_found"] = str(exc)
        rows.append(out)
    return pd.DataFrame(rows)
