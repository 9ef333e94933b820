"""Names and attribute profiles added to an engine's result (gaai_graph.engines.describe)."""

from __future__ import annotations

from gaai_graph.engines.describe import (
    attribute_candidates,
    describe_partition,
    mentioned_names,
    vertex_columns,
)
from gaai_graph.nodes.schema import profile_schema
from gaai_graph.sources.projection import build_projection
from tests.engines._planted import PROJECTION, planted_graph, run_planted


def test_candidates_leave_out_labels_identifiers_and_template_attributes() -> None:
    schema = profile_schema(planted_graph(), graph_name=None, core_collections=None)
    candidates = attribute_candidates(schema, ["members"])
    assert "team" in candidates
    assert "name" not in candidates and "member_id" not in candidates
    assert "team" not in attribute_candidates(schema, ["members"], skip=["team"])


def test_columns_follow_the_projection_order() -> None:
    data = planted_graph()
    projection = build_projection(data, PROJECTION, {"members": "name"})
    columns = vertex_columns(data, projection, ["team", "absent"])
    assert set(columns) == {"team"}
    by_key = {d["_key"]: d["team"] for d in data.collections["members"].documents}
    assert columns["team"] == [by_key[v.split("/")[1]] for v in projection.vertex_ids]


def test_columns_read_from_a_columnar_collection_equal_those_read_from_documents() -> None:
    import polars as pl

    from gaai_graph.sources.base import CollectionData
    from gaai_graph.sources.columnar import ColumnarDocuments

    data = planted_graph()
    members = data.collections["members"].documents
    # Absent and null cells, a key the projection lacks, a duplicate key (the later wins).
    members[0].pop("team")
    members[1]["team"] = None
    members[2]["score"] = 7
    documents = [*members, {"_key": "stranger", "team": "red"}, {**members[3], "team": "gold"}]
    data.collections["members"] = CollectionData("members", "document", documents)
    projection = build_projection(data, PROJECTION, {"members": "name"})
    wanted = ["team", "score", "country", "absent"]
    from_documents = vertex_columns(data, projection, wanted)
    frame = pl.DataFrame(documents, infer_schema_length=None)
    data.collections["members"] = CollectionData("members", "document", ColumnarDocuments(frame))
    from_columns = vertex_columns(data, projection, wanted)
    assert from_columns == from_documents
    assert set(from_columns) == {"team", "score", "country"}
    assert from_columns["team"][projection.vertex_ids.index("members/m03")] == "gold"


def test_communities_that_follow_an_attribute_are_profiled_with_their_chance_values() -> None:
    result = run_planted(planted_graph())
    profile = result.partition_profile
    assert profile is not None
    best = profile["best"]
    assert best["attribute"] == "team" and best["aligned"]
    assert best["purity"] > 0.9 and best["chance_purity"] < 0.5
    assert best["nmi"] > 0.8 > best["chance_nmi"]
    # Every listed group is described by its dominant value; the coinciding ones list members.
    assert set(profile["listed"]) <= set(best["majority"])
    coinciding = [k for k, g in best["majority"].items() if g["coincides"]]
    assert len(coinciding) == 4
    for key in coinciding:
        members = profile["members"][key]
        assert len(members) == best["majority"][key]["size"]
        value = best["majority"][key]["value"]
        documents = {d["_key"]: d for d in planted_graph().collections["members"].documents}
        share = sum(documents[m.split("/")[1]]["team"] == value for m in members) / len(members)
        assert share >= 0.9


def test_a_shuffled_attribute_explains_nothing() -> None:
    result = run_planted(planted_graph(follow=False))
    profile = result.partition_profile
    assert profile is not None
    assert not profile["best"]["aligned"]
    assert not any(g["coincides"] for g in profile["best"]["majority"].values())
    assert profile["members"] == {}


def test_grouping_by_an_attribute_is_not_explained_by_that_attribute() -> None:
    result = run_planted(planted_graph(), "attribute_partition", attribute="team")
    profile = result.partition_profile
    assert profile is None or profile["best"]["attribute"] != "team"


def test_groups_with_one_member_carrying_the_attribute_are_left_out() -> None:
    # Ten households: one customer (with a segment) and two devices (without) each.
    membership, segment, ids = [], [], []
    for house in range(10):
        for role in ("customer", "device", "device"):
            membership.append(house)
            segment.append(["a", "b"][house % 2] if role == "customer" else None)
            ids.append(f"{role}s/{house}-{len(ids)}")
    assert describe_partition(membership, {"segment": segment}, ids, [1] * len(ids), []) is None


def test_names_cover_listed_members_and_ids_in_sentences_but_not_bare_keys() -> None:
    data = planted_graph()
    result = run_planted(data, "pagerank")
    assert all(result.names[e.id] == f"Person {int(e.id[-2:])}" for e in result.top_entities)
    projection = build_projection(data, PROJECTION, {"members": "name"})
    result.notes.append("members/m03 and members/m04. are named in a note")
    names = mentioned_names(result, projection)
    assert names["members/m03"] == "Person 3" and names["members/m04"] == "Person 4"
    keyed = build_projection(data, PROJECTION, {"members": None})
    assert mentioned_names(result, keyed) == {}


