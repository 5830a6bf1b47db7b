"""Shared fixtures: a small synthetic council generated once per test session."""

from __future__ import annotations

import shutil

import pytest

from reporting.generate.synthetic import generate_council


@pytest.fixture(scope="session")
def small_council(tmp_path_factory):
    """A synthetic council (scale 0.05, 2014-15 to 2017-18 plus 2013-14 history). Read-only: copy it
    (``council_copy``) before changing anything."""
    root = tmp_path_factory.mktemp("council") / "synthetic"
    generate_council(root, years=["2014-15", "2015-16", "2016-17", "2017-18"], scale=0.05, seed=7)
    return root


@pytest.fixture
def council_copy(small_council, tmp_path):
    dest = tmp_path / "synthetic"
    shutil.copytree(small_council, dest)
    return dest
