"""Chart geometry for the HTML reports: bars laid out in SVG user units, no drawing library.

Only numbers are computed here; the SVG markup is written by the Jinja templates
(`templates/_charts.html.j2`) with autoescaping on, so labels taken from data (vertex names,
collection names) can never become markup. A chart is produced only where the report has the
data for it and where it shows something: a score distribution for ranking algorithms, top-k
bars when entities were ranked, a group-size histogram and the largest groups for component
and community algorithms; on the index, time per phase and status and run time per template.

A chart whose bars would all be equal (ten entities tied), or a histogram with a single
non-empty bin, says nothing a sentence cannot: it is left out, and `omitted_charts` gives that
sentence. Every bar carries its value as a label. Histograms whose bins grow geometrically
(logarithmic score bins, power-of-two group sizes) say "log scale" on their x axis; counts
spanning more than a factor of `LOG_COUNT_RATIO` are drawn on a logarithmic count axis, so a
handful of large groups next to thousands of small ones stays visible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from gaai_graph.methods.base import Picture
from gaai_graph.methods.registry import METHODS
from gaai_graph.models import HistogramBin, Report, RunSummary
from gaai_graph.nodes.report import display_label, format_number

__all__ = [
    "LOG_COUNT_RATIO",
    "Bar",
    "BarChart",
    "Tick",
    "charts_for_report",
    "histogram_chart",
    "index_charts",
    "largest_groups_chart",
    "omitted_charts",
    "phase_timing_chart",
    "template_status_chart",
    "top_k_chart",
]

CHART_WIDTH = 640
"""Width of every chart in SVG user units (it scales with the page)."""

_INDEX_CHART_WIDTH = 460
"""The index draws its charts two abreast, so narrower (text stays legible)."""

LOG_COUNT_RATIO = 20
"""Largest over smallest non-zero count from which a histogram's count axis is logarithmic."""

_PLOT_LEFT = 64
_PLOT_RIGHT = CHART_WIDTH - 16
_PLOT_TOP = 20
_PLOT_HEIGHT = 180
_AXIS_BAND = 52
_ROW_HEIGHT = 22
_LABEL_WIDTH = 220
_LABEL_CHARS = 32
_CHAR_WIDTH = 6.4
"""Approximate width of one character of the charts' 11px text, in SVG units."""


def _picture(algorithm: str) -> Picture:
    """The picture the method's module declares (default words for an unknown method)."""
    method = METHODS.get(algorithm)
    return method.picture if method is not None else Picture()


def _score_axis(algorithm: str) -> str:
    return _picture(algorithm).score_axis or algorithm


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
    css_class: str = ""
    """Extra CSS class of the rectangle, e.g. 'status-failed' or 'wait'."""
    show_value: bool = True
    """Whether `value_text` is written next to (or above) the bar; off where it cannot fit."""


@dataclass(frozen=True)
class Tick:
    """A gridline of the value axis of a vertical chart, at SVG y `position`."""

    position: float
    label: str


@dataclass
class BarChart:
    """A titled bar chart, vertical (histograms) or horizontal (rankings, timings)."""

    kind: str
    """'score-distribution', 'top-k', 'group-sizes', 'largest-groups', 'phase-timings',
    'template-status' or 'timeline' (also the element's CSS class)."""
    title: str
    caption: str
    width: int
    height: int
    orientation: str
    bars: list[Bar] = field(default_factory=list)
    axis_y: float = 0.0
    """For vertical charts: y of the baseline. For horizontal ones: x of the bars' origin."""
    ticks: list[Tick] = field(default_factory=list)
    """Vertical charts: the count axis' gridlines, baseline first."""
    x_title: str = ""
    """What the x axis measures, with '(log scale)' for geometric bins."""
    y_title: str = ""
    """What the bar heights count, with '(log scale)' for a logarithmic count axis."""
    x_end_label: str = ""
    """Vertical charts: the upper edge of the last bin, written at the axis' right end."""
    centred_labels: bool = False
    """Vertical charts: bar labels name the bar's value (one integer per bin), written under
    its middle; otherwise they are bin edges, written under the bar's left side."""
    plot_left: float = _PLOT_LEFT
    plot_right: float = _PLOT_RIGHT
    plot_top: float = _PLOT_TOP

    @property
    def y_max_text(self) -> str:
        """The label of the highest gridline (kept for readers of the old layout)."""
        return self.ticks[-1].label if self.ticks else ""


