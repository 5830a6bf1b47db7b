"""What the indicator functions see: the year's tables, the history, and the conventions.

A CIN census carries the episodes open at any point of its year, so an episode open
across 31 March appears in two years' files; the combined history keeps one row per
episode (the latest file's version, which has the closure). The same holds for plans
(key: child and start date) and SSDA903 episodes (child and DECOM).
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from reporting.periods import Period, ReportingYear
from reporting.readers import Dataset, YearData
from reporting.schema import cin_spec, ssda903_spec
from reporting.schema.ssda903 import SHORT_BREAK_LEGAL_STATUSES


class Unavailable(Exception):
    """An indicator cannot be computed for a period; the message becomes the ``note``."""


SOURCE_FILES = {
    "cin_census": "cin_census.xml",
    "ssda903": "ssda903/",
    "contacts": "contacts.csv",
    "population": "population.csv",
    "cp_visits": "cp_visits.csv",
    "missing_from_home": "missing_from_home.csv",
    "complaints": "complaints.csv",
}


def _combine(frames: list[pd.DataFrame], key: list[str]) -> pd.DataFrame:
    """Stack yearly frames (oldest first) and keep the latest year's row per key."""
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    return df.drop_duplicates(subset=key, keep="last").reset_index(drop=True)


class Context:
    """Typed tables for one reporting year, with history across the years present."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.year: ReportingYear = dataset.year
        self.cin_spec = cin_spec(self.year)
        self.ssda903_spec = ssda903_spec(self.year)

    # -- years --------------------------------------------------------------------------
    def _years(self, upto: ReportingYear | None = None) -> list[tuple[ReportingYear, YearData]]:
        upto = upto or self.year
        return [(y, d) for y, d in sorted(self.dataset.years.items()) if y <= upto]

    @property
    def current(self) -> YearData | None:
        return self.dataset.current

    def earliest(self, source: str) -> ReportingYear | None:
        """Earliest year whose ``source`` (``cin`` or ``ssda903``) is present."""
        for y, d in self._years():
            if getattr(d, source) is not None:
                return y
        return None

    def history_note(self, source: str, back_to: ReportingYear) -> str:
        """A note when ``source`` history does not reach back to ``back_to``, else ``""``."""
        first = self.earliest(source)
        if first is None or first > back_to:
            shown = first.label if first else self.year.label
            return f"history before {shown} not available"
        return ""

    # -- CIN census ----------------------------------------------------------------------
    def cin(self, table: str) -> pd.DataFrame:
        """A table of this year's CIN census; raises :class:`Unavailable` when the census is absent."""
        cur = self.current
        if cur is None or cur.cin is None:
            raise Unavailable("source absent: cin_census.xml")
        return cur.cin[table]

    def cin_history(self, table: str) -> pd.DataFrame:
        """A CIN table combined across this and earlier years (one row per episode, plan, ...)."""
        self.cin(table)  # the current year must be present
        return self._cin_history[table]

    @cached_property
    def _cin_history(self) -> dict[str, pd.DataFrame]:
        keys = {
            "cin_episodes": ["child_id", "referral_date"],
            "cp_plans": ["child_id", "start_date"],
            "s47": ["child_id", "start_date"],
            "assessments": ["child_id", "kind", "start_date"],
            "children": ["child_id"],
        }
        out = {}
        for table, key in keys.items():
            frames = []
            for y, d in self._years():
                if d.cin is not None:
                    frames.append(d.cin[table].assign(census_year=y.label))
            out[table] = _combine(frames, key)
        return out

    # -- SSDA903 -------------------------------------------------------------------------
    def ssda903(self, table: str) -> pd.DataFrame:
        cur = self.current
        if cur is None or cur.ssda903 is None:
            raise Unavailable("source absent: ssda903/")
        if table not in cur.ssda903:
            raise Unavailable(f"source absent: ssda903/{table}")
        return cur.ssda903[table]

    def episodes_all(self, include_following: bool = False) -> pd.DataFrame:
        """SSDA903 episodes of this and earlier years (and the next year when asked), one row per
        child and DECOM, with ``short_break`` (legal status V3/V4) flagged."""
        self.ssda903("episodes")
        upto = self.year.shift(1) if include_following else self.year
        frames = [d.ssda903["episodes"].assign(return_year=y.label)
                  for y, d in self._years(upto) if d.ssda903 is not None]
        df = _combine(frames, ["CHILD", "DECOM"])
        df = df.sort_values(["CHILD", "DECOM"], kind="mergesort").reset_index(drop=True)
        df["short_break"] = df["LS"].isin(SHORT_BREAK_LEGAL_STATUSES)
        return df

    def uasc_children(self) -> pd.DataFrame:
        """Children recorded as UASC in any year's UASC table up to and including the next year."""
        frames = [d.ssda903["uasc"] for _, d in self._years(self.year.shift(1))
                  if d.ssda903 is not None and "uasc" in d.ssda903]
        if not frames:
            raise Unavailable("source absent: ssda903/UASC.csv")
        return _combine(frames, ["CHILD"])

    # -- other sources -------------------------------------------------------------------
    def contacts(self) -> pd.DataFrame:
        cur = self.current
        if cur is None or cur.contacts is None:
            raise Unavailable("source absent: contacts")
        return cur.contacts

    def extract(self, name: str) -> pd.DataFrame:
        cur = self.current
        if cur is None or cur.extracts.get(name) is None:
            raise Unavailable(f"source absent: {SOURCE_FILES.get(name, name)}")
        return cur.extracts[name]

    def population(self, period: Period | None = None) -> int:
        """Children aged 0-17, mid-year estimate of the calendar year in which the reporting year starts."""
        mid = self.year.population_mid_year
        pop = self.dataset.population(mid)
        if pop is None:
            raise Unavailable(f"population for mid-{mid} not in population.csv")
        return pop
