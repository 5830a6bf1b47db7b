"""One chart per table: trend lines, stacked shares, quarterly flows, bars and small multiples.

Charts are drawn with matplotlib's object interface (no pyplot state, so nothing is
shown twice in a notebook) under a fixed style:

* **Deterministic**: ``svg.hashsalt`` is fixed, SVG and PNG metadata carry no date or
  software name, and the SVG's ids are prefixed with the table id (so that several charts
  can share one HTML page). The same figures give the same bytes.
* **Accessible** (WCAG 2.2 AA): every colour of :data:`PALETTE` has a contrast of at least
  3:1 against the white background (checked by the tests), colours come from a
  colour-blind-safe set, and each series also has its own marker and line style (lines)
  or hatching (bars), so colour never carries meaning alone. Each chart has alternative
  text stating its message, generated from the figures (:func:`alt_text`), in the SVG's
  ``<title>`` (with ``role="img"``) and beside the PNG in Word.

Charts plot the figures as printed (rounded; suppressed cells and ``n/a`` left out).
"""

from __future__ import annotations

import html
import io
import re
import textwrap
from dataclasses import dataclass

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import StrMethodFormatter

from reporting.report.tables import VALUE, Presented, row_label, row_unit

# Okabe-Ito colours with at least 3:1 contrast on white, then darker companions.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#332288", "#8C6D00", "#882255", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "p", "h", "<")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2, 2, 2)))
HATCHES = ("", "//", "\\\\", "xx", "||", "--", "++", "/|", "\\-", "-/", "|\\")  # line hatches: small SVGs
BACKGROUND = "#FFFFFF"
TEXT = "#1A1A1A"
GRID = "#D0D0D0"

STYLE = {
    "svg.hashsalt": "reporting-report",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": TEXT,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "text.color": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.frameon": False,
    "hatch.linewidth": 0.8,
    "path.simplify": False,
}
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
PNG_METADATA = {"Software": None}
PNG_DPI = 150
UNIT_AXIS = {"count": "Number", "percent": "%", "rate_per_10k": "Per 10,000 children"}
UNIT_ORDER = ("count", "percent", "rate_per_10k")


@dataclass
class Chart:
    """A rendered chart.

    Attributes
    ----------
    id : str
        The table id.
    alt : str
        Alternative text stating the chart's message.
    svg : str
        Standalone SVG document (with its ``<title>``).
    png : bytes or None
        PNG image when asked for.
    """

    id: str
    alt: str
    svg: str
    png: bytes | None = None

    @property
    def inline_svg(self) -> str:
        """The SVG element alone, for embedding in HTML."""
        return self.svg[self.svg.index("<svg"):]


# -- figures as numbers ------------------------------------------------------------------------
def _num(v) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def series(p: Presented) -> tuple[list[str], list[tuple[str, str, str, list[float | None]]]]:
    """Periods and, per row, ``(indicator, short label, unit, printed values)`` (None where absent)."""
    periods = list(dict.fromkeys(p.values.columns.get_level_values(0)))
    out = []
    for i, row in enumerate(p.spec.rows):
        vals = [_num(p.values.iloc[i][(period, VALUE)]) for period in periods]
        out.append((row.indicator, row.short or row_label(row), row_unit(row), vals))
    return periods, out


def fmt(v: float, unit: str) -> str:
    """A figure in words: ``16,666``, ``26.1%``, ``37.0 per 10,000``."""
    if unit == "count":
        return f"{int(v):,}"
    if unit == "percent":
        return f"{v:.1f}%"
    return f"{v:.1f} per 10,000"


# -- alternative text ------------------------------------------------------------------------
def _change_sentence(label: str, unit: str, periods: list[str], vals: list[float | None]) -> str | None:
    pts = [(p, v) for p, v in zip(periods, vals, strict=True) if v is not None]
    if not pts:
        return None
    if len(pts) == 1:
        return f"{label} was {fmt(pts[0][1], unit)} in {pts[0][0]}"
    (p0, v0), (p1, v1) = pts[-2], pts[-1]
    if v1 == v0:
        return f"{label} was unchanged at {fmt(v1, unit)} in {p0} and {p1}"
    verb = "rose" if v1 > v0 else "fell"
    return f"{label} {verb} from {fmt(v0, unit)} in {p0} to {fmt(v1, unit)} in {p1}"


