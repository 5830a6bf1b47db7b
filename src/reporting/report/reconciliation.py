"""The report's reconciliation section: every published figure of the year beside its
recomputation, and the contradictions within the published documents that concern the year.

The build computes two files of aggregates next to the year's ``indicators.csv`` (as it
does ``data_quality.csv``), cached like the indicators:

``<cache>/<year>/reconciliation.csv``
    :func:`reporting.published.reconcile.reconcile` of the year's ``indicators.csv``
    against the figures ``reporting reconcile`` compares
    (:func:`reporting.published.reconcile.published_for`: Hampshire's transcribed documents
    for Hampshire, and DfE's published values for the council's code): the same table as
    ``reporting reconcile --la LA --year YEAR`` writes.
``<cache>/<year>/published_contradictions.csv``
    the findings of :func:`reporting.published.consistency.run_consistency_checks` with the
    verdict ``contradiction`` that involve a published figure of the year (a figure whose
    ``year`` is the report's year), with the arithmetic that shows each. Only for the
    council whose documents are transcribed.

The section (``notebooks/reconciliation.ipynb``) reads them and shows the summary counts
(sentences and a table by source), the reconciliation table (published, recomputed,
difference, status: matches / differs / not computable) and the contradictions. Only
published numbers and aggregates: no record data.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from reporting.conventions import round_half_away
from reporting.periods import ReportingYear
from reporting.published.reconcile import STATUSES
from reporting.report.tables import NOT_AVAILABLE, Presented, table_spec

RECONCILIATION_FILE = "reconciliation.csv"
CONTRADICTIONS_FILE = "published_contradictions.csv"
CONTRADICTION_COLUMNS = ["check_id", "kind", "description", "published", "expected", "difference", "tolerance",
                         "arithmetic", "figure_ids", "note"]
RECONCILIATION_COLUMNS = ["Indicator", "Period", "Breakdown", "Role", "Published", "Recomputed", "Difference",
                          "Status", "As printed", "Published in", "Note"]
DENOM_SUFFIX = "-denom"  # figure ids named after the 001 column the figure is printed in
DENOM_NOTE = ("Figures whose id ends in -denom are printed in the column headed 'Denom' of 001's tables; the id keeps "
              "the column's name. In 3.4 (S47 enquiries, assessments) that column holds the denominator; in 3.2 "
              "(referral sources), 3.7 (plan categories and rates, plans lasting 2+ years, repeat plans, visits) and "
              "3.10 (3+ placements) it holds the number counted, the numerator: the role column says which, "
              "marked \"(001's Denom column)\" where it is not the denominator.")
SOURCE_NAMES = {"001": "Annual safeguarding report 2016-17 (001)", "004": "Ofsted area profile (004)",
                "dfe": "DfE's published statistics"}


# -- the build's step: files of aggregates ---------------------------------------------------
def published_figures_path() -> Path:
    from reporting.published.figures import DEFAULT_PATH

    return DEFAULT_PATH


def _la_code(raw_dir: Path, la: str) -> str | None:
    from reporting.readers.la import read_la_toml

    try:
        return read_la_toml(Path(raw_dir) / "la.toml", la).la_code or None
    except Exception:  # noqa: BLE001 - validation reports la.toml problems; no code means no DfE rows
        return None


@lru_cache(maxsize=2)
def _findings(figures_sha: str) -> pd.DataFrame:
    """Every consistency finding of the published figures (computed once per file version)."""
    from reporting.published.consistency import run_consistency_checks
    from reporting.published.figures import published_figures

    del figures_sha  # the cache key
    return run_consistency_checks(published_figures())


def year_contradictions(year: ReportingYear | str) -> pd.DataFrame:
    """The contradictions found in the published documents that involve a figure of ``year``
    (:data:`CONTRADICTION_COLUMNS`; figure ids joined by spaces)."""
    from reporting.published.figures import published_figures
    from reporting.report.build import sha256_file

    y = ReportingYear.parse(year)
    findings = _findings(sha256_file(published_figures_path()))
    year_of = dict(zip(*(published_figures()[c] for c in ("figure_id", "year")), strict=True))
    con = findings[findings["verdict"] == "contradiction"]
    hit = [any(year_of.get(f) == y.label for f in ids) for ids in con["figure_ids"]]
    out = con[hit].copy()
    out["figure_ids"] = [" ".join(ids) for ids in out["figure_ids"]]
    for col in ("difference", "tolerance"):  # as docs/published_contradictions.md prints them
        out[col] = ["" if v is None or pd.isna(v) else _short(float(v)) for v in out[col]]
    return out[CONTRADICTION_COLUMNS].reset_index(drop=True)


def _short(x: float) -> str:
    return str(int(x)) if x.is_integer() else f"{x:.4f}".rstrip("0").rstrip(".")


def prepare(cache_dir: Path | str, raw_dir: Path | str, la: str, year: ReportingYear | str, code_key: str,
            published_sha: dict[str, str]) -> list[Path]:
    """Write the year's ``reconciliation.csv`` and ``published_contradictions.csv`` into
    ``<cache_dir>/<year>/`` unless cached for the same indicators, published files, council
    code and code (``code_key``); return the files written."""
    from reporting.indicators.engine import to_csv_text
    from reporting.published.reconcile import TRANSCRIBED_LA, published_for, reconcile
    from reporting.report.build import _cached, _canon, _store, sha256_file, sha256_text
    from reporting.report.tables import read_indicator_file

    y = ReportingYear.parse(year)
    folder = Path(cache_dir) / y.label
    indicators = folder / "indicators.csv"
    la_code = _la_code(Path(raw_dir), la)
    key = sha256_text(_canon({"indicators": sha256_file(indicators), "published": published_sha, "la": la,
                              "la_code": la_code or "", "code": code_key}))
    rec, con = folder / RECONCILIATION_FILE, folder / CONTRADICTIONS_FILE
    if _cached(rec, key) and _cached(con, key):
        return []
    try:
        figures, notes = published_for(la, la_code, y)
    except FileNotFoundError as exc:  # DfE's files absent: the transcribed documents only
        figures, notes = published_for(la, None, y)
        notes.append(str(exc))
    table = reconcile(read_indicator_file(indicators), figures) if len(figures) else None
    if table is None:
        from reporting.published.reconcile import COLUMNS

        table = pd.DataFrame(columns=COLUMNS)
    contradictions = (year_contradictions(y) if la == TRANSCRIBED_LA
                      else pd.DataFrame(columns=CONTRADICTION_COLUMNS))
    _store(rec, to_csv_text(table), key, notes=notes)
    _store(con, to_csv_text(contradictions), key)
    return [rec, con]


def published_files_sha() -> dict[str, str]:
    """sha256 of ``published_figures.csv`` (the transcribed documents)."""
    from reporting.report.build import sha256_file

    p = published_figures_path()
    return {"published_figures.csv": sha256_file(p) if p.exists() else ""}


# -- presentation -------------------------------------------------------------------------------
def _read(path: Path) -> pd.DataFrame | None:
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else None


def _float(text: str) -> float | None:
    return float(text) if str(text).strip() != "" else None


def _decimals(published: str) -> int:
    from reporting.published.figures import printed_decimals

    return printed_decimals(published) or 0


def _number(v: float, places: int) -> int | float:
    r = round_half_away(v, places)
    return int(r) if places == 0 else float(r)


def _text(v: float, places: int, unit: str = "") -> str:
    s = f"{v:.{places}f}"
    return s + "%" if unit == "percent" else s


def _signed(v: float, places: int) -> str:
    return f"{0:.{places}f}" if v == 0 else f"{v:+.{places}f}"


def _list_presented(table_id: str, caption: str, text: pd.DataFrame, values: pd.DataFrame,
                    notes: list[str]) -> Presented:
    return Presented(table_spec(table_id), caption, text, values, [""] * len(text), notes)


class ReconciliationSection:
    """The reconciliation section of a report year (reads the two files of the build).

    Parameters
    ----------
    la : str
    year : ReportingYear
    indicators_dir : Path
        Folder of ``<year>/indicators.csv`` and the reconciliation files.
    """

    def __init__(self, la: str, year: ReportingYear, indicators_dir: Path):
        from reporting.published.reconcile import TRANSCRIBED_LA

        self.la = la
        self.year = ReportingYear.parse(year)
        folder = Path(indicators_dir) / self.year.label
        self.table = _read(folder / RECONCILIATION_FILE)
        self.contradictions = _read(folder / CONTRADICTIONS_FILE)
        self.transcribed = la == TRANSCRIBED_LA
        meta = folder / (RECONCILIATION_FILE + ".meta.json")
        self.notes: list[str] = []
        if meta.exists():
            self.notes = list(json.loads(meta.read_text(encoding="utf-8")).get("notes", []))

    # -- figures ---------------------------------------------------------------------------
    def counts(self) -> dict[str, dict[str, int]]:
        """Figures by source and status (sources in :data:`SOURCE_NAMES` order, then ``all``)."""
        out: dict[str, dict[str, int]] = {}
        t = self.table if self.table is not None else pd.DataFrame(columns=["source", "status"])
        for src in [s for s in SOURCE_NAMES if s in set(t["source"])] + ["all"]:
            sub = t if src == "all" else t[t["source"] == src]
            out[src] = {s: int((sub["status"] == s).sum()) for s in STATUSES}
        return out

    def presented(self, table_id: str) -> Presented:
        if table_id == "reconciliation_summary":
            return self._summary()
        if table_id == "reconciliation":
            return self._reconciliation()
        if table_id == "published_contradictions":
            return self._contradictions()
        raise KeyError(f"table {table_id!r} is not a table of the reconciliation section")

    def _missing_note(self) -> list[str]:
        return [f"{RECONCILIATION_FILE} not found for {self.year.label}: `reporting build` computes it."]

    def _summary(self) -> Presented:
        spec = table_spec("reconciliation_summary")
        cols = [s[0].upper() + s[1:] for s in STATUSES] + ["Total"]
        rows, labels = [], []
        for src, c in self.counts().items():
            labels.append("All published figures" if src == "all" else SOURCE_NAMES[src])
            rows.append([c[s] for s in STATUSES] + [sum(c.values())])
        values = pd.DataFrame(rows, columns=cols, index=pd.Index(labels, name="Published in"), dtype=object)
        text = values.map(str)
        notes = self._missing_note() if self.table is None else []
        notes += [f"Note: {n}." for n in self.notes]
        notes.append("A figure matches when the recomputed value, rounded as the figure is printed, gives the "
                     "printed value (counts exactly); it is not computable when the returns do not give the "
                     "indicator for that period, and not published when the document printed no number "
                     "(N/A, n/k).")
        return _list_presented(spec.id, f"{spec.title}, {self.year.label}", text, values, notes)

    def _reconciliation(self) -> Presented:
        from reporting.indicators.registry import catalogue

        spec = table_spec("reconciliation")
        cols = RECONCILIATION_COLUMNS
        cat = catalogue()
        text_rows, value_rows, labels = [], [], []
        t = self.table if self.table is not None else pd.DataFrame(columns=["figure_id"])
        denom_column = False
        for r in t.itertuples(index=False):
            places = _decimals(r.published)
            unit = cat[r.indicator_id].unit if (r.role == "value" and r.indicator_id in cat) else "count"
            published, computed = _float(r.published_value), _float(r.recomputed)
            # published and recomputed in the same format (the unit's, at the printed precision);
            # the figure as printed, verbatim, in its own column
            pub_t, pub_v = NOT_AVAILABLE, NOT_AVAILABLE
            if published is not None:
                pub_v = _number(published, places)
                pub_t = _text(pub_v, places, unit)
            rec_t, rec_v, diff_t, diff_v = NOT_AVAILABLE, NOT_AVAILABLE, "", None
            if computed is not None:
                shown = _number(computed, places)
                rec_t, rec_v = _text(shown, places, unit), shown
                if published is not None:
                    d = round_half_away(shown - published, places)
                    diff_t, diff_v = _signed(d, places), _number(d, places)
            role = r.role
            if r.source == "001" and r.figure_id.endswith(DENOM_SUFFIX):
                denom_column = True
                if r.role != "denominator":
                    role = f"{r.role} (001's Denom column)"
            where = f"{r.source}: {r.location}"
            labels.append(r.figure_id)
            text_rows.append([r.indicator_id, r.period_label, r.breakdown, role, pub_t, rec_t, diff_t,
                              r.status, r.published, where, r.note])
            value_rows.append([r.indicator_id, r.period_label, r.breakdown, role, pub_v, rec_v, diff_v,
                               r.status, r.published, where, r.note])
        index = pd.Index(labels, name="Figure")
        text = pd.DataFrame(text_rows, columns=cols, index=index, dtype=object)
        values = pd.DataFrame(value_rows, columns=cols, index=index, dtype=object)
        notes = self._missing_note() if self.table is None else []
        if not len(t) and self.table is not None:
            notes.append(f"No published figure for {self.year.label} names an indicator the toolkit recomputes.")
        notes += ["Published and recomputed are shown alike: counts as whole numbers, percentages with a % sign, "
                  "rates per 10,000 without one, each to the decimal places the figure is printed with; the "
                  "recomputed figure is the toolkit's rounded (half away from zero) to those places. As printed: "
                  "the published figure verbatim (e.g. 4,211, or 17.4 printed without its % sign). Difference: "
                  "recomputed minus published; n/a: not computable (the note says why) or not published.",
                  "Sources: 001 Hampshire's annual safeguarding report 2016-17; 004 Ofsted's area profile "
                  "(2014 inspection); dfe DfE's published statistics for the council's code."]
        if denom_column:
            notes.append(DENOM_NOTE)
        return _list_presented(spec.id, f"{spec.title}, {self.year.label}", text, values, notes)

    def _contradictions(self) -> Presented:
        spec = table_spec("published_contradictions")
        cols = ["What is compared", "Published", "Expected", "Difference", "Arithmetic", "Note"]
        c = self.contradictions if self.contradictions is not None else pd.DataFrame(columns=CONTRADICTION_COLUMNS)
        rows = []
        for r in c.itertuples(index=False):
            diff = r.difference
            if diff and r.tolerance:
                diff = f"{diff} (tolerance {r.tolerance})"
            rows.append([r.description, r.published, r.expected, diff, r.arithmetic, r.note])
        values = pd.DataFrame(rows, columns=cols, index=pd.Index(list(c["check_id"]), name="Check"), dtype=object)
        text = values.copy()
        if self.contradictions is None:
            notes = [f"{CONTRADICTIONS_FILE} not found for {self.year.label}: `reporting build` computes it."]
        elif not self.transcribed:
            notes = ["No published document of this council is transcribed: only DfE's figures are reconciled."]
        elif not len(c):
            notes = [f"The consistency checks find no contradiction involving a figure for {self.year.label}."]
        else:
            notes = ["A printed percentage or rate stands for every value that rounds to it at its printed "
                     "precision; counts are exact. docs/published_contradictions.md lists the contradictions "
                     f"of every year with the figures each uses ({CONTRADICTIONS_FILE} of the year too)."]
        return _list_presented(spec.id, f"{spec.title}, {self.year.label}", text, values, notes)

    # -- sentences ---------------------------------------------------------------------------
    def sentences(self) -> list[str]:
        y = self.year.label
        if self.table is None:
            return []
        c = self.counts()["all"]
        n = sum(c.values())
        if not n:
            out = [f"No published figure for {y} names an indicator the toolkit recomputes."]
        else:
            unpublished = (f"; {c['not published']:,} printed no number (N/A, n/k)"
                           if c.get("not published") else "")
            out = [f"{n:,} figure{'s' if n != 1 else ''} published for {y} name{'' if n != 1 else 's'} an "
                   f"indicator the toolkit recomputes from the returns: {c.get('matches', 0):,} match the "
                   f"recomputation, {c.get('differs', 0):,} differ and {c.get('not computable', 0):,} cannot be "
                   f"computed from the returns{unpublished}."]
        if self.transcribed and self.contradictions is not None:
            k = len(self.contradictions)
            if k:
                out.append(f"The published documents contradict themselves in {k:,} place{'s' if k != 1 else ''} "
                           f"involving a figure for {y}; each is listed below with the arithmetic that shows it.")
            else:
                out.append(f"The consistency checks of the published documents find no contradiction involving "
                           f"a figure for {y}.")
        return out
