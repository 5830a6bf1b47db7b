"""Section 3.4 of the report: Section 47 enquiries, initial conferences and assessments.

Source: DfE CIN census. Section 47 enquiries and the initial child protection
conferences (ICPC) that arise from them come from the ``Section47`` module
(``S47ActualStartDate``, ``DateOfInitialCPC``): DfE records a conference arising
from an S47 there, so ``DateOfInitialCPC`` on ``CINdetails`` (a conference without
an S47 in the episode, e.g. a transfer-in) is not used. Assessments come from the
``Assessments`` module (single child and family assessments, 2013-14 on) and, before
the single assessment, the initial and core assessments (``kind`` ``initial`` /
``core``; 2011-12 to 2013-14, see ``docs/assumptions.md``).

Timeliness follows the conventions (``reporting.conventions``): working days exclude
Saturdays, Sundays and England and Wales bank holidays, and "within N working days"
means the working days *after* the start, up to and including the end date, number
at most N (start Friday 23 Dec 2016, end Tuesday 3 Jan 2017 = 4 working days:
26 and 27 Dec and 2 Jan 2017 are bank holidays). An end dated before its start is a
recording error (``reporting validate``) and never counts as timely.
"""

from __future__ import annotations

import pandas as pd

from reporting.conventions import in_period, working_days_after
from reporting.indicators.context import Context
from reporting.indicators.registry import Measure, indicator
from reporting.periods import Period

CIN_S47 = "DfE CIN census, Section47 module; Characteristics of children in need (section 47 enquiries and ICPCs)"
CIN_ASSESS = "DfE CIN census; Characteristics of children in need (assessments completed, working days)"

# Assessment kind -> timescale in working days from start to completion (authorisation).
TIMESCALES = {"initial": 10, "core": 35, "single": 45}


def _timely(start: pd.Series, end: pd.Series, limit: int) -> pd.Series:
    """True where ``end`` is on or after ``start`` and at most ``limit`` working days after it."""
    wd = working_days_after(start, end)
    return ((end >= start) & (wd <= limit)).fillna(False).astype(bool)


def s47_started_in(ctx: Context, period: Period) -> pd.DataFrame:
    """The year's census S47 enquiries (one row per ``Section47`` module) started in the period."""
    s47 = ctx.cin("s47")
    hit = in_period(s47["start_date"], period.start, period.end)
    return s47.loc[hit, ["child_id", "episode_id", "start_date", "icpc_date"]]


@indicator("s47_to_icpc", numerator="S47 enquiries started in the year with DateOfInitialCPC present",
           denominator="S47 enquiries started in the year", source=CIN_S47)
def s47_to_icpc(ctx: Context, period: Period) -> Measure:
    """Share of Section 47 enquiries that led to an initial child protection conference.

    Notes
    -----
    Denominator: every ``Section47`` module of the year's census whose
    ``S47ActualStartDate`` falls from 1 April to 31 March (both days included); a child
    with two enquiries counts twice. Numerator: those whose ``DateOfInitialCPC`` (on the
    same ``Section47`` module) is present in this year's census, whenever the
    conference was held: an enquiry started late in March whose conference is held
    after 31 March has no date yet in this census and does not count (as in DfE's own
    figures from the census of the year). ``ICPCnotRequired`` is not used: no
    conference date means no conference.
    """
    s47 = s47_started_in(ctx, period)
    return Measure(numerator=s47[s47["icpc_date"].notna()], denominator=s47)


@indicator("icpc_within_15wd", numerator="ICPCs held in the year within 15 working days of the S47 start",
           denominator="ICPCs held in the year (DateOfInitialCPC on a Section47 module)", source=CIN_S47)
def icpc_within_15wd(ctx: Context, period: Period) -> Measure:
    """Initial child protection conferences held within 15 working days of the S47 start.

    Notes
    -----
    DfE definition (timescale of *Working Together*): denominator = ``Section47`` modules
    of the year's census whose ``DateOfInitialCPC`` falls in the year (the S47 may have
    started in the previous year); numerator = those where the working days after
    ``S47ActualStartDate`` up to and including ``DateOfInitialCPC`` number at most 15.
    Working days exclude weekends and England and Wales bank holidays (e.g. for an S47
    starting Tuesday 20 Dec 2016 the ICPC is in time up to Friday 13 Jan 2017, since
    26 Dec, the substitute day 27 Dec 2016 and 2 Jan 2017 are skipped). An ICPC with no
    S47 start, or dated before it, is not timely.
    """
    s47 = ctx.cin("s47")
    held = s47.loc[in_period(s47["icpc_date"], period.start, period.end),
                   ["child_id", "episode_id", "start_date", "icpc_date"]]
    held = held.assign(working_days=working_days_after(held["start_date"], held["icpc_date"]))
    ok = _timely(held["start_date"], held["icpc_date"], 15)
    return Measure(numerator=held[ok], denominator=held)


