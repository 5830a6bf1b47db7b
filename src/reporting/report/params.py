"""The notebooks' parameters: reading the ``parameters`` cell and validating values.

papermill only warns about parameters a notebook does not declare and injects values of
any type; the build checks them first, and so does each notebook when it opens its
section, so a wrong name, type or value stops with one clear message.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from reporting.periods import ReportingYear, YearError

PARAMETERS_TAG = "parameters"
# name -> type; every notebook declares exactly these, with defaults, in one tagged cell.
PARAMETERS: dict[str, type] = {
    "la": str,
    "year": str,
    "indicators_dir": str,
    "raw_dir": str,
    "suppress_small": bool,
}


class ParameterError(ValueError):
    """A notebook parameter that is unknown, of the wrong type or malformed."""


@dataclass(frozen=True)
class Declared:
    """A parameter as declared in a notebook's ``parameters`` cell."""

    name: str
    type_name: str
    default: object


def parameters_cell(notebook: dict, name: str = "notebook") -> dict:
    """The one code cell tagged ``parameters``; ``ParameterError`` if there is not exactly one."""
    cells = [c for c in notebook.get("cells", [])
             if c.get("cell_type") == "code" and PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{name}: expected exactly one code cell tagged {PARAMETERS_TAG!r}, found {len(cells)}")
    return cells[0]


def declared(notebook_path: Path | str) -> dict[str, Declared]:
    """The parameters declared in a notebook (``name: type = default`` lines of its parameters cell)."""
    path = Path(notebook_path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = parameters_cell(nb, path.name)
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    out = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None):
            raise ParameterError(f"{path.name}: parameters cell line {node.lineno}: expected 'name: type = default'")
        out[node.target.id] = Declared(node.target.id, ast.unparse(node.annotation), ast.literal_eval(node.value))
    return out


def _check_slug(value: str) -> None:
    if not value or not all(ch.isalnum() or ch == "-" for ch in value) or value != value.lower():
        raise ParameterError(f"parameter la={value!r}: expected a lower-case council slug such as 'hampshire'")


def check_values(params: dict, *, check_paths: bool = True) -> dict:
    """Check parameter values against :data:`PARAMETERS` and their meaning; return them unchanged.

    Raises
    ------
    ParameterError
        Unknown names, wrong types, a malformed ``la`` or ``year``, or (with
        ``check_paths``) an ``indicators_dir`` without the year's ``indicators.csv``.
    """
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise ParameterError(f"unknown parameter(s) {', '.join(map(repr, unknown))}; "
                             f"the report notebooks take: {', '.join(PARAMETERS)}")
    for name, value in params.items():
        want = PARAMETERS[name]
        if type(value) is not want:
            raise ParameterError(f"parameter {name}={value!r}: expected {want.__name__}, got {type(value).__name__}")
    if "la" in params:
        _check_slug(params["la"])
    if "year" in params:
        try:
            ReportingYear.parse(params["year"])
        except YearError as exc:
            raise ParameterError(f"parameter year: {exc}") from None
    for name in ("indicators_dir", "raw_dir"):
        if name in params and not params[name].strip():
            raise ParameterError(f"parameter {name}: empty path")
    if check_paths and "indicators_dir" in params and "year" in params:
        label = ReportingYear.parse(params["year"]).label
        base = resolve_path(params["indicators_dir"], f"{label}/indicators.csv")
        if not (base / label / "indicators.csv").exists():
            raise ParameterError(f"parameter indicators_dir={params['indicators_dir']!r}: "
                                 f"{Path(params['indicators_dir']) / label / 'indicators.csv'} not found "
                                 "(run `reporting build`, which computes it)")
    return params


def resolve_path(path: str | Path, probe: str = "") -> Path:
    """A parameter path: as given when it exists (relative to the working folder), else the
    same relative path under the nearest parent folder where it exists.

    The build passes paths relative to the folder it runs in (the repository for ``make``);
    a notebook executed from elsewhere in the repository (``notebooks/``, or by nbval, which
    starts the kernel in the notebook's folder) still finds its data. Absolute paths are kept.
    """
    p = Path(path)
    if p.is_absolute() or (p / probe).exists():
        return p
    for parent in Path.cwd().parents:
        if (parent / p / probe).exists():
            return parent / p
    return p


def validate(notebook_path: Path | str, params: dict, *, check_paths: bool = True) -> dict:
    """Check ``params`` against the notebook's declared parameters and :func:`check_values`.

    Returns the parameters papermill will inject. Raises :class:`ParameterError` naming the
    notebook and the parameter.
    """
    path = Path(notebook_path)
    decl = declared(path)
    if set(decl) != set(PARAMETERS):
        raise ParameterError(f"{path.name}: declares {', '.join(decl)}; the report notebooks declare "
                             f"{', '.join(PARAMETERS)}")
    unknown = sorted(set(params) - set(decl))
    if unknown:
        raise ParameterError(f"{path.name}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
                             f"it takes: {', '.join(decl)}")
    for name, value in params.items():
        if type(value).__name__ != decl[name].type_name:
            raise ParameterError(f"{path.name}: parameter {name}={value!r}: expected {decl[name].type_name}, "
                                 f"got {type(value).__name__}")
    try:
        return check_values(params, check_paths=check_paths)
    except ParameterError as exc:
        raise ParameterError(f"{path.name}: {exc}") from None
