"""Regenerate a council's annual children's safeguarding report from its statutory returns.

The package follows the pipeline: :mod:`reporting.schema` (what the DfE returns
contain, by collection year), :mod:`reporting.readers` (files to tidy tables),
:mod:`reporting.validation` (what is wrong with the files), :mod:`reporting.indicators`
(the figures, one module per report section) and the report assembly on top.
"""

from __future__ import annotations

__version__ = "0.1.0"