def alt_text(p: Presented) -> str:
    """The chart's message in words, generated from the printed figures."""
    kind = p.spec.chart
    periods, rows = series(p)
    span = f"{periods[0]} to {periods[-1]}" if len(periods) > 1 else (periods[0] if periods else "")
    if not any(v is not None for *_, vals in rows for v in vals):
        return f"Chart: {p.spec.title}: no figures available."
    if kind in ("trend", "multiples"):
        sentences = [s for s in (_change_sentence(lbl, u, periods, v) for _, lbl, u, v in rows) if s]
        shown = sentences[:6]
        more = " Figures for the other rows are in the table." if len(sentences) > 6 else ""
        return f"Line chart: {p.spec.title}, {span}. " + "; ".join(shown) + "." + more
    if kind == "stacked":
        last = max(i for i in range(len(periods)) if any(v[i] is not None for *_, v in rows))
        ranked = sorted(((v[last], lbl, u) for _, lbl, u, v in rows if v[last] is not None), key=lambda t: -t[0])
        top = ", ".join(f"{lbl} ({fmt(val, u)})" for val, lbl, u in ranked[:3])
        lead = _change_sentence(ranked[0][1], ranked[0][2], periods,
                                next(v for _, lbl, _u, v in rows if lbl == ranked[0][1]))
        return (f"Stacked bar chart: {p.spec.title}, {span}. In {periods[last]} the largest were {top}. "
                f"{lead}.")
    if kind == "flows":
        by_id = {ind: (lbl, u, v) for ind, lbl, u, v in rows}
        last = max(i for i in range(len(periods)) if by_id["cla_started_q"][2][i] is not None)
        enter, leave = by_id["cla_started_q"][2][last], by_id["cla_ceased_q"][2][last]
        net = by_id["cla_net_q"][2][last]
        parts = [f"Bar chart: children entering and leaving care by quarter, {span}."]
        if enter is not None and leave is not None:
            more = "more" if enter > leave else "fewer" if enter < leave else "as many"
            parts.append(f"In {periods[last]}, {fmt(enter, 'count')} children entered care and "
                         f"{fmt(leave, 'count')} left, so {more} entered than left"
                         + (f" (net change {net:+.0f})." if net is not None else "."))
        entered = [(v, periods[i]) for i, v in enumerate(by_id["cla_started_q"][2]) if v is not None]
        hi = max(entered)
        parts.append(f"Entries were highest in {hi[1]} ({fmt(hi[0], 'count')}).")
        return " ".join(parts)
    # bars
    _, lbl, unit, vals = rows[0]
    pts = [(v, periods[i]) for i, v in enumerate(vals) if v is not None]
    hi = max(pts, key=lambda t: t[0])
    lo = min(pts, key=lambda t: t[0])
    return (f"Bar chart: {p.spec.title}, {span}: highest in {hi[1]} ({fmt(hi[0], unit)}), "
            f"lowest in {lo[1]} ({fmt(lo[0], unit)}).")


# -- drawing -----------------------------------------------------------------------------------
def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), facecolor=BACKGROUND)
    return fig


def _xaxis(ax, periods: list[str], crowded: bool = False) -> None:
    """Period ticks: quarters and months on two lines (``Jan-Mar`` over ``2016``); tilted when
    there are many or the panel is narrow."""
    ax.set_xticks(range(len(periods)))
    rotate = len(periods) > 8 or crowded
    labels = [p.replace(" ", "\n", 1) for p in periods]
    ax.set_xticklabels(labels, rotation=35 if rotate else 0, ha="right" if rotate else "center",
                       rotation_mode="anchor")
    ax.set_xlim(-0.5, len(periods) - 0.5)


def _yaxis(ax, unit: str) -> None:
    ax.set_ylabel(UNIT_AXIS[unit])
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _ylim_from_zero(ax, values: list[float]) -> None:
    lo = min([0.0, *values])
    hi = max([0.0, *values])
    pad = (hi - lo) * 0.08 or 1.0
    ax.set_ylim(lo - (pad if lo < 0 else 0), hi + pad)


