"""Shared identifiers: entities linked through one device, phone, card, address or IP.

References: shared-attribute and shared-identifier links as fraud evidence — Akoglu, Tong and
Koutra, "Graph based anomaly detection and description: a survey", Data Mining and Knowledge
Discovery 29 (2015); the robust z-score and its 3.5 cut-off — Iglewicz and Hoaglin, "How to
Detect and Handle Outliers" (1993). The counting is written for this project (a neighbourhood
count per identifier); the judgement is `gaai_graph.evidence.baseline`.

Projection rule (rings): the focus entities and their identifier collections — collections the
requirement names as shared, else the focus's identifier-like neighbours (reached from nothing
but the focus, each shared by few entities; `SchemaTopology.identifier_neighbours`), joined
only by the edges between the two.

An identifier is *shared* when two or more entities use it. How many entities share it is
judged against the graph's own distribution of that count over every shared identifier: where
most shared devices have two users (households), two is ordinary and is context; eight users
on one device is far beyond the rest and is an alarm, with its robust z-score, percentile,
tail share and a confidence derived from them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from gaai_graph.evidence.baseline import Baseline, assess
from gaai_graph.methods.answering import answer_outcome, read_answer
from gaai_graph.methods.base import (
    DataNeeds,
    LocalJob,
    Method,
    NoProjectionError,
    Outcome,
    ParameterSpec,
    Picture,
    Plan,
)
from gaai_graph.methods.local_tools import run_starts, sorted_distinct
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.methods.writing import ReportWriter, _collection_of, format_number, priority_for
from gaai_graph.models import MetricValue, Recommendation, UseCase
from gaai_graph.words import join_names, noun_for

__all__ = ["METHODS", "SHARED_IDENTIFIERS", "sharing_arrays", "sharing_counts"]

LISTED = 20
"""Shared identifiers listed in the answer, most shared first (all are counted)."""
MEMBERS_LISTED = 50
"""Entities named per listed identifier."""


# --------------------------------------------------------------------------- design


def _sharing_plan(use_case: UseCase, topology: SchemaTopology) -> Plan:
    focus = use_case.focus_collections
    named = [
        c
        for c in use_case.linked_collections
        if topology.is_core(c) and any(c in topology.neighbours(f) for f in focus)
    ]
    if named:
        linked, source = named, "named in the requirement"
    elif len(focus) > 1:
        linked, source = focus[1:], "named in the requirement"
        focus = focus[:1]
    else:
        linked = [n for f in focus for n in topology.identifier_neighbours(f)]
        source = "identifier-like: reached from nothing else and each shared by few"
    members = list(dict.fromkeys([*focus, *linked]))
    edges = [
        e
        for e in topology.ends
        if len(topology.endpoints(e)) >= 2
        and topology.endpoints(e) <= set(members)
        and topology.endpoints(e) & set(linked)
    ]
    if not linked or not edges:
        raise NoProjectionError(f"no shared-identifier collection is linked to {join_names(focus)}")
    why = (
        f"How many {join_names(focus)} share each of {join_names(linked)} ({source}), over "
        f"{join_names(edges)}, judged against how many share the others: sharing is flagged "
        "only where it is unusual for this graph."
    )
    parameters = {"identifier_collections": "|".join(linked)}
    return Plan("shared_identifiers", members, edges, False, parameters, why)


# --------------------------------------------------------------------------- local engine


def _identifier_collections(job: LocalJob) -> set[str]:
    """The identifier collections: as the plan said, else the projection's least-linked side.

    Without a plan (a template written by hand or by a model), the side of the projection
    whose vertices have the fewest edges on average, among collections whose edges all lead to
    one other collection, is taken as the identifiers.
    """
    given = job.parameters.get("identifier_collections")
    names, codes = _collection_codes(job)
    present = set(names)
    if given:
        named = {c for c in str(given).split("|") if c in present}
        if named:
            return named
    degree = job.degrees("all")
    ends = job.edge_ends()
    linked = np.unique(codes[ends].reshape(-1, 2), axis=0).tolist()
    partners: dict[str, set[str]] = {c: set() for c in present}
    for a, b in linked:
        partners[names[a]].add(names[b])
        partners[names[b]].add(names[a])
    totals = np.bincount(codes, weights=degree, minlength=len(names))
    sizes = np.bincount(codes, minlength=len(names))
    candidates = [c for c in present if len(partners[c] - {c}) == 1 and c not in partners[c]]
    if len(present) < 2 or not candidates:
        return set()
    code_of = {name: code for code, name in enumerate(names)}
    return {
        min(
            candidates,
            key=lambda c: (float(totals[code_of[c]]) / max(int(sizes[code_of[c]]), 1), c),
        )
    }


def _collection_codes(job: LocalJob) -> tuple[list[str], npt.NDArray[np.int32]]:
    """The projection's collections and each vertex's index into them, once per projection.

    The engine's summary numbers the same ids the same way (`collection_codes`, cached per id
    list): one pass over the ids serves both, instead of one each (~0.1 s at 10^6 edges).
    """
    from gaai_graph.engines.summary import collection_codes

    return collection_codes(job.data.vertex_ids)


def _id_ranks(job: LocalJob) -> npt.NDArray[np.int64]:
    """Each vertex's position in the projection's ids sorted as strings, once per projection."""
    ranks: npt.NDArray[np.int64] | None = job.data.engine_cache.get("id_ranks")
    if ranks is None:
        import polars as pl

        # polars orders strings by their UTF-8 bytes, which is code point order, as Python
        # orders str; a stable sort, so a repeated id keeps its vertices' order. ~0.2 s for
        # 2.7 * 10^6 ids, where numpy's fixed-width str array took ~2.1 s and ~1 GB.
        ids = pl.DataFrame({"id": pl.Series(job.data.vertex_ids, dtype=pl.String)})
        order = ids.with_row_index("row").sort("id", maintain_order=True)["row"].to_numpy()
        ranks = np.empty(job.data.vertex_count, dtype=np.int64)
        ranks[order] = np.arange(job.data.vertex_count)
        job.data.engine_cache["id_ranks"] = ranks
    return ranks


def _identifier_mask(job: LocalJob, identifiers: set[str]) -> npt.NDArray[np.bool_]:
    names, codes = _collection_codes(job)
    return np.isin(codes, [code for code, name in enumerate(names) if name in identifiers])


def sharing_arrays(
    job: LocalJob, identifiers: set[str]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each identifier vertex in use, with the distinct entities linked to it, as arrays.

    Args:
        job: The local job (projection graph and ids).
        identifiers: Identifier collection names.

    Returns:
        (used, offsets, entities): the identifier vertex indices in use, ascending; the
        entities of ``used[i]`` are ``entities[offsets[i]:offsets[i+1]]``, sorted by id.
        Identifiers nobody uses are left out.
    """
    is_identifier = _identifier_mask(job, identifiers)
    ends = job.edge_ends()
    first, second = ends[:, 0], ends[:, 1]
    # An identifier's users are its neighbours outside the identifier collections.
    forward = is_identifier[first] & ~is_identifier[second]
    backward = is_identifier[second] & ~is_identifier[first]
    owners = np.concatenate([first[forward], second[backward]])
    users = np.concatenate([second[forward], first[backward]])
    n = max(job.data.vertex_count, 1)
    keys = sorted_distinct(owners * n + users)
    owners, users = np.divmod(keys, n)
    order = np.lexsort((_id_ranks(job)[users], owners))
    owners, users = owners[order], users[order]
    starts = run_starts(owners)  # sorted: each identifier's entities start where it changes
    used = owners[starts]
    offsets = np.append(starts, owners.size).astype(np.int64)
    return used, offsets, users


