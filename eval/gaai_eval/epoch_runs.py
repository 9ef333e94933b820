"""Run a two-epoch case through the real agent and the catalog, then score what it named.

Both epochs are written to the same snapshot directory (the same source, as a weekly rerun of a
database sees it) and run with the same question; the first run is recorded in a fresh SQLite
catalog, and the second run is compared with it by the product itself
(`gaai_graph.catalog.changes.annotate_from_catalog`, which finds the earlier epoch of the same
source and question without being told which). The scorer reads the change lines the second
run leads with, and the structured changes behind them.

Scoring (per case):

- a planted `entered_top` / `left_top` change is found when a compared report lists the
  planted account as entered / left its top list;
- a planted `merged` / `split` change is found when a compared report lists a community change
  of that kind whose named members all belong to the planted communities;
- a planted `new_ring` is found when a compared report lists a new ring with the planted
  accounts among its members;
- on a case where nothing was planted (`none`), every change line is a false change.

Recall is found / planted over all cases; false changes are counted on the unchanged cases.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
import time
from pathlib import Path
from typing import Any

from gaai_eval.epochs import EpochCase, PlantedChange, build_epochs

_COMMUNITY_KINDS = {"merged", "split"}


async def _run_epoch(source: Path, question: str, run_id: str) -> dict[str, Any]:
    """One agent run on the rule path; the full final state (schema included)."""
    from langgraph.checkpoint.memory import InMemorySaver

    from gaai_graph.context import Context
    from gaai_graph.graph import builder
    from gaai_graph.persistence import allow_state_types

    compiled = builder.compile(checkpointer=allow_state_types(InMemorySaver()))
    config: Any = {"configurable": {"thread_id": run_id}}
    inputs: Any = {"documents": [{"content": question, "name": "question"}], "run_id": run_id}
    await compiled.ainvoke(inputs, config=config, context=Context(source=str(source), model=None))
    snapshot = await compiled.aget_state(config)
    return dict(snapshot.values)


async def run_case(case: EpochCase) -> dict[str, Any]:
    """Run both epochs of a case and return the second run's changes as plain data.

    Returns:
        {"planted": [...], "lines": [...], "reports": [structured changes per report],
         "compared": bool, "error": str (only when a run raised)}.
    """
    from gaai_graph.catalog.changes import annotate_from_catalog
    from gaai_graph.catalog.recorder import open_catalog, record_run

    before, after, planted = build_epochs(case)
    with tempfile.TemporaryDirectory(prefix="gaai-epochs-") as scratch:
        source = Path(scratch) / case.id
        catalog_path = str(Path(scratch) / "catalog.sqlite")
        before.write(source)
        first = await _run_epoch(source, case.question, f"{case.id}-1")
        catalog = open_catalog(catalog_path)
        try:
            record_run(catalog, first, epoch_id=f"{case.id}-1", started_at=time.time())
        finally:
            catalog.close()
        after.write(source)
        second = await _run_epoch(source, case.question, f"{case.id}-2")
        changes = annotate_from_catalog(catalog_path, f"{case.id}-2", second)
    return {
        "planted": [change.to_json() for change in planted],
        "compared": changes is not None,
        "lines": changes.lines() if changes else [],
        "changed": bool(changes and changes.changed),
        "reports": [dataclasses.asdict(report) for report in changes.reports] if changes else [],
    }


def run_cases(cases: list[EpochCase]) -> dict[str, dict[str, Any]]:
    """Run every case (one after the other: each is two runs on a small graph)."""
    from gaai_eval.runner import _rule_path_only

    async def run_all() -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for case in cases:
            started = time.perf_counter()
            try:
                out[case.id] = await run_case(case)
            except Exception as error:  # one failing case must not lose the others
                out[case.id] = {
                    "planted": [c.to_json() for c in build_epochs(case)[2]],
                    "compared": False,
                    "lines": [],
                    "changed": False,
                    "reports": [],
                    "error": f"{type(error).__name__}: {error}",
                }
            out[case.id]["seconds"] = round(time.perf_counter() - started, 3)
        return out

    with _rule_path_only():
        return asyncio.run(run_all())


def _found(change: PlantedChange, reports: list[dict[str, Any]]) -> bool:
    planted = set(change.entities)
    for report in reports:
        if change.kind == "entered_top" and planted & {e for e, _ in report["entered_top"]}:
            return True
        if change.kind == "left_top" and planted & {e for e, _ in report["left_top"]}:
            return True
        if change.kind in _COMMUNITY_KINDS:
            for community in report["communities"]:
                members = set(community["example_members"])
                if community["kind"] == change.kind and members and members <= planted:
                    return True
        if change.kind == "new_ring":
            for ring in report.get("rings", []):
                if ring["kind"] == "new" and planted <= set(ring["members"]):
                    return True
    return False


def score_epoch_case(case: EpochCase, run: dict[str, Any]) -> dict[str, Any]:
    """Score one case's second run: planted changes found, false changes on unchanged graphs."""
    planted = [PlantedChange(**change) for change in run["planted"]]
    found = [change.kind for change in planted if _found(change, run["reports"])]
    unchanged = case.change == "none"
    false_changes = len(run["lines"]) if unchanged and run["changed"] else 0
    return {
        "id": case.id,
        "change": case.change,
        "question": case.question,
        "compared": run["compared"],
        "planted": len(planted),
        "found": len(found),
        "recall": len(found) / len(planted) if planted else None,
        "false_changes": false_changes,
        "says_unchanged": unchanged and run["compared"] and not run["changed"],
        "lines": run["lines"][:8],
        "error": run.get("error"),
    }


def summarise(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall over every planted change and false changes over the unchanged cases."""
    planted = sum(r["planted"] for r in records)
    unchanged = [r for r in records if r["change"] == "none"]
    return {
        "epoch_cases": len(records),
        "epoch_planted": planted,
        "epoch_found": sum(r["found"] for r in records),
        "epoch_recall": sum(r["found"] for r in records) / planted if planted else None,
        "epoch_unchanged_cases": len(unchanged),
        "epoch_false_changes": sum(r["false_changes"] for r in unchanged),
        "epoch_unchanged_said": sum(1 for r in unchanged if r["says_unchanged"]),
    }
