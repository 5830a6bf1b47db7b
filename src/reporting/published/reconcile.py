"""Reconciliation: every published figure beside the toolkit's recomputation of it.

Each figure of ``data/reference/published_figures.csv`` that names a catalogue
indicator is matched to the recomputed ``indicators.csv`` row of the same indicator,
period and breakdown, and compared according to its role:

* ``value`` of a count, and any ``numerator`` or ``denominator``: the integers must be
  equal;
* ``value`` of a percentage or rate: the recomputed value, rounded half away from zero
  to the printed precision, must print as the published value;
* ``population``: compared with the recomputed rate's denominator.

Status: ``matches``, ``differs``, ``not computable`` (the indicator has no value for
that period, e.g. a source absent) or ``not published`` (the document printed N/A or n/k).
"""

from __future__ import annotations

import math

import pandas as pd

from reporting.published.figures import matches

COLUMNS = ["figure_id", "indicator_id", "period_label", "breakdown", "role", "published", "published_value",
           "recomputed", "difference", "status", "source", "location", "note"]
STATUSES = ("matches", "differs", "not computable", "not published")
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
        if published is None:
            status, diff = "not published", None
        elif computed is None:
            status, diff = "not computable", None
        else:
            ok = computed == published if exact else matches(published, computed, _precision(rd["precision"]))
            status, diff = ("matches" if ok else "differs"), computed - published
        note = rd.get("computed_note") or ""
        if status == "differs" and rd["unit"] == "rate_per_10k":
            note = "; ".join(n for n in (note, _population_note(rd, published)) if n)
        rows.append({
            "figure_id": rd["figure_id"], "indicator_id": rd["indicator_id"], "period_label": rd["period_label"],
            "breakdown": rd["breakdown"], "role": rd["role"], "published": rd["published"],
            "published_value": published, "recomputed": computed, "difference": diff, "status": status,
            "source": rd["source"], "location": rd["location"], "note": note,
        })
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["indicator_id", "period_label", "breakdown", "role", "figure_id"],
                           kind="mergesort").reset_index(drop=True)


def _population_note(rd: dict, published: float) -> str:
    """Why a rate per 10,000 can differ when its count agrees: the population. The population
    the published rate implies for the recomputed count (count / rate x 10,000) beside the one
    the recomputation used (its denominator, from ``population.csv``)."""
    count, population = _num(rd.get("computed_numerator")), _num(rd.get("computed_denominator"))
    if count is None or population is None or published <= 0:
        return ""
    implied = count / published * 10_000
    return (f"population: the recomputation divides by {population:,.0f} (population.csv); for the same count "
            f"of {count:,.0f} the published rate implies about {implied:,.0f}")


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


# The council whose documents are transcribed in published_figures.csv (sources 001 and 004);
# for every council, DfE's own files give the "dfe" rows (figures_from_dfe).
TRANSCRIBED_LA = "hampshire"


def published_for(la: str, la_code: str | None, year) -> tuple[pd.DataFrame, list[str]]:
    """The published figures a council's recomputed indicators are reconciled with.

    The transcribed documents (Hampshire's 2016-17 report and area profile, without their
    transcription of DfE's figures) when ``la`` is :data:`TRANSCRIBED_LA`, and DfE's values
    for ``la_code`` read from DfE's files (:func:`figures_from_dfe`). Used by
    ``reporting reconcile`` and by the report's reconciliation section.

    Returns
    -------
    (figures, notes)
        The figures (empty when there are none) and a note for each source that could not
        be read (a council or year DfE's files do not cover).
    """
    from reporting.published.benchmark import published_for_council
    from reporting.published.figures import published_figures

    figures, notes = [], []
    if la == TRANSCRIBED_LA:
        local = published_figures()
        figures.append(local[local["source"] != "dfe"])
    if la_code:
        try:
            figures.append(figures_from_dfe(published_for_council(la_code, year)))
        except LookupError as exc:
            notes.append(f"no DfE published figures for {la_code} {year}: {exc}")
    if not figures:
        return pd.DataFrame(columns=["figure_id", "indicator_id", "period_label", "breakdown", "role", "published",
                                     "value", "unit", "precision", "source", "location"]), notes
    return pd.concat(figures, ignore_index=True), notes


def _precision(value: object) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def summary(table: pd.DataFrame) -> dict[str, int]:
    """Counts of figures by status."""
    return {s: int((table["status"] == s).sum()) for s in STATUSES}
