"""Follow-ups scoped to a group or rings of a finished run: only the new analysis runs, on the
subgraph of the group's members, and its numbers are the subgraph's."""

from __future__ import annotations

import json
import random
from pathlib import Path

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from gaai_graph.catalog import SqliteCatalog
from gaai_graph.cli import main
from gaai_graph.errors import GaaiError
from gaai_graph.followup import ask_followup
from gaai_graph.followup_scope import induced_subgraph, read_scope, shared_by_rings
from gaai_graph.sources.base import CollectionData, GraphData

COMMUNITIES = "What communities do the people form?"


def _write(directory: Path, collection: str, documents: list[dict]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(document, sort_keys=True) + "\n" for document in documents)
    (directory / f"{collection}.jsonl").write_text(lines, encoding="utf-8")


def _people_graph(directory: Path) -> nx.DiGraph:
    """Three dense groups of 8 people, a few links between them."""
    rng = random.Random(5)
    graph = nx.DiGraph()
    people = [f"people/p{i:02d}" for i in range(24)]
    for block in range(3):
        members = people[block * 8 : (block + 1) * 8]
        for a in members:
            for b in members:
                if a != b and rng.random() < 0.45:
                    graph.add_edge(a, b)
    graph.add_edges_from([(people[0], people[8]), (people[9], people[16]), (people[17], people[1])])
    _write(
        directory,
        "people",
        [{"_key": p.split("/")[1], "name": f"Person {p[-2:]}"} for p in people],
    )
    _write(
        directory,
        "knows",
        [{"_key": f"e{i}", "_from": a, "_to": b} for i, (a, b) in enumerate(sorted(graph.edges))],
    )
    return graph


@pytest.fixture
def community_run(tmp_path, capsys):
    source = tmp_path / "people"
    graph = _people_graph(source)
    out = tmp_path / "out"
    args = ["run", "--source", str(source), "--out", str(out), "--quiet"]
    assert main([*args, "--thread-id", "first", "--text", COMMUNITIES]) == 0
    capsys.readouterr()
    return out, graph


async def test_who_leads_a_community_runs_one_analysis_on_its_subgraph(community_run) -> None:
    out, graph = community_run
    catalog = out / "catalog.sqlite"
    store = SqliteCatalog(catalog)
    (earlier,) = [node.data for node in store.nodes("first", "report")]
    store.close()
    group = earlier["groups"][1]
    assert len(group["members_sample"]) == group["size"]  # stored whole: nothing recomputed

    answer = await ask_followup(
        "Who is the most influential person in community 2?",
        thread_id="first",
        catalog=catalog,
        out_dir=out,
    )

    executions = answer.result.values["executions"]
    assert len(executions) == 1 and answer.recomputed == [] and answer.reused == {}
    (report,) = answer.reports
    members = set(group["members_sample"])
    assert report.metrics["vertex_count"] == len(members)
    subgraph = graph.subgraph(members)
    assert report.metrics["edge_count"] == subgraph.number_of_edges()
    assert report.algorithm == "pagerank"
    directed = report.projection is not None and report.projection.directed
    damping = float(report.parameters.get("damping_factor", 0.85))
    if directed:
        reference: nx.Graph = nx.DiGraph(subgraph)
    else:
        # Undirected, a pair linked both ways keeps both edges (two parallel edges): weight 2.
        reference = nx.Graph()
        reference.add_nodes_from(subgraph)
        for a, b in subgraph.edges:
            weight = reference.get_edge_data(a, b, {"weight": 0})["weight"]
            reference.add_edge(a, b, weight=weight + 1)
    # nx.pagerank needs SciPy, which the project does not depend on: NetworkX's own Python one.
    expected = _pagerank_python(reference, alpha=damping, tol=1e-13, max_iter=100_000)
    assert {e.id for e in report.top_entities} <= members
    for entity in report.top_entities:
        assert entity.value == pytest.approx(expected[entity.id], abs=1e-6)
    assert report.top_entities[0].id == max(expected, key=expected.get)
    assert report.notes[0].startswith("Scoped to community 2 of report")
    summary = json.loads((answer.out_dir / "summary.json").read_text(encoding="utf-8"))
    assert "scoped to community 2" in summary["headline"]
    assert (answer.out_dir / "scope" / "knows.jsonl").is_file()
    store = SqliteCatalog(catalog)
    assert "follows:first" in store.get_epoch(answer.run_id).tags
    store.close()


async def test_a_group_the_run_does_not_list_is_one_line(community_run) -> None:
    out, _ = community_run
    with pytest.raises(GaaiError, match=r"^group 40: run first lists \d+ groups at most"):
        await ask_followup(
            "centrality within group 40",
            thread_id="first",
            catalog=out / "catalog.sqlite",
            out_dir=out,
        )


def _ring_graph(directory: Path) -> nx.DiGraph:
    """A chain without loops, plus two loops sharing two accounts."""
    graph = nx.DiGraph()
    accounts = [f"accounts/a{i:02d}" for i in range(20)]
    graph.add_edges_from((accounts[i], accounts[i + 1]) for i in range(19))
    for ring in (["a01", "a05", "a09", "a13"], ["a05", "a09", "a17"]):
        ids = [f"accounts/{r}" for r in ring]
        graph.add_edges_from(zip(ids, ids[1:] + ids[:1], strict=True))
    _write(directory, "accounts", [{"_key": a.split("/")[1], "name": a[-3:]} for a in accounts])
    _write(
        directory,
        "transfers",
        [
            {"_key": f"t{i}", "_from": a, "_to": b, "amount": 100.0}
            for i, (a, b) in enumerate(sorted(graph.edges))
        ],
    )
    return graph


