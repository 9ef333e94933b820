"""Loops: short cycles of a few hops — round-tripping and circular flows.

Reference: bounded simple-cycle enumeration after Johnson, "Finding all the elementary
circuits of a directed graph", SIAM J. Comput. 4 (1975), with the length bound of Gupta and
Suzumura, "Finding all bounded-length simple cycles in a directed graph" (2021); temporal and
amount constraints as in money-laundering cycle detection (e.g. Kumar et al., "2SCENT:
an efficient algorithm to enumerate all simple temporal cycles", VLDB 2018). Computed by
`gaai_graph.methods.compute.cycles`, written for this project so the constraints prune the
search and the work stays bounded. Strongly connected components (`scc`, in `cycles.py`)
only say that loops may exist; these are the loops.
"""

from __future__ import annotations

import math

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.evidence.findings import order_findings
from gaai_graph.methods.answering import answer_outcome, ids_of, read_answer
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome, ParameterSpec
from gaai_graph.methods.compute import cycles
from gaai_graph.methods.writing import ReportWriter, format_number
from gaai_graph.models import MetricValue

__all__ = ["METHODS"]

LISTED = 100
"""Cycles listed in the answer (all found are counted)."""

NULL_DRAWS = 200_000
"""Random hop combinations drawn from the graph's own edges per loop length (the baseline)."""
ALARM_EXPECTED = 0.01
"""A loop is an alarm when fewer than this many loops as tight (amounts as alike, hops as
close in time) are expected by chance among all the loops found."""


def _edge_column(graph: ig.Graph, attribute: str | None) -> npt.NDArray[np.float64] | None:
    if attribute is None or attribute not in graph.es.attributes():
        return None
    values = np.asarray(graph.es[attribute], dtype=np.float64)
    return values if np.isfinite(values).sum() >= 2 else None


