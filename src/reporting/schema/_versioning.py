"""Apply yearly changes to a base specification."""

from __future__ import annotations

from typing import Any

from reporting.periods import ReportingYear


def apply_changes(base: dict[str, Any], changes: dict[str, dict[str, Any]], year: ReportingYear) -> dict[str, Any]:
    """Return ``base`` updated with every change whose collection year is ``year`` or earlier.

    A change value replaces the base value; for sets, a ``("+", {...})`` or ``("-", {...})``
    tuple adds or removes codes instead.
    """
    out = dict(base)
    for label in sorted(changes):
        if ReportingYear.parse(label) > year:
            break
        for key, value in changes[label].items():
            if key not in out:
                raise KeyError(f"schema change {label}: unknown key {key!r}")
            if isinstance(value, tuple) and value and value[0] in ("+", "-"):
                op, codes = value
                out[key] = (out[key] | frozenset(codes)) if op == "+" else (out[key] - frozenset(codes))
            else:
                out[key] = value
    return out
