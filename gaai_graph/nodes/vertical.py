"""Industry vertical resolution: which industry profile frames the analysis.

A vertical brings the industry's vocabulary (entity terms), its typical questions (used when
no requirement was found) and how to read each kind of result (interpretation and
recommendations per intent). Built-in verticals live in `gaai_graph/data/verticals/*.json`;
users may bring their own as a JSON or YAML file.

The rule path is made of pure functions: `detect_vertical` scores the built-ins against the
requirements and the schema, `generate_vertical` writes a profile from the graph's own words
when nothing matches, and `resolve_vertical_by_rules` applies the user's choice. The node
`resolve_vertical` runs them in a worker thread (file reads).

Detection score. Each built-in keyword (and each entity-term fragment) found counts once, by
where it was found: 1 in the requirement texts (plus a small bonus when repeated, at most 1
more), 2 in a collection name, 0.5 in an attribute name. The graph is the stronger evidence:
documents may discuss a neighbouring industry ("our shop has a fraud problem"), the data is
what it is. Each hit is divided by the number of built-ins that share the keyword, so words
such as "customer" or "network" decide nothing on their own.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import yaml
from langgraph.runtime import Runtime
from pydantic import ValidationError

from gaai_graph.context import Context
from gaai_graph.errors import VerticalError
from gaai_graph.models import GraphSchema, Intent, Requirement, RunError, Vertical
from gaai_graph.nodes.common import context_of, plural_phrase, timed
from gaai_graph.state import WorkflowState
from gaai_graph.trust import confirm_paths

__all__ = [
    "ALIASES",
    "INTENTS",
    "MIN_SCORE",
    "VERTICALS_DIR",
    "builtin_verticals",
    "detect_vertical",
    "generate_vertical",
    "load_vertical_file",
    "resolve_vertical",
    "resolve_vertical_by_rules",
]

INTENTS: tuple[str, ...] = get_args(Intent)
"""Every intent a vertical should interpret and give recommendations for."""

ALIASES: dict[str, str] = {
    "e-commerce": "ecommerce",
    "e_commerce": "ecommerce",
    "retail": "ecommerce",
    "commerce": "ecommerce",
    "shop": "ecommerce",
    "fraud": "fraud_aml",
    "aml": "fraud_aml",
    "fraud-aml": "fraud_aml",
    "anti-money-laundering": "fraud_aml",
    "banking": "fraud_aml",
    "finance": "fraud_aml",
    "social_network": "social",
    "social-network": "social",
    "supply-chain": "supply_chain",
    "supplychain": "supply_chain",
    "logistics": "supply_chain",
    "telco": "telecom",
    "telecommunications": "telecom",
    "cyber": "cybersecurity",
    "security": "cybersecurity",
    "infosec": "cybersecurity",
    "health": "healthcare",
    "medical": "healthcare",
}
"""Other names people use for the built-ins (case-insensitive)."""

TEXT_WEIGHT = 1.0
TEXT_REPEAT_BONUS = 0.25
"""Extra weight per repetition of a keyword in the texts, up to `TEXT_REPEAT_CAP` in all."""
TEXT_REPEAT_CAP = 1.0
COLLECTION_WEIGHT = 2.0
ATTRIBUTE_WEIGHT = 0.5
MIN_SCORE = 2.5
"""A vertical needs at least this score to be chosen: a couple of specific words."""
CLOSE_RATIO = 0.9
"""When the runner-up scores at least this share of the best, the call is too close and the
schema decides; when the schema cannot either, no vertical is chosen."""

VERTICALS_DIR = Path(__file__).resolve().parent.parent / "data" / "verticals"
"""Where the built-in vertical files live."""

_VERTICAL_FIELDS = frozenset(Vertical.model_fields)
_FILE_SUFFIXES = (".json", ".yaml", ".yml")


# --------------------------------------------------------------------------- words


def _stem(word: str) -> str:
    """Reduce an English plural to its singular, lightly: customers, parties, addresses."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _tokens(text: str) -> list[str]:
    """Lower-case, stemmed words; camelCase, snake_case and kebab-case split into words."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return [_stem(word) for word in re.findall(r"[a-z][a-z0-9]*", text.lower())]


def _phrase(term: str) -> tuple[str, ...]:
    return tuple(_tokens(term))


def _ngram_counts(tokens: list[str], longest: int) -> Counter[tuple[str, ...]]:
    counts: Counter[tuple[str, ...]] = Counter()
    for size in range(1, longest + 1):
        for start in range(len(tokens) - size + 1):
            counts[tuple(tokens[start : start + size])] += 1
    return counts


# --------------------------------------------------------------------------- loading


@functools.cache
def _load_builtins() -> dict[str, Vertical]:
    folder = VERTICALS_DIR
    verticals: dict[str, Vertical] = {}
    if not folder.is_dir():
        return verticals
    for entry in sorted(folder.glob("*.json")):
        data = _parse(entry.read_text(encoding="utf-8"), entry.name, ".json")
        vertical = _validate(data, entry.name, default_name=entry.stem)
        verticals[vertical.name] = vertical.model_copy(update={"source": "builtin"})
    return verticals


def builtin_verticals() -> dict[str, Vertical]:
    """Return the built-in verticals by name.

    The files are read once per process; each call returns fresh copies, so callers may
    change what they get.

    Returns:
        Name -> vertical, in name order.
    """
    return {name: vertical.model_copy(deep=True) for name, vertical in _load_builtins().items()}


def load_vertical_file(path: Path) -> Vertical:
    """Load a custom vertical from a JSON or YAML file.

    Args:
        path: A `.json`, `.yaml` or `.yml` file holding one vertical as a mapping. `name`
            defaults to the file's stem; `title` is required; unknown fields and unknown
            intents are refused so a typo does not silently drop content.

    Returns:
        The vertical, with `source` "custom".

    Raises:
        VerticalError: Naming the file, and the field when one is bad.
    """
    label = str(path)
    suffix = path.suffix.lower()
    if suffix not in _FILE_SUFFIXES:
        raise VerticalError(f"{label}: unsupported vertical file type; use .json, .yaml or .yml")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise VerticalError(f"vertical file not found: {label}") from error
    except IsADirectoryError as error:
        raise VerticalError(f"{label}: is a directory, not a vertical file") from error
    except UnicodeDecodeError as error:
        raise VerticalError(f"{label}: not UTF-8 text") from error
    except OSError as error:
        raise VerticalError(f"{label}: cannot read: {error.strerror or error}") from error
    data = _parse(text, label, suffix)
    vertical = _validate(data, label, default_name=path.stem)
    return vertical.model_copy(update={"source": "custom", "matched_terms": []})


def _parse(text: str, label: str, suffix: str) -> Any:
    try:
        if suffix == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise VerticalError(
            f"{label}:{error.lineno}: malformed JSON: {error.msg} (column {error.colno})"
        ) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{label}:{mark.line + 1}" if mark is not None else label
        problem = getattr(error, "problem", None) or str(error)
        raise VerticalError(f"{where}: malformed YAML: {problem}") from error


def _validate(data: Any, label: str, default_name: str) -> Vertical:
    if not isinstance(data, dict):
        raise VerticalError(
            f"{label}: a vertical must be a mapping of fields, got {type(data).__name__}"
        )
    unknown = sorted(str(key) for key in data if key not in _VERTICAL_FIELDS)
    if unknown:
        raise VerticalError(
            f"{label}: unknown field {unknown[0]!r}; expected some of "
            f"{', '.join(sorted(_VERTICAL_FIELDS - {'source', 'matched_terms'}))}"
        )
    for section in ("interpretation", "recommendations"):
        value = data.get(section)
        if isinstance(value, dict):
            bad = sorted(str(key) for key in value if key not in INTENTS)
            if bad:
                raise VerticalError(
                    f"{label}: field '{section}.{bad[0]}': unknown intent; expected one of "
                    f"{', '.join(INTENTS)}"
                )
    payload = {key: value for key, value in data.items() if key not in ("source", "matched_terms")}
    payload.setdefault("name", default_name)
    try:
        return Vertical.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"]) or "(root)"
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise VerticalError(f"{label}: field '{location}': {first['msg']}{more}") from error


# --------------------------------------------------------------------------- detection


@dataclass(frozen=True)
class _Evidence:
    """Where the words of a run were found, ready for keyword look-ups."""

    text: Counter[tuple[str, ...]]
    collections: set[tuple[str, ...]]
    attributes: set[tuple[str, ...]]


_LONGEST_PHRASE = 4
# Phrases whose words are domain keywords only by accident ("in order to" is no order).
_IDIOMS = re.compile(r"\b(?:in order (?:to|for)|on the other hand|post[- ]hoc)\b", re.IGNORECASE)


def _evidence(
    requirements: list[Requirement], schema: GraphSchema | None, documents_text: str
) -> _Evidence:
    text: Counter[tuple[str, ...]] = Counter()
    for chunk in [*(r.text for r in requirements), documents_text]:
        chunk = _IDIOMS.sub(" ", chunk)
        text.update(_ngram_counts(_tokens(chunk), _LONGEST_PHRASE))
    collections: set[tuple[str, ...]] = set()
    attributes: set[tuple[str, ...]] = set()
    if schema is not None:
        for profile in schema.collections:
            collections.update(_ngram_counts(_tokens(profile.name), _LONGEST_PHRASE))
            for attribute in profile.attributes:
                if not attribute.name.startswith("_"):
                    attributes.update(_ngram_counts(_tokens(attribute.name), _LONGEST_PHRASE))
    return _Evidence(text, collections, attributes)


@dataclass(frozen=True)
class _Term:
    word: str
    """The term as the vertical spells it."""
    schema_only: bool
    """Entity-term fragments ('item', 'group') name collections; in prose they mean little."""


def _vocabulary(vertical: Vertical) -> dict[tuple[str, ...], _Term]:
    """Stemmed phrase -> the vertical's term."""
    vocabulary: dict[tuple[str, ...], _Term] = {}
    for term in vertical.keywords:
        phrase = _phrase(term)
        if phrase:
            vocabulary.setdefault(phrase, _Term(term.lower(), schema_only=False))
    for fragment in vertical.entity_terms:
        phrase = _phrase(fragment)
        if phrase:
            vocabulary.setdefault(phrase, _Term(fragment.lower(), schema_only=True))
    return vocabulary


