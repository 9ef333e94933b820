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

from gaai_graph.methods.answering import answer_outcome, ids_of, read_answer
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome, ParameterSpec
from gaai_graph.methods.compute import cycles
from gaai_graph.methods.writing import ReportWriter, format_number

__all__ = ["METHODS"]

LISTED = 100
"""Cycles listed in the answer (all found are counted)."""


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
    found = sorted(search.cycles, key=lambda c: (c.length, c.vertices))
    groups = [ids_of(job, c.vertices) for c in found[:LISTED]]
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
        f"first {LISTED} listed, shortest first",
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
        },
        notes=notes,
    )


def _read(writer: ReportWriter) -> None:
    read_answer(writer)
    if writer.answer is None:
        return
    constrained = bool(writer.execution.metrics.get("constrained"))
    for cycle in writer.answer["value"][:50]:
        writer.pattern(
            "cycle",
            cycle,
            flagged=constrained,
            evidence={"length": len(cycle)},
            confidence_value=1.0,
            explanation=f"A closed loop of {len(cycle)} hops"
            + (" within the time window and amount tolerance asked." if constrained else "."),
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
