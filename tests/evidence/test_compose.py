"""End to end on seeded synthetic graphs: findings with evidence, confidence and names."""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path

import igraph as ig
import numpy as np
import pytest

import gaai_graph.evidence as evidence_package
from gaai_graph.evidence import (
    Namer,
    alignment_findings,
    leader_finding,
    measure_findings,
    recommend,
)


def _shared_devices(seed: int, households: int = 300, ring: int = 8):
    """Accounts sharing devices: hundreds of 2-account households (a few of 3) and one ring."""
    rng = np.random.default_rng(seed)
    sizes = [*list(rng.choice([2] * 9 + [3], size=households)), ring]
    entities, account = [], 0
    for device, size in enumerate(sizes):
        members = [f"accounts/a{account + j}" for j in range(size)]
        account += size
        entities.append([f"devices/d{device}", *members])
    ids = [ids[0] for ids in entities] + [a for ids in entities for a in ids[1:]]
    names = [f"Phone {i}" for i in range(len(sizes))] + [f"Holder {i}" for i in range(account)]
    return sizes, entities, Namer(ids, names)


@pytest.mark.parametrize("seed", range(5))
def test_ring_flagged_and_households_are_context(seed: int) -> None:
    sizes, entities, namer = _shared_devices(seed)
    findings = measure_findings(
        sizes,
        entities,
        kind="shared_identifier",
        name=namer,
        unit="account",
        item_noun="shared device",
    )
    flagged = [f for f in findings if f["flagged"]]
    assert [f["entities"][0] for f in flagged] == [f"devices/d{len(sizes) - 1}"]
    assert flagged[0]["confidence"] > 0.8
    assert flagged[0]["explanation"].startswith(f"Phone {len(sizes) - 1} [devices/d")
    context = [f for f in findings if not f["flagged"]]
    assert len(context) == 1
    assert context[0]["evidence"]["observed"] == 2
    assert "normal for this graph" in context[0]["explanation"]
    assert context[0]["confidence"] < 0.1
    json.dumps(findings, allow_nan=False)
    (action,) = recommend(findings, name=namer, entity_terms={"account": "account"})
    assert action["title"].startswith("Review the 8 accounts sharing Phone")


def test_households_alone_give_no_alarm() -> None:
    sizes, entities, namer = _shared_devices(3, households=400, ring=2)
    findings = measure_findings(
        sizes,
        entities,
        kind="shared_identifier",
        name=namer,
        unit="account",
        item_noun="shared device",
    )
    assert not any(f["flagged"] for f in findings)
    assert recommend(findings, name=namer) == []


def test_collectors_found_against_ordinary_in_degree() -> None:
    rng = np.random.default_rng(9)
    random.seed(9)
    n = 1500
    graph = ig.Graph.Erdos_Renyi(n=n, m=4500, directed=True)
    planted = [int(v) for v in rng.choice(n, size=5, replace=False)]
    sources = rng.choice(n, size=200, replace=True)
    graph.add_edges([(int(s), target) for target in planted for s in sources[:40] if s != target])
    ids = [f"accounts/a{i}" for i in range(n)]
    findings = measure_findings(
        graph.indegree(),
        [[i] for i in ids],
        kind="collector",
        name=Namer(ids),
        unit="sender",
        item_noun="account",
    )
    flagged = {f["entities"][0] for f in findings if f["flagged"]}
    assert flagged == {ids[i] for i in planted}


def test_measure_findings_checks_its_input() -> None:
    with pytest.raises(ValueError, match="one per item"):
        measure_findings([1, 2], [["a/1"]], kind="hub", name=str, unit="x", item_noun="y")
    assert measure_findings([], [], kind="hub", name=str, unit="x", item_noun="y") == []


def test_star_leader_high_confidence_regular_graph_low() -> None:
    star = ig.Graph.Star(40)
    star.add_edges([(1, 2), (3, 4), (5, 6)])
    ids = [f"people/{i}" for i in range(40)]
    namer = Namer(ids, ["Hub person"] + [f"P{i}" for i in range(1, 40)])
    clear = leader_finding(star.degree(), ids, name=namer, measure="degree", noun_plural="people")
    assert clear is not None
    assert clear["entities"] == ["people/0"]
    assert clear["evidence"]["pattern"] == "clear_leader"
    assert clear["confidence"] > 0.8
    assert clear["explanation"].startswith("Hub person [people/0] clearly leads")
    ring = ig.Graph.Lattice([40], circular=True)
    even = leader_finding(ring.degree(), ids, name=namer, measure="degree", noun_plural="people")
    assert even is not None
    assert even["evidence"]["pattern"] == "evenly_spread"
    assert even["confidence"] < 0.1 < clear["confidence"]
    assert even["flagged"] is False


