"""The published figures: a hand transcription of every number the sources print.

``data/reference/published_figures.csv`` holds one row per published number from

* ``001`` - Hampshire's Annual Safeguarding Report 2016-17 to Cabinet (sections 2.8-2.9,
  3.1-3.17 tables and text, 4.1 and 4.4),
* ``004`` - the area profile of Ofsted's 2014 inspection of Hampshire (at 31 March 2013,
  with the 2012 comparisons),
* ``dfe`` - DfE's published Hampshire figures (tables B1, C1, D3 and D5, 2012-13 to
  2017-18) and the ONS mid-year populations aged 0-17 (mid-2012 to mid-2018).

Columns
-------
figure_id
    Stable unique id: ``{source}-{t|p}{section}-{key}-{period}[-value|-denom]`` for the
    report (``t`` a table, ``p`` a paragraph), ``004-...`` for the profile and
    ``dfe-{table}-{column}-{year}`` for DfE.
indicator_id
    The catalogue id (``reporting/data/indicators.csv``) the number belongs to, empty when
    it matches no catalogue indicator (for example the 10,379 cases open in 3.1).
year, period_label
    The reporting year (``2016-17``) and the contract's period label (``2016-17``,
    ``Jul-Sep 2016``, ``Oct 2016``, ``31 March 2017``). Rows without an indicator may
    also use ``mid-2016`` (an ONS mid-year estimate; its ``year`` is the reporting year
    whose rates use it) or a span of months ``Jan 2017 to Jun 2017`` (its ``year`` is the
    year in which the span ends).
breakdown
    The breakdown label (plan duration band, placement group, comparison area).
role
    ``value`` (the figure itself), ``numerator``, ``denominator`` or ``population``.
    The report's "Denom" column is the numerator in some rows and the denominator in
    others; each was checked against the arithmetic (see ``note``).
published, value, unit, precision
    The text exactly as printed (``43.7%``, ``4,211``, ``n/k``, ``Seven``), the number it
    gives (empty for ``N/A``, ``n/k``), the unit (``count``, ``percent``,
    ``rate_per_10k``) and the decimal places printed. DfE's files drop a trailing zero
    (``23`` for 23.0), so a ``dfe`` row may print fewer places than its precision.
source, document, location, note
    ``001``/``004``/``dfe``, a short title, the table row and column or paragraph (DfE:
    file, time period and column), and anything a reader should know (approximations,
    the role of a Denom column, typos).

Printed ``N/A`` cells of a Value column are transcribed (value empty); ``N/A`` or blank
Denom cells are not.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from reporting.conventions import round_half_away
from reporting.indicators.registry import UNITS, catalogue
from reporting.periods import ReportingYear, YearError

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_PATH = REPO_ROOT / "data" / "reference" / "published_figures.csv"

COLUMNS = [
    "figure_id",
    "indicator_id",
    "year",
    "period_label",
    "breakdown",
    "role",
    "published",
    "value",
    "unit",
    "precision",
    "source",
    "document",
    "location",
    "note",
]
ROLES = ("value", "numerator", "denominator", "population")
SOURCES = {
    "001": "Hampshire Annual Safeguarding Report 2016-17",
    "004": "Ofsted inspection of Hampshire 2014, area profile",
    "dfe": "DfE published statistics and ONS population",
}
# sources whose files drop trailing zeros (23.0 printed as 23)
TRAILING_ZEROS_DROPPED = frozenset({"dfe"})

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_QUARTERS = {"Jan-Mar": 3, "Apr-Jun": 6, "Jul-Sep": 9, "Oct-Dec": 12}
_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "twenty-one": 21,
}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class PublishedFiguresError(ValueError):
    """The published-figures table breaks one or more of its rules."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        head = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"published_figures.csv: {len(problems)} problem(s):\n{head}{more}")


def _numeric_text(published: str) -> str | None:
    """The number in ``published`` without thousands separators or per cent signs."""
    text = str(published).strip()
    if text.lower() in _WORDS:
        return str(_WORDS[text.lower()])
    text = text.replace(",", "").replace("%", "").replace(" ", "")
    return text if _NUMBER.match(text) else None


def parse_published(published: str) -> float | None:
    """The number a published figure prints, or ``None`` (``N/A``, ``n/k``).

    Thousands separators and per cent signs are ignored; number words (``Seven``) are read.

    Examples
    --------
    >>> parse_published("4,211"), parse_published("43.7%"), parse_published("Seven")
    (4211.0, 43.7, 7.0)
    >>> parse_published("n/k") is None
    True
    """
    text = _numeric_text(published)
    return None if text is None else float(text)


