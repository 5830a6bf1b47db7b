"""Generate ``docs/indicators.md``, the indicator reference, from the registry.

Each entry shows the catalogue id, label, unit, period, the numerator and
denominator wording, the source, and the function's docstring (definition and edge
cases). ``reporting docs`` rewrites the file; a test checks the committed copy is
current, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import inspect

from reporting.indicators.registry import registry

SECTION_TITLES = {
    "contacts_referrals": "Contacts and referrals",
    "s47_assessments": "Section 47 enquiries and assessments",
    "child_protection": "Child protection plans",
    "looked_after": "Children looked after",
    "uasc": "Unaccompanied asylum-seeking children",
    "missing": "Missing children",
    "quality": "Complaints",
    "area_profile": "Area profile",
}


def render() -> str:
    lines = [
        "# Indicator reference",
        "",
        "Generated from the indicator registry by `reporting docs`; do not edit by hand.",
        "Ids are an interface (`spec/indicators.csv`). Conventions common to every figure",
        "(31 March snapshots, working days, calendar months, short breaks, population year,",
        "rounding) are in `src/reporting/conventions.py`; interpretations are in",
        "[assumptions.md](assumptions.md).",
        "",
    ]
    section = None
    for ind in registry().values():
        if ind.section != section:
            section = ind.section
            lines += [f"## {SECTION_TITLES.get(section, section)}", ""]
        doc = inspect.cleandoc(ind.func.__doc__ or "").strip()
        lines += [
            f"### `{ind.id}`: {ind.label}",
            "",
            f"- unit: {ind.unit}; period: {ind.period}; data: {ind.source_data}",
            f"- numerator: {ind.numerator}",
            f"- denominator: {ind.denominator or '-'}",
            f"- source: {ind.source}",
            f"- catalogue definition: {ind.definition}",
            f"- computed in: `{ind.module}.{ind.func.__name__}`",
            "",
        ]
        if doc:
            lines += ["```text", doc, "```", ""]
    return "\n".join(lines).rstrip() + "\n"
