"""Quality of practice (report 3.15-3.17): statutory complaints.

Source: the council's ``complaints.csv`` local extract (``ComplaintID``, ``ReceivedDate``,
``Stage``, ``FromChild``, ``ResponseDate``, ``ExtensionAgreed``; ISO dates,
``true``/``false``). There is no DfE collection behind these figures: the rules are the
statutory children's social care complaints procedure (the Children Act 1989
Representations Procedure (England) Regulations 2006), under which a stage one complaint
is answered within 10 working days, extendable to 20 working days.
"""

from __future__ import annotations

import pandas as pd

from reporting.conventions import in_period, within_working_days, working_days_after
from reporting.indicators.context import Context
from reporting.indicators.registry import Measure, indicator
from reporting.periods import Period

SOURCE = "Complaints local extract (complaints.csv); statutory complaints procedure (local rule)"
STAGE1_DAYS = 10  # working days for a stage one response
STAGE1_EXTENDED_DAYS = 20  # working days when an extension was agreed

COLUMNS = ["complaint_id", "received_date", "stage", "from_child", "response_date", "extension_agreed"]


def complaints_received(ctx: Context, period: Period) -> pd.DataFrame:
    """Complaints (one row per ``ComplaintID``) with ``ReceivedDate`` in the period; ``stage`` trimmed."""
    c = ctx.extract("complaints")
    hit = in_period(c["received_date"], period.start, period.end)
    out = c.loc[hit, COLUMNS].copy()
    out["stage"] = out["stage"].astype("string").str.strip().fillna("").astype(object)
    return out


def stage1_received(ctx: Context, period: Period) -> pd.DataFrame:
    c = complaints_received(ctx, period)
    return c[c["stage"].eq("1")]


@indicator("complaints_stage1", numerator="stage one complaints with ReceivedDate in the year", source=SOURCE)
def complaints_stage1(ctx: Context, period: Period) -> Measure:
    """Number of statutory stage one complaints received.

    Notes
    -----
    Local rule: every row of the complaints extract with ``Stage`` 1 and a
    ``ReceivedDate`` from 1 April to 31 March (both days included) counts once. Stage two
    and three complaints do not count here; a row with no or an unreadable
    ``ReceivedDate`` is reported by ``validate`` and does not count. When the extract is
    absent the figure is not available (never zero).
    """
    return Measure(numerator=stage1_received(ctx, period))


@indicator("complaints_stage1_timely",
           numerator="stage one complaints received in the year answered within 10 working days "
                     "(20 with an agreed extension)",
           denominator="stage one complaints received in the year", source=SOURCE)
def complaints_stage1_timely(ctx: Context, period: Period) -> Measure:
    """Stage one complaints responded to within timescales.

    Notes
    -----
    Local rule from the statutory procedure. Denominator: ``complaints_stage1`` (stage one
    complaints received in the year). Numerator: those whose ``ResponseDate`` is at most
    10 working days after ``ReceivedDate``, or at most 20 working days when
    ``ExtensionAgreed`` is true.

    Working days follow the project convention (``within_working_days``): the working
    days *after* the received date, up to and including the response date, are counted;
    Saturdays, Sundays and England and Wales bank holidays are not working days. A
    complaint received on Thursday 25 August 2016 and answered on Friday 9 September 2016
    took 10 working days (Monday 29 August was the summer bank holiday) and is in time;
    answered on Monday 12 September it took 11 and is late.

    Edge cases: a missing ``ExtensionAgreed`` means no extension; a complaint with no
    ``ResponseDate`` (not answered, or not recorded) stays in the denominator, as the
    catalogue defines it, and is not in time; the note gives how many there were and how
    many of them were still within their time limit at 31 March (fewer than 10, or 20
    with an extension, working days had passed), whose outcome the extract cannot yet
    show. A response dated before the complaint was received is a recording error and
    is not counted as in time. The period is the year the complaint was *received*, so
    a complaint received in March and answered in April counts in the year it was
    received.
    """
    c = stage1_received(ctx, period)
    extended = c["extension_agreed"].fillna(False).astype(bool)
    limit = extended.map({True: STAGE1_EXTENDED_DAYS, False: STAGE1_DAYS})
    wd = working_days_after(c["received_date"], c["response_date"])
    c = c.assign(working_days=wd, limit_working_days=limit)
    received, response = c["received_date"], c["response_date"]
    timely = (within_working_days(received, response, STAGE1_DAYS)
              | (extended & within_working_days(received, response, STAGE1_EXTENDED_DAYS)))
    timely &= (response >= received).fillna(False).astype(bool)
    no_response = response.isna()
    elapsed = working_days_after(received, pd.Series(period.end, index=c.index))
    pending = int((no_response & (elapsed < limit)).fillna(False).sum())
    note = ""
    if no_response.any():
        note = (f"{int(no_response.sum())} stage one complaint(s) with no ResponseDate counted as not within "
                f"timescales ({pending} still within the time limit at {period.end.day} "
                f"{period.end:%B %Y})")
    return Measure(numerator=c[timely], denominator=c, note=note)


@indicator("complaints_from_children", numerator="complaints received in the year with FromChild true",
           source=SOURCE)
def complaints_from_children(ctx: Context, period: Period) -> Measure:
    """Number of complaints made by children and young people.

    Notes
    -----
    Local rule: rows of the complaints extract with ``ReceivedDate`` in the year and
    ``FromChild`` true, at any stage (1, 2 or 3), each counting once. ``FromChild`` false
    or blank does not count (it is a required field; ``validate`` reports blanks).
    """
    c = complaints_received(ctx, period)
    return Measure(numerator=c[c["from_child"].fillna(False).astype(bool)])
