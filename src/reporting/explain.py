"""``reporting explain``: the records behind an indicator, for an auditor.

The output names children and dates, so it is personal data. It is written only to
the auditor's terminal or to a file they name, headed by a warning; nothing from it
enters a report, notebook or log.
"""

from __future__ import annotations

import io

import pandas as pd

from reporting.conventions import round_half_away
from reporting.indicators.context import Context
from reporting.indicators.engine import evaluate, periods_for
from reporting.indicators.registry import full_definition, registry
from reporting.readers import Dataset
from reporting.report.tables import VALUE_DECIMALS

WARNING = (
    "# PERSONAL DATA: this listing names children and dates from the council's returns.\n"
    "# Keep it on the analyst's machine; do not paste it into a report, e-mail or repository.\n"
)


class UnknownIndicator(KeyError):
    pass


def _table(df: pd.DataFrame | None) -> str:
    if df is None:
        return "  (not applicable)\n"
    if not len(df):
        return "  (no records)\n"
    cols = [c for c in df.columns if c not in ("line",)]
    shown = df[cols].copy()
    for c in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[c]):
            shown[c] = shown[c].dt.strftime("%Y-%m-%d").fillna("")
    return shown.to_string(index=False) + "\n"


def value_line(unit: str, value: float | None, numerator: int | None, denominator: int | None) -> str:
    """``value 27.6% = 100 x 1234 / 4474 (numerator 1234, denominator 4474)``: the value rounded
    as the report prints it (half away from zero; one decimal place for percentages and rates),
    and the exact fraction it comes from."""
    if value is None:
        shown = "value not available"
    elif unit == "count":
        shown = f"value {int(round_half_away(value, 0))}"
    else:
        v = round_half_away(value, VALUE_DECIMALS)
        shown = f"value {v:.{VALUE_DECIMALS}f}" + ("%" if unit == "percent" else " per 10,000")
    if numerator is None and denominator is None:
        return shown + (" (derived from other figures)" if value is not None else "")
    if unit == "count":
        return f"{shown} (records counted: {numerator})"
    factor, below = ("100", "denominator") if unit == "percent" else ("10,000", "children aged 0-17")
    exact = f" = {factor} x {numerator} / {denominator}" if value is not None and numerator is not None else ""
    return f"{shown}{exact} (numerator {numerator}, {below} {denominator})"


def explain(dataset: Dataset, indicator_id: str, period_label: str | None = None) -> str:
    """Text listing numerator and denominator records of one indicator for the year's periods."""
    reg = registry()
    if indicator_id not in reg:
        close = sorted(i for i in reg if indicator_id.split("_")[0] in i)[:8]
        hint = f" (did you mean: {', '.join(close)})" if close else ""
        raise UnknownIndicator(f"unknown indicator {indicator_id!r}{hint}")
    ind = reg[indicator_id]
    ctx = Context(dataset)
    periods = periods_for(ind.period, dataset.year)
    if period_label:
        periods = [p for p in periods if p.label == period_label]
        if not periods:
            labels = ", ".join(p.label for p in periods_for(ind.period, dataset.year))
            raise UnknownIndicator(f"period {period_label!r} not in {dataset.year}: use one of {labels}")
    out = io.StringIO()
    out.write(WARNING)
    out.write(f"# {ind.id}: {ind.label} ({ind.unit})\n# definition: {full_definition(ind.id)}\n")
    out.write(f"# numerator: {ind.numerator}\n# denominator: {ind.denominator or '-'}\n# source: {ind.source}\n")
    for period in periods:
        for ev in evaluate(ctx, ind, period):
            m = ev.measure
            head = f"\n## {period.label}" + (f" [{m.breakdown}]" if m.breakdown else "")
            out.write(f"{head}: {value_line(ind.unit, ev.value, ev.numerator, ev.denominator)}"
                      + (f"; note: {m.note}" if m.note else "") + "\n")
            if not m.available:
                continue
            out.write("numerator records:\n" + _table(m.numerator))
            if m.denominator is not None:
                out.write("denominator records:\n" + _table(m.denominator))
    return out.getvalue()
