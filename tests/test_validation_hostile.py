"""Hostile and broken input: ``reporting validate`` answers with one clear line and the right exit code.

Each case starts from the minimal valid raw folder of :mod:`helpers_raw`, breaks one
file (with a fixture from ``tests/fixtures/hostile/`` or bytes built here) and runs
``reporting validate`` through :func:`reporting.cli.main`. No case may end in a
traceback.
"""

from __future__ import annotations

import os
import shutil

import pytest
from helpers_raw import HOSTILE, LA, YEAR, build_raw, put, validate

CIN = f"{YEAR}/cin_census.xml"
CONTACTS = f"{YEAR}/contacts.csv"
EPISODES = f"{YEAR}/ssda903/Episodes.csv"
HEADER = f"{YEAR}/ssda903/Header.csv"
SHOWN = f"{LA}/{YEAR}"  # how files are named in messages (relative to the raw folder's parent)

DTD_REFUSED = ("a DTD or entity declaration is not allowed in a CIN census file "
               "(external entities and entity expansion are refused)")

# fixture file, where it goes, the message (a substring of one output line), exit code
CASES = [
    ("truncated.xml", CIN, f"error: {SHOWN}/cin_census.xml:line 43, column 32: not well-formed XML: "
                           "Premature end of data in tag CPPstartDate", 1),
    ("png_as_xml.xml", CIN, f"error: {SHOWN}/cin_census.xml:line 1: not an XML file (it does not start with '<')", 1),
    ("csv_as_xml.xml", CIN, f"error: {SHOWN}/cin_census.xml:line 1: not an XML file (it does not start with '<')", 1),
    ("billion_laughs.xml", CIN, f"error: {SHOWN}/cin_census.xml:line 2: {DTD_REFUSED}", 1),
    ("xxe_passwd.xml", CIN, f"error: {SHOWN}/cin_census.xml:line 2: {DTD_REFUSED}", 1),
    ("xxe_parameter_entity.xml", CIN, f"error: {SHOWN}/cin_census.xml:line 2: {DTD_REFUSED}", 1),
    ("undefined_entity.xml", CIN, f"error: {SHOWN}/cin_census.xml:line 3, column 20: not well-formed XML: "
                                  "Entity 'nbsp' not defined", 1),
    ("deep_nesting.xml", CIN, "elements nested more than 256 levels deep: not a CIN census file", 1),
    ("latin1.xml", CIN, f"error: {SHOWN}/cin_census.xml:line 53, column 26: not UTF-8 text (bytes in another "
                        "encoding, e.g. Latin-1); save the file as UTF-8", 1),
    ("utf16_bom.xml", CIN, f"error: {SHOWN}/cin_census.xml: file is UTF-16 encoded; CIN census files are UTF-8", 1),
    ("utf16_no_bom.xml", CIN, f"error: {SHOWN}/cin_census.xml: file is UTF-16 encoded; CIN census files are UTF-8",
     1),
    ("latin1_contacts.csv", CONTACTS, f"error: {SHOWN}/contacts.csv:line 4: not UTF-8 text (byte 0xe9); "
                                      "save the file as UTF-8", 1),
    ("utf16_bom_contacts.csv", CONTACTS, f"error: {SHOWN}/contacts.csv: file is UTF-16 encoded; save it as UTF-8", 1),
    ("nul_contacts.csv", CONTACTS, f"error: {SHOWN}/contacts.csv: contains NUL bytes: not a text CSV file", 1),
    ("ragged_contacts.csv", CONTACTS, f"error: {SHOWN}/contacts.csv: not a readable CSV file (Error tokenizing "
                                      "data. C error: Expected 7 fields in line 5, saw 9)", 1),
    ("missing_column_contacts.csv", CONTACTS, f"error: {SHOWN}/contacts.csv:line 1: field Date of Contact: "
                                              "required column missing", 1),
    ("extra_column_contacts.csv", CONTACTS, f"warning: {SHOWN}/contacts.csv:line 1: field Notes: "
                                            "unexpected column (ignored)", 0),
    ("header_only_contacts.csv", CONTACTS, f"warning: {SHOWN}/contacts.csv: the file has no contacts (no data rows)",
     0),
    ("bad_dates_contacts.csv", CONTACTS, f"error: {SHOWN}/contacts.csv:line 2: field Date of Contact: value "
                                         "'2016-04-28': not a date in the format dd/mm/yyyy (e.g. 31/03/2017)", 1),
    ("bad_dates_contacts.csv", CONTACTS, f"error: {SHOWN}/contacts.csv:line 3: field Date of Contact: value "
                                         "'31/02/2016': not a valid calendar date", 1),
    ("bad_dates_contacts.csv", CONTACTS, f"warning: {SHOWN}/contacts.csv:line 4: field Date of Birth: value "
                                         "'1st Jan 2012': not a date in the format dd/mm/yyyy (e.g. 31/03/2017)", 1),
    ("bad_dates_episodes.csv", EPISODES, f"error: {SHOWN}/ssda903/Episodes.csv:line 2: field DECOM: value "
                                         "'2016-06-01': not a date in the format dd/mm/yyyy (e.g. 31/03/2017) "
                                         "[DfE 141]", 1),
    ("unknown_codes_episodes.csv", EPISODES, f"error: {SHOWN}/ssda903/Episodes.csv:line 2: field LS: value 'C9': "
                                             "code not in the 2016-17 SSDA903 list for LS (expected one of: C1, C2, "
                                             "D1, E1, J1, J2, J3, L1, L2, L3, V2, V3, V4) [DfE 144]", 1),
    ("unknown_codes_episodes.csv", EPISODES, f"error: {SHOWN}/ssda903/Episodes.csv:line 2: field PLACE: value "
                                             "'Q1': code not in the 2016-17 SSDA903 list for PLACE (see the DfE code "
                                             "set, 26 codes); it is a code of other collection years [DfE 146]", 1),
]


