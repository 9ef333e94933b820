"""What a result needs besides its numbers to be written about: names and attributes.

The engine numbers vertices and never sees their documents; a report must still say *who*
(a name, not `members/m00`) and *what the groups are* (the communities coincide with the
`club` attribute). `run_described` runs a template on the local engine and adds both to the
execution result:

- `ExecutionResult.names`: the label (the collection's label attribute, as the projection
  read it) of every vertex the result mentions — listed entities, group samples, answers, ids
  in the engine's sentences — when it has one (not just its key, never an e-mail address);
- `ExecutionResult.partition_profile`: for a partition, how it aligns with each categorical
  vertex attribute (`gaai_graph.evidence.profiles.partition_alignment`: purity, NMI, ARI, and
  the same for random partitions of the same sizes), the listed groups' dominant values and
  the members of each group that coincides with a value.

Groups of one vertex are left out of the alignment (a singleton is trivially pure). Which
attributes are tried comes from schema analysis: present on most documents, not identifier-like,
not the label, not a parameter of the template (grouping *by* `club` trivially follows `club`).
The execute node calls `describe_result` on what `LocalEngine.run` returned (the partition
travels with the result in process only, never in a checkpoint).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, islice, repeat
from operator import is_not
from typing import Any

import numpy as np
import numpy.typing as npt

from gaai_graph.engines.local import LocalEngine
from gaai_graph.evidence.names import display_name
from gaai_graph.evidence.profiles import column_kind, partition_alignment
from gaai_graph.models import AnalysisTemplate, ExecutionResult, GraphSchema
from gaai_graph.sources.base import GraphData, ProjectionData
from gaai_graph.sources.columnar import columnar_frame
from gaai_graph.state import CATEGORY_DISTINCT_RATIO

__all__ = [
    "ALIGNED_MEMBERS_LISTED",
    "attribute_candidates",
    "describe_partition",
    "describe_result",
    "mentioned_names",
    "run_described",
    "vertex_columns",
]

CANDIDATE_ATTRIBUTES = 8
"""Most attributes a partition is compared with (the most present first)."""
MIN_PRESENCE = 0.5
"""Least share of a collection's documents carrying an attribute for it to be tried."""
MAX_DISTINCT_RATIO = CATEGORY_DISTINCT_RATIO
"""Attributes whose sampled values are more distinct than this are identifiers, not categories
(the template chain's schema keeps only the others, `gaai_graph.state`)."""
ALIGNED_MEMBERS_LISTED = 500
"""Members listed (best connected first) for a group that coincides with an attribute value."""
ALIGNMENT_SAMPLE = 200_000
"""Vertices compared with the attributes at most (a seeded random sample beyond)."""
GROUPS_DESCRIBED = 50
"""Most groups whose dominant value is kept (the listed ones first, then coinciding ones)."""
ANSWER_IDS_NAMED = 500
"""Ids of a direct answer (a route, a list) that get a name; the text quotes the first few."""
_CATEGORY_TYPES = frozenset({"string", "boolean", "number"})
_ID_TOKEN = r"[^\s,;:()\[\]{}'\"]+"


def attribute_candidates(
    schema: GraphSchema, collections: Iterable[str], *, skip: Iterable[str] = ()
) -> list[str]:
    """Vertex attributes worth comparing a partition with, most present first.

    Args:
        schema: The analysed schema (attribute profiles of a sample of each collection).
        collections: The projection's vertex collections.
        skip: Attributes to leave out (a template's grouping attribute).

    Returns:
        At most `CANDIDATE_ATTRIBUTES` names: present on at least half of a collection's
        sampled documents, of a scalar type, not identifier-like, not the label attribute and
        not system attributes.
    """
    skipped = set(skip)
    scored: dict[str, float] = {}
    for name in collections:
        profile = schema.collection(name)
        if profile is None:
            continue
        for attribute in profile.attributes:
            if (
                attribute.name.startswith("_")
                or attribute.name in skipped
                or attribute.name == profile.label_attribute
                or attribute.presence < MIN_PRESENCE
                or not attribute.types
                or attribute.types[0] not in _CATEGORY_TYPES
                or (attribute.distinct_ratio or 0.0) > MAX_DISTINCT_RATIO
            ):
                continue
            scored[attribute.name] = max(scored.get(attribute.name, 0.0), attribute.presence)
    ranked = sorted(scored, key=lambda name: (-scored[name], name))
    return ranked[:CANDIDATE_ATTRIBUTES]


