"""``reporting build``: the annual report for a council and year, from the raw returns.

Steps
-----
1. **Inputs.** Every raw file the report depends on is hashed (sha256). When the output
   folder's ``manifest.json`` records the same inputs, parameters, code and package
   versions, and its outputs are intact, the build stops there: nothing changed.
2. **Validate** the year (``reporting validate``'s checks). Errors stop the build with the
   validation messages (on the terminal only), as soon as the year is checked: it is read
   first, before the history years; warnings are counted per file, field and rule into
   ``data_quality.csv`` for the report's data-quality section (records flagged, the number
   ``validate`` ends with; counts only: no record ids, values or line numbers).
3. **Indicators** for the years the tables need (five trend years and the next year),
   cached as ``<cache>/<year>/indicators.csv`` (default ``data/processed/<la>/``) with a
   sidecar recording the sha256 of the inputs it was computed from and of the code: a
   year is recomputed only when those change. Raw years are read in parallel processes
   and the indicators computed in parallel (fork) processes. Each report year's
   reconciliation with the published figures is cached beside them
   (:mod:`reporting.report.reconciliation`).
4. **Notebooks.** One notebook per section (top-level ``notebooks/``) is executed
   with papermill, up to ``--jobs`` at a time, each worker keeping one kernel for its
   notebooks (cleared between them). Parameters are checked first (papermill only warns
   about unknown ones). A failure reports the notebook, the cell and the error. Executed
   notebooks are normalised: papermill's timings and paths, and execution timestamps,
   are removed; cell ids and execution counts are fixed. They are cached too.
5. **Assemble**, in a temporary folder next to the output, then renamed into place:
   ``report.html`` (one self-contained page from the notebooks' outputs),
   ``report.docx`` (Word appendix), ``tables.xlsx`` (one sheet per table),
   ``charts/`` (SVG from the notebooks, PNG), ``notebooks/`` and ``manifest.json``.

Two builds with the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from reporting.periods import ReportingYear
from reporting.problems import ERROR, WARNING, Problem, summarise, tally
from reporting.report import tables
from reporting.report.params import validate as validate_params

# The report notebooks live in the repository's top-level notebooks/ folder (the design card's layout).
NOTEBOOK_DIR = Path(__file__).resolve().parents[3] / "notebooks"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
META_SUFFIX = ".meta.json"
HISTORY_YEARS = 10  # reporting.readers.load_dataset's default window
FOLLOWING_YEARS = 1
PACKAGES = ("reporting", "pandas", "numpy", "matplotlib", "openpyxl", "python-docx", "papermill", "nbformat",
            "nbclient", "ipykernel", "jupyter_client", "lxml", "holidays")
EXECUTION_TIMEOUT = 600


class BuildError(Exception):
    """The build cannot go on; ``messages`` say why (one line each)."""

    def __init__(self, messages: str | Sequence[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class BuildOptions:
    """What to build and where.

    Attributes
    ----------
    la : str
        Council slug.
    year : ReportingYear
    raw_dir : Path
        Folder laid out like ``data/raw/<la>/``.
    out_dir : Path
        Output folder (replaced as a whole at the end).
    cache_dir : Path
        Folder of ``<year>/indicators.csv`` (the layout of ``data/processed/<la>/``).
    jobs : int
        Processes and notebooks at once.
    suppress_small : bool
        Show counts of 1 to 5 as ``c``.
    force : bool
        Rebuild even when nothing changed.
    progress : bool
        Progress bars and messages on standard error.
    """

    la: str
    year: ReportingYear
    raw_dir: Path
    out_dir: Path
    cache_dir: Path
    jobs: int = 0
    suppress_small: bool = False
    force: bool = False
    progress: bool = True

    def __post_init__(self):
        self.year = ReportingYear.parse(self.year)
        self.raw_dir, self.out_dir, self.cache_dir = Path(self.raw_dir), Path(self.out_dir), Path(self.cache_dir)
        if self.jobs <= 0:
            self.jobs = default_jobs()


@dataclass
class BuildResult:
    """What a build did."""

    out_dir: Path
    reused: bool
    timings: dict[str, float] = field(default_factory=dict)
    computed_years: list[str] = field(default_factory=list)
    executed_notebooks: list[str] = field(default_factory=list)

    @property
    def report(self) -> Path:
        return self.out_dir / "report.html"


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _log(opts: BuildOptions | None, msg: str) -> None:
    if opts is None or opts.progress:
        print(msg, file=sys.stderr, flush=True)


# -- hashing -------------------------------------------------------------------------------
def sha256_file(path: Path) -> str:
    """Hex sha256 of a file."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def sha256_text(text: str) -> str:
    """Hex sha256 of UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canon(obj) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class InputFile:
    """A raw input: path relative to the raw folder, sha256 and size."""

    path: str
    sha256: str
    bytes: int
    year: str = ""  # the year folder it belongs to; empty for council files


COUNCIL_FILES = ("la.toml", "population.csv", "inspections.csv")


def _year_dirs(raw_dir: Path) -> dict[ReportingYear, Path]:
    out = {}
    if raw_dir.is_dir():
        for p in sorted(raw_dir.iterdir()):
            if p.is_dir():
                try:
                    out[ReportingYear.parse(p.name)] = p
                except ValueError:
                    continue
    return out


def hash_inputs(raw_dir: Path, upto: ReportingYear) -> list[InputFile]:
    """Council files and every file of the year folders up to ``upto``, sorted by path (a
    report reads up to two years after its own: the next year's quarterly flows are computed
    with the year after that as follow-up)."""
    out = []
    for name in COUNCIL_FILES:
        p = raw_dir / name
        if p.is_file():
            out.append(InputFile(name, sha256_file(p), p.stat().st_size))
    for y, folder in _year_dirs(raw_dir).items():
        if y > upto:
            continue
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts):
                out.append(InputFile(p.relative_to(raw_dir).as_posix(), sha256_file(p), p.stat().st_size, y.label))
    return out


def _files_key(files: Iterable[InputFile], *extra) -> str:
    return sha256_text(_canon([[f.path, f.sha256] for f in files] + list(extra)))


# The package folders and modules whose code each cached result depends on.
INDICATOR_CODE = ("indicators", "readers", "schema", "data", "periods.py", "conventions.py", "problems.py")
VALIDATION_CODE = ("validation", "readers", "schema", "periods.py", "conventions.py", "problems.py")
REPORT_CODE = ("report", "indicators", "readers", "schema", "data", "published", "periods.py", "conventions.py",
               "problems.py")


@dataclass(frozen=True)
class CodeIdentity:
    """The code that made a report.

    Attributes
    ----------
    version : str
        ``git describe`` of the checkout when available, else the package version (recorded
        in the manifest; not part of any cache key).
    indicators, validation, report : str
        sha256 of the package files each stage depends on (:data:`INDICATOR_CODE`, ...): a
        change elsewhere in the package (another command) does not invalidate the caches.
    """

    version: str
    indicators: str
    validation: str
    report: str


def sha256_files(files: Iterable[Path], base: Path, suffixes: Sequence[str]) -> str:
    """sha256 over the files with one of ``suffixes`` (``__pycache__`` skipped), each by its path
    relative to ``base`` and its bytes, in path order: the identity of a body of code or data."""
    h = hashlib.sha256()
    for f in sorted(set(files)):
        if "__pycache__" in f.parts or f.suffix not in suffixes:
            continue
        h.update(f.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _code_sha(parts: Sequence[str]) -> str:
    files = []
    for part in parts:
        p = PACKAGE_DIR / part
        files += [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()]
    return sha256_files(files, PACKAGE_DIR, (".py", ".csv", ".ipynb", ".toml", ".json"))


def code_identity() -> CodeIdentity:
    """The code version and the hashes of the code behind indicators, validation and the report."""
    version = metadata.version("reporting")
    repo = PACKAGE_DIR.parents[1]
    if (repo / ".git").exists():
        try:
            r = subprocess.run(["git", "-C", str(repo), "describe", "--tags", "--always", "--dirty"],
                               capture_output=True, text=True, timeout=10)
            if r.returncode == 0 and r.stdout.strip():
                version = r.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return CodeIdentity(version, _code_sha(INDICATOR_CODE), _code_sha(VALIDATION_CODE), _code_sha(REPORT_CODE))


def package_versions() -> dict[str, str]:
    """Python and the versions of the packages the outputs depend on."""
    out = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


# -- paths in parameters ----------------------------------------------------------------------
def shown_path(path: Path) -> str:
    """A path for notebook parameters and the manifest: relative to the working folder when
    inside it (``data/raw/hampshire``), else absolute; the same command gives the same text."""
    p = Path(os.path.abspath(path))
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_posix()


def notebook_parameters(opts: BuildOptions) -> dict:
    """The parameters papermill injects into every notebook of a report."""
    return {"la": opts.la, "year": opts.year.label, "indicators_dir": shown_path(opts.cache_dir),
            "raw_dir": shown_path(opts.raw_dir), "suppress_small": bool(opts.suppress_small)}


# -- validation summary ------------------------------------------------------------------------
def summarise_warnings(problems: Iterable[Problem], raw_name: str) -> list[dict]:
    """Warnings counted per file, field, rule and DfE rule number (no ids, values or lines): records
    flagged, the number ``reporting validate`` ends with (:func:`reporting.problems.summarise`)."""
    return summarise(problems, raw_name, (WARNING,))


def _dq_csv(rows: list[dict]) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=tables.DATA_QUALITY_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


# -- cache ---------------------------------------------------------------------------------------
def _write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cached(path: Path, key: str) -> bool:
    """True when ``path`` exists and its sidecar records ``key`` and the file's current sha256."""
    meta = path.with_name(path.name + META_SUFFIX)
    if not (path.exists() and meta.exists()):
        return False
    try:
        m = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return m.get("key") == key and m.get("sha256") == sha256_file(path)