def sharing_counts(job: LocalJob, identifiers: set[str]) -> dict[int, list[int]]:
    """Each identifier vertex in use, with the distinct entities linked to it.

    Args:
        job: The local job (projection graph and ids).
        identifiers: Identifier collection names.

    Returns:
        Identifier vertex index -> indices of the entities using it (sorted by id); identifiers
        nobody uses are left out.
    """
    used, offsets, entities = sharing_arrays(job, identifiers)
    return {
        int(vertex): entities[offsets[i] : offsets[i + 1]].tolist()
        for i, vertex in enumerate(used.tolist())
    }


def _shared_identifiers(job: LocalJob) -> Outcome:
    identifiers = _identifier_collections(job)
    ids = job.data.vertex_ids
    with job.clock.running():
        used, offsets, entities = sharing_arrays(job, identifiers)
    counts = np.diff(offsets)
    shared_rows = np.flatnonzero(counts >= 2)
    identifier_total = int(_identifier_mask(job, identifiers).sum())
    # Per vertex (written back, ranked): an identifier's users; an entity's most shared
    # identifier's users (0 for an entity with none).
    scores = np.zeros(len(ids), dtype=np.float64)
    scores[used] = counts
    np.maximum.at(scores, entities, np.repeat(counts, counts).astype(np.float64))
    metrics: dict[str, MetricValue] = {
        "identifier_collections": "|".join(sorted(identifiers)),
        "identifier_count": identifier_total,
        "shared_identifier_count": int(shared_rows.size),
    }
    if not shared_rows.size:
        headline = (
            f"No {join_names(sorted(identifiers)) or 'identifier'} is shared: every one is "
            "used by a single entity."
        )
        return answer_outcome(
            "values", {}, "entities sharing each identifier", "shared_identifiers", headline,
            metrics=metrics, scores=scores,
        )  # fmt: skip
    # Most shared first, ties by id.
    ranked = shared_rows[np.lexsort((_id_ranks(job)[used[shared_rows]], -counts[shared_rows]))]
    vertices = used[ranked].tolist()
    sizes = counts[ranked].astype(np.float64)
    # The baseline is every identifier in use: where most have one user and sharing itself
    # is rare, one shared by several stands out (3.5 units above typical: five or more);
    # where most are shared by two (households), two is the norm and only far larger counts
    # are (the baseline's hurdle model judges them among the shared).
    baseline = Baseline.of(counts.astype(np.float64))
    typical = int(np.median(sizes))
    at_typical = int(np.count_nonzero(sizes == typical))
    metrics["used_identifier_count"] = int(used.size)
    metrics["single_use_share"] = round(1 - shared_rows.size / used.size, 4)
    metrics["typical_sharing"] = typical
    metrics["typical_sharing_share"] = round(at_typical / sizes.size, 4)
    metrics["largest_sharing"] = int(sizes[0])
    unusual_count = 0
    values: dict[str, float] = {}
    for rank, vertex in enumerate(vertices[:LISTED]):
        judged = assess(float(sizes[rank]), baseline)
        unusual_count += bool(judged["unusual"])
        values[ids[vertex]] = float(sizes[rank])
        prefix = f"identifier_{rank}"
        row = ranked[rank]
        users = entities[offsets[row] : offsets[row + 1]][:MEMBERS_LISTED].tolist()
        metrics[f"{prefix}_entities"] = "|".join(ids[e] for e in users)
        metrics[f"{prefix}_sharing"] = int(sizes[rank])
        for field in ("unusual", "confidence", "z_score", "percentile", "tail_share"):
            metrics[f"{prefix}_{field}"] = judged[field]
        metrics[f"{prefix}_tail_expected"] = judged.get("tail_expected")
    metrics["unusual_count"] = unusual_count
    top = vertices[0]
    headline = (
        f"{format_number(int(shared_rows.size))} of {format_number(identifier_total)} "
        f"identifiers are shared; {format_number(at_typical / sizes.size * 100)}% of the "
        f"shared ones link {format_number(typical)} entities. The most shared, {ids[top]}, links "
        f"{format_number(float(sizes[0]))}."
    )
    return answer_outcome(
        "values",
        values,
        "distinct entities linked to each shared identifier, most shared first, first "
        f"{LISTED} listed",
        "shared_identifiers",
        headline,
        metrics=metrics,
        scores=scores,
    )


