"""Two-epoch cases: the planted changes are really there, and the scorer can say no."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from gaai_eval.epoch_runs import run_case, score_epoch_case, summarise
from gaai_eval.epochs import CHANGE_KINDS, EpochCase, build_epochs, load_epoch_cases
from gaai_eval.harness import evaluate


def _graph(snapshot: Any) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(f"accounts/{v['_key']}" for v in snapshot.vertices["accounts"])
    graph.add_edges_from((e["_from"], e["_to"]) for e in snapshot.edges["transfers"])
    return graph


def _case(change: str) -> EpochCase:
    return EpochCase(id=f"t-{change}", question="Who matters?", change=change, seed=77)


def test_the_corpus_covers_every_kind_of_change_and_quick_has_some() -> None:
    cases = load_epoch_cases()

    assert {case.change for case in cases} == set(CHANGE_KINDS)
    assert any(case.quick for case in cases)
    assert len({case.id for case in cases}) == len(cases)


def test_unchanged_epochs_are_identical_and_changed_ones_are_not() -> None:
    before, after, planted = build_epochs(_case("none"))
    assert planted == []
    assert before.vertices == after.vertices and before.edges == after.edges
    for change in CHANGE_KINDS[:-1]:
        before, after, planted = build_epochs(_case(change))
        assert len(planted) == 1 and planted[0].kind == change
        assert set(_graph(before).edges) != set(_graph(after).edges)


def test_the_planted_ring_is_the_only_loop_of_epoch_two_and_new() -> None:
    before, after, planted = build_epochs(_case("new_ring"))

    assert nx.is_directed_acyclic_graph(_graph(before))
    cycles = [set(c) for c in nx.simple_cycles(_graph(after))]
    assert set(planted[0].entities) in cycles


def test_rank_changes_move_the_planted_account_by_degree() -> None:
    before, after, planted = build_epochs(_case("entered_top"))
    riser = planted[0].entities[0]
    degree_before, degree_after = dict(_graph(before).degree), dict(_graph(after).degree)
    assert degree_before[riser] == min(degree_before.values())
    assert degree_after[riser] == max(degree_after.values())

    before, after, planted = build_epochs(_case("left_top"))
    leader = planted[0].entities[0]
    assert dict(_graph(before).degree)[leader] == max(dict(_graph(before).degree).values())
    assert dict(_graph(after).degree)[leader] == 1


def _run(planted: list[dict[str, Any]], reports: list[dict[str, Any]], lines: list[str]) -> dict:
    return {
        "planted": planted,
        "compared": True,
        "changed": bool(lines),
        "lines": lines,
        "reports": reports,
    }


def _report_changes(**fields: Any) -> dict[str, Any]:
    return {"entered_top": [], "left_top": [], "communities": [], "rings": [], **fields}


def test_the_scorer_finds_only_what_was_named() -> None:
    case = _case("entered_top")
    planted = [{"kind": "entered_top", "entities": ["accounts/acc001"], "labels": ["A"]}]

    named = _run(planted, [_report_changes(entered_top=[["accounts/acc001", "A"]])], ["x"])
    other = _run(planted, [_report_changes(entered_top=[["accounts/acc002", "B"]])], ["x"])
    left = _run(planted, [_report_changes(left_top=[["accounts/acc001", "A"]])], ["x"])

    assert score_epoch_case(case, named)["recall"] == 1.0
    assert score_epoch_case(case, other)["recall"] == 0.0
    assert score_epoch_case(case, left)["recall"] == 0.0


def test_a_change_reported_on_an_unchanged_graph_is_a_false_change() -> None:
    case = _case("none")
    quiet = score_epoch_case(case, _run([], [], []))
    noisy = score_epoch_case(case, _run([], [], ["Changes since run 1:", "t: entered ..."]))

    assert quiet["false_changes"] == 0
    assert noisy["false_changes"] == 2
    summary = summarise([quiet, noisy])
    assert summary["epoch_false_changes"] == 2 and summary["epoch_recall"] is None


@pytest.mark.parametrize("change", ["new_ring", "none"])
def test_a_real_second_run_names_the_planted_ring_or_says_nothing_changed(change: str) -> None:
    case = EpochCase(
        id=f"t-{change}", question="Is money going round in circles?", change=change, seed=2205
    )

    import asyncio

    run = asyncio.run(run_case(case))
    record = score_epoch_case(case, run)

    assert run["compared"], "the second run must find the first in the catalog"
    if change == "none":
        assert not run["changed"] and len(run["lines"]) == 1
        assert record["says_unchanged"] and record["false_changes"] == 0
    else:
        assert record["recall"] == 1.0
        assert any("new rings" in line for line in run["lines"])


def test_quick_evaluation_runs_two_epoch_cases() -> None:
    cases = [case for case in load_epoch_cases() if case.quick][:1]

    result = evaluate(quick=True, workers=1, questions=[], transport=[], patterns=[], epochs=cases)

    assert [record["id"] for record in result["epochs"]] == [cases[0].id]
    assert result["summary"]["epoch_cases"] == 1
    assert 0.0 <= (result["summary"]["epoch_recall"] or 0.0) <= 1.0
