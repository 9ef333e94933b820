"""The catalog in ArangoDB: collections, named graph, keys, idempotence, errors, secrets.

Everything goes through real python-arango to loopback servers (`tests/sources/arango_replay`):
`FakeArangoServer` for a working database, the recorded 401 exchange for a refused login, and a
closed port for a server that is down. The queries every backend answers are tested on both
backends in `test_catalog.py`.
"""

import asyncio
import itertools
import socket

import pytest
from arango_replay import FakeArangoServer, FakeCollection, ReplayServer

from gaai_graph.catalog import (
    CatalogError,
    CatalogNode,
    Epoch,
    LineageEdge,
    build_records,
    open_catalog,
    record_run,
    record_run_safely,
    start_epoch_safely,
)
from gaai_graph.catalog.arango import (
    EPOCHS_COLLECTION,
    GRAPH_NAME,
    ITEMS_COLLECTION,
    LINEAGE_COLLECTION,
    ArangoCatalog,
    document_key,
    select_query,
)
from gaai_graph.context import Context
from gaai_graph.persistence import compile_graph, open_checkpointer
from gaai_graph.sources.arango import OWN_COLLECTION_PREFIXES, OWN_GRAPH_NAMES, load_arango
from gaai_graph.sources.arango_url import parse_arango_source
from gaai_graph.sources.demo import load_bundled_demo

SECRET = "arango-catalog-s3cret"
DATABASE = "analytics"
CATALOG_QUERIES = {
    select_query(),
    select_query(["source", "graph_name"]),
    select_query(["fingerprint", "source"]),
    select_query(["epoch_id"]),
    select_query(["epoch_id", "kind"]),
}
"""Every AQL text the catalog sends: fixed shapes, whatever the ids."""


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    async def run() -> dict:
        path = tmp_path_factory.mktemp("arango-catalog") / "checkpoints.sqlite"
        async with open_checkpointer(str(path)) as saver:
            graph = compile_graph(saver)
            config = {"configurable": {"thread_id": "demo"}}
            await graph.ainvoke({"run_id": "demo"}, config, context=Context(source="demo"))
            return dict((await graph.aget_state(config)).values)

    return asyncio.run(run())


@pytest.fixture
def server():
    with FakeArangoServer(None, DATABASE) as fake:
        yield fake
    assert fake.unexpected == []


def _url(server: FakeArangoServer) -> str:
    return server.source(DATABASE, password=SECRET)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_collections_and_the_named_graph_are_created_with_the_lineage_definition(server):
    catalog = open_catalog(_url(server))
    catalog.close()
    kinds = {name: c.type for name, c in server.created.items()}
    assert kinds == {EPOCHS_COLLECTION: 2, ITEMS_COLLECTION: 2, LINEAGE_COLLECTION: 3}
    graph = server.created_graphs[GRAPH_NAME]
    assert graph["edgeDefinitions"] == [
        {"collection": LINEAGE_COLLECTION, "from": [ITEMS_COLLECTION], "to": [ITEMS_COLLECTION]}
    ]
    assert graph["orphanCollections"] == [EPOCHS_COLLECTION]
    # As python-arango sees it.
    connection = ArangoCatalog.open(_url(server), environ={}).connection
    (found,) = [g for g in connection.db.graphs() if g["name"] == GRAPH_NAME]
    assert found["edge_definitions"] == [
        {
            "edge_collection": LINEAGE_COLLECTION,
            "from_vertex_collections": [ITEMS_COLLECTION],
            "to_vertex_collections": [ITEMS_COLLECTION],
        }
    ]
    # Opening again creates nothing new: one graph creation, one index per field list.
    graph_posts = [r for r in server.requests if r.method == "POST" and r.path.endswith("gharial")]
    assert len(graph_posts) == 1
    assert all(len(c.indexes) == 1 for c in server.created.values())


