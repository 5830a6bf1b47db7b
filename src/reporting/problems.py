"""Problems found in the raw data, and the error that stops a command.

A problem is one line: file, location (line or XML path), field, value, rule, and
severity. Messages may name record ids and values: they go to the analyst's
terminal only, never into a report, notebook or log file.
"""

from __future__ import annotations

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
