"""Schema analysis: what collections the graph holds, how they connect, and which matter.

`profile_schema` is a pure function of the loaded graph; `analyze_schema` is the workflow node
that loads the source and runs it in a worker thread.

Roles. Every vertex collection is *core* (an entity the business asks about) or *satellite* (a
lookup whose vertices each join many otherwise unrelated entities: a category, a country, a
branch). Satellites are left out of connectivity and community projections because a single
category vertex would merge every product in it into one "community". Without a user-given
list, a vertex collection is a satellite when all of these hold (edges from the collection to
itself are ignored):

* **referenced like an attribute**: every edge collection pointing at it from another
  collection gives each source vertex at most one of its vertices (a product has one
  category; an account one branch). At most `SATELLITE_MAX_MULTI_REFERENCE_SHARE` (5%) of the
  sources may break this, to tolerate dirty data. This is the signal that tells a lookup from
  a popular entity: an order contains several products, a customer uses two devices.
* **glue**: each of its vertices is pointed at by at least `SATELLITE_MIN_MEAN_IN_DEGREE` (10)
  edges on average, so one vertex would join ten or more entities into a group.
* **small**: it has at most `SATELLITE_MAX_SIZE_RATIO` (10%) as many vertices as the
  collections pointing at it (implied by the first two up to the tolerance; kept explicit).

Whether the collection has outgoing edges does not matter (a category tree has parent edges).
Having none is no signal on its own: devices, payment cards and reviews are often sinks too,
and they are what rings and behaviour are made of. With the demo's 300 products in 12
categories, categories qualify (25 products each, one category per product) while products
(27 order lines each, but several products per order) and sellers (7.5 products each) do not.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any, Literal

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.errors import SourceError
from gaai_graph.methods.topology import IDENTIFIER_MAX_FAN_IN, SchemaTopology
from gaai_graph.models import (
    AttributeProfile,
    CollectionProfile,
    DanglingEdges,
    EdgeDefinition,
    GraphSchema,
    NamedGraph,
    RunError,
)
from gaai_graph.nodes.common import context_of, timed
from gaai_graph.nodes.name_lookup import index_names_ahead
from gaai_graph.nodes.schema_attributes import (
    ATTRIBUTE_SAMPLE_SIZE,
    collection_attributes,
    profile_attributes,
)
from gaai_graph.nodes.schema_edge_columns import columnar_collections, scan_edge_frames
from gaai_graph.nodes.schema_edges import EdgeScan, index_vertices, scan_edges
from gaai_graph.sources import GraphData, load_graph
from gaai_graph.state import WorkflowState
from gaai_graph.trust import confirm_paths

__all__ = [
    "ATTRIBUTE_SAMPLE_SIZE",
    "IDENTIFIER_MAX_FAN_IN",
    "LABEL_ATTRIBUTE_PREFERENCE",
    "SATELLITE_MAX_MULTI_REFERENCE_SHARE",
    "SATELLITE_MAX_SIZE_RATIO",
    "SATELLITE_MIN_MEAN_IN_DEGREE",
    "SchemaTopology",
    "analyze_schema",
    "choose_label_attribute",
    "profile_attributes",
    "profile_schema",
]

SATELLITE_MAX_SIZE_RATIO = 0.10
"""A lookup has at most this many vertices per vertex of the collections pointing at it."""
SATELLITE_MIN_MEAN_IN_DEGREE = 10.0
"""...and at least this many incoming edges (from other collections) per vertex."""
SATELLITE_MAX_MULTI_REFERENCE_SHARE = 0.05
"""Share of source vertices allowed to point at more than one vertex of a lookup."""

LABEL_ATTRIBUTE_PREFERENCE: tuple[str, ...] = (
    "name",
    "full_name",
    "display_name",
    "title",
    "label",
    "username",
    "user_name",
    "handle",
    "screen_name",
    "nickname",
    "login",
    "email",
    "fingerprint",
    "phone",
    "phone_number",
    "number",
    "iban",
    "account_number",
    "address",
    "hostname",
    "sku",
    "code",
)
"""Attributes that hold a human label, best first. Names ending in `_name`, `_title` or
`_label` come after these."""

_LABEL_SUFFIXES = ("_name", "_title", "_label", "name", "title")
# A label must be on most vertices and tell most of them apart; names repeat (two customers
# called "Ana Lima"), so distinctness is not required to be 1.
_LABEL_MIN_PRESENCE = 0.5
_LABEL_MIN_DISTINCT = 0.5


def choose_label_attribute(attributes: Iterable[AttributeProfile]) -> str | None:
    """Pick the attribute that best labels a vertex for people, or None.

    Candidates are mostly-string attributes present on at least half the sample with at least
    half their values distinct. Preferred names (`LABEL_ATTRIBUTE_PREFERENCE`) win in their
    order; then names ending in name/title/label, the most present and distinct first.

    Args:
        attributes: Profiles of one vertex collection's attributes.

    Returns:
        The chosen attribute name, or None when nothing qualifies.
    """
    candidates = {
        a.name: a
        for a in attributes
        if a.types
        and a.types[0] == "string"
        and a.presence >= _LABEL_MIN_PRESENCE
        and (a.distinct_ratio or 0.0) >= _LABEL_MIN_DISTINCT
    }
    lowered = {name.lower(): name for name in candidates}
    for preferred in LABEL_ATTRIBUTE_PREFERENCE:
        if preferred in lowered:
            return lowered[preferred]
    suffixed = [
        candidates[original] for low, original in lowered.items() if low.endswith(_LABEL_SUFFIXES)
    ]
    if not suffixed:
        return None
    best = max(suffixed, key=lambda a: (a.presence * (a.distinct_ratio or 0.0), a.name))
    return best.name


def _select_graph(data: GraphData, graph_name: str | None) -> NamedGraph | None:
    if graph_name is not None:
        for graph in data.graphs:
            if graph.name == graph_name:
                return graph
        available = ", ".join(sorted(g.name for g in data.graphs)) or "none"
        raise SourceError(
            f"named graph {graph_name!r} not found in {data.source}; available graphs: {available}"
        )
    if len(data.graphs) == 1:
        return data.graphs[0]
    return None


def _known_core_collections(
    core_collections: list[str] | None, vertex_names: list[str], graph: str
) -> tuple[list[str] | None, list[str]]:
    """The user's core collections the graph has, and a warning naming those it lacks.

    Unknown names are ignored rather than refused, so a configuration written for another
    graph (the seed's users/posts/follows) still runs; the warning says what was ignored.

    Returns:
        (the known names, or None when none is known and roles are decided automatically;
        warnings).
    """
    if core_collections is None:
        return None, []
    wanted = list(dict.fromkeys(core_collections))
    known = [name for name in wanted if name in vertex_names]
    unknown = [name for name in wanted if name not in vertex_names]
    if not unknown:
        return known, []
    warning = (
        f"core_collections names {', '.join(unknown)}, which {graph} does not have as vertex "
        "collections; ignored"
    )
    if not known:
        warning += " (none of the names is known, so core and satellite roles are decided "
        warning += "automatically)"
    return known or None, [warning]


def _assign_roles(
    vertex_names: list[str],
    counts: dict[str, int],
    scans: dict[str, EdgeScan],
    core_collections: list[str] | None,
) -> dict[str, Literal["core", "satellite"]]:
    if core_collections is not None:
        return {n: "core" if n in core_collections else "satellite" for n in vertex_names}
    incoming: Counter[str] = Counter()
    pointing: dict[str, set[str]] = {n: set() for n in vertex_names}
    attribute_like: dict[str, bool] = {n: True for n in vertex_names}
    for scan in scans.values():
        for (source, target), number in scan.pairs.items():
            if source == target or target not in pointing:
                continue
            incoming[target] += number
            pointing[target].add(source)
        for target, (outside, repeated) in scan.references.items():
            if target not in attribute_like:
                continue
            if outside and repeated > SATELLITE_MAX_MULTI_REFERENCE_SHARE * outside:
                attribute_like[target] = False
    roles: dict[str, Literal["core", "satellite"]] = {}
    for name in vertex_names:
        roles[name] = "core"
        size = counts[name]
        pointing_size = sum(counts.get(p, 0) for p in pointing[name])
        if size == 0 or incoming[name] == 0 or pointing_size == 0:
            continue
        if (
            attribute_like[name]
            and incoming[name] / size >= SATELLITE_MIN_MEAN_IN_DEGREE
            and size / pointing_size <= SATELLITE_MAX_SIZE_RATIO
        ):
            roles[name] = "satellite"
    return roles


def profile_schema(
    data: GraphData,
    *,
    graph_name: str | None,
    core_collections: list[str] | None,
    sample_size: int = ATTRIBUTE_SAMPLE_SIZE,
    on_labels: Callable[[dict[str, str | None]], None] | None = None,
) -> GraphSchema:
    """Introspect a loaded graph: collections, attributes, edge definitions, roles, problems.

    Args:
        data: The whole graph in memory.
        graph_name: Named graph to analyse; None uses the source's only named graph, or every
            collection (edge definitions inferred from `_from`/`_to`) when there is not exactly
            one.
        core_collections: Vertex collections to treat as core; every other vertex collection
            becomes a satellite. None lets the structural rules in this module decide. Names
            the graph lacks as vertex collections are ignored with a warning; when none is
            known, the structural rules decide.
        sample_size: Documents sampled per collection for attribute profiles (evenly
            spaced; see `gaai_graph.nodes.schema_attributes`). Counts, edge definitions,
            endpoint pairs and dangling edges always read every document.
        on_labels: Called with each vertex collection's label attribute (what
            `GraphSchema.label_attributes` will hold) as soon as they are known, before the
            edges are scanned, so that work needing only those can start meanwhile.

    Returns:
        The schema. Dangling edges and unknown core collections are reported in it (and in
        its warnings), never raised.

    Raises:
        SourceError: `graph_name` is unknown.
    """
    named = _select_graph(data, graph_name)
    # The fingerprint hashes every document (per-row Python that holds the GIL) while the
    # profile below is mostly polars and numpy work that releases it: one thread each.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fingerprint") as pool:
        fingerprint = pool.submit(lambda: data.fingerprint)
        return _profile(data, named, core_collections, sample_size, fingerprint, on_labels)


def _profile(
    data: GraphData,
    named: NamedGraph | None,
    core_collections: list[str] | None,
    sample_size: int,
    fingerprint: Future[str],
    on_labels: Callable[[dict[str, str | None]], None] | None,
) -> GraphSchema:
    warnings = list(data.warnings)
    names = sorted(n for n in data.collections if not n.startswith("_"))
    if named is not None:
        wanted: set[str] = set(named.orphan_collections)
        for definition in named.edge_definitions:
            wanted.add(definition.edge_collection)
            wanted.update(definition.from_vertex_collections)
            wanted.update(definition.to_vertex_collections)
        missing = sorted(wanted - set(names))
        if missing:
            warnings.append(
                f"named graph {named.name!r} refers to missing collection(s): {', '.join(missing)}"
            )
        names = [n for n in names if n in wanted]

    vertex_names = [n for n in names if data.collections[n].kind == "document"]
    edge_names = [n for n in names if data.collections[n].kind == "edge"]
    attributes = {
        n: collection_attributes(data.collections[n].documents, sample_size) for n in names
    }
    labels = {n: choose_label_attribute(attributes[n]) for n in vertex_names}
    if on_labels is not None:
        on_labels(dict(labels))
    # Endpoints may live in any collection of the source, not only the named graph's, so an
    # edge is dangling only when its endpoint exists nowhere.
    frames = columnar_collections(data)
    if frames is not None:
        scans = scan_edge_frames(data, frames, edge_names)
    else:
        vertices = index_vertices(data)
        scans = {n: scan_edges(n, data.collections[n].documents, vertices) for n in edge_names}

    if named is not None:
        edge_definitions = [
            d.model_copy(deep=True) for d in named.edge_definitions if d.edge_collection in names
        ]
    else:
        edge_definitions = []
        for name in edge_names:
            scan = scans[name]
            sources = sorted(p for p in scan.prefixes_from if p in vertex_names)
            targets = sorted(p for p in scan.prefixes_to if p in vertex_names)
            if sources and targets:
                edge_definitions.append(
                    EdgeDefinition(
                        edge_collection=name,
                        from_vertex_collections=sources,
                        to_vertex_collections=targets,
                    )
                )
            elif data.collections[name].documents:
                warnings.append(f"edge collection {name!r}: no edge connects two known collections")

    dangling: list[DanglingEdges] = []
    for name in edge_names:
        scan = scans[name]
        if scan.dangling:
            dangling.append(
                DanglingEdges(edge_collection=name, count=scan.dangling, examples=scan.examples)
            )
            warnings.append(
                f"edge collection {name!r}: {scan.dangling} "
                f"{'edge points' if scan.dangling == 1 else 'edges point'} to missing vertices "
                f"(e.g. {scan.examples[0]}); they are left out of every projection"
            )

    counts = {n: len(data.collections[n].documents) for n in names}
    graph_label = f"graph {named.name}" if named is not None else f"the source {data.source}"
    known_core, core_warnings = _known_core_collections(core_collections, vertex_names, graph_label)
    warnings.extend(core_warnings)
    roles = _assign_roles(vertex_names, counts, scans, known_core)
    profiles: list[CollectionProfile] = []
    for name in names:
        is_vertex = name in labels
        profiles.append(
            CollectionProfile(
                name=name,
                kind=data.collections[name].kind,
                count=counts[name],
                attributes=attributes[name],
                role=roles[name] if is_vertex else "edge",
                label_attribute=labels.get(name),
            )
        )
    return GraphSchema(
        source=data.source,
        graph_name=named.name if named is not None else None,
        collections=profiles,
        graphs=[g.model_copy(deep=True) for g in data.graphs],
        edge_definitions=edge_definitions,
        dangling_edges=dangling,
        fingerprint=fingerprint.result(),
        warnings=warnings,
    )


async def analyze_schema(state: WorkflowState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Load the graph source and profile its schema.

    Args:
        state: The workflow state (unused: the schema depends only on the source).
        runtime: Carries the context: source, graph name and core collections.

    Returns:
        Updates for `schema`, `timings` and `errors`: one per schema warning (dangling edges,
        unknown core collections, source problems), which the summary lists as warnings.
    """
    context = context_of(runtime)
    with timed("analyze_schema") as clock:
        await confirm_paths(context)
        data = await load_graph(context.source)
        schema = await asyncio.to_thread(
            profile_schema,
            data,
            graph_name=context.graph_name,
            core_collections=context.core_collections,
            # Use-case generation looks the question's names up next: indexed meanwhile.
            on_labels=partial(index_names_ahead, data),
        )
    errors = [RunError(phase="analyze_schema", message=warning) for warning in schema.warnings]
    return {"schema": schema, "timings": [clock.timing], "errors": errors}
