"""``tables.xlsx`` (openpyxl) and ``report.docx`` (python-docx), reproducible to the byte.

Word and Excel files are zip archives that carry the time they were written (in each
member's header and in ``docProps/core.xml``); :func:`normalise_zip` rewrites them with a
fixed time (1 January 1980, the zip epoch, long before any child in the data was born)
so that the same tables give the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reporting.report.tables import NOT_AVAILABLE, SUPPRESSED, VALUE, Presented

FIXED_TIME = datetime(1980, 1, 1, 0, 0, 0)
FIXED_ISO = "1980-01-01T00:00:00Z"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class Item:
    """One table of the report with its number, chart and section."""

    number: int
    presented: Presented
    section_title: str
    section_number: int
    chart_png: bytes | None = None
    chart_alt: str = ""
    figure_number: int | None = None


def normalise_zip(data: bytes) -> bytes:
    """The same archive with fixed member times and fixed core-property dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)", rf"\g<1>{FIXED_ISO}\g<3>", text)
                text = re.sub(r"(<cp:lastPrinted>)[^<]*(</cp:lastPrinted>)", rf"\g<1>{FIXED_ISO}\g<2>", text)
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            dst.writestr(zi, body, compresslevel=6)
    return out.getvalue()


def sheet_name(table_id: str) -> str:
    """The sheet of a table (Excel allows 31 characters)."""
    return table_id[:31]


# -- Excel ---------------------------------------------------------------------------------
NOTICE_FILL = "FFF2B3"