# --------------------------------------------------------------------------- reading


def _read(writer: ReportWriter) -> None:
    read_answer(writer)
    if writer.answer is None:
        return
    metrics = writer.execution.metrics
    typical = metrics.get("typical_sharing")
    typical_share = metrics.get("typical_sharing_share")
    shared_count = metrics.get("shared_identifier_count")
    flagged_any: list[tuple[str, list[str], float]] = []
    for rank, identifier in enumerate(writer.answer["value"]):
        prefix = f"identifier_{rank}"
        entities = [e for e in str(metrics.get(f"{prefix}_entities") or "").split("|") if e]
        sharing = metrics.get(f"{prefix}_sharing")
        unusual = metrics.get(f"{prefix}_unusual") is True
        judged = metrics.get(f"{prefix}_confidence")
        confidence = float(judged) if isinstance(judged, int | float) else 0.0
        noun = writer.terms_of(sorted({_collection_of(e) for e in entities}) or ["entities"])
        identifier_noun = writer.term(_collection_of(identifier))
        sentence = (
            f"{identifier_noun.capitalize()} {identifier} is shared by "
            f"{format_number(float(sharing or 0))} {noun}; {_norm(metrics, identifier_noun)}"
        )
        z = metrics.get(f"{prefix}_z_score")
        percentile = metrics.get(f"{prefix}_percentile")
        if unusual:
            sentence += (
                f". That is far beyond this graph's usual sharing (robust z-score {z}, above "
                f"{percentile}% of the {identifier_noun}s in use)."
            )
            flagged_any.append((identifier, entities, confidence))
        else:
            sentence += ", so this is ordinary sharing for this graph."
        writer.pattern(
            "shared_identifier",
            [identifier, *entities],
            flagged=unusual,
            evidence={
                "observed": sharing,
                "expected": typical,
                "typical_share": typical_share,
                "z_score": z,
                "percentile": percentile,
                "tail_share": metrics.get(f"{prefix}_tail_share"),
                "tail_expected": metrics.get(f"{prefix}_tail_expected"),
                "compared": shared_count,
            },
            confidence_value=confidence,
            explanation=sentence,
        )
    _summary(writer, flagged_any)


