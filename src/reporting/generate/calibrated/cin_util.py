"""Small exact-allocation and date helpers of the calibrated CIN side (:mod:`.cin`).

Dates are held as day numbers (``int64`` days since 1970-01-01) while the records are
built, and become ``datetime64`` only in the census tables. Working days follow
:mod:`reporting.conventions` (weekends and England and Wales bank holidays excluded;
"N working days after" counts the days after the start up to and including the end).
Calendar months and years use pandas ``DateOffset`` exactly as the indicators do, so a
date built "within 12 months" here is within 12 months there.

The allocation helpers are the reason the calibration is exact: every count is an
integer chosen up front (``apportion``, ``numerator_for``) and records are then picked to
carry it (``pick``), never drawn at random and hoped for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reporting.conventions import bank_holidays, round_half_away
from reporting.generate.calibrated.targets import Target
from reporting.periods import ReportingYear

EPOCH = np.datetime64("1970-01-01", "D")
FAR = 10**6  # a day number far in the future: "still open"


# -- days ------------------------------------------------------------------------------------
def day(ts) -> int:
    """Day number of a date (``pd.Timestamp``, ``str`` or ``datetime64``)."""
    return int((np.datetime64(pd.Timestamp(ts).date(), "D") - EPOCH).astype(np.int64))


def to_dt(days) -> np.ndarray:
    """Day numbers to ``datetime64[ns]`` (``FAR`` or negative sentinels become NaT)."""
    d = np.asarray(days, dtype=np.int64)
    out = (EPOCH + d.astype("timedelta64[D]")).astype("datetime64[ns]")
    return np.where((d >= FAR) | (d < -(10**5)), np.datetime64("NaT"), out)


def year_bounds(year: ReportingYear | str) -> tuple[int, int]:
    y = ReportingYear.parse(year)
    return day(y.start), day(y.end)


def year_index(days, first_year: int) -> np.ndarray:
    """Index of the reporting year (1 April to 31 March) a day falls in, counted from ``first_year``
    (the calendar year in which the first reporting year starts)."""
    d = EPOCH + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")
    m = d.astype("datetime64[M]")
    y = m.astype("datetime64[Y]").astype(np.int64) + 1970
    month = m.astype(np.int64) % 12 + 1
    return (y - (month < 4)) - first_year


def weekday(days) -> np.ndarray:
    """0 = Monday ... 6 = Sunday (1 January 1970 was a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def _holidays() -> np.ndarray:
    return bank_holidays()


def is_working(days) -> np.ndarray:
    return np.is_busday(EPOCH + np.asarray(days, dtype=np.int64).astype("timedelta64[D]"), holidays=_holidays())


def wd_add(days, n) -> np.ndarray:
    """The day ``n`` working days after ``days`` (``working_days_after`` of the pair is ``n``)."""
    d = EPOCH + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")
    out = np.busday_offset(d, np.asarray(n, dtype=np.int64), roll="backward", holidays=_holidays())
    return (out - EPOCH).astype(np.int64)


def wd_between(start, end) -> np.ndarray:
    """Working days after ``start`` up to and including ``end`` (as ``conventions.working_days_after``)."""
    s = EPOCH + (np.asarray(start, dtype=np.int64) + 1).astype("timedelta64[D]")
    e = EPOCH + (np.asarray(end, dtype=np.int64) + 1).astype("timedelta64[D]")
    return np.busday_count(s, e, holidays=_holidays()).astype(np.int64)


def next_working(days) -> np.ndarray:
    """The day itself when a working day, else the next working day."""
    d = EPOCH + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")
    return (np.busday_offset(d, 0, roll="forward", holidays=_holidays()) - EPOCH).astype(np.int64)


def prev_working(days) -> np.ndarray:
    d = EPOCH + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")
    return (np.busday_offset(d, 0, roll="backward", holidays=_holidays()) - EPOCH).astype(np.int64)


def recent_since(year_end, n: int) -> np.ndarray:
    """The earliest day from which ``year_end`` (31 March) is at most ``n`` working days on.

    Something still open on 31 March (an assessment not yet authorised, an S47 enquiry whose
    conference is not yet held) is *recent* when it started on or after this day: DfE's
    validation rules (8670Q: 45 working days for an assessment, 8675Q: 15 for an S47) ask
    about anything older. Counted as the Data to Insight validator counts them -
    ``ReferenceDate - CustomBusinessDay(n - 1)`` - and with weekends as the only days off:
    bank holidays would put the day earlier, so this is the stricter reading of both.
    """
    d = EPOCH + np.asarray(year_end, dtype=np.int64).astype("timedelta64[D]")
    return (np.busday_offset(d, -(n - 1), roll="forward") - EPOCH).astype(np.int64)


def year_end_of(days) -> np.ndarray:
    """The 31 March that ends the reporting year each day falls in."""
    d = EPOCH + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")
    m = d.astype("datetime64[M]")
    y = m.astype("datetime64[Y]").astype(np.int64) + 1970 + (m.astype(np.int64) % 12 >= 3)
    ends = (np.array(y - 1970, dtype="datetime64[Y]").astype("datetime64[M]") + 2).astype("datetime64[D]") + 30
    return (ends - EPOCH).astype(np.int64)


def add_months(days, months: int) -> np.ndarray:
    """Calendar months later, as ``conventions.add_months`` (29 Feb + 12 months = 28 Feb)."""
    idx = pd.DatetimeIndex(to_dt(days)) + pd.DateOffset(months=months)
    return ((idx.values.astype("datetime64[D]")) - EPOCH).astype(np.int64)


def add_years(days, years: int) -> np.ndarray:
    return add_months(days, 12 * years)


def working_days_in(first: int, last: int) -> np.ndarray:
    """Every working day from ``first`` to ``last`` (both included)."""
    d = np.arange(first, last + 1, dtype=np.int64)
    return d[is_working(d)]


def sample_days(rng: np.random.Generator, lo, hi, weekend_weight: float = 0.15) -> np.ndarray:
    """One day per row, uniform in ``[lo, hi]`` (inclusive), weekends down-weighted.

    Rejection sampling with a bounded number of rounds; rows whose interval is empty get ``lo``.
    """
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.maximum(np.asarray(hi, dtype=np.int64), lo)
    n = len(lo)
    out = lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64)
    for _ in range(6):
        weekend = weekday(out) >= 5
        redo = weekend & (rng.random(n) > weekend_weight) & (hi - lo >= 3)
        if not redo.any():
            break
        out[redo] = lo[redo] + (rng.random(int(redo.sum())) * (hi[redo] - lo[redo] + 1)).astype(np.int64)
    return out