def _tightness(
    hops: npt.NDArray[np.int64],
    amounts: npt.NDArray[np.float64] | None,
    times: npt.NDArray[np.float64] | None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per row of edge indices: largest over smallest amount, latest minus earliest time."""
    rows = hops.shape[0]
    ratio = np.full(rows, np.nan)
    span = np.full(rows, np.nan)
    if amounts is not None:
        values = np.abs(amounts[hops])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = values.max(axis=1) / values.min(axis=1)
    if times is not None:
        moments = times[hops]
        span = moments.max(axis=1) - moments.min(axis=1)
    return ratio, span


def _chance_of_loops(
    found: list[cycles.Cycle],
    amounts: npt.NDArray[np.float64] | None,
    times: npt.NDArray[np.float64] | None,
    seed: int,
) -> list[tuple[float, float, float]]:
    """(amount ratio, time span, expected count by chance) of each loop.

    The baseline is the graph's own edges: hops drawn at random from all edges give how often a
    loop of the same length would be at least as tight (amounts at least as alike AND hops at
    least as close in time) by chance; times the number of loops compared, that is how many
    such loops chance alone would show (a Bonferroni-style expected count).
    """
    columns = [column for column in (amounts, times) if column is not None]
    usable = np.ones(len(columns[0]) if columns else 0, dtype=bool)
    for column in columns:
        usable &= np.isfinite(column)
    if amounts is not None:
        usable &= amounts != 0
    pool = np.flatnonzero(usable)
    rng = np.random.default_rng(seed)
    nulls: dict[int, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]] = {}
    judged: list[tuple[float, float, float]] = []
    for cycle in found:
        hops = np.asarray([cycle.edges], dtype=np.int64)
        ratio, span = _tightness(hops, amounts, times)
        if len(pool) < 2 or not all(usable[e] for e in cycle.edges):
            judged.append((float(ratio[0]), float(span[0]), math.inf))
            continue
        if cycle.length not in nulls:
            draws = pool[rng.integers(0, len(pool), size=(NULL_DRAWS, cycle.length))]
            nulls[cycle.length] = _tightness(draws, amounts, times)
        null_ratio, null_span = nulls[cycle.length]
        as_tight = np.ones(NULL_DRAWS, dtype=bool)
        if amounts is not None:
            as_tight &= null_ratio <= ratio[0]
        if times is not None:
            as_tight &= null_span <= span[0]
        chance = (1.0 + float(as_tight.sum())) / (NULL_DRAWS + 1.0)
        judged.append((float(ratio[0]), float(span[0]), chance * len(found)))
    return judged


def _short_cycles(job: LocalJob) -> Outcome:
    p = job.parameters
    with job.clock.running():
        search = cycles.short_cycles(
            job.graph,
            min_length=p["min_length"],
            max_length=p["max_length"],
            time_attribute=p["time_attribute"],
            window=p["time_window"],
            ordered_in_time=p["ordered_in_time"],
            amount_attribute=p["amount_attribute"],
            amount_tolerance=p["amount_tolerance"],
            max_cycles=p["max_cycles"],
            max_steps=p["max_steps"],
        )
    amounts = _edge_column(job.graph, p["amount_attribute"])
    times = _edge_column(job.graph, p["time_attribute"])
    found = sorted(search.cycles, key=lambda c: (c.length, c.vertices))
    judged = (
        _chance_of_loops(found, amounts, times, seed=job.seed)
        if amounts is not None or times is not None
        else [(math.nan, math.nan, math.inf)] * len(found)
    )
    # The loops least explained by chance first, then the shortest.
    order = sorted(
        range(len(found)), key=lambda i: (judged[i][2], found[i].length, found[i].vertices)
    )
    found = [found[i] for i in order]
    judged = [judged[i] for i in order]
    groups = [ids_of(job, c.vertices) for c in found[:LISTED]]
    evidence: dict[str, MetricValue] = {}
    for rank, (ratio, span, expected) in enumerate(judged[:LISTED]):
        if math.isfinite(expected):
            evidence[f"cycle_{rank}_expected"] = expected
        if math.isfinite(ratio):
            evidence[f"cycle_{rank}_amount_ratio"] = round(ratio, 4)
        if math.isfinite(span):
            evidence[f"cycle_{rank}_time_span"] = span
    lengths: dict[int, int] = {}
    for cycle in found:
        lengths[cycle.length] = lengths.get(cycle.length, 0) + 1
    involved = len({v for c in found for v in c.vertices})
    headline = (
        f"{format_number(len(found))} loops found ({search.bound}), involving "
        f"{format_number(involved)} vertices"
        + (
            "; by length: "
            + ", ".join(f"{format_number(n)} of {k} hops" for k, n in sorted(lengths.items()))
            + "."
            if found
            else "."
        )
    )
    notes = [] if search.complete else [f"The loop search stopped at its bound: {search.bound}."]
    return answer_outcome(
        "groups",
        groups,
        f"simple cycles, vertices in order from the lowest id of each; {search.bound}; "
        f"first {LISTED} listed, least explained by chance first (amounts alike and hops close "
        "in time against random hops of the same graph), then shortest",
        "short_cycles",
        headline,
        metrics={
            "cycle_count": len(found),
            "vertices_in_cycles": involved,
            "complete": search.complete,
            "constrained": p["time_window"] is not None
            or p["ordered_in_time"]
            or p["amount_tolerance"] is not None,
            **{f"cycles_of_length_{k}": n for k, n in lengths.items()},
            "baseline": "edges" if amounts is not None or times is not None else "none",
            **evidence,
        },
        notes=notes,
    )


def _loop_words(ratio: MetricValue, span: MetricValue) -> str:
    parts = []
    if isinstance(ratio, int | float):
        parts.append(f"amounts within {format_number((float(ratio) - 1) * 100)}% of each other")
    if isinstance(span, int | float):
        parts.append(f"all hops within {format_number(float(span) / 3600)} hours")
    return " and ".join(parts)


def _read(writer: ReportWriter) -> None:
    read_answer(writer)
    if writer.answer is None:
        return
    metrics = writer.execution.metrics
    constrained = bool(metrics.get("constrained"))
    for rank, cycle in enumerate(writer.answer["value"][:50]):
        expected = metrics.get(f"cycle_{rank}_expected")
        ratio = metrics.get(f"cycle_{rank}_amount_ratio")
        span = metrics.get(f"cycle_{rank}_time_span")
        evidence: dict[str, MetricValue] = {"length": len(cycle)}
        if isinstance(expected, int | float):
            # Judged against the graph's own edges: an alarm when chance explains it poorly.
            evidence.update(
                {"expected": expected, "observed": 1, "amount_ratio": ratio, "time_span": span}
            )
            flagged = expected < ALARM_EXPECTED
            confidence = 1.0 / (1.0 + float(expected) / ALARM_EXPECTED)
            words = _loop_words(ratio, span)
            explanation = (
                f"A closed loop of {len(cycle)} hops with {words}; about "
                f"{float(expected):.2g} loops this tight are expected by chance among the "
                "graph's own edges."
                if words
                else f"A closed loop of {len(cycle)} hops."
            )
        else:
            flagged = constrained
            confidence = 1.0 if constrained else 0.5
            explanation = f"A closed loop of {len(cycle)} hops" + (
                " within the time window and amount tolerance asked." if constrained else "."
            )
        writer.pattern(
            "cycle",
            cycle,
            flagged=flagged,
            evidence=evidence,
            confidence_value=confidence,
            explanation=explanation,
        )
    _loops_to_trace(writer)


LOOPS_NAMED = 3
"""Loops written out by name, in the order the report's findings list them."""


def _loops_to_trace(writer: ReportWriter) -> None:
    """Write out the loops the findings list first, each as a path of names back to its start."""
    first = [f["entities"] for f in order_findings(writer.patterns) if f["entities"]]
    if not first:
        return
    q = writer.quoter()
    paths = [" → ".join(q.name(v) for v in [*loop, loop[0]]) for loop in first[:LOOPS_NAMED]]
    writer.add(
        "Loops to trace first",
        "Loops to trace first: " + "; ".join(paths) + ".",
        0.5,
        q,
        [v for loop in first[:LOOPS_NAMED] for v in loop],
        kind="context",
    )


SHORT_CYCLES = Method(
    name="short_cycles",
    label="short cycles",
    long_name="bounded short-cycle enumeration",
    description="Loops of 2-6 hops (round-tripping), optionally within a time window and with "
    "similar amounts.",
    reference="Johnson 1975; Gupta and Suzumura 2021; Kumar et al. 2018",
    kind="answer",
    result_attribute="cycles",
    intents=("cycles",),
    needs=DataNeeds(direction="directed"),
    parameters=(
        ParameterSpec("min_length", "int", 2, "Fewest hops in a loop.", minimum=2, maximum=6),
        ParameterSpec("max_length", "int", 5, "Most hops in a loop.", minimum=2, maximum=6),
        ParameterSpec(
            "time_attribute", "str", None, "Numeric edge attribute holding a time.", nullable=True
        ),
        ParameterSpec(
            "time_window",
            "float",
            None,
            "Latest minus earliest edge time of a loop, at most (units of the time attribute).",
            minimum=0.0,
            nullable=True,
        ),
        ParameterSpec(
            "ordered_in_time", "bool", False, "Hops must happen in order around the loop."
        ),
        ParameterSpec(
            "amount_attribute",
            "str",
            None,
            "Numeric edge attribute holding an amount.",
            nullable=True,
        ),
        ParameterSpec(
            "amount_tolerance",
            "float",
            None,
            "Largest amount at most (1 + tolerance) times the smallest (0.1: within 10%).",
            minimum=0.0,
            nullable=True,
        ),
        ParameterSpec("max_cycles", "int", 10_000, "Stop after this many loops.", minimum=1),
        ParameterSpec(
            "max_steps", "int", 5_000_000, "Stop after this many edge visits.", minimum=1
        ),
    ),
    local=_short_cycles,
    interpret=_read,
)

METHODS: tuple[Method, ...] = (SHORT_CYCLES,)
