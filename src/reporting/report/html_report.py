"""HTML for the report: table and chart blocks (shown by the notebooks) and the whole page.

Tables have a caption, real header cells (``<th scope="col|colgroup|row">``), column
groups for the periods, and sit in a keyboard-focusable scrolling region; charts are
inline SVG with ``role="img"`` and their alternative text. The page is one
self-contained file: no scripts, no external fonts, styles or images.
"""

from __future__ import annotations

from html import escape

from reporting.report.tables import TABLES, VALUE, Presented, TableSpec, row_label

CHARTED = [t.id for t in TABLES if t.chart != "none"]


def table_number(table_id: str) -> int:
    """The table's number in the report (tables are numbered in report order)."""
    return [t.id for t in TABLES].index(table_id) + 1


def figure_number(table_id: str) -> int:
    """The number of the table's chart (charts are numbered in report order)."""
    return CHARTED.index(table_id) + 1


def _cell(text: str) -> str:
    return escape(text) if text else ""


def table_html(p: Presented) -> str:
    """A table block: heading, table with caption and header cells, notes and definitions."""
    tid = p.spec.id
    n = table_number(tid)
    cap_id = f"table-{tid}-caption"
    out = [f'<div class="table-block" id="table-{tid}">',
           f'<h3 id="table-{tid}-heading">{escape(p.spec.title)}</h3>',
           f'<div class="table-wrap" role="region" aria-labelledby="{cap_id}" tabindex="0">',
           '<table>',
           f'<caption id="{cap_id}"><span class="table-number">Table {n}:</span> {escape(p.caption)}</caption>']
    row_header = escape(p.text.index.name or "")
    if p.two_level:
        periods = list(dict.fromkeys(p.text.columns.get_level_values(0)))
        parts = list(dict.fromkeys(p.text.columns.get_level_values(1)))
        grouped = parts != [VALUE]
        out.append('<colgroup><col class="label"></colgroup>')
        if grouped:
            out += [f'<colgroup span="{len(parts)}" class="period"></colgroup>' for _ in periods]
            out.append("<thead>")
            out.append(f'<tr><th scope="col" rowspan="2">{row_header}</th>'
                       + "".join(f'<th scope="colgroup" colspan="{len(parts)}">{escape(per)}</th>' for per in periods)
                       + "</tr>")
            out.append("<tr>" + "".join(f'<th scope="col">{escape(part)}</th>' for _ in periods for part in parts)
                       + "</tr>")
        else:
            out.append("<thead>")
            out.append(f'<tr><th scope="col">{row_header}</th>'
                       + "".join(f'<th scope="col">{escape(per)}</th>' for per in periods) + "</tr>")
        out.append("</thead>")
    else:
        out.append("<thead>")
        out.append(f'<tr><th scope="col">{row_header}</th>'
                   + "".join(f'<th scope="col">{escape(str(c))}</th>' for c in p.text.columns) + "</tr>")
        out.append("</thead>")
    out.append("<tbody>")
    numeric = p.two_level
    for label, line in zip(p.text.index, p.text.itertuples(index=False), strict=True):
        cls = ' class="num"' if numeric else ""
        out.append(f'<tr><th scope="row">{escape(str(label))}</th>'
                   + "".join(f"<td{cls}>{_cell(v)}</td>" for v in line) + "</tr>")
    out.append("</tbody></table></div>")
    notes = p.shown_notes  # an empty table has no body row: its notes say why
    if notes:
        out.append('<ul class="table-notes">' + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>")
    if p.spec.rows:
        out.append(definitions_html(p.spec))
    if p.spec.source:
        out.append(f'<p class="source">Published source: {escape(p.spec.source)}.</p>')
    out.append("</div>")
    return "\n".join(out)


def definitions_html(spec: TableSpec) -> str:
    """What each row counts: numerator and denominator wording from the indicator registry."""
    from reporting.indicators.registry import registry

    reg = registry()
    items = []
    for row in dict.fromkeys(spec.rows):
        ind = reg.get(row.indicator)
        if ind is None:
            continue
        parts = [f"Numerator: {ind.numerator}"]
        if ind.denominator:
            parts.append(f"denominator: {ind.denominator}")
        elif ind.unit == "rate_per_10k":
            parts.append("denominator: children aged 0-17 (mid-year population estimate)")
        parts.append(f"source: {ind.source}")
        label = row_label(row) + (f" ({row.breakdown})" if row.breakdown else "")
        items.append(f"<dt>{escape(label)}</dt><dd>{escape('; '.join(parts))}.</dd>")
    return ('<details class="definitions"><summary>Definitions</summary><dl>' + "".join(items)
            + "</dl></details>")


def figure_html(chart, title: str) -> str:
    """A chart block: the inline SVG (with its alternative text) and a numbered caption."""
    n = figure_number(chart.id)
    return (f'<figure class="chart" id="figure-{chart.id}">\n{chart.inline_svg.strip()}\n'
            f'<figcaption><span class="figure-number">Figure {n}:</span> {escape(title)}</figcaption>\n'
            f"</figure>")


def sentences_html(sentences: list[str]) -> str:
    """The computed sentences as paragraphs."""
    if not sentences:
        return '<div class="narrative"><p>No computed sentences: the figures they need are not available.</p></div>'
    return '<div class="narrative">' + "".join(f"<p>{escape(s)}</p>" for s in sentences) + "</div>"


CSS = """
:root { color-scheme: light; }
body { font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; background: #fff; line-height: 1.5;
       margin: 0 auto; max-width: 70rem; padding: 1rem 1.5rem 3rem; font-size: 1rem; }
a { color: #1d4f91; }
a:focus, .table-wrap:focus { outline: 3px solid #ffbf47; outline-offset: 2px; }
h1 { font-size: 2rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.5rem; border-bottom: 2px solid #1d4f91; padding-bottom: 0.2rem; margin-top: 2.5rem; }
h3 { font-size: 1.15rem; margin: 1.75rem 0 0.5rem; }
.subtitle { color: #3d3d3d; margin-top: 0; }
nav ol { list-style: none; padding-left: 1.2rem; } nav li { margin: 0.15rem 0; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.25rem 0; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; caption-side: top; }
th, td { border: 1px solid #8c8c8c; padding: 0.2rem 0.45rem; vertical-align: top; }
thead th { background: #e8eef6; text-align: center; }
tbody th { text-align: left; font-weight: normal; background: #f7f7f7; min-width: 14rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-notes, .source { font-size: 0.85rem; color: #3d3d3d; }
details.definitions { font-size: 0.85rem; margin: 0.3rem 0; }
details.definitions dt { font-weight: bold; margin-top: 0.3rem; }
details.definitions dd { margin-left: 1rem; }
figure.chart { margin: 1rem 0 1.5rem; }
figure.chart svg { width: 100%; max-width: 52rem; height: auto; display: block; }
figcaption { font-size: 0.9rem; color: #3d3d3d; }
.narrative p { margin: 0.5rem 0; }
.skip { position: absolute; left: -999px; } .skip:focus { position: static; }
.synthetic-notice { background: #fff2b3; border: 3px solid #1a1a1a; padding: 0.5rem 0.75rem; font-weight: bold;
                    margin: 0.75rem 0; }
footer { margin-top: 3rem; font-size: 0.85rem; color: #3d3d3d; border-top: 1px solid #8c8c8c; }
@media print { .table-wrap { overflow: visible; } h2 { break-before: page; } }
"""


def page(title: str, subtitle: str, contents: list[tuple[str, str, list[tuple[str, str]]]],
         sections: list[tuple[str, str, str]], footer: str, notice: str | None = None) -> str:
    """The whole report page.

    Parameters
    ----------
    title, subtitle : str
    contents : list of (section id, heading, [(anchor, entry), ...])
    sections : list of (section id, heading, inner HTML)
    footer : str
        Plain text.
    notice : str, optional
        Synthetic data (:func:`reporting.report.provenance.synthetic_notice`): a banner at the
        top of the page, and the window title and footer say so too.
    """
    nav = ['<nav aria-labelledby="contents-heading"><h2 id="contents-heading">Contents</h2><ol>']
    for sid, heading, entries in contents:
        nav.append(f'<li><a href="#{sid}">{escape(heading)}</a>')
        if entries:
            nav.append("<ol>" + "".join(f'<li><a href="#{a}">{escape(e)}</a></li>' for a, e in entries) + "</ol>")
        nav.append("</li>")
    nav.append("</ol></nav>")
    body = []
    for sid, heading, inner in sections:
        body.append(f'<section id="{sid}" aria-labelledby="{sid}-heading">\n'
                    f'<h2 id="{sid}-heading">{escape(heading)}</h2>\n{inner}\n</section>')
    window_title, banner, foot = title, "", f"<p>{escape(footer)}</p>"
    if notice:
        window_title = f"{title} (synthetic data)"
        banner = f'<p class="synthetic-notice" id="synthetic-notice"><strong>Not real data.</strong> {escape(notice)}</p>'
        foot = f'<p class="synthetic-notice">{escape(notice)}</p>' + foot
    return ("<!DOCTYPE html>\n"
            '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(window_title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            '<a class="skip" href="#main">Skip to the report</a>\n'
            f'<header>{banner}<h1>{escape(title)}</h1><p class="subtitle">{escape(subtitle)}</p></header>\n'
            + "\n".join(nav) + '\n<main id="main">\n' + "\n".join(body) + "\n</main>\n"
            f"<footer>{foot}</footer>\n</body>\n</html>\n")