def test_lineage_edges_point_at_item_documents_in_the_named_graph(server, demo_run):
    catalog = open_catalog(_url(server))
    record_run(catalog, demo_run, epoch_id="demo", started_at=1.0)
    items = server.created[ITEMS_COLLECTION].documents
    edges = list(server.created[LINEAGE_COLLECTION].documents.values())
    ids = {document["_id"] for document in items.values()}
    assert edges and all(e["_from"] in ids and e["_to"] in ids for e in edges)
    report = next(d for d in items.values() if d["kind"] == "report")
    into_report = [e for e in edges if e["_to"] == report["_id"]]
    assert [e["relation"] for e in into_report] == ["reported_in"]
    assert report["data"]["template_id"] == report["id"]
    (epoch,) = server.created[EPOCHS_COLLECTION].documents.values()
    assert (epoch["id"], epoch["status"]) == ("demo", "finished")
    # Every read is the one documented query shape, with names and values bound.
    queries = {r.body["query"] for r in server.requests if r.path.endswith("/_api/cursor")}
    assert queries <= CATALOG_QUERIES


def test_recording_again_replaces_instead_of_duplicating(server, demo_run):
    for _ in range(2):
        catalog = open_catalog(_url(server))
        record_run(catalog, demo_run, epoch_id="demo", started_at=1.0)
        catalog.close()
    nodes, edges = build_records("demo", demo_run)
    assert len(server.created[ITEMS_COLLECTION].documents) == len(nodes)
    assert len(server.created[LINEAGE_COLLECTION].documents) == len(edges)
    assert len(server.created[EPOCHS_COLLECTION].documents) == 1
    imports = [r for r in server.requests if r.path.endswith("/_api/import")]
    assert imports and all(r.params["onDuplicate"] == "replace" for r in imports)


@pytest.mark.parametrize(
    "odd",
    [
        'x" RETURN 1 //',
        "a/b/../c",
        "R1' || true",
        "@@collection",
        "FOR d IN _users RETURN d",
        "ünïcødé 🙂",
        "%2F",
        "k" * 400,
    ],
)
def test_injection_looking_ids_are_stored_and_read_back_exactly(server, odd):
    catalog = open_catalog(_url(server))
    catalog.start_epoch(Epoch(id=odd, fingerprint=odd, source=odd, graph_name=odd, started_at=1))
    kinds = ["requirement", "use_case", "template", "execution", "report"]
    catalog.record_items(
        odd,
        [CatalogNode(odd, kind, odd, {"text": odd}) for kind in kinds],
        [
            LineageEdge(odd, before, odd, after, odd, "linked")
            for before, after in itertools.pairwise(kinds)
        ],
    )
    catalog.finish_epoch(odd, "finished", 2.0, headline=odd)
    assert catalog.get_epoch(odd).headline == odd
    assert [e.id for e in catalog.list_epochs(fingerprint=odd, source=odd)] == [odd]
    assert [(n.id, n.data) for n in catalog.nodes(odd, "requirement")] == [(odd, {"text": odd})]
    found = catalog.lineage(odd, odd)
    assert [r.id for r in found.requirements] == [odd] and found.template is not None
    assert len(found.edges) == 4
    keys = [
        *server.created[EPOCHS_COLLECTION].documents,
        *server.created[ITEMS_COLLECTION].documents,
    ]
    assert all(len(key) <= 254 and "/" not in key for key in keys)
    queries = [r.body for r in server.requests if r.path.endswith("/_api/cursor")]
    assert queries and all(body["query"] in CATALOG_QUERIES for body in queries)
    assert any(odd in body["bindVars"].values() for body in queries)


def test_document_keys_are_valid_and_distinct_for_ids_differing_in_replaced_characters():
    assert document_key("a/b") != document_key("a_b") != document_key("a", "b")
    assert document_key("run-1", "report", "TPL-001").startswith("run-1.report.TPL-001-")
    with pytest.raises(ValueError):
        select_query(["data == 1 RETURN d //"])


def test_querying_never_creates_or_writes(server, demo_run):
    with pytest.raises(CatalogError, match=r"no catalog in ArangoDB at arangodb://root@"):
        open_catalog(_url(server), create=False)
    assert server.writes() == [] and server.created == {}
    writer = open_catalog(_url(server))
    record_run(writer, demo_run, epoch_id="demo", started_at=1.0)
    before = len(server.writes())
    reader = open_catalog(_url(server), create=False)
    assert [e.id for e in reader.list_epochs()] == ["demo"]
    assert reader.nodes("demo") and reader.edges("demo")
    assert len(server.writes()) == before


