"""Load and validate the evaluation corpus: questions, transport questions, pattern cases.

- eval/corpus/questions/*.yaml: hand-written questions (one file per domain), each
  `{id, graph, domain, voice, text, intents}` and optionally `accept` (alternative intent sets
  equally right for an ambiguous wording); intents are QuestionIntent names, `graph` a
  directory of eval/graphs or "demo".
- eval/corpus/transport.jsonl: generated transport questions with `methods`, `check` and
  `expected` (gaai_eval.transport).
- eval/corpus/patterns.json: generated planted-pattern cases (gaai_eval.cases.PatternCase).

Every case gets its half (tuning or held-out) from `gaai_eval.cases.split_of`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import yaml

from gaai_eval import CORPUS_DIR, GRAPHS_DIR
from gaai_eval.cases import PatternCase, split_of
from gaai_eval.runner import DEMO_GRAPH
from gaai_graph.methods.vocabulary import METHOD_NAMES, QuestionIntent

INTENTS = frozenset(get_args(QuestionIntent))
QUESTION_FIELDS = ("id", "graph", "domain", "voice", "text", "intents")


class CorpusError(ValueError):
    """A corpus file is malformed; the message names the file, the case and the problem."""


def _check_graph(path: Path, case_id: str, graph: str) -> None:
    if graph != DEMO_GRAPH and not (GRAPHS_DIR / graph).is_dir():
        raise CorpusError(
            f"{path}: {case_id}: unknown graph {graph!r}; use a directory of {GRAPHS_DIR} or "
            f"{DEMO_GRAPH!r}"
        )


def _check_intents(path: Path, case_id: str, intents: Any) -> None:
    if not isinstance(intents, list) or not intents:
        raise CorpusError(f"{path}: {case_id}: `intents` must be a non-empty list")
    unknown = [intent for intent in intents if intent not in INTENTS]
    if unknown:
        raise CorpusError(
            f"{path}: {case_id}: unknown intents {unknown}; use names of "
            "gaai_graph.methods.vocabulary.QuestionIntent"
        )


def load_questions(directory: Path | None = None) -> list[dict[str, Any]]:
    """Return the hand-written questions of every `*.yaml` file, each with its `split`.

    Raises:
        CorpusError: a question lacks a field, repeats an id, or names an unknown graph or
            intent.
    """
    directory = directory or CORPUS_DIR / "questions"
    cases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            _check_question(path, case, seen)
            cases.append(case)
    return cases


def _check_question(path: Path, case: dict[str, Any], seen: set[str]) -> None:
    """Validate one question in place and give it its `split`."""
    missing = [name for name in QUESTION_FIELDS if not case.get(name)]
    if missing:
        raise CorpusError(f"{path}: {case.get('id', case)}: missing {', '.join(missing)}")
    if case["id"] in seen:
        raise CorpusError(f"{path}: {case['id']}: duplicate id")
    seen.add(case["id"])
    _check_graph(path, case["id"], case["graph"])
    _check_intents(path, case["id"], case["intents"])
    for alternative in case.get("accept", []):
        _check_intents(path, case["id"], alternative)
    case["split"] = split_of(case["id"])


def load_transport(path: Path | None = None) -> list[dict[str, Any]]:
    """Return the transport questions, each with its `split`, validated.

    Raises:
        CorpusError: a question names an unknown method or intent.
    """
    path = path or CORPUS_DIR / "transport.jsonl"
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for case in cases:
        unknown = [method for method in case["methods"] if method not in METHOD_NAMES]
        if unknown:
            raise CorpusError(f"{path}: {case['id']}: unknown methods {unknown}")
        _check_intents(path, case["id"], case["intents"])
        _check_graph(path, case["id"], case["graph"])
        case["split"] = split_of(case["id"])
    return cases


def load_patterns(path: Path | None = None) -> list[PatternCase]:
    """Return the planted-pattern cases."""
    path = path or CORPUS_DIR / "patterns.json"
    cases = [PatternCase(**case) for case in json.loads(path.read_text(encoding="utf-8"))]
    for case in cases:
        _check_graph(path, case.id, case.graph)
    return cases