def _norm(metrics: dict[str, Any], identifier_noun: str) -> str:
    """What sharing usually looks like here: single use, and the usual count when shared."""
    single = metrics.get("single_use_share")
    typical = metrics.get("typical_sharing")
    typical_share = metrics.get("typical_sharing_share")
    parts = []
    if isinstance(single, float):
        parts.append(
            f"{format_number(single * 100)}% of the {identifier_noun}s in use have a single user"
        )
    if isinstance(typical_share, float) and isinstance(typical, int):
        parts.append(
            f"{format_number(typical_share * 100)}% of the shared ones link "
            f"{format_number(float(typical))}"
        )
    return " and ".join(parts) or "no other is shared as much"


def _summary(writer: ReportWriter, flagged: list[tuple[str, list[str], float]]) -> None:
    """One insight and one action on the unusual identifiers, or say the sharing is ordinary."""
    q = writer.quoter()
    if not q.has("metrics.typical_sharing"):
        return
    typical = (
        f"{q.pct('metrics.single_use_share')} of the "
        f"{q.count('metrics.used_identifier_count', 'identifier')} in use have a single user, "
        f"and {q.pct('metrics.typical_sharing_share')} of the "
        f"{q.count('metrics.shared_identifier_count', 'shared identifier')} link "
        f"{q.num('metrics.typical_sharing')}"
    )
    if not flagged:
        writer.add(
            "Sharing is ordinary for this graph",
            f"{typical[0].upper()}{typical[1:]}, and none is shared by unusually many: the "
            f"largest links {q.num('metrics.largest_sharing')}. Shared identifiers here look "
            "like households or shared equipment, not rings.",
            0.6,
            q,
            kind="context",
        )
        return
    names = ", ".join(identifier for identifier, _, _ in flagged[:5])
    strongest = max(confidence for _, _, confidence in flagged)
    related = [identifier for identifier, _, _ in flagged] + [
        entity for _, entities, _ in flagged for entity in entities
    ]
    count = len(flagged)
    insight = writer.add(
        f"{q.num('metrics.unusual_count')} shared {noun_for(count, 'identifier')} "
        f"{'is' if count == 1 else 'are'} unusual for this graph",
        f"{typical[0].upper()}{typical[1:]}; {names} {'is' if count == 1 else 'are'} shared by "
        "unusually many for this graph, beyond what the rest of its sharing predicts.",
        strongest,
        q,
        related[:50],
    )
    insight.confidence = round(max(0.05, min(0.99, strongest)), 2)
    writer.extra_recommendations.append(
        Recommendation(
            title=f"Review who uses {names}",
            description=(
                f"Check whether the {writer.population()} on {names} are related (family, "
                "business, shared office); unrelated users on one identifier are a typical "
                "sign of account takeover or a coordinated ring."
            ),
            priority=priority_for(strongest),
            related_entities=related[:50],
        )
    )


def _parameters() -> tuple[ParameterSpec, ...]:
    return (
        ParameterSpec(
            "identifier_collections",
            "str",
            None,
            "Identifier collections, joined with '|' (none: the projection's least-linked "
            "side whose edges all lead to one other collection).",
            nullable=True,
        ),
    )


SHARED_IDENTIFIERS = Method(
    name="shared_identifiers",
    pattern="shared_identifier",
    label="shared identifiers",
    long_name="shared-identifier analysis",
    description="Entities linked through one device, phone, card or address, flagged only "
    "when unusually many share it for this graph.",
    reference="Akoglu, Tong and Koutra 2015; Iglewicz and Hoaglin 1993",
    kind="answer",
    result_attribute="shared_by",
    intents=("shared_identifiers",),
    use_case_intents=("rings",),
    default_for=("rings",),
    aliases=r"shared[- ]identifiers?(?: analysis)?",
    needs=DataNeeds(direction="either"),
    parameters=_parameters(),
    local=_shared_identifiers,
    design=_sharing_plan,
    interpret=_read,
    score_name="users of the most shared identifier",
    picture=Picture(
        score_axis="users of the most shared identifier",
        score_meaning="distinct entities on the vertex's most shared identifier",
    ),
)

METHODS: tuple[Method, ...] = (SHARED_IDENTIFIERS,)
