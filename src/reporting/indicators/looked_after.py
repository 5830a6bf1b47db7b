"""Sections 3.10-3.12 of the report: children looked after, case closure, quarterly flows.

Sources: DfE SSDA903 return (episodes, UASC table); DfE CIN census (case closure).
DfE publication: "Children looked after in England including adoptions" (numbers at
31 March, starters, placement stability). Every measure here drops short breaks
(legal status V3/V4) first and works on periods of care as
:mod:`reporting.indicators.common` chains them.

Who is looked after on a day of the year (snapshots, quarter ends, placements in the
year) is read from the episodes of this year's return, which carries every episode
open at any time in the year: an episode left open in an earlier year's file but
corrected since (e.g. a changed ``DECOM``) cannot keep a child counted after leaving.
Periods of care are chained across all the years present.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

import pandas as pd

from reporting.conventions import add_months, in_period, open_at
from reporting.indicators.common import care_episodes, looked_after_on, periods_of_care, uasc_on
from reporting.indicators.context import Context
from reporting.indicators.registry import Measure, indicator
from reporting.periods import Period
from reporting.schema.ssda903 import TEMPORARY_PLACEMENTS

CLA_DFE = 'DfE SSDA903; "Children looked after in England including adoptions"'
STABILITY = CLA_DFE + ", placement stability (3 or more placements during the year)"
LOCAL_903 = "DfE SSDA903 (local measure)"
LOCAL_903_CIN = "DfE SSDA903 and CIN census (local measure)"
LOCAL_CIN = "DfE CIN census (local measure)"

# Reasons for a new episode that mean a change of carer: S started, P placement and
# carer(s), B legal status and placement and carer(s). L is legal status only; T and U
# are a change of placement with the same carer(s) (e.g. foster carers approved as
# adopters), which DfE does not count as a move.
NEW_CARER_RNE = frozenset({"S", "P", "B"})
CASE_CLOSURE_MONTHS = 6
_FAR_FUTURE = pd.Timestamp("2262-04-01")


# -- building blocks ------------------------------------------------------------------
_MEMO: WeakKeyDictionary[Context, dict[str, pd.DataFrame]] = WeakKeyDictionary()


def _memo(ctx: Context, key: str, make) -> pd.DataFrame:
    """``make()`` once per context (every quarter and indicator reads the same episodes);
    callers filter the frame and never modify it."""
    memo = _MEMO.setdefault(ctx, {})
    if key not in memo:
        memo[key] = make()
    return memo[key]


def episodes(ctx: Context) -> pd.DataFrame:
    """:func:`care_episodes` of the years up to this one, computed once per context."""
    return _memo(ctx, "care_episodes", lambda: care_episodes(ctx))


def this_return(ctx: Context, eps: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``eps`` (from :func:`care_episodes`) that come from this year's return."""
    return eps[eps["return_year"].eq(ctx.year.label)]


def cla_on(ctx: Context, day: pd.Timestamp) -> pd.DataFrame:
    """Children looked after on ``day`` of this year (short breaks excluded), one row each:
    CHILD, the open episode's DECOM, DEC, LS, PLACE and the period of care's start."""
    eps = looked_after_on(this_return(ctx, episodes(ctx)), day)
    return eps[["CHILD", "period_start", "DECOM", "DEC", "LS", "PLACE"]].reset_index(drop=True)


def periods(ctx: Context) -> pd.DataFrame:
    """Periods of care (short breaks excluded) across the years present, one row each."""
    return _memo(ctx, "periods", lambda: periods_of_care(episodes(ctx)))


