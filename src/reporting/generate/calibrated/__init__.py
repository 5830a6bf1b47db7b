"""The calibrated Hampshire demo: synthetic records whose aggregates equal the published figures.

No council may publish child-level data, so the demo invents records, deterministically,
constructed so that the toolkit's own indicators, computed from them, reproduce what
Hampshire (annual safeguarding report 2016-17; Ofsted area profile 2013) and DfE
published for 2012-13 to 2017-18 (2011-12 is written as history only). Targets come
from ``data/reference/published_figures.csv`` through :mod:`.targets`; where published
figures contradict each other the consistent set is reproduced and every contradiction
is listed in ``docs/``.

Pipeline (each stage a module, each returning tidy tables in the readers' formats):

1. :mod:`.care` - looked-after children (SSDA903 tables per year), UASC, missing from
   care, plus the council-level files and local extracts that do not depend on the CIN
   census (complaints, missing from home, inspections, population, ``la.toml``). Returns
   a :class:`CareResult`.
2. :mod:`.cin` - the CIN census per year (children, episodes, assessments, S47,
   plans, reviews), contacts and CP visits, built around the care periods of stage 1
   (looked-after children are children in need: their CIN episodes span their care).
   Returns a :class:`CinResult`.
3. :func:`write_calibrated_demo` writes every file with :mod:`reporting.generate.writers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

DEMO_YEARS = ("2011-12", "2012-13", "2013-14", "2014-15", "2015-16", "2016-17", "2017-18")
REPORT_YEARS = DEMO_YEARS[1:]


@dataclass
class CareResult:
    """Stage 1 output.

    ``children``: one row per looked-after child: child_id, birth_date, sex (CIN
    ``GenderCurrent`` code 1/2), ethnicity, uasc (bool). ``periods``: one row per period of
    care (short breaks excluded): child_id, period_start, period_end (NaT if open at the
    end of 2017-18). ``ssda903[year]``: DfE-named tables (header, episodes, uasc,
    missing, ...). ``extracts[year]``: tidy ``missing_from_home`` and ``complaints``.
    ``council``: file name -> bytes for ``la.toml``, ``population.csv``, ``inspections.csv``.
    """

    children: pd.DataFrame
    periods: pd.DataFrame
    ssda903: dict[str, dict[str, pd.DataFrame]]
    extracts: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    council: dict[str, bytes] = field(default_factory=dict)


@dataclass
class CinResult:
    """Stage 2 output: ``cin[year]`` tidy CIN tables (``schema.cin.TABLES``), ``contacts[year]``
    and ``cp_visits[year]`` tidy tables."""

    cin: dict[str, dict[str, pd.DataFrame]]
    contacts: dict[str, pd.DataFrame]
    cp_visits: dict[str, pd.DataFrame]


LEA = "850"


def write_calibrated_demo(out_dir: Path, seed: int = 20170915) -> list[Path]:
    """Write the calibrated Hampshire demo into ``out_dir`` (absent or empty)."""
    from reporting.generate import writers
    from reporting.generate.calibrated import care, cin
    from reporting.generate.calibrated.targets import Targets

    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise FileExistsError(f"{out_dir} is not empty: the demo is only written into an absent or empty folder")
    from reporting.generate.calibrated.population import population_table

    targets = Targets.load()
    care_result = care.build(targets, seed)
    cin_result = cin.build(targets, care_result, seed)
    council = dict(care_result.council)
    council["population.csv"] = writers.csv_bytes(population_table(targets))
    written = [writers.write_bytes(out_dir / name, data) for name, data in sorted(council.items())]
    for year in DEMO_YEARS:
        folder = out_dir / year
        written.append(writers.write_bytes(folder / "cin_census.xml",
                                           writers.cin_census_xml(cin_result.cin[year], year, LEA)))
        for name, data in sorted(writers.ssda903_csvs(care_result.ssda903[year], year).items()):
            written.append(writers.write_bytes(folder / "ssda903" / name, data))
        written.append(writers.write_bytes(folder / "contacts.csv", writers.contacts_csv(cin_result.contacts[year])))
        written.append(writers.write_bytes(folder / "cp_visits.csv",
                                           writers.extract_csv("cp_visits", cin_result.cp_visits[year])))
        for name, df in sorted(care_result.extracts.get(year, {}).items()):
            written.append(writers.write_bytes(folder / f"{name}.csv", writers.extract_csv(name, df)))
    return sorted(written)
