"""Information about the local authority area (the Ofsted area profile at 31 March).

Children in need (DfE CIN census; "Characteristics of children in need", table B1) and
children looked after (SSDA903; "Children looked after in England including adoptions"):
numbers at 31 March, placements and where they are, and children ceasing care.

Shared rules:

* **At 31 March**: open at 31 March means started on or before it and not ended, or ended
  after it; an episode that ends on 31 March is not open (``conventions.open_at``).
* **Short breaks** (legal status V3/V4) are dropped before any looked-after count
  (``common.care_episodes``); a child whose only care is short breaks is never counted.
* **CIN exclusions** (catalogue; DfE table B1): CIN episodes whose referral resulted in no
  further action (``ReferralNFA`` true) and episodes closed as assessed not in need
  (``ReasonForClosure`` RC8) are not episodes of need and count in no CIN figure here,
  at 31 March included.
"""

from __future__ import annotations

import pandas as pd

from reporting.conventions import in_period, open_at, overlaps
from reporting.indicators.common import care_episodes, looked_after_on, periods_of_care
from reporting.indicators.context import Context, Unavailable
from reporting.indicators.looked_after import episodes, this_return
from reporting.indicators.registry import Measure, indicator
from reporting.periods import Period, supported_years
from reporting.schema.ssda903 import PLACEMENT_GROUPS, ssda903_spec

CIN_B1 = "DfE CIN census; Characteristics of children in need, table B1"
CLA_SOURCE = "DfE SSDA903; Children looked after in England including adoptions"
CLA_PLACEMENT = CLA_SOURCE + " (placement type at 31 March); Ofsted area profile"
PLACEMENT_BREAKDOWNS = (*PLACEMENT_GROUPS, "other")
NOT_IN_NEED = "RC8"
OUTSIDE = "OUT"

CIN_COLUMNS = ["child_id", "episode_id", "referral_date", "closure_date", "closure_reason", "referral_nfa"]


# -- children in need ----------------------------------------------------------------------
def cin_episodes_of_need(ctx: Context) -> pd.DataFrame:
    """The year's census episodes less NFA referrals (``ReferralNFA`` true) and episodes closed RC8."""
    eps = ctx.cin("cin_episodes")
    nfa = eps["referral_nfa"].fillna(False).astype(bool)
    not_in_need = eps["closure_reason"].eq(NOT_IN_NEED)
    return eps.loc[~nfa & ~not_in_need, CIN_COLUMNS]


def _cin_open_at(ctx: Context, day: pd.Timestamp) -> pd.DataFrame:
    eps = cin_episodes_of_need(ctx)
    hit = eps[open_at(eps["referral_date"], eps["closure_date"], day)]
    return hit.sort_values(["child_id", "referral_date"], kind="mergesort").drop_duplicates("child_id", keep="last")


@indicator("cin_at_31march", numerator="children with a CIN episode of need open at 31 March", source=CIN_B1)
def cin_at_31march(ctx: Context, period: Period) -> Measure:
    """Children in need at 31 March.

    Notes
    -----
    DfE definition (table B1, "at 31 March"): children with a CIN episode open at 31 March
    (``CINreferralDate`` on or before 31 March; ``CINclosureDate`` absent or after it). An
    episode closed on 31 March is not open. The catalogue's "open CIN episode" is read
    with DfE's exclusions, as DfE's own 31 March count applies them: an episode whose
    referral resulted in no further action (``ReferralNFA`` true) or that was closed RC8
    (assessed not in need) is not an episode of need. In practice this matters for an NFA
    referral made on 31 March whose closure is not recorded. A child is counted once
    (episodes should not overlap; if they do, the latest referral is listed).
    """
    return Measure(numerator=_cin_open_at(ctx, period.end))


@indicator("cin_rate", numerator="children in need at 31 March (cin_at_31march)",
           denominator="children aged 0-17 (ONS mid-year)", source=CIN_B1)
def cin_rate(ctx: Context, period: Period) -> Measure:
    """Children in need at 31 March per 10,000 children aged 0-17.

    Notes
    -----
    Numerator: ``cin_at_31march``. Population: ONS mid-year estimate of the calendar year
    in which the reporting year starts (31 March 2017 uses mid-2016), as DfE does; not
    available when ``population.csv`` lacks that year.
    """
    return Measure(numerator=_cin_open_at(ctx, period.end), population=ctx.population(period))


@indicator("cin_any_point", numerator="children with a CIN episode of need open at any point in the year",
           source=CIN_B1)
