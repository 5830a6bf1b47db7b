"""DfE's published statistics: reader, council identity and benchmarking.

* :mod:`reporting.published.dfe` reads any file in DfE's standard (Explore education
  statistics) layout into a tidy long table, symbols read as not available.
* :mod:`reporting.published.councils` matches councils across years by code, follows
  reorganisations and resolves ``--la`` (slug, 3-digit or 9-character code).
* :mod:`reporting.published.benchmark` builds the council's trend against England, its
  region and comparable councils, its rank, charts and the ``benchmark.html`` section.

The files live in ``data/external/dfe/`` (see ``SOURCES.md`` there and
``docs/benchmarking.md``).
"""

from __future__ import annotations

from reporting.published.dfe import DfeFormatError, default_data_dir, read_dfe_csv

__all__ = ["DfeFormatError", "default_data_dir", "read_dfe_csv"]
