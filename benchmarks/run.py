"""Run every benchmark and write benchmarks/RESULTS.md (what `make bench` does).

`python benchmarks/run.py` runs the quick sizes (a few minutes on 2 cores);
`python benchmarks/run.py --full` adds sequential runs at N = 500 and graphs of 10^7 edges.
Every number in RESULTS.md comes from this run, except the end-to-end section, which
`benchmarks/end_to_end.py --write` writes (minutes at 10^6 edges) and this script keeps.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import end_to_end
import engine
import orchestration
from common import RESULTS_FILE, load_average, machine_description


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="full sizes (10^7 edges, N=500 seq)")
    parser.add_argument("--output", default=str(RESULTS_FILE), help="where to write the results")
    args = parser.parse_args(argv)

    machine = machine_description()
    started = time.perf_counter()
    orchestration_outcome = orchestration.run(full=args.full)
    engine_outcome = engine.run(full=args.full)
    elapsed = time.perf_counter() - started
    machine.append(("load average at end (1/5/15 min)", load_average()))

    unmet = orchestration_outcome.unmet + engine_outcome.unmet
    command = "make bench-full" if args.full else "make bench"
    lines = [
        "# Benchmark results",
        "",
        f"Written by `benchmarks/run.py` ({command}, {elapsed / 60:.1f} minutes); do not edit by "
        "hand. See `benchmarks/README.md` for what each script measures.",
        "",
        "## Machine",
        "",
        *(f"- {label}: {value}" for label, value in machine),
        "",
        "The machine is shared (other engineers' test runs may overlap): each comparison is "
        "measured side by side in one run, alternating, and repeated.",
        "",
        "## Targets not met",
        "",
    ]
    if unmet:
        lines += [f"- {item}" for item in unmet]
        lines += ["", *_explanations(unmet)]
    else:
        lines.append("None: every target was met in this run.")
    lines += ["", orchestration_outcome.markdown, "", engine_outcome.markdown, ""]
    # The end-to-end benchmark's section (its own script, minutes at 10^6) is kept as it is.
    if section := end_to_end.kept_section(Path(args.output)):
        lines += [section, ""]
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    print("\n".join(lines))
    print(f"\nwrote {args.output}")
    return 0


def _explanations(unmet: list[str]) -> list[str]:
    """Why each kind of miss happens and what would close it (from profiling these runs; the
    numbers are in the tables below)."""
    text = " ".join(unmet)
    notes = []
    if "orchestration none" in text:
        notes.append(
            "- **Orchestration overhead without a checkpointer**: the graph's own cost per "
            "template chain (`Send` packets, task bookkeeping, the stream; the last column, well "
            "under a millisecond) times N, against a critical path scaled down to ~1.6 s. At "
            "N = 500 that lands near the 1.10× line, and on this shared machine the median moves "
            "by several percent between runs; at the seeds' real latencies it is a fraction of "
            "a percent."
        )
    if any(item.startswith("orchestration sqlite") for item in unmet):
        notes.append(
            "- **Orchestration overhead at large N with a checkpointer**: the rows without a "
            "checkpointer show the graph's own overhead; the rest is persistence. Profiling N = "
            "500 with 'sync' durability (cProfile, outside this script) shows the event loop "
            "busy, not waiting on SQLite: serialising state for the checkpointer takes most of it"
            " — each finished chain's writes (one `dumps_typed` per state key it writes) and "
            "every checkpoint after the fan-out, which `AsyncSqliteSaver` stores whole, with all "
            "N reports and executions — and LangGraph's `put_writes` filters the step's pending "
            "writes once per finished task, which grows with N². A group-commit saver (the writes"
            " of tasks finishing together committed in one transaction) was built and measured "
            "side by side and did not help, so round trips to SQLite are not the cost and it was "
            "not kept. 'exit' durability persists once at the end and comes closest. What would "
            "close it: lighter per-template state (reports referenced by id, their bodies written"
            " once), or a checkpointer that stores only the channels a step changed; 'exit' "
            "durability for large fan-outs when resume is not wanted. The ratio target is "
            "demanding because the critical path is scaled down to ~1.6 s: the overhead per chain"
            " (last column) is milliseconds, against the seconds an LLM report takes."
        )
    if "PageRank" in text:
        call = (
            "The algorithm call alone missed it too in this run (see its row). "
            if "algorithm call" in text
            else "The algorithm call alone meets it. "
        )
        notes.append(
            "- **PageRank ≥ 15× NetworkX**: the verdict lines below judge three starting points. "
            + call
            + "`LocalEngine.run` from the "
            "integer edge list (igraph graph build, call, whole-result summary) sits near the "
            "line: for the first template on a projection, building the igraph graph (from the "
            "projection's compact int32 edge array, via Python pairs: igraph reads numpy arrays "
            "more slowly) takes about as long as PageRank itself; later templates on the same "
            "projection copy that graph instead (*run, projection shared*). From documents, "
            "both sides pay the same `build_projection` (every edge document's `_from`/`_to` "
            "looked up in a dict of vertex ids: its time is in the second table, the same "
            "order as NetworkX's whole PageRank), which bounds that ratio whatever the engine "
            "does; the executor caches projections, so later templates do not pay it. What "
            "would close both: map `_from`/`_to` to vertex numbers once per loaded graph, so "
            "every projection is a vectorised selection, and hand igraph the edges without "
            "Python objects."
        )
    if "loading" in text:
        notes.append(
            "- **Loading**: `load_snapshot` adds per-document completion (`_key`/`_id`) and "
            "checks to the bare parse; the gap is that loop."
        )
    return notes


if __name__ == "__main__":
    sys.exit(main())