def _lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln]


def _assert_one_line_each(out: str) -> None:
    """Every problem is exactly one line starting with its severity."""
    for ln in _lines(out):
        assert ln.startswith(("error: ", "warning: ")), ln


@pytest.mark.parametrize("fixture, dest, message, exit_code", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_hostile_fixture(tmp_path, capsys, fixture, dest, message, exit_code):
    root = build_raw(tmp_path)
    put(root, dest, HOSTILE / fixture)
    code, out, err = validate(capsys, root)
    assert message in _lines(out) or any(message in ln for ln in _lines(out)), out
    assert code == exit_code, out
    _assert_one_line_each(out)
    assert err.strip().startswith(f"{LA} {YEAR}: ")


def test_every_hostile_fixture_is_used():
    used = {c[0] for c in CASES} | {"fake_workbook.xlsx"}
    assert used == {p.name for p in HOSTILE.iterdir() if p.name != "README.md"}


def test_minimal_valid_folder_validates(tmp_path, capsys):
    root = build_raw(tmp_path)
    code, out, err = validate(capsys, root)
    assert code == 0 and out == ""
    assert f"{LA} {YEAR}: 0 error(s), 0 warning(s)" in err


def test_fake_workbook_is_refused(tmp_path, capsys):
    root = build_raw(tmp_path)
    (root / CONTACTS).unlink()
    put(root, f"{YEAR}/contacts.xlsx", HOSTILE / "fake_workbook.xlsx")
    code, out, _ = validate(capsys, root)
    assert code == 1
    assert f"error: {SHOWN}/contacts.xlsx: not a readable Excel workbook (BadZipFile)" in out


def test_dtd_beyond_the_first_64k_is_refused(tmp_path, capsys):
    root = build_raw(tmp_path)
    xml = (b"<!--" + b"x" * 70_000 + b'-->\n<!DOCTYPE Message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
           b"<Message><Children><Child><ChildIdentifiers><LAchildID>&xxe;</LAchildID></ChildIdentifiers>"
           b"</Child></Children></Message>\n")
    put(root, CIN, xml)
    code, out, _ = validate(capsys, root)
    assert code == 1
    assert f"error: {SHOWN}/cin_census.xml: {DTD_REFUSED}" in _lines(out)
    assert "root:" not in out  # nothing of /etc/passwd


@pytest.mark.parametrize("rel", [CIN, CONTACTS, HEADER, f"{YEAR}/complaints.csv"])
def test_utf8_bom_is_accepted(tmp_path, capsys, rel):
    root = build_raw(tmp_path)
    put(root, rel, b"\xef\xbb\xbf" + (root / rel).read_bytes())
    code, out, _ = validate(capsys, root)
    assert (code, out) == (0, "")


def test_crlf_line_ends_are_accepted(tmp_path, capsys):
    root = build_raw(tmp_path)
    for rel in (CONTACTS, EPISODES, CIN):
        put(root, rel, (root / rel).read_bytes().replace(b"\n", b"\r\n"))
    code, out, _ = validate(capsys, root)
    assert (code, out) == (0, "")


@pytest.mark.parametrize("rel, shown", [
    (CIN, "cin_census.xml"), (CONTACTS, "contacts.csv"), (HEADER, "ssda903/Header.csv"),
    (f"{YEAR}/cp_visits.csv", "cp_visits.csv"), ("population.csv", None), ("la.toml", None),
])
def test_empty_file(tmp_path, capsys, rel, shown):
    root = build_raw(tmp_path)
    put(root, rel, b"")
    code, out, _ = validate(capsys, root)
    name = f"{SHOWN}/{shown}" if shown else f"{LA}/{rel}"
    assert code == 1
    assert f"error: {name}: file is empty" in _lines(out)


def test_whitespace_only_csv_is_empty(tmp_path, capsys):
    root = build_raw(tmp_path)
    put(root, CONTACTS, b"\n  \n\r\n")
    code, out, _ = validate(capsys, root)
    assert code == 1 and f"error: {SHOWN}/contacts.csv: file is empty" in _lines(out)


@pytest.mark.parametrize("rel, shown", [
    (CIN, "cin_census.xml"), (CONTACTS, "contacts.csv"), (HEADER, "ssda903/Header.csv"),
    (f"{YEAR}/complaints.csv", "complaints.csv"),
])
def test_directory_where_a_file_should_be(tmp_path, capsys, rel, shown):
    root = build_raw(tmp_path)
    p = root / rel
    p.unlink()
    p.mkdir()
    (p / "inside.txt").write_text("x")
    code, out, _ = validate(capsys, root)
    assert code == 1
    assert f"error: {SHOWN}/{shown}: is a directory, expected a file" in _lines(out)


def test_file_where_the_ssda903_folder_should_be(tmp_path, capsys):
    root = build_raw(tmp_path)
    shutil.rmtree(root / YEAR / "ssda903")
    (root / YEAR / "ssda903").write_text("CHILD\n")
    code, out, _ = validate(capsys, root)
    assert code == 1 and f"error: {SHOWN}/ssda903: is not a folder" in _lines(out)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="permissions are not enforced for root (or off POSIX)")
