"""The statutory schemas, in one place, versioned by collection year.

Each return has a *base* definition (the earliest collection year supported,
2011-12) and a list of yearly changes; ``cin_spec(year)``, ``ssda903_spec(year)``
apply the changes up to that year. Readers, validation, the synthetic generator and
the indicators take every element name, column name and code list from here.
"""

from __future__ import annotations

from reporting.schema.annex_a import CONTACTS_COLUMNS, CONTACTS_SHEET
from reporting.schema.cin import CinSpec, cin_spec
from reporting.schema.local import LOCAL_EXTRACTS, LocalExtract
from reporting.schema.ssda903 import Ssda903Spec, ssda903_spec

__all__ = [
    "CONTACTS_COLUMNS",
    "CONTACTS_SHEET",
    "CinSpec",
    "LOCAL_EXTRACTS",
    "LocalExtract",
    "Ssda903Spec",
    "cin_spec",
    "ssda903_spec",
]
