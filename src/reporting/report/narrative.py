"""Computed sentences for each section, in the manner of the published report's paragraphs.

Every number in a sentence is computed here from the indicator figures (never typed):
year-on-year changes in contacts and referrals (001 paragraph 3.3), the rise in
children looked after with and without the unaccompanied asylum-seeking children who
arrived in the year (3.11), the change in children looked after without UASC and
children placed with parents (3.12), and so on. Figures are taken as printed (rounded,
and suppressed when small-number suppression is on); a sentence whose figures are not
available or are suppressed is left out rather than guessed.
"""

from __future__ import annotations

import pandas as pd

from reporting.conventions import round_half_away
from reporting.periods import ReportingYear, quarter
from reporting.report.tables import VALUE, IndicatorSet, present_cell


class _Missing(Exception):
    """A figure a sentence needs is not available or is suppressed."""


class Figures:
    """Printed values of a report year's figures for sentences.

    Parameters
    ----------
    figures : IndicatorSet
    year : ReportingYear or str
    suppress_small : bool
    """

    def __init__(self, figures: IndicatorSet, year: ReportingYear | str, suppress_small: bool = False):
        self.figures = figures
        self.year = ReportingYear.parse(year)
        self.suppress = suppress_small

    def at(self, indicator: str, period_label: str, breakdown: str = "") -> float | int:
        """The printed value; raises :class:`_Missing` when not available or suppressed."""
        _, v = present_cell(self.figures.get(indicator, period_label, breakdown), VALUE, self.suppress)
        if v is None or isinstance(v, str):
            raise _Missing(indicator)
        return v

    def annual(self, indicator: str, year: ReportingYear | None = None) -> float | int:
        from reporting.indicators.registry import catalogue

        y = year or self.year
        kind = catalogue()[indicator].period
        return self.at(indicator, y.snapshot().label if kind == "snapshot" else y.label)

    def previous(self, indicator: str) -> float | int:
        return self.annual(indicator, self.year.shift(-1))


# -- wording -------------------------------------------------------------------------------
def number(n: float | int) -> str:
    """A count with thousands separators: ``87235 -> "87,235"``."""
    return f"{int(n):,}"


def percent(v: float) -> str:
    """A percentage as printed: ``"11.9%"``."""
    return f"{round_half_away(v, 1):.1f}%"


def pct_change(old: float, new: float) -> float:
    """Percentage change from ``old`` to ``new`` (unrounded); ``_Missing`` when ``old`` is zero."""
    if not old:
        raise _Missing("zero base")
    return 100.0 * (new - old) / old


def higher_lower(change: float) -> str:
    """``"11.9% higher than"`` / ``"2.0% lower than"`` / ``"the same as"``."""
    r = round_half_away(change, 1)
    if r == 0:
        return "the same as"
    return f"{abs(r):.1f}% {'higher' if r > 0 else 'lower'} than"


def rose_fell(change: float, unit: str = "") -> str:
    """``"rose by 135"`` / ``"fell by 25"`` / ``"did not change"``."""
    if change == 0:
        return "did not change"
    return f"{'rose' if change > 0 else 'fell'} by {number(abs(change))}{unit}"


def _try(fn) -> list[str]:
    try:
        out = fn()
    except _Missing:
        return []
    return [out] if isinstance(out, str) else list(out)


def _date(y: ReportingYear) -> str:
    return y.snapshot().label


# -- sentences by section ------------------------------------------------------------------
def contacts_referrals(f: Figures) -> list[str]:
    """001 paragraph 3.3: change in contacts and referrals; the largest referral sources."""
    y, p = f.year, f.year.shift(-1)

    def change() -> str:
        c0, c1 = f.previous("contacts"), f.annual("contacts")
        r0, r1 = f.previous("referrals"), f.annual("referrals")
        rc = round_half_away(pct_change(r0, r1), 1)
        growing = (f"growing by {abs(rc):.1f}%" if rc > 0 else f"falling by {abs(rc):.1f}%" if rc < 0
                   else "unchanged")
        return (f"The total number of contacts in {y.label} ({number(c1)}) is {higher_lower(pct_change(c0, c1))} "
                f"the total received in {p.label} ({number(c0)}), with the number of referrals {growing} "
                f"(from {number(r0)} to {number(r1)}).")

    def sources() -> str:
        from reporting.report.tables import row_label, table_spec

        spec = table_spec("referral_sources")
        shares = []
        for row in spec.rows:
            try:
                shares.append((f.annual(row.indicator), (row.short or row_label(row)).lower()))
            except _Missing:
                continue
        if len(shares) < 3:
            raise _Missing("referral sources")
        top = sorted(shares, key=lambda s: -s[0])[:3]
        return (f"The largest sources of referrals in {y.label} were {top[0][1]} ({percent(top[0][0])}), "
                f"followed by {top[1][1]} ({percent(top[1][0])}) and then {top[2][1]} ({percent(top[2][0])}).")

    return _try(change) + _try(sources)


