"""Exact-count allocation helpers for the calibrated looked-after side.

Everything here is deterministic for a given ``numpy.random.Generator`` and works on
integer day numbers (days since 1970-01-01), so the generator can place exactly the
published number of events in a period and pick exactly the published number of
records from a pool.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reporting.conventions import bank_holidays

EPOCH = np.datetime64("1970-01-01", "D")


def day(value: str | pd.Timestamp) -> int:
    """Day number (days since 1970-01-01) of a date."""
    return int((np.datetime64(pd.Timestamp(value).date(), "D") - EPOCH).astype(np.int64))


def to_timestamps(days: np.ndarray | Sequence[int], valid: np.ndarray | None = None) -> pd.Series:
    """Day numbers as ``datetime64[ns]``; NaT where ``valid`` is False (or the day is negative)."""
    d = np.asarray(days, dtype=np.int64)
    ok = d >= 0 if valid is None else (np.asarray(valid, dtype=bool) & (d >= 0))
    out = (EPOCH + np.where(ok, d, 0)).astype("datetime64[ns]")
    return pd.Series(pd.to_datetime(out)).where(ok)


def spread(total: int, weights: Sequence[float]) -> np.ndarray:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainders; ties to the first)."""
    w = np.asarray(weights, dtype=float)
    if total < 0:
        raise ValueError(f"cannot spread a negative total ({total})")
    if not len(w):
        if total:
            raise ValueError("cannot spread a total over no parts")
        return np.zeros(0, dtype=np.int64)
    if w.sum() <= 0:
        w = np.ones(len(w))
    raw = total * w / w.sum()
    out = np.floor(raw).astype(np.int64)
    rest = total - int(out.sum())
    order = np.argsort(-(raw - out), kind="stable")
    out[order[:rest]] += 1
    return out


def weighted_pick(rng: np.random.Generator, weights: Sequence[float], k: int) -> np.ndarray:
    """``k`` distinct indices drawn without replacement with probability proportional to ``weights``.

    Efraimidis-Spirakis keys; indices with weight 0 are never drawn. Raises ``ValueError``
    when fewer than ``k`` indices have a positive weight. The result is sorted.
    """
    w = np.asarray(weights, dtype=float)
    if k < 0:
        raise ValueError(f"cannot pick {k} items")
    positive = np.flatnonzero(w > 0)
    if k > len(positive):
        raise ValueError(f"cannot pick {k} items from {len(positive)} eligible")
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    u = rng.random(len(positive))
    keys = np.log(np.maximum(u, 1e-300)) / w[positive]
    top = np.argsort(-keys, kind="stable")[:k]
    return np.sort(positive[top])


def exact_flags(rng: np.random.Generator, n: int, k: int, weights: Sequence[float] | None = None) -> np.ndarray:
    """A boolean array of length ``n`` with exactly ``k`` True, drawn by ``weights`` (uniform if None)."""
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    out = np.zeros(n, dtype=bool)
    out[weighted_pick(rng, w, k)] = True
    return out


def numerator_for(target, denominator: int) -> int:
    """The whole numerator that, over ``denominator``, prints as the target's percentage.

    Uses the published numerator when the target has one and it is consistent; otherwise
    the accepted numerator nearest to ``value x denominator / 100``. Raises ``ValueError``
    when no numerator prints as the published value.
    """
    if target.numerator is not None and target.accepts(100.0 * target.numerator / denominator):
        return int(target.numerator)
    options = target.numerators(denominator)
    if not options:
        raise ValueError(f"{target.indicator_id} {target.period_label} {target.breakdown}: no numerator over "
                         f"{denominator} prints as {target.value}")
    centre = target.value * denominator / 100.0
    return int(min(options, key=lambda n: (abs(n - centre), n)))


def weekday_days(rng: np.random.Generator, first: int, last: int, n: int, weekend_weight: float = 0.35,
                 holidays_weight: float | None = None) -> np.ndarray:
    """``n`` day numbers in ``[first, last]`` (sorted), weekends and bank holidays drawn less often."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if last < first:
        raise ValueError(f"empty day range {first}..{last}")
    days = np.arange(first, last + 1, dtype=np.int64)
    dow = ((days + 3) % 7)  # 1970-01-01 was a Thursday: 0 = Monday
    w = np.where(dow >= 5, weekend_weight, 1.0)
    hol = np.isin(EPOCH + days, bank_holidays())
    w = np.where(hol, weekend_weight if holidays_weight is None else holidays_weight, w)
    p = w / w.sum()
    return np.sort(rng.choice(days, size=n, replace=True, p=p))


def working_day_on_or_after(days: np.ndarray) -> np.ndarray:
    """Each day moved forward to the next working day (itself when it is one)."""
    d = EPOCH + np.asarray(days, dtype=np.int64)
    out = np.busday_offset(d.astype("datetime64[D]"), 0, roll="forward", holidays=bank_holidays())
    return (out - EPOCH).astype(np.int64)


def add_working_days(days: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    """The day ``n`` working days after each day (weekends and England bank holidays skipped)."""
    d = (EPOCH + np.asarray(days, dtype=np.int64)).astype("datetime64[D]")
    out = np.busday_offset(d, np.asarray(n), roll="forward", holidays=bank_holidays())
    return (out - EPOCH).astype(np.int64)


def years_later(days: np.ndarray, years: int) -> np.ndarray:
    """The same calendar day ``years`` later (29 February -> 28 February)."""
    d = pd.to_datetime(EPOCH + np.asarray(days, dtype=np.int64))
    shifted = d + pd.DateOffset(years=years)
    return ((shifted.values.astype("datetime64[D]")) - EPOCH).astype(np.int64)


def age_on(dob: np.ndarray, on: np.ndarray | int) -> np.ndarray:
    """Whole years of age on a day."""
    b = pd.to_datetime(EPOCH + np.asarray(dob, dtype=np.int64))
    o = pd.to_datetime(EPOCH + np.broadcast_to(np.asarray(on, dtype=np.int64), np.shape(dob)))
    years = o.year.to_numpy() - b.year.to_numpy()
    before = (o.month.to_numpy() < b.month.to_numpy()) | (
        (o.month.to_numpy() == b.month.to_numpy()) & (o.day.to_numpy() < b.day.to_numpy()))
    return years - before.astype(np.int64)
