"""Import every section module of this package so that its indicators register.

Infrastructure modules (registry, context, engine, this one) are skipped; every other
module here is a report section. Registry order is the catalogue's, not import order.
"""

from __future__ import annotations

import importlib
import pkgutil

import reporting.indicators as _pkg

INFRASTRUCTURE = {"registry", "context", "engine", "sections", "common"}
SECTION_MODULES = sorted(m.name for m in pkgutil.iter_modules(_pkg.__path__) if m.name not in INFRASTRUCTURE)

for _name in SECTION_MODULES:
    importlib.import_module(f"reporting.indicators.{_name}")
