"""Evidence for findings: baselines, attribute profiles, names, confidence and analyst wording.

Pure functions over numpy arrays and plain Python values (no LangGraph, no I/O); the report
writer calls them. The entry points:

- `measure_findings`, `leader_finding`, `alignment_findings` (`compose`): contract findings with
  evidence, derived confidence and an explanation, from a measure, a ranking or a partition;
- `Baseline`, `assess`, `outliers` (`baseline`): is an observation unusual for this graph;
  `compare_to_expected` (`nulls`): observed against a stated null model;
- `profile_group`, `partition_alignment`, `best_alignment` (`profiles`): explain a group with
  its attributes;
- `Namer` (`names`): "Mr. Hi [people/1]";
- `recommend` (`actions`), the `sentences` helpers and `link_reports` / `link_sentences`
  (`linking`): the analyst's text.
"""

from gaai_graph.evidence.actions import recommend
from gaai_graph.evidence.baseline import Baseline, assess, outliers
from gaai_graph.evidence.compose import alignment_findings, leader_finding, measure_findings
from gaai_graph.evidence.confidence import CONFIDENCE_FORMULA, confidence_from_gates
from gaai_graph.evidence.findings import drop_padding, make_finding, order_findings
from gaai_graph.evidence.leaders import leader_evidence
from gaai_graph.evidence.linking import (
    link_reports,
    link_sentences,
    recurring_entities,
    recurring_sentences,
)
from gaai_graph.evidence.names import Namer, choose_label_attribute, display_name
from gaai_graph.evidence.nulls import compare_to_expected, expected_shared_neighbours
from gaai_graph.evidence.profiles import (
    best_alignment,
    partition_alignment,
    profile_entity,
    profile_group,
)
from gaai_graph.evidence.sentences import (
    describe_entity,
    describe_profile,
    describe_typical,
    explain_alignment,
    explain_baseline,
    explain_leader,
    explain_null,
    headline_groups,
    headline_outliers,
)
from gaai_graph.evidence.terms import entity_word, pattern_word

__all__ = [
    "CONFIDENCE_FORMULA",
    "Baseline",
    "Namer",
    "alignment_findings",
    "assess",
    "best_alignment",
    "choose_label_attribute",
    "compare_to_expected",
    "confidence_from_gates",
    "describe_entity",
    "describe_profile",
    "describe_typical",
    "display_name",
    "drop_padding",
    "entity_word",
    "expected_shared_neighbours",
    "explain_alignment",
    "explain_baseline",
    "explain_leader",
    "explain_null",
    "headline_groups",
    "headline_outliers",
    "leader_evidence",
    "leader_finding",
    "link_reports",
    "link_sentences",
    "make_finding",
    "measure_findings",
    "order_findings",
    "outliers",
    "partition_alignment",
    "pattern_word",
    "profile_entity",
    "profile_group",
    "recommend",
    "recurring_entities",
    "recurring_sentences",
]