@pytest.mark.parametrize("rel, shown", [(CONTACTS, "contacts.csv"), (CIN, "cin_census.xml")])
def test_unreadable_file(tmp_path, capsys, rel, shown):
    root = build_raw(tmp_path)
    p = root / rel
    p.chmod(0)
    try:
        code, out, _ = validate(capsys, root)
    finally:
        p.chmod(0o644)
    assert code == 1
    assert f"error: {SHOWN}/{shown}: cannot be read (permission denied)" in _lines(out)


def test_unreadable_file_simulated(tmp_path, capsys, monkeypatch):
    """The same refusal, checked also when the tests run as root (``os.access`` says no)."""
    import reporting.readers._files as files

    root = build_raw(tmp_path)
    locked = root / CONTACTS
    real_access = os.access
    monkeypatch.setattr(files.os, "access", lambda p, mode: False if str(p) == str(locked) else real_access(p, mode))
    code, out, _ = validate(capsys, root)
    assert code == 1
    assert f"error: {SHOWN}/contacts.csv: cannot be read (permission denied)" in _lines(out)


def test_missing_required_903_file(tmp_path, capsys):
    root = build_raw(tmp_path)
    (root / HEADER).unlink()
    code, out, _ = validate(capsys, root)
    assert code == 1 and f"error: {SHOWN}/ssda903/Header.csv: file not found" in _lines(out)


def test_blank_lines_keep_line_numbers_right(tmp_path, capsys):
    root = build_raw(tmp_path)
    text = (root / CONTACTS).read_text().replace("\nC2,", "\n\n   \nC2,").replace("30/08/2016", "30-08-2016")
    put(root, CONTACTS, text)
    code, out, _ = validate(capsys, root)
    assert code == 1
    # C2 is on line 5 of the file (header, C1, two blank lines, C2)
    assert any(ln.startswith(f"error: {SHOWN}/contacts.csv:line 5: field Date of Contact: value '30-08-2016'")
               for ln in _lines(out)), out


def test_raw_folder_not_found(tmp_path, capsys):
    code, out, err = validate(capsys, tmp_path / "nowhere")
    assert code == 1 and "raw data folder not found" in err


def test_year_folder_not_found(tmp_path, capsys):
    root = build_raw(tmp_path)
    code, out, _ = validate(capsys, root, year="2015-16")
    assert code == 1 and f"error: {LA}/2015-16: year folder not found" in _lines(out)


def test_la_toml_not_toml(tmp_path, capsys):
    root = build_raw(tmp_path)
    put(root, "la.toml", HOSTILE / "png_as_xml.xml")
    code, out, _ = validate(capsys, root)
    assert code == 1 and f"error: {LA}/la.toml: not UTF-8 text" in _lines(out)
