"""What the report's writers say around the figures, without a build: the synthetic-data notice
(HTML, Word, Excel) only for councils whose ``la.toml`` says their data is made up, empty list
tables printed alike in the three outputs, and the wording of the inspection sentence."""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest

from reporting.report import html_report, narrative, office, tables
from reporting.report.provenance import (
    DEMO_NOTICE,
    DEMO_UNCALIBRATED_NOTICE,
    GENERATED_NOTICE,
    council,
    synthetic_notice,
)

REAL_TOML = """name = "Hampshire"
la_code = "850"
la_code_9 = "E10000014"
region = "South East"
comparators = ["886", "936"]
"""
DEMO_TOML = REAL_TOML + '\n[demo]\nsynthetic = true\ncalibrated = true\nseed = 1\n'


# -- the notice ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("extra", "notice"), [
    ({}, None),  # a real council: no [demo] or [generator] table
    ({"demo": {"synthetic": True, "calibrated": True}}, DEMO_NOTICE),
    ({"demo": {"synthetic": True}}, DEMO_UNCALIBRATED_NOTICE),
    ({"demo": {"synthetic": False}}, None),
    ({"demo": {"synthetic": "yes"}}, None),  # only the TOML boolean counts
    ({"generator": {"synthetic": True, "seed": 7}}, GENERATED_NOTICE),
    ({"other": {"synthetic": True}}, None),
])
def test_the_notice_comes_from_la_toml_only(extra, notice):
    assert synthetic_notice(extra) == notice


def test_the_demo_notice_says_not_real_children_and_calibrated():
    assert DEMO_NOTICE.startswith("Synthetic demonstration data — not real children; figures calibrated to "
                                  "published statistics")


@pytest.mark.parametrize(("text", "notice"), [(REAL_TOML, None), (DEMO_TOML, DEMO_NOTICE)])
def test_council_reads_name_code_and_notice(tmp_path, text, notice):
    (tmp_path / "la.toml").write_text(text, encoding="utf-8")
    c = council(tmp_path, "hampshire")
    assert (c.slug, c.name, c.la_code, c.notice, c.synthetic) == ("hampshire", "Hampshire", "850", notice,
                                                                   notice is not None)


def test_an_unreadable_la_toml_gives_the_slug_and_no_notice(tmp_path):
    assert council(tmp_path, "hampshire").name == "hampshire"


# -- writers ----------------------------------------------------------------------------------------
def _indicator_item() -> office.Item:
    figures = tables.IndicatorSet({"2016-17": pd.DataFrame([
        {"indicator_id": "contacts", "period_label": "2016-17", "breakdown": "", "numerator": 10,
         "denominator": None, "value": 10.0, "unit": "count", "note": ""}])})
    p = tables.presented_table("contacts_referrals", figures, "2016-17")
    return office.Item(html_report.table_number("contacts_referrals"), p, "Contacts and referrals", 2)


def _empty_dq_item(summary: pd.DataFrame | None) -> office.Item:
    p = tables.data_quality_table(summary, "2016-17")
    return office.Item(html_report.table_number("data_quality"), p, "Data quality", 11)


