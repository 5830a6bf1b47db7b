"""Section 3.2 of the report: contacts and referrals.

Sources: Annex A List 1 (contacts); DfE CIN census (referrals, ``CINdetails``).
DfE publication: "Characteristics of children in need", table C1 (referrals,
re-referrals, no further action, assessed not in need).
"""

from __future__ import annotations

import pandas as pd

from reporting.conventions import add_months, in_period
from reporting.indicators.context import Context
from reporting.indicators.registry import Measure, indicator
from reporting.periods import Period
from reporting.schema.cin import REFERRAL_SOURCE_GROUPS

CIN_C1 = "DfE CIN census; Characteristics of children in need, table C1"


def referrals_in(ctx: Context, period: Period) -> pd.DataFrame:
    """The year's census referrals (one row per ``CINdetails``) with ``CINreferralDate`` in the period."""
    eps = ctx.cin("cin_episodes")
    hit = in_period(eps["referral_date"], period.start, period.end)
    return eps.loc[hit, ["child_id", "episode_id", "referral_date", "referral_source", "referral_nfa",
                         "closure_date", "closure_reason"]]


@indicator("contacts", numerator="contacts with Date of Contact in the year", source="Annex A List 1 (local)")
def contacts(ctx: Context, period: Period) -> Measure:
    """Number of initial contacts.

    Notes
    -----
    Every Annex A List 1 row whose ``Date of Contact`` falls from 1 April to 31 March
    counts; a child with several contacts counts several times. Rows with no or an
    unreadable date are reported by ``validate`` and do not count.
    """
    c = ctx.contacts()
    hit = in_period(c["contact_date"], period.start, period.end)
    return Measure(numerator=c.loc[hit, ["child_id", "contact_date"]])


@indicator("referrals", numerator="CIN referrals with CINreferralDate in the year", source=CIN_C1)
def referrals(ctx: Context, period: Period) -> Measure:
    """Number of CIN referrals.

    Notes
    -----
    DfE definition: each ``CINdetails`` module whose ``CINreferralDate`` is in the year
    is a referral, including those with no further action; a child may have several.
    """
    return Measure(numerator=referrals_in(ctx, period))


def _source_share(codes: tuple[str, ...] | None):
    def compute(ctx: Context, period: Period) -> Measure:
        refs = referrals_in(ctx, period)
        hit = refs["referral_source"].isin(codes) if codes else refs["referral_source"].eq("")
        return Measure(numerator=refs[hit], denominator=refs)

    return compute


for _group, _codes in REFERRAL_SOURCE_GROUPS.items():
    _first, _last = _codes[0], _codes[-1]
    _span = _first if _first == _last else f"{_first}-{_last}"
    _fn = _source_share(_codes)
    _fn.__name__ = f"referral_source_{_group}"
    _fn.__doc__ = (
        f"Share of the year's referrals whose ReferralSource is {_span}.\n\n"
        "Notes\n-----\nNumerator: referrals in the year with that source; denominator: all referrals "
        "in the year (``referrals``). Percent, 0-100."
    )
    indicator(f"referral_source_{_group}", numerator=f"referrals in the year with ReferralSource {_span}",
              denominator="referrals in the year", source=CIN_C1.replace("table C1", "table C3"))(_fn)


@indicator("referral_source_not_recorded", numerator="referrals in the year with no ReferralSource",
           denominator="referrals in the year", source="DfE CIN census (local measure)")
def referral_source_not_recorded(ctx: Context, period: Period) -> Measure:
    """Share of the year's referrals with no ``ReferralSource`` recorded.

    Notes
    -----
    A blank or absent ``ReferralSource`` counts here; an unknown code is a validation error
    and counts in no group.
    """
    return _source_share(None)(ctx, period)


@indicator("rereferrals_12m", numerator="referrals in the year within 12 months of the child's previous referral",
           denominator="referrals in the year", source=CIN_C1)
def rereferrals_12m(ctx: Context, period: Period) -> Measure:
    """Re-referrals within 12 months.

    Notes
    -----
    DfE definition: a referral in the year counts when the same child had an earlier
    referral (strictly earlier ``CINreferralDate``, from this or any earlier year's
    census) and this referral is on or before the date 12 calendar months after that
    earlier one (within 12 months of 10 June 2015 = on or before 10 June 2016). Earlier
    referrals come from the combined history; when the censuses present do not reach
    back 12 months before the year start, the note says so, since re-referrals would
    be undercounted.
    """
    refs = referrals_in(ctx, period)
    hist = ctx.cin_history("cin_episodes")[["child_id", "referral_date"]].dropna()
    hist = hist.sort_values(["child_id", "referral_date"], kind="mergesort")
    # previous distinct referral date of the same child
    prev = hist.drop_duplicates()
    prev = prev.assign(previous_referral_date=prev.groupby("child_id")["referral_date"].shift(1))
    merged = refs.merge(prev, on=["child_id", "referral_date"], how="left")
    within = merged["previous_referral_date"].notna() & (
        merged["referral_date"] <= add_months(merged["previous_referral_date"], 12)
    )
    note = ctx.history_note("cin", ctx.year.shift(-1))
    return Measure(numerator=merged[within], denominator=refs, note=note)


@indicator("contact_conversion", numerator="referrals in the year", denominator="contacts in the year",
           source="Annex A List 1 and CIN census (local measure)")
def contact_conversion(ctx: Context, period: Period) -> Measure:
    """Contacts converted to referrals.

    Notes
    -----
    Local measure: referrals in the year divided by contacts in the year. The two are
    counted independently (Annex A contacts do not carry the CIN episode), so this is a
    ratio of volumes, not a tracked conversion of individual contacts.
    """
    return Measure(numerator=referrals_in(ctx, period), denominator=contacts(ctx, period).numerator)


@indicator("referral_rate", numerator="referrals in the year", denominator="children aged 0-17 (ONS mid-year)",
           source=CIN_C1)
def referral_rate(ctx: Context, period: Period) -> Measure:
    """Referrals per 10,000 children aged 0-17.

    Notes
    -----
    Population: ONS mid-year estimate of the calendar year in which the reporting year
    starts (2016-17 uses mid-2016), as DfE does.
    """
    return Measure(numerator=referrals_in(ctx, period), population=ctx.population(period))


@indicator("referrals_nfa", numerator="referrals in the year with ReferralNFA true",
           denominator="referrals in the year", source=CIN_C1)
def referrals_nfa(ctx: Context, period: Period) -> Measure:
    """Referrals resulting in no further action.

    Notes
    -----
    DfE definition: ``ReferralNFA`` true (``true`` or ``1``). A missing flag counts as not NFA.
    """
    refs = referrals_in(ctx, period)
    return Measure(numerator=refs[refs["referral_nfa"].fillna(False).astype(bool)], denominator=refs)


@indicator("referrals_not_in_need", numerator="referrals in the year whose episode closed with RC8",
           denominator="referrals in the year", source=CIN_C1)
def referrals_not_in_need(ctx: Context, period: Period) -> Measure:
    """Referrals assessed as not in need.

    Notes
    -----
    DfE definition: ``ReasonForClosure`` RC8 ("case closed after assessment, no further
    action"). An episode still open at the census date cannot yet count.
    """
    refs = referrals_in(ctx, period)
    return Measure(numerator=refs[refs["closure_reason"].eq("RC8")], denominator=refs)
