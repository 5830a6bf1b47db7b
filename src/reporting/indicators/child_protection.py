"""Section 3.7 of the report: child protection plans and visits.

Sources: DfE CIN census ``ChildProtectionPlans`` module (``CPPstartDate``,
``CPPendDate``, ``InitialCategoryOfAbuse``, ``NumberOfPreviousCPP``); the local
``cp_visits`` extract for statutory visits. DfE publication: "Characteristics of
children in need", tables D1 (plans at 31 March, starting and ending), D2 (initial
category of abuse), D3 (second or subsequent plans) and D5 (plans at 31 March by
length of time), with the matching table of plans ending in the year by length of
time.

Which census is read: the census of a year carries every plan open at any time of
the year, with its own ``CPPstartDate``, so starts, ends, open plans and durations
come from this year's census alone (a plan started years ago still carries its start
date). Only the repeat-plan measures need the child's *earlier* plans, which come from
the combined history (``Context.cin_history``: one row per child and plan start,
latest census's version) and say so in the note when the history is too short.

Conventions (``DATA_CONTRACT.md``): a plan is open at 31 March when it started on or
before 31 March and has no end date or ends after it (a plan ending on 31 March is not
open); durations are in calendar months and years ("2 years or more" = on or after
the same day two years after the start; from 29 February the anniversary is 28
February).
"""

from __future__ import annotations

import pandas as pd

from reporting.conventions import add_months, add_years, in_period, open_at, overlaps
from reporting.indicators.context import Context
from reporting.indicators.registry import Measure, indicator
from reporting.periods import FIRST_YEAR, Period, ReportingYear
from reporting.schema.cin import TABLES

CIN_D = "DfE CIN census; Characteristics of children in need, table {}"
PLAN_COLUMNS = ["child_id", "plan_id", "start_date", "end_date", "initial_category", "previous_plans"]
CATEGORIES = {"neglect": "NEG", "physical": "PHY", "sexual": "SAB", "emotional": "EMO", "multiple": "MUL"}
DURATION_BANDS = ["3 months or less", "more than 3 to 6 months", "more than 6 months to less than 1 year",
                  "1 to less than 2 years", "2 years or more"]
VISIT_INTERVAL = pd.Timedelta(days=14)
# Earlier than any collection year: a history never reaches back to "ever".
BEFORE_ANY_CENSUS = ReportingYear(FIRST_YEAR - 1)


# -- building blocks ----------------------------------------------------------------------
def year_plans(ctx: Context) -> pd.DataFrame:
    """This year's census plans, one row per child and ``CPPstartDate`` (no start: dropped)."""
    plans = ctx.cin("cp_plans")[PLAN_COLUMNS]
    plans = plans[plans["start_date"].notna()]
    return plans.drop_duplicates(["child_id", "start_date"], keep="last")


def plans_starting(ctx: Context, period: Period) -> pd.DataFrame:
    """Plans with ``CPPstartDate`` in the period (a child with two plans counts twice)."""
    plans = year_plans(ctx)
    return plans[in_period(plans["start_date"], period.start, period.end)]


def plans_open_on(ctx: Context, day: pd.Timestamp) -> pd.DataFrame:
    """One row per child subject to a plan on ``day`` (the latest-starting plan if a child has
    two open at once, a recording error)."""
    plans = year_plans(ctx)
    open_ = plans[open_at(plans["start_date"], plans["end_date"], day)]
    return open_.sort_values(["child_id", "start_date"], kind="mergesort").drop_duplicates("child_id", keep="last")


def plan_history(ctx: Context) -> pd.DataFrame:
    """Every plan of the censuses up to this year (one row per child and start date), sorted, with
    the child's previous plan (``previous_start_date``, ``previous_end_date``): the plan of the
    same child with the latest ``CPPstartDate`` strictly before this one's."""
    hist = ctx.cin_history("cp_plans")
    if "child_id" not in hist.columns:  # no plans in any census
        hist = pd.DataFrame({c: ctx.cin("cp_plans")[c].iloc[:0] for c in TABLES["cp_plans"]})
    hist = hist.loc[hist["start_date"].notna(), ["child_id", "start_date", "end_date"]]
    hist = hist.sort_values(["child_id", "start_date"], kind="mergesort").reset_index(drop=True)
    grp = hist.groupby("child_id", sort=False)
    return hist.assign(previous_start_date=grp["start_date"].shift(1),
                       previous_end_date=grp["end_date"].shift(1))


