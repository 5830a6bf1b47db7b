"""Golden notebooks: the demo council's executed report notebooks, kept as references that
nbval re-executes and compares output by output (``make test``), and regenerated on
purpose with ``reporting golden`` (``make golden``), which prints what changed.

Layout, relative to the repository::

    tests/golden/<la>/<year>/<section>.ipynb    the references (tracked; synthetic data only)
    tests/golden/sanitize.cfg                   nbval's sanitize rules, each commented (tracked)
    tests/golden/.inputs/<la>/raw/              the demo council's raw returns    (generated,
    tests/golden/.inputs/<la>/processed/        indicators, validation summaries   gitignored)
                                                and reconciliation files
    tests/golden/.inputs/<la>/reports/<year>/   the reports ``reporting golden`` builds

The references' parameters are these relative paths (``indicators_dir:
tests/golden/.inputs/hampshire/processed``); nbval starts each kernel in the notebook's own
folder and the notebooks resolve a relative path by looking upwards
(:func:`reporting.report.params.resolve_path`), so the references run on any clone, and on
a scratch copy laid out the same way (the mutation tests).

:func:`ensure_inputs` writes the inputs deterministically when absent or stale: the demo
(``reporting demo``; regenerated when the demo's code changes, see :func:`demo_key`), then
what the notebooks read, with the build's own cached steps
(:func:`reporting.report.build.prepare_inputs`). :func:`regenerate` builds every demo
year's report from them and replaces the references; :func:`diff_trees` says what changed,
table cell by table cell.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from reporting.periods import ReportingYear

REPO_ROOT = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]
GOLDEN = Path("tests") / "golden"
INPUTS = GOLDEN / ".inputs"
SANITIZE_FILE = GOLDEN / "sanitize.cfg"
DEFAULT_LA = "hampshire"
FIRST_YEAR = "2012-13"  # the first year the demo's reports are kept for (the published report's first trend year)
# nbval as `make test` runs it (the Makefile's NBVAL variable says the same; a test checks they agree)
NBVAL_ARGS = ("--nbval", "--nbval-current-env", f"--nbval-sanitize-with={SANITIZE_FILE.as_posix()}")
# what the demo's raw files depend on: regenerated when any of these changes
DEMO_CODE = ("generate", "schema", "indicators", "data", "periods.py", "conventions.py", "published/figures.py")
DEMO_DATA = (Path("data") / "reference" / "published_figures.csv",)


def report_years() -> tuple[str, ...]:
    """The demo's report years (2012-13 to 2017-18)."""
    from reporting.generate.demo import DEMO_YEARS

    first = ReportingYear.parse(FIRST_YEAR)  # a demo may also write an earlier year, as history only
    return tuple(y.label for y in sorted(ReportingYear.parse(y) for y in DEMO_YEARS) if y >= first)


@dataclass(frozen=True)
class GoldenPaths:
    """Where the references and their inputs are, under ``root`` (the repository or a copy of its layout)."""

    root: Path
    la: str = DEFAULT_LA

    @property
    def references(self) -> Path:
        return self.root / GOLDEN / self.la

    @property
    def inputs(self) -> Path:
        return self.root / INPUTS / self.la

    @property
    def raw_rel(self) -> Path:
        return INPUTS / self.la / "raw"

    @property
    def processed_rel(self) -> Path:
        return INPUTS / self.la / "processed"

    @property
    def raw(self) -> Path:
        return self.root / self.raw_rel

    @property
    def processed(self) -> Path:
        return self.root / self.processed_rel

    @property
    def reports(self) -> Path:
        return self.inputs / "reports"

    @property
    def stamp(self) -> Path:
        return self.inputs / "raw.key"

    def notebooks(self) -> list[Path]:
        """The reference notebooks, by year then section."""
        return sorted(self.references.glob("*/*.ipynb"))