def assessments_completed(ctx: Context, period: Period, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Assessments of ``kinds`` completed (authorised) in the period, with ``working_days`` and
    ``timely`` (within the kind's own timescale, :data:`TIMESCALES`)."""
    a = ctx.cin("assessments")
    hit = a["kind"].isin(kinds) & in_period(a["authorised_date"], period.start, period.end)
    done = a.loc[hit, ["child_id", "episode_id", "kind", "start_date", "authorised_date"]]
    limit = done["kind"].map(TIMESCALES)
    wd = working_days_after(done["start_date"], done["authorised_date"])
    timely = ((done["authorised_date"] >= done["start_date"]) & (wd <= limit.astype("Int64"))).fillna(False).astype(bool)
    return done.assign(working_days=wd, timescale=limit, timely=timely)


def _collected(ctx: Context, kind: str) -> bool:
    spec = ctx.cin_spec
    return spec.single_assessment if kind == "single" else spec.initial_core_assessments


def _kind_timeliness(ctx: Context, period: Period, kind: str) -> Measure:
    ctx.cin("assessments")  # an absent census is "source absent", whatever the year
    if not _collected(ctx, kind):
        return Measure.unavailable(f"not collected in {ctx.year.label}")
    done = assessments_completed(ctx, period, (kind,))
    return Measure(numerator=done[done["timely"]], denominator=done)


@indicator("initial_assessment_timeliness",
           numerator="initial assessments completed in the year within 10 working days of their start",
           denominator="initial assessments completed in the year", source=CIN_ASSESS)
def initial_assessment_timeliness(ctx: Context, period: Period) -> Measure:
    """Initial assessments completed within 10 working days.

    Notes
    -----
    Years before the single assessment only (2011-12 to 2013-14; 2013-14 is a transition
    year carrying both). Denominator: initial assessments (``kind`` ``initial``) whose
    completion date falls in the year; numerator: those completed at most 10 working
    days after their start. In a year whose census specification has no initial
    assessments (2014-15 on) the indicator is *not available* ("not collected in
    2016-17"; the report prints N/A), never zero.
    """
    return _kind_timeliness(ctx, period, "initial")


@indicator("core_assessment_timeliness",
           numerator="core assessments completed in the year within 35 working days of their start",
           denominator="core assessments completed in the year", source=CIN_ASSESS)
def core_assessment_timeliness(ctx: Context, period: Period) -> Measure:
    """Core assessments completed within 35 working days.

    Notes
    -----
    Years before the single assessment only (2011-12 to 2013-14). Denominator: core
    assessments (``kind`` ``core``) whose completion date falls in the year; numerator:
    those completed at most 35 working days after their start. Not available (not zero)
    from 2014-15, when core assessments were no longer collected.
    """
    return _kind_timeliness(ctx, period, "core")


@indicator("cfa_timeliness",
           numerator="single assessments authorised in the year within 45 working days of their start",
           denominator="single assessments authorised in the year", source=CIN_ASSESS)
def cfa_timeliness(ctx: Context, period: Period) -> Measure:
    """Child and family (single) assessments completed within 45 working days.

    Notes
    -----
    DfE definition: ``Assessments`` modules (``kind`` ``single``) whose
    ``AssessmentAuthorisationDate`` falls in the year; timely when the working days after
    ``AssessmentActualStartDate`` up to and including the authorisation date number at
    most 45 (*Working Together* 2013). Assessments not yet authorised do not count either
    way. Bank holidays inside the window extend it (an assessment started Friday 25 Nov 2016
    is in time up to Wednesday 1 Feb 2017: 26 and 27 Dec 2016 and 2 Jan 2017 are skipped).
    Not available (not zero) before 2013-14, when the single assessment did not exist.
    """
    return _kind_timeliness(ctx, period, "single")


@indicator("assessments_timeliness_total",
           numerator="assessments completed in the year within their own timescale (initial 10, core 35, "
                     "single 45 working days)",
           denominator="assessments of every kind completed in the year", source=CIN_ASSESS)
def assessments_timeliness_total(ctx: Context, period: Period) -> Measure:
    """All assessments completed within their own timescale.

    Notes
    -----
    Local total across the kinds the year's census carries: initial (10 working days),
    core (35) and single child and family assessments (45), each completed (authorised)
    in the year. An assessment counts in the numerator when it met its own kind's
    timescale. 2013-14 carries all three kinds; 2011-12 and 2012-13 initial and core;
    2014-15 on single assessments only (the total then equals ``cfa_timeliness``).
    """
    ctx.cin("assessments")
    kinds = tuple(k for k in TIMESCALES if _collected(ctx, k))
    done = assessments_completed(ctx, period, kinds)
    return Measure(numerator=done[done["timely"]], denominator=done)