def _seconds_text(seconds: float) -> str:
    """Seconds as a reader wants them: '0.4 ms', '37 ms', '1.85 s'."""
    milliseconds = seconds * 1000
    if milliseconds < 10:
        return f"{milliseconds:.1f} ms"
    if milliseconds < 1000:
        return f"{milliseconds:.0f} ms"
    return f"{seconds:.2f} s"


def _shorten(text: str, limit: int = _LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tick_number(value: float) -> str:
    """A short axis label: integers with separators, others to 2 significant digits."""
    if value == 0:
        return "0"
    if float(value).is_integer() and abs(value) < 1e7:
        return f"{int(value):,}"
    text = f"{value:.2g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def _is_geometric(bins: Sequence[HistogramBin]) -> bool:
    """Whether the bins widen geometrically (log-binned) rather than keeping one width.

    A leading bin from 0 (the zeros of a log-binned score) is left out of the comparison;
    integer bins may differ in width by one from rounding.
    """
    widths = [b.upper - b.lower for b in bins if b.lower > 0 and b.upper > b.lower]
    return len(widths) >= 2 and max(widths) > 2.5 * min(widths)


def _is_unit_integer(bins: Sequence[HistogramBin]) -> bool:
    """Whether each bin holds exactly one integer value (coreness, small degrees)."""
    return all(float(b.lower).is_integer() and b.upper - b.lower == 1 for b in bins)


def _nonempty(bins: Sequence[HistogramBin]) -> list[HistogramBin]:
    return [b for b in bins if b.count > 0]


def _nice_step(peak: float, target_ticks: int = 5) -> float:
    raw = peak / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return float(multiple * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


def _count_axis(peak: int, log_counts: bool, baseline: float) -> tuple[list[Tick], float]:
    """Gridlines for counts up to `peak`, and the scale (height of one log or linear unit)."""
    if log_counts:
        unit = _PLOT_HEIGHT / math.log10(1 + peak)
        # The baseline carries no "0": a logarithmic axis has no zero to label.
        ticks = [Tick(position=baseline, label="")]
        power = 0
        while 10**power <= peak:
            value = 10**power
            ticks.append(
                Tick(position=round(baseline - unit * math.log10(1 + value), 2), label=f"{value:,}")
            )
            power += 1
        return ticks, unit
    step = max(_nice_step(peak), 1.0)
    unit = _PLOT_HEIGHT / peak
    ticks = []
    value = 0.0
    while value <= peak + 1e-9:
        ticks.append(Tick(position=round(baseline - unit * value, 2), label=f"{int(value):,}"))
        value += step
    return ticks, unit


def _bar_height(count: int, unit: float, log_counts: bool) -> float:
    if count <= 0:
        return 0.0
    height = unit * (math.log10(1 + count) if log_counts else count)
    # Non-empty bins stay visible even next to a much larger bin.
    return max(height, 2.0)


def histogram_chart(
    kind: str,
    title: str,
    caption: str,
    bins: list[HistogramBin],
    *,
    x_title: str = "",
    counted: str = "vertices",
    log_counts: bool | None = None,
) -> BarChart:
    """Lay out a histogram as vertical bars, one per bin, each labelled with its count.

    Bins sit side by side in equal slots, so geometric bins make a logarithmic x axis; the
    x title then says "(log scale)". The lower edge of the bins is written under the axis as
    often as the labels fit, and the last bin's upper edge at its end.

    Args:
        kind: Chart kind (see `BarChart.kind`).
        title: Heading shown above the chart.
        caption: What the reader sees, in a sentence or two.
        bins: The histogram bins, lowest first.
        x_title: What the x axis measures.
        counted: What the bins count ('vertices', 'groups').
        log_counts: Draw counts on a log axis; None decides from the data
            (`LOG_COUNT_RATIO`).
    """
    counts = [b.count for b in bins]
    peak = max(counts, default=0) or 1
    smallest = min((c for c in counts if c > 0), default=peak)
    if log_counts is None:
        log_counts = peak >= LOG_COUNT_RATIO * smallest and peak >= LOG_COUNT_RATIO
    baseline = _PLOT_TOP + _PLOT_HEIGHT
    ticks, unit = _count_axis(peak, log_counts, baseline)
    slot = (_PLOT_RIGHT - _PLOT_LEFT) / max(len(bins), 1)
    centred = _is_unit_integer(bins)
    labels = [_tick_number(b.lower) for b in bins]
    widest = max((len(label) for label in labels), default=1)
    label_every = max(math.ceil((widest * _CHAR_WIDTH + 8) / slot), 1)
    geometric = _is_geometric(bins)
    bars = []
    for index, item in enumerate(bins):
        height = _bar_height(item.count, unit, log_counts)
        value_text = f"{item.count:,}"
        bars.append(
            Bar(
                x=round(_PLOT_LEFT + index * slot + 1, 2),
                y=round(baseline - height, 2),
                width=round(max(slot - 2, 1.0), 2),
                height=round(height, 2),
                label=labels[index] if index % label_every == 0 else "",
                value_text=value_text,
                tooltip=(
                    f"{_tick_number(item.lower)}: {item.count:,} {counted}"
                    if centred
                    else f"{_tick_number(item.lower)} to {_tick_number(item.upper)}: "
                    f"{item.count:,} {counted}"
                ),
                show_value=item.count > 0 and len(value_text) * _CHAR_WIDTH <= slot + 2,
            )
        )
    scale_note = " (log scale)"
    return BarChart(
        kind=kind,
        title=title,
        caption=caption,
        width=CHART_WIDTH,
        height=_PLOT_TOP + _PLOT_HEIGHT + _AXIS_BAND,
        orientation="vertical",
        bars=bars,
        axis_y=baseline,
        ticks=ticks,
        x_title=x_title + (scale_note if geometric and x_title else ""),
        y_title=counted + (scale_note if log_counts else ""),
        x_end_label=_tick_number(bins[-1].upper) if bins and not centred else "",
        centred_labels=centred,
    )


def _all_equal(values: Sequence[float]) -> bool:
    return len(values) < 2 or max(values) - min(values) <= 1e-12 * max(abs(max(values)), 1.0)


def _horizontal_chart(
    kind: str,
    title: str,
    caption: str,
    rows: Sequence[tuple[str, float, str, str, str]],
    *,
    label_width: int = _LABEL_WIDTH,
    width: int = CHART_WIDTH,
) -> BarChart:
    """Lay out (label, value, value text, tooltip, css class) rows as horizontal bars."""
    peak = max((abs(value) for _, value, _, _, _ in rows), default=0.0) or 1.0
    plot_width = width - label_width - 72
    # Labels are ordinary text, narrower per character than the bold value labels.
    label_chars = int((label_width - 10) / 6.0)
    bars = [
        Bar(
            x=label_width,
            y=_PLOT_TOP // 2 + rank * _ROW_HEIGHT,
            width=round(max(plot_width * abs(value) / peak, 1.0), 2),
            height=_ROW_HEIGHT - 6,
            label=_shorten(label, label_chars),
            value_text=value_text,
            tooltip=tooltip,
            css_class=css_class,
        )
        for rank, (label, value, value_text, tooltip, css_class) in enumerate(rows)
    ]
    return BarChart(
        kind=kind,
        title=title,
        caption=caption,
        width=width,
        height=_PLOT_TOP + len(rows) * _ROW_HEIGHT,
        orientation="horizontal",
        bars=bars,
        axis_y=label_width,
    )


def top_k_chart(report: Report) -> BarChart:
    """Lay out the report's top entities as horizontal bars, longest for the highest value."""
    entities = report.top_entities
    measure = _score_axis(report.algorithm)
    caption = f"Bar length is each entity's {measure}, relative to the first."
    values = [entity.value for entity in entities]
    tied = sum(1 for value in values if value == values[0]) if values else 0
    if tied > 1:
        caption += f" The first {tied} tie at {format_number(values[0])}."
    rows = []
    for entity in entities:
        label = display_label(entity)
        rows.append(
            (
                label,
                entity.value,
                format_number(entity.value),
                f"{entity.id} ({label}): {format_number(entity.value)}",
                "",
            )
        )
    return _horizontal_chart("top-k", f"Top {len(entities)} by {measure}", caption, rows)


def _group_nouns(algorithm: str) -> tuple[str, str]:
    return _picture(algorithm).group_nouns


def largest_groups_chart(report: Report) -> BarChart:
    """Lay out the report's largest groups as horizontal bars, labelled with their make-up."""
    singular, plural = _group_nouns(report.algorithm)
    rows = []
    for rank, group in enumerate(report.groups, 1):
        parts = [
            f"{name} {count:,}"
            for name, count in sorted(group.composition.items(), key=lambda item: -item[1])
        ]
        makeup = ", ".join(parts)
        shown = " · ".join(parts[:3]) + (f" +{len(parts) - 3}" if len(parts) > 3 else "")
        rows.append(
            (
                f"#{rank}  {shown}" if shown else f"#{rank}",
                float(group.size),
                f"{group.size:,}",
                f"{singular} #{rank}: {group.size:,} vertices"
                + (f" ({makeup})" if makeup else "")
                + (f"; e.g. {', '.join(group.members_sample[:3])}" if group.members_sample else ""),
                "",
            )
        )
    total = f" of {report.group_count:,}" if report.group_count is not None else ""
    return _horizontal_chart(
        "largest-groups",
        f"Largest {len(rows)}{total} {plural}",
        f"Each bar is one {singular}, its length the number of vertices in it; the label "
        "says which collections they come from (largest first).",
        rows,
        label_width=330,
    )


def _score_caption(report: Report, bins: list[HistogramBin], log_counts: bool) -> str:
    count = (
        report.statistics.count
        if report.statistics
        else sum(b.count for b in report.score_histogram)
    )
    picture = _picture(report.algorithm)
    meaning = picture.score_meaning or f"{report.algorithm} score"
    caption = f"How the {count:,} vertices spread over {meaning}."
    statistics = report.statistics
    if picture.deepest_bin_caption is not None:
        deepest = _nonempty(bins)[-1]
        caption += picture.deepest_bin_caption.format(
            k=_tick_number(deepest.lower), count=f"{deepest.count:,}"
        )
    elif statistics is not None:
        skewed = statistics.gini >= 0.5 or (
            statistics.median > 0 and statistics.p99 >= 5 * statistics.median
        )
        if skewed:
            caption += " A long right tail: most vertices score low, a few far higher."
        elif statistics.gini < 0.2:
            caption += " The scores are close to even; no small set of vertices dominates."
        else:
            caption += f" Moderately uneven (Gini {statistics.gini:.2f})."
    if log_counts:
        caption += " Counts are on a log scale so that sparse bins stay visible."
    return caption


def _groups_caption(report: Report, groups: int, log_counts: bool) -> str:
    _, plural = _group_nouns(report.algorithm)
    caption = (
        f"How many of the {groups:,} {plural} have each size; each bin is twice as wide as "
        "the one before (1, 2–3, 4–7, ...)."
    )
    if report.groups:
        caption += f" The largest has {report.groups[0].size:,} vertices."
    if log_counts:
        caption += f" Counts are on a log scale, so a handful of large {plural} still shows."
    return caption


def _wants_log_counts(bins: Sequence[HistogramBin]) -> bool:
    counts = [b.count for b in bins if b.count > 0]
    return bool(counts) and max(counts) >= LOG_COUNT_RATIO * min(counts)


def charts_for_report(report: Report) -> list[BarChart]:
    """Return the charts worth drawing for this report, most telling first.

    Charts that would show nothing (all bars equal, a single non-empty bin) are left out;
    `omitted_charts` says what they would have shown.
    """
    charts: list[BarChart] = []
    measure = _score_axis(report.algorithm)
    if len(report.top_entities) >= 2 and not _all_equal([e.value for e in report.top_entities]):
        charts.append(top_k_chart(report))
    if len(_nonempty(report.score_histogram)) >= 2:
        bins = report.score_histogram
        log_counts = _wants_log_counts(bins)
        charts.append(
            histogram_chart(
                "score-distribution",
                "Score distribution",
                _score_caption(report, bins, log_counts),
                bins,
                x_title=measure,
                counted="vertices",
                log_counts=log_counts,
            )
        )
    if len(_nonempty(report.group_size_histogram)) >= 2:
        bins = report.group_size_histogram
        groups = (
            report.group_count if report.group_count is not None else sum(b.count for b in bins)
        )
        log_counts = _wants_log_counts(bins)
        charts.append(
            histogram_chart(
                "group-sizes",
                "Group sizes",
                _groups_caption(report, groups, log_counts),
                bins,
                x_title="size in vertices",
                counted=_picture(report.algorithm).count_axis,
                log_counts=log_counts,
            )
        )
    if len(report.groups) >= 2 and not _all_equal([float(g.size) for g in report.groups]):
        charts.append(largest_groups_chart(report))
    return charts


def omitted_charts(report: Report) -> list[str]:
    """Say which charts `charts_for_report` left out because they would show nothing."""
    notes: list[str] = []
    measure = _score_axis(report.algorithm)
    entities = report.top_entities
    if len(entities) >= 2 and _all_equal([e.value for e in entities]):
        notes.append(
            f"No top-{len(entities)} chart: all {len(entities)} have {measure} "
            f"{format_number(entities[0].value)}."
        )
    filled = _nonempty(report.score_histogram)
    if len(filled) == 1:
        (only,) = filled
        where = (
            _tick_number(only.lower)
            if only.upper == only.lower
            else f"{_tick_number(only.lower)} to {_tick_number(only.upper)}"
        )
        notes.append(f"No score distribution: all {only.count:,} vertices have {measure} {where}.")
    filled = _nonempty(report.group_size_histogram)
    if len(filled) == 1:
        (only,) = filled
        _, plural = _group_nouns(report.algorithm)
        notes.append(
            f"No group-size chart: all {only.count:,} {plural} have "
            f"{_tick_number(only.lower)} to {_tick_number(only.upper - 1)} vertices."
        )
    if len(report.groups) >= 2 and _all_equal([float(g.size) for g in report.groups]):
        notes.append(
            f"No largest-groups chart: the {len(report.groups)} largest all have "
            f"{report.groups[0].size:,} vertices."
        )
    return notes


def phase_timing_chart(summary: RunSummary) -> BarChart | None:
    """Time per phase of the run as horizontal bars, or None when there is nothing to compare.

    Args:
        summary: The run summary; its `timings` are wall-clock seconds per phase.
    """
    timings = summary.timings
    if len(timings) < 2 or _all_equal(list(timings.values())):
        return None
    rows = []
    for phase, seconds in timings.items():
        summed = summary.summed_step_seconds.get(phase)
        tooltip = f"{phase}: {seconds:.3f} s wall-clock" + (
            f", {summed:.3f} s summed over templates" if summed is not None else ""
        )
        rows.append((phase, seconds, _seconds_text(seconds), tooltip, ""))
    return _horizontal_chart(
        "phase-timings",
        "Time per phase",
        "Wall-clock time of each phase, in the order they ran. The per-template steps "
        "(execute, report) count the time during which any template was in that step.",
        rows,
        label_width=150,
        width=_INDEX_CHART_WIDTH,
    )


def template_status_chart(reports: Sequence[Report]) -> BarChart | None:
    """Each template's status and algorithm run time, or None without run times to compare.

    Args:
        reports: The run's reports, in the order to list them.
    """
    rows = []
    for report in reports:
        runtime = report.metrics.get("runtime_seconds")
        seconds = (
            float(runtime)
            if isinstance(runtime, int | float) and not isinstance(runtime, bool)
            else 0.0
        )
        value_text = _seconds_text(seconds) if report.status != "failed" else "failed"
        rows.append(
            (
                f"{report.template_id} {report.algorithm}",
                seconds,
                value_text,
                f"{report.template_id} {report.title}: {report.status}"
                + (f", algorithm ran {seconds:.3f} s" if seconds else "")
                + (f" ({report.error})" if report.error else ""),
                f"status-{report.status}",
            )
        )
    if not rows or _all_equal([value for _, value, _, _, _ in rows]):
        return None
    failed = sum(1 for report in reports if report.status == "failed")
    caption = (
        f"{len(reports) - failed} succeeded, {failed} failed. Bar length is the algorithm's "
        "run time on its projection" + ("; red bars failed." if failed else ".")
    )
    return _horizontal_chart(
        "template-status",
        "Templates: status and run time",
        caption,
        rows,
        label_width=150,
        width=_INDEX_CHART_WIDTH,
    )


def index_charts(summary: RunSummary, reports: Sequence[Report]) -> list[BarChart]:
    """The charts of the run's index page: templates' status and run time, time per phase."""
    return [
        chart
        for chart in (template_status_chart(reports), phase_timing_chart(summary))
        if chart is not None
    ]