def _store(path: Path, data: str | bytes, key: str, **extra) -> None:
    _write_atomic(path, data)
    meta = {"key": key, "sha256": sha256_file(path), **extra}
    _write_atomic(path.with_name(path.name + META_SUFFIX), json.dumps(meta, indent=1, sort_keys=True) + "\n")


def year_key(inputs: Sequence[InputFile], year: ReportingYear, code: CodeIdentity) -> str:
    """Key of a year's indicators: the council files and year folders ``load_dataset`` reads."""
    lo, hi = year.first - HISTORY_YEARS, year.first + FOLLOWING_YEARS
    files = [f for f in inputs if not f.year or lo <= ReportingYear.parse(f.year).first <= hi]
    return _files_key(files, "indicators", code.indicators)


def validation_key(inputs: Sequence[InputFile], year: ReportingYear, code: CodeIdentity) -> str:
    """Key of a year's validation summary: the council files and the year's folder."""
    files = [f for f in inputs if not f.year or f.year == year.label]
    return _files_key(files, "validation", code.validation)


# -- reading and computing (worker processes) -------------------------------------------------
_SHARED: dict = {}


def _read_worker(raw_dir: str, la: str, label: str, validate: bool):
    from reporting.readers import YearData, read_council, read_year

    inputs = read_year(raw_dir, label, element_lines=validate)  # validation points at elements' lines
    checked = None
    if validate:
        from reporting.validation.checks import run_checks

        council = read_council(raw_dir, la)
        checked = list(council.problems) + list(inputs.problems) + inputs.notes + run_checks(council, inputs)
        if any(p.severity == ERROR for p in checked):  # the build stops: no tables to type and send back
            return label, None, list(inputs.problems), checked
    return label, YearData.from_inputs(inputs), list(inputs.problems), checked


