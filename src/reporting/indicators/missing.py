"""Section 3.13 of the report: children missing from home and from care.

Sources: the SSDA903 ``Missing.csv`` table (looked-after children) and the local
``missing_from_home.csv`` extract (children not looked after). Quarters are calendar
quarters; a missing episode counts in the quarter it starts, even when it runs past
the quarter end.
"""

from __future__ import annotations

import pandas as pd

from reporting.conventions import in_period
from reporting.indicators.context import Context, Unavailable
from reporting.indicators.looked_after import cla_on, episodes, this_return
from reporting.indicators.registry import Measure, indicator
from reporting.periods import Period

MISSING_903 = 'DfE SSDA903 Missing table; "Children looked after in England", missing from care (local measure)'
MISSING_LOCAL = "Local extract missing_from_home.csv (local measure)"


def in_care_on(ctx: Context, children: pd.Series, days: pd.Series) -> pd.Series:
    """True where the child had a full-care episode (short breaks excluded) on the day:
    ``DECOM`` on or before it and ``DEC`` blank or on or after it (the day care ends counts)."""
    eps = this_return(ctx, episodes(ctx))[["CHILD", "DECOM", "DEC"]]
    probe = pd.DataFrame({"CHILD": children.to_numpy(), "day": days.to_numpy(), "_row": range(len(children))})
    m = probe.merge(eps, on="CHILD", how="inner")
    hit = m.loc[(m["DECOM"] <= m["day"]) & (m["DEC"].isna() | (m["DEC"] >= m["day"])), "_row"]
    return pd.Series(pd.RangeIndex(len(children)).isin(hit), index=children.index)


def missing_from_care(ctx: Context, period: Period) -> pd.DataFrame:
    """Distinct children with an SSDA903 missing (``MISSING`` = M) episode starting in the period
    while looked after: CHILD and their first such episode's MIS_START and MIS_END."""
    mis = ctx.ssda903("missing")
    code = mis["MISSING"].astype(str).str.strip().str.upper()
    rows = mis[code.eq("M") & in_period(mis["MIS_START"], period.start, period.end)]
    rows = rows[in_care_on(ctx, rows["CHILD"], rows["MIS_START"])]
    rows = rows.sort_values(["CHILD", "MIS_START"], kind="mergesort").drop_duplicates("CHILD", keep="first")
    return rows[["CHILD", "MIS_START", "MIS_END"]].reset_index(drop=True)


@indicator("missing_from_home_q", numerator="distinct children not looked after with a missing episode starting in the quarter",
           source=MISSING_LOCAL)
def missing_from_home_q(ctx: Context, period: Period) -> Measure:
    """Children missing from home in the quarter.

    Notes
    -----
    Local measure from the ``missing_from_home.csv`` extract, which lists missing episodes
    of children who were not looked after at the time: distinct children with an episode
    whose ``MissingStart`` is in the calendar quarter (an episode running past the quarter
    end counts in the quarter it starts). As a safeguard, rows of a child who was looked
    after (full care, short breaks excluded) on the start day by the SSDA903 episodes are
    dropped, since they count in ``cla_missing_q``; a child on short breaks counts here.
    Without SSDA903 episodes that check is skipped and the note says so. Not available
    without the extract.
    """
    mfh = ctx.extract("missing_from_home")
    rows = mfh[in_period(mfh["start_date"], period.start, period.end)]
    note = ""
    try:
        rows = rows[~in_care_on(ctx, rows["child_id"], rows["start_date"])]
    except Unavailable:
        note = "looked-after status not checked: SSDA903 episodes absent"
    rows = rows.sort_values(["child_id", "start_date"], kind="mergesort").drop_duplicates("child_id", keep="first")
    return Measure(numerator=rows[["child_id", "start_date", "end_date"]].reset_index(drop=True), note=note)


@indicator("cla_missing_q", numerator="distinct looked-after children with a missing (M) episode starting in the quarter",
           source=MISSING_903)
def cla_missing_q(ctx: Context, period: Period) -> Measure:
    """Looked-after children who went missing from care in the quarter.

    Notes
    -----
    Distinct children with an SSDA903 ``Missing`` row with ``MISSING`` = M (missing, not
    A "away from placement without authorisation") whose ``MIS_START`` is in the calendar
    quarter, and who were looked after that day (a full-care episode open, the day care
    ended included; short breaks excluded). An episode spanning the quarter end counts in
    the quarter it starts only. Not available without ``Missing.csv``.
    """
    return Measure(numerator=missing_from_care(ctx, period))


@indicator("cla_missing_pct_q", numerator="distinct looked-after children with a missing (M) episode starting in the quarter",
           denominator="children looked after at the end of the quarter", source=MISSING_903)
def cla_missing_pct_q(ctx: Context, period: Period) -> Measure:
    """Percentage of looked-after children who went missing from care in the quarter.

    Notes
    -----
    ``cla_missing_q`` divided by the children looked after (short breaks excluded) at the
    end of the quarter: an episode open on the last day of the quarter, one ending that
    day not counting (as at 31 March). A child who went missing and left care before the
    quarter end is in the numerator but not the denominator: the ratio follows the
    report's definition rather than a cohort.
    """
    return Measure(numerator=missing_from_care(ctx, period), denominator=cla_on(ctx, period.end))
