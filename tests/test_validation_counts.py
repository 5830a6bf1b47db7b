"""One number means one thing, and a line points at the offending element.

* ``reporting validate`` ends with the records flagged per severity, the number the report's
  data-quality section counts (``data_quality.csv``, :func:`reporting.report.build.summarise_warnings`),
  though it prints at most ``CAP`` lines per file, field and rule.
* A CIN census problem about a value is located at the line of that value's own element
  (``<CINclosureDate>``), not of the record holding it (``<CINdetails>``); the record's path is kept.
"""

from __future__ import annotations

import re

import pandas as pd
from helpers_raw import LA, YEAR, build_raw, edit, put, validate

from reporting.problems import WARNING, count_text, flagged, summarise, tally
from reporting.readers import read_cin_census
from reporting.report.build import _read_worker, summarise_warnings
from reporting.validation._common import CAP, report

CIN = f"{YEAR}/cin_census.xml"
CONTACTS_HEADER = ("Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of Contact,"
                   "Contact Source\n")


def _totals(err: str) -> tuple[int, int, int | None]:
    """errors, warnings and the warnings shown, from validate's last line."""
    m = re.search(r": (\d+) error\(s\)(?: \(\d+ shown\))?, (\d+) warning\(s\)(?: \((\d+) shown\))?$", err.strip())
    assert m, err
    return int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None


def test_summary_line_counts_the_records_it_stands_for():
    rows = pd.DataFrame({"line": range(2, 2 + CAP + 7), "x": "bad"})
    problems = report("f.csv", rows, "x", "not good", WARNING)
    assert len(problems) == CAP + 1  # CAP lines and one summary line for the 7 others
    assert flagged(problems[-1]) == (7, "not good")
    assert tally(problems)[WARNING] == (CAP + 7, CAP)
    assert count_text(problems) == f"0 error(s), {CAP + 7} warning(s) ({CAP} shown)"
    assert summarise(problems) == [{"file": "f.csv", "field": "x", "rule": "not good", "dfe_rule": "",
                                    "severity": WARNING, "count": CAP + 7}]
    assert count_text(problems[:3]) == "0 error(s), 3 warning(s)"  # nothing capped: no "(N shown)"


def test_validate_and_the_reports_data_quality_count_the_same_warnings(tmp_path, capsys):
    """Hand-built: 62 contacts whose age is not a number (a warning, capped at CAP lines) and one
    referral with no ReferralSource; validate's total is the sum of data_quality.csv's counts."""
    root = build_raw(tmp_path)
    rows = "".join(f"Z{i},a) Male,WBRI,28/02/2010,eleven,{1 + i % 28:02d}/05/2016,Police\n" for i in range(62))
    put(root, f"{YEAR}/contacts.csv", CONTACTS_HEADER + "C1,a) Male,WBRI,28/02/2010,6,28/04/2016,Police\n" + rows)
    edit(root, CIN, "<ReferralSource>6</ReferralSource>", "")
    code, out, err = validate(capsys, root)
    assert code == 0, out
    errors, warnings, shown = _totals(err)
    assert errors == 0 and shown is not None and shown < warnings
    lines = out.splitlines()
    assert shown == sum(" more value(s) break this rule (not shown): " not in ln for ln in lines)
    assert f"{62 - CAP} more value(s) break this rule (not shown): must be a whole number" in out

    # the build's validation of the year: the same checks, summarised into data_quality.csv
    label, _, _, checked = _read_worker(str(root), LA, YEAR, True)
    rows = summarise_warnings(checked, root.name)
    assert sum(r["count"] for r in rows) == warnings
    by_field = {(r["file"], r["field"]): r["count"] for r in rows}
    assert by_field[(f"{YEAR}/contacts.csv", "Age of Child (Years)")] == 62
    assert by_field[(f"{YEAR}/cin_census.xml", "ReferralSource")] == 1


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_a_bad_date_is_located_at_its_own_element(tmp_path, capsys):
    root = build_raw(tmp_path)
    edit(root, CIN, "<CINclosureDate>2016-09-01</CINclosureDate>", "<CINclosureDate>2016-09-31</CINclosureDate>")
    text = (root / CIN).read_text(encoding="utf-8")
    line = _line_of(text, "<CINclosureDate>2016-09-31")
    before = text[:text.index("<CINclosureDate>2016-09-31")]
    record = before[:before.rindex("<CINdetails>")].count("\n") + 1
    assert line > record  # the record's line was shown before
    code, out, _ = validate(capsys, root)
    assert code == 1
    assert (f"error: {LA}/{CIN}:line {line} (Child/CINdetails): field CINclosureDate: value '2016-09-31': "
            "not a valid calendar date") in out.splitlines(), out


def test_a_missing_value_is_located_at_its_record(tmp_path, capsys):
    """No element to point at: the line of the record (CINdetails) that lacks it."""
    root = build_raw(tmp_path)
    edit(root, CIN, "<ReferralSource>6</ReferralSource>", "")
    text = (root / CIN).read_text(encoding="utf-8")
    record = _line_of(text, "<CINdetails>")
    _, out, _ = validate(capsys, root)
    assert (f"warning: {LA}/{CIN}:line {record} (Child/CINdetails): field ReferralSource: required value "
            "missing [DfE 8866]") in out.splitlines(), out


def test_reader_records_each_values_own_line_when_asked(tmp_path):
    root = build_raw(tmp_path)
    path = root / CIN
    text = path.read_text(encoding="utf-8").splitlines()
    plain = read_cin_census(path)
    assert plain.lines == {}  # the indicators' read does not pay for them
    cin = read_cin_census(path, element_lines=True)
    for table, df in cin.raw.items():
        assert cin.lines[table].index.equals(df.index), table
    ep, ep_lines = cin.raw["cin_episodes"], cin.lines["cin_episodes"]
    for i in ep.index:
        for col, tag in (("referral_date", "CINreferralDate"), ("closure_date", "CINclosureDate")):
            n = int(ep_lines.at[i, col])
            if ep.at[i, col]:
                assert text[n - 1].strip() == f"<{tag}>{ep.at[i, col]}</{tag}>", (col, n)
                assert n > ep.at[i, "line"]
            else:
                assert n == 0  # absent element
    dis, dis_lines = cin.raw["disabilities"], cin.lines["disabilities"]
    for i in dis.index:
        assert f"<Disability>{dis.at[i, 'disability']}</Disability>" in text[int(dis_lines.at[i, "disability"]) - 1]
    # the tables the indicators use are unchanged
    assert {k: v.to_dict() for k, v in cin.raw.items()} == {k: v.to_dict() for k, v in plain.raw.items()}
