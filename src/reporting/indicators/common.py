"""SSDA903 building blocks shared by the looked-after, UASC, missing and area-profile sections.

Short breaks: episodes under legal status V3 or V4 are dropped before anything else
(``DATA_CONTRACT.md``), so a child whose only care is short breaks is never looked
after here, and a child whose short breaks turn into full care starts a period of
care on the first full-care episode.

Periods of care: after dropping short breaks, a child's episodes are chained; an
episode continues the previous one's period when it starts on the day the previous
ended and the previous ended with REC X1 ("episode ceases and new one begins").
Otherwise it starts a new period (normally RNE S). A period ends with its last
episode's DEC when that episode's REC is not X1; otherwise it is open.
"""

from __future__ import annotations

import pandas as pd

from reporting.conventions import open_at
from reporting.indicators.context import Context


def care_episodes(ctx: Context, include_following: bool = False) -> pd.DataFrame:
    """Full-care episodes (short breaks dropped) across the years present, with ``period_id``,
    ``period_start`` and ``period_end`` (NaT while open) of the period of care each belongs to."""
    eps = ctx.episodes_all(include_following=include_following)
    eps = eps[~eps["short_break"]].sort_values(["CHILD", "DECOM"], kind="mergesort").reset_index(drop=True)
    same_child = eps["CHILD"].eq(eps["CHILD"].shift(1))
    continues = same_child & eps["DECOM"].eq(eps["DEC"].shift(1)) & eps["REC"].shift(1).eq("X1")
    eps["period_id"] = (~continues).cumsum()
    grp = eps.groupby("period_id", sort=False)
    eps["period_start"] = grp["DECOM"].transform("first")
    last = grp.tail(1).set_index("period_id")
    end = last["DEC"].where(last["REC"].ne("X1") & last["REC"].ne(""))
    eps["period_end"] = eps["period_id"].map(end)
    return eps


def periods_of_care(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per period of care: CHILD, period_id, period_start, period_end, the first
    episode's PLACE and LS (``start_place``, ``start_ls``) and the last episode's REC (``end_rec``)."""
    grp = episodes.groupby("period_id", sort=True)
    first = grp.head(1).set_index("period_id")
    last = grp.tail(1).set_index("period_id")
    return pd.DataFrame({
        "CHILD": first["CHILD"],
        "period_start": first["period_start"],
        "period_end": first["period_end"],
        "start_place": first["PLACE"],
        "start_ls": first["LS"],
        "end_rec": last["REC"].where(last["REC"].ne("X1"), ""),
    }).reset_index()


def episodes_open_on(episodes: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Episodes open on ``day`` (DECOM on or before it; DEC absent or after it)."""
    return episodes[open_at(episodes["DECOM"], episodes["DEC"], day)]


def looked_after_on(episodes: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """One row per child looked after on ``day`` (the episode open that day)."""
    return episodes_open_on(episodes, day).drop_duplicates("CHILD", keep="last")


def uasc_on(ctx: Context, children: pd.Series, days: pd.Series | pd.Timestamp) -> pd.Series:
    """True where ``children`` (CHILD ids) were unaccompanied asylum-seeking children on ``days``.

    A child is UASC when listed in the SSDA903 UASC table of this, an earlier or the next
    year (:meth:`Context.uasc_children`) and the status had not ceased by the day: ``DUC``
    (date UASC status ceased) blank or after it. The table does not record when the status
    began, so a listed child is taken as UASC from arrival. Raises ``Unavailable`` when no
    UASC table is present.
    """
    table = ctx.uasc_children()
    duc = children.map(table.set_index("CHILD")["DUC"])
    listed = children.isin(table["CHILD"])
    return listed & (duc.isna() | (duc > days))