def vertex_columns(
    graph: GraphData, data: ProjectionData, attributes: Sequence[str]
) -> dict[str, list[Any]]:
    """One value per projected vertex for each attribute (None where a vertex lacks it).

    Reads the documents of the projection's vertex collections once: a collection held as
    columns (`gaai_graph.sources.columnar`) gives its `_key` column and these attribute
    columns whole; any other is read document by document (a live collection is asked for
    `_key` and these attributes only, bound as a value, never as query text).

    Returns:
        Attribute -> values in the projection's vertex order; attributes no vertex has are
        left out.
    """
    if not attributes:
        return {}
    columns: dict[str, list[Any]] = {name: [None] * data.vertex_count for name in attributes}
    seen: set[str] = set()
    # A projection's frame-held collections whose keys do not repeat are runs of its vertices
    # in row order (`VertexIds.runs`): their columns are copied into place whole.
    copied = set()
    for run in getattr(data.vertex_ids, "runs", ()):
        collection = graph.collections.get(run.collection)
        frame = (
            columnar_frame(collection.documents, reading=columns)
            if collection is not None
            else None
        )
        if not run.frame_rows or frame is None or frame.height != run.size:
            continue
        copied.add(run.collection)
        for attribute in columns:
            if attribute not in frame.columns:
                continue
            cells = frame.get_column(attribute)
            if cells.null_count() == cells.len():
                continue
            seen.add(attribute)
            columns[attribute][run.start : run.start + run.size] = cells.to_list()
    others = [name for name in data.projection.vertex_collections if name not in copied]
    if not others:
        return {name: column for name, column in columns.items() if name in seen}
    # Kept with the projection (the methods' parameter look-ups share it), as `_rows_of` then
    # uses it for the templates run on the same projection after this one.
    index: dict[str, int] | None = data.engine_cache.get("vertex_index")
    if index is None:
        index = {vertex_id: i for i, vertex_id in enumerate(data.vertex_ids)}
        data.engine_cache["vertex_index"] = index
    for name in others:
        collection = graph.collections.get(name)
        if collection is None:
            continue
        prefix = name + "/"
        frame = columnar_frame(collection.documents, reading=columns)
        if frame is not None:
            rows, values = _rows_and_values(frame, prefix, index, columns)
        else:
            stream = getattr(collection.documents, "stream_attributes", None)
            documents: Iterable[Mapping[str, Any]] = (
                stream(list(attributes)) if stream is not None else collection.documents
            )
            rows, kept = [], []
            for document in documents:
                row = index.get(prefix + str(document.get("_key", "")))
                if row is not None:
                    rows.append(row)
                    kept.append(document)
            values = {a: [document.get(a) for document in kept] for a in columns}
        for attribute, found in values.items():
            if found.count(None) == len(found):
                continue
            seen.add(attribute)
            column = columns[attribute]
            # In document order: a later document with the same key wins.
            for row, value in zip(rows, found, strict=True):
                column[row] = value
    return {name: column for name, column in columns.items() if name in seen}