def cin_any_point(ctx: Context, period: Period) -> Measure:
    """Children in need at any point in the year.

    Notes
    -----
    DfE definition (table B1, children at any point): distinct children with an episode
    open on at least one day from 1 April to 31 March: referred on or before 31 March and
    not closed before 1 April (an episode closed on 1 April was open that day). Excluded,
    as in the catalogue: episodes whose referral resulted in no further action
    (``ReferralNFA`` true) and episodes closed RC8 (assessed not in need). A child with
    two episodes in the year counts once (the earliest is listed).
    """
    eps = cin_episodes_of_need(ctx)
    hit = eps[overlaps(eps["referral_date"], eps["closure_date"], period.start, period.end)]
    hit = hit.sort_values(["child_id", "referral_date"], kind="mergesort").drop_duplicates("child_id")
    return Measure(numerator=hit)


@indicator("cin_started", numerator="CIN episodes of need with CINreferralDate in the year", source=CIN_B1)
def cin_started(ctx: Context, period: Period) -> Measure:
    """CIN episodes starting in the year.

    Notes
    -----
    DfE definition (table B1, episodes started): each ``CINdetails`` whose
    ``CINreferralDate`` is from 1 April to 31 March, excluding NFA referrals
    (``ReferralNFA`` true) and episodes closed RC8 (assessed not in need). Episodes, not
    children: a child with two episodes starting in the year counts twice.
    """
    eps = cin_episodes_of_need(ctx)
    return Measure(numerator=eps[in_period(eps["referral_date"], period.start, period.end)])


@indicator("cin_ended", numerator="CIN episodes of need with CINclosureDate in the year", source=CIN_B1)
def cin_ended(ctx: Context, period: Period) -> Measure:
    """CIN episodes ending in the year.

    Notes
    -----
    DfE definition (table B1, episodes ended): each ``CINdetails`` whose
    ``CINclosureDate`` is from 1 April to 31 March (an episode closed on 31 March ended in
    the year and is not open at 31 March), with the same exclusions: NFA referrals and
    episodes closed RC8. Episodes, not children.
    """
    eps = cin_episodes_of_need(ctx)
    return Measure(numerator=eps[in_period(eps["closure_date"], period.start, period.end)])


# -- children looked after at 31 March: placements ----------------------------------------
PLACEMENT_COLUMNS = ["CHILD", "DECOM", "DEC", "LS", "PLACE", "placement_group", "PL_LOCATION", "period_start"]


def placements_at(ctx: Context, day: pd.Timestamp) -> pd.DataFrame:
    """One row per child looked after on ``day`` (short breaks excluded): the episode open that day,
    its placement group and ``PL_LOCATION`` (upper-cased; ``""`` when blank or the column is absent)."""
    eps = looked_after_on(this_return(ctx, episodes(ctx)), day).copy()
    eps["placement_group"] = eps["PLACE"].map(ctx.ssda903_spec.placement_group).astype(object)
    if "PL_LOCATION" in eps.columns:
        eps["PL_LOCATION"] = eps["PL_LOCATION"].astype("string").str.strip().str.upper().fillna("").astype(object)
    else:
        eps["PL_LOCATION"] = ""
    return eps[PLACEMENT_COLUMNS].reset_index(drop=True)


def _location_problem(ctx: Context, cla: pd.DataFrame) -> str:
    """Why placement location cannot be reported (``""`` when it can)."""
    if "PL_LOCATION" not in ctx.ssda903("episodes").columns:
        return "PL_LOCATION (placement inside/outside the authority) not in this year's SSDA903 episodes"
    if len(cla) and cla["PL_LOCATION"].eq("").all():
        return "PL_LOCATION blank for every child looked after at 31 March"
    return ""


def _blank_location_note(cla: pd.DataFrame) -> str:
    blank = int(cla["PL_LOCATION"].eq("").sum())
    return f"PL_LOCATION blank for {blank} child(ren), counted as not outside" if blank else ""


@indicator("cla_by_placement_type", numerator="children looked after at 31 March in the placement group",
           source=CLA_PLACEMENT)
def cla_by_placement_type(ctx: Context, period: Period) -> list[Measure]:
    """Children looked after at 31 March by placement type.

    Notes
    -----
    DfE SSDA903 placement at 31 March: children looked after at 31 March
    (``cla_at_31march``: short breaks V3/V4 excluded; an episode ending on 31 March is not
    open) by the ``PLACE`` of the episode open at 31 March, grouped as the Ofsted area
    profile does (``schema.ssda903.PLACEMENT_GROUPS``): foster (U1-U6, and Q1/Q2 before
    2015-16); residential homes, hostels and secure (K1, K2, H5, R1, P2); residential
    schools (S1); placed with parents (P1); other (every other code, e.g. placed for
    adoption, independent living, temporary placements). One measure per group; the
    groups add up to ``cla_at_31march``.
    """
    try:
        cla = placements_at(ctx, period.end)
    except Unavailable as exc:
        return [Measure.unavailable(str(exc), breakdown=b) for b in PLACEMENT_BREAKDOWNS]
    return [Measure(numerator=cla[cla["placement_group"].eq(b)], breakdown=b) for b in PLACEMENT_BREAKDOWNS]


