"""One report build shared by the report tests (and by both pytest-xdist workers).

The build runs once per test session under a file lock, in a folder both workers see,
with the working folder set to that folder and every path relative to it (so that the
notebook parameters, and so every output byte, do not depend on where the folder is).
The council is the small synthetic one of ``conftest.small_council`` (scale 0.05,
2014-15 to 2017-18 and 2013-14 history).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reporting.generate.synthetic import generate_council
from reporting.report.build import BuildOptions, BuildResult, build
from reporting.report.golden import working_folder

LA = "synthetic"
YEAR = "2016-17"
RAW, OUT, CACHE = "raw", f"out/{YEAR}", "cache"


@dataclass
class Built:
    base: Path
    result: BuildResult | None

    @property
    def raw(self) -> Path:
        return self.base / RAW

    @property
    def out(self) -> Path:
        return self.base / OUT

    @property
    def cache(self) -> Path:
        return self.base / CACHE


def options(**changes) -> BuildOptions:
    kw = {"la": LA, "year": YEAR, "raw_dir": Path(RAW), "out_dir": Path(OUT), "cache_dir": Path(CACHE), "jobs": 2,
          "progress": False}
    kw.update(changes)
    return BuildOptions(**kw)


def make_council(raw: Path) -> None:
    generate_council(raw, years=["2014-15", "2015-16", "2016-17", "2017-18"], scale=0.05, seed=7)


def build_in(base: Path, **changes) -> BuildResult:
    """Build with the working folder at ``base`` and the relative paths of :func:`options`."""
    with working_folder(base):
        return build(options(**changes))


def shared_build(tmp_path_factory) -> Built:
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    base = root / "report-build"
    with open(root / "report-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (base / "done").exists():
                base.mkdir(exist_ok=True)
                if not (base / RAW).exists():
                    make_council(base / RAW)
                result = build_in(base)
                (base / "done").write_text("built\n")
                return Built(base, result)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return Built(base, None)


def hampshire_build(tmp_path_factory) -> Path:
    """The Hampshire demo's 2016-17 report (``reporting demo`` then the build, as ``make report``
    does), built once per test run under a file lock and shared by the xdist workers; returns
    its output folder (``report.html``, ``tables.xlsx``, ...)."""
    from reporting.cli import main

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    base = root / "hampshire-report"
    with open(root / "hampshire-report.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (base / "done").exists():
                shutil.rmtree(base, ignore_errors=True)
                base.mkdir()
                assert main(["demo", "--la", "hampshire", "--out-dir", str(base / "raw")]) == 0
                build_in(base, la="hampshire", year=YEAR)
                (base / "done").write_text("built\n")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return base / OUT


# -- personal data ---------------------------------------------------------------------------------
_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def personal_tokens(raw: Path) -> tuple[set[str], set[str]]:
    """Child and record ids, and dates of birth (as ISO and as dd/mm/yyyy), found in the raw inputs."""
    import pandas as pd

    ids: set[str] = set()
    dobs: set[str] = set()

    def add_dob(v: str) -> None:
        v = v.strip()
        if not v:
            return
        m = _DMY.match(v)
        iso = f"{m.group(3)}-{m.group(2)}-{m.group(1)}" if m else v
        y, mo, d = iso.split("-")
        dobs.update({iso, f"{d}/{mo}/{y}"})

    for xml in raw.rglob("cin_census.xml"):
        text = xml.read_text(encoding="utf-8")
        ids.update(re.findall(r"<LAchildID>([^<]+)</LAchildID>", text))
        for v in re.findall(r"<PersonBirthDate>([^<]+)</PersonBirthDate>", text):
            add_dob(v)
    for csv in raw.rglob("*.csv"):
        if csv.parent == raw:
            continue  # council files: population, inspections
        df = pd.read_csv(csv, dtype=str, keep_default_na=False)
        for col in ("CHILD", "LAchildID", "Child Unique ID", "ComplaintID", "UPN"):
            if col in df:
                ids.update(v for v in df[col] if v)
        for col in ("DOB", "Date of Birth", "MC_DOB"):
            if col in df:
                for v in df[col]:
                    add_dob(v)
    return ids, dobs


def file_texts(path: Path) -> Iterator[tuple[str, str]]:
    """``(name, text)`` of a file, and of every member of a zip (docx, xlsx)."""
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                yield f"{path.name}:{info.filename}", z.read(info.filename).decode("latin-1")
    else:
        yield path.name, data.decode("latin-1")


def find_personal_data(folders: list[Path], ids: set[str], dobs: set[str]) -> list[str]:
    """Every id or date of birth found in any file under ``folders`` (``file: token`` lines)."""
    hits = []
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if not p.is_file():
                continue
            for name, text in file_texts(p):
                tokens = set(re.findall(r"[A-Za-z0-9]+", text)) | set(re.findall(r"[A-Za-z0-9-]+", text))
                dates = set(re.findall(r"\d{4}-\d{2}-\d{2}", text)) | set(re.findall(r"\d{2}/\d{2}/\d{4}", text))
                hits += [f"{name}: id {t}" for t in sorted(tokens & ids)]
                hits += [f"{name}: date of birth {t}" for t in sorted(dates & dobs)]
    return hits