def _rows_and_values(
    frame: Any, prefix: str, index: Mapping[str, int], columns: Mapping[str, list[Any]]
) -> tuple[list[int], dict[str, list[Any]]]:
    """A columnar collection's projected rows and, per attribute it has, their values.

    (A polars join of the ids was tried instead of the index: ~0.2 s less CPU at 10^6 edges,
    but ~120 MB more peak memory, which polars' allocator then kept.)
    """
    if "_key" not in frame.columns or frame.height == 0:
        return [], {}
    keys = frame.get_column("_key").cast(str).to_list()
    rows = np.fromiter(
        (-1 if key is None else index.get(prefix + key, -1) for key in keys),
        dtype=np.int64,
        count=len(keys),
    )
    found = np.flatnonzero(rows >= 0)
    chosen = frame[found.tolist()] if found.size < frame.height else frame
    values = {
        attribute: chosen.get_column(attribute).to_list()
        for attribute in columns
        if attribute in frame.columns
    }
    return rows[found].tolist(), values


def describe_partition(
    membership: npt.ArrayLike,
    columns: Mapping[str, Sequence[object]],
    vertex_ids: Sequence[str],
    degrees: npt.ArrayLike,
    listed: Sequence[str],
    *,
    seed: int = 0,
    index: Mapping[str, int] | None = None,
) -> dict[str, Any] | None:
    """How a partition aligns with categorical attributes, ready for the report writer.

    Args:
        membership: Group label per vertex index.
        columns: Attribute -> one value per vertex index.
        vertex_ids: Vertex ids by index.
        degrees: Degree per vertex index (members are listed best connected first).
        listed: One member id of each listed group, in the result's order (its first sample).
        seed: Seed of the random relabellings behind the chance purity.
        index: Vertex id -> index, when the caller has it (else built from `vertex_ids`).

    Returns:
        ``{"best": evidence, "attributes": [summary per attribute], "listed": [group key per
        listed group], "members": {group key: [ids]}}`` where `best` is the
        `partition_alignment` evidence of the attribute the partition follows best (aligned
        first, then confidence, then NMI) with ``majority`` kept for the listed groups and the
        groups that coincide with a value (each with ``members_total``, its size counting
        members without the attribute); `members` lists the members carrying the attribute
        of those coinciding groups, best connected first. None when no categorical attribute
        can be compared (fewer than two groups of two or more, or two values).
    """
    labels = np.asarray(membership, dtype=np.int64)
    in_group = _group_sizes(labels) >= 2
    if labels.size > ALIGNMENT_SAMPLE:
        # An even random sample measures purity and NMI as well as every vertex does, and
        # keeps a partition of millions to seconds; the group tests are then tests of the
        # sample (stricter, never looser). `compared` in the evidence says how many.
        chosen = np.zeros(labels.size, dtype=bool)
        chosen[np.random.default_rng(seed).choice(labels.size, ALIGNMENT_SAMPLE, replace=False)] = 1
        in_group &= chosen
    # Python ints (numpy's object cast gives them) and None outside the compared groups.
    compared_labels = labels.astype(object)
    compared_labels[~in_group] = None
    grouped: list[int | None] = compared_labels.tolist()
    grouped_rows = np.flatnonzero(in_group).tolist()
    categorical = {n: c for n, c in columns.items() if column_kind(c) == "categorical"}
    if index is None:
        index = {vertex_id: i for i, vertex_id in enumerate(vertex_ids)} if listed else {}
    listed_keys = [str(int(labels[index[member]])) if member in index else "" for member in listed]
    compared: list[dict[str, Any]] = []
    for name, column in categorical.items():
        evidence = partition_alignment(
            grouped,
            column,
            attribute=name,
            seed=seed,
            attributes_tried=len(categorical),
            keep=[int(key) for key in listed_keys if key],
            grouped=grouped_rows,
        )
        if evidence is not None:
            compared.append(evidence)
    if not compared:
        return None
    compared.sort(key=lambda e: (not e["aligned"], -e["confidence"], -e["nmi"], e["attribute"]))
    best = dict(compared[0])
    majority: dict[str, dict[str, Any]] = best["majority"]
    coinciding = [key for key, group in majority.items() if group["coincides"]]
    coinciding.sort(key=lambda key: (-majority[key]["size"], key))
    kept = list(dict.fromkeys([*(k for k in listed_keys if k in majority), *coinciding]))
    kept = kept[:GROUPS_DESCRIBED]
    best["majority"] = {key: majority[key] for key in kept}
    degree = np.asarray(degrees, dtype=np.float64)
    column = columns[best["attribute"]]
    members: dict[str, list[str]] = {}
    carries: npt.NDArray[np.bool_] | None = None
    for key in kept:
        rows = np.flatnonzero(labels == int(key))
        majority[key]["members_total"] = int(rows.size)
        if not majority[key]["coincides"]:
            continue
        # The members the attribute describes: a community of customers and products that
        # follows the customers' segment is, as a finding, its customers.
        if carries is None:  # which vertices carry the attribute, tested once in C
            carries = np.fromiter(map(is_not, column, repeat(None)), dtype=bool, count=len(column))
        rows = rows[carries[rows]]
        if rows.size > ALIGNED_MEMBERS_LISTED:
            # Only members at least as connected as the last one listed can be listed: the
            # sort below then orders hundreds, not a community of 10^5.
            negated = -degree[rows]
            cutoff = np.partition(negated, ALIGNED_MEMBERS_LISTED - 1)[ALIGNED_MEMBERS_LISTED - 1]
            rows = rows[negated <= cutoff]
        order = sorted(rows.tolist(), key=lambda i: (-degree[i], vertex_ids[i]))
        members[key] = [vertex_ids[i] for i in order[:ALIGNED_MEMBERS_LISTED]]
    summaries = [
        {
            key: evidence[key]
            for key in ("attribute", "purity", "chance_purity", "nmi", "chance_nmi", "ari")
        }
        | {"aligned": evidence["aligned"]}
        for evidence in compared
    ]
    return {"best": best, "attributes": summaries, "listed": listed_keys, "members": members}


