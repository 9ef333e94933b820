"""Render an evaluation result as the Markdown table `make eval` prints and writes."""

from __future__ import annotations

from typing import Any


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _epoch_rows(s: dict[str, Any]) -> list[str]:
    if "epoch_planted" not in s:
        return []
    return [
        f"| two-epoch cases: planted changes named ({s['epoch_found']} of "
        f"{s['epoch_planted']}) | {_number(s['epoch_recall'])} |",
        f"| two-epoch cases: false changes on unchanged graphs "
        f"({s['epoch_unchanged_cases']} cases) | {s['epoch_false_changes']} |",
    ]


def render(result: dict[str, Any], *, title: str = "gaai_graph evaluation") -> str:
    """Return the result as Markdown: headline numbers, patterns, transport, what ran nothing."""
    s = result["summary"]
    lines = [
        f"# {title}",
        "",
        f"{s['agent_runs']} agent runs in {s['seconds']} s. Reports read through the adapter's "
        f"fallback for: {', '.join(result['fallbacks']) or 'nothing (contract fields present)'}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| intent accuracy, held-out half ({s['held_out']} questions) | "
        f"{_number(s['intent_accuracy_held_out'])} |",
        f"| intent accuracy, tuning half ({s['tuning']} questions) | "
        f"{_number(s['intent_accuracy_tuning'])} |",
        f"| expected intents all read, held-out (extras allowed) | "
        f"{_number(s['intent_hit_held_out'])} |",
        f"| corpus questions that ran nothing | {s['questions_ran_nothing']} of {s['questions']} |",
        f"| transport: right method ({s['transport_questions']} questions) | "
        f"{_number(s['transport_method_right'])} |",
        f"| transport: right value ({s['transport_value_questions']} with a value) | "
        f"{_number(s['transport_value_right'])} |",
        f"| transport, held-out: right method / right value | "
        f"{_number(s['transport_method_right_held_out'])} / "
        f"{_number(s['transport_value_right_held_out'])} |",
        f"| transport: intent accuracy | {_number(s['transport_intent_accuracy'])} |",
        f"| flagged findings with evidence and a confidence | "
        f"{_number(s['findings_with_evidence'])} |",
        f"| reports naming their entities (name in the text) | "
        f"{_number(s['reports_naming_entities'])} |",
        f"| composite questions ({s['composite_questions']}) answered by one report | "
        f"{_number(s['composite_answered_together'])} |",
        f"| transport questions that ran nothing | {s['transport_ran_nothing']} |",
        *_epoch_rows(s),
        "",
        "## Intent accuracy by domain (held-out)",
        "",
        "| domain | accuracy |",
        "|---|---|",
    ]
    lines += [
        f"| {domain} | {_number(rate)} |"
        for domain, rate in s["intent_accuracy_held_out_by_domain"].items()
    ]
    lines += [
        "",
        "## Planted patterns",
        "",
        "| case | pattern | kind | instances | found / false alarms | recall | precision | "
        "explained by attribute | flagged findings |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in result["patterns"]:
        kind = "normal (must not flag)" if p["normal"] else "anomaly"
        hits = f"{p['false_alarms']} flagged" if p["normal"] else f"{p['found']} found"
        lines.append(
            f"| {p['id']} | {p['pattern']} | {kind} | {p['instances']} | {hits} | "
            f"{_number(p['recall'])} | {_number(p['precision'])} | "
            f"{_number(p['explained']) if 'explained' in p else '-'} | {p['flagged_findings']} |"
        )
    lines += [
        "",
        "## Two-epoch cases (planted changes between two runs of one question)",
        "",
        "| case | planted change | compared with epoch 1 | found | false changes |",
        "|---|---|---|---|---|",
    ]
    for e in result.get("epochs", []):
        lines.append(
            f"| {e['id']} | {e['change']} | {'yes' if e['compared'] else 'no'} | "
            f"{e['found']} of {e['planted']} | {e['false_changes']} |"
        )
    lines += ["", f"## Questions that ran nothing ({len(result['ran_nothing'])})", ""]
    lines += [f"- [{item['graph']}] {item['question']}" for item in result["ran_nothing"]]
    if result["errors"]:
        lines += ["", "## Runs that raised", ""]
        lines += [f"- {error}" for error in result["errors"]]
    return "\n".join(lines) + "\n"
