"""Problems found in the raw data, and the error that stops a command.

A problem is one line: file, location (line or XML path), field, value, rule, and
severity. Messages may name record ids and values: they go to the analyst's
terminal only, never into a report, notebook or log file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file."""

    file: str
    location: str = ""
    field: str = ""
    value: str = ""
    rule: str = ""
    severity: str = ERROR
    code: str = ""  # DfE validation rule number where the check is one of DfE's

    def __str__(self) -> str:
        parts = [f"{self.severity}: {self.file}"]
        if self.location:
            parts[0] += f":{self.location}"
        if self.field:
            parts.append(f"field {self.field}")
        if self.value != "":
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            parts.append(f"value {shown!r}")
        rule = self.rule + (f" [DfE {self.code}]" if self.code else "")
        parts.append(rule)
        return ": ".join(parts)


# -- counting: one number for "how many problems" ------------------------------------------------
# ``validate`` prints at most CAP lines per file, field and rule and one summary line for the rest
# (reporting.validation._common.report); the summary line is written and read back here only.
_MORE = "{n} more value(s) break this rule (not shown): {rule}"
_MORE_RE = re.compile(r"^(\d+) more value\(s\) break this rule \(not shown\): (.*)$", re.DOTALL)


def more_rule(n: int, rule: str) -> str:
    """The rule of the summary line standing for ``n`` further records that break ``rule``."""
    return _MORE.format(n=n, rule=rule)


def flagged(p: Problem) -> tuple[int, str]:
    """How many records a problem line stands for, and the rule they break: ``(1, p.rule)``, or for
    a summary line (:func:`more_rule`) the records it counts and the rule without the count."""
    m = _MORE_RE.match(p.rule)
    return (int(m.group(1)), m.group(2)) if m else (1, p.rule)


def tally(problems: Iterable[Problem]) -> dict[str, tuple[int, int]]:
    """Per severity, ``(records flagged, lines shown for them)``; summary lines are not "shown".

    Records flagged are what the report's data-quality section counts
    (:func:`summarise`), so ``validate``'s total and the report's always agree.
    """
    out: dict[str, tuple[int, int]] = {ERROR: (0, 0), WARNING: (0, 0)}
    for p in set(problems):
        records, shown = out.get(p.severity, (0, 0))
        m = _MORE_RE.match(p.rule)
        out[p.severity] = (records + int(m.group(1)), shown) if m else (records + 1, shown + 1)
    return out


def count_text(problems: Iterable[Problem]) -> str:
    """``3 error(s), 230 warning(s) (50 shown)``: records flagged per severity, as ``validate`` ends."""
    t = tally(problems)
    parts = []
    for sev in (ERROR, WARNING):
        records, shown = t.get(sev, (0, 0))
        parts.append(f"{records} {sev}(s)" + (f" ({shown} shown)" if shown < records else ""))
    return ", ".join(parts)


def summarise(problems: Iterable[Problem], raw_name: str = "", severities: tuple[str, ...] = (WARNING,)
              ) -> list[dict]:
    """Records flagged per file, field, rule, DfE rule number and severity (no ids, values or lines):
    the report's data-quality table (``data_quality.csv``). ``raw_name`` (the raw folder's name)
    is dropped from the front of the file names."""
    counts: dict[tuple[str, str, str, str, str], int] = {}
    for p in set(problems):
        if p.severity not in severities:
            continue
        n, rule = flagged(p)
        file = p.file
        if raw_name and file.startswith(raw_name + "/"):
            file = file[len(raw_name) + 1:]
        key = (file, p.field, rule, p.code, p.severity)
        counts[key] = counts.get(key, 0) + n
    return [{"file": k[0], "field": k[1], "rule": k[2], "dfe_rule": k[3], "severity": k[4], "count": v}
            for k, v in sorted(counts.items())]


@dataclass
class InputError(Exception):
    """Raised when an input cannot be used at all; carries the problems that say why."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def display_path(path: Path | str, base: Path | None = None) -> str:
    """A path as shown in messages: relative to ``base`` when inside it."""
    path = Path(path)
    if base is not None:
        try:
            return str(path.relative_to(base))
        except ValueError:
            pass
    return str(path)