def s47_assessments(f: Figures) -> list[str]:
    """001 paragraphs 3.5-3.6: S47 enquiries leading to a conference; assessment timeliness."""
    y, p = f.year, f.year.shift(-1)

    def icpc() -> str:
        v1, v0 = f.annual("s47_to_icpc"), f.previous("s47_to_icpc")
        return (f"In {y.label}, {percent(v1)} of section 47 enquiries led to an initial child protection "
                f"conference, compared with {percent(v0)} in {p.label}.")

    def cfa() -> str:
        v1, v0 = f.annual("cfa_timeliness"), f.previous("cfa_timeliness")
        return (f"{percent(v1)} of child and family assessments were completed within 45 working days "
                f"in {y.label} ({percent(v0)} in {p.label}).")

    return _try(icpc) + _try(cfa)


def child_protection(f: Figures) -> list[str]:
    """001 paragraph 3.8: children on a plan; neglect as the initial category."""
    y, p = f.year, f.year.shift(-1)

    def plans() -> str:
        n1, n0 = f.annual("cpp_at_31march"), f.previous("cpp_at_31march")
        return (f"At {_date(y)}, {number(n1)} children were subject to a child protection plan, "
                f"{higher_lower(pct_change(n0, n1))} a year earlier ({number(n0)}).")

    def neglect() -> str:
        v1, v0 = f.annual("cpp_starts_neglect"), f.previous("cpp_starts_neglect")
        return (f"Neglect was the initial category of abuse of {percent(v1)} of the plans that started in "
                f"{y.label} ({percent(v0)} in {p.label}).")

    return _try(plans) + _try(neglect)


def looked_after(f: Figures) -> list[str]:
    """001 paragraphs 3.11-3.12: the rise in children looked after with and without UASC; the
    change without UASC and children placed with parents since January."""
    y = f.year

    def rise() -> list[str]:
        n1, n0 = f.annual("cla_at_31march"), f.previous("cla_at_31march")
        change = n1 - n0
        out = [f"The number of children looked after {rose_fell(change)} "
               f"({percent(abs(pct_change(n0, n1)))}) over the 12 months to {_date(y)}, "
               f"from {number(n0)} to {number(n1)}."]
        arrivals = sum(f.at("uasc_arrivals_m", m.label) for m in y.months())
        without = change - arrivals
        out.append(f"Without the {number(arrivals)} unaccompanied asylum-seeking children (UASC) who arrived "
                   f"during the year, the number {rose_fell(without)} ({percent(abs(pct_change(n0, n0 + without)))}).")
        return out

    def adjusted() -> str:
        jan_last = [quarter(y.first, 1), *y.quarters(), quarter(y.first + 1, 4)]
        total = sum(f.at("cla_adjusted_net_q", q.label) for q in jan_last)
        this_cal = sum(f.at("cla_adjusted_net_q", q.label) for q in jan_last[-2:])
        return (f"Removing UASC and children placed with parents, the number of children looked after "
                f"{rose_fell(total)} since January {y.first} and {rose_fell(this_cal)} since January {y.first + 1} "
                f"(to the end of {jan_last[-1].label}).")

    return _try(rise) + _try(adjusted)


def missing_uasc(f: Figures) -> list[str]:
    """001 paragraphs 2.8-2.9 and 3.13: UASC arrivals and numbers; children missing from care."""
    y = f.year

    def arrivals() -> str:
        months = [(f.at("uasc_arrivals_m", m.label), m.label) for m in y.months()]
        total = sum(n for n, _ in months)
        quarters = [(f.at("cla_started_uasc_q", q.label), q.label) for q in y.quarters()]
        top = max(quarters, key=lambda q: q[0])
        return (f"{number(total)} unaccompanied asylum-seeking children arrived in {y.label}, the most in "
                f"{top[1]} ({number(top[0])}).")

    def at_end() -> str:
        return (f"At {_date(y)}, {number(f.annual('uasc_at_31march'))} unaccompanied asylum-seeking children "
                f"were looked after.")

    def missing() -> str:
        values = [f.at("cla_missing_pct_q", q.label) for q in y.quarters()]
        lo, hi = min(values), max(values)
        return (f"Each quarter from {y.quarters()[0].label} to {y.quarters()[-1].label}, between "
                f"{percent(lo)} and {percent(hi)} of looked after children went missing from care.")

    return _try(arrivals) + _try(at_end) + _try(missing)


