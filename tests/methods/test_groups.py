"""Grouping reports: the attribute their groups follow, named groups and named members."""

from __future__ import annotations

import re

import pytest

from gaai_graph.methods.groups import GROUPS_NAMED
from gaai_graph.models import ExecutionResult, Report, Vertical
from gaai_graph.nodes.report import check_insight, write_report_by_rules
from tests.engines._planted import planted_graph, run_planted

VERTICAL = Vertical(name="social", title="Social networks", entity_terms={"member": "member"})


def _report(execution: ExecutionResult, algorithm: str) -> Report:
    from gaai_graph.models import AnalysisTemplate

    assert execution.projection is not None
    template = AnalysisTemplate(
        id="T1",
        use_case_id="UC1",
        requirement_ids=[],
        title="Groups of members",
        algorithm=algorithm,
        projection=execution.projection,
    )
    return write_report_by_rules(template, execution, VERTICAL, [], intent="communities")


@pytest.mark.parametrize("algorithm", ["leiden", "louvain", "label_propagation", "wcc"])
def test_groups_following_an_attribute_are_said_to_with_chance_values(algorithm: str) -> None:
    execution = run_planted(planted_graph(), algorithm)
    report = _report(execution, algorithm)
    for insight in report.insights:
        assert check_insight(insight, execution) == [], insight.title
    profile = execution.partition_profile
    if algorithm == "wcc":  # one component: nothing to compare
        assert profile is None
        return
    assert profile is not None and profile["best"]["aligned"]
    [said] = [i for i in report.insights if i.title.endswith("follow team")]
    assert "random partitions of these sizes: purity" in said.description
    assert said.kind == "finding"
    findings = report.findings or []
    flagged = [f for f in findings if f["flagged"]]
    assert flagged and all(f["kind"] == "attribute_community" for f in flagged)
    values = {f["evidence"]["value"] for f in flagged}
    assert values <= {"red", "blue", "green", "gold"} and len(values) == len(flagged)
    for finding in flagged:
        assert finding["evidence"]["attribute"] == "team"
        assert finding["evidence"]["observed"] > finding["evidence"]["expected"]
        assert 0 < finding["confidence"] <= 1

    # The largest coinciding groups are named by their dominant value, with their central
    # members by name, ids in brackets.
    def named(finding: dict) -> bool:
        first = finding["entities"][0]
        return (
            f"{finding['evidence']['value']}: " in said.description
            and f"Person {int(first[-2:])} [{first}]" in said.description
        )

    assert sum(named(f) for f in flagged) == min(GROUPS_NAMED, len(flagged))
    # The first finding (what a reader meets first) is always among the named ones.
    assert named(findings[0])
    # Findings are in the contract's order: alarms first, then by confidence.
    ranks = [(not f["flagged"], -f["confidence"]) for f in findings]
    assert ranks == sorted(ranks)


def test_groups_that_follow_no_attribute_are_said_so_plainly_and_not_flagged() -> None:
    execution = run_planted(planted_graph(follow=False), "leiden")
    report = _report(execution, "leiden")
    [said] = [i for i in report.insights if "follow no attribute" in i.title]
    assert said.kind == "context"
    assert "the closest, team" in said.description
    assert not any(f["kind"] == "attribute_community" for f in report.findings or [])
    for insight in report.insights:
        assert check_insight(insight, execution) == [], insight.title


def test_every_id_in_a_grouping_report_is_written_with_its_name() -> None:
    execution = run_planted(planted_graph(), "leiden")
    report = _report(execution, "leiden")
    text = " ".join(
        [report.summary]
        + [f"{i.title} {i.description}" for i in report.insights]
        + [f"{r.title} {r.description}" for r in report.recommendations]
    )
    ids = re.findall(r"members/m\d\d", text)
    assert ids
    for vertex_id in set(ids):
        label = f"Person {int(vertex_id[-2:])}"
        # Every mention of the id follows its name.
        assert text.count(vertex_id) == text.count(f"{label} [{vertex_id}]"), vertex_id


@pytest.mark.parametrize(("algorithm", "noun"), [("greedy_colouring", "colour")])
def test_methods_that_state_only_counts_name_who_is_in_the_largest_groups(
    algorithm: str, noun: str
) -> None:
    execution = run_planted(planted_graph(), algorithm)
    report = _report(execution, algorithm)
    [who] = [i for i in report.insights if i.title == f"Who is in each {noun}"]
    first = execution.groups[0].members_sample[0]
    assert f"Person {int(first[-2:])} [{first}]" in who.description
    assert check_insight(who, execution) == []
