"""Checks of the council-level configuration (``la.toml``) against DfE's published files.

* Each of ``la.toml``'s ``comparators`` names a council in DfE's published files
  (:func:`reporting.published.benchmark.load_directory`): a 3-digit DfE code, a slug or a
  9-character ONS code, as ``reporting benchmark --comparators`` takes them. An unknown
  code or slug is an error naming the closest councils: the report's benchmarking section
  would otherwise compare the council with something other than what was configured.
* No council is listed twice (``"886"`` and ``"kent"`` are the same council), and the
  council itself (``la_code``) is not listed: both are errors.
* When DfE's files cannot be read, the codes cannot be checked: one warning says so.

Unknown keys in ``la.toml`` (a misspelt ``comparitors``) are reported by the reader
(:func:`reporting.readers.la.read_la_toml`).
"""

from __future__ import annotations

from pathlib import Path

from reporting.problems import ERROR, WARNING, Problem, display_path
from reporting.readers import CouncilInputs, YearInputs, _shown


def _where(council: CouncilInputs) -> tuple[str, str]:
    """(file as shown, location of the ``comparators`` key)."""
    from reporting.readers.la import key_lines

    path = council.raw_dir / "la.toml"
    shown = _shown(path, council.raw_dir)
    try:
        loc = key_lines(path.read_text(encoding="utf-8")).get(("", "comparators"), "")
    except (OSError, UnicodeDecodeError):
        loc = ""
    return shown, loc


def check_comparators(council: CouncilInputs, inputs: YearInputs) -> list[Problem]:
    """``la.toml``'s comparators are councils in DfE's files, each once, not the council itself."""
    la = council.la
    if la is None or not la.comparators:
        return []
    from reporting.published.benchmark import load_directory
    from reporting.published.councils import UnknownCouncil
    from reporting.published.dfe import default_data_dir

    shown, loc = _where(council)
    folder = default_data_dir()
    try:
        directory = load_directory(folder)
    except (OSError, ValueError) as exc:
        return [Problem(shown, loc, "comparators", ", ".join(la.comparators),
                        f"not checked: DfE's published statistics could not be read ({exc}), so whether each "
                        "comparator is a council in DfE's files is unknown; the report's benchmarking section "
                        "needs those files too", WARNING)]
    own = la.la_code
    try:
        own_key = directory.resolve(own).key
    except UnknownCouncil:
        own_key = own
    out: list[Problem] = []
    seen: dict[str, str] = {}
    for item in la.comparators:
        try:
            c = directory.resolve(item)
        except UnknownCouncil:
            close = "; ".join(f"{c.key} ({c.name}, slug {c.slug})" for c in directory.closest(item))
            out.append(Problem(shown, loc, "comparators", item,
                               f"not a council in DfE's published files ({display_path(folder, Path.cwd())}): give a 3-digit DfE code, "
                               f"a council slug or an ONS code; closest: {close}", ERROR))
            continue
        if c.key == own_key:
            out.append(Problem(shown, loc, "comparators", item,
                               f"is the council itself ({c.name}, la_code {own}): a council is not its own "
                               "comparator; remove it", ERROR))
        elif c.key in seen:
            also = "" if seen[c.key] == item else f" (as {seen[c.key]!r})"
            out.append(Problem(shown, loc, "comparators", item,
                               f"{c.name} ({c.key}) is listed more than once{also}: list each comparator once",
                               ERROR))
        else:
            seen[c.key] = item
    return out


CHECKS = [check_comparators]
