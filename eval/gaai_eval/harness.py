"""Run the whole evaluation (or its quick subset) and summarise it into one result.

`evaluate()` loads the corpus, runs every distinct (graph, question) once through the real agent
(gaai_eval.runner), scores the runs (gaai_eval.score) and returns the result as JSON-ready data;
`gaai_eval.table` renders it.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from statistics import mean
from typing import Any

from gaai_eval import GRAPHS_DIR
from gaai_eval.cases import HELD_OUT, TUNING, PatternCase
from gaai_eval.corpus import load_patterns, load_questions, load_transport
from gaai_eval.epoch_runs import run_cases, score_epoch_case
from gaai_eval.epoch_runs import summarise as summarise_epochs
from gaai_eval.epochs import EpochCase, load_epoch_cases
from gaai_eval.runner import Job, run_jobs
from gaai_eval.score import score_pattern, score_question, score_transport

QUICK_GRAPHS = ("karate", "florentine", "devices", "transport")
"""Graphs of the quick subset `make test` runs: small, and covering every kind of case."""
QUICK_PER_SPLIT = 8
QUICK_TRANSPORT = 10


def _rate(records: list[dict[str, Any]], key: str) -> float | None:
    return mean(1.0 if record[key] else 0.0 for record in records) if records else None


def quick_subset(
    questions: list[dict[str, Any]], transport: list[dict[str, Any]], patterns: list[PatternCase]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[PatternCase]]:
    """The reduced evaluation: a few graphs, about thirty questions, seconds not minutes."""
    picked: list[dict[str, Any]] = []
    for split in (TUNING, HELD_OUT):
        eligible = [q for q in questions if q["split"] == split and q["graph"] in QUICK_GRAPHS]
        picked += sorted(eligible, key=lambda q: q["id"])[:QUICK_PER_SPLIT]
    return (
        picked,
        transport[:QUICK_TRANSPORT],
        [case for case in patterns if case.graph in QUICK_GRAPHS],
    )


def evaluate(
    *,
    quick: bool = False,
    workers: int = 2,
    questions: list[dict[str, Any]] | None = None,
    transport: list[dict[str, Any]] | None = None,
    patterns: list[PatternCase] | None = None,
    epochs: list[EpochCase] | None = None,
) -> dict[str, Any]:
    """Run the agent on the corpus and return the scored result.

    Args:
        quick: Run the reduced subset (`quick_subset`) instead of everything.
        workers: Worker processes running the agent.
        questions: Corpus questions (default: eval/corpus/questions.yaml).
        transport: Transport questions (default: eval/corpus/transport.jsonl).
        patterns: Planted-pattern cases (default: eval/corpus/patterns.json).
        epochs: Two-epoch cases (default: eval/corpus/epochs.json; with `quick`, the cases
            marked quick).

    Returns:
        {"summary": {...}, "questions": [...], "transport": [...], "patterns": [...],
         "epochs": [...], "ran_nothing": [...]} with every record scored.
    """
    questions = load_questions() if questions is None else questions
    transport = load_transport() if transport is None else transport
    patterns = load_patterns() if patterns is None else patterns
    if quick:
        questions, transport, patterns = quick_subset(questions, transport, patterns)
    epochs = load_epoch_cases() if epochs is None else epochs
    if quick:
        epochs = [case for case in epochs if case.quick]
    jobs = [Job(q["graph"], q["text"]) for q in questions]
    jobs += [Job(q["graph"], q["text"]) for q in transport]
    jobs += [Job(case.graph, text) for case in patterns for text in case.questions]
    started = time.perf_counter()
    views = run_jobs(jobs, workers=workers)
    epoch_runs = run_cases(epochs)
    seconds = time.perf_counter() - started

    question_records = [score_question(q, views[Job(q["graph"], q["text"])]) for q in questions]
    transport_records = [score_transport(q, views[Job(q["graph"], q["text"])]) for q in transport]
    pattern_records = [
        score_pattern(case, [views[Job(case.graph, text)] for text in case.questions])
        for case in patterns
    ]
    ran_nothing = sorted(
        {(job.graph, job.question) for job, view in views.items() if view["ran"] == 0}
    )
    fallbacks = sorted({name for view in views.values() for name in view["fallbacks"]})
    summary = _summary(question_records, transport_records, len(views), seconds)
    summary.update(_report_quality(views, questions))
    epoch_records = [score_epoch_case(case, epoch_runs[case.id]) for case in epochs]
    summary.update(summarise_epochs(epoch_records))
    # Per-run times stay out of the records so committed results diff only on what changed.
    slowest = sorted(views.items(), key=lambda item: -float(item[1].get("seconds") or 0))[:5]
    summary["slowest_runs"] = [
        {"graph": job.graph, "question": job.question, "seconds": view.get("seconds")}
        for job, view in slowest
    ]
    return {
        "summary": summary,
        "fallbacks": fallbacks,
        "questions": question_records,
        "transport": transport_records,
        "patterns": pattern_records,
        "epochs": epoch_records,
        "ran_nothing": [{"graph": graph, "question": text} for graph, text in ran_nothing],
        "errors": sorted(
            {view["error"] for view in views.values() if view.get("error")}
            | {f"{r['id']}: {r['error']}" for r in epoch_records if r["error"]}
        ),
    }


def _summary(
    questions: list[dict[str, Any]], transport: list[dict[str, Any]], runs: int, seconds: float
) -> dict[str, Any]:
    by_split = {
        split: [q for q in questions if q["split"] == split] for split in (TUNING, HELD_OUT)
    }
    by_domain: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in by_split[HELD_OUT]:
        by_domain[record["domain"]].append(record)
    valued = [t for t in transport if t["value_scored"]]
    return {
        "questions": len(questions),
        "held_out": len(by_split[HELD_OUT]),
        "tuning": len(by_split[TUNING]),
        "intent_accuracy_held_out": _rate(by_split[HELD_OUT], "intent_right"),
        "intent_accuracy_tuning": _rate(by_split[TUNING], "intent_right"),
        "intent_hit_held_out": _rate(by_split[HELD_OUT], "intent_hit"),
        "intent_accuracy_held_out_by_domain": {
            domain: _rate(records, "intent_right") for domain, records in sorted(by_domain.items())
        },
        "questions_ran_nothing": sum(1 for q in questions if q["ran"] == 0),
        "transport_questions": len(transport),
        "transport_method_right": _rate(transport, "method_right"),
        "transport_value_right": _rate(valued, "value_right"),
        "transport_value_questions": len(valued),
        "transport_method_right_held_out": _rate(
            [t for t in transport if t["split"] == HELD_OUT], "method_right"
        ),
        "transport_value_right_held_out": _rate(
            [t for t in valued if t["split"] == HELD_OUT], "value_right"
        ),
        "transport_ran_nothing": sum(1 for t in transport if t["ran"] == 0),
        "transport_intent_accuracy": _rate(transport, "intent_right"),
        "agent_runs": runs,
        "seconds": round(seconds, 1),
    }


def _names(graph: str) -> dict[str, str]:
    """Vertex id -> `name` of a benchmark graph (empty for the demo, which is not in eval/)."""
    names: dict[str, str] = {}
    directory = GRAPHS_DIR / graph
    if not directory.is_dir():
        return names
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            document = json.loads(line)
            if "_from" not in document and document.get("name"):
                names[f"{path.stem}/{document['_key']}"] = str(document["name"])
    return names


def _report_quality(
    views: dict[Job, dict[str, Any]], questions: list[dict[str, Any]]
) -> dict[str, float | None]:
    """Shares over the reports that ran: evidence and confidence, names, composed answers.

    - findings_with_evidence: flagged findings carrying a non-empty `evidence` and a
      `confidence` in [0, 1];
    - reports_naming_entities: succeeded reports with findings on named vertices whose text
      contains the name of at least one of the first three entities of their first finding;
    - composite_answered_together: questions expecting two or more intents for which one
      report carries all of them (contract `intents` only; today's reports never do).
    """
    names_by_graph: dict[str, dict[str, str]] = {}
    evidenced: list[bool] = []
    named: list[bool] = []
    for job, view in views.items():
        names = names_by_graph.setdefault(job.graph, _names(job.graph))
        for report in view["reports"]:
            if report["status"] != "succeeded":
                continue
            for finding in report["findings"]:
                if finding.get("flagged"):
                    confidence = finding.get("confidence")
                    evidenced.append(
                        bool(finding.get("evidence"))
                        and isinstance(confidence, int | float)
                        and 0 <= confidence <= 1
                    )
            first: list[str] = next(
                (f["entities"] for f in report["findings"] if f["entities"]), []
            )
            labels = [names[entity] for entity in first[:3] if entity in names]
            if labels:
                named.append(any(label in report["text"] for label in labels))
    composite = []
    for question in questions:
        expected = set(question["intents"])
        if len(expected) < 2:
            continue
        view = views[Job(question["graph"], question["text"])]
        composite.append(
            any(
                expected <= set(report["intents"])
                for report in view["reports"]
                if "intents" not in report["fallbacks"]
            )
        )
    return {
        "findings_with_evidence": _share(evidenced),
        "reports_naming_entities": _share(named),
        "composite_answered_together": _share(composite),
        "composite_questions": len(composite),
    }


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None