@indicator("cla_placed_outside_la", numerator="children looked after at 31 March placed outside the authority "
                                              "(PL_LOCATION OUT)",
           denominator="children looked after at 31 March (cla_at_31march)", source=CLA_PLACEMENT)
def cla_placed_outside_la(ctx: Context, period: Period) -> Measure:
    """Children looked after living outside the local authority area.

    Notes
    -----
    Denominator: children looked after at 31 March (``cla_at_31march``; short breaks
    excluded; an episode ending on 31 March is not open). Numerator: those whose episode
    open at 31 March has ``PL_LOCATION`` OUT. ``PL_LOCATION`` is a local column beside
    the DfE SSDA903 fields (DfE derives the location from postcodes); when the year's
    episodes do not carry it, or it is blank for every child, the figure is not available.
    A blank value for some children counts as not outside, and the note says how many.
    """
    cla = placements_at(ctx, period.end)
    problem = _location_problem(ctx, cla)
    if problem:
        return Measure.unavailable(problem)
    return Measure(numerator=cla[cla["PL_LOCATION"].eq(OUTSIDE)], denominator=cla, note=_blank_location_note(cla))


@indicator("cla_by_placement_type_outside",
           numerator="children looked after at 31 March in the placement group placed outside the authority",
           denominator="children looked after at 31 March in the placement group", source=CLA_PLACEMENT)
def cla_by_placement_type_outside(ctx: Context, period: Period) -> list[Measure]:
    """Share of each placement group living outside the authority.

    Notes
    -----
    For each group of ``cla_by_placement_type`` (breakdown): denominator = children
    looked after at 31 March in that group; numerator = those with ``PL_LOCATION`` OUT
    (blank counts as not outside, with a note). Not available (every group, with a note)
    when the year's SSDA903 episodes carry no ``PL_LOCATION`` column or it is blank for
    every child; a group with no children has no value ("denominator is zero").
    """
    try:
        cla = placements_at(ctx, period.end)
        problem = _location_problem(ctx, cla)
    except Unavailable as exc:
        problem = str(exc)
    if problem:
        return [Measure.unavailable(problem, breakdown=b) for b in PLACEMENT_BREAKDOWNS]
    out = []
    for b in PLACEMENT_BREAKDOWNS:
        grp = cla[cla["placement_group"].eq(b)]
        out.append(Measure(numerator=grp[grp["PL_LOCATION"].eq(OUTSIDE)], denominator=grp, breakdown=b,
                           note=_blank_location_note(grp)))
    return out


# -- children ceasing to be looked after -------------------------------------------------
CEASED_COLUMNS = ["CHILD", "period_start", "period_end", "end_rec"]


def ceased_in(ctx: Context, period: Period) -> pd.DataFrame:
    """Children whose period of care (short breaks excluded) ended in the period, once each, on the
    last occasion: CHILD, period_start, period_end, end_rec (the REC that ended it)."""
    pocs = periods_of_care(care_episodes(ctx))
    ended = pocs[in_period(pocs["period_end"], period.start, period.end)]
    ended = ended.sort_values(["CHILD", "period_end", "period_start"], kind="mergesort")
    return ended.drop_duplicates("CHILD", keep="last")[CEASED_COLUMNS].reset_index(drop=True)


def sgo_codes(ctx: Context) -> frozenset[str]:
    """REC codes meaning a special guardianship order in the year: the year's ``sgo_codes``, plus any
    SGO code of another year that the year's code list still accepts (E43/E44 in 2016-17)."""
    spec = ctx.ssda903_spec
    every = frozenset().union(*(ssda903_spec(y).sgo_codes for y in supported_years()))
    return spec.sgo_codes | (every & spec.reason_ceased_codes)


@indicator("cla_ceased", numerator="children whose period of care ended in the year (last occasion)",
           source=CLA_SOURCE)
def cla_ceased(ctx: Context, period: Period) -> Measure:
    """Children who ceased to be looked after in the year.

    Notes
    -----
    DfE definition: children whose period of care ended from 1 April to 31 March (the
    last episode of the period has a ``DEC`` in the year and a ``REC`` other than X1),
    short breaks (V3/V4) excluded before periods of care are formed. A child who ceased
    more than once in the year counts once, on the last occasion (that occasion's date
    and reason are listed). A period ending on 31 March has ceased in the year.
    """
    return Measure(numerator=ceased_in(ctx, period))