def _texts(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def _page(notice):
    return html_report.page("Hampshire: annual safeguarding report 2016-17", "Subtitle",
                            [("overview", "1. Headline figures", [])],
                            [("overview", "1. Headline figures", "<p>x</p>")],
                            "Produced by the reporting toolkit from Hampshire's returns.", notice=notice)


def test_html_banner_title_and_footer_say_synthetic_only_when_told():
    page = _page(DEMO_NOTICE)
    header = page[page.index("<header>"):page.index("</header>")]
    assert header.index('class="synthetic-notice"') < header.index("<h1>")  # above the title
    assert "not real children" in header
    assert "<title>Hampshire: annual safeguarding report 2016-17 (synthetic data)</title>" in page
    footer = page[page.index("<footer>"):page.index("</footer>")]
    assert "not real children" in footer and "Hampshire&#x27;s returns" in footer
    plain = _page(None)
    shown = plain[:plain.index("<style>")] + plain[plain.index("</style>"):]  # the stylesheet has the class
    assert "synthetic" not in shown.lower() and "not real" not in shown.lower()


def test_excel_notice_on_every_sheet_and_in_the_page_header():
    from openpyxl import load_workbook

    items = [_indicator_item(), _empty_dq_item(pd.DataFrame(columns=tables.DATA_QUALITY_COLUMNS))]
    data = office.write_xlsx(items, "Hampshire: annual safeguarding report 2016-17", ["Council: Hampshire"],
                             notice=DEMO_NOTICE)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Contents", "contacts_referrals", "data_quality"]
    for ws in wb.worksheets:
        assert ws["A2"].value == DEMO_NOTICE and ws["A2"].font.b, ws.title
        assert "not real children" in ws.oddHeader.center.text, ws.title
    plain = office.write_xlsx(items, "Hampshire: annual safeguarding report 2016-17", ["Council: Hampshire"])
    assert all(ws["A2"].value is None for ws in load_workbook(io.BytesIO(plain)).worksheets)
    assert "synthetic" not in _texts(plain).lower()


def test_word_notice_in_the_title_block_and_every_page_header():
    from docx import Document

    items = [_indicator_item()]
    sections = [("contacts_referrals", "Contacts and referrals")]
    data = office.write_docx(items, {}, sections, council="Hampshire", year="2016-17", intro=["Intro"],
                             notice=DEMO_NOTICE)
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    title = texts.index("Hampshire: annual safeguarding report 2016-17")
    assert any(DEMO_NOTICE in t for t in texts[:title]), "the notice is above the title"
    assert DEMO_NOTICE in "".join(p.text for p in doc.sections[0].header.paragraphs)
    assert "synthetic" in doc.core_properties.title
    plain = office.write_docx(items, {}, sections, council="Hampshire", year="2016-17", intro=["Intro"])
    assert "synthetic" not in _texts(plain).lower() and "not real" not in _texts(plain).lower()


# -- empty list tables ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("summary", "note"), [
    (pd.DataFrame(columns=tables.DATA_QUALITY_COLUMNS), "No warnings."),
    (None, "No validation summary supplied."),
])
def test_an_empty_list_table_has_no_body_row_and_says_why_once_in_every_output(summary, note):
    from docx import Document
    from openpyxl import load_workbook

    item = _empty_dq_item(summary)
    assert item.presented.shown_notes == [note]
    html = html_report.table_html(item.presented)
    assert "None." not in html and html.count(note) == 1
    assert re.search(r"<tbody>\s*</tbody>", html)

    doc = Document(io.BytesIO(office.write_docx([item], {}, [("data_quality", "Data quality")], council="X",
                                                year="2016-17", intro=[])))
    assert len(doc.tables) == 1 and len(doc.tables[0].rows) == 1  # the header row only
    texts = [p.text for p in doc.paragraphs]
    assert texts.count(note) == 1 and "None." not in texts

    ws = load_workbook(io.BytesIO(office.write_xlsx([item], "t", []))).worksheets[1]
    cells = [c for row in ws.iter_rows(min_row=4, values_only=True) for c in row if c is not None]
    assert cells == [note]


def test_an_empty_list_table_without_a_note_says_none_as_its_note():
    p = tables.data_quality_table(pd.DataFrame(columns=tables.DATA_QUALITY_COLUMNS), "2016-17")
    p.notes = []
    assert p.shown_notes == [tables.EMPTY_NOTE]
    html = html_report.table_html(p)
    assert html.count("None.") == 1 and re.search(r"<tbody>\s*</tbody>", html)


# -- sentences -----------------------------------------------------------------------------------------
def _inspections(overall: list[str], settings: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"inspection_date": pd.to_datetime(["2016-06-01"] * len(overall)),
                         "setting": settings, "overall": overall})