def starts_with_previous(ctx: Context, period: Period) -> pd.DataFrame:
    """Plans starting in the period with the child's previous plan from the history."""
    starts = plans_starting(ctx, period)
    prev = plan_history(ctx)[["child_id", "start_date", "previous_start_date", "previous_end_date"]]
    return starts.merge(prev, on=["child_id", "start_date"], how="left")


def lasted(start: pd.Series, end: pd.Series | pd.Timestamp, years: int) -> pd.Series:
    """True where ``end`` is on or after the same day ``years`` calendar years after ``start``."""
    return end >= add_years(start, years)


# -- plans at 31 March -------------------------------------------------------------------------
@indicator("cpp_at_31march", numerator="children with a plan open at 31 March", source=CIN_D.format("D1"))
def cpp_at_31march(ctx: Context, period: Period) -> Measure:
    """Children subject to a child protection plan at 31 March.

    Notes
    -----
    DfE definition (table D1): children whose plan started on or before 31 March and has
    no ``CPPendDate`` or ends after 31 March. A plan ending on 31 March is not open; one
    starting on 31 March is. Children, not plans: a child recorded with two open plans
    counts once.
    """
    return Measure(numerator=plans_open_on(ctx, period.end)[["child_id", "start_date", "end_date"]])


@indicator("cpp_rate", numerator="children with a plan open at 31 March",
           denominator="children aged 0-17 (ONS mid-year)", source=CIN_D.format("D1"))
def cpp_rate(ctx: Context, period: Period) -> Measure:
    """Children subject to a plan at 31 March per 10,000 children aged 0-17.

    Notes
    -----
    Numerator: ``cpp_at_31march``. Population: ONS mid-year estimate of the calendar year
    in which the reporting year starts (31 March 2017 uses mid-2016), as DfE does.
    """
    return Measure(numerator=cpp_at_31march(ctx, period).numerator, population=ctx.population(period))


@indicator("cpp_open_2yrs_plus", numerator="plans open at 31 March that had lasted 2 years or more",
           denominator="plans open at 31 March", source=CIN_D.format("D5"))
def cpp_open_2yrs_plus(ctx: Context, period: Period) -> Measure:
    """Plans open at 31 March that had lasted 2 years or more.

    Notes
    -----
    DfE table D5, band "2 years and over": of the plans open at 31 March (one per child,
    as ``cpp_at_31march``), those where 31 March is on or after the same day two calendar
    years after ``CPPstartDate`` - a plan started 31 March 2015 counts at 31 March 2017,
    one started 1 April 2015 does not; a plan started 29 Feb 2016 reaches 2 years on
    28 Feb 2018.
    """
    day = period.end
    open_ = plans_open_on(ctx, day)[["child_id", "start_date", "end_date"]]
    return Measure(numerator=open_[lasted(open_["start_date"], day, 2)], denominator=open_)


@indicator("cpp_by_duration", numerator="children with a plan open at 31 March, by time since the plan started",
           source=CIN_D.format("D5"))
def cpp_by_duration(ctx: Context, period: Period) -> list[Measure]:
    """Plans open at 31 March by length of time since the start, as DfE table D5.

    Notes
    -----
    Plans open at 31 March (one per child, as ``cpp_at_31march``; the five counts add up
    to it). With ``S`` = ``CPPstartDate``, ``D`` = 31 March and calendar months
    (``S + 3 months`` of 30 Nov is 28/29 Feb):

    * "3 months or less": ``D <= S + 3 months`` (includes a plan starting on 31 March);
    * "more than 3 to 6 months": ``S + 3 months < D <= S + 6 months``;
    * "more than 6 months to less than 1 year": ``S + 6 months < D < S + 1 year``;
    * "1 to less than 2 years": ``S + 1 year <= D < S + 2 years``;
    * "2 years or more": ``D >= S + 2 years`` (as ``cpp_open_2yrs_plus``).

    So at 31 March 2017 a plan started 31 Dec 2016 is "3 months or less", one started
    30 Dec 2016 "more than 3 to 6 months", one started 1 Oct 2016 still "more than 3 to
    6 months" but one started 30 Sep 2016 (+ 6 months = 30 March) "more than 6 months to
    less than 1 year", and one started 31 March 2016 "1 to less than 2 years".
    """
    day = period.end
    open_ = plans_open_on(ctx, day)[["child_id", "start_date", "end_date"]]
    s = open_["start_date"]
    m3, m6 = add_months(s, 3), add_months(s, 6)
    y1, y2 = add_years(s, 1), add_years(s, 2)
    bands = [day <= m3, (day > m3) & (day <= m6), (day > m6) & (day < y1), (day >= y1) & (day < y2), day >= y2]
    return [Measure(numerator=open_[hit], breakdown=label) for label, hit in zip(DURATION_BANDS, bands, strict=True)]


