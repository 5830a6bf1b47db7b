"""The annual report: tables, charts and sentences built from the tidy indicator files,
the parameterised notebooks that show them, and the build that assembles HTML, Word and
Excel outputs from the executed notebooks.

Modules
-------
tables
    Table specifications (data built from the indicator registry), the figures of each
    table for a year, and their presentation (rounding, ``n/a``, small-number suppression).
charts
    One deterministic, accessible chart per table, with alternative text generated from
    the figures.
narrative
    Computed sentences (year-on-year changes) in the style of the published report.
section
    What the notebooks call: show a section's sentences, tables and charts.
benchmarking
    The benchmarking section: DfE's published figures for the council against England,
    its region and comparators (``reporting.published.benchmark``) as tables, charts and
    sentences.
reconciliation
    The reconciliation section: each published figure of the year beside its recomputation,
    summary counts, and the contradictions of the published documents concerning the year.
published_cells
    Where each published figure is printed in the built report (table, row, period column,
    numerator / denominator / value), and whether the printed cell gives it.
golden
    The golden notebooks nbval checks (``tests/golden/``): their inputs, ``reporting golden``
    and its summary of what changed.
params
    The notebooks' parameters and their validation.
build
    ``reporting build``: validate, compute (cached), execute the notebooks with papermill,
    assemble ``report.html``, ``report.docx``, ``tables.xlsx``, charts and ``manifest.json``.

Only aggregates reach this package: it reads ``indicators.csv`` files (counts, numerators,
denominators and values) and DfE's published statistics, never record-level data.
"""
