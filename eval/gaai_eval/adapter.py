"""Read what the agent did from its final state: the one place that knows report shapes.

The contract (docs/report-contract.md) gives a report `intents`, `method`, `answer` and
`findings`. Reports that carry them are read as they are; for reports that carry none of them
the adapter falls back, and says so in `RunView.fallbacks`:

- intents: each use case's `intent`, mapped to the vocabulary by `LEGACY_INTENTS` when it is
  one of today's names;
- method: the template's `algorithm` (today's names are all METHOD_NAMES entries);
- answer: none (today's reports state no direct answer, so no value can be right);
- findings: one finding per listed group (its `members_sample`: every member of a group of at
  most 25, else the first five) and one per top entity. A report "flags" them when one of its
  insights is of kind "finding" (today's only alarm signal); otherwise they are context.

Everything returned is plain JSON-ready data, so worker processes can send it back.
"""

from __future__ import annotations

from typing import Any

from gaai_graph.methods.vocabulary import INTENT_DESCRIPTIONS, METHOD_NAMES

LEGACY_INTENTS: dict[str, str] = {
    "influence": "importance",
    "hubs": "importance",
    "communities": "communities",
    "rings": "shared_identifiers",
    "brokers": "brokers",
    "cohesion": "cohesion",
    "cycles": "cycles",
}
"""Today's use-case intents (gaai_graph.models.Intent) -> the vocabulary's QuestionIntent.

`hubs` (degree) reads as importance: today it is asked for "most connected" entities, which the
vocabulary calls importance; `rings` (shared devices or cards) is shared_identifiers."""

CONTRACT_FIELDS = ("intents", "method", "answer", "findings")


def vocabulary_intent(intent: str | None) -> str | None:
    """A use case's intent in the vocabulary: vocabulary names as they are, legacy ones mapped."""
    if intent in INTENT_DESCRIPTIONS:
        return intent
    return LEGACY_INTENTS.get(intent or "")


def _field(model: Any, name: str) -> Any:
    """A report attribute, or None when today's model does not have it."""
    value = getattr(model, name, None)
    if value is None and isinstance(model, dict):
        value = model.get(name)
    return value


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def report_view(report: Any, use_case_intent: str | None) -> dict[str, Any]:
    """Return what the scorer needs of one report, from the contract fields or the fallback.

    Args:
        report: A `gaai_graph.models.Report` (or its JSON as a dict).
        use_case_intent: Today's `intent` of the report's use case, for the fallback.

    Returns:
        {"status", "method", "intents", "answer", "findings", "fallbacks"}.
    """
    fallbacks: list[str] = []
    intents = _field(report, "intents")
    if intents:
        intents = [str(intent) for intent in intents]
    else:
        mapped = vocabulary_intent(use_case_intent)
        intents = [mapped] if mapped else []
        fallbacks.append("intents")
    method = _field(report, "method")
    if not method:
        algorithm = str(_field(report, "algorithm") or "")
        method = algorithm if algorithm in METHOD_NAMES else algorithm or None
        fallbacks.append("method")
    answer = _dump(_field(report, "answer"))
    if answer is None:
        fallbacks.append("answer")
    findings = _field(report, "findings")
    if findings is None:
        findings = _legacy_findings(report)
        fallbacks.append("findings")
    else:
        findings = [_dump(finding) for finding in findings]
    return {
        "status": str(_field(report, "status")),
        "method": method,
        "intents": intents,
        "answer": answer,
        "findings": findings,
        "text": _report_text(report),
        "fallbacks": fallbacks,
    }


def _legacy_findings(report: Any) -> list[dict[str, Any]]:
    insights = _field(report, "insights") or []
    flagged = any(_field(insight, "kind") == "finding" for insight in insights)
    findings = []
    for group in _field(report, "groups") or []:
        findings.append(
            {
                "kind": "group",
                "entities": list(_field(group, "members_sample") or []),
                "flagged": flagged,
                "evidence": {"size": _field(group, "size")},
            }
        )
    for entity in _field(report, "top_entities") or []:
        findings.append(
            {
                "kind": "entity",
                "entities": [_field(entity, "id")],
                "flagged": flagged,
                "evidence": {"value": _field(entity, "value")},
            }
        )
    return findings


def _report_text(report: Any) -> str:
    """The report's words (summary, insights, notes), to check what it explains."""
    parts = [str(_field(report, "summary") or ""), str(_field(report, "title") or "")]
    for insight in _field(report, "insights") or []:
        parts += [str(_field(insight, "title") or ""), str(_field(insight, "description") or "")]
    parts += [str(note) for note in _field(report, "notes") or []]
    return "\n".join(part for part in parts if part)


def run_view(state: dict[str, Any]) -> dict[str, Any]:
    """Return the scorer's view of one finished run (the graph's output state).

    Args:
        state: What `graph.ainvoke` returned: `reports`, `summary`, `errors`, ...

    Returns:
        {"intents": [...], "reports": [report views in template order], "ran": int,
         "unanswered": [...], "fallbacks": [...]}. `ran` counts succeeded reports.
    """
    summary = state.get("summary")
    use_cases = {uc.id: uc for uc in (_field(summary, "use_cases") or [])}
    order = [template.id for template in (_field(summary, "templates") or [])]
    reports = sorted(
        state.get("reports") or [],
        key=lambda r: order.index(r.template_id) if r.template_id in order else len(order),
    )
    views = []
    for report in reports:
        use_case = use_cases.get(_field(report, "use_case_id"))
        views.append(report_view(report, _field(use_case, "intent") if use_case else None))
    contract_intents = [
        i for view in views if "intents" not in view["fallbacks"] for i in view["intents"]
    ]
    if contract_intents:
        intents = contract_intents
    else:
        mapped = (vocabulary_intent(_field(uc, "intent")) for uc in use_cases.values())
        intents = [intent for intent in mapped if intent]
    fallbacks = sorted({name for view in views for name in view["fallbacks"]})
    return {
        "intents": sorted(set(intents)),
        "reports": views,
        "ran": sum(1 for view in views if view["status"] == "succeeded"),
        "unanswered": [str(line) for line in (_field(summary, "unanswered") or [])],
        "fallbacks": fallbacks,
    }