def test_the_inspection_sentence_says_what_was_judged_good():
    f = narrative.Figures(tables.IndicatorSet({}), "2016-17")
    df = _inspections(["Good", "Outstanding", "Requires improvement"], ["A", "A", "B"])
    (s,) = narrative.quality_inspections(f, df)
    assert s == ("Ofsted made 3 inspections of 2 of the council's homes in 2016-17; 2 of the 3 inspections "
                 "judged the home good or outstanding overall.")
    (one,) = narrative.quality_inspections(f, _inspections(["Good"], ["A"]))
    assert one == ("Ofsted made 1 inspection of 1 of the council's homes in 2016-17; it judged the home good or "
                   "outstanding overall.")


# -- the Hampshire demo's report (built once per run, shared with the figures tests) -------------------
@pytest.fixture(scope="session")
def hampshire(tmp_path_factory):
    from helpers_report import hampshire_build

    return hampshire_build(tmp_path_factory)


def test_the_demo_report_says_it_is_synthetic_names_hampshire_and_prints_published_figures_alike(hampshire):
    import json

    from openpyxl import load_workbook

    from reporting.published.figures import printed_decimals

    html = (hampshire / "report.html").read_text(encoding="utf-8")
    header = html[html.index("<header>"):html.index("</header>")]
    assert "Synthetic demonstration data — not real children; figures calibrated to published statistics" in header
    assert "from Hampshire&#x27;s returns" in html and "hampshire&#x27;s" not in html
    m = json.loads((hampshire / "manifest.json").read_text(encoding="utf-8"))
    assert (m["la"], m["council"], m["synthetic_data"], m["data_notice"]) == ("hampshire", "Hampshire", True,
                                                                             DEMO_NOTICE)
    wb = load_workbook(hampshire / "tables.xlsx")
    assert all(ws["A2"].value == DEMO_NOTICE for ws in wb.worksheets)
    assert "Council: Hampshire (DfE local authority code 850); year 2016-17." in \
        [r[0] for r in wb["Contents"].iter_rows(values_only=True)]

    # reconciliation: published and recomputed in the same format, the figure as printed beside them
    ws = wb["reconciliation"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    head = list(rows[0])
    at = {c: head.index(c) for c in ("Figure", "Role", "Published", "Recomputed", "Status", "As printed")}
    body = rows[1:rows.index(next(r for r in rows[1:] if all(v is None for v in r)))]  # notes follow a blank row
    by_id = {r[at["Figure"]]: r for r in body}
    s47 = by_id["001-t3.4-s47_to_icpc-2016-17-denom"]
    assert (s47[at["Published"]], s47[at["Recomputed"]], s47[at["As printed"]]) == (4211, 4211, "4,211")
    assert by_id["dfe-referrals_nfa_percent-2016-17"][at["As printed"]] == "17.4"
    assert by_id["001-t3.7-cpp_repeat-2016-17-denom"][at["Role"]] == "numerator (001's Denom column)"
    text = html[html.index('id="table-reconciliation"'):html.index('id="table-published_contradictions"')]
    cells = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>((?:<td>[^<]*</td>)+)</tr>", text)
    assert len(cells) == len(by_id)
    for fid, tds in cells:
        published, recomputed = re.findall(r"<td>([^<]*)</td>", tds)[4:6]
        if "n/a" in (published, recomputed):
            continue
        assert published.endswith("%") == recomputed.endswith("%"), (fid, published, recomputed)
        assert "," not in published + recomputed, fid
        printed = by_id[fid][at["As printed"]]
        assert printed_decimals(published) == printed_decimals(recomputed) == printed_decimals(printed), fid
    assert any(p.endswith("%") for p in re.findall(r"<td>([^<]*)</td>", text))

    # the empty data-quality table: its note, no "None." row
    dq = html[html.index('id="table-data_quality"'):]
    dq = dq[:dq.index("</div>\n</section>") if "</div>\n</section>" in dq else len(dq)]
    assert "None." not in dq