def sample_working_days(rng: np.random.Generator, lo, hi) -> np.ndarray:
    """A working day in ``[lo, hi]`` per row (the nearest one inside when the draw is not)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.maximum(np.asarray(hi, dtype=np.int64), lo)
    d = lo + (rng.random(len(lo)) * (hi - lo + 1)).astype(np.int64)
    fwd = next_working(d)
    back = prev_working(d)
    return np.where(fwd <= hi, fwd, np.where(back >= lo, back, d))


# -- exact counts ----------------------------------------------------------------------------
def apportion(total: int, weights) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder, ties by order)."""
    w = np.asarray(weights, dtype=float)
    if total < 0:
        raise ValueError("apportion: negative total")
    if w.sum() <= 0:
        w = np.ones_like(w)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(np.int64)
    rest = total - int(out.sum())
    if rest:
        order = np.argsort(-(raw - out), kind="stable")
        out[order[:rest]] += 1
    return out


def pick(rng: np.random.Generator, candidates, k: int, weights=None) -> np.ndarray:
    """``k`` distinct items of ``candidates`` (an index array), optionally weighted; sorted."""
    candidates = np.asarray(candidates, dtype=np.int64)
    if k > len(candidates):
        raise ValueError(f"pick: {k} wanted from {len(candidates)} candidates")
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if weights is None:
        return np.sort(rng.choice(candidates, size=k, replace=False))
    w = np.asarray(weights, dtype=float)
    # weighted sampling without replacement by exponential keys (Efraimidis-Spirakis)
    keys = rng.random(len(candidates)) ** (1.0 / np.maximum(w, 1e-12))
    return np.sort(candidates[np.argsort(-keys, kind="stable")[:k]])


def accepts(value: float, precision: int, computed: float) -> bool:
    return round_half_away(computed, precision) == round_half_away(value, precision)


@dataclass(frozen=True)
class Share:
    """A percentage to reproduce: the numerator chosen for a denominator, and how it was chosen."""

    numerator: int
    denominator: int
    met: bool
    note: str = ""


def numerator_for(target: Target | None, denominator: int, default_pct: float | None = None) -> Share:
    """The whole numerator that, over ``denominator``, prints as the target percentage.

    The published numerator wins when it is consistent with the published percentage over
    this denominator; otherwise the accepted numerator nearest ``value * denominator / 100``
    is used and ``note`` says why. Without a target, ``default_pct`` (rounded) is used.
    """
    if denominator <= 0:
        return Share(0, denominator, target is None, "denominator is zero")
    if target is None or target.value is None:
        pct = default_pct if default_pct is not None else 0.0
        return Share(int(round(pct * denominator / 100.0)), denominator, True, "no target: plausible default")
    ok = target.numerators(denominator)
    want = target.value * denominator / 100.0
    if target.numerator is not None:
        if target.numerator in ok:
            return Share(target.numerator, denominator, True)
        if target.numerator <= denominator:
            shown = round_half_away(100.0 * target.numerator / denominator, target.precision or 0)
            return Share(target.numerator, denominator, False,
                         f"published numerator {target.numerator} over {denominator} prints {shown}, "
                         f"not the published {target.value:g}: the count is kept (counts are exact)")
    if ok:
        best = min(ok, key=lambda n: (abs(n - want), n))
        return Share(best, denominator, True)
    return Share(int(round(want)), denominator, False,
                 f"no whole numerator over {denominator} prints {target.value:g}")
