"""One typed result of a run, whichever way it ran, with its report pages at hand.

`RunResult.from_state` takes what the graph returns (`await graph.ainvoke(...)`, a dict) or
what the runner returns (`WorkflowResult`) and gives the same pydantic object: `.reports`,
`.summary`, `.findings`, `.to_html()` (the run's index page, pictures included) and
`_repr_html_`, so a notebook shows the report where the result is displayed.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gaai_graph.models import GraphSchema, Report, RunError, RunSummary
from gaai_graph.reporting.network import GraphIndex, report_findings

__all__ = ["RunResult"]


class RunResult(BaseModel):
    """The reports and summary of one run."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    run_id: str
    reports: list[Report] = Field(default_factory=list)
    summary: RunSummary | None = None
    errors: list[RunError] = Field(default_factory=list)
    graph_schema: GraphSchema | None = Field(default=None, repr=False)
    source: str | None = Field(default=None, repr=False)
    """Where the graph came from, for the pictures (`demo`, a snapshot directory)."""

    @classmethod
    def from_state(cls, state: Any, source: str | None = None) -> RunResult:
        """Build the result from the graph's output dict or the runner's `WorkflowResult`.

        Args:
            state: `await graph.ainvoke(...)` or `runner.run(...)`.
            source: The run's graph source, for network drawings; default: the summary's.
        """
        values: Mapping[str, Any] = (
            state if isinstance(state, Mapping) else getattr(state, "values", {}) or {}
        )
        summary = values.get("summary", getattr(state, "summary", None))
        reports = values.get("reports", getattr(state, "reports", None)) or []
        return cls(
            run_id=str(values.get("run_id") or getattr(state, "run_id", None) or "run"),
            reports=list(reports),
            summary=summary,
            errors=list(values.get("errors", getattr(state, "errors", None)) or []),
            graph_schema=values.get("schema"),
            source=source or (summary.source if summary is not None else None),
        )

    @property
    def findings(self) -> list[dict[str, Any]]:
        """Every finding of every report, each with the `template_id` it came from.

        Reports that carry no `findings` contribute their insights as findings of kind
        'insight' (flagged when the insight is a finding rather than context).
        """
        found: list[dict[str, Any]] = []
        for report in self.reports:
            own = report_findings(report)
            if own:
                found += [{"template_id": report.template_id, **finding} for finding in own]
                continue
            found += [
                {
                    "template_id": report.template_id,
                    "kind": "insight",
                    "entities": [],
                    "flagged": insight.kind == "finding",
                    "evidence": dict(insight.evidence),
                    "confidence": insight.confidence,
                    "explanation": f"{insight.title}: {insight.description}",
                }
                for insight in report.insights
            ]
        return found

    def graph_index(self) -> GraphIndex | None:
        """Names and links of the graph for the pictures; None for a live or unknown source."""
        from gaai_graph.sources import load_graph_sync
        from gaai_graph.sources.arango_url import is_arango_source

        if not self.source or is_arango_source(self.source):
            return None
        try:
            return GraphIndex(load_graph_sync(self.source), self.graph_schema)
        except Exception:  # no pictures rather than no page
            return None

    def to_html(self) -> str:
        """The run's index page (answer, connected findings, one section per question)."""
        from gaai_graph.reporting.html import render_index_html

        if self.summary is None:
            return f"<p>Run {html.escape(self.run_id)} has no summary: it did not finish.</p>"
        reports = sorted(self.reports, key=lambda report: report.template_id)
        hrefs = {report.template_id: f"#{report.template_id}" for report in reports}
        return render_index_html(self.summary, reports, hrefs, graph=self.graph_index())

    def _repr_html_(self) -> str:
        # In a frame of its own, so the page's styles never leak into the notebook.
        page = html.escape(self.to_html(), quote=True)
        return (
            f'<iframe srcdoc="{page}" style="width:100%;height:900px;border:1px solid #e4e7eb" '
            'sandbox=""></iframe>'
        )