def write_xlsx(items: Sequence[Item], title: str, notes: Sequence[str], notice: str | None = None) -> bytes:
    """One sheet per table, numbers as numbers (rounded as printed), and a contents sheet.

    ``notice`` (synthetic data, :func:`reporting.report.provenance.synthetic_notice`) is written
    in row 2 of every sheet, in bold on a yellow fill (frozen with the header, so it stays in
    view), in every sheet's printed page header and in the workbook's properties.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.properties.creator = "reporting"
    wb.properties.title = title
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E8EEF6")

    def mark(ws) -> None:
        """The synthetic-data notice in row 2 and the printed page header."""
        if not notice:
            return
        c = ws.cell(2, 1, notice)
        c.font = Font(bold=True, color="9C0006")
        c.fill = PatternFill("solid", fgColor=NOTICE_FILL)
        ws.oddHeader.center.text = notice.replace("&", "&&")
        ws.oddHeader.center.font = "Arial,Bold"

    if notice:
        wb.properties.subject = notice
        wb.properties.keywords = "synthetic data"
    contents = wb.active
    contents.title = "Contents"
    contents["A1"] = title
    contents["A1"].font = Font(bold=True, size=14)
    mark(contents)
    r = 3
    for n in notes:
        contents.cell(r, 1, n)
        r += 1
    r += 1
    contents.cell(r, 1, "Sheet").font = bold
    contents.cell(r, 2, "Table").font = bold
    contents.cell(r, 3, "Section").font = bold
    for it in items:
        r += 1
        name = sheet_name(it.presented.spec.id)
        c = contents.cell(r, 1, name)
        c.hyperlink = f"#'{name}'!A1"
        contents.cell(r, 2, f"Table {it.number}: {it.presented.caption}")
        contents.cell(r, 3, it.section_title)
    contents.column_dimensions["A"].width = 26
    contents.column_dimensions["B"].width = 90
    contents.column_dimensions["C"].width = 40

    for it in items:
        p = it.presented
        ws = wb.create_sheet(sheet_name(p.spec.id))
        ws["A1"] = f"Table {it.number}: {p.caption}"
        ws["A1"].font = Font(bold=True, size=12)
        mark(ws)
        top = 3
        if p.two_level:
            periods = list(dict.fromkeys(p.values.columns.get_level_values(0)))
            parts = list(dict.fromkeys(p.values.columns.get_level_values(1)))
            ws.cell(top, 1, p.values.index.name or "").font = bold
            ws.cell(top, 2, "Unit").font = bold
            col = 3
            for per in periods:
                ws.cell(top, col, per).font = bold
                if len(parts) > 1:
                    ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + len(parts) - 1)
                for k, part in enumerate(parts):
                    ws.cell(top + 1, col + k, part).font = bold
                col += len(parts)
            first = top + 2
            for i, label in enumerate(p.values.index):
                ws.cell(first + i, 1, label)
                ws.cell(first + i, 2, p.units[i])
                for j, (per_part, v) in enumerate(zip(p.values.columns, p.values.iloc[i], strict=True)):
                    c = ws.cell(first + i, 3 + j, v)
                    if isinstance(v, float):
                        c.number_format = "0.0"
                    elif isinstance(v, int):
                        c.number_format = "0"
                    if v in (NOT_AVAILABLE, SUPPRESSED):
                        c.alignment = Alignment(horizontal="right")
                    del per_part
            ncols = 2 + len(p.values.columns)
            header_rows = (top, top + 1)
        else:
            ws.cell(top, 1, p.values.index.name or "").font = bold
            for j, name in enumerate(p.values.columns):
                ws.cell(top, 2 + j, str(name)).font = bold
            first = top + 1
            for i, label in enumerate(p.values.index):
                ws.cell(first + i, 1, str(label))
                for j, v in enumerate(p.values.iloc[i]):
                    ws.cell(first + i, 2 + j, v)
            ncols = 1 + len(p.values.columns)
            header_rows = (top,)
        for hr in header_rows:
            for j in range(1, ncols + 1):
                ws.cell(hr, j).fill = head_fill
        last = first + len(p.values)
        for k, n in enumerate(p.shown_notes):
            ws.cell(last + 1 + k, 1, n)
        ws.column_dimensions["A"].width = 58
        for j in range(2, ncols + 1):
            ws.column_dimensions[get_column_letter(j)].width = 13
        ws.freeze_panes = ws.cell(first, 3 if p.two_level else 2)
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue())


# -- Word ----------------------------------------------------------------------------------
def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


TABLE_CELL_STYLE = "Table Cell"  # 7.5 pt, no space after: defined once per document
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _add_table_cell_style(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    style = doc.styles.add_style(TABLE_CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(7.5)
    style.paragraph_format.space_after = Pt(0)


def _set_cell(cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    """Write ``text`` into the cell's first (empty) paragraph in the table-cell style.

    Written as WordprocessingML directly (a paragraph style, optional right alignment, one run,
    bold for header cells): python-docx's run and font setters cost about 0.3 ms a cell, and a
    report has about 5,000 cells.
    """
    from lxml import etree

    p = cell._tc.p_lst[0]
    ppr = p.find(f"{{{_W}}}pPr")
    if ppr is None:
        ppr = etree.Element(f"{{{_W}}}pPr")
        p.insert(0, ppr)
    etree.SubElement(ppr, f"{{{_W}}}pStyle").set(f"{{{_W}}}val", "TableCell")
    if right:
        etree.SubElement(ppr, f"{{{_W}}}jc").set(f"{{{_W}}}val", "right")
    run = etree.SubElement(p, f"{{{_W}}}r")
    if bold:
        etree.SubElement(etree.SubElement(run, f"{{{_W}}}rPr"), f"{{{_W}}}b")
    t = etree.SubElement(run, f"{{{_W}}}t")
    t.text = text
    if text != text.strip():
        t.set(_XML_SPACE, "preserve")


def _word_table(doc, p: Presented) -> None:
    two = p.two_level
    if two:
        periods = list(dict.fromkeys(p.text.columns.get_level_values(0)))
        parts = list(dict.fromkeys(p.text.columns.get_level_values(1)))
        grouped = parts != [VALUE]
    else:
        periods, parts, grouped = [str(c) for c in p.text.columns], [], False
    header_rows = 2 if grouped else 1
    ncols = 1 + len(p.text.columns)
    table = doc.add_table(rows=header_rows + len(p.text), cols=ncols)  # an empty table: its notes say why
    table.style = "Table Grid"
    hdr = table.rows[0].cells
    _set_cell(hdr[0], p.text.index.name or "", bold=True)
    if grouped:
        col = 1
        for per in periods:
            merged = hdr[col].merge(hdr[col + len(parts) - 1]) if len(parts) > 1 else hdr[col]
            _set_cell(merged, per, bold=True)
            for k, part in enumerate(parts):
                _set_cell(table.rows[1].cells[col + k], part, bold=True)
            col += len(parts)
        table.rows[0].cells[0].merge(table.rows[1].cells[0])
    else:
        for j, name in enumerate(periods):
            _set_cell(hdr[1 + j], name, bold=True)
    for r in range(header_rows):
        _repeat_header(table.rows[r])
        for c in table.rows[r].cells:
            _shade(c, "E8EEF6")
    for i, label in enumerate(p.text.index):
        cells = table.rows[header_rows + i].cells
        _set_cell(cells[0], str(label))
        for j, v in enumerate(p.text.iloc[i]):
            _set_cell(cells[1 + j], v, right=two)


def _shade_paragraph(paragraph, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    paragraph._p.get_or_add_pPr().append(shd)


def _picture(doc, png: bytes, alt: str, width_cm: float) -> None:
    from docx.shared import Cm

    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
    inline = doc.inline_shapes[-1]._inline
    inline.docPr.set("descr", alt)
    inline.docPr.set("title", alt[:120])


def write_docx(items: Sequence[Item], sentences: dict[str, list[str]], sections: Sequence[tuple[str, str]],
               *, council: str, year: str, intro: Sequence[str], notice: str | None = None) -> bytes:
    """The tables, charts and computed sentences as an editable Word appendix.

    Laid out as a council committee report appendix: a title block, numbered sections
    with numbered paragraphs, captioned tables (header rows repeat across pages) and
    charts with alternative text, on landscape A4.

    ``notice`` (synthetic data, :func:`reporting.report.provenance.synthetic_notice`) is shown
    in the title block, in bold on a yellow shading, and in the header of every page.
    """
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    cp = doc.core_properties
    cp.author = "reporting"
    cp.last_modified_by = "reporting"
    cp.title = f"{council}: annual safeguarding report {year}, appendix" + (" (synthetic data)" if notice else "")
    if notice:
        cp.subject = notice
        cp.keywords = "synthetic data"
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    _add_table_cell_style(doc)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(1.8))
    sec.top_margin = sec.bottom_margin = Cm(1.6)
    if notice:
        head = sec.header.paragraphs[0]
        head.add_run(notice).bold = True
        _shade_paragraph(head, NOTICE_FILL)

    doc.add_paragraph("Appendix 1").runs[0].bold = True
    if notice:
        banner = doc.add_paragraph()
        banner.add_run("Not real data. ").bold = True
        banner.add_run(notice).bold = True
        _shade_paragraph(banner, NOTICE_FILL)
    doc.add_heading(f"{council}: annual safeguarding report {year}", level=0)
    doc.add_paragraph("Performance tables and charts").runs[0].italic = True
    for line in intro:
        doc.add_paragraph(line)

    by_section: dict[str, list[Item]] = {}
    for it in items:
        by_section.setdefault(it.presented.spec.section, []).append(it)
    for n, (sid, title) in enumerate(sections, start=1):
        doc.add_heading(f"{n}. {title}", level=1)
        k = 0
        for s in sentences.get(sid, []):
            k += 1
            doc.add_paragraph(f"{n}.{k}\t{s}")
        for it in by_section.get(sid, []):
            p = it.presented
            cap = doc.add_paragraph()
            cap.add_run(f"Table {it.number}: {p.caption}").bold = True
            cap.paragraph_format.keep_with_next = True
            _word_table(doc, p)
            for note in p.shown_notes:
                para = doc.add_paragraph(note)
                para.runs[0].font.size = Pt(8)
            if it.chart_png is not None:
                _picture(doc, it.chart_png, it.chart_alt, 17.0)
                fig = doc.add_paragraph()
                fig.add_run(f"Figure {it.figure_number}: {p.caption}").italic = True
                fig.add_run(f". {it.chart_alt}").font.size = Pt(8)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


def docx_tables(path: Path | str) -> list[list[list[str]]]:
    """Every table of a Word file as rows of cell texts (for checking a report read back)."""
    from docx import Document

    doc = Document(str(path))
    out = []
    for t in doc.tables:
        rows = []
        for row in t.rows:
            rows.append([c.text for c in row.cells])
        out.append(rows)
    return out
