"""The indicator engine end to end: registry completeness, the tidy file of the data contract,
determinism, absent sources, and the docs generated from the registry."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from reporting.cli import main
from reporting.conventions import round_half_away
from reporting.explain import value_line
from reporting.indicator_reference import render
from reporting.indicators.engine import OUTPUT_COLUMNS, periods_for
from reporting.indicators.registry import catalogue, full_definition, registry
from reporting.periods import ReportingYear

ROOT = Path(__file__).resolve().parents[1]


def test_every_catalogue_indicator_is_registered_and_documented():
    reg = registry()
    assert list(reg) == list(catalogue())
    for ind in reg.values():
        assert ind.func.__doc__ and "Notes" in ind.func.__doc__, f"{ind.id}: docstring needs a Notes section"
        assert ind.source, ind.id


def test_catalogue_matches_the_spec_when_present():
    spec = ROOT.parent / "shared" / "spec" / "indicators.csv"
    if spec.exists():  # the packaged copy must not drift from the project's catalogue
        packaged = ROOT / "src" / "reporting" / "data" / "indicators.csv"
        assert packaged.read_bytes() == spec.read_bytes()


def _indicators(raw: Path, out: Path, year: str = "2016-17") -> str:
    assert main(["indicators", "--la", "synthetic", "--year", year, "--raw-dir", str(raw), "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_tidy_file_follows_the_contract(small_council, tmp_path):
    text = _indicators(small_council, tmp_path / "a.csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0].split(",") == OUTPUT_COLUMNS and "\r" not in text
    df = pd.DataFrame(rows)
    keys = list(zip(df.indicator_id, df.period_start, df.period_end, df.breakdown, strict=True))
    assert keys == sorted(keys)
    year = ReportingYear.parse("2016-17")
    for ind in registry().values():
        labels = set(df.loc[df.indicator_id == ind.id, "period_label"])
        assert labels == {p.label for p in periods_for(ind.period, year)}, ind.id
    units = dict(zip(df.indicator_id, df.unit, strict=False))
    assert all(units[i.id] == i.unit for i in registry().values())
    # every present source gives a value; empty values always carry a note
    assert (df.loc[df.value == "", "note"] != "").all()


def test_same_input_gives_byte_identical_file(small_council, tmp_path):
    assert _indicators(small_council, tmp_path / "a.csv") == _indicators(small_council, tmp_path / "b.csv")


def test_absent_extract_is_not_available_never_zero(council_copy, tmp_path):
    (council_copy / "2016-17" / "complaints.csv").unlink()
    rows = pd.read_csv(io.StringIO(_indicators(council_copy, tmp_path / "a.csv")), dtype=str, keep_default_na=False)
    hit = rows[rows.indicator_id.str.startswith("complaints")]
    assert len(hit) == 3 and (hit.value == "").all()
    assert (hit.note == "source absent: complaints.csv").all()


def test_indicators_write_nothing_in_repo_with_raw_dir(small_council, capsys):
    assert main(["indicators", "--la", "synthetic", "--year", "2016-17", "--raw-dir", str(small_council)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(",".join(OUTPUT_COLUMNS))  # standard output, not data/processed


def test_explain_lists_records_with_a_warning(small_council, capsys):
    code = main(["explain", "cpp_starts_neglect", "--la", "synthetic", "--year", "2016-17",
                 "--raw-dir", str(small_council)])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("# PERSONAL DATA")
    assert "numerator records:" in out and "denominator records:" in out
    assert main(["explain", "no_such_thing", "--la", "synthetic", "--year", "2016-17",
                 "--raw-dir", str(small_council)]) == 2


def test_explain_rounds_the_value_as_printed_and_spells_out_the_definition(small_council, capsys):
    assert main(["explain", "referral_source_police", "--la", "synthetic", "--year", "2016-17",
                 "--raw-dir", str(small_council)]) == 0
    out = capsys.readouterr().out
    assert "# definition: Share of the year's referrals whose ReferralSource is 6 (Police). Numerator = those " \
           "referrals; denominator = referrals." in out
    (line,) = [ln for ln in out.splitlines() if ln.startswith("## 2016-17:")]
    m = re.fullmatch(r"## 2016-17: value (\d+\.\d)% = 100 x (\d+) / (\d+) \(numerator \2, denominator \3\)", line)
    assert m, line
    assert float(m.group(1)) == round_half_away(100 * int(m.group(2)) / int(m.group(3)), 1)


def test_value_line_at_the_reports_precision_with_the_exact_fraction():
    assert value_line("percent", 27.579109853357345, 1234, 4474) == \
        "value 27.6% = 100 x 1234 / 4474 (numerator 1234, denominator 4474)"
    assert value_line("rate_per_10k", 34.749886, 977, 281153) == \
        "value 34.7 per 10,000 = 10,000 x 977 / 281153 (numerator 977, children aged 0-17 281153)"
    assert value_line("count", 977.0, 977, None) == "value 977 (records counted: 977)"
    assert value_line("count", -12.0, None, None) == "value -12 (derived from other figures)"
    assert value_line("percent", None, 0, 0) == "value not available (numerator 0, denominator 0)"
    assert value_line("percent", 2.25, 9, 400).startswith("value 2.3%")  # half away from zero


def test_every_as_above_definition_is_spelled_out_from_the_row_it_refers_to():
    cat = catalogue()
    referring = [i for i, e in cat.items() if e.definition.startswith("As above")]
    assert len(referring) >= 17
    for i in referring:
        text = full_definition(i)
        assert not text.startswith("As "), (i, text)
        assert cat[i].label in text or "no ReferralSource" in text, (i, text)
    assert full_definition("cpp_rate_sexual").startswith("Plans starting in the year with initial category SAB "
                                                        "(Sexual) per 10000 children")
    assert full_definition("referral_source_not_recorded") == (
        "Share of the year's referrals with no ReferralSource. Numerator = those referrals; denominator = referrals.")
    assert full_definition("contacts") == cat["contacts"].definition  # its own: unchanged


def test_docs_indicators_md_is_current():
    assert (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8") == render(), \
        "run `reporting docs` to regenerate docs/indicators.md"