def _compute_worker(label: str, ids: list[str] | None = None) -> tuple[str, str]:
    from reporting.indicators.engine import compute, to_csv_text, to_frame
    from reporting.readers import Dataset

    council, years = _SHARED["council"], _SHARED["years"]
    y = ReportingYear.parse(label)
    window = {k: v for k, v in years.items()
              if y.first - HISTORY_YEARS <= k.first <= y.first + FOLLOWING_YEARS}
    return label, to_csv_text(to_frame(compute(Dataset(council, y, window, []), ids=ids)))


def _pool(jobs: int) -> ProcessPoolExecutor:
    import multiprocessing

    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))


def _stop_workers(ex: ProcessPoolExecutor) -> None:
    """Cancel what the pool has not started and end its workers now (not after their current year)."""
    terminate = getattr(ex, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    procs = list((getattr(ex, "_processes", None) or {}).values())  # before shutdown() forgets them
    ex.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.terminate()
        except (OSError, ValueError):  # already gone
            pass


def _problem_order(p: Problem) -> tuple:
    return (0 if p.severity == ERROR else 1, p.file, p.location, p.field, p.rule, p.value)


def _stop_on_errors(opts: BuildOptions, label: str, checked: list[Problem]) -> None:
    """Raise the validation errors of a year read with ``validate`` (its messages, then a count of the
    records flagged, as ``reporting validate`` counts them)."""
    errors = sorted({p for p in checked if p.severity == ERROR}, key=_problem_order)
    if errors:
        raise BuildError([str(p) for p in errors]
                         + [f"validation: {tally(errors)[ERROR][0]} error(s) in {opts.la} {label}; "
                            "the report was not built"])


def prepare(opts: BuildOptions, years: Sequence[ReportingYear], validate: Sequence[ReportingYear],
            inputs: Sequence[InputFile], code: CodeIdentity,
            meanwhile: Callable[[], None] | None = None) -> tuple[list[str], dict[str, list[dict]]]:
    """Make sure the cache holds the indicators of ``years`` and the validation summaries of
    ``validate``; compute what is missing. Returns the years computed and the summaries.

    ``meanwhile`` is called once in this process, while the worker processes read the raw
    files when there are some to read (the parent would otherwise wait idle), else at once;
    when a year is validated, once its first year has no error (a failing build does not wait
    for it).

    The years to validate are read first (the first tasks of the worker pool): their errors stop
    the build as soon as they are known, without waiting for the history years to be read.

    Raises
    ------
    BuildError
        Validation errors (their messages), or unusable raw files in a year read.
    """
    # The year after the last report year is needed only for the quarter after the year end:
    # compute just those indicators into indicators.partial.csv unless the full file is cached.
    last = max(validate)
    partial_ids = tables.next_year_indicators()
    targets: dict[ReportingYear, tuple[Path, str, list[str] | None]] = {}
    for y in years:
        full = tables.indicators_path(opts.cache_dir, y)
        key = year_key(inputs, y, code)
        if _cached(full, key):
            continue
        if y > last:
            part = full.with_name(tables.PARTIAL_FILE)
            pkey = sha256_text(_canon([key, partial_ids]))
            if not _cached(part, pkey):
                targets[y] = (part, pkey, partial_ids)
        else:
            targets[y] = (full, key, None)
    ind_missing = sorted(targets)
    dq_paths = {y: opts.cache_dir / y.label / "data_quality.csv" for y in validate}
    val_missing = [y for y in validate if not _cached(dq_paths[y], validation_key(inputs, y, code))]
    summaries: dict[str, list[dict]] = {}
    if ind_missing or val_missing:
        from reporting.readers import read_council

        present = _year_dirs(opts.raw_dir)
        to_read = set(val_missing)
        for y in ind_missing:
            to_read |= {p for p in present if y.first - HISTORY_YEARS <= p.first <= y.first + FOLLOWING_YEARS}
        order = sorted(to_read, reverse=True)
        _log(opts, f"reading {len(order)} year(s) of raw data"
             + (f" and validating {', '.join(y.label for y in val_missing)}" if val_missing else ""))
        council = read_council(opts.raw_dir, opts.la)
        # the years to validate first (latest first), then the others: a validation error stops
        # the build once that year is checked, not after every year has been read
        order.sort(key=lambda y: y not in val_missing)
        args = [(str(opts.raw_dir), opts.la, y.label, y in val_missing) for y in order]
        t = time.perf_counter()
        results = []
        if opts.jobs > 1 and len(args) > 1:
            with _pool(opts.jobs) as ex:
                pending = [ex.submit(_read_worker, *a) for a in args]  # submitted: workers forked
                if meanwhile is not None and not val_missing:
                    meanwhile()
                    meanwhile = None
                try:
                    for fut in pending:
                        results.append(fut.result())
                        if results[-1][3] is not None:
                            _stop_on_errors(opts, results[-1][0], results[-1][3])
                        if meanwhile is not None:  # a year validated: warm up while the rest is read
                            meanwhile()
                            meanwhile = None
                except BaseException:
                    _stop_workers(ex)
                    raise
        else:
            for a in args:
                results.append(_read_worker(*a))
                if results[-1][3] is not None:
                    _stop_on_errors(opts, results[-1][0], results[-1][3])
        _log(opts, f"read in {time.perf_counter() - t:.1f} s")
        years_data, read_errors = {}, []
        results.sort(key=lambda r: ReportingYear.parse(r[0]), reverse=True)  # latest first, as before
        for label, yd, problems, checked in results:
            years_data[ReportingYear.parse(label)] = yd
            read_errors += [p for p in problems if p.severity == ERROR]
            if checked is not None:
                y = ReportingYear.parse(label)
                rows = summarise_warnings(checked, opts.raw_dir.name)
                summaries[y.label] = rows
                _store(dq_paths[y], _dq_csv(rows), validation_key(inputs, y, code), errors=0,
                       warnings=sum(r["count"] for r in rows))
        council_errors = [p for p in council.problems if p.severity == ERROR]
        if council_errors or (read_errors and ind_missing):
            errs = sorted(set(council_errors + read_errors), key=_problem_order)
            raise BuildError([str(p) for p in errs] + ["inputs unusable; run `reporting validate` for each year"])
        if ind_missing:
            t = time.perf_counter()
            _log(opts, "computing indicators for " + ", ".join(
                y.label + (" (quarterly flows only)" if targets[y][2] else "") for y in ind_missing))
            _SHARED.update(council=council, years=years_data)
            try:
                order = sorted(ind_missing, key=lambda y: (targets[y][2] is None, y), reverse=True)
                labels = [y.label for y in order]
                id_lists = [targets[y][2] for y in order]
                if opts.jobs > 1 and len(labels) > 1:
                    with _pool(opts.jobs) as ex:
                        computed = list(ex.map(_compute_worker, labels, id_lists))
                else:
                    computed = [_compute_worker(lbl, ids) for lbl, ids in zip(labels, id_lists, strict=True)]
            finally:
                _SHARED.clear()
            _log(opts, f"computed in {time.perf_counter() - t:.1f} s")
            for label, text in computed:
                path, key, _ = targets[ReportingYear.parse(label)]
                _store(path, text, key)
    if meanwhile is not None:
        meanwhile()
    for y in validate:
        if y.label not in summaries:
            import csv

            with open(dq_paths[y], encoding="utf-8", newline="") as fh:
                summaries[y.label] = [dict(r, count=int(r["count"])) for r in csv.DictReader(fh)]
    return [y.label for y in ind_missing], summaries


# -- notebooks ----------------------------------------------------------------------------------
def notebook_path(section_id: str) -> Path:
    """The template notebook of a section."""
    return NOTEBOOK_DIR / f"{section_id}.ipynb"


def normalise_notebook(text: str) -> str:
    """An executed notebook without what changes from run to run: papermill's timings, paths
    and environment, execution timestamps; cell ids and execution counts made fixed."""
    import nbformat

    nb = json.loads(text)
    pm = nb.get("metadata", {}).get("papermill", {})
    nb["metadata"]["papermill"] = {"parameters": pm.get("parameters", {}),
                                   "default_parameters": pm.get("default_parameters", {})}
    nb["metadata"].pop("widgets", None)
    count = 0
    for cell in nb["cells"]:
        md = cell.setdefault("metadata", {})
        md.pop("papermill", None)
        md.pop("execution", None)
        if "injected-parameters" in md.get("tags", []):
            cell["id"] = "injected-parameters"
        if cell["cell_type"] == "code":
            count += 1
            cell["execution_count"] = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
    node = nbformat.from_dict(nb)
    nbformat.validate(node)
    return nbformat.writes(node) + "\n"


def notebook_outputs(text: str) -> tuple[list[str], list[str], list[dict]]:
    """HTML outputs in order, stream texts, and error outputs of an executed notebook."""
    nb = json.loads(text)
    html, streams, errors = [], [], []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind in ("display_data", "execute_result") and "text/html" in out.get("data", {}):
                v = out["data"]["text/html"]
                html.append("".join(v) if isinstance(v, list) else v)
            elif kind == "stream":
                v = out.get("text", "")
                streams.append("".join(v) if isinstance(v, list) else v)
            elif kind == "error":
                errors.append(out)
    return html, streams, errors


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Kernels:
    """Kernels for the notebook workers: one per worker thread, reused for its notebooks.

    The kernel is not restarted between notebooks (starting one and importing pandas and
    matplotlib costs more than running a section); every notebook assigns all its names
    before using them, and nbval runs each notebook in a fresh kernel, which would show a
    notebook that depended on another. The client is kept too: a new client waits for the
    kernel to be ready and flushes its output channel (0.2 s of idling per notebook).

    :meth:`prewarm` starts kernels ahead (while the indicators are computed) and has them
    import the report package; a worker takes a started kernel before starting another.
    """

    PREIMPORT = "import reporting.report.section"

    def __init__(self):
        self._local = threading.local()
        self._all: list = []
        self._ready: list = []
        self._lock = threading.Lock()

    def _start(self):
        from jupyter_client.manager import KernelManager

        # IPC sockets (no TCP ports, no warning about unencrypted TCP) in a private folder per
        # kernel: the default path ("kernel-ipc" in the working folder) is shared by all kernels.
        sockets = tempfile.mkdtemp(prefix="reporting-kernel-")
        km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"))
        km.start_kernel(cwd=os.getcwd())
        kc = km.client()
        kc.start_channels()
        kc.allow_stdin = False
        msg_id = kc.execute(self.PREIMPORT, silent=True, store_history=False)
        with self._lock:
            self._all.append((km, kc, sockets))
        return km, kc, msg_id

    def prewarm(self, n: int) -> None:
        """Start ``n`` kernels now without waiting for them."""
        for _ in range(n):
            started = self._start()
            with self._lock:
                self._ready.append(started)

    def get(self):
        """This thread's kernel manager and client (a prewarmed one, or a new one)."""
        km = getattr(self._local, "km", None)
        if km is None or not km.is_alive():
            with self._lock:
                started = self._ready.pop(0) if self._ready else None
            km, kc, msg_id = started or self._start()
            deadline = time.monotonic() + 120
            while True:  # the reply to the pre-import: the kernel is up and the package imported
                reply = kc.get_shell_msg(timeout=max(1.0, deadline - time.monotonic()))
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"].get("status") != "ok":
                raise BuildError(f"kernel could not import the report package: {reply['content'].get('evalue')}")
            self._local.km, self._local.kc = km, kc
        return km, self._local.kc

    def shutdown(self) -> None:
        for km, kc, sockets in self._all:
            try:
                kc.stop_channels()
                km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - best effort at the end of a build
                pass
            shutil.rmtree(sockets, ignore_errors=True)
        self._all.clear()
        self._ready.clear()


def _register_engine() -> str:
    """A papermill engine that runs in a kernel, with a client, that it is given (and leaves running)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class SharedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kc = kwargs.pop("kc")
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, **final)
            client.kc = kc  # the worker's client: nbclient then neither starts nor stops one
            return client.execute()

    name = "reporting-shared-kernel"
    papermill_engines.register(name, SharedKernelEngine)
    return name


@dataclass
class NotebookJob:
    """One notebook to execute for one report."""

    label: str  # shown in progress and errors, e.g. "2016-17/overview"
    section: str
    params: dict
    key: str
    cache_path: Path


def notebook_key(section_id: str, params: dict, inputs_sha: dict[str, str], code: CodeIdentity,
                 versions: dict[str, str]) -> str:
    return sha256_text(_canon({"notebook": sha256_file(notebook_path(section_id)), "params": params,
                               "inputs": inputs_sha, "code": code.report, "versions": versions}))


def execute_notebooks(jobs: Sequence[NotebookJob], workers: int, progress: bool,
                      kernels: _Kernels | None = None) -> list[str]:
    """Execute the notebooks whose cached copy is stale; return the labels executed.

    Raises
    ------
    BuildError
        Naming the notebook, the cell and the error.
    """
    todo = [j for j in jobs if not _cached(j.cache_path, j.key)]
    if not todo:
        return []
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    engine = _register_engine()
    kernels = kernels or _Kernels()
    tty = progress and sys.stderr.isatty()
    width = max(len(j.label) for j in todo)

    def run(i: int, job: NotebookJob) -> None:
        km, kc = kernels.get()
        with tempfile.TemporaryDirectory(prefix="reporting-nb-") as tmp:
            out = Path(tmp) / f"{job.section}.ipynb"
            bar = {"desc": job.label.ljust(width), "position": i, "leave": True} if tty else False
            try:
                pm.execute_notebook(str(notebook_path(job.section)), str(out), parameters=job.params,
                                    engine_name=engine, km=km, kc=kc, kernel_name="python3", progress_bar=bar,
                                    record_timing=False, request_save_on_cell_execute=False,
                                    execution_timeout=EXECUTION_TIMEOUT, log_output=False)
            except PapermillExecutionError as exc:
                source = (exc.source or "").strip().splitlines()
                tb = _ANSI.sub("", "\n".join(exc.traceback or [])).strip().splitlines()[-6:]
                raise BuildError([f"notebook {job.label}.ipynb failed in cell {exc.cell_index} "
                                  f"({source[0] if source else ''}): {exc.ename}: {exc.evalue}", *tb]) from None
            text = normalise_notebook(out.read_text(encoding="utf-8"))
        _, streams, errors = notebook_outputs(text)
        if errors:
            raise BuildError(f"notebook {job.label}.ipynb: error output: {errors[0].get('ename')}")
        for s in streams:
            print(f"notebook {job.label}: {s.strip()[:500]}", file=sys.stderr)
        _store(job.cache_path, text, job.key)
        if progress and not tty:
            print(f"executed {job.label}.ipynb", file=sys.stderr, flush=True)

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as ex:
            futures = [ex.submit(run, i, j) for i, j in enumerate(todo)]
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            for f in pending:
                f.cancel()
            for f in futures:
                if f.done() and not f.cancelled() and f.exception() is not None:
                    exc = f.exception()
                    if isinstance(exc, BuildError):
                        raise exc
                    raise BuildError(f"notebook execution failed: {type(exc).__name__}: {exc}") from exc
    finally:
        kernels.shutdown()
    if tty:
        print("", file=sys.stderr)
    return [j.label for j in todo]


# -- assembly -------------------------------------------------------------------------------------
def _svg_document(inline: str) -> str:
    return '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + inline.strip() + "\n"


_FIGURE = re.compile(r'<figure class="chart" id="figure-([^"]+)">\s*(<svg.*?</svg>)', re.S)


def assemble(opts: BuildOptions, work: Path, notebooks: dict[str, str], code: CodeIdentity,
             png: Callable[[], dict]) -> None:
    """Write report.html, report.docx, tables.xlsx, charts and notebooks into ``work``."""
    from reporting.report import html_report, office
    from reporting.report.provenance import council as council_of
    from reporting.report.section import ReportSection

    y = opts.year
    who = council_of(opts.raw_dir, opts.la)
    council = who.name  # what readers see; the slug opts.la stays in paths and the manifest
    params = notebook_parameters(opts)
    (work / "notebooks").mkdir()
    (work / "charts").mkdir()
    contents, sections_html = [], []
    for n, sec in enumerate(tables.SECTIONS, start=1):
        text = notebooks[sec.id]
        (work / "notebooks" / f"{sec.id}.ipynb").write_text(text, encoding="utf-8")
        html, _, _ = notebook_outputs(text)
        inner = "\n".join(html)
        for tid, svg in _FIGURE.findall(inner):
            (work / "charts" / f"{tid}.svg").write_text(_svg_document(svg), encoding="utf-8")
        entries = [(f"table-{t.id}", f"Table {html_report.table_number(t.id)}: {t.title}")
                   for t in tables.section_tables(sec.id)]
        contents.append((sec.id, f"{n}. {sec.title}", entries))
        sections_html.append((sec.id, f"{n}. {sec.title}", inner))
    title = f"{council}: annual safeguarding report {y.label}"
    subtitle = (f"Children's social care performance, {y.start.day} April {y.first} to {y.snapshot().label}: "
                f"tables, charts and figures computed from the statutory returns.")
    supp = ("Counts of 1 to 5 are shown as c, with the percentages and rates based on them."
            if opts.suppress_small else "Small numbers are not suppressed: this report is for internal use.")
    footer = (f"Produced by the reporting toolkit from {council}'s returns. {supp} "
              "Percentages and rates are rounded to one decimal place (half away from zero). "
              "manifest.json lists every input with its sha256.")
    page = html_report.page(title, subtitle, contents, sections_html, footer, notice=who.notice)
    (work / "report.html").write_text(page, encoding="utf-8")

    charts_png = png()
    items, sentences = [], {}
    for n, sec in enumerate(tables.SECTIONS, start=1):
        rs = ReportSection(sec.id, **params)
        sentences[sec.id] = rs.sentences()
        for t in tables.section_tables(sec.id):
            p = rs.presented(t.id)
            chart = charts_png.get(t.id)
            items.append(office.Item(html_report.table_number(t.id), p, sec.title, n,
                                     chart[1] if chart else None, chart[0] if chart else "",
                                     html_report.figure_number(t.id) if chart else None))
    for tid, (_, data) in charts_png.items():
        (work / "charts" / f"{tid}.png").write_bytes(data)
    code_note = f" (DfE local authority code {who.la_code})" if who.la_code else ""
    notes = [f"Council: {council}{code_note}; year {y.label}.", supp,
             "Numbers are stored as numbers, rounded as printed in the report; n/a = not available."]
    (work / "tables.xlsx").write_bytes(office.write_xlsx(items, title, notes, notice=who.notice))
    intro = [subtitle, supp]
    (work / "report.docx").write_bytes(office.write_docx(
        items, sentences, [(s.id, s.title) for s in tables.SECTIONS], council=council, year=y.label, intro=intro,
        notice=who.notice))


def render_pngs(opts: BuildOptions) -> dict[str, tuple[str, bytes]]:
    """PNG (and alternative text) of every chart, for Word and ``charts/``."""
    from reporting.report import charts
    from reporting.report.section import ReportSection

    params = notebook_parameters(opts)
    out = {}
    for sec in tables.SECTIONS:
        rs = ReportSection(sec.id, **params)
        for t in tables.section_tables(sec.id):
            if t.chart == "none":
                continue
            c = charts.render(rs.presented(t.id), png=True, svg=False)
            if c is not None:  # None: nothing to draw (a benchmarking table with no published figures)
                out[t.id] = (c.alt, c.png)
    return out


def _manifest(opts: BuildOptions, work: Path, build_key: str, inputs: Sequence[InputFile], code: CodeIdentity,
              versions: dict, nb_keys: dict[str, str]) -> str:
    ind = []
    for y in tables.years_needed(opts.year):
        p = tables.indicator_file(opts.cache_dir, y)
        if p is not None:
            ind.append({"year": y.label, "path": shown_path(p), "sha256": sha256_file(p)})
    from reporting.report.provenance import council as council_of

    dq = opts.cache_dir / opts.year.label / "data_quality.csv"
    who = council_of(opts.raw_dir, opts.la)
    outputs = [{"path": p.relative_to(work).as_posix(), "sha256": sha256_file(p), "bytes": p.stat().st_size}
               for p in sorted(work.rglob("*")) if p.is_file() and p.name != "manifest.json"]
    m = {
        "build_key": build_key,
        "la": opts.la,
        "council": who.name,
        "synthetic_data": who.synthetic,
        "data_notice": who.notice,
        "year": opts.year.label,
        "parameters": notebook_parameters(opts),
        "raw_dir": shown_path(opts.raw_dir),
        "inputs": [{"path": f.path, "sha256": f.sha256, "bytes": f.bytes} for f in inputs],
        "notebooks": [{"name": s.id, "template": f"notebooks/{s.id}.ipynb",
                       "template_sha256": sha256_file(notebook_path(s.id)), "key": nb_keys[s.id]}
                      for s in tables.SECTIONS],
        "indicators": ind,
        "data_quality": {"path": shown_path(dq), "sha256": sha256_file(dq)} if dq.exists() else None,
        "published": [{"path": q["path"], "sha256": q["sha256"]} for q in published_inputs()],
        "code_version": code.version,
        "code_sha256": {"indicators": code.indicators, "validation": code.validation, "report": code.report},
        "packages": versions,
        "outputs": outputs,
    }
    return json.dumps(m, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def up_to_date(out_dir: Path, build_key: str) -> bool:
    """True when ``out_dir/manifest.json`` has ``build_key`` and every output it lists is intact."""
    mp = out_dir / "manifest.json"
    if not mp.exists():
        return False
    try:
        m = json.loads(mp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if m.get("build_key") != build_key:
        return False
    for o in m.get("outputs", []):
        p = out_dir / o["path"]
        if not p.is_file() or p.stat().st_size != o["bytes"] or sha256_file(p) != o["sha256"]:
            return False
    return True


OUTPUT_NAMES = ("report.html", "report.docx", "tables.xlsx", "charts", "notebooks", "manifest.json")


def _swap_into_place(work: Path, final: Path) -> None:
    """Replace ``final`` by ``work`` (renames in the same folder; never a half-written folder).

    Entries of the old folder that a build does not write (e.g. ``benchmark/`` from
    ``reporting benchmark``) are carried over into the new one.
    """
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(work, 0o777 & ~umask)
    old = None
    if final.exists():
        for entry in sorted(final.iterdir()):
            if entry.name not in OUTPUT_NAMES and not (work / entry.name).exists():
                entry.rename(work / entry.name)
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
    try:
        work.rename(final)
    except BaseException:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# -- the build -------------------------------------------------------------------------------------
@dataclass
class _Plan:
    opts: BuildOptions
    inputs: list[InputFile]
    build_key: str
    years: list[ReportingYear]


def _plan(opts: BuildOptions, code: CodeIdentity, versions: dict) -> _Plan:
    if not opts.raw_dir.is_dir():
        raise BuildError(f"{opts.raw_dir}: raw data folder not found")
    present = _year_dirs(opts.raw_dir)
    if opts.year not in present:
        raise BuildError(f"{opts.raw_dir / opts.year.label}: year folder not found")
    # the next year is computed (its quarterly flows) from a window reaching one year further
    inputs = hash_inputs(opts.raw_dir, opts.year.shift(2 * FOLLOWING_YEARS))
    years = [y for y in tables.years_needed(opts.year) if y in present]
    key = sha256_text(_canon({"inputs": [[f.path, f.sha256] for f in inputs], "params": notebook_parameters(opts),
                              "published": [[q["name"], q["sha256"]] for q in published_inputs()],
                              "transcribed": _published_figures_sha(),
                              "code": [code.indicators, code.validation, code.report], "packages": versions}))
    return _Plan(opts, inputs, key, years)


def build_many(many: Sequence[BuildOptions]) -> list[BuildResult]:
    """Build several reports (e.g. every year of a council), sharing the reading of raw data,
    the indicator computation and the notebook workers. See :func:`build`."""
    t0 = time.perf_counter()
    code, versions = code_identity(), package_versions()
    plans = [_plan(o, code, versions) for o in many]
    results: dict[int, BuildResult] = {}
    todo = []
    for i, pl in enumerate(plans):
        if not pl.opts.force and up_to_date(pl.opts.out_dir, pl.build_key):
            results[i] = BuildResult(pl.opts.out_dir, True, {"total": time.perf_counter() - t0})
            _log(pl.opts, f"{pl.opts.out_dir}: up to date (inputs, parameters and code unchanged)")
        else:
            todo.append(i)
    if not todo:
        return [results[i] for i in range(len(plans))]
    timings: dict[str, float] = {"check": time.perf_counter() - t0}

    workers = max(p.opts.jobs for p in plans)
    kernels = _Kernels()
    try:
        if any(not _notebook_cache(plans[i].opts, sec.id).exists() for i in todo for sec in tables.SECTIONS):
            kernels.prewarm(min(workers, len(todo) * len(tables.SECTIONS)))  # they start while we compute
        _run(plans, todo, results, code, versions, timings, kernels)
    finally:
        kernels.shutdown()
    timings["total"] = time.perf_counter() - t0
    _log(plans[todo[0]].opts, "timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    for i in todo:
        results[i].timings = dict(timings)
    return [results[i] for i in range(len(plans))]


def _run(plans: list[_Plan], todo: list[int], results: dict[int, BuildResult], code: CodeIdentity,
         versions: dict, timings: dict[str, float], kernels: _Kernels) -> None:
    """Indicators, notebooks and assembly of the reports ``todo`` (see :func:`build_many`)."""
    t = time.perf_counter()
    computed = _prepare_plans(plans, todo, code)
    timings["indicators"] = time.perf_counter() - t

    # charts as PNG for Word and charts/, drawn in another process while the notebooks run (forked
    # now, before any thread starts; in a thread it would hold the GIL the notebook clients need)
    _read_published(plans, todo)  # before the fork: the PNG process inherits it
    bg = _pool(1) if max(p.opts.jobs for p in plans) > 1 else ThreadPoolExecutor(max_workers=1)
    png_futures = {i: bg.submit(render_pngs, plans[i].opts) for i in todo}
    try:
        # notebooks of every report through one pool of workers
        t = time.perf_counter()
        jobs, keys = [], {}
        for i in todo:
            o = plans[i].opts
            params = notebook_parameters(o)
            sha = _notebook_inputs(o)
            for s in tables.SECTIONS:
                validate_params(notebook_path(s.id), params)
                key = notebook_key(s.id, params, sha, code, versions)
                keys[(i, s.id)] = key
                jobs.append(NotebookJob(f"{o.year.label}/{s.id}", s.id, params, key, _notebook_cache(o, s.id)))
        jobs.sort(key=lambda j: j.section not in LONG_SECTIONS)  # the longest first, not last to finish
        workers = max(p.opts.jobs for p in plans)
        progress = any(p.opts.progress for p in plans)
        executed = execute_notebooks(jobs, workers, progress, kernels)
        timings["notebooks"] = time.perf_counter() - t

        # assembly, one report at a time
        t = time.perf_counter()
        for i in todo:
            o = plans[i].opts
            o.out_dir.parent.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=f".{o.out_dir.name}.tmp-", dir=o.out_dir.parent))
            try:
                nbs = {s.id: _notebook_cache(o, s.id).read_text(encoding="utf-8") for s in tables.SECTIONS}
                assemble(o, work, nbs, code, png_futures[i].result)
                nb_keys = {s.id: keys[(i, s.id)] for s in tables.SECTIONS}
                (work / "manifest.json").write_text(
                    _manifest(o, work, plans[i].build_key, plans[i].inputs, code, versions, nb_keys), encoding="utf-8")
                _swap_into_place(work, o.out_dir)
            except BaseException:
                shutil.rmtree(work, ignore_errors=True)
                raise
            ran = [j for j in executed if j.startswith(o.year.label + "/")]
            results[i] = BuildResult(o.out_dir, False, computed_years=computed[i], executed_notebooks=ran)
            _log(o, f"wrote {o.out_dir}")
        timings["assemble"] = time.perf_counter() - t
    finally:
        bg.shutdown(wait=True, cancel_futures=True)


def _prepare_plans(plans: list[_Plan], todo: Sequence[int], code: CodeIdentity) -> dict[int, list[str]]:
    """Indicators and validation summaries of the reports ``todo``, grouped by raw folder and
    cache, then each report year's reconciliation files; returns the years computed per report."""
    from reporting.report import reconciliation

    computed: dict[int, list[str]] = {i: [] for i in todo}

    def warm() -> None:
        # what the later steps of this process need anyway, done while the workers read:
        # papermill (about 1.3 s of imports), DfE's files and the transcribed figures
        import papermill  # noqa: F401

        from reporting.published.figures import published_figures

        _read_published(plans, todo)
        published_figures()

    groups: dict[tuple, list[int]] = {}
    for i in todo:
        o = plans[i].opts
        groups.setdefault((o.raw_dir.resolve(), o.cache_dir.resolve(), o.la), []).append(i)
    for idx in groups.values():
        head = plans[max(idx, key=lambda i: plans[i].opts.year)]  # its inputs cover every year of the group
        years = sorted({y for i in idx for y in plans[i].years})
        validate = sorted({plans[i].opts.year for i in idx})
        done, _ = prepare(head.opts, years, validate, head.inputs, code, meanwhile=warm)
        warm = None
        for i in idx:
            computed[i] = [y for y in done if ReportingYear.parse(y) in plans[i].years]
    published = {**reconciliation.published_files_sha(), **{q["name"]: q["sha256"] for q in published_inputs()}}
    for i in todo:
        o = plans[i].opts
        reconciliation.prepare(o.cache_dir, o.raw_dir, o.la, o.year, code.report, published)
    return computed


def prepare_inputs(many: Sequence[BuildOptions]) -> None:
    """Everything the report notebooks of ``many`` read, without running them: the
    validation summaries, indicators and reconciliation files in each cache (steps 2-3), and
    DfE's files as read for the benchmarking section.

    Raises
    ------
    BuildError
        As :func:`build`.
    """
    code, versions = code_identity(), package_versions()
    plans = [_plan(o, code, versions) for o in many]
    _prepare_plans(plans, range(len(plans)), code)
    _read_published(plans, range(len(plans)))


LONG_SECTIONS = ("benchmarking",)  # notebooks started first: the longest to run


def _read_published(plans: list[_Plan], todo: Sequence[int]) -> None:
    """DfE's published files as read, kept in each cache for the benchmarking notebook (read
    once per build instead of once per process)."""
    from reporting.report.benchmarking import cached_panel

    for cache in sorted({plans[i].opts.cache_dir for i in todo}):
        try:
            cached_panel(cache)
        except Exception:  # noqa: BLE001 - the section itself reports files it cannot read
            return


def _notebook_cache(o: BuildOptions, section_id: str) -> Path:
    return o.cache_dir / o.year.label / "notebooks" / f"{section_id}.ipynb"


def _published_figures_sha() -> dict[str, str]:
    from reporting.report.reconciliation import published_files_sha

    return published_files_sha()


def published_inputs() -> list[dict[str, str]]:
    """DfE's published files the benchmarking section reads (one per table of the measure
    registry; none when they are missing): name, shown path and sha256."""
    from reporting.published.benchmark import MEASURES
    from reporting.published.dfe import find_table

    try:
        files = sorted({find_table(k) for k in {m.table for m in MEASURES}}, key=lambda p: p.name)
    except (FileNotFoundError, OSError):
        files = []
    return [{"name": p.name, "path": shown_path(p), "sha256": sha256_file(p)} for p in files]


def _notebook_inputs(o: BuildOptions) -> dict[str, str]:
    """sha256 of every file a report's notebooks read."""
    sha = {f"dfe/{q['name']}": q["sha256"] for q in published_inputs()}
    for y in tables.years_needed(o.year):
        p = tables.indicator_file(o.cache_dir, y)
        if p is not None:
            sha[f"{y.label}/{p.name}"] = sha256_file(p)
    sha["data_quality.csv"] = sha256_file(o.cache_dir / o.year.label / "data_quality.csv")
    from reporting.report.reconciliation import CONTRADICTIONS_FILE, RECONCILIATION_FILE

    for name in (RECONCILIATION_FILE, CONTRADICTIONS_FILE):
        p = o.cache_dir / o.year.label / name
        sha[name] = sha256_file(p) if p.exists() else ""
    for name in ("inspections.csv", "la.toml"):
        p = o.raw_dir / name
        sha[name] = sha256_file(p) if p.exists() else ""
    return sha


def build(opts: BuildOptions) -> BuildResult:
    """Build the report of ``opts.year`` (see the module docstring for the steps).

    Raises
    ------
    BuildError
        Validation errors, unusable inputs, bad parameters or a failing notebook.
    """
    return build_many([opts])[0]