@dataclass(frozen=True)
class _Score:
    total: float
    schema_terms: int
    terms: list[str]
    """Matched terms, strongest contribution first."""


def _score(
    vocabulary: dict[tuple[str, ...], _Term],
    evidence: _Evidence,
    sharing: Counter[tuple[str, ...]],
) -> _Score:
    contributions: dict[str, float] = {}
    schema_terms = 0
    for phrase, entry in vocabulary.items():
        term = entry.word
        weight = 0.0
        count = 0 if entry.schema_only else evidence.text.get(phrase, 0)
        if count:
            weight += TEXT_WEIGHT + min(TEXT_REPEAT_BONUS * (count - 1), TEXT_REPEAT_CAP)
        in_schema = False
        if phrase in evidence.collections:
            weight += COLLECTION_WEIGHT
            in_schema = True
        elif phrase in evidence.attributes:
            weight += ATTRIBUTE_WEIGHT
            in_schema = True
        if weight:
            contributions[term] = contributions.get(term, 0.0) + weight / sharing[phrase]
            schema_terms += in_schema
    ranked = sorted(contributions, key=lambda term: (-contributions[term], term))
    return _Score(sum(contributions.values()), schema_terms, ranked)


def detect_vertical(
    requirements: list[Requirement],
    schema: GraphSchema | None,
    documents_text: str = "",
) -> tuple[Vertical | None, dict[str, float]]:
    """Pick the built-in vertical whose vocabulary the requirements and schema use most.

    Args:
        requirements: Extracted requirements; their texts are searched for keywords.
        schema: The graph's schema; collection and attribute names are searched too.
        documents_text: Further free text to search (e.g. the raw documents).

    Returns:
        The chosen vertical (a copy, with `matched_terms` filled) or None when none scores
        `MIN_SCORE` or the best two are too close to call, and every built-in's score
        (name -> score, best first) for the report.
    """
    builtins = _load_builtins()
    evidence = _evidence(requirements, schema, documents_text)
    vocabularies = {name: _vocabulary(vertical) for name, vertical in builtins.items()}
    sharing: Counter[tuple[str, ...]] = Counter()
    for vocabulary in vocabularies.values():
        sharing.update(vocabulary.keys())
    scores = {
        name: _score(vocabulary, evidence, sharing) for name, vocabulary in vocabularies.items()
    }
    ranking = sorted(scores, key=lambda name: (-scores[name].total, -scores[name].schema_terms))
    table = {name: round(scores[name].total, 2) for name in ranking}
    if not ranking or scores[ranking[0]].total < MIN_SCORE:
        return None, table
    best = scores[ranking[0]]
    if len(ranking) > 1:
        runner_up = scores[ranking[1]]
        if runner_up.total >= CLOSE_RATIO * best.total:
            if best.schema_terms == runner_up.schema_terms:
                return None, table
            if runner_up.schema_terms > best.schema_terms:
                ranking[0], ranking[1] = ranking[1], ranking[0]
                best = runner_up
    chosen = builtins[ranking[0]].model_copy(deep=True, update={"matched_terms": best.terms})
    return chosen, table


