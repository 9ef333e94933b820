"""End to end: `gaai run` against a minimal columnar pipeline on the same snapshot (issue 18.6).

Per size (edges), the demo generator's graph is exported once as arangoexport JSONL
(`write_jsonl`), then child processes run on it, one after the other, each reporting its
wall time and peak RSS (its VmHWM, or the highest sum of its own and its descendants'
resident sizes that this script sampled from outside every 20 ms, whichever is larger: the
product's worker processes, `engines/offload.py`, hold projections of their own):

- **product**: `gaai run --source <snapshot> --out <dir> --quiet` in-process (`cli.main`), the
  whole workflow with its checkpoints, reports and catalog. Its summary's per-phase timings say
  where the time goes.
- **reference**: the practical limit for the same analyses. polars `scan_ndjson` reads only the
  identifier columns of the collections the product's templates project, ids become integers
  once by vectorised joins, and per template a projection is a selection on those tables, an
  `igraph.Graph` is built from the integer edge array and the template's algorithm runs with the
  product's settings (PageRank prpack, Leiden on the undirected simple graph with 2 iterations,
  betweenness sampled from 256 sources above 5,000 vertices, Jaccard pairs within the
  template's `max_work` bound, shared identifiers over its `identifier_collections`, ...);
  top-k by `argpartition`.
  The templates are the ones the product planned (read from its `summary.json`), so both do
  the same analyses on the same data.

The product is measured as installed: its modules are compiled to bytecode first (what pip
does for a regular install and `make` does for the editable one), so no child spends ~0.5 s
compiling them again where PYTHONDONTWRITEBYTECODE is set.

A third child runs the product with `--sequential` (templates one at a time), for the
parallel / sequential time ratio. Targets (issue 18): product time ≤ 1.3× and peak RSS ≤ 1.5×
the reference, and parallel time ≤ sequential time, at 10^6 and 10^7 edges. The machine is
shared: see the load average printed with the table. Usage:

    .venv/bin/python benchmarks/end_to_end.py [--sizes 100000,1000000] [--full]
        [--rounds 3] [--offload off] [--write]

`--offload SETTING` adds a fourth child, the product with `GAAI_OFFLOAD_MIN_EDGES=SETTING`
(a number of edges, or `off` to keep every algorithm in process: the default runs Leiden,
Louvain and betweenness on projections of 500,000 edges or more in a worker process), printed
beside the others but not judged.
`--rounds N` runs the children in turn N times, in an order rotated each round, and
reports each one's median time and peak memory (the machine is noisy: one run can be 30% off)
and, round by round, the time ratios of runs made minutes apart; `--full` adds 10^7 edges
(minutes, several GB); `--write` puts the tables into benchmarks/RESULTS.md (its own section,
which `run.py` keeps). Needs polars
(benchmarks/requirements.txt).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    RESULTS_FILE,
    ROOT,
    load_average,
    machine_description,
    peak_rss_mb,
    ratio,
    seconds,
    table,
)

DEFAULT_SIZES = (10**5, 10**6)
FULL_SIZES = (10**5, 10**6, 10**7)
DEMO_EDGES_PER_SCALE = 17_150
"""The demo generator writes about this many edges per unit of scale."""
TIME_TARGET = 1.3
MEMORY_TARGET = 1.5
PARALLEL_TARGET = 1.0
"""Parallel template runs no slower than `--sequential` ones."""
BETWEENNESS_EXACT_LIMIT = 5000
BETWEENNESS_SAMPLES = 256
TOP_K = 10


# ---------------------------------------------------------------------------- children


class _TreeMemory:
    """Samples, every 20 ms, the resident size of a child process and of its descendants.

    It runs in the parent (this script, outside the measured children), so the sampling never
    takes a measured process's GIL or CPU: an in-process sampler thread woke 50 times a second
    inside the product only. A child's own peak is its VmHWM (exact); this adds the peak of its
    tree, for a product whose worker processes (engines/offload.py) hold projections of their
    own.
    """

    def __init__(self, pid: int) -> None:
        import threading

        self.pid = pid
        self.peak_mb = 0.0
        self.peak_descendants_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    @staticmethod
    def _rss_mb(pid: int | str) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    @staticmethod
    def _children(pid: int | str) -> list[str]:
        children: list[str] = []
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                with contextlib.suppress(OSError):
                    children += (task / "children").read_text().split()
        return children

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            descendants: list[str] = []
            pending = self._children(self.pid)
            while pending:
                pid = pending.pop()
                descendants.append(pid)
                pending += self._children(pid)
            in_descendants = sum(self._rss_mb(pid) for pid in descendants)
            self.peak_descendants_mb = max(self.peak_descendants_mb, in_descendants)
            self.peak_mb = max(self.peak_mb, self._rss_mb(self.pid) + in_descendants)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _child_product(snapshot: Path, out: Path, *, sequential: bool = False) -> dict[str, Any]:
    start = time.perf_counter()  # imports count, for both pipelines
    sys.path.insert(0, str(ROOT))
    from gaai_graph.cli import main

    options = ["--sequential"] if sequential else []
    code = main(["run", "--source", str(snapshot), "--out", str(out), "--quiet", *options])
    wall = time.perf_counter() - start
    summary = json.loads((out / "summary.json").read_text()) if code == 0 else {}
    return {
        "seconds": wall,
        "exit_code": code,
        # Its own high mark; `_spawn` adds what its worker processes held (`_TreeMemory`).
        "peak_rss_mb": peak_rss_mb(),
        "phases": summary.get("timings", {}),
        "summed_step_seconds": summary.get("summed_step_seconds", {}),
        "templates": [
            {
                "algorithm": t["algorithm"],
                "projection": t["projection"],
                "parameters": t.get("parameters", {}),
            }
            for t in summary.get("templates", [])
        ],
    }


def _child_reference(snapshot: Path, templates: list[dict[str, Any]]) -> dict[str, Any]:
    start = time.perf_counter()  # imports count, for both pipelines
    import igraph as ig
    import numpy as np
    import polars as pl

    phases: dict[str, float] = {"imports": time.perf_counter() - start}

    def mark(name: str, since: float) -> float:
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - since
        return now

    vertex_names = sorted({c for t in templates for c in t["projection"]["vertex_collections"]})
    edge_names = sorted({c for t in templates for c in t["projection"]["edge_collections"]})
    clock = time.perf_counter()
    # Vertices: one table of every projected vertex, numbered once (its row number).
    vertex_frames = [
        pl.scan_ndjson(snapshot / f"{name}.jsonl")
        .select(pl.lit(name).alias("collection"), (pl.lit(name + "/") + pl.col("_key")).alias("id"))
        .collect()
        for name in vertex_names
    ]
    vertices = pl.concat(vertex_frames).with_row_index("index")
    edge_frames = {
        name: pl.scan_ndjson(snapshot / f"{name}.jsonl").select("_from", "_to").collect()
        for name in edge_names
    }
    clock = mark("read (polars scan_ndjson)", clock)
    ids = vertices.select("id", "index")
    edges = {
        name: frame.join(ids.rename({"id": "_from", "index": "source"}), on="_from")
        .join(ids.rename({"id": "_to", "index": "target"}), on="_to")
        .select("source", "target")
        for name, frame in edge_frames.items()
    }
    collection_of = vertices["collection"].to_numpy()
    clock = mark("map ids to integers (joins)", clock)

    for template in templates:
        projection = template["projection"]
        clock = time.perf_counter()
        selected = np.flatnonzero(np.isin(collection_of, projection["vertex_collections"]))
        position = np.full(len(collection_of), -1, dtype=np.int64)
        position[selected] = np.arange(len(selected))
        pairs = np.concatenate(
            [edges[name].to_numpy() for name in projection["edge_collections"]]
            or [np.empty((0, 2), dtype=np.int64)]
        )
        pairs = position[pairs]
        pairs = pairs[(pairs >= 0).all(axis=1)]
        graph = ig.Graph(n=len(selected), edges=pairs, directed=projection["directed"])
        clock = mark("projection + igraph graph", clock)
        scores = _run_reference(
            graph,
            template["algorithm"],
            template.get("parameters") or {},
            collection_of[selected],
        )
        if scores is not None and len(scores):
            top = np.argpartition(-scores, min(TOP_K, len(scores) - 1))[:TOP_K]
            _ = vertices["id"].gather(selected[top].tolist()).to_list()
        mark(f"algorithm {template['algorithm']}", clock)
    return {
        "seconds": time.perf_counter() - start,
        "peak_rss_mb": peak_rss_mb(),
        "phases": phases,
    }


def _run_reference(graph: Any, algorithm: str, parameters: dict[str, Any], collections: Any) -> Any:
    """The product's algorithm with its settings; per-vertex scores (or None).

    Args:
        graph: The template's projection as an igraph graph.
        algorithm: The template's algorithm.
        parameters: The template's parameters as the product planned them (`summary.json`).
        collections: The collection of each vertex of `graph` (a numpy array of names).

    Jaccard and shared identifiers are the product's definitions written on whole arrays:
    Jaccard scores every pair sharing a neighbour, walking two hops from each vertex in
    index order while the walk stays within `max_work` neighbour visits, and keeps the
    `top_k` best pairs; shared identifiers counts, per vertex of the `identifier_collections`,
    the distinct other vertices linked to it, and scores each user by its most shared one.
    """
    import numpy as np

    def simple_undirected() -> Any:
        undirected = graph.as_undirected() if graph.is_directed() else graph.copy()
        undirected.simplify()
        return undirected

    if algorithm == "pagerank":
        return np.asarray(graph.pagerank(directed=graph.is_directed(), implementation="prpack"))
    if algorithm in ("degree", "in_degree", "out_degree"):
        mode = {"degree": "all", "in_degree": "in", "out_degree": "out"}[algorithm]
        return np.asarray(graph.degree(mode=mode), dtype=float)
    if algorithm == "wcc":
        return np.asarray(graph.connected_components("weak").membership, dtype=float)
    if algorithm == "scc":
        return np.asarray(graph.connected_components("strong").membership, dtype=float)
    if algorithm == "louvain":
        return np.asarray(simple_undirected().community_multilevel().membership, dtype=float)
    if algorithm == "leiden":
        membership = simple_undirected().community_leiden(
            objective_function="modularity", n_iterations=2
        )
        return np.asarray(membership.membership, dtype=float)
    if algorithm == "label_propagation":
        return np.asarray(simple_undirected().community_label_propagation().membership, float)
    if algorithm == "kcore":
        return np.asarray(simple_undirected().coreness(), dtype=float)
    if algorithm in ("triangles", "clustering"):
        return np.asarray(
            simple_undirected().transitivity_local_undirected(mode="zero"), dtype=float
        )
    if algorithm == "betweenness":
        simple = graph.copy()
        simple.simplify()
        n = simple.vcount()
        if n <= BETWEENNESS_EXACT_LIMIT:
            return np.asarray(simple.betweenness(directed=simple.is_directed()))
        sources = random.Random(0).sample(range(n), BETWEENNESS_SAMPLES)
        return np.asarray(simple.betweenness(directed=simple.is_directed(), sources=sources))
    if algorithm == "jaccard":
        return _reference_jaccard(graph, parameters)
    if algorithm == "shared_identifiers":
        return _reference_sharing(graph, parameters, collections)
    return None  # not mirrored here: the table says which


def _reference_neighbours(graph: Any, mode: str) -> tuple[Any, Any]:
    """Distinct neighbours (self excluded) of each vertex as CSR (offsets, neighbours)."""
    import numpy as np

    n = graph.vcount()
    ends = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    first, second = ends[:, 0], ends[:, 1]
    if not graph.is_directed() or mode == "all":
        first, second = np.concatenate([first, second]), np.concatenate([second, first])
    elif mode == "in":
        first, second = second, first
    loop = first == second
    rows, near = np.divmod(np.unique(first[~loop] * n + second[~loop]), max(n, 1))
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=offsets[1:])
    return offsets, near


def _reference_jaccard(graph: Any, parameters: dict[str, Any]) -> Any:
    """Top pairs by Jaccard over shared neighbours, within the product's work bound."""
    import numpy as np

    n = graph.vcount()
    mode = parameters.get("mode") or "all"
    top_k = int(parameters.get("top_k") or TOP_K)
    max_work = int(parameters.get("max_work") or 5_000_000)
    offsets, near = _reference_neighbours(graph, mode)
    back_offsets, back = _reference_neighbours(graph, {"in": "out", "out": "in"}.get(mode, "all"))
    back_size = np.diff(back_offsets)
    walked = np.concatenate([[0], np.cumsum(back_size[near])])
    taken = int(
        np.searchsorted(np.cumsum(walked[offsets[1:]] - walked[offsets[:-1]]), max_work, "right")
    )
    # Two hops from each start u < taken: u -> z -> v, counted once per pair (from its lower end).
    hops = offsets[taken]
    firsts = np.repeat(np.arange(taken), np.diff(offsets[: taken + 1]))
    middles = near[:hops]
    lengths = back_size[middles]
    owner = np.repeat(np.arange(middles.size), lengths)
    inside = np.arange(owner.size) - (np.cumsum(lengths) - lengths)[owner]
    others = back[back_offsets[middles][owner] + inside]
    firsts = firsts[owner]
    keep = others > firsts
    keys, common = np.unique(firsts[keep] * n + others[keep], return_counts=True)
    u, v = np.divmod(keys, max(n, 1))
    size = np.diff(offsets).astype(np.float64)
    scores = common / (size[u] + size[v] - common)
    best = np.lexsort((v, u, -scores))[:top_k]
    return scores[best]