@pytest.fixture
def ring_run(tmp_path, capsys):
    source = tmp_path / "accounts"
    graph = _ring_graph(source)
    out = tmp_path / "out"
    question = "Is money going round in circles between accounts?"
    args = ["run", "--source", str(source), "--out", str(out), "--quiet", "--thread-id", "r"]
    assert main([*args, "--text", question]) == 0
    capsys.readouterr()
    return out, graph


async def test_what_two_rings_share_is_answered_without_computing(ring_run) -> None:
    out, graph = ring_run
    answer = await ask_followup(
        "What do these two rings share?", thread_id="r", catalog=out / "catalog.sqlite", out_dir=out
    )

    assert answer.result.values["executions"] == [] and answer.executed == []
    assert answer.scope is not None and len(answer.scope.rings) == 2
    cycles = [set(c) for c in nx.simple_cycles(graph)]
    assert all(set(ring) in cycles for ring in answer.scope.rings)
    (report,) = answer.reports
    assert report.answer is not None
    assert set(report.answer.value) == set(answer.scope.rings[0]) & set(answer.scope.rings[1])
    assert set(report.answer.value) == {"accounts/a05", "accounts/a09"}
    assert (answer.out_dir / "reports").is_dir()
    store = SqliteCatalog(out / "catalog.sqlite")
    assert store.get_epoch(answer.run_id).status == "finished"
    store.close()


def test_read_scope_finds_group_and_ring_references() -> None:
    reports = [
        {
            "template_id": "TPL-002",
            "title": "Communities",
            "groups": [{"size": 2, "members_sample": ["p/a", "p/b"]}] * 3,
        },
        {
            "template_id": "TPL-003",
            "title": "Loops",
            "findings": [
                {"kind": "cycle", "entities": ["p/a", "p/b", "p/c"]},
                {"kind": "hub", "entities": ["p/z", "p/y"]},
                {"kind": "cycle", "entities": ["p/c", "p/d"]},
            ],
        },
    ]
    scope = read_scope("Who leads group 3?", reports, run_id="r1")
    assert scope is not None and scope.kind == "group" and scope.members == ["p/a", "p/b"]
    assert scope.question == "Who leads among these members?"
    rings = read_scope("what do rings 1 and 2 have in common", reports, run_id="r1")
    assert rings is not None and rings.rings == [["p/a", "p/b", "p/c"], ["p/c", "p/d"]]
    assert shared_by_rings(rings.rings) == ["p/c"]
    assert read_scope("Who are the most influential people?", reports, run_id="r1") is None
    with pytest.raises(GaaiError, match="run r1 lists 2 rings"):
        read_scope("what is in ring 3", reports, run_id="r1")


def test_induced_subgraph_keeps_members_and_edges_between_them() -> None:
    data = GraphData(
        source="x",
        collections={
            "p": CollectionData("p", "document", [{"_key": k} for k in "abc"]),
            "e": CollectionData(
                "e",
                "edge",
                [{"_from": "p/a", "_to": "p/b"}, {"_from": "p/b", "_to": "p/c"}],
            ),
        },
    )
    sub = induced_subgraph(data, ["p/a", "p/b"])
    assert [d["_key"] for d in sub.collections["p"].documents] == ["a", "b"]
    assert sub.collections["e"].documents == [{"_from": "p/a", "_to": "p/b"}]


@pytest.fixture
def demo_segments(tmp_path, capsys):
    out = tmp_path / "out"
    text = "Which segments of customers are there?"
    assert main(["run", "--out", str(out), "--quiet", "--thread-id", "seg", "--text", text]) == 0
    capsys.readouterr()
    return out


async def test_a_group_stored_as_a_sample_is_recovered_by_recomputing_its_grouping(
    demo_segments,
) -> None:
    store = SqliteCatalog(demo_segments / "catalog.sqlite")
    (earlier,) = [node.data for node in store.nodes("seg", "report")]
    store.close()
    group = earlier["groups"][2]
    assert len(group["members_sample"]) < group["size"]  # the demo's segments are large

    answer = await ask_followup(
        "Who leads group 3?",
        thread_id="seg",
        catalog=demo_segments / "catalog.sqlite",
        out_dir=demo_segments,
    )

    assert answer.recomputed == [earlier["template_id"]]
    assert len(answer.result.values["executions"]) == 1
    vertices = {
        f"{path.stem}/{document['_key']}"
        for path in (answer.out_dir / "scope").glob("*.jsonl")
        if not path.stem.startswith("_")
        for document in map(json.loads, path.read_text(encoding="utf-8").splitlines())
        if "_from" not in document
    }
    assert set(group["members_sample"]) <= vertices
    assert len(vertices) == group["size"]
    (report,) = answer.reports
    assert 0 < report.metrics["vertex_count"] <= group["size"]
    assert "1 new analysis on the subgraph" in answer.result.summary.headline