def _draw_trend(fig: Figure, periods, rows) -> None:
    units = [u for u in UNIT_ORDER if any(r[2] == u for r in rows)]
    axes = fig.subplots(1, len(units), squeeze=False)[0]
    handles, labels = [], []
    k = 0
    for ax, unit in zip(axes, units, strict=True):
        vals_all = []
        for _, lbl, u, vals in rows:
            if u != unit:
                continue
            y = [float("nan") if v is None else v for v in vals]
            vals_all += [v for v in vals if v is not None]
            (line,) = ax.plot(range(len(periods)), y, color=PALETTE[k % len(PALETTE)],
                              marker=MARKERS[k % len(MARKERS)], linestyle=LINESTYLES[k % len(LINESTYLES)],
                              linewidth=1.8, markersize=5.5, label=lbl)
            handles.append(line)
            labels.append(lbl)
            k += 1
        _xaxis(ax, periods, crowded=len(units) > 1 and len(periods) > 3)
        _ylim_from_zero(ax, vals_all)
        _yaxis(ax, unit)
    ncol = min(len(labels), 3)
    fig.legend(handles, labels, loc="lower center", ncol=ncol, bbox_to_anchor=(0.5, 0.0))
    rows_of_legend = -(-len(labels) // ncol)
    fig.subplots_adjust(bottom=0.2 + 0.075 * rows_of_legend + (0.06 if len(units) > 1 else 0),
                        wspace=0.35, left=0.1, right=0.97, top=0.95)


def _draw_multiples(fig: Figure, periods, rows) -> None:
    n = len(rows)
    ncols = min(n, 5)
    nrows = -(-n // ncols)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.set_visible(False)
            continue
        _, lbl, unit, vals = rows[k]
        y = [float("nan") if v is None else v for v in vals]
        ax.plot(range(len(periods)), y, color=PALETTE[0], marker="o", markersize=3.5, linewidth=1.5)
        pts = [v for v in vals if v is not None]
        _ylim_from_zero(ax, pts)
        ax.set_title(textwrap.fill(lbl, 24), fontsize=8, loc="left")
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_xticks([0, len(periods) - 1] if len(periods) > 1 else [0])
        ax.set_xticklabels([periods[0], periods[-1]] if len(periods) > 1 else periods, fontsize=7)
        ax.set_xlim(-0.5, len(periods) - 0.5)
        ax.tick_params(axis="y", labelsize=7)
        if vals and vals[-1] is not None:
            ax.annotate(fmt(vals[-1], unit), (len(periods) - 1, vals[-1]), textcoords="offset points",
                        xytext=(0, 5), ha="right", fontsize=7)
    fig.subplots_adjust(hspace=0.7, wspace=0.45, left=0.07, right=0.98, top=0.9, bottom=0.1)


def _draw_stacked(fig: Figure, periods, rows) -> None:
    ax = fig.subplots()
    bottoms = [0.0] * len(periods)
    handles = []
    for k, (_, lbl, _u, vals) in enumerate(rows):
        heights = [v or 0.0 for v in vals]
        ax.bar(range(len(periods)), heights, bottom=bottoms, width=0.62, color=PALETTE[k % len(PALETTE)],
               hatch=HATCHES[k % len(HATCHES)], edgecolor=BACKGROUND, linewidth=0.8)
        handles.append(Patch(facecolor=PALETTE[k % len(PALETTE)], hatch=HATCHES[k % len(HATCHES)],
                             edgecolor=BACKGROUND, label=lbl))
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for i, total in enumerate(bottoms):
        if total == 0:
            ax.text(i, 0, "n/a", ha="center", va="bottom", fontsize=8)
    _xaxis(ax, periods)
    unit = rows[0][2]
    _yaxis(ax, unit)
    _ylim_from_zero(ax, bottoms)
    if unit == "percent":
        ax.set_ylim(0, 100)
    ax.legend(handles[::-1], [h.get_label() for h in handles][::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0),
              fontsize=8, handlelength=2.2, handleheight=1.4)
    fig.subplots_adjust(left=0.09, right=0.68, top=0.95, bottom=0.2 if len(periods) > 8 else 0.14)


def _draw_bars(fig: Figure, periods, rows) -> None:
    ax = fig.subplots()
    n = len(rows)
    width = 0.7 / n
    vals_all = []
    for k, (_, lbl, _u, vals) in enumerate(rows):
        xs = [i - 0.35 + width * (k + 0.5) for i in range(len(periods))]
        heights = [v or 0.0 for v in vals]
        vals_all += heights
        bars = ax.bar(xs, heights, width=width * 0.95, color=PALETTE[k % len(PALETTE)],
                      hatch=HATCHES[k % len(HATCHES)], edgecolor=BACKGROUND, label=lbl)
        ax.bar_label(bars, labels=["n/a" if v is None else fmt(v, rows[k][2]) for v in vals], fontsize=7, padding=2)
    _xaxis(ax, periods)
    _yaxis(ax, rows[0][2])
    _ylim_from_zero(ax, vals_all)
    if n > 1:
        ax.legend(loc="upper left")
    fig.subplots_adjust(left=0.1, right=0.97, top=0.95, bottom=0.22 if len(periods) > 8 else 0.16)


FLOW_BARS = ("cla_started_q", "cla_ceased_q")
FLOW_LINES = ("cla_net_q", "cla_adjusted_net_q")


def _draw_flows(fig: Figure, periods, rows) -> None:
    ax = fig.subplots()
    by_id = {ind: (lbl, vals) for ind, lbl, _u, vals in rows}
    vals_all = []
    for k, ind in enumerate(FLOW_BARS):
        lbl, vals = by_id[ind]
        xs = [i - 0.2 + 0.4 * k for i in range(len(periods))]
        heights = [v or 0.0 for v in vals]
        vals_all += heights
        ax.bar(xs, heights, width=0.38, color=PALETTE[k], hatch=HATCHES[k], edgecolor=BACKGROUND, label=lbl)
    for k, ind in enumerate(FLOW_LINES):
        lbl, vals = by_id[ind]
        y = [float("nan") if v is None else v for v in vals]
        vals_all += [v for v in vals if v is not None]
        ax.plot(range(len(periods)), y, color=PALETTE[4 + 3 * k], marker=MARKERS[2 + k],
                linestyle=LINESTYLES[k], linewidth=1.8, markersize=6, label=lbl)
    ax.axhline(0, color=TEXT, linewidth=0.8)
    _xaxis(ax, periods)
    _yaxis(ax, "count")
    ax.set_ylabel("Children")
    _ylim_from_zero(ax, vals_all)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), handlelength=2.4)
    fig.subplots_adjust(left=0.09, right=0.74, top=0.95, bottom=0.16)