# -- plans starting in the year -------------------------------------------------------------------
@indicator("cpp_starts", numerator="plans with CPPstartDate in the year", source=CIN_D.format("D1"))
def cpp_starts(ctx: Context, period: Period) -> Measure:
    """Child protection plans starting in the year.

    Notes
    -----
    DfE definition (table D1, "became the subject of a plan during the year"): plans whose
    ``CPPstartDate`` falls from 1 April to 31 March, both included. A child starting two
    plans in the year counts twice; a plan that starts and ends within the year counts.
    """
    return Measure(numerator=plans_starting(ctx, period)[["child_id", "start_date", "end_date",
                                                          "initial_category"]])


def _category_share(code: str):
    def compute(ctx: Context, period: Period) -> Measure:
        starts = plans_starting(ctx, period)[["child_id", "start_date", "initial_category"]]
        return Measure(numerator=starts[starts["initial_category"].eq(code)], denominator=starts)

    return compute


def _category_rate(code: str):
    def compute(ctx: Context, period: Period) -> Measure:
        starts = plans_starting(ctx, period)[["child_id", "start_date", "initial_category"]]
        return Measure(numerator=starts[starts["initial_category"].eq(code)], population=ctx.population(period))

    return compute


for _name, _code in CATEGORIES.items():
    _share = _category_share(_code)
    _share.__name__ = f"cpp_starts_{_name}"
    _share.__doc__ = (
        f"Share of the plans starting in the year whose initial category of abuse is {_code} ({_name}).\n\n"
        "Notes\n-----\nDfE table D2 (initial category of abuse). Numerator: plans with ``CPPstartDate`` in "
        f"the year and ``InitialCategoryOfAbuse`` {_code}; denominator: all plans starting in the year "
        "(``cpp_starts``), so plans with no category recorded count only in the denominator. Percent, 0-100."
    )
    indicator(f"cpp_starts_{_name}", numerator=f"plans starting in the year with initial category {_code}",
              denominator="plans starting in the year", source=CIN_D.format("D2"))(_share)
    _rate = _category_rate(_code)
    _rate.__name__ = f"cpp_rate_{_name}"
    _rate.__doc__ = (
        f"Plans starting in the year with initial category {_code} ({_name}) per 10,000 children aged 0-17.\n\n"
        "Notes\n-----\nNumerator as ``cpp_starts_" + _name + "``. Population: ONS mid-year estimate of the "
        "calendar year in which the reporting year starts (2016-17 uses mid-2016), as DfE does."
    )
    indicator(f"cpp_rate_{_name}", numerator=f"plans starting in the year with initial category {_code}",
              denominator="children aged 0-17 (ONS mid-year)", source=CIN_D.format("D2"))(_rate)


# -- plans ending in the year ---------------------------------------------------------------------
@indicator("cpp_ended_2yrs_plus", numerator="plans ending in the year that had lasted 2 years or more",
           denominator="plans with CPPendDate in the year",
           source="DfE CIN census; Characteristics of children in need, plans ending in the year by length of time")
