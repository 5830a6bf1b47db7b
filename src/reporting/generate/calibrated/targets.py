"""Calibration targets: the published figures the demo's records must reproduce.

Read from ``data/reference/published_figures.csv`` (one row per published number, with
its role: value, numerator, denominator or population). When several sources give the
same figure, precedence is DfE's files, then the report's tables, then its text
(issue 4): ``SOURCE_PRECEDENCE`` ranks them. ``Targets.get`` returns the resolved
target of one indicator, period and breakdown.

A percentage target is met when the computed percentage, rounded half away from zero
to the printed precision, equals the printed value (``Target.accepts``); counts must
be exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reporting.conventions import round_half_away

REPO_ROOT = Path(__file__).resolve().parents[4]
PUBLISHED = REPO_ROOT / "data" / "reference" / "published_figures.csv"
# lower ranks win: DfE's published files, then the report's tables, then text
SOURCE_PRECEDENCE = {"dfe": 0, "001": 1, "004": 2}


@dataclass(frozen=True)
class Target:
    """A resolved published figure for one indicator, period and breakdown."""

    indicator_id: str
    period_label: str
    breakdown: str
    unit: str
    value: float | None
    precision: int | None
    numerator: int | None = None
    denominator: int | None = None
    population: int | None = None
    figure_ids: tuple[str, ...] = field(default=())

    def accepts(self, computed: float | None) -> bool:
        """True when ``computed`` prints as the published value (counts: equal)."""
        if self.value is None or computed is None:
            return False
        if self.unit == "count":
            return math.isclose(computed, self.value)
        return round_half_away(computed, self.precision or 0) == round_half_away(self.value, self.precision or 0)

    def numerators(self, denominator: int) -> list[int]:
        """Every whole numerator that, over ``denominator``, prints as the published percentage."""
        if self.value is None or denominator <= 0:
            return []
        centre = int(round(self.value * denominator / 100))
        span = max(2, int(denominator * 10 ** -(self.precision or 0) / 100) + 2)
        return [n for n in range(max(0, centre - span), min(denominator, centre + span) + 1)
                if self.accepts(100.0 * n / denominator)]


def _rank(source: str) -> int:
    return SOURCE_PRECEDENCE.get(str(source), 9)


class Targets:
    """All calibration targets, resolved by source precedence."""

    def __init__(self, figures: pd.DataFrame):
        df = figures[figures["indicator_id"].fillna("") != ""].copy()
        df["rank"] = df["source"].map(_rank)
        df["breakdown"] = df["breakdown"].fillna("")
        self.figures = df
        self._cache: dict[tuple[str, str, str], Target | None] = {}

    @classmethod
    def load(cls, path: Path | None = None) -> Targets:
        path = path or PUBLISHED
        return cls(pd.read_csv(path, dtype=str, keep_default_na=False))

    def get(self, indicator_id: str, period_label: str, breakdown: str = "") -> Target | None:
        key = (indicator_id, period_label, breakdown)
        if key not in self._cache:
            self._cache[key] = self._resolve(*key)
        return self._cache[key]

    def _resolve(self, indicator_id: str, period_label: str, breakdown: str) -> Target | None:
        df = self.figures
        hit = df[(df["indicator_id"] == indicator_id) & (df["period_label"] == period_label)
                 & (df["breakdown"] == breakdown)]
        if not len(hit):
            return None
        parts: dict[str, tuple[int, str, str]] = {}
        ids = []
        for r in hit.sort_values(["rank", "figure_id"]).itertuples():
            ids.append(r.figure_id)
            if r.role not in parts and r.value != "":
                parts[r.role] = (r.rank, r.value, r.precision)
        if "value" not in parts and not parts:
            return None
        unit = hit["unit"].iloc[0]

        def num(role: str) -> int | None:
            return int(float(parts[role][1])) if role in parts else None

        value = float(parts["value"][1]) if "value" in parts else None
        precision = int(parts["value"][2]) if "value" in parts and parts["value"][2] != "" else None
        return Target(indicator_id, period_label, breakdown, unit, value, precision,
                      num("numerator"), num("denominator"), num("population"), tuple(ids))

    def count(self, indicator_id: str, period_label: str, breakdown: str = "") -> int | None:
        """The exact count a count indicator must give (None when nothing was published)."""
        t = self.get(indicator_id, period_label, breakdown)
        if t is None:
            return None
        if t.value is not None:
            return int(round(t.value))
        return t.numerator
