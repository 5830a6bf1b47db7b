"""Reporting years, quarters, months and snapshot dates.

Conventions (``DATA_CONTRACT.md``): a reporting year is an English financial year
labelled ``YYYY-YY`` (``2016-17`` runs from 1 April 2016 to 31 March 2017); quarters
and months are calendar periods labelled ``Jul-Sep 2016`` and ``Oct 2016``; a
snapshot is labelled ``31 March 2017``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

FIRST_YEAR = 2011  # 2011-12, the earliest collection year supported
LAST_YEAR = 2025  # 2025-26, the latest collection year supported

_YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class YearError(ValueError):
    """A reporting-year label that is malformed or outside the supported range."""


@dataclass(frozen=True, order=True)
class Period:
    """A closed date interval with its report label.

    ``kind`` is one of ``year``, ``quarter``, ``month`` or ``snapshot`` (a single day,
    ``start == end``).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    label: str
    kind: str

    @property
    def start_iso(self) -> str:
        return self.start.strftime("%Y-%m-%d")

    @property
    def end_iso(self) -> str:
        return self.end.strftime("%Y-%m-%d")


@dataclass(frozen=True, order=True)
class ReportingYear:
    """An English financial year, 1 April to 31 March.

    Parameters
    ----------
    first : int
        The calendar year in which it starts (2016 for ``2016-17``).
    """

    first: int

    @classmethod
    def parse(cls, label: str | ReportingYear) -> ReportingYear:
        """Parse ``YYYY-YY``; raise :class:`YearError` with the rule broken."""
        if isinstance(label, ReportingYear):
            return label
        m = _YEAR_RE.match(str(label).strip())
        if not m:
            raise YearError(f"year {label!r}: expected a financial year such as 2016-17")
        first = int(m.group(1))
        if (first + 1) % 100 != int(m.group(2)):
            raise YearError(f"year {label!r}: the two halves must be consecutive years (e.g. 2016-17)")
        if not FIRST_YEAR <= first <= LAST_YEAR:
            raise YearError(
                f"year {label!r}: supported collection years are "
                f"{FIRST_YEAR}-{(FIRST_YEAR + 1) % 100:02d} to {LAST_YEAR}-{(LAST_YEAR + 1) % 100:02d}"
            )
        return cls(first)

    @property
    def label(self) -> str:
        return f"{self.first}-{(self.first + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.first, 4, 1)

    @property
    def end(self) -> pd.Timestamp:
        """31 March, the last day of the year and the census reference date."""
        return pd.Timestamp(self.first + 1, 3, 31)

    @property
    def collection_end_year(self) -> int:
        """The calendar year in which the year ends (DfE's ``time_period``)."""
        return self.first + 1

    @property
    def population_mid_year(self) -> int:
        """Mid-year population estimate used for rates: the calendar year in which the year starts."""
        return self.first

    def shift(self, years: int) -> ReportingYear:
        return ReportingYear(self.first + years)

    def period(self) -> Period:
        return Period(self.start, self.end, self.label, "year")

    def snapshot(self) -> Period:
        return snapshot(self.end)

    def quarters(self) -> list[Period]:
        return [quarter(self.first, m) for m in (4, 7, 10)] + [quarter(self.first + 1, 1)]

    def months(self) -> list[Period]:
        out = [month(self.first, m) for m in range(4, 13)]
        return out + [month(self.first + 1, m) for m in range(1, 4)]


def quarter(year: int, first_month: int) -> Period:
    """The calendar quarter starting in ``first_month`` (1, 4, 7 or 10) of ``year``."""
    if first_month not in (1, 4, 7, 10):
        raise ValueError(f"a calendar quarter starts in month 1, 4, 7 or 10, not {first_month}")
    start = pd.Timestamp(year, first_month, 1)
    end = start + pd.offsets.QuarterEnd(startingMonth=3)
    label = f"{_MONTHS[first_month - 1]}-{_MONTHS[first_month + 1]} {year}"
    return Period(start, end, label, "quarter")


def month(year: int, m: int) -> Period:
    start = pd.Timestamp(year, m, 1)
    end = start + pd.offsets.MonthEnd(0)
    return Period(start, end, f"{_MONTHS[m - 1]} {year}", "month")


def snapshot(day: pd.Timestamp) -> Period:
    day = pd.Timestamp(day).normalize()
    label = f"{day.day} {day.strftime('%B')} {day.year}"
    return Period(day, day, label, "snapshot")


def supported_years() -> list[ReportingYear]:
    return [ReportingYear(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
