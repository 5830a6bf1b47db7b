"""Personal-data guard rails: nothing under data/raw, data/processed or reports is tracked
except the READMEs and synthetic fixtures named here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUARDED = ("data/raw/", "data/processed/", "reports/")
ALLOWED = {"data/raw/README.md", "data/processed/README.md"}


def _tracked() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [p for p in out.stdout.decode().split("\0") if p]


def test_no_child_level_data_tracked():
    offenders = [p for p in _tracked() if p.startswith(GUARDED) and p not in ALLOWED]
    assert offenders == [], f"personal-data folders must not be tracked: {offenders}"


def test_gitignore_covers_guarded_folders():
    for folder in GUARDED:
        probe = f"{folder}someone/2016-17/cin_census.xml"
        res = subprocess.run(["git", "check-ignore", "-q", probe], cwd=ROOT)
        assert res.returncode == 0, f"{probe} is not ignored by .gitignore"