def starts_in(ctx: Context, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """Periods of care starting from ``first`` to ``last``: CHILD, period_start, the first
    episode's PLACE and LS (``start_place``, ``start_ls``) and period_end."""
    p = periods(ctx)
    hit = in_period(p["period_start"], first, last)
    return p.loc[hit, ["CHILD", "period_start", "start_place", "start_ls", "period_end"]].reset_index(drop=True)


def ends_in(ctx: Context, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """Periods of care ending from ``first`` to ``last``: CHILD, period_start, period_end, end_rec."""
    p = periods(ctx)
    hit = in_period(p["period_end"], first, last)
    return p.loc[hit, ["CHILD", "period_start", "period_end", "end_rec"]].reset_index(drop=True)


def uasc_starts_in(ctx: Context, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """Periods of care from ``first`` to ``last`` of children who were UASC on the day they started."""
    s = starts_in(ctx, first, last)
    return s[uasc_on(ctx, s["CHILD"], s["period_start"])].reset_index(drop=True)


def _signed(parts: list[tuple[str, int, pd.DataFrame]]) -> tuple[pd.DataFrame, float]:
    """Stack component record frames with ``component`` and ``sign`` columns; the signed total."""
    frames = [df.assign(component=name, sign=sign)[["component", "sign", *df.columns]]
              for name, sign, df in parts]
    value = float(sum(sign * len(df) for _, sign, df in parts))
    return pd.concat(frames, ignore_index=True), value


# -- CLA at 31 March --------------------------------------------------------------------
@indicator("cla_at_31march", numerator="children with a full-care episode open at 31 March", source=CLA_DFE)
def cla_at_31march(ctx: Context, period: Period) -> Measure:
    """Number of children looked after at 31 March (full time).

    Notes
    -----
    DfE definition ("Children looked after in England including adoptions"): children
    with an SSDA903 episode open at 31 March, short breaks (legal status V3/V4)
    excluded. Open means ``DECOM`` on or before 31 March and ``DEC`` blank or after it:
    a period of care ending on 31 March is not open at 31 March. Each child counts once.
    """
    return Measure(numerator=cla_on(ctx, period.end))


@indicator("cla_rate", numerator="children looked after at 31 March",
           denominator="children aged 0-17 (ONS mid-year)", source=CLA_DFE)
def cla_rate(ctx: Context, period: Period) -> Measure:
    """Children looked after at 31 March per 10,000 children aged 0-17.

    Notes
    -----
    Numerator: ``cla_at_31march``. Population: ONS mid-year estimate of the calendar year
    in which the reporting year starts (31 March 2017 uses mid-2016), the project's
    convention for every rate.
    """
    return Measure(numerator=cla_on(ctx, period.end), population=ctx.population(period))


# -- placement stability ----------------------------------------------------------------
def placements_in_year(ctx: Context, period: Period) -> pd.DataFrame:
    """The placements each child had during ``period`` as DfE's stability measure counts them:
    one row per counted episode (CHILD, DECOM, DEC, RNE, PLACE)."""
    eps = episodes(ctx)
    blank = pd.Series("", index=eps.index)
    urn = eps.get("URN", blank).fillna("").astype(str)
    post = eps.get("PL_POST", blank).fillna("").astype(str).str.replace(" ", "").str.upper()
    temporary = eps["PLACE"].isin(TEMPORARY_PLACEMENTS)
    pid = eps["period_id"]
    # the placement itself: type, provider URN and postcode
    place_key = (eps["PLACE"] + "|" + urn + "|" + post).where(~temporary)
    previous_place = place_key.groupby(pid).shift(1).groupby(pid).ffill()
    after_temporary = temporary.groupby(pid).shift(1, fill_value=False).astype(bool)
    back_to_same = after_temporary & (urn.ne("") | post.ne("")) & place_key.eq(previous_place)
    during = open_at(eps["DECOM"], eps["DEC"], period.start) | in_period(eps["DECOM"], period.start, period.end)
    candidate = during & eps["return_year"].eq(ctx.year.label) & ~temporary
    first_in_year = candidate & ~candidate.groupby(pid).cumsum().gt(1)
    counted = candidate & (first_in_year | (eps["RNE"].isin(NEW_CARER_RNE) & ~back_to_same))
    return eps.loc[counted, ["CHILD", "DECOM", "DEC", "RNE", "PLACE"]]


@indicator("cla_3plus_placements", numerator="children looked after at 31 March with 3 or more placements in the year",
           denominator="children looked after at 31 March", source=STABILITY)
def cla_3plus_placements(ctx: Context, period: Period) -> Measure:
    """Children looked after at 31 March with three or more placements during the year.

    Notes
    -----
    DfE stability measure (former NI 62): of the children in ``cla_at_31march``, those
    with three or more separate placements from 1 April to 31 March. Counted, per child,
    over full-care episodes open at some time in the year (open on 1 April, or starting
    in the year):

    * the placement open on 1 April counts (an episode that ended on 1 April was not
      open that day, so a move on 1 April counts once, as the new placement), and so
      does the first placement of each period of care starting in the year;
    * a later episode counts when its reason for new episode (RNE) is a change of
      carer: P (placement and carer), B (legal status and placement and carer) or S;
    * RNE L (legal status only) is not a new placement; nor are RNE T and U (change of
      placement with the *same* carer(s), e.g. foster carers approved as adopters),
      because DfE counts changes of carer: a child placed for adoption with their
      foster carer has not moved;
    * temporary placements (T0-T4) are not counted, and a return from one to the
      placement the child had before it (same PLACE, provider URN and postcode, with
      the URN or postcode recorded) is not a new placement either;
    * short breaks (V3/V4) are dropped before counting: when short breaks turn into
      full-time care, the first full-care episode starts the period of care and counts
      as one placement, whatever its RNE; the short-break placements do not count.

    Denominator = ``cla_at_31march``.
    """
    den = cla_on(ctx, period.end)
    placed = placements_in_year(ctx, period)
    per_child = placed.groupby("CHILD").agg(placements=("DECOM", "size"), first_placement=("DECOM", "min"),
                                            last_placement=("DECOM", "max"))
    num = den[["CHILD"]].merge(per_child, left_on="CHILD", right_index=True, how="inner")
    return Measure(numerator=num[num["placements"] >= 3].reset_index(drop=True), denominator=den)


# -- case closure after CLA / CPP -------------------------------------------------------
def cin_cases(ctx: Context) -> tuple[pd.DataFrame, pd.Timestamp]:
    """CIN cases (child_id, case_start, case_end) from the CIN episodes of this, earlier and,
    when present, the next year's census, and the census date of the latest one.

    A case is a run of CIN episodes of a child in which each referral starts on or before
    the day the previous episodes closed (a close-and-reopen on the same day is one case);
    ``case_end`` is NaT while the case is open at the latest census date.
    """
    eps = ctx.cin_history("cin_episodes")[["child_id", "referral_date", "closure_date"]]
    latest = ctx.year.end
    following = ctx.dataset.years.get(ctx.year.shift(1))
    if following is not None and following.cin is not None:
        nxt = following.cin["cin_episodes"][["child_id", "referral_date", "closure_date"]]
        eps = pd.concat([eps, nxt], ignore_index=True).drop_duplicates(["child_id", "referral_date"], keep="last")
        latest = ctx.year.shift(1).end
    eps = eps.dropna(subset=["referral_date"]).sort_values(["child_id", "referral_date"], kind="mergesort")
    eps = eps.reset_index(drop=True)
    close = eps["closure_date"].fillna(_FAR_FUTURE)
    reach = close.groupby(eps["child_id"]).cummax()
    prev_reach = reach.groupby(eps["child_id"]).shift(1)
    new_case = prev_reach.isna() | (eps["referral_date"] > prev_reach)
    case = new_case.cumsum()
    cases = eps.assign(close=close).groupby(case).agg(child_id=("child_id", "first"),
                                                     case_start=("referral_date", "min"), case_end=("close", "max"))
    cases["case_end"] = cases["case_end"].where(cases["case_end"].ne(_FAR_FUTURE))
    return cases.reset_index(drop=True), latest


def closed_within(ctx: Context, ended: pd.DataFrame, id_col: str, end_col: str,
                  what: tuple[str, str]) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Numerator, denominator and note of a "CIN case closed within 6 months of X ending" measure.

    ``ended`` holds one row per ended plan or period of care (child in ``id_col``, end date
    in ``end_col``). Each is matched to the CIN case open on its end date (a case closing that
    day included); rows without one, and rows whose window ends after the latest census
    date, leave the denominator and are counted in the note (``what``: the rows' name,
    singular and plural).
    """
    cases, latest = cin_cases(ctx)
    ended = ended.reset_index(drop=True).assign(_row=lambda d: range(len(d)))
    m = ended.merge(cases, left_on=id_col, right_on="child_id", how="inner", suffixes=("", "_cin"))
    m = m[(m["case_start"] <= m[end_col]) & (m["case_end"].isna() | (m["case_end"] >= m[end_col]))]
    m = m.sort_values(["_row", "case_start"], kind="mergesort").drop_duplicates("_row", keep="last")
    m = m.assign(window_end=add_months(m[end_col], CASE_CLOSURE_MONTHS))
    no_case = len(ended) - len(m)
    complete = m["window_end"] <= latest
    den = m[complete]
    num = den[den["case_end"].notna() & (den["case_end"] <= den["window_end"])]
    late = int((~complete).sum())
    notes = []
    if no_case:
        notes.append(f"{no_case} {what[no_case != 1]} with no CIN episode open at the end excluded")
    if late:
        notes.append(f"{late} {what[late != 1]} whose 6 months end after "
                     f"{latest.day} {latest.strftime('%B %Y')} excluded")
    cols = [c for c in ended.columns if c != "_row"] + ["case_start", "case_end", "window_end"]
    return num[cols].reset_index(drop=True), den[cols].reset_index(drop=True), "; ".join(notes)


@indicator("cin_closed_6m_after_cla",
           numerator="periods of care ended in the year whose CIN case closed within 6 months of the end",
           denominator="periods of care ended in the year with a CIN case open at the end and the 6 months elapsed",
           source=LOCAL_903_CIN)
def cin_closed_6m_after_cla(ctx: Context, period: Period) -> Measure:
    """Child in need cases closed within 6 months of a period of care ending.

    Notes
    -----
    Local measure. Denominator: periods of care (short breaks excluded) that ended in the
    year, each matched by child id (SSDA903 ``CHILD`` = CIN ``LAchildID``) to the CIN case
    open on the day care ended. Numerator: those whose case closed on or before the day
    6 calendar months after care ended (ended 31 August 2019: closed by 29 February 2020);
    a case closed on the day care ended counts.

    * A CIN case is a run of CIN episodes, a referral on or before the day the previous
      episode closed continuing it (a same-day close and reopen is not a closure). A
      re-referral *after* the case closed does not undo the closure: it counts as closed
      (re-referrals are measured by ``rereferrals_12m``).
    * Periods of care with no CIN episode open on the day care ended (no CIN record, or
      ids that do not match) are excluded from the denominator; the note gives how many.
    * Windows not complete: a period whose 6 months end after the latest CIN census date
      available (31 March of this year, or of the next year when its census is present)
      is excluded from the denominator, since its outcome is not yet known; the note says
      how many. Without the next year's census, only periods ending by 30 September count.
    * A child with two periods of care ending in the year counts twice.
    """
    ended = ends_in(ctx, period.start, period.end)
    num, den, note = closed_within(ctx, ended, "CHILD", "period_end", ("period of care", "periods of care"))
    return Measure(numerator=num, denominator=den, note=note)


@indicator("cin_closed_6m_after_cpp",
           numerator="CP plans ended in the year whose CIN case closed within 6 months of the plan end",
           denominator="CP plans ended in the year with a CIN case open at the end and the 6 months elapsed",
           source=LOCAL_CIN)
def cin_closed_6m_after_cpp(ctx: Context, period: Period) -> Measure:
    """Child in need cases closed within 6 months of a child protection plan ending.

    Notes
    -----
    Local measure. Denominator: child protection plans with ``CPPendDate`` in the year
    (this year's census), each matched to the child's CIN case open on the plan's end
    date. Numerator: those whose case closed on or before the day 6 calendar months
    after the plan ended; a case closed on the day the plan ended counts. Several plans
    of a child ending in the year count separately.

    * Re-referrals: a referral on or before the day the previous episode closed continues
      the case; a re-referral after the case closed does not undo the closure, so the
      plan counts as closed (re-referrals are measured by ``rereferrals_12m``). A new
      plan within the same open case leaves the case open.
    * Plans with no CIN episode open on their end date are excluded from the denominator
      (note gives how many).
    * Windows not complete: plans whose 6 months end after the latest CIN census date
      available (this year's 31 March, or the next year's when its census is present) are
      excluded from the denominator, with a note; without the next year's census only
      plans ending by 30 September count.
    """
    plans = ctx.cin("cp_plans")
    hit = in_period(plans["end_date"], period.start, period.end)
    ended = plans.loc[hit, ["child_id", "start_date", "end_date"]].drop_duplicates(["child_id", "start_date"])
    num, den, note = closed_within(ctx, ended, "child_id", "end_date", ("plan", "plans"))
    return Measure(numerator=num, denominator=den, note=note)


# -- quarterly flows --------------------------------------------------------------------
@indicator("cla_started_q", numerator="periods of care starting in the quarter", source=CLA_DFE)
def cla_started_q(ctx: Context, period: Period) -> Measure:
    """Children entering full-time care in the quarter.

    Notes
    -----
    Periods of care (short breaks excluded) whose first episode's ``DECOM`` falls in the
    calendar quarter; normally RNE S. When short breaks turn into full-time care, the
    period starts on the first full-care episode, whatever its RNE. A child starting
    twice in a quarter counts twice. An episode continuing a period (the previous one
    ended with REC X1 that day) is not a start; this year's return carries the episode
    open on 1 April, so this does not depend on earlier years' files being present.
    """
    return Measure(numerator=starts_in(ctx, period.start, period.end))


@indicator("cla_ceased_q", numerator="periods of care ending in the quarter", source=CLA_DFE)
def cla_ceased_q(ctx: Context, period: Period) -> Measure:
    """Children leaving full-time care in the quarter.

    Notes
    -----
    Periods of care (short breaks excluded) whose last episode ended in the calendar
    quarter with a reason other than X1. A period ending on 31 March ends in January to
    March (and the child is not looked after at 31 March). A full-care period whose last
    episode ends X1 into short breaks only stays open here (``common.care_episodes``).
    """
    return Measure(numerator=ends_in(ctx, period.start, period.end))


@indicator("cla_net_q", numerator="starts (+1) and ends (-1) of periods of care in the quarter", source=CLA_DFE)
def cla_net_q(ctx: Context, period: Period) -> Measure:
    """Net increase or decrease in children looked after in the quarter.

    Notes
    -----
    ``cla_started_q`` minus ``cla_ceased_q``. The value is the difference; the numerator
    lists the component records with ``sign`` +1 (started) or -1 (ceased), so its count
    is the number of records, not the net.
    """
    num, value = _signed([("started", 1, cla_started_q(ctx, period).numerator),
                          ("ceased", -1, cla_ceased_q(ctx, period).numerator)])
    return Measure(numerator=num, value=value)


@indicator("cla_started_pwp_q", numerator="periods of care starting in the quarter placed with parents (P1), not UASC",
           source=LOCAL_903)
def cla_started_pwp_q(ctx: Context, period: Period) -> Measure:
    """Children starting care in the quarter placed with parents.

    Notes
    -----
    Of ``cla_started_q``: periods whose first episode's placement is P1 (placed with
    parents) and whose child was not UASC on the day care started (see
    ``cla_started_uasc_q``). A UASC child placed with parents is adjusted for once, as
    UASC, so the two adjustments never overlap. Needs the UASC table.
    """
    s = starts_in(ctx, period.start, period.end)
    pwp = s["start_place"].eq("P1") & ~uasc_on(ctx, s["CHILD"], s["period_start"])
    return Measure(numerator=s[pwp].reset_index(drop=True))


@indicator("cla_started_uasc_q", numerator="periods of care starting in the quarter of children who were UASC",
           source=LOCAL_903)
def cla_started_uasc_q(ctx: Context, period: Period) -> Measure:
    """Unaccompanied asylum-seeking children starting care in the quarter.

    Notes
    -----
    Of ``cla_started_q``: periods whose child was UASC on the day care started. A child is
    UASC when listed in the SSDA903 UASC table (this, an earlier or the next year's) and
    ``DUC`` (date UASC status ceased) is blank or after the start. Counted as periods, like
    ``cla_started_q``, so that the adjustment removes exactly the UASC starts. Not
    available without a UASC table.
    """
    return Measure(numerator=uasc_starts_in(ctx, period.start, period.end))


@indicator("cla_adjusted_net_q", numerator="starts (+1), ends, PwP and UASC starts (-1) in the quarter",
           source=LOCAL_903)
def cla_adjusted_net_q(ctx: Context, period: Period) -> Measure:
    """Net change in children looked after, adjusted for placed with parents and UASC.

    Notes
    -----
    ``cla_net_q`` minus ``cla_started_pwp_q`` minus ``cla_started_uasc_q``. The value is
    that difference; the numerator lists the component records with their ``sign``.
    """
    num, value = _signed([("started", 1, cla_started_q(ctx, period).numerator),
                          ("ceased", -1, cla_ceased_q(ctx, period).numerator),
                          ("placed with parents", -1, cla_started_pwp_q(ctx, period).numerator),
                          ("UASC", -1, cla_started_uasc_q(ctx, period).numerator)])
    return Measure(numerator=num, value=value)


@indicator("cla_started", numerator="children starting a period of care in the year (first occasion)", source=CLA_DFE)
def cla_started(ctx: Context, period: Period) -> Measure:
    """Children who started to be looked after in the year.

    Notes
    -----
    DfE definition: children with a period of care (short breaks excluded) starting from
    1 April to 31 March, each counted once, on the first occasion in the year.
    """
    s = starts_in(ctx, period.start, period.end).sort_values(["CHILD", "period_start"], kind="mergesort")
    return Measure(numerator=s.drop_duplicates("CHILD", keep="first").reset_index(drop=True))
