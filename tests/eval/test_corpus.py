"""The corpus is large, varied, valid and deterministically split."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from gaai_eval.cases import HELD_OUT, TUNING, split_of
from gaai_eval.corpus import CorpusError, load_patterns, load_questions, load_transport
from gaai_eval.score import CHECKS


def test_question_corpus_covers_domains_voices_and_both_halves() -> None:
    questions = load_questions()

    assert len(questions) >= 300
    domains = Counter(q["domain"] for q in questions)
    assert len(domains) >= 8
    assert min(domains.values()) >= 20
    assert {"analyst", "manager", "non_native", "terse", "long", "typo"} <= {
        q["voice"] for q in questions
    }
    # questions written for the tuning half (ids chosen so) are in it; the rest split evenly
    written_for_tuning = [q for q in questions if q.get("written_for") == TUNING]
    assert all(q["split"] == TUNING for q in written_for_tuning)
    hashed = [q for q in questions if q.get("written_for") != TUNING]
    halves = Counter(q["split"] for q in hashed)
    assert set(halves) == {TUNING, HELD_OUT}
    assert min(halves.values()) >= 0.4 * len(hashed)
    assert len({q["text"].lower() for q in questions}) == len(questions)


def test_split_is_a_function_of_the_id_only() -> None:
    assert split_of("q-aml-001") == split_of("q-aml-001")
    halves = Counter(split_of(f"x-{i}") for i in range(1000))
    assert 400 < halves[TUNING] < 600


def test_transport_questions_name_methods_and_checks() -> None:
    questions = load_transport()

    assert len(questions) >= 60
    assert {q["check"] for q in questions} <= CHECKS | {"none"}
    assert sum(q["check"] != "none" for q in questions) >= 60
    assert len({q["text"] for q in questions}) == len(questions)


def test_every_pattern_case_has_questions_and_instances() -> None:
    cases = load_patterns()

    assert {case.pattern for case in cases} >= {
        "cycle",
        "collector",
        "shared_identifier",
        "sole_supplier",
        "articulation_point",
        "bridge",
        "attribute_community",
        "weighted_hub",
        "hub",
    }
    assert any(case.normal for case in cases)
    for case in cases:
        assert case.questions and case.instances and all(case.instances)
        if case.attribute:
            assert len(case.values) == len(case.instances)


def test_bad_question_is_refused_with_file_and_id(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "- {id: q-1, graph: karate, domain: social, voice: terse, intents: [fame], text: hi}\n",
        encoding="utf-8",
    )

    with pytest.raises(CorpusError, match=r"bad\.yaml: q-1: unknown intents \['fame'\]"):
        load_questions(tmp_path)
