"""Sections 2.8-2.9 of the report: unaccompanied asylum-seeking children (UASC).

Source: DfE SSDA903 return, episodes and the UASC table. A child is UASC on a day when
listed in the UASC table of this, an earlier or the next year and ``DUC`` (date UASC
status ceased) is blank or after that day (:func:`reporting.indicators.common.uasc_on`).
Short breaks (V3/V4) are excluded as in every looked-after measure.
"""

from __future__ import annotations

from reporting.indicators.common import uasc_on
from reporting.indicators.context import Context
from reporting.indicators.looked_after import cla_on, uasc_starts_in
from reporting.indicators.registry import Measure, indicator
from reporting.periods import Period

UASC_903 = "DfE SSDA903, UASC table (local measure)"


@indicator("uasc_arrivals_m", numerator="periods of care starting in the month of children who were UASC",
           source=UASC_903)
def uasc_arrivals_m(ctx: Context, period: Period) -> Measure:
    """UASC arrivals in the month.

    Notes
    -----
    Periods of care (short breaks excluded) starting in the calendar month whose child
    was UASC on the day care started; the months add up to ``cla_started_uasc_q``.
    Counted as periods of care: a UASC child who left care and started again in the
    same month would count twice. Not available without a UASC table.
    """
    return Measure(numerator=uasc_starts_in(ctx, period.start, period.end))


@indicator("uasc_at_31march", numerator="children looked after at 31 March who were UASC that day", source=UASC_903)
def uasc_at_31march(ctx: Context, period: Period) -> Measure:
    """Unaccompanied asylum-seeking children looked after at 31 March.

    Notes
    -----
    Of ``cla_at_31march`` (an episode open at 31 March; one ending on 31 March is not
    open): children listed in a UASC table whose ``DUC`` is blank or after 31 March. All
    are under 18, since care ends at 18. Not available without a UASC table.
    """
    cla = cla_on(ctx, period.end)
    return Measure(numerator=cla[uasc_on(ctx, cla["CHILD"], period.end)].reset_index(drop=True))
