"""The answer to a follow-up question asked through the graph input on a finished thread.

Kept apart from `gaai_graph.nodes.followup` (which computes it) so the state can hold it
without importing the nodes.
"""

from __future__ import annotations

from pydantic import Field

from gaai_graph.models import AnalysisTemplate, Model, Report, RunError, RunSummary

__all__ = ["FOLLOWS_TAG", "FollowUpAnswer"]

FOLLOWS_TAG = "follows:"
"""Catalog tag prefix linking a follow-up run to the run it follows."""


class FollowUpAnswer(Model):
    """One follow-up's answer, in the same report form as the run it follows."""

    question: str
    """The follow-up question as asked."""

    follows: str
    """Run id of the finished run the question was read against."""

    summary: RunSummary
    """The answer's summary: its run id (`<run>-followup-<n>`), a headline saying how many
    analyses were new and how many reused, and one digest per report."""

    reports: list[Report] = Field(default_factory=list)
    """Every report of the answer, new and reused, by template id."""

    templates: list[AnalysisTemplate] = Field(default_factory=list)
    """The templates planned for the question (ids prefixed with the follow-up's number)."""

    reused: dict[str, str] = Field(default_factory=dict)
    """Follow-up template id -> template id of the thread's earlier report it reuses."""

    executed: list[str] = Field(default_factory=list)
    """Template ids computed for this follow-up."""

    errors: list[RunError] = Field(default_factory=list)
    """What went wrong while reading, planning or computing the answer (never raised)."""