def _group_sizes(labels: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The size of each vertex's group (the vertices sharing its label)."""
    if labels.size and labels.min() >= 0 and labels.max() <= 2 * labels.size:
        # Labels numbered from 0 (what igraph's partitions give): counted without a sort.
        return np.bincount(labels)[labels]
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    return counts[inverse.ravel()]


def _strings_in(value: Any, found: dict[str, None]) -> None:
    """Collect the strings held in an answer value (strings, lists, dicts), in reading order."""
    if isinstance(value, str):
        found[value] = None
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings_in(key, found)
            _strings_in(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _strings_in(item, found)


def _rows_of(data: ProjectionData, ids: Iterable[str]) -> dict[str, int]:
    """Vertex id -> index for those of `ids` the projection has.

    Uses the projection's cached index when a method built one; otherwise one pass over the
    vertex ids (a set look-up each), which costs a seventh of building that index.
    """
    wanted = set(ids)
    index: Mapping[str, int] | None = data.engine_cache.get("vertex_index")
    if index is not None:
        return {vertex_id: index[vertex_id] for vertex_id in wanted if vertex_id in index}
    if not wanted:
        return {}
    vertex_ids = data.vertex_ids
    # Only the runs of the collections the ids name, when the projection knows its runs
    # (`VertexIds`): an id `<collection>/<key>` is nowhere else.
    runs = getattr(vertex_ids, "runs", None)
    named = {vertex_id.partition("/")[0] for vertex_id in wanted}
    spans = (
        [(run.start, run.start + run.size) for run in runs if run.collection in named]
        if runs is not None
        else [(0, len(vertex_ids))]
    )
    # `map` and `compress` test every id in C (~17 ms for 4.5 * 10^5 ids, against ~0.13 s to
    # build the index); an id listed twice keeps its last row, as the index does.
    rows: dict[str, int] = {}
    for start, stop in spans:
        ids = islice(vertex_ids, start, stop)
        hits = compress(range(start, stop), map(wanted.__contains__, ids))
        rows.update((vertex_ids[row], row) for row in hits)
    return rows


def mentioned_names(result: ExecutionResult, data: ProjectionData) -> dict[str, str]:
    """Labels of the vertices `result` mentions, for those that have a real one.

    Args:
        result: The summarised result (listing, groups, answer, notes, partition profile).
        data: The projection it was computed on (ids and labels by index).

    Returns:
        Vertex id -> label; a vertex whose label is its key, empty or e-mail-like is left out.
    """
    mentioned: dict[str, None] = {}
    for entity in result.top_entities:
        mentioned[entity.id] = None
    for group in result.groups:
        mentioned.update(dict.fromkeys(group.members_sample))
    if result.partition_profile:
        for members in result.partition_profile.get("members", {}).values():
            mentioned.update(dict.fromkeys(members[:10]))
    # Every string that could be a vertex id, then one look-up of them all (`_rows_of`):
    # no dict of the whole projection for a result that names a few dozen vertices.
    answer_strings: dict[str, None] = {}
    if result.answer is not None:
        _strings_in(result.answer.value, answer_strings)
    tokens: dict[str, None] = {}
    texts = [*result.notes, *(v for v in result.metrics.values() if isinstance(v, str))]
    collections = sorted(set(data.projection.vertex_collections), key=len, reverse=True)
    if texts and collections:
        prefixes = "|".join(re.escape(name) for name in collections)
        pattern = re.compile(rf"(?<![\w/])(?:{prefixes})/{_ID_TOKEN}")
        for text in texts:
            for match in pattern.finditer(text):
                tokens[match.group().rstrip(".")] = None
    rows = _rows_of(data, [*mentioned, *answer_strings, *tokens])
    found = [text for text in answer_strings if text in rows][:ANSWER_IDS_NAMED]
    mentioned.update(dict.fromkeys(found))
    mentioned.update(dict.fromkeys(token for token in tokens if token in rows))
    names: dict[str, str] = {}
    for vertex_id in mentioned:
        row = rows.get(vertex_id)
        if row is None:
            continue
        label = data.labels[row]
        if display_name(vertex_id, label) != vertex_id:
            names[vertex_id] = str(label).strip()
    return names


def describe_result(
    result: ExecutionResult,
    graph: GraphData,
    data: ProjectionData,
    schema: GraphSchema,
    *,
    seed: int = 42,
) -> ExecutionResult:
    """Add names and, for a partition computed here, the attribute profile to a result.

    Args:
        result: The local engine's result (its in-process partition, when it has one).
        graph: The whole graph (documents, for the attribute values).
        data: The projection it was computed on.
        schema: The analysed schema (which attributes to try, which is the label).
        seed: Seed of the random relabellings behind the chance values.

    Returns:
        The same result, with `names` and, for a partition, `partition_profile`.
    """
    partition, result._partition = result._partition, None  # in-process only: let it go
    if partition is not None and result.groups:
        membership, degrees, data = partition
        skip = [str(v) for k, v in result.parameters.items() if k == "attribute" and v]
        attributes = attribute_candidates(schema, data.projection.vertex_collections, skip=skip)
        columns = vertex_columns(graph, data, attributes)
        if columns:
            listed = [g.members_sample[0] if g.members_sample else "" for g in result.groups]
            result.partition_profile = describe_partition(
                membership,
                columns,
                data.vertex_ids,
                degrees,
                listed,
                seed=seed,
                index=_rows_of(data, listed),
            )
    result.names = mentioned_names(result, data)
    return result


def run_described(
    engine: LocalEngine,
    graph: GraphData,
    data: ProjectionData,
    template: AnalysisTemplate,
    schema: GraphSchema,
    *,
    seed: int = 42,
) -> ExecutionResult:
    """Run `template` on the local engine, then `describe_result`.

    Args:
        engine: The local engine.
        graph: The whole graph (documents, for the attribute values).
        data: The template's projection.
        template: The analysis to run.
        schema: The analysed schema.
        seed: Seed for randomised algorithms.

    Returns:
        The engine's result with `names` and, for a partition, `partition_profile`.
    """
    result = engine.run(data, template, seed=seed)
    return describe_result(result, graph, data, schema, seed=seed)