def _reference_sharing(graph: Any, parameters: dict[str, Any], collections: Any) -> Any:
    """Distinct users per identifier vertex; each user scored by its most shared identifier."""
    import numpy as np

    named = str(parameters.get("identifier_collections") or "").split("|")
    is_identifier = np.isin(collections, named)
    ends = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    first, second = ends[:, 0], ends[:, 1]
    forward = is_identifier[first] & ~is_identifier[second]
    backward = is_identifier[second] & ~is_identifier[first]
    n = max(graph.vcount(), 1)
    owners, users = np.divmod(
        np.unique(
            np.concatenate([first[forward], second[backward]]) * n
            + np.concatenate([second[forward], first[backward]])
        ),
        n,
    )
    counts = np.bincount(owners, minlength=graph.vcount()).astype(np.float64)
    scores = counts.copy()
    np.maximum.at(scores, users, counts[owners])
    return scores


# ---------------------------------------------------------------------------- parent


def _spawn(*arguments: str, environment: dict[str, str] | None = None) -> Any:
    """Run this script as a child; its last line of output, with its process tree's peak.

    `environment` adds variables to the child's (this process's own are kept).
    """
    child = subprocess.Popen(
        [sys.executable, __file__, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(environment or {})},
    )
    tree = _TreeMemory(child.pid)
    try:
        stdout, stderr = child.communicate()
    finally:
        tree.stop()
    if child.returncode != 0:
        raise RuntimeError(stderr[-3000:])
    result: Any = json.loads(stdout.strip().splitlines()[-1])
    if isinstance(result, dict) and "peak_rss_mb" in result:
        # The child's own high mark, or with its worker processes the highest sampled sum.
        result["peak_rss_mb"] = max(result["peak_rss_mb"], tree.peak_mb)
        result["worker_peak_rss_mb"] = tree.peak_descendants_mb
    return result