def printed_decimals(published: str) -> int | None:
    """Decimal places printed (``43.7%`` -> 1, ``19`` -> 0); ``None`` when not a number."""
    text = _numeric_text(published)
    if text is None:
        return None
    return len(text.split(".")[1]) if "." in text else 0


def period_kind(label: str) -> tuple[str, ReportingYear]:
    """The kind of a period label and the reporting year it falls in.

    Kinds: ``year``, ``quarter``, ``month``, ``snapshot`` (the contract's labels), and
    for rows without an indicator ``mid_year`` (``mid-2016``, the year whose rates use
    it) and ``span`` (``Jan 2017 to Jun 2017``, the year in which it ends).

    Raises
    ------
    ValueError
        If the label has none of these forms or falls outside the supported years.
    """
    label = str(label).strip()
    try:
        return "year", ReportingYear.parse(label)
    except YearError as exc:
        if re.match(r"^\d{4}-\d{2}$", label):
            raise ValueError(str(exc)) from None

    def year_of(y: int, m: int) -> ReportingYear:
        return ReportingYear.parse(ReportingYear(y if m >= 4 else y - 1).label)

    if m := re.match(r"^(Jan-Mar|Apr-Jun|Jul-Sep|Oct-Dec) (\d{4})$", label):
        return "quarter", year_of(int(m.group(2)), _QUARTERS[m.group(1)])
    if m := re.match(rf"^({'|'.join(_MONTHS)}) (\d{{4}})$", label):
        return "month", year_of(int(m.group(2)), _MONTHS.index(m.group(1)) + 1)
    if m := re.match(rf"^(\d{{1,2}}) ({'|'.join(_MONTH_NAMES)}) (\d{{4}})$", label):
        pd.Timestamp(int(m.group(3)), _MONTH_NAMES.index(m.group(2)) + 1, int(m.group(1)))
        return "snapshot", year_of(int(m.group(3)), _MONTH_NAMES.index(m.group(2)) + 1)
    if m := re.match(r"^mid-(\d{4})$", label):
        return "mid_year", ReportingYear.parse(ReportingYear(int(m.group(1))).label)
    mon = "|".join(_MONTHS)
    if m := re.match(rf"^({mon}) (\d{{4}}) to ({mon}) (\d{{4}})$", label):
        first = (int(m.group(2)), _MONTHS.index(m.group(1)) + 1)
        last = (int(m.group(4)), _MONTHS.index(m.group(3)) + 1)
        if first > last:
            raise ValueError(f"period {label!r}: the span ends before it starts")
        return "span", year_of(*last)
    raise ValueError(
        f"period {label!r}: not a year, quarter, month, snapshot, mid-year or span label"
    )


def validate_published_figures(df: pd.DataFrame) -> list[str]:
    """Every rule the table breaks, as readable messages (empty when valid).

    Rules: the columns; unique, non-empty ``figure_id``; ``indicator_id`` empty or in the
    catalogue; known ``unit``, ``role`` and ``source``; ``year`` a reporting year and
    ``period_label`` a label falling in it, of the catalogue's period kind when there is
    an indicator; ``value`` the number ``published`` prints (empty when it prints none);
    ``precision`` the decimal places printed (DfE: at least those printed); a ``value``
    row of an indicator in the catalogue's unit, and numerators, denominators and
    populations counted; ``document`` and ``location`` given.

    Parameters
    ----------
    df : pandas.DataFrame
        The table as read with every column as text (``dtype=str``, no NA parsing).
    """
    problems: list[str] = []
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        return [f"missing column(s): {', '.join(missing)}"]
    extra = [c for c in df.columns if c not in COLUMNS]
    if extra:
        problems.append(f"unexpected column(s): {', '.join(extra)}")
    cat = catalogue()
    ids = df["figure_id"].astype(str)
    dupes = sorted(set(ids[ids.duplicated()]))
    if dupes:
        problems.append(f"figure_id not unique: {', '.join(dupes)}")
    for i, r in enumerate(df.to_dict("records"), start=2):
        fid = r["figure_id"] or f"line {i}"
        where = f"{fid} (line {i})"
        if not r["figure_id"]:
            problems.append(f"line {i}: empty figure_id")
        ind = r["indicator_id"]
        if ind and ind not in cat:
            problems.append(f"{where}: indicator_id {ind!r} is not in the catalogue")
        if r["unit"] not in UNITS:
            problems.append(f"{where}: unit {r['unit']!r} not one of {', '.join(UNITS)}")
        if r["role"] not in ROLES:
            problems.append(f"{where}: role {r['role']!r} not one of {', '.join(ROLES)}")
        if r["source"] not in SOURCES:
            problems.append(f"{where}: source {r['source']!r} not one of {', '.join(SOURCES)}")
        for col in ("document", "location", "published"):
            if not str(r[col]).strip():
                problems.append(f"{where}: empty {col}")
        try:
            year = ReportingYear.parse(r["year"])
        except YearError as exc:
            problems.append(f"{where}: {exc}")
            year = None
        try:
            kind, in_year = period_kind(r["period_label"])
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
        else:
            if year is not None and in_year != year:
                problems.append(
                    f"{where}: period {r['period_label']!r} falls in {in_year.label}, "
                    f"not in year {r['year']}"
                )
            if ind in cat and kind != cat[ind].period:
                problems.append(
                    f"{where}: period {r['period_label']!r} is a {kind}; {ind} is "
                    f"reported by {cat[ind].period}"
                )
        if ind in cat and r["role"] == "value" and r["unit"] != cat[ind].unit:
            problems.append(f"{where}: unit {r['unit']!r} but {ind} is a {cat[ind].unit}")
        if r["role"] in ("numerator", "denominator", "population") and r["unit"] != "count":
            problems.append(f"{where}: a {r['role']} is a count, not {r['unit']!r}")
        problems += _check_number(where, r)
    return problems


