"""What changed between two runs: planted changes in report JSON are found and named."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from gaai_graph.catalog import CatalogError, CatalogNode, Epoch, SqliteCatalog
from gaai_graph.catalog.changes import (
    SAME_COMMUNITY_JACCARD,
    annotate,
    check_compare_to,
    community_changes,
    compare_reports,
    density,
    earlier_epoch,
    ring_changes,
)
from gaai_graph.catalog.community_changes import community_line as compare_line
from gaai_graph.models import Report, RunSummary


def _report(
    template_id: str = "TPL-001",
    algorithm: str = "pagerank",
    top: list[str] | None = None,
    groups: list[list[str]] | None = None,
    vertices: int = 100,
    edges: int = 300,
) -> dict[str, Any]:
    return {
        "template_id": template_id,
        "use_case_id": "UC-1",
        "requirement_ids": ["REQ-1"],
        "title": f"{algorithm} report",
        "algorithm": algorithm,
        "parameters": {},
        "projection": {
            "vertex_collections": ["people"],
            "edge_collections": ["knows"],
            "directed": True,
        },
        "status": "succeeded",
        "metrics": {"vertex_count": vertices, "edge_count": edges},
        "top_entities": [
            {"id": f"people/{name}", "value": 1.0 / (rank + 1), "label": name.title()}
            for rank, name in enumerate(top or [])
        ],
        "groups": [
            {"size": len(members), "members_sample": [f"people/{m}" for m in members]}
            for members in groups or []
        ],
    }


def test_unchanged_run_says_so_in_one_line() -> None:
    report = _report(top=["ann", "bob", "cy"], groups=[["a", "b", "c"], ["d", "e"]])
    changes = compare_reports([report], [copy.deepcopy(report)], epoch_before="E1")
    assert not changes.changed
    assert changes.lines() == [
        "Nothing changed since run E1: same graph size, top lists and communities."
    ]
    assert changes.reports[0].lines() == ["pagerank report: no change since the earlier run."]


def test_entries_exits_and_largest_rank_moves_are_named() -> None:
    before = _report(top=["ann", "bob", "cy", "dan", "eve"])
    after = _report(top=["eve", "bob", "ann", "fay", "cy"])
    changes = compare_reports([before], [after], epoch_before="E1")
    report = changes.reports[0]
    assert report.entered_top == [("people/fay", "Fay")]
    assert report.left_top == [("people/dan", "Dan")]
    # eve 5 -> 1 (4 places) is the largest move, then ann 1 -> 3 and cy 3 -> 5 (2 places).
    assert [(m.entity, m.rank_before, m.rank_after) for m in report.moves] == [
        ("people/eve", 5, 1),
        ("people/ann", 1, 3),
        ("people/cy", 3, 5),
    ]
    text = "\n".join(changes.lines())
    assert "entered the top list: Fay (people/fay)" in text
    assert "left the top list: Dan (people/dan)" in text
    assert "Eve (people/eve) #5 -> #1" in text


def test_graph_size_and_density_changes_are_given_with_numbers() -> None:
    before = _report(vertices=100, edges=300)
    after = _report(vertices=110, edges=400)
    line = "\n".join(compare_reports([before], [after]).lines())
    assert "100 -> 110 vertices (+10)" in line
    assert "300 -> 400 edges (+100)" in line
    assert f"density {300 / 9900:.4g} -> {400 / (110 * 109):.4g}" in line


def test_density_conventions() -> None:
    assert density(4, 6, directed=False) == pytest.approx(1.0)
    assert density(4, 6, directed=True) == pytest.approx(0.5)
    assert density(1, 0, directed=True) is None


def test_communities_born_dissolved_merged_and_split() -> None:
    before = [
        frozenset("abcd"),  # 1: continues (same members)
        frozenset("efg"),  # 2: merges with 3
        frozenset("hij"),  # 3
        frozenset("klmnop"),  # 4: splits into klm / nop
        frozenset("qrs"),  # 5: dissolves
    ]
    after = [
        frozenset("abcd"),
        frozenset("efghij"),
        frozenset("klm"),
        frozenset("nop"),
        frozenset("xyz"),  # born
    ]
    changes = community_changes(before, after)
    kinds = {(c.kind, c.groups_before, c.groups_after) for c in changes}
    assert kinds == {
        ("merged", (2, 3), (2,)),
        ("split", (4,), (3, 4)),
        ("dissolved", (5,), ()),
        ("born", (), (5,)),
    }


def test_a_community_that_kept_most_members_is_the_same_community() -> None:
    before = [frozenset("abcdefgh")]
    after = [frozenset("abcdefgz")]  # Jaccard 7/9 >= 0.5
    assert community_changes(before, after) == []
    drifted = [frozenset("abcwxyz")]  # Jaccard 3/12 < 0.5, holds under half of the old group
    kinds = [c.kind for c in community_changes(before, drifted)]
    assert sorted(kinds) == ["born", "dissolved"]
    assert SAME_COMMUNITY_JACCARD == 0.5


def test_community_lines_name_the_measure_and_members() -> None:
    before = _report(algorithm="leiden", groups=[["a", "b"], ["c", "d"]])
    after = _report(algorithm="leiden", groups=[["a", "b", "c", "d"]])
    text = "\n".join(compare_reports([before], [after]).lines())
    assert "communities merged: earlier group 1 (2 members) + group 2 (2 members)" in text
    assert "people/a" in text


def test_reports_are_paired_by_what_they_compute() -> None:
    before = [_report("TPL-001", "pagerank", top=["ann"]), _report("TPL-002", "wcc")]
    after = [_report("TPL-007", "pagerank", top=["bob"]), _report("TPL-003", "degree")]
    changes = compare_reports(before, after)
    assert [(r.template_before, r.template_after) for r in changes.reports] == [
        ("TPL-001", "TPL-007")
    ]
    assert changes.only_before == ["wcc report"]
    assert changes.only_after == ["degree report"]


def _epoch(
    catalog: SqliteCatalog,
    epoch_id: str,
    question: str,
    *,
    status: str = "finished",
    source: str = "demo",
    started: float | None = None,
) -> None:
    catalog.start_epoch(Epoch(epoch_id, "fp", source, "g", started or time.time()))
    catalog.record_items(
        epoch_id,
        [
            CatalogNode(epoch_id, "requirement", "REQ-1", {"text": question}),
            CatalogNode(epoch_id, "report", "TPL-001", _report(top=["ann", "bob"])),
        ],
        [],
    )
    catalog.finish_epoch(epoch_id, status, time.time())  # type: ignore[arg-type]


def test_earlier_epoch_matches_source_graph_and_question(tmp_path) -> None:
    catalog = SqliteCatalog(tmp_path / "catalog.sqlite")
    _epoch(catalog, "E1", "who leads?", started=1.0)
    _epoch(catalog, "E2", "which groups?", started=2.0)
    _epoch(catalog, "E3", "who leads?", status="failed", started=3.0)
    _epoch(catalog, "E4", "who leads?", source="other", started=4.0)
    common = {"epoch_id": "NOW", "source": "demo", "graph_name": "g"}
    assert earlier_epoch(catalog, question=["who leads?"], **common).id == "E1"  # type: ignore[union-attr]
    assert earlier_epoch(catalog, question=["who leads?"], compare_to="last", **common).id == "E2"  # type: ignore[union-attr]
    assert earlier_epoch(catalog, question=["never asked"], **common) is None
    assert earlier_epoch(catalog, question=[], compare_to="E4", **common).id == "E4"  # type: ignore[union-attr]
    with pytest.raises(CatalogError):
        earlier_epoch(catalog, question=[], compare_to="nope", **common)
    catalog.close()


def test_check_compare_to_refuses_unknown_runs_in_one_line(tmp_path) -> None:
    path = tmp_path / "catalog.sqlite"
    with pytest.raises(CatalogError, match="no catalog with earlier runs"):
        check_compare_to(path, "E9")
    assert not path.exists()  # checking creates nothing
    catalog = SqliteCatalog(path)
    _epoch(catalog, "E1", "q")
    catalog.close()
    check_compare_to(path, "E1")
    check_compare_to(path, "last")
    with pytest.raises(CatalogError, match="--compare-to 'E9': no such run"):
        check_compare_to(path, "E9")


def test_annotate_leads_the_summary_and_the_report() -> None:
    before = _report(top=["ann", "bob"])
    after = _report(top=["bob", "cy"])
    changes = compare_reports([before], [after], epoch_before="E1")
    report = Report.model_validate(after)
    report.notes = ["an older note"]
    summary = RunSummary(
        run_id="E2", vertical="x", source="demo", headline="h", key_findings=["finding"]
    )
    annotate(summary, [report], changes)
    assert summary.key_findings[0] == "Changes since run E1:"
    assert summary.key_findings[-1] == "finding"
    assert report.notes[0].startswith("Since run E1: pagerank report: entered the top list: Cy")
    assert report.notes[-1] == "an older note"


def test_a_second_run_on_changed_data_leads_with_what_changed(tmp_path, capsys) -> None:
    """Planted: 40 new referrals to one customer, who must enter the influence top list."""
    import json

    from gaai_graph.cli import main

    snapshot = tmp_path / "snapshot"
    assert main(["export-demo", "--out", str(snapshot), "--format", "jsonl"]) == 0
    out = tmp_path / "out"
    question = "Who are the most influential customers by referrals?"
    run = ["run", "--source", str(snapshot), "--text", question, "--out", str(out), "--quiet"]
    assert main([*run, "--thread-id", "before"]) == 0
    first = (out / "summary.md").read_text(encoding="utf-8")
    assert "Changes since run" not in first

    planted = "customers/c000999"
    name = next(
        json.loads(line)["name"]
        for line in (snapshot / "customers.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["_id"] == planted
    )
    with (snapshot / "referred.jsonl").open("a", encoding="utf-8") as edges:
        for n in range(40):
            source = f"customers/c{n + 100:06d}"
            edges.write(json.dumps({"_key": f"planted{n}", "_from": source, "_to": planted}) + "\n")
    capsys.readouterr()
    assert main([*run, "--thread-id", "after"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    findings = summary["key_findings"]
    assert findings[0] == "Changes since run before:"
    text = "\n".join(findings)
    assert "edges (+40)" in text
    assert f"entered the top list: {name} ({planted})" in text
    assert "Changes since run before:" in (out / "summary.md").read_text(encoding="utf-8")
    noted = [
        path
        for path in (out / "reports").glob("*.json")
        if any(
            note.startswith("Since run before:")
            for note in json.loads(path.read_text(encoding="utf-8"))["notes"]
        )
    ]
    assert noted, "each compared report carries its own change lines"


def _with_rings(
    report: dict[str, Any], rings: list[list[str]], kind: str = "cycle"
) -> dict[str, Any]:
    report["findings"] = [
        {"kind": kind, "entities": [f"people/{m}" for m in ring], "flagged": False}
        for ring in rings
    ]
    return report


def test_rings_new_grown_and_gone_are_told_apart() -> None:
    before = [["a", "b", "c"], ["d", "e", "f"], ["x", "y"]]
    after = [["a", "b", "c"], ["d", "e", "f", "g"], ["p", "q", "r"]]

    changes = ring_changes(before, after)

    assert [(c.kind, c.members) for c in changes] == [
        ("grown", ("d", "e", "f", "g")),
        ("new", ("p", "q", "r")),
        ("gone", ("x", "y")),
    ]
    assert changes[0].earlier_members == ("d", "e", "f")


def test_same_rings_listed_in_another_order_are_no_change() -> None:
    assert ring_changes([["a", "b", "c"], ["d", "e"]], [["e", "d"], ["c", "a", "b"]]) == []


def test_a_new_ring_in_the_findings_leads_the_changes() -> None:
    before = _with_rings(_report(algorithm="short_cycles"), [["a", "b", "c"]])
    after = _with_rings(_report(algorithm="short_cycles"), [["a", "b", "c"], ["d", "e", "f", "g"]])
    # Findings of other kinds (a hub) are not rings.
    after["findings"].append({"kind": "hub", "entities": ["people/z", "people/y"]})

    changes = compare_reports([before], [after])

    assert changes.changed
    text = "\n".join(changes.lines())
    assert "new rings (1): people/d -> people/e -> people/f -> people/g" in text
    assert "people/z" not in text
    unchanged = compare_reports([before], [copy.deepcopy(before)])
    assert not unchanged.changed


def test_shared_identifier_rings_are_compared_too() -> None:
    before = _with_rings(_report(algorithm="wcc"), [["a", "b"]], kind="shared_identifier")
    after = _with_rings(_report(algorithm="wcc"), [], kind="shared_identifier")

    text = "\n".join(compare_reports([before], [after]).lines())

    assert "rings gone (1): people/a -> people/b" in text


def test_a_split_of_a_large_group_is_found_from_its_stored_sample() -> None:
    # Earlier: one group of 60 stored as its five highest-degree members; later: two groups of
    # 30, each stored as five, drawing their sampled members from the earlier sample.
    before = [frozenset({"a1", "a2", "b1", "b2", "b3"}), frozenset({"c1", "c2", "c3"})]
    after = [
        frozenset({"a1", "a2", "a3", "a4", "a5"}),
        frozenset({"b1", "b2", "b3", "b4", "b5"}),
        frozenset({"c1", "c2", "c3"}),
    ]

    changes = community_changes(before, after, sizes_before=[60, 3], sizes_after=[30, 30, 3])

    assert [(c.kind, c.groups_before, c.groups_after, c.estimated) for c in changes] == [
        ("split", (1,), (1, 2), True)
    ]
    assert "estimated" in compare_line(changes[0])


def test_sampled_groups_of_very_different_sizes_are_not_the_same_community() -> None:
    # The same top members, but the group shrank from 100 to 30: not one community.
    changes = community_changes(
        [frozenset({"a", "b", "c", "d", "e"})],
        [frozenset({"a", "b", "c", "d", "e"})],
        sizes_before=[100],
        sizes_after=[30],
    )
    assert sorted(c.kind for c in changes) == ["born", "dissolved"]
    unchanged = community_changes(
        [frozenset({"a", "b", "c", "d", "e"})],
        [frozenset({"a", "b", "c", "x", "y"})],
        sizes_before=[100],
        sizes_after=[90],
    )
    assert unchanged == []