# -- inputs ---------------------------------------------------------------------------------------
def _sha_files(files: Sequence[Path], base: Path) -> str:
    from reporting.report.build import sha256_files

    return sha256_files(files, base, (".py", ".csv", ".toml", ".json"))


def demo_key(la: str = DEFAULT_LA, root: Path = REPO_ROOT) -> str:
    """sha256 of the code and reference data the demo council is generated from."""
    files = []
    for part in DEMO_CODE:
        p = PACKAGE_DIR / part
        files += [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()]
    code = _sha_files(files, PACKAGE_DIR)
    data = _sha_files([REPO_ROOT / d for d in DEMO_DATA if (REPO_ROOT / d).exists()], REPO_ROOT)
    return hashlib.sha256(f"{la}\0{code}\0{data}".encode()).hexdigest()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock (several pytest workers may ask for the inputs at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_demo(paths: GoldenPaths, key: str) -> None:
    from reporting.generate.demo import write_demo

    tmp = Path(tempfile.mkdtemp(prefix=".raw.tmp-", dir=paths.inputs))
    try:
        write_demo(paths.la, tmp / "raw")
        if paths.raw.exists():
            shutil.rmtree(paths.raw)
        (tmp / "raw").rename(paths.raw)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    paths.stamp.write_text(key + "\n", encoding="utf-8")


def tree_sha(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` by relative path."""
    from reporting.report.build import sha256_file

    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def build_options(paths: GoldenPaths, years: Sequence[str], *, jobs: int = 0, progress: bool = False,
                  relative: bool = False):
    """The build options of the golden reports (paths relative to ``paths.root`` when ``relative``)."""
    from reporting.report.build import BuildOptions

    base = Path() if relative else paths.root
    return [BuildOptions(paths.la, y, base / paths.raw_rel, base / INPUTS / paths.la / "reports" / y,
                         base / paths.processed_rel, jobs=jobs, progress=progress) for y in years]


def ensure_inputs(root: Path | str = REPO_ROOT, la: str = DEFAULT_LA, years: Sequence[str] | None = None, *,
                  jobs: int = 0, progress: bool = False, fresh_demo: bool = False) -> GoldenPaths:
    """Make sure the inputs of the golden notebooks exist under ``root`` and are current.

    The demo's raw data is written when absent or when :func:`demo_key` changed (with
    ``fresh_demo``, always regenerated and kept only if its bytes differ); then the
    validation summaries, indicators and reconciliation files the notebooks read are
    computed by the build's cached steps (only what is stale). Deterministic: the same code
    gives the same files. Safe to call from several processes at once.
    """
    paths = GoldenPaths(Path(root), la)
    years = list(years or report_years())
    with _locked(paths.root / INPUTS / ".lock"):
        paths.inputs.mkdir(parents=True, exist_ok=True)
        key = demo_key(la)
        current = paths.stamp.read_text(encoding="utf-8").strip() if paths.stamp.exists() else ""
        if fresh_demo and paths.raw.exists():
            old = tree_sha(paths.raw)
            _write_demo(paths, key)
            if progress:
                print("demo regenerated: " + ("unchanged" if tree_sha(paths.raw) == old else "changed"),
                      file=sys.stderr, flush=True)
        elif current != key or not paths.raw.is_dir():
            if progress:
                print(f"writing the {la} demo into {paths.raw_rel}", file=sys.stderr, flush=True)
            _write_demo(paths, key)
        from reporting.report.build import prepare_inputs

        prepare_inputs(build_options(paths, years, jobs=jobs, progress=progress))
    return paths


# -- regeneration -----------------------------------------------------------------------------------
@contextmanager
def working_folder(path: Path) -> Iterator[None]:
    """Run the enclosed block with ``path`` as the working folder (restored after)."""
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def regenerate(root: Path | str = REPO_ROOT, la: str = DEFAULT_LA, years: Sequence[str] | None = None, *,
               jobs: int = 0, progress: bool = True, write: bool = True) -> tuple[list[str], int]:
    """Build every demo year's report from fresh inputs and (with ``write``) replace the
    references by its executed notebooks. Returns the lines of :func:`diff_trees` (what
    changed against the references) and the number of notebooks that differ."""
    from reporting.report.build import build_many

    root = Path(root)
    years = list(years or report_years())
    paths = ensure_inputs(root, la, years, jobs=jobs, progress=progress, fresh_demo=True)
    with working_folder(root):  # parameters relative to the repository
        results = build_many(build_options(paths, years, jobs=jobs, progress=progress, relative=True))
    new = {f"{y}/{p.name}": p.read_text(encoding="utf-8")
           for y, r in zip(years, results, strict=True) for p in sorted((root / r.out_dir / "notebooks").glob("*.ipynb"))}
    old = {p.relative_to(paths.references).as_posix(): p.read_text(encoding="utf-8")
           for p in paths.notebooks() if p.parent.name in years}
    lines, changed = diff_trees(old, new)
    if write and changed:
        for name in sorted(set(old) - set(new)):
            (paths.references / name).unlink()
        for name, text in sorted(new.items()):
            target = paths.references / name
            if old.get(name) != text:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return lines, changed


# -- what changed ------------------------------------------------------------------------------------
@dataclass
class Block:
    """One block of a notebook's output: a table, a chart, the sentences, or other output."""

    kind: str  # table, chart, sentences, other
    title: str
    caption: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    items: tuple[str, ...] = ()  # sentences, or table notes
    definitions: tuple[tuple[str, str], ...] = ()
    body: str = ""  # the chart's SVG, or other output's text


class _BlockParser(HTMLParser):
    """Tables (caption, header, rows, notes, definitions), chart figures and sentences of the
    HTML the report's sections display (:mod:`reporting.report.html_report`)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict] = []
        self._stack: list[str] = []
        self._cur: dict | None = None
        self._cell: dict | None = None
        self._row: list | None = None
        self._text: list[str] | None = None
        self._where = ""
        self._svg_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "div" and "table-block" in cls.split():
            self._cur = {"kind": "table", "id": a.get("id", ""), "caption": "", "head": [], "body": [],
                         "notes": [], "defs": []}
            self.blocks.append(self._cur)
        elif tag == "figure" and "chart" in cls.split():
            self._cur = {"kind": "chart", "id": a.get("id", ""), "caption": "", "svg": []}
            self.blocks.append(self._cur)
        elif tag == "div" and "narrative" in cls.split():
            self._cur = {"kind": "sentences", "id": "sentences", "items": []}
            self.blocks.append(self._cur)
        elif self._cur is None:
            return
        if tag == "svg":
            self._svg_depth += 1
        if self._svg_depth:
            return
        if tag in ("thead", "tbody"):
            self._where = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = {"text": [], "colspan": int(a.get("colspan") or 1), "rowspan": int(a.get("rowspan") or 1)}
        elif tag in ("caption", "li", "p", "dt", "dd", "figcaption"):
            self._text = []

    def handle_endtag(self, tag):
        if self._cur is None:
            return
        if tag == "svg":
            self._svg_depth -= 1
            return
        if self._svg_depth:
            return
        text = " ".join("".join(self._text or []).split())
        if tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._cell["text"] = " ".join("".join(self._cell["text"]).split())
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._cur["head" if self._where == "thead" else "body"].append(self._row)
            self._row = None
        elif tag == "caption":
            self._cur["caption"] = text
        elif tag == "figcaption":
            self._cur["caption"] = text
        elif tag == "li" and self._cur["kind"] == "table":
            self._cur["notes"].append(text)
        elif tag == "p" and self._cur["kind"] == "sentences":
            self._cur["items"].append(text)
        elif tag == "p" and self._cur["kind"] == "table":
            self._cur["notes"].append(text)
        elif tag == "dt":
            self._cur["defs"].append([text, ""])
        elif tag == "dd" and self._cur.get("defs"):
            self._cur["defs"][-1][1] = text
        if tag in ("caption", "li", "p", "dt", "dd", "figcaption"):
            self._text = None

    def handle_data(self, data):
        if self._svg_depth:
            return
        if self._cell is not None:
            self._cell["text"].append(data)
        elif self._text is not None:
            self._text.append(data)


def _grid(rows: list[list[dict]]) -> list[list[str]]:
    """Header rows expanded by their row and column spans."""
    out: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        line: list[str] = []
        col = 0
        cells = iter(row)
        while True:
            if (r, col) in pending:
                line.append(pending.pop((r, col)))
                col += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            for k in range(cell["colspan"]):
                line.append(cell["text"])
                for down in range(1, cell["rowspan"]):
                    pending[(r + down, col + k)] = cell["text"]
            col += cell["colspan"]
        out.append(line)
    return out


def _blocks_of(html: str) -> list[Block]:
    p = _BlockParser()
    p.feed(html)
    p.close()
    out = []
    for b in p.blocks:
        if b["kind"] == "table":
            head = _grid(b["head"])
            width = max((len(h) for h in head), default=0)
            columns = []
            for j in range(1, width):
                parts = list(dict.fromkeys(h[j] for h in head if j < len(h) and h[j]))
                columns.append(" ".join(parts))
            rows, seen = [], {}
            for row in b["body"]:
                if len(row) == 1 and row[0]["colspan"] > 1:  # "None." of an empty table
                    continue
                label = row[0]["text"] if row else ""
                seen[label] = seen.get(label, 0) + 1
                key = label if seen[label] == 1 else f"{label} [{seen[label]}]"
                rows.append((key, tuple(c["text"] for c in row[1:])))
            out.append(Block("table", b["id"].removeprefix("table-"), b["caption"], tuple(columns), tuple(rows),
                             tuple(b["notes"]), tuple((d, t) for d, t in b["defs"])))
        elif b["kind"] == "chart":
            out.append(Block("chart", b["id"].removeprefix("figure-"), b["caption"]))
        else:
            out.append(Block("sentences", "sentences", items=tuple(b["items"])))
    return out


def html_tables(html: str) -> dict[str, Block]:
    """The tables of a page of the report (``report.html``, or a notebook's output), by table id:
    caption, columns (``"2016-17 Value"``, or the period alone when a table shows values only),
    rows as ``(label, cell texts)`` and notes."""
    return {b.title: b for b in _blocks_of(html) if b.kind == "table"}


def html_sentences(html: str) -> list[str]:
    """The computed sentences of a page of the report, in order."""
    return [s for b in _blocks_of(html) if b.kind == "sentences" for s in b.items]


def _svgs(html: str) -> list[str]:
    import re

    return re.findall(r"<svg.*?</svg>", html, re.S)


def notebook_blocks(text: str) -> dict[str, Block]:
    """The output blocks of an executed notebook, keyed ``<cell id>/<block>``."""
    nb = json.loads(text)
    out: dict[str, Block] = {}
    for cell in nb.get("cells", []):
        for k, o in enumerate(cell.get("outputs", [])):
            data = o.get("data", {})
            html = data.get("text/html")
            html = "".join(html) if isinstance(html, list) else html
            if html:
                blocks = _blocks_of(html)
                svgs = iter(_svgs(html))
                for b in blocks:
                    if b.kind == "chart":
                        b.body = next(svgs, "")
                    out[f"{cell.get('id', '')}/{b.kind}:{b.title}"] = b
                if blocks:
                    continue
            plain = data.get("text/plain", o.get("text", ""))
            plain = "".join(plain) if isinstance(plain, list) else plain
            out[f"{cell.get('id', '')}/output {k + 1}"] = Block("other", f"output {k + 1}", body=plain)
    return out


def _table_changes(old: Block, new: Block) -> list[str]:
    lines = []
    if old.caption != new.caption:
        lines.append(f"caption: {old.caption!r} -> {new.caption!r}")
    gone = [c for c in old.columns if c not in new.columns]
    added = [c for c in new.columns if c not in old.columns]
    if gone or added:
        lines.append("columns: " + ", ".join([f"- {c}" for c in gone] + [f"+ {c}" for c in added]))
    o_rows, n_rows = dict(old.rows), dict(new.rows)
    for label, cells in old.rows:
        if label not in n_rows:
            lines.append(f"- row {label}: " + "; ".join(f"{c} {v}" for c, v in zip(old.columns, cells, strict=False)))
            continue
        o_cells = dict(zip(old.columns, cells, strict=False))
        n_cells = dict(zip(new.columns, n_rows[label], strict=False))
        for col in new.columns:
            if col in o_cells and o_cells[col] != n_cells.get(col):
                lines.append(f"{label} | {col}: {o_cells[col] or '(blank)'} -> {n_cells.get(col) or '(blank)'}")
    for label, cells in new.rows:
        if label not in o_rows:
            lines.append(f"+ row {label}: " + "; ".join(f"{c} {v}" for c, v in zip(new.columns, cells, strict=False)))
    lines += _list_changes("note", old.items, new.items)
    o_defs, n_defs = dict(old.definitions), dict(new.definitions)
    for term in dict.fromkeys([*o_defs, *n_defs]):
        if o_defs.get(term) != n_defs.get(term):
            lines.append(f"definition of {term}: {o_defs.get(term, '(none)')!r} -> {n_defs.get(term, '(none)')!r}")
    return lines


def _list_changes(what: str, old: Sequence[str], new: Sequence[str]) -> list[str]:
    return [f"- {what}: {s}" for s in old if s not in new] + [f"+ {what}: {s}" for s in new if s not in old]


NO_OUTPUT_CHANGED = "  no output changed (cell sources, ids, parameters or metadata did)"


def diff_notebook(old: str, new: str) -> list[str]:
    """What changed between two executed versions of a notebook, output block by block:
    table cells (``row | column: old -> new``), rows, columns, notes and definitions;
    sentences; charts (redrawn or not); any other output."""
    ob, nb = notebook_blocks(old), notebook_blocks(new)
    lines: list[str] = []
    for key in dict.fromkeys([*ob, *nb]):
        o, n = ob.get(key), nb.get(key)
        cell = key.split("/", 1)[0]
        if o is None or n is None:
            b = n or o
            lines.append(f"  {'+' if o is None else '-'} {b.kind} {b.caption or b.title} (cell {cell})")
            continue
        if o == n:
            continue
        if n.kind == "table":
            changes = _table_changes(o, n)
            lines.append(f"  table {n.caption or n.title} (cell {cell}): {len(changes)} change(s)")
            lines += [f"    {c}" for c in changes]
        elif n.kind == "chart":
            what = "redrawn" if o.body != n.body else "caption changed"
            cap = f": {o.caption!r} -> {n.caption!r}" if o.caption != n.caption else ""
            lines.append(f"  chart {n.caption or n.title} (cell {cell}): {what}{cap}")
        elif n.kind == "sentences":
            lines.append(f"  sentences (cell {cell}):")
            lines += [f"    {c}" for c in _list_changes("sentence", o.items, n.items)]
        else:
            lines.append(f"  {n.title} (cell {cell}) changed:")
            lines += [f"    - {s}" for s in o.body.splitlines()[:20]] + [f"    + {s}" for s in n.body.splitlines()[:20]]
    if not lines and old != new:
        lines.append(NO_OUTPUT_CHANGED)
    return lines


def diff_trees(old: dict[str, str], new: dict[str, str]) -> tuple[list[str], int]:
    """What changed from the notebooks ``old`` to ``new`` (``{"<year>/<section>.ipynb": text}``):
    report lines and the number of notebooks added, removed or changed."""
    lines, changed, cells, quiet = [], 0, 0, []
    for name in sorted(set(old) | set(new)):
        o, n = old.get(name), new.get(name)
        if o == n:
            continue
        changed += 1
        if o is None:
            lines.append(f"{name}: new notebook")
            continue
        if n is None:
            lines.append(f"{name}: removed")
            continue
        detail = diff_notebook(o, n)
        if detail == [NO_OUTPUT_CHANGED]:
            quiet.append(name)
            continue
        cells += sum(1 for d in detail if d.startswith("    ") and "|" in d)
        lines.append(f"{name}:")
        lines += detail
    if quiet:
        lines.append(f"{len(quiet)} notebook(s) differ only in cell sources, ids, parameters or metadata "
                     f"(no output changed): {', '.join(quiet)}")
    head = (f"golden notebooks: {len(new)} built, {changed} differ from the references"
            + (f" ({cells} table cell(s) changed)" if cells else ""))
    return [head, *lines], changed


# -- running nbval ---------------------------------------------------------------------------------------
@dataclass
class NbvalRun:
    """The outcome of one nbval run: each cell's outcome by node id (``<path>::Cell <n>``,
    the path relative to the root it ran in), the wall time, pytest's output and, for each cell
    that did not pass, the text of its failure or error report."""

    outcomes: dict[str, str]
    seconds: float
    returncode: int
    output: str
    reports: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> set[str]:
        return {k for k, v in self.outcomes.items() if v != "passed"}


def code_cell_ids(notebook: Path | str) -> list[str]:
    """The ids of a notebook's code cells, in order (nbval's ``Cell <n>`` is the n-th)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return [c.get("id", "") for c in nb["cells"] if c["cell_type"] == "code"]


def run_nbval(root: Path | str, notebooks: Sequence[Path | str], *, workers: int = 2,
              env: dict[str, str] | None = None, extra: Sequence[str] = ()) -> NbvalRun:
    """Run ``pytest`` with :data:`NBVAL_ARGS` over ``notebooks`` (paths under ``root``) in a
    subprocess started in ``root``, one notebook per worker; return each cell's outcome."""
    import subprocess
    import time
    import xml.etree.ElementTree as ET

    root = Path(root).resolve()
    rel = [Path(p).resolve().relative_to(root).as_posix() for p in notebooks]
    sanitize = (REPO_ROOT / SANITIZE_FILE).as_posix()
    args = [a if not a.startswith("--nbval-sanitize-with=") else f"--nbval-sanitize-with={sanitize}"
            for a in NBVAL_ARGS]
    with tempfile.TemporaryDirectory(prefix="reporting-nbval-") as tmp:
        junit = Path(tmp) / "junit.xml"
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}",
               f"--rootdir={root}", *args, *extra]
        if workers > 1:
            cmd += ["-n", str(workers), "--dist", "loadfile"]
        run_env = {k: v for k, v in (env or os.environ).items() if not k.startswith(("PYTEST_", "XDIST_"))}
        t = time.perf_counter()
        r = subprocess.run([*cmd, *rel], cwd=root, env=run_env, capture_output=True, text=True)
        seconds = time.perf_counter() - t
        outcomes: dict[str, str] = {}
        reports: dict[str, str] = {}
        if junit.exists():
            by_class = {p.replace("/", "."): p for p in rel}  # pytest's junit class name of a path
            for case in ET.parse(junit).getroot().iter("testcase"):
                path = by_class.get(case.get("classname", ""), case.get("classname", ""))
                kind = "passed"
                for child in case:
                    if child.tag in ("failure", "error"):
                        kind = "failed"
                        reports[f"{path}::{case.get('name')}"] = f"{child.get('message', '')}\n{child.text or ''}"
                    elif child.tag == "skipped" and kind == "passed":
                        kind = "skipped"
                outcomes[f"{path}::{case.get('name')}"] = kind
    return NbvalRun(outcomes, seconds, r.returncode, r.stdout + r.stderr, reports)