def _check_number(where: str, r: dict) -> list[str]:
    parsed = parse_published(r["published"])
    decimals = printed_decimals(r["published"])
    value, precision = str(r["value"]).strip(), str(r["precision"]).strip()
    if parsed is None:
        out = []
        if value:
            out.append(
                f"{where}: published {r['published']!r} prints no number but value is {value!r}"
            )
        if precision:
            out.append(
                f"{where}: published {r['published']!r} prints no number but precision is {precision!r}"
            )
        return out
    try:
        v = float(value)
    except ValueError:
        return [f"{where}: value {value!r} does not parse (published {r['published']!r})"]
    out = []
    if not math.isclose(v, parsed, rel_tol=0, abs_tol=1e-9):
        out.append(f"{where}: value {value} is not the published {r['published']!r}")
    if not re.fullmatch(r"\d+", precision):
        return out + [f"{where}: precision {precision!r} is not a whole number"]
    p = int(precision)
    if r["source"] in TRAILING_ZEROS_DROPPED:
        if decimals > p:
            out.append(
                f"{where}: published {r['published']!r} prints {decimals} decimal places, "
                f"more than precision {p}"
            )
    elif decimals != p:
        out.append(
            f"{where}: published {r['published']!r} prints {decimals} decimal places, "
            f"not precision {p}"
        )
    if r["unit"] == "count" and p != 0:
        out.append(f"{where}: a count printed with decimals")
    return out


def read_published_figures(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the published figures.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The CSV; ``data/reference/published_figures.csv`` by default.

    Returns
    -------
    pandas.DataFrame
        One row per published number, columns :data:`COLUMNS` in that order: text
        columns as strings (empty, never NaN), ``value`` a float (NaN where nothing
        numeric was printed) and ``precision`` a nullable integer.

    Raises
    ------
    PublishedFiguresError
        Listing every rule the file breaks (see :func:`validate_published_figures`).
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    problems = validate_published_figures(raw)
    if problems:
        raise PublishedFiguresError(problems)
    out = raw[COLUMNS].copy()
    out["value"] = pd.to_numeric(out["value"].replace("", None), errors="raise").astype(float)
    out["precision"] = pd.to_numeric(out["precision"].replace("", None)).astype("Int64")
    return out


@lru_cache(maxsize=4)
def _cached(path: str) -> pd.DataFrame:
    return read_published_figures(path)


def published_figures(path: str | Path | None = None) -> pd.DataFrame:
    """:func:`read_published_figures`, read once per path (a copy is returned)."""
    return _cached(str(Path(path) if path is not None else DEFAULT_PATH)).copy()


def matches(
    published_value: float | None, computed_value: float | None, precision: int | None
) -> bool:
    """True when ``computed_value`` prints as ``published_value`` at ``precision`` decimals.

    Both are rounded half away from zero (:func:`reporting.conventions.round_half_away`),
    the rounding the toolkit presents figures with. A missing value on either side never
    matches. Counts are compared the same way at precision 0, so a caller who needs exact
    counts compares integers.

    Examples
    --------
    >>> matches(43.7, 100 * 1840 / 4211, 1)
    True
    >>> matches(12.6, 12.65, 1)  # 12.65 prints as 12.7
    False
    >>> matches(19, 19.02, 0)
    True
    """
    if published_value is None or computed_value is None:
        return False
    if any(isinstance(v, float) and math.isnan(v) for v in (published_value, computed_value)):
        return False
    digits = 0 if precision is None or pd.isna(precision) else int(precision)
    return round_half_away(float(computed_value), digits) == round_half_away(
        float(published_value), digits
    )