DRAW = {"trend": _draw_trend, "multiples": _draw_multiples, "stacked": _draw_stacked, "bars": _draw_bars,
        "flows": _draw_flows}


def _size(p: Presented, rows) -> tuple[float, float]:
    kind = p.spec.chart
    if kind == "multiples":
        return 9.0, 1.9 * -(-len(rows) // 5) + 0.3
    if kind == "trend":
        units = len({r[2] for r in rows})
        return (7.0 if units == 1 else 9.0), 3.6
    return 8.0, 3.6


# -- output ----------------------------------------------------------------------------------
_ID = re.compile(r'\bid="([^"]+)"')


def _prefix_ids(svg: str, prefix: str) -> str:
    ids = set(_ID.findall(svg))
    if not ids:
        return svg

    def ref(m: re.Match) -> str:
        name = m.group(2)
        return f"{m.group(1)}{prefix}{name}" if name in ids else m.group(0)

    svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'(url\(#)([^)]+)(?=\))', ref, svg)
    return re.sub(r'((?:xlink:)?href="#)([^"]+)(?=")', ref, svg)


def _finish_svg(svg: str, chart_id: str, alt: str) -> str:
    prefix = f"{chart_id}-"
    svg = _prefix_ids(svg, prefix)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    # text stays text (svg.fonttype none); name fallbacks for viewers without DejaVu Sans
    svg = svg.replace("font-family: 'DejaVu Sans'", "font-family: 'DejaVu Sans', Verdana, Arial, sans-serif")
    start = svg.index("<svg")
    end = svg.index(">", start)
    tag = svg[start:end]
    tag = re.sub(r'\swidth="[^"]*"', "", tag)
    tag = re.sub(r'\sheight="[^"]*"', "", tag)
    tag += (f' role="img" aria-labelledby="{prefix}title" class="chart-svg"'
            f' preserveAspectRatio="xMidYMid meet"')
    title = f'\n <title id="{prefix}title">{html.escape(alt, quote=False)}</title>'
    return svg[:start] + tag + svg[end:end + 1] + title + svg[end + 1:]


def render(p: Presented, *, png: bool = False, svg: bool = True, dpi: int = PNG_DPI) -> Chart | None:
    """Draw the chart of a presented table (None for tables without a chart).

    Parameters
    ----------
    p : Presented
    png, svg : bool
        Which images to make (``Chart.svg`` is empty without ``svg``).
    dpi : int
        Resolution of the PNG.
    """
    kind = p.spec.chart
    if kind == "none":
        return None
    if kind == "benchmark":
        from reporting.report.benchmarking import render_chart

        return render_chart(p, png=png, svg=svg, dpi=dpi)
    periods, rows = series(p)
    alt = alt_text(p)
    with matplotlib.rc_context(STYLE):
        fig = _figure(*_size(p, rows))
        if periods and any(v is not None for *_, vals in rows for v in vals):
            DRAW[kind](fig, periods, rows)
        else:
            ax = fig.subplots()
            ax.set_axis_off()
            ax.text(0.5, 0.5, "No figures available", ha="center", va="center")
        svg_text = ""
        if svg:
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata=SVG_METADATA)
            svg_text = _finish_svg(buf.getvalue(), p.spec.id, alt)
        png_bytes = None
        if png:
            bbuf = io.BytesIO()
            fig.savefig(bbuf, format="png", dpi=dpi, metadata=PNG_METADATA)
            png_bytes = bbuf.getvalue()
    return Chart(p.spec.id, alt, svg_text, png_bytes)