def cpp_ended_2yrs_plus(ctx: Context, period: Period) -> Measure:
    """Plans ending in the year that had lasted 2 years or more.

    Notes
    -----
    DfE definition (plans ceasing during the year by length of time, band "2 years and
    over"): of the plans whose ``CPPendDate`` falls in the year, those whose end date is on
    or after the same day two calendar years after ``CPPstartDate`` (started 1 June 2014,
    ended 1 June 2016: exactly 2 years, counts; ended 31 May 2016: does not). A plan ending
    on 31 March ends in this year.
    """
    plans = year_plans(ctx)
    ended = plans.loc[in_period(plans["end_date"], period.start, period.end), ["child_id", "start_date", "end_date"]]
    return Measure(numerator=ended[lasted(ended["start_date"], ended["end_date"], 2)], denominator=ended)


# -- repeat plans -------------------------------------------------------------------------------------
@indicator("cpp_repeat",
           numerator="plans starting in the year for a child with an earlier plan in the censuses or "
                     "NumberOfPreviousCPP of 1 or more",
           denominator="plans starting in the year", source=CIN_D.format("D3"))
def cpp_repeat(ctx: Context, period: Period) -> Measure:
    """Plans starting in the year that were the child's second or subsequent plan.

    Notes
    -----
    DfE definition (table D3): a second or subsequent plan, however long ago the previous
    one was. A plan starting in the year counts when **either** (logical or, never added)

    * the combined history (this and every earlier census present) holds a plan of the
      same child with an earlier ``CPPstartDate`` - including an earlier plan in the same
      year, so a child's second plan of the year is a repeat; or
    * the year's specification carries ``NumberOfPreviousCPP`` (2013-14 on) and the plan's
      value is 1 or more (it also covers plans before the oldest census present, and
      plans in other authorities when the council records them).

    A plan with ``NumberOfPreviousCPP`` 0 but an earlier plan in the history counts (the
    history is evidence); a blank value falls back on the history alone. Note: when the
    year's census has no ``NumberOfPreviousCPP`` (2011-12, 2012-13), or some plans starting
    in the year leave it blank, earlier plans before the oldest census present cannot be
    seen and the note says so ("history before 2011-12 not available").
    """
    starts = starts_with_previous(ctx, period)
    previous = starts["previous_plans"]
    from_history = starts["previous_start_date"].notna()
    if ctx.cin_spec.previous_cpp:
        repeat = from_history | previous.fillna(0).ge(1).astype(bool)
        complete = bool(previous.notna().all())
    else:
        repeat = from_history
        complete = False
    note = "" if complete else ctx.history_note("cin", BEFORE_ANY_CENSUS)
    cols = ["child_id", "start_date", "end_date", "previous_start_date", "previous_end_date", "previous_plans"]
    return Measure(numerator=starts.loc[repeat, cols], denominator=starts[cols], note=note)


@indicator("cpp_repeat_2yrs",
           numerator="plans starting in the year on or before 2 years after the end of the child's previous plan",
           denominator="plans starting in the year", source=CIN_D.format("D3") + " (local: within 2 years)")
def cpp_repeat_2yrs(ctx: Context, period: Period) -> Measure:
    """Plans starting in the year within 2 years of the end of the child's previous plan.

    Notes
    -----
    The previous plan is the child's plan with the latest ``CPPstartDate`` before this
    plan's, from the combined history (this year's census included, so a second plan in
    the same year counts). The plan counts when its start is on or before the same day two
    calendar years after the previous plan's ``CPPendDate`` (ended 1 June 2014, new plan
    1 June 2016: counts; 2 June 2016: does not; ended 29 Feb 2016: up to 28 Feb 2018). A
    previous plan with no end date (still open, a recording error) does not make it count,
    and ``NumberOfPreviousCPP`` cannot help (it carries no dates). A previous plan ending
    as early as 1 April two years before the year started is in the census of that year,
    so when the censuses present do not reach back two years (2014-15 for 2016-17) the
    note says so.
    """
    starts = starts_with_previous(ctx, period)
    prev_end = starts["previous_end_date"]
    within = prev_end.notna() & (starts["start_date"] <= add_years(prev_end, 2))
    cols = ["child_id", "start_date", "end_date", "previous_start_date", "previous_end_date"]
    note = ctx.history_note("cin", ctx.year.shift(-2))
    return Measure(numerator=starts.loc[within, cols], denominator=starts[cols], note=note)


