"""The scores of vertices a question names, stated first, for the original ranking methods.

"What is the betweenness of Halfield Green?" names vertices (parameter `vertices`); the
method still ranks every vertex, and its answer is the named vertices' scores.
"""

from __future__ import annotations

import functools

from gaai_graph.methods.answering import (
    focus_values,
    ranking_answer,
    read_answer,
    vertices_parameter,
)
from gaai_graph.methods.base import Interpreter, LocalJob, LocalRunner, Outcome, ParameterSpec
from gaai_graph.methods.writing import ReportWriter

__all__ = ["VERTICES", "answering_named", "reading_named"]

VERTICES: ParameterSpec = vertices_parameter(
    "vertices", "Vertices whose scores the question asks for (ids joined with '|')."
)


def answering_named(run: LocalRunner, method: str, convention: str, what: str) -> LocalRunner:
    """`run`, with the named vertices' scores as its direct answer when the question names any."""

    @functools.wraps(run)  # keeps the family's module: catalogues group methods by it
    def answered(job: LocalJob) -> Outcome:
        outcome = run(job)
        if outcome.scores is None:
            return outcome
        given, metrics = focus_values(job, outcome.scores, method, convention, what)
        if given is not None:
            outcome.answer = given
            outcome.metrics.update(metrics)
        return outcome

    return answered


def reading_named(interpret: Interpreter) -> Interpreter:
    """`interpret`, stating the direct answer first when there is one (else the top ranked)."""

    @functools.wraps(interpret)
    def read(writer: ReportWriter) -> None:
        read_answer(writer)
        ranking_answer(writer)
        interpret(writer)

    return read