def test_a_refused_login_is_a_catalog_error_without_the_password(demo_run):
    with ReplayServer.from_fixture("unauthorized") as replay:
        url = replay.source("shop", password=SECRET)
        with pytest.raises(CatalogError, match=r"HTTP 401") as raised:
            open_catalog(url)
    assert SECRET not in str(raised.value)
    assert "arangodb://root@127.0.0.1" in str(raised.value)
    with ReplayServer.from_fixture("unauthorized") as replay:
        url = replay.source("shop", password=SECRET)
        problem = record_run_safely(url, demo_run, epoch_id="demo", started_at=1.0)
    assert problem is not None and "catalog write failed" in problem and "HTTP 401" in problem
    assert SECRET not in problem


def test_a_server_that_is_down_is_reported_without_the_password(demo_run, caplog):
    url = f"arangodb://root:{SECRET}@127.0.0.1:{_closed_port()}/{DATABASE}"
    with pytest.raises(CatalogError, match="connection refused") as raised:
        open_catalog(url)
    assert SECRET not in str(raised.value)
    problem = record_run_safely(url, demo_run, epoch_id="demo", started_at=1.0)
    assert problem is not None and "cannot connect" in problem and SECRET not in problem
    started = start_epoch_safely(url, demo_run["schema"], epoch_id="demo", started_at=1.0)
    assert started is not None and SECRET not in started
    assert SECRET not in caplog.text


def test_a_user_without_write_access_gets_a_permission_error(demo_run):
    with FakeArangoServer(None, DATABASE, read_only=True) as server:
        problem = record_run_safely(_url(server), demo_run, epoch_id="demo", started_at=1.0)
        with pytest.raises(CatalogError, match=r"lacks the permission \(HTTP 403"):
            open_catalog(_url(server))
    assert problem is not None and "HTTP 403" in problem and SECRET not in problem
    assert server.created == {}


def test_a_collection_of_the_wrong_kind_is_refused(server):
    server.created[LINEAGE_COLLECTION] = FakeCollection(LINEAGE_COLLECTION, 2)
    with pytest.raises(CatalogError, match="needs an edge collection"):
        open_catalog(_url(server))


def test_the_catalog_can_use_a_live_sources_connection_and_settings(demo_run):
    with FakeArangoServer(load_bundled_demo(), "shop") as server:
        data = load_arango(server.source("shop", password=SECRET), environ={})
        catalog = open_catalog(data.connection)
        record_run(catalog, demo_run, epoch_id="demo", started_at=1.0)
        catalog.close()  # the source's connection stays open
        target = parse_arango_source(server.source("shop", password=SECRET), {})
        again = open_catalog(target, create=False)
        assert [e.id for e in again.list_epochs()] == ["demo"]
        assert data.connection.db.collection(EPOCHS_COLLECTION).count() == 1
    assert server.unexpected == []


def test_a_catalog_in_the_source_database_changes_neither_its_schema_nor_fingerprint(demo_run):
    from gaai_graph.nodes.schema import profile_schema

    with FakeArangoServer(load_bundled_demo(), "shop") as server:
        url = server.source("shop", password=SECRET)
        before = profile_schema(
            load_arango(url, environ={}), graph_name=None, core_collections=None
        )
        catalog = open_catalog(url)
        record_run(catalog, demo_run, epoch_id="demo", started_at=1.0)
        server.created["gaai_results_20250101T000000_abcd"] = server.created[ITEMS_COLLECTION]
        data = load_arango(url, environ={})
        after = profile_schema(data, graph_name=None, core_collections=None)
    assert after.fingerprint == before.fingerprint
    assert after.graph_name == before.graph_name == "ecommerce_graph"
    assert not any(name.startswith(OWN_COLLECTION_PREFIXES) for name in data.collections)
    assert [g.name for g in data.graphs] == ["ecommerce_graph"]
    assert any("skipped collections gaai_graph wrote" in w for w in data.warnings)
    assert GRAPH_NAME in OWN_GRAPH_NAMES
    assert all(
        name.startswith(OWN_COLLECTION_PREFIXES)
        for name in (EPOCHS_COLLECTION, ITEMS_COLLECTION, LINEAGE_COLLECTION)
    )
