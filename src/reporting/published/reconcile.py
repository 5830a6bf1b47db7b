"""Reconciliation: every published figure beside the toolkit's recomputation of it.

Each figure of ``data/reference/published_figures.csv`` that names a catalogue
indicator is matched to the recomputed ``indicators.csv`` row of the same indicator,
period and breakdown, and compared according to its role:

* ``value`` of a count, and any ``numerator`` or ``denominator``: the integers must be
  equal;
* ``value`` of a percentage or rate: the recomputed value, rounded half away from zero
  to the printed precision, must print as the published value;
* ``population``: compared with the recomputed rate's denominator.

Status: ``matches``, ``differs`` or ``not computable`` (the indicator has no value for
that period, e.g. a source absent or a period outside the data).
"""

from __future__ import annotations

import math

import pandas as pd

from reporting.published.figures import matches

COLUMNS = ["figure_id", "indicator_id", "period_label", "breakdown", "role", "published", "published_value",
           "recomputed", "difference", "status", "source", "location", "note"]
ROLE_COLUMN = {"value": "value", "numerator": "numerator", "denominator": "denominator",
               "population": "denominator"}


def _num(text: object) -> float | None:
    if text is None or (isinstance(text, float) and math.isnan(text)) or str(text).strip() == "":
        return None
    return float(text)


def reconcile(indicators: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Compare published figures with recomputed indicator rows.

    Parameters
    ----------
    indicators : tidy indicator rows (the ``indicators.csv`` columns, as strings or numbers),
        for one or several years.
    figures : published figures (``read_published_figures``), any years; only those whose
        indicator and period appear among ``indicators``' periods are compared.
    """
    ind = indicators.copy()
    ind["breakdown"] = ind["breakdown"].fillna("").astype(str)
    figs = figures[(figures["indicator_id"].fillna("") != "") & figures["role"].isin(list(ROLE_COLUMN))].copy()
    figs["breakdown"] = figs["breakdown"].fillna("").astype(str)
    periods = set(ind["period_label"])
    figs = figs[figs["period_label"].isin(periods)]
    keys = ["indicator_id", "period_label", "breakdown"]
    ind = ind[keys + ["numerator", "denominator", "value", "note"]].rename(
        columns={c: f"computed_{c}" for c in ("numerator", "denominator", "value", "note")})
    merged = figs.merge(ind, on=keys, how="left")
    rows = []
    for r in merged.itertuples(index=False):
        rd = r._asdict()
        published = _num(rd["value"])
        computed = _num(rd.get("computed_" + ROLE_COLUMN[rd["role"]]))
        exact = rd["role"] != "value" or rd["unit"] == "count"
        if computed is None or published is None:
            status, diff = "not computable", None
        else:
            ok = computed == published if exact else matches(published, computed, _precision(rd["precision"]))
            status, diff = ("matches" if ok else "differs"), computed - published
        rows.append({
            "figure_id": rd["figure_id"], "indicator_id": rd["indicator_id"], "period_label": rd["period_label"],
            "breakdown": rd["breakdown"], "role": rd["role"], "published": rd["published"],
            "published_value": published, "recomputed": computed, "difference": diff, "status": status,
            "source": rd["source"], "location": rd["location"], "note": rd.get("computed_note") or "",
        })
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["indicator_id", "period_label", "breakdown", "role", "figure_id"],
                           kind="mergesort").reset_index(drop=True)


def figures_from_dfe(published: pd.DataFrame) -> pd.DataFrame:
    """DfE's values for a council (:func:`reporting.published.benchmark.published_for_council`)
    as published-figure rows, so that any council's recomputed indicators can be reconciled
    with what DfE published for it. Counts compare exactly; percentages and rates at one
    decimal place, as DfE prints them; values DfE did not publish are left out."""
    df = published[published["value"].notna()].copy()
    value = df["value"].astype(float)
    is_count = df["unit"].eq("count")
    shown = [f"{v:.0f}" if c else f"{v:.1f}" for v, c in zip(value, is_count, strict=True)]
    return pd.DataFrame({
        "figure_id": "dfe-" + df["measure_id"] + "-" + df["period_label"].str.replace(" ", "-"),
        "indicator_id": df["indicator_id"], "period_label": df["period_label"],
        "breakdown": df["breakdown"].fillna(""), "role": "value", "published": shown,
        "value": [f"{v!r}" for v in value], "unit": df["unit"], "precision": ["0" if c else "1" for c in is_count],
        "source": "dfe", "location": df["source"],
    })


def _precision(value: object) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def summary(table: pd.DataFrame) -> dict[str, int]:
    """Counts of figures by status."""
    return {s: int((table["status"] == s).sum()) for s in ("matches", "differs", "not computable")}