def quality_inspections(f: Figures, inspections: pd.DataFrame | None = None) -> list[str]:
    """001 paragraphs 3.15-3.19: complaints answered in time, complaints from children, inspections."""
    y, p = f.year, f.year.shift(-1)

    def timely() -> str:
        n, v = f.annual("complaints_stage1"), f.annual("complaints_stage1_timely")
        v0 = f.previous("complaints_stage1_timely")
        return (f"In {y.label}, {percent(v)} of {number(n)} statutory stage one complaints were responded to "
                f"within the statutory timescales ({percent(v0)} in {p.label}).")

    def children() -> str:
        n1, n0 = f.annual("complaints_from_children"), f.previous("complaints_from_children")
        return (f"{number(n1)} complaints were received from children and young people in {y.label}, "
                f"compared with {number(n0)} in {p.label}.")

    def inspected() -> str:
        if inspections is None:
            raise _Missing("inspections")
        d = pd.to_datetime(inspections["inspection_date"])
        hit = inspections[(d >= y.start) & (d <= y.end)]
        if not len(hit):
            raise _Missing("inspections")
        good = int(hit["overall"].isin(["Good", "Outstanding"]).sum())
        n, homes = len(hit), hit["setting"].nunique()
        inspections_of = f"{number(n)} inspection{'s' if n != 1 else ''} of {number(homes)} of the council's homes"
        judged = (f"{number(good)} of the {number(n)} inspections judged the home good or outstanding overall"
                  if n != 1 else f"it judged the home {'good or outstanding' if good else 'less than good'} overall")
        return f"Ofsted made {inspections_of} in {y.label}; {judged}."

    return _try(timely) + _try(children) + _try(inspected)


def area_profile(f: Figures) -> list[str]:
    """004 'Information about this local authority area': children in need, looked after, leavers."""
    y = f.year

    def cla() -> str:
        n, rate = f.annual("cla_at_31march"), f.annual("cla_rate")
        share = f.annual("cla_placed_outside_la")
        return (f"At {_date(y)}, {number(n)} children were looked after by the council (a rate of "
                f"{round_half_away(rate, 1):.1f} per 10,000 children); {percent(share)} of them lived outside "
                f"the council's area.")

    def leavers() -> str:
        return (f"In {y.label} there were {number(f.annual('adoptions'))} adoptions and "
                f"{number(f.annual('sgos'))} special guardianship orders; {number(f.annual('cla_ceased'))} "
                f"children ceased to be looked after.")

    def cin() -> str:
        return (f"At {_date(y)}, {number(f.annual('cin_at_31march'))} children were in need, and "
                f"{number(f.annual('cpp_at_31march'))} were the subject of a child protection plan.")

    return _try(cin) + _try(cla) + _try(leavers)


def overview(f: Figures) -> list[str]:
    """The headline sentences: contacts and referrals, plans, children looked after, UASC."""
    return (contacts_referrals(f)[:1] + child_protection(f)[:1] + looked_after(f)[:2]
            + missing_uasc(f)[1:2])


def data_quality(summary: pd.DataFrame | None, year: ReportingYear | str) -> list[str]:
    """How many warnings validation found (counts only)."""
    y = ReportingYear.parse(year)
    if summary is None:
        return []
    n = int(summary["count"].astype(int).sum()) if len(summary) else 0
    files = summary["file"].nunique() if len(summary) else 0
    if not n:
        return [f"Validation of the {y.label} returns found no errors and no warnings."]
    return [f"Validation of the {y.label} returns found no errors and {number(n)} warning"
            f"{'s' if n != 1 else ''} in {number(files)} file{'s' if files != 1 else ''}; they do not stop "
            f"the report, and are counted below by file and rule."]


SENTENCES = {
    "overview": overview, "contacts_referrals": contacts_referrals, "s47_assessments": s47_assessments,
    "child_protection": child_protection, "looked_after": looked_after, "missing_uasc": missing_uasc,
    "quality_inspections": quality_inspections, "area_profile": area_profile,
}


def sentences(section_id: str, figures: IndicatorSet, year: ReportingYear | str, *, suppress_small: bool = False,
              inspections: pd.DataFrame | None = None, data_quality_summary: pd.DataFrame | None = None) -> list[str]:
    """The computed sentences of a section (empty where its figures are not available)."""
    if section_id == "data_quality":
        return data_quality(data_quality_summary, year)
    f = Figures(figures, year, suppress_small)
    if section_id == "quality_inspections":
        return quality_inspections(f, inspections)
    return SENTENCES[section_id](f)