# --------------------------------------------------------------------------- generation


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS = _word_set(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either every
    few for from further had has have having he her here hers him his how i if in into is it its
    itself just least less let like may me might more most much must my no nor not now of off on
    once only or other our ours out over own per same shall she should so some such than that the
    their theirs them then there these they this those through to too under until up upon us very
    was we were what when where which while who whom why will with within without would you your
    yours via etc e g ie eg

    need want wish like able use using used make made get give find identify detect discover
    show list rank measure know understand see look help want ensure keep run report analyse
    analyze analysis analyses determine locate spot flag highlight surface reveal uncover
    segment group cluster map compare track monitor predict estimate quantify score compute
    improve increase reduce grow lower raise prioritise prioritize recommend

    graph data dataset database collection collections node nodes vertex vertices edge edges link
    links connection connections network networks entity entities record records document
    documents item items thing things type types id key value values attribute attributes name
    names

    most top high low large small big many few more less best worst key main important
    influential central connected similar different same new old other others each every whole
    part parts group groups community communities cluster clusters segment segments ring rings
    cycle cycles hub hubs bridge bridges broker brokers core cores tightly knit loop loops
    requirement requirements objective objectives constraint constraints goal goals question
    questions result results insight insights time times minute minutes day days week weeks month
    months year years one two three first second third percent
    """
)
_GENERIC_INTERPRETATION: dict[str, str] = {
    "influence": (
        "a high score marks {entities} whose connections come from other well-connected "
        "vertices: their position lets them sway much of the graph, so a change around them "
        "spreads furthest."
    ),
    "hubs": (
        "a high score marks {entities} with the most direct connections: the rest of the "
        "graph depends on them, so they concentrate both value and risk."
    ),
    "communities": (
        "a large group is a set of {entities} more connected among themselves than to the "
        "rest: a natural segment that can be described, served or watched as one."
    ),
    "rings": (
        "a group of {entities} tied together through shared identifiers or links suggests "
        "they are not independent; small, dense groups deserve a closer look."
    ),
    "brokers": (
        "a high score marks {entities} that lie on many shortest paths between others: they "
        "join parts of the graph that would otherwise be apart, so they control what flows "
        "between them."
    ),
    "cohesion": (
        "a high core number marks {entities} inside a densely interlinked core where each is "
        "tied to many others: the most embedded and resilient part of the graph."
    ),
    "cycles": (
        "a large strongly connected group holds {entities} that can reach one another along "
        "directed links: flows entering it can come back to where they started."
    ),
}
_GENERIC_RECOMMENDATIONS: dict[str, list[str]] = {
    "influence": [
        "Engage the top-ranked {entities} first: a change that starts with them reaches the "
        "largest part of the graph.",
        "Monitor the most influential {entities} closely: an issue with one of them spreads "
        "further than with any other.",
    ],
    "hubs": [
        "Protect the hub {entities}: add redundancy or closer monitoring where many others "
        "depend on a single one.",
        "Review whether the load on the largest hubs is intended or a concentration risk.",
    ],
    "communities": [
        "Profile each large group: describe what its {entities} have in common and treat it "
        "as a segment.",
        "Compare groups with each other to find which ones behave unusually for their size.",
    ],
    "rings": [
        "Review the small, dense groups of {entities} sharing identifiers: confirm whether "
        "the shared links are legitimate.",
        "Add checks on the identifiers shared most often so new links into these groups "
        "are noticed early.",
    ],
    "brokers": [
        "Recognise the broker {entities}: they carry what flows between groups and are hard "
        "to replace.",
        "Add alternative links around the top brokers so the graph stays connected if one "
        "disappears.",
    ],
    "cohesion": [
        "Treat the innermost core as the backbone of the graph: involve it in changes and "
        "keep it stable.",
        "Check whether the dense core is expected: unexplained density can hide coordination.",
    ],
    "cycles": [
        "Trace the largest cycles end to end: flows that return to their origin can hide "
        "circular dependencies or round-tripping.",
        "Break unintended cycles where a flow should move in one direction only.",
    ],
}


def _singular_words(name: str) -> list[str]:
    return [_stem(word) for word in re.findall(r"[a-z][a-z0-9]*", _split_case(name).lower())]


def _split_case(text: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)


def _plural(word: str) -> str:
    return plural_phrase(word)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _content_words(text: str) -> Iterable[str]:
    for word in _singular_words(text):
        if len(word) >= 3 and word not in _STOPWORDS and not word.isdigit():
            yield word


def generate_vertical(requirements: list[Requirement], schema: GraphSchema | None) -> Vertical:
    """Write a vertical from the run's own words when no built-in fits.

    Args:
        requirements: Extracted requirements; their frequent content words become keywords.
        schema: The graph's schema; vertex collections become the entity terms.

    Returns:
        A vertical named "generated" (`source` "generated") whose title names the most
        frequent domain nouns, with generic interpretation and recommendations for every
        intent phrased with the graph's entities.
    """
    collection_names = schema.vertex_collections if schema is not None else []
    nouns: Counter[str] = Counter()
    for name in collection_names:
        for word in _content_words(name):
            nouns[word] += 1
    words: Counter[str] = Counter()
    for requirement in requirements:
        words.update(_content_words(requirement.text))
    # Collection words are the graph's nouns, so they weigh more than words of the text.
    ranked_terms = Counter({word: count * 3 for word, count in nouns.items()})
    ranked_terms.update(words)
    keywords = sorted(ranked_terms, key=lambda word: (-ranked_terms[word], word))[:25]

    title_nouns = sorted(nouns, key=lambda word: (-(nouns[word] * 3 + words[word]), word))[:3]
    if not title_nouns:
        title_nouns = keywords[:3]
    title = _join([_plural(word) for word in title_nouns]).capitalize() if title_nouns else ""
    title = f"{title} (generated profile)" if title else "Generic graph (generated profile)"

    entity_terms: dict[str, str] = {}
    for name in collection_names:
        singular = _singular_words(name)
        if singular:
            entity_terms["_".join(singular)] = " ".join(singular)
    entities = (
        _join([_plural(" ".join(_singular_words(n))) for n in collection_names[:3]]) or "entities"
    )

    described = f"{len(requirements)} requirement{'s' if len(requirements) != 1 else ''}"
    if collection_names:
        described += f" and the collections {', '.join(collection_names)}"
    return Vertical(
        name="generated",
        title=title,
        description=(
            f"Generated from {described} because no built-in vertical matched. It carries "
            "generic readings of each analysis phrased with the graph's own entities."
        ),
        keywords=keywords,
        typical_questions=_typical_questions(entities),
        entity_terms=entity_terms,
        interpretation={
            intent: text.format(entities=entities)
            for intent, text in _GENERIC_INTERPRETATION.items()
        },
        recommendations={
            intent: [text.format(entities=entities) for text in texts]
            for intent, texts in _GENERIC_RECOMMENDATIONS.items()
        },
        source="generated",
    )


def _typical_questions(entities: str) -> list[str]:
    return [
        f"Which {entities} are the most influential?",
        f"Which {entities} are the most connected hubs that the rest depends on?",
        f"Which communities of {entities} form natural segments?",
        f"Which {entities} bridge otherwise separate groups?",
        f"Where are the tightly-knit cores among the {entities}?",
        f"Are there circular flows among the {entities}?",
    ]


# --------------------------------------------------------------------------- resolution


def resolve_vertical_by_rules(
    choice: str, requirements: list[Requirement], schema: GraphSchema | None
) -> Vertical:
    """Apply the user's vertical choice (rules path).

    Args:
        choice: "auto" (detect, else generate), "generated" (always generate), a built-in
            name or alias (case-insensitive), or a path to a `.json`/`.yaml`/`.yml` file.
        requirements: Extracted requirements, for detection and generation.
        schema: The graph's schema, for detection and generation.

    Returns:
        The vertical to use.

    Raises:
        VerticalError: When the choice is neither "auto", a built-in, nor a vertical file, or
            the file is malformed.
    """
    spec = choice.strip()
    if spec.lower() in ("", "auto"):
        detected, _ = detect_vertical(requirements, schema)
        return detected if detected is not None else generate_vertical(requirements, schema)
    if spec.lower() in ("generate", "generated"):
        return generate_vertical(requirements, schema)
    builtins = builtin_verticals()
    key = spec.lower()
    name = key if key in builtins else ALIASES.get(key)
    if name is not None and name in builtins:
        return builtins[name]
    path = Path(spec).expanduser()
    if path.suffix.lower() in _FILE_SUFFIXES:
        if not path.is_file():
            raise VerticalError(f"vertical file not found: {spec}")
        return load_vertical_file(path)
    raise VerticalError(
        f"unknown vertical {spec!r}: use 'auto', 'generated', one of {', '.join(builtins)}, "
        "or a path to a .json/.yaml vertical file"
    )


def _explain(vertical: Vertical, scores: dict[str, float]) -> str:
    best = ", ".join(f"{name} {score:g}" for name, score in list(scores.items())[:3])
    return (
        f"no built-in vertical clearly matched (scores: {best or 'none'}; "
        f"threshold {MIN_SCORE:g}); using a generated vertical: {vertical.title}"
    )


def _resolve(
    choice: str, requirements: list[Requirement], schema: GraphSchema | None
) -> tuple[Vertical, list[RunError]]:
    vertical = resolve_vertical_by_rules(choice, requirements, schema)
    errors: list[RunError] = []
    if vertical.source == "generated":
        _, scores = detect_vertical(requirements, schema)
        errors.append(RunError(phase="resolve_vertical", message=_explain(vertical, scores)))
    return vertical, errors


async def resolve_vertical(state: WorkflowState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Resolve the run's industry vertical from the context's choice (rules path).

    Args:
        state: Reads `requirements` and `schema`.
        runtime: The run's context; `vertical` holds the choice ("auto" by default).

    Returns:
        Updates for `vertical`, `timings`, and `errors` (a note when a generated vertical
        stands in because no built-in matched).

    Raises:
        VerticalError: When the choice names no built-in and no readable vertical file.
    """
    context = context_of(runtime)
    with timed("resolve_vertical") as clock:
        await confirm_paths(context)
        vertical, errors = await asyncio.to_thread(
            _resolve, context.vertical, list(state.requirements), state.schema
        )
        # LLM branch: asked only when the rules had to generate a vertical.
        from gaai_graph.llm.phases import vertical_with_llm

        vertical, llm_updates = await vertical_with_llm(
            context, vertical, state.requirements, state.schema
        )
    update: dict[str, Any] = {"vertical": vertical, "timings": [clock.timing], **llm_updates}
    if errors:
        update["errors"] = errors
    return update
