"""The counting conventions every figure follows (``DATA_CONTRACT.md``, "Conventions").

* **Open at a date** - started on or before the date and not ended, or ended after it.
  Something that ends on 31 March is *not* open at 31 March.
* **Working days** exclude Saturdays, Sundays and England and Wales bank holidays
  (from the maintained ``holidays`` package, England subdivision, substitute days
  included; England and Wales share their bank holidays). "Within N working days"
  means the working days *after* the start, up to and including the end, number at
  most N.
* **Calendar months and years** - "within 12 months of 10 June 2015" means on or
  before 10 June 2016; "2 years or more" means on or after the same day two years on.
  From 29 February the anniversary is 28 February (pandas ``DateOffset`` clipping).
* **Rounding** only when presenting: half away from zero.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

HOLIDAY_YEARS = range(2005, 2032)


@lru_cache(maxsize=1)
def bank_holidays() -> np.ndarray:
    """England and Wales bank holidays 2005-2031 as ``datetime64[D]``."""
    cal = holidays.UnitedKingdom(subdiv="ENG", years=HOLIDAY_YEARS)
    return np.array(sorted(cal.keys()), dtype="datetime64[D]")


def _days(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    return pd.DatetimeIndex(values).values.astype("datetime64[D]")


def working_days_after(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days after ``start`` up to and including ``end``.

    Missing dates give a missing result. An end before the start gives zero or a negative
    count, which is not meaningful: callers test the order of the dates first (as
    :func:`within_working_days` does).

    Examples
    --------
    Friday 23 Dec 2016 to Tuesday 3 Jan 2017: 26, 27 Dec and 2 Jan are bank holidays,
    so only 28, 29, 30 Dec and 3 Jan count: 4.
    """
    start = pd.Series(start)
    end = pd.Series(end, index=start.index)
    ok = start.notna() & end.notna()
    out = pd.Series(pd.NA, index=start.index, dtype="Int64")
    if ok.any():
        s = _days(start[ok]) + np.timedelta64(1, "D")
        e = _days(end[ok]) + np.timedelta64(1, "D")
        out[ok] = np.busday_count(s, e, holidays=bank_holidays())
    return out


def within_working_days(start: pd.Series, end: pd.Series, n: int) -> pd.Series:
    """True where ``end`` is on or after ``start`` and at most ``n`` working days after it.

    False if either date is missing or the end is before the start.
    """
    wd = working_days_after(start, end)
    ordered = (pd.Series(end, index=wd.index) >= pd.Series(start, index=wd.index)).to_numpy()
    return ((wd <= n).fillna(False).astype(bool) & ordered).astype(bool)


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """Calendar months later (29 Feb + 12 months = 28 Feb)."""
    return pd.Series(dates) + pd.DateOffset(months=months)


def add_years(dates: pd.Series, years: int) -> pd.Series:
    return pd.Series(dates) + pd.DateOffset(years=years)


def open_at(start: pd.Series, end: pd.Series, day: pd.Timestamp) -> pd.Series:
    """True where an interval is open on ``day``: started on or before it, and not ended or ended after it."""
    day = pd.Timestamp(day)
    return (start <= day) & (end.isna() | (end > day))


def overlaps(start: pd.Series, end: pd.Series, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """True where an interval is open at some point of ``[first, last]``.

    An interval ending on ``first`` counts (it was open that day); so does one starting on ``last``.
    """
    return (start <= pd.Timestamp(last)) & (end.isna() | (end >= pd.Timestamp(first)))


def in_period(dates: pd.Series, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """True where a date falls in ``[first, last]`` (missing dates are False)."""
    return (dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(last))


def round_half_away(value: float | None, ndigits: int = 0) -> float | None:
    """Round half away from zero (``2.25 -> 2.3``; Python's ``round`` would give 2.2).

    Only for presenting figures: files keep unrounded values.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    q = Decimal(1).scaleb(-ndigits)
    d = Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP)
    return float(d)
