"""The movers of a top list since an earlier run, as a diverging bar chart (geometry only).

`gaai_graph.catalog.changes` finds what changed between a run and an earlier run of the same
question; this lays out, per compared report, the entities that entered or left its top list
and its largest rank moves as one chart, named:

* a rank move is a bar from the centre line, to the right for places gained and to the left
  for places lost, its length the number of places (the largest move at 80% of the
  half-width);
* an entity that entered the top list is a bar to the right, and one that left a bar to the
  left, drawn the full half-width with their own colour: they crossed the list's edge, and
  how far they came from (or fell to) beyond it is not known.

As in `gaai_graph.reporting.charts`, only numbers and texts are computed here; the SVG is
written by the Jinja template (`templates/_charts.html.j2`, `movers_chart`) with autoescaping
on, so a name taken from data never becomes markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gaai_graph.catalog.changes import ReportChanges
from gaai_graph.models import Report

__all__ = ["MAX_MOVER_ROWS", "MoverRow", "MoversChart", "movers_chart"]

MAX_MOVER_ROWS = 12
"""Most rows of one movers chart; the caption says how many more the report's notes list."""

_WIDTH = 640
_LABEL_RIGHT = 196
"""x where the names end (right-aligned)."""
_PLOT_LEFT = 206
_PLOT_RIGHT = 500
_TEXT_LEFT = 508
"""x where each row's "#5 → #2" text starts."""
_TOP = 26
"""Room above the rows for the two directions' headings."""
_ROW = 22
_BAR = 16
_LABEL_CHARS = 30
_MOVE_SHARE = 0.8


@dataclass(frozen=True)
class MoverRow:
    """One entity of the chart: its bar and what it says."""

    label: str
    """The entity's name as shown (shortened to fit)."""
    entity: str
    """Its id (`collection/key`), in the tooltip."""
    kind: str
    """'entered', 'up', 'down' or 'left' (also the bar's CSS class)."""
    text: str
    """The rank change, e.g. '#7 → #2 (+5)', 'new at #3', 'left the top 10'."""
    x: float
    y: float
    width: float
    tooltip: str


@dataclass
class MoversChart:
    """Entities entering and leaving a report's top list, and its largest rank moves."""

    template_id: str
    title: str
    caption: str
    width: int
    height: int
    centre: float
    """x of the centre line: gains go right of it, losses left."""
    rows: list[MoverRow] = field(default_factory=list)
    label_right: float = _LABEL_RIGHT
    text_left: float = _TEXT_LEFT
    bar_height: float = _BAR
    kind: str = "movers"
    """The figure's CSS class and `data-chart` value."""


def _shorten(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def _name(entity: str, label: str) -> str:
    return label if label and label != entity else entity


def movers_chart(
    changes: ReportChanges, report: Report | None = None, *, epoch_before: str = "earlier"
) -> MoversChart | None:
    """Lay out one report's movers since the earlier run, or None when nobody moved.

    Args:
        changes: What changed in the report (`catalog.changes.ReportChanges`).
        report: The later run's report, for the rank an entering entity has now and the
            list's length; without it, an entering entity's rank is not given.
        epoch_before: The earlier run's id, for the caption.

    Returns:
        The chart, rows in the order entered, gained, lost, left; at most `MAX_MOVER_ROWS`.
    """
    ranks = {
        entity.id: place for place, entity in enumerate(report.top_entities if report else [], 1)
    }
    listed = len(report.top_entities) if report is not None else None
    rows: list[tuple[str, str, str, str, float | None]] = []
    for entity, label in changes.entered_top:
        place = ranks.get(entity)
        rows.append(
            (_name(entity, label), entity, "entered", f"new at #{place}" if place else "new", None)
        )
    moves = sorted(changes.moves, key=lambda move: -move.delta)
    for move in moves:
        kind = "up" if move.delta > 0 else "down"
        rows.append(
            (
                _name(move.entity, move.label),
                move.entity,
                kind,
                f"#{move.rank_before} → #{move.rank_after} ({move.delta:+d})",
                float(move.delta),
            )
        )
    edge = f"the top {listed}" if listed else "the top list"
    for entity, label in changes.left_top:
        rows.append((_name(entity, label), entity, "left", f"left {edge}", None))
    if not rows:
        return None
    more = len(rows) - MAX_MOVER_ROWS
    rows = rows[:MAX_MOVER_ROWS]
    centre = (_PLOT_LEFT + _PLOT_RIGHT) / 2
    half = (_PLOT_RIGHT - _PLOT_LEFT) / 2
    peak = max((abs(places) for *_, places in rows if places is not None), default=1.0) or 1.0
    laid_out: list[MoverRow] = []
    for index, (name, entity, kind, text, places) in enumerate(rows):
        # Moves reach at most 80% of the half-width, so a crossing of the list's edge
        # (full length) is never mistaken for the largest move.
        length = half if places is None else max(_MOVE_SHARE * half * abs(places) / peak, 2.0)
        rightward = kind in ("entered", "up")
        laid_out.append(
            MoverRow(
                label=_shorten(name),
                entity=entity,
                kind=kind,
                text=text,
                x=round(centre if rightward else centre - length, 2),
                y=_TOP + index * _ROW,
                width=round(length, 2),
                tooltip=f"{name} ({entity}): {text}",
            )
        )
    caption = (
        f"Since run {epoch_before}: right of the line, entities that entered the top list "
        "(full length) or rose, by the places gained; left, those that fell, by the places "
        "lost, or left the list (full length)."
    )
    if more > 0:
        caption += f" {more} more in the report's notes."
    return MoversChart(
        template_id=changes.template_after,
        title=f"Movers in {changes.title}",
        caption=caption,
        width=_WIDTH,
        height=_TOP + len(laid_out) * _ROW + 4,
        centre=centre,
        rows=laid_out,
    )