def _export(edges: int, directory: Path) -> int:
    """Write the demo graph of about `edges` edges as JSONL; return its edge count.

    Run in a child process, so the generator's memory (GBs at 10^7 edges) is given back before
    the measured children start.
    """
    sys.path.insert(0, str(ROOT))
    from gaai_graph.sources.demo_generator import DEFAULT_SEED, _DemoBuilder
    from gaai_graph.sources.snapshot import write_jsonl

    # The builder itself: `generate_demo` refuses scales above 100 (~1.7 million edges) so that
    # `gaai run --source demo:N` cannot exhaust an ordinary machine; a benchmark may go beyond.
    data = _DemoBuilder(edges / DEMO_EDGES_PER_SCALE, DEFAULT_SEED).build().data
    write_jsonl(data, directory)
    return sum(len(c.documents) for c in data.collections.values() if c.kind == "edge")


def measure(edges: int, rounds: int = 1, offload: str | None = None) -> dict[str, Any]:
    """Export a snapshot of about `edges` edges, run the pipelines on it, return the figures.

    With several `rounds`, the children run in turn once per round, in an order that
    rotates from round to round (`round_order`), so a slow spell of a shared machine falls on
    all alike and none always runs first or right after another; each pipeline's time
    and peak memory is the median of its rounds, and its phases are those of its median-time
    run. With `offload`, a fourth child runs the product with
    `GAAI_OFFLOAD_MIN_EDGES=<offload>` (a threshold, or `off`).
    """
    pipelines = pipelines_of(offload)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in pipelines}
    with tempfile.TemporaryDirectory(prefix="gaai-e2e-") as scratch:
        snapshot = Path(scratch) / "snapshot"
        actual_edges = _spawn(
            "--child", "export", "--snapshot", str(snapshot), "--edges", str(edges)
        )["edges"]
        for number in range(rounds):
            for name in round_order(number, pipelines):
                environment = None
                if name == "reference":
                    # The product's templates: its first round always runs it first.
                    templates = json.dumps(runs["product"][0]["templates"])
                    arguments = ("--templates", templates)
                else:
                    arguments = ("--out", str(Path(scratch) / f"round-{number}-{name}"))
                child = name
                if name == "offload":
                    child, environment = "product", {OFFLOAD_VARIABLE: str(offload)}
                measured = _spawn(
                    "--child",
                    child,
                    "--snapshot",
                    str(snapshot),
                    *arguments,
                    environment=environment,
                )
                runs[name].append(measured)
    result: dict[str, Any] = {"edges": actual_edges, "rounds": rounds, "offload_setting": offload}
    for name, measured in runs.items():
        result[name] = median_run(measured)
    return result


