"""Compute every registered indicator for a year and write the tidy ``indicators.csv``."""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reporting.indicators.context import Context, Unavailable
from reporting.indicators.registry import Indicator, Measure, registry
from reporting.periods import Period, ReportingYear
from reporting.readers import Dataset

OUTPUT_COLUMNS = ["indicator_id", "period_start", "period_end", "period_label", "breakdown",
                  "numerator", "denominator", "value", "unit", "note"]


def periods_for(kind: str, year: ReportingYear) -> list[Period]:
    """The periods of ``year`` an indicator of this period kind is computed for."""
    return {
        "year": lambda: [year.period()],
        "snapshot": lambda: [year.snapshot()],
        "quarter": year.quarters,
        "month": year.months,
    }[kind]()


@dataclass
class Evaluated:
    """One indicator, period and breakdown: the measure with its final numbers."""

    indicator: Indicator
    period: Period
    measure: Measure
    numerator: int | None
    denominator: int | None
    value: float | None

    def row(self) -> dict:
        return {
            "indicator_id": self.indicator.id,
            "period_start": self.period.start_iso,
            "period_end": self.period.end_iso,
            "period_label": self.period.label,
            "breakdown": self.measure.breakdown,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.value,
            "unit": self.indicator.unit,
            "note": self.measure.note,
        }


def finish(ind: Indicator, period: Period, m: Measure) -> Evaluated:
    """Turn a measure into numerator, denominator and value according to the unit."""
    if not m.available:
        return Evaluated(ind, period, m, None, None, None)
    if m.value is not None:  # derived (e.g. a difference of counts): records are for `explain` only
        return Evaluated(ind, period, m, None, None, m.value)
    num = len(m.numerator) if m.numerator is not None else None
    den = len(m.denominator) if m.denominator is not None else None
    value = None
    if ind.unit == "count":
        value = float(num) if num is not None else None
    elif ind.unit == "percent":
        if den:
            value = 100.0 * num / den
        else:
            m.note = m.note or "denominator is zero"
    elif ind.unit == "rate_per_10k":
        den = m.population
        value = 10000.0 * num / den if den else None
    return Evaluated(ind, period, m, num, den, value)


def evaluate(ctx: Context, ind: Indicator, period: Period) -> list[Evaluated]:
    try:
        result = ind.func(ctx, period)
    except Unavailable as exc:
        result = Measure.unavailable(str(exc))
    measures = result if isinstance(result, list) else [result]
    return [finish(ind, period, m) for m in measures]


def compute(dataset: Dataset, ids: list[str] | None = None) -> list[Evaluated]:
    """Evaluate the registered indicators (all, or ``ids``) for every period of the year."""
    ctx = Context(dataset)
    out = []
    for ind in registry().values():
        if ids is not None and ind.id not in ids:
            continue
        for period in periods_for(ind.period, dataset.year):
            out.extend(evaluate(ctx, ind, period))
    return out


def _fmt_number(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(int(v))


def to_frame(results: list[Evaluated]) -> pd.DataFrame:
    """The tidy table of the data contract, sorted by indicator, period and breakdown."""
    df = pd.DataFrame([r.row() for r in results], columns=OUTPUT_COLUMNS)
    for col in ("numerator", "denominator", "value"):
        df[col] = [_fmt_number(v) for v in df[col]]
    df = df.fillna("")
    return df.sort_values(["indicator_id", "period_start", "period_end", "breakdown"],
                          kind="mergesort").reset_index(drop=True)


def to_csv_text(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so a reader never
    sees a half-written file and an interrupted run leaves the previous file intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