def _planted_partition(seed: int, mixing: float):
    rng = np.random.default_rng(seed)
    blocks = [30, 25, 20]
    prefs = [[0.3 if i == j else 0.01 for j in range(3)] for i in range(3)]
    random.seed(seed)  # igraph draws from Python's random module
    graph = ig.Graph.SBM(prefs, blocks)
    truth = [b for b, size in enumerate(blocks) for _ in range(size)]
    labels = ["harbour", "market", "hill"]
    attribute = [
        labels[b] if rng.random() >= mixing else labels[int(rng.integers(0, 3))] for b in truth
    ]
    return graph, truth, attribute


@pytest.mark.parametrize("seed", range(4))
def test_communities_that_follow_an_attribute_are_explained_by_it(seed: int) -> None:
    graph, _, attribute = _planted_partition(seed, mixing=0.05)
    membership = graph.community_multilevel().membership
    ids = [f"residents/r{i}" for i in range(graph.vcount())]
    columns = {
        "quarter": attribute,
        "name": [f"Resident {i}" for i in range(graph.vcount())],
        "age": list(np.random.default_rng(seed).integers(18, 90, size=graph.vcount())),
    }
    namer = Namer.from_columns(ids, columns)
    degree = graph.degree()
    findings = alignment_findings(
        membership, columns, ids, name=namer, noun="resident", scores=degree
    )
    assert findings, "the partition follows 'quarter' and must be explained by it"
    first_named = findings[0]["entities"][0]
    group = [i for i, m in enumerate(membership) if ids[i] in findings[0]["entities"]]
    assert degree[ids.index(first_named)] == max(degree[i] for i in group)
    assert {f["evidence"]["attribute"] for f in findings} == {"quarter"}
    assert all(f["evidence"]["purity"] >= 0.9 for f in findings)
    assert all(f["kind"] == "attribute_community" and not f["flagged"] for f in findings)
    assert "Resident " in findings[0]["explanation"]


@pytest.mark.parametrize("seed", range(4))
def test_communities_unrelated_to_attributes_are_not_explained(seed: int) -> None:
    graph, _, _ = _planted_partition(seed, mixing=0.0)
    rng = np.random.default_rng(seed + 100)
    columns = {"quarter": list(rng.choice(["harbour", "market", "hill"], size=graph.vcount()))}
    ids = [f"residents/r{i}" for i in range(graph.vcount())]
    membership = graph.community_multilevel().membership
    assert alignment_findings(membership, columns, ids, name=Namer(ids), noun="resident") == []


def test_evidence_package_is_pure() -> None:
    """No LangGraph, no I/O: the modules import only numpy, the stdlib and each other."""
    allowed = {
        "__future__",
        "collections",
        "dataclasses",
        "functools",
        "itertools",
        "math",
        "operator",
        "re",
        "statistics",
        "typing",
        "numpy",
        "gaai_graph",
    }
    for path in Path(evidence_package.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
                if node.module and node.module.startswith("gaai_graph"):
                    assert node.module.startswith("gaai_graph.evidence"), (path, node.module)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
                raise AssertionError(f"{path.name} opens a file")
            else:
                continue
            assert roots <= allowed, (path.name, roots)
        assert len(path.read_text().splitlines()) <= 700, path.name


def test_shared_lead_names_both_entities() -> None:
    scores = [3.0] * 40 + [4.0] * 20 + [2.0] * 20 + [40.0, 39.0]
    ids = [f"people/{i}" for i in range(len(scores))]
    labels = [None] * 80 + ["Ann", "Bob"]
    finding = leader_finding(
        scores, ids, name=Namer(ids, labels), measure="degree", noun_plural="people"
    )
    assert finding is not None
    assert finding["entities"] == ["people/80", "people/81"]
    assert finding["explanation"].startswith(
        "Ann [people/80] and Bob [people/81] share the lead on degree (40 and 39)"
    )
