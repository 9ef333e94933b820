"""Does the cost of a requirement text grow linearly with its size? (issue 14.5)

Secret redaction and use-case generation once took time quadratic in a text's length: the URL
credential regex backtracked over every long run of letters, and the rule-based use-case step
compared every entity mention with every other. This script times, side by side and alternating
between the two sizes, at 32 KB and 256 KB (8× the text):

- `redact` (the function every error, trace and log line goes through) on a hostile text (one
  256 KB run of letters, the worst case of the old regex) and on prose holding URLs;
- the rule-based use-case generation on one requirement dense with entity mentions;
- a whole run through `AgenticWorkflowRunner` (demo source, SQLite checkpoints, as `gaai run`
  does), with the hostile text and with the mention-dense text as the requirement document.

For the functions alone, linear time means a ratio near 8× (printed per KB too: near 1×); the
target for a whole run is under 3× (its fixed cost dominates when nothing is quadratic). Usage:

    .venv/bin/python benchmarks/text_size.py [--sizes 32,256] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import ROOT, ratio, seconds, table

sys.path.insert(0, str(ROOT))

RUN_TARGET = 3.0
"""A whole run on 8× the text takes under this many times as long."""
PER_KB_TARGET = 1.5
"""A function on 8× the text takes under this many times as long per KB (1× is linear)."""

_MENTIONS = (
    "Find customers who share devices and payment methods with other customers, and the "
    "products and sellers their orders depend on; rank customers by referrals. "
)
_PROSE = (
    "The platform team exports orders nightly to https://exports.example.com/orders and the "
    "analysts read arangodb://analyst:s3cret-pass@db.example:8529/shop for customers. "
)


def hostile_text(size: int) -> str:
    """One long run of letters with a credential URL at its end: the old regex's worst case."""
    tail = " arangodb://root:hunter2-secret@db:8529/x"
    return "a" * (size - len(tail)) + tail


def repeated(sentence: str, size: int) -> str:
    """`sentence` repeated to `size` characters."""
    return (sentence * (size // len(sentence) + 1))[:size]


def _demo_schema_and_vertical() -> tuple[Any, Any]:
    from gaai_graph.nodes.schema import profile_schema
    from gaai_graph.nodes.vertical import builtin_verticals
    from gaai_graph.sources import load_graph_sync

    data = load_graph_sync("demo")
    schema = profile_schema(data, graph_name=None, core_collections=None)
    return schema, builtin_verticals()["ecommerce"]


MIN_SAMPLE_SECONDS = 0.05
"""A sample repeats a fast call until this much time has passed (a millisecond call timed once
is mostly scheduling noise on a shared machine) and reports the time per call."""


def _median_seconds(function: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        calls = 0
        start = time.perf_counter()
        while True:
            function()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= MIN_SAMPLE_SECONDS:
                break
        samples.append(elapsed / calls)
    return statistics.median(samples)


def _whole_run(text: str) -> None:
    from gaai_graph.runner import AgenticWorkflowRunner

    with tempfile.TemporaryDirectory(prefix="gaai-text-size-") as directory:
        runner = AgenticWorkflowRunner(
            source="demo",
            checkpoint=str(Path(directory) / "checkpoints.sqlite"),
            enable_tracing=True,
        )
        runner.run(input_documents=[{"content": text}])


def cases() -> list[tuple[str, str, Callable[[int], Callable[[], Any]]]]:
    """(name, kind, build) where build(size) returns the call to time."""
    from gaai_graph.llm.secrets import redact
    from gaai_graph.models import Requirement
    from gaai_graph.nodes.use_cases import generate_use_cases_by_rules

    schema, vertical = _demo_schema_and_vertical()

    def redact_hostile(size: int) -> Callable[[], Any]:
        text = hostile_text(size)
        return lambda: redact(text)

    def redact_prose(size: int) -> Callable[[], Any]:
        text = repeated(_PROSE, size)
        return lambda: redact(text)

    def use_cases(size: int) -> Callable[[], Any]:
        requirement = Requirement(
            id="REQ-001", kind="objective", text=repeated(_MENTIONS, size), source="bench", line=1
        )
        return lambda: generate_use_cases_by_rules([requirement], schema, vertical)

    def run_hostile(size: int) -> Callable[[], Any]:
        text = hostile_text(size)
        return lambda: _whole_run(text)

    def run_mentions(size: int) -> Callable[[], Any]:
        text = repeated(_MENTIONS, size)
        return lambda: _whole_run(text)

    return [
        ("redact, one run of letters", "function", redact_hostile),
        ("redact, prose with URLs", "function", redact_prose),
        ("use cases by rules, dense mentions", "function", use_cases),
        ("whole run, one run of letters", "run", run_hostile),
        ("whole run, dense mentions", "run", run_mentions),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="32,256", help="two text sizes in KB (default 32,256)")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per size (median)")
    args = parser.parse_args(argv)
    small_kb, large_kb = (int(value) for value in args.sizes.split(","))
    growth = large_kb / small_kb
    rows = []
    unmet = []
    for name, kind, build in cases():
        small_call, large_call = build(small_kb * 1024), build(large_kb * 1024)
        small_call()  # warm-up: imports, compiled patterns, the demo graph's cache
        small_samples, large_samples = [], []
        for _ in range(args.repeat):  # alternate, so load on the shared machine hits both
            small_samples.append(_median_seconds(small_call, 1))
            large_samples.append(_median_seconds(large_call, 1))
        small, large = statistics.median(small_samples), statistics.median(large_samples)
        times = large / small
        per_kb = times / growth
        if kind == "run":
            met = times < RUN_TARGET
            target = f"< {RUN_TARGET:g}× ({'met' if met else 'not met'})"
        else:
            met = per_kb < PER_KB_TARGET
            target = f"per KB < {PER_KB_TARGET:g}× ({'met' if met else 'not met'})"
        if not met:
            unmet.append(name)
        rows.append([name, seconds(small), seconds(large), ratio(times), ratio(per_kb), target])
    headers = [
        "input",
        f"{small_kb} KB (median)",
        f"{large_kb} KB (median)",
        f"{large_kb} KB / {small_kb} KB",
        "per KB",
        "target",
    ]
    print(table(headers, rows))
    print()
    print("targets not met: " + (", ".join(unmet) if unmet else "none"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
