"""The algorithm registry: what each algorithm is, and which parameters it accepts.

Template generation (rules or LLM) and every engine validate parameters here, so a template
the engine would reject never reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from gaai_graph.errors import TemplateValidationError

ParameterType = Literal["float", "int", "bool", "choice"]


@dataclass(frozen=True)
class ParameterSpec:
    """One accepted parameter with its type, bounds and default."""

    name: str
    kind: ParameterType
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    choices: tuple[str, ...] = ()
    nullable: bool = False

    def check(self, algorithm: str, value: Any) -> Any:
        """Return `value` coerced to this parameter's type, or raise a clear error."""
        where = f"parameter '{self.name}' of {algorithm}"
        if value is None:
            if self.nullable:
                return None
            raise TemplateValidationError(f"{where} may not be null")
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise TemplateValidationError(f"{where} must be true or false, got {value!r}")
            return value
        if self.kind == "choice":
            if value not in self.choices:
                allowed = ", ".join(self.choices)
                raise TemplateValidationError(f"{where} must be one of {allowed}, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TemplateValidationError(f"{where} must be a number, got {value!r}")
        if self.kind == "int":
            if float(value) != int(value):
                raise TemplateValidationError(f"{where} must be a whole number, got {value!r}")
            value = int(value)
        else:
            value = float(value)
        self._check_bounds(where, value)
        return value

    def _check_bounds(self, where: str, value: float) -> None:
        if self.minimum is not None and (
            value < self.minimum or (self.exclusive_minimum and value == self.minimum)
        ):
            relation = ">" if self.exclusive_minimum else ">="
            raise TemplateValidationError(f"{where} must be {relation} {self.minimum}, got {value}")
        if self.maximum is not None and (
            value > self.maximum or (self.exclusive_maximum and value == self.maximum)
        ):
            relation = "<" if self.exclusive_maximum else "<="
            raise TemplateValidationError(f"{where} must be {relation} {self.maximum}, got {value}")


@dataclass(frozen=True)
class AlgorithmSpec:
    """An algorithm the engines can run."""

    name: str
    kind: Literal["scoring", "grouping"]
    description: str
    result_attribute: str
    """Attribute name used when results are written back (ArangoDB GAE naming)."""
    parameters: tuple[ParameterSpec, ...] = field(default_factory=tuple)
    randomized: bool = False
    """Whether results depend on the random seed."""

    def parameter(self, name: str) -> ParameterSpec | None:
        """Return the spec of parameter `name`, or None if the algorithm has none by that name."""
        for spec in self.parameters:
            if spec.name == name:
                return spec
        return None


ALGORITHMS: dict[str, AlgorithmSpec] = {
    spec.name: spec
    for spec in (
        AlgorithmSpec(
            name="pagerank",
            kind="scoring",
            description="Influence: a vertex matters when important vertices point to it.",
            result_attribute="rank",
            parameters=(
                ParameterSpec(
                    "damping_factor",
                    "float",
                    0.85,
                    "Probability of following an edge rather than jumping anywhere.",
                    minimum=0.0,
                    maximum=1.0,
                    exclusive_minimum=True,
                    exclusive_maximum=True,
                ),
            ),
        ),
        AlgorithmSpec(
            name="betweenness",
            kind="scoring",
            description="Brokers: vertices on many shortest paths between others.",
            result_attribute="centrality",
            parameters=(
                ParameterSpec(
                    "sample_size",
                    "int",
                    None,
                    "Number of source vertices sampled; null means exact when the projection "
                    "has at most `exact_threshold` vertices, else 256 samples.",
                    minimum=1,
                    nullable=True,
                ),
                ParameterSpec(
                    "exact_threshold",
                    "int",
                    5000,
                    "Largest vertex count for which exact betweenness is computed by default.",
                    minimum=1,
                ),
                ParameterSpec("normalized", "bool", True, "Divide by the number of vertex pairs."),
            ),
            randomized=True,
        ),
        AlgorithmSpec(
            name="degree",
            kind="scoring",
            description="Hubs: vertices with the most connections.",
            result_attribute="degree",
            parameters=(
                ParameterSpec(
                    "mode", "choice", "all", "Which edges count.", choices=("in", "out", "all")
                ),
            ),
        ),
        AlgorithmSpec(
            name="kcore",
            kind="scoring",
            description="Cohesion: the largest k such that a vertex sits in a k-core.",
            result_attribute="coreness",
        ),
        AlgorithmSpec(
            name="triangles",
            kind="scoring",
            description="Cohesion: triangles through each vertex and local clustering.",
            result_attribute="triangles",
            parameters=(
                ParameterSpec(
                    "score",
                    "choice",
                    "triangles",
                    "Which per-vertex value ranks the vertices.",
                    choices=("triangles", "clustering"),
                ),
            ),
        ),
        AlgorithmSpec(
            name="wcc",
            kind="grouping",
            description="Connected groups ignoring edge direction (rings, islands).",
            result_attribute="component",
        ),
        AlgorithmSpec(
            name="scc",
            kind="grouping",
            description="Groups where every vertex reaches every other along edge direction "
            "(cycles).",
            result_attribute="component",
        ),
        AlgorithmSpec(
            name="label_propagation",
            kind="grouping",
            description="Fast communities by spreading labels to neighbours.",
            result_attribute="community",
            randomized=True,
        ),
        AlgorithmSpec(
            name="louvain",
            kind="grouping",
            description="Communities maximising modularity (multilevel).",
            result_attribute="community",
            parameters=(
                ParameterSpec(
                    "resolution",
                    "float",
                    1.0,
                    "Higher values give more, smaller communities.",
                    minimum=0.0,
                    exclusive_minimum=True,
                    maximum=100.0,
                ),
            ),
            randomized=True,
        ),
        AlgorithmSpec(
            name="leiden",
            kind="grouping",
            description="Communities maximising modularity, well connected (Leiden).",
            result_attribute="community",
            parameters=(
                ParameterSpec(
                    "resolution",
                    "float",
                    1.0,
                    "Higher values give more, smaller communities.",
                    minimum=0.0,
                    exclusive_minimum=True,
                    maximum=100.0,
                ),
                ParameterSpec(
                    "iterations",
                    "int",
                    2,
                    "Refinement iterations (igraph's default). -1 iterates until stable, which "
                    "can take minutes on large graphs without community structure.",
                    minimum=-1,
                    maximum=1000,
                ),
            ),
            randomized=True,
        ),
    )
}


def algorithm_spec(name: str) -> AlgorithmSpec:
    """Return the spec of algorithm `name`, or raise a clear error naming the known ones."""
    spec = ALGORITHMS.get(name)
    if spec is None:
        known = ", ".join(sorted(ALGORITHMS))
        raise TemplateValidationError(f"unknown algorithm {name!r}; known algorithms: {known}")
    return spec


def validate_parameters(algorithm: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """Check `parameters` for `algorithm` and return them with defaults filled in.

    Args:
        algorithm: A registered algorithm name.
        parameters: Parameters as given by a template (may omit any with a default).

    Returns:
        Every parameter the algorithm accepts, each coerced to its type.

    Raises:
        TemplateValidationError: the algorithm is unknown, a parameter is unknown, of the wrong
            type, or out of range.
    """
    spec = algorithm_spec(algorithm)
    unknown = sorted(set(parameters) - {p.name for p in spec.parameters})
    if unknown:
        accepted = ", ".join(p.name for p in spec.parameters) or "none"
        raise TemplateValidationError(
            f"unknown parameter(s) {', '.join(unknown)} for {algorithm}; accepted: {accepted}"
        )
    return {
        p.name: p.check(algorithm, parameters[p.name]) if p.name in parameters else p.default
        for p in spec.parameters
    }