def test_a_vertex_id_listed_twice_reads_the_same_columns_from_columns_and_documents() -> None:
    import polars as pl

    from gaai_graph.sources.base import CollectionData, ProjectionData
    from gaai_graph.sources.columnar import ColumnarDocuments

    data = planted_graph()
    built = build_projection(data, PROJECTION, {"members": "name"})
    # A hand-made projection may list an id twice: its last row gets the values, as a dict of
    # ids to rows keeps the last.
    ids = [*built.vertex_ids, built.vertex_ids[0]]
    doubled = ProjectionData(
        vertex_ids=ids,
        labels=[*built.labels, built.labels[0]],
        edges=built.edges,
        directed=built.directed,
        projection=built.projection,
    )
    documents = data.collections["members"].documents
    from_documents = vertex_columns(data, doubled, ["team"])
    frame = pl.DataFrame(documents, infer_schema_length=None)
    data.collections["members"] = CollectionData("members", "document", ColumnarDocuments(frame))
    assert vertex_columns(data, doubled, ["team"]) == from_documents
    assert from_documents["team"][0] is None and from_documents["team"][-1] is not None


def test_names_cover_vertex_ids_in_the_answer_with_or_without_the_cached_index() -> None:
    from gaai_graph.models import Answer

    data = planted_graph()
    result = run_planted(data, "pagerank")
    projection = build_projection(data, PROJECTION, {"members": "name"})
    result.answer = Answer(
        kind="groups",
        value=[["members/m05", "not an id"], {"members/m06": 1.0}],
        method="test",
    )
    without_index = mentioned_names(result, projection)
    projection.engine_cache["vertex_index"] = {v: i for i, v in enumerate(projection.vertex_ids)}
    assert mentioned_names(result, projection) == without_index
    assert without_index["members/m05"] == "Person 5"
    assert without_index["members/m06"] == "Person 6"
    assert "not an id" not in without_index


def test_columns_copied_by_collection_runs_equal_those_looked_up_by_id() -> None:
    """A projection built from frames copies unrepeated collections' columns in place."""
    import polars as pl

    from gaai_graph.models import GraphProjection
    from gaai_graph.sources.base import CollectionData, GraphData, ProjectionData
    from gaai_graph.sources.columnar import ColumnarDocuments

    people = [
        {"_key": "p0", "team": "red", "score": 1},
        {"_key": "p1", "team": None, "score": 2},
        {"_key": "p2", "score": 3},
        {"_key": "p1", "team": "late", "score": 9},  # a repeated key: no run copy here
    ]
    cities = [{"_key": "c0", "team": "blue"}, {"_key": "c1", "size": 5}]
    lives = [{"_from": "people/p0", "_to": "cities/c1"}, {"_from": "people/p2", "_to": "cities/c0"}]

    def frames(rows: list[dict[str, object]]) -> ColumnarDocuments:
        return ColumnarDocuments(pl.DataFrame(rows, infer_schema_length=None))

    data = GraphData(
        source="memory",
        collections={
            "people": CollectionData("people", "document", frames(people)),
            "cities": CollectionData("cities", "document", frames(cities)),
            "lives": CollectionData("lives", "edge", frames(lives)),
        },
    )
    projection = GraphProjection(
        vertex_collections=["cities", "people"], edge_collections=["lives"], directed=False
    )
    built = build_projection(data, projection, {})
    runs = {run.collection: run.frame_rows for run in built.vertex_ids.runs}  # type: ignore[attr-defined]
    assert runs == {"cities": True, "people": False}
    by_id = ProjectionData(  # plain lists: every value is looked up by id
        vertex_ids=list(built.vertex_ids),
        labels=built.labels,
        edges=built.edges,
        directed=built.directed,
        projection=built.projection,
    )
    wanted = ["team", "score", "size", "absent"]

    copied = vertex_columns(data, built, wanted)

    assert copied == vertex_columns(data, by_id, wanted)
    assert copied["team"] == ["blue", None, "red", "late", None]
    assert copied["size"] == [None, 5, None, None, None]
    # Rows of named ids are found in their collections' runs as in the whole id list.
    from gaai_graph.engines.describe import _rows_of

    named = ["people/p2", "cities/c0", "people/zz", "nothing", "cities/c1", "people/p0"]
    assert _rows_of(built, named) == _rows_of(by_id, named)
    found = {"cities/c0": 0, "cities/c1": 1, "people/p0": 2, "people/p2": 4}
    assert _rows_of(built, named) == found


def test_group_sizes_count_sparse_and_negative_labels_as_dense_ones() -> None:
    import numpy as np

    from gaai_graph.engines.describe import _group_sizes

    dense = np.array([0, 1, 1, 2, 2, 2], dtype=np.int64)
    assert _group_sizes(dense).tolist() == [1, 2, 2, 3, 3, 3]
    for labels in (dense * 1000, dense - 5):
        assert _group_sizes(labels).tolist() == [1, 2, 2, 3, 3, 3]
    assert _group_sizes(np.empty(0, dtype=np.int64)).tolist() == []