PIPELINES = ("product", "sequential", "reference")
OFFLOAD_VARIABLE = "GAAI_OFFLOAD_MIN_EDGES"


def pipelines_of(offload: str | None) -> tuple[str, ...]:
    """The pipelines measured: `PIPELINES`, and 'offload' (the product, other setting) if asked."""
    return (*PIPELINES, "offload") if offload else PIPELINES


def round_order(number: int, pipelines: tuple[str, ...] = PIPELINES) -> tuple[str, ...]:
    """The order the pipelines run in, in round `number` (from 0): rotated each round.

    Round 0 runs the product first (the reference needs its templates); over as many rounds
    as pipelines, each pipeline runs once in each place.
    """
    shift = number % len(pipelines)
    return pipelines[shift:] + pipelines[:shift]


def paired_ratios(numerators: list[float], denominators: list[float]) -> tuple[list[float], float]:
    """Per-round ratios of two pipelines' times and their median.

    Two runs of one round ran minutes apart at most, so their ratio is less exposed to the
    machine's drift between rounds than the ratio of the two medians.
    """
    ratios = [top / bottom for top, bottom in zip(numerators, denominators, strict=True)]
    return ratios, statistics.median(ratios)


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median time, with the median peak memory of all and every run's figures."""
    by_time = sorted(runs, key=lambda run: run["seconds"])
    chosen = dict(by_time[(len(by_time) - 1) // 2])
    memories = sorted(run["peak_rss_mb"] for run in runs)
    chosen["peak_rss_mb"] = statistics.median(memories)
    chosen["seconds"] = statistics.median(run["seconds"] for run in runs)
    chosen["all_seconds"] = [run["seconds"] for run in runs]
    chosen["all_peak_rss_mb"] = [run["peak_rss_mb"] for run in runs]
    return chosen


def report(results: list[dict[str, Any]]) -> list[str]:
    """Print the ratio table and the product's phases; return the targets not met."""
    rows = []
    unmet = []
    for result in results:
        product, reference = result["product"], result["reference"]
        sequential = result["sequential"]
        time_ratio = product["seconds"] / reference["seconds"]
        memory_ratio = product["peak_rss_mb"] / reference["peak_rss_mb"]
        parallel_ratio = product["seconds"] / sequential["seconds"]
        verdicts = []
        if result["edges"] >= 10**6 * 0.9:
            for label, value, target in (
                ("time", time_ratio, TIME_TARGET),
                ("memory", memory_ratio, MEMORY_TARGET),
                ("parallel/sequential", parallel_ratio, PARALLEL_TARGET),
            ):
                met = value <= target
                verdicts.append(f"{label} {'met' if met else 'not met'}")
                if not met:
                    unmet.append(f"{label} ≤ {target}× at {result['edges']:,} edges")
        rows.append(
            [
                f"{result['edges']:,}",
                f"{seconds(product['seconds'])} / {product['peak_rss_mb']:.0f} MB",
                f"{seconds(sequential['seconds'])} / {sequential['peak_rss_mb']:.0f} MB",
                f"{seconds(reference['seconds'])} / {reference['peak_rss_mb']:.0f} MB",
                ratio(time_ratio),
                ratio(memory_ratio),
                ratio(parallel_ratio),
                ", ".join(verdicts) or "(not judged below 10^6)",
            ]
        )
    print(
        table(
            [
                "edges",
                "gaai run",
                "gaai run --sequential",
                "columnar reference",
                "time ratio",
                "memory ratio",
                "parallel / sequential",
                "targets",
            ],
            rows,
        )
    )
    for result in results:
        if result.get("offload_setting"):
            print_offload(result)
    for result in results:
        product, reference = result["product"], result["reference"]
        pipelines = pipelines_of(result.get("offload_setting"))
        if result.get("rounds", 1) > 1:
            print(f"\n{result['rounds']} rounds at {result['edges']:,} edges (medians above):")
            for name in pipelines:
                times = ", ".join(seconds(value) for value in result[name]["all_seconds"])
                memories = ", ".join(f"{value:.0f}" for value in result[name]["all_peak_rss_mb"])
                print(f"- {name}: {times}; peak MB {memories}")
            orders = ", ".join(
                "/".join(round_order(number, pipelines)) for number in range(result["rounds"])
            )
            print(f"- order in each round: {orders}")
            pairs = [
                ("time ratio", "product", "reference"),
                ("parallel / sequential", "product", "sequential"),
            ]
            if "offload" in pipelines:
                label = f"{OFFLOAD_VARIABLE}={result['offload_setting']} / sequential"
                pairs.append((label, "offload", "sequential"))
            for label, top, bottom in pairs:
                each, middle = paired_ratios(
                    result[top]["all_seconds"], result[bottom]["all_seconds"]
                )
                listed = ", ".join(ratio(value) for value in each)
                print(f"- {label} round by round: {listed} (median {ratio(middle)})")
        for name in pipelines:
            if result[name].get("worker_peak_rss_mb"):
                print(
                    f"\nThe {name} run's worker processes ({OFFLOAD_VARIABLE}) held up to "
                    f"{result[name]['worker_peak_rss_mb']:.0f} MB, counted in its peak."
                )
        print(f"\nWhere the time goes at {result['edges']:,} edges (the median-time runs)")
        phase_rows = [["product: " + name, seconds(v)] for name, v in product["phases"].items()]
        other = product["seconds"] - sum(product["phases"].values())
        phase_rows.append(
            ["product: rest (imports, checkpoints, reports, catalog, ...)", seconds(other)]
        )
        phase_rows += [
            [f"product: summed {name} over templates", seconds(v)]
            for name, v in product["summed_step_seconds"].items()
        ]
        phase_rows += [
            ["reference: " + name, seconds(v)] for name, v in reference["phases"].items()
        ]
        print(table(["phase", "seconds"], phase_rows))
        algorithms = ", ".join(t["algorithm"] for t in product["templates"])
        print(f"templates: {algorithms}")
    return unmet


def print_offload(result: dict[str, Any]) -> None:
    """The product with another offload setting against `--sequential` and the reference.

    Not judged: the targets are the default's; the line is there to choose the default
    (docs/benchmarks.md).
    """
    other, sequential = result["offload_setting"], result["sequential"]
    measured, reference = result["offload"], result["reference"]
    print(
        f"\nWith {OFFLOAD_VARIABLE}={other} at {result['edges']:,} edges: "
        f"{seconds(measured['seconds'])} / {measured['peak_rss_mb']:.0f} MB; / sequential "
        f"{ratio(measured['seconds'] / sequential['seconds'])}, time "
        f"{ratio(measured['seconds'] / reference['seconds'])} and memory "
        f"{ratio(measured['peak_rss_mb'] / reference['peak_rss_mb'])} the reference "
        "(not judged: the targets are the default's)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="edge counts, comma-separated (default 10^5,10^6)")
    parser.add_argument("--full", action="store_true", help="add 10^7 edges")
    parser.add_argument(
        "--write", action="store_true", help="put the tables into benchmarks/RESULTS.md"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the pipelines in turn this many times; report medians (default 1)",
    )
    parser.add_argument(
        "--offload",
        metavar="SETTING",
        help=f"also run the product with {OFFLOAD_VARIABLE}=SETTING (edges, or off)",
    )
    parser.add_argument(
        "--child", choices=("export", "product", "sequential", "reference"), help=argparse.SUPPRESS
    )
    parser.add_argument("--edges", help=argparse.SUPPRESS)
    parser.add_argument("--snapshot", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--templates", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "export":
        print(json.dumps({"edges": _export(int(args.edges), Path(args.snapshot))}))
        return 0
    if args.child in ("product", "sequential"):
        out = Path(args.out) / args.child
        sequential = args.child == "sequential"
        print(json.dumps(_child_product(Path(args.snapshot), out, sequential=sequential)))
        return 0
    if args.child == "reference":
        templates = json.loads(args.templates)
        print(json.dumps(_child_reference(Path(args.snapshot), templates)))
        return 0
    if args.sizes:
        sizes = tuple(int(float(size)) for size in args.sizes.split(","))
    else:
        sizes = FULL_SIZES if args.full else DEFAULT_SIZES
    os.environ.setdefault("GAAI_STATE_DIR", tempfile.mkdtemp(prefix="gaai-e2e-state-"))
    compileall.compile_dir(ROOT / "gaai_graph", quiet=1)
    machine = machine_description()
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    results = [measure(size, args.rounds, args.offload) for size in sizes]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        unmet = report(results)
        print(f"\nload average at end (1/5/15 min): {load_average()}")
        print("targets not met: " + ("; ".join(unmet) if unmet else "none"))
    print(printed.getvalue(), end="")
    if args.write:
        command = " ".join(["benchmarks/end_to_end.py", *(argv or sys.argv[1:])])
        write_results(printed.getvalue(), command, machine)
        print(f"\nwrote its section of {RESULTS_FILE}")
    return 0


SECTION_START = "<!-- end_to_end.py: start -->"
SECTION_END = "<!-- end_to_end.py: end -->"


def write_results(
    printed: str, command: str, machine: list[tuple[str, str]], path: Path = RESULTS_FILE
) -> None:
    """Put this run's tables into `path` between the section markers, replacing earlier ones.

    `run.py` rewrites the rest of the file and keeps this section (`kept_section`).
    """
    section = "\n".join(
        [
            SECTION_START,
            "## End to end: `gaai run` against the columnar reference (issue 18)",
            "",
            f"Written by `{command}`; the machine when it started:",
            "",
            *(f"- {label}: {value}" for label, value in machine),
            "",
            printed.strip(),
            SECTION_END,
        ]
    )
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    before, _, rest = text.partition(SECTION_START)
    _, _, after = rest.partition(SECTION_END)
    path.write_text(before.rstrip() + "\n\n" + section + "\n" + after.lstrip(), encoding="utf-8")


def kept_section(path: Path = RESULTS_FILE) -> str:
    """The end-to-end section of `path` (markers included), or '' when it has none."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = text.find(SECTION_START), text.find(SECTION_END)
    return text[start : end + len(SECTION_END)] if 0 <= start < end else ""


if __name__ == "__main__":
    raise SystemExit(main())
