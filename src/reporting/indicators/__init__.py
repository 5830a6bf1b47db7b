"""Indicators, one module per section of the report.

``registry`` binds catalogue ids to functions; ``context`` gives the functions the
year's tables and their history; ``engine`` evaluates them and writes the tidy file.
"""

from __future__ import annotations
