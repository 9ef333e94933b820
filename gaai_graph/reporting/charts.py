"""Chart geometry for the HTML reports: bars laid out in SVG user units, no drawing library.

Only numbers are computed here; the SVG markup is written by the Jinja templates
(`templates/_charts.html.j2`) with autoescaping on, so labels taken from data (vertex names,
collection names) can never become markup. A chart is produced only where the report has the
data for it: a score distribution for ranking algorithms, top-k bars when entities were ranked,
a group-size histogram for component and community algorithms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gaai_graph.models import HistogramBin, Report
from gaai_graph.nodes.report import display_label, format_number

__all__ = ["Bar", "BarChart", "charts_for_report"]

CHART_WIDTH = 640
"""Width of every chart in SVG user units (it scales with the page)."""

_PLOT_LEFT = 48
_PLOT_TOP = 12
_PLOT_HEIGHT = 180
_AXIS_BAND = 44
_ROW_HEIGHT = 22
_LABEL_WIDTH = 220
_LABEL_CHARS = 32


@dataclass(frozen=True)
class Bar:
    """One bar: its rectangle, its label and the value shown with it."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    tooltip: str


@dataclass
class BarChart:
    """A titled bar chart, vertical (histograms) or horizontal (rankings)."""

    kind: str
    """'score-distribution', 'top-k' or 'group-sizes' (also the element's CSS class)."""
    title: str
    caption: str
    width: int
    height: int
    orientation: str
    bars: list[Bar] = field(default_factory=list)
    axis_y: float = 0.0
    """For vertical charts: y of the baseline. For horizontal ones: x of the bars' origin."""
    y_max_text: str = ""


def _shorten(text: str, limit: int = _LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def histogram_chart(kind: str, title: str, caption: str, bins: list[HistogramBin]) -> BarChart:
    """Lay out a histogram as vertical bars, one per bin, heights proportional to counts.

    Args:
        kind: Chart kind (see `BarChart.kind`).
        title: Heading shown above the chart.
        caption: One sentence saying what the reader sees.
        bins: The histogram bins, lowest first.
    """
    peak = max((b.count for b in bins), default=0) or 1
    plot_width = CHART_WIDTH - _PLOT_LEFT - 8
    slot = plot_width / max(len(bins), 1)
    baseline = _PLOT_TOP + _PLOT_HEIGHT
    bars = []
    for index, item in enumerate(bins):
        height = _PLOT_HEIGHT * item.count / peak
        # Non-empty bins stay visible even next to a much larger bin.
        if item.count > 0:
            height = max(height, 2.0)
        span = f"{format_number(item.lower)}–{format_number(item.upper)}"
        bars.append(
            Bar(
                x=round(_PLOT_LEFT + index * slot + 1, 2),
                y=round(baseline - height, 2),
                width=round(max(slot - 2, 1.0), 2),
                height=round(height, 2),
                label=format_number(item.lower) if index % max(len(bins) // 6, 1) == 0 else "",
                value_text=str(item.count),
                tooltip=f"{span}: {item.count}",
            )
        )
    return BarChart(
        kind=kind,
        title=title,
        caption=caption,
        width=CHART_WIDTH,
        height=_PLOT_TOP + _PLOT_HEIGHT + _AXIS_BAND,
        orientation="vertical",
        bars=bars,
        axis_y=baseline,
        y_max_text=str(peak),
    )


def top_k_chart(report: Report) -> BarChart:
    """Lay out the report's top entities as horizontal bars, longest for the highest value."""
    entities = report.top_entities
    peak = max((abs(e.value) for e in entities), default=0.0) or 1.0
    plot_width = CHART_WIDTH - _LABEL_WIDTH - 70
    bars = []
    for rank, entity in enumerate(entities):
        width = plot_width * abs(entity.value) / peak
        label = display_label(entity)
        bars.append(
            Bar(
                x=_LABEL_WIDTH,
                y=_PLOT_TOP + rank * _ROW_HEIGHT,
                width=round(max(width, 1.0), 2),
                height=_ROW_HEIGHT - 6,
                label=_shorten(label),
                value_text=format_number(entity.value),
                tooltip=f"{entity.id} ({label}): {format_number(entity.value)}",
            )
        )
    return BarChart(
        kind="top-k",
        title=f"Top {len(entities)} by {report.algorithm}",
        caption="Bar length is the score relative to the highest-ranked entity.",
        width=CHART_WIDTH,
        height=_PLOT_TOP * 2 + len(entities) * _ROW_HEIGHT,
        orientation="horizontal",
        bars=bars,
        axis_y=_LABEL_WIDTH,
    )


def charts_for_report(report: Report) -> list[BarChart]:
    """Return the charts worth drawing for this report, most telling first."""
    charts: list[BarChart] = []
    if report.top_entities:
        charts.append(top_k_chart(report))
    if report.score_histogram:
        count = (
            report.statistics.count
            if report.statistics
            else sum(b.count for b in report.score_histogram)
        )
        charts.append(
            histogram_chart(
                "score-distribution",
                "Score distribution",
                f"How the {report.algorithm} scores of all {count:,} vertices spread out; "
                "a long right tail means a few entities dominate.",
                report.score_histogram,
            )
        )
    if report.group_size_histogram:
        groups = (
            report.group_count
            if report.group_count is not None
            else sum(b.count for b in report.group_size_histogram)
        )
        charts.append(
            histogram_chart(
                "group-sizes",
                "Group sizes",
                f"How many of the {groups:,} groups have each size.",
                report.group_size_histogram,
            )
        )
    return charts