# -- statutory visits ----------------------------------------------------------------------------------
def visits_due(ctx: Context, period: Period) -> tuple[pd.DataFrame, int]:
    """One row per visit due in the period (see :func:`cp_visits_timely`), and the number of
    extract rows that matched no plan of this year's census."""
    visits = ctx.extract("cp_visits")
    plans = year_plans(ctx)[["child_id", "start_date", "end_date"]]
    plans = plans[overlaps(plans["start_date"], plans["end_date"], period.start, period.end)]
    v = visits[["child_id", "plan_start_date", "visit_date"]].rename(columns={"plan_start_date": "start_date"})
    v = v.dropna(subset=["start_date", "visit_date"])
    v = v.merge(plans, on=["child_id", "start_date"], how="left", indicator=True)
    unmatched = int(v["_merge"].eq("left_only").sum())
    v = v[v["_merge"].eq("both")].drop(columns="_merge")
    during = (v["visit_date"] >= v["start_date"]) & (v["end_date"].isna() | (v["visit_date"] <= v["end_date"]))
    v = v[during].drop_duplicates(["child_id", "start_date", "visit_date"])
    anchors = pd.concat([plans.assign(previous_date=plans["start_date"], order=0),
                         v.rename(columns={"visit_date": "previous_date"}).assign(order=1)], ignore_index=True)
    anchors = anchors.sort_values(["child_id", "start_date", "previous_date", "order"], kind="mergesort")
    grp = anchors.groupby(["child_id", "start_date"], sort=False)
    anchors = anchors.assign(due_date=anchors["previous_date"] + VISIT_INTERVAL,
                             visit_date=grp["previous_date"].shift(-1))
    # open on the due date, as ``open_at`` (a plan ending on the due date is not open)
    open_on_due = (anchors["start_date"] <= anchors["due_date"]) & (
        anchors["end_date"].isna() | (anchors["end_date"] > anchors["due_date"]))
    due = anchors[in_period(anchors["due_date"], period.start, period.end) & open_on_due]
    due = due.assign(timely=due["visit_date"].notna() & (due["visit_date"] <= due["due_date"]))
    due = due.rename(columns={"start_date": "plan_start_date", "end_date": "plan_end_date"})
    cols = ["child_id", "plan_start_date", "plan_end_date", "previous_date", "due_date", "visit_date", "timely"]
    return due[cols].reset_index(drop=True), unmatched


@indicator("cp_visits_timely", numerator="visits due in the year that took place within 14 days of the previous "
                                         "visit (or of the plan start)",
           denominator="visits due in the year (due date in the year while the plan was open)",
           source="cp_visits extract matched to CIN census plans (local measure)")
def cp_visits_timely(ctx: Context, period: Period) -> Measure:
    """Statutory child protection visits made within 14 days.

    Notes
    -----
    Local measure; unit: **visits due**. For each plan of this year's census (matched to
    the extract on ``LAchildID`` and ``CPPstartDate``), the plan start and every visit
    of the plan (visit dates on or after the start and on or before the plan end;
    duplicates of a day count once) each make exactly one next visit due 14 calendar days
    later. A due visit counts when its due date falls in the year and the plan is open on
    that day (a plan ending on or before the due date owes no visit). It is **timely**
    when the next visit of the plan took place on or before the due date (visit on day 14
    counts, day 15 does not). It is untimely when the next visit was later, or when no
    further visit took place before the plan ended or by the end of the extract - a
    missed visit. A gap of any length counts as one untimely visit (the late or missed
    one), not one per fortnight.

    Plans open on 1 April need their last visit before 1 April in the extract (its guide
    asks for it): the first due date of the year is worked out from it. Without it, the
    first visit of the year is judged against an earlier visit or the plan start, whose
    due date falls before the year, so it is not counted at all (never counted late by
    mistake). A plan of the census with no visit in the extract has its visits counted
    as missed. Extract rows that match no plan of the census cannot be placed (no end
    date) and are left out; the note gives their number. Needs both the extract and the
    CIN census; either absent makes the indicator not available.
    """
    due, unmatched = visits_due(ctx, period)
    note = f"{unmatched} visit(s) matched no plan in the CIN census and were left out" if unmatched else ""
    return Measure(numerator=due[due["timely"]], denominator=due, note=note)