@indicator("adoptions", numerator="children ceased in the year with REC E11 or E12 (last occasion)",
           source=CLA_SOURCE)
def adoptions(ctx: Context, period: Period) -> Measure:
    """Adoptions.

    Notes
    -----
    DfE definition: children who ceased to be looked after in the year (``cla_ceased``:
    short breaks excluded, last occasion) with reason ceased adopted, ``REC`` in the
    year's ``adoption_codes`` (E11 application unopposed, E12 application opposed).
    """
    c = ceased_in(ctx, period)
    return Measure(numerator=c[c["end_rec"].isin(ctx.ssda903_spec.adoption_codes)])


@indicator("sgos", numerator="children ceased in the year with an SGO REC code (last occasion)", source=CLA_SOURCE)
def sgos(ctx: Context, period: Period) -> Measure:
    """Special guardianship orders.

    Notes
    -----
    DfE definition: children who ceased to be looked after in the year (``cla_ceased``:
    short breaks excluded, last occasion) through a special guardianship order, ``REC``
    in the year's ``sgo_codes`` (E43/E44 up to 2015-16, E45/E46 from 2016-17). In a
    transition year whose code list still accepts the earlier codes (2016-17 accepts
    E43/E44), those count as well: they record the same order.
    """
    c = ceased_in(ctx, period)
    return Measure(numerator=c[c["end_rec"].isin(sgo_codes(ctx))])


@indicator("cla_ceased_independent", numerator="children ceased in the year with REC E5 or E6 (last occasion)",
           source=CLA_SOURCE)
def cla_ceased_independent(ctx: Context, period: Period) -> Measure:
    """Children who ceased to be looked after and moved to independent living.

    Notes
    -----
    DfE definition: children in ``cla_ceased`` (short breaks excluded, last occasion)
    whose ``REC`` is in the year's ``independent_living_codes`` (E5 supportive
    accommodation, E6 no formalised support).
    """
    c = ceased_in(ctx, period)
    return Measure(numerator=c[c["end_rec"].isin(ctx.ssda903_spec.independent_living_codes)])


def follow_up_end(ctx: Context) -> tuple[pd.Timestamp, str]:
    """The last day that returns to care are looked for, and the note saying so."""
    nxt = ctx.year.shift(1)
    data = ctx.dataset.years.get(nxt)
    if data is not None and data.ssda903 is not None:
        return nxt.end, f"returns followed up to {nxt.snapshot().label} ({nxt.label} SSDA903 return)"
    return ctx.year.end, (f"returns followed up only to {ctx.year.snapshot().label}: "
                          f"{nxt.label} SSDA903 return not loaded")


@indicator("cla_ceased_returned_pct",
           numerator="children in cla_ceased who started a new period of care after ceasing",
           denominator="children who ceased to be looked after in the year (cla_ceased)", source=CLA_SOURCE)
def cla_ceased_returned_pct(ctx: Context, period: Period) -> Measure:
    """Children who ceased to be looked after and then returned to care.

    Notes
    -----
    Local rule (the Ofsted area profile figure; DfE publishes no such measure).
    Denominator: ``cla_ceased`` (short breaks excluded; a child ceasing more than once
    counts once, on the last occasion). Numerator: those who started a new period of
    care (short breaks excluded, so a later short break is not a return) on or after
    the day that last period ended.

    Follow-up window: from the day of ceasing to the end of the data loaded, which is
    31 March of the *following* reporting year when its SSDA903 return is present
    (``care_episodes(ctx, include_following=True)``), otherwise 31 March of the year
    itself. The window is therefore 12 to 24 months long with the following year, and
    can be a single day for a child ceasing on 31 March without it; the note always
    says where follow-up ended. A child who ceased, returned and ceased again in the
    same year is judged on the last ceasing.
    """
    ceased = ceased_in(ctx, period)
    end, note = follow_up_end(ctx)
    later = periods_of_care(care_episodes(ctx, include_following=True))
    later = later.loc[later["period_start"] <= end, ["CHILD", "period_start"]]
    later = later.rename(columns={"period_start": "returned_on"})
    m = ceased.merge(later, on="CHILD", how="inner")
    m = m[(m["returned_on"] >= m["period_end"]) & (m["returned_on"] > m["period_start"])]
    m = m.sort_values(["CHILD", "returned_on"], kind="mergesort").drop_duplicates("CHILD")
    return Measure(numerator=m.reset_index(drop=True), denominator=ceased, note=note)
