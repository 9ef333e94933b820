"""The live ArangoDB source, tested through real python-arango against recorded HTTP exchanges.

Every exchange in `tests/fixtures/arango/` is in ArangoDB's documented response format; the
replay server answers them in order and fails the test on any request the recording lacks.
"""

from __future__ import annotations

import socket

import pytest
from arango_replay import ReplayServer

from gaai_graph.errors import SourceError
from gaai_graph.models import GraphProjection
from gaai_graph.sources import describe_source
from gaai_graph.sources.arango import (
    ArangoConnection,
    CollectionInfo,
    IntrospectedDatabase,
    StreamedCollection,
    load_arango,
)
from gaai_graph.sources.arango_url import parse_arango_source, redact_source
from gaai_graph.sources.projection import build_projection

SECRET = "s3cr3t-pa55"


def _load(server: ReplayServer, **options: object) -> object:
    # A sample smaller than the collections, so iteration streams (the path big ones take).
    options.setdefault("sample_size", 2)
    return load_arango(
        server.source("shop", password=SECRET),
        environ={},
        retry_attempts=0,
        **options,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- addresses


def test_url_gives_host_database_and_credentials() -> None:
    target = parse_arango_source("arangodb://alice:p%40ss@db.example:8530/shop", environ={})
    assert target.http_url == "http://db.example:8530"
    assert (target.database, target.username, target.password) == ("shop", "alice", "p@ss")
    assert target.verify is True
    assert target.display == "arangodb://alice@db.example:8530/shop"
    assert "p@ss" not in repr(target)


def test_tls_scheme_and_environment_fill_the_gaps() -> None:
    environ = {"ARANGO_DB": "sales", "ARANGO_USER": "bob", "ARANGO_PASSWORD": "pw"}
    target = parse_arango_source("arangodbs://db.example", environ=environ)
    assert target.http_url == "https://db.example:8529"
    assert (target.database, target.username, target.password) == ("sales", "bob", "pw")
    assert target.verify is True


def test_bare_arangodb_reads_arango_url_and_verify_settings() -> None:
    environ = {"ARANGO_URL": "https://h:9999", "ARANGO_VERIFY": "/etc/ca.pem"}
    target = parse_arango_source("arangodb", environ=environ)
    assert (target.http_url, target.database, target.verify) == (
        "https://h:9999",
        "_system",
        "/etc/ca.pem",
    )
    assert parse_arango_source("arangodb://h/x", {"ARANGO_VERIFY": "false"}).verify is False
    with pytest.raises(SourceError, match="ARANGO_URL"):
        parse_arango_source("arangodb", environ={})


@pytest.mark.parametrize(
    "spec",
    ["arangodb://u:pw@h:notaport/db", "arangodb://u:pw@/db", "arangodb://u:pw@h:1/a/b"],
)
def test_malformed_urls_are_refused_without_echoing_the_password(spec: str) -> None:
    with pytest.raises(SourceError) as raised:
        parse_arango_source(spec, environ={})
    assert "pw" not in str(raised.value).replace("pw@", "")
    assert ":pw" not in str(raised.value)


def test_redaction_removes_passwords_everywhere_a_source_is_echoed() -> None:
    assert redact_source("arangodb://root:hunter2@h:8529/db") == "arangodb://root@h:8529/db"
    assert describe_source("arangodbs://root:hunter2@h/db") == "arangodbs://root@h/db"
    assert describe_source("demo") == "demo"


# --------------------------------------------------------------------------- introspection


def test_introspection_reads_collections_counts_indexes_and_graphs() -> None:
    with ReplayServer.from_fixture("introspection") as server:
        data = _load(server)
    assert server.unexpected == [] and server.remaining == []
    catalog = data.catalog  # type: ignore[attr-defined]
    assert sorted(catalog.collections) == ["customers", "referred"]
    customers, referred = catalog.collections["customers"], catalog.collections["referred"]
    assert (customers.kind, customers.count) == ("document", 5)
    assert (referred.kind, referred.count) == ("edge", 4)
    assert [i["type"] for i in customers.indexes] == ["primary", "persistent"]
    assert catalog.skipped_system == ["_graphs"]
    assert [g.name for g in data.graphs] == ["referrals"]  # type: ignore[attr-defined]
    definition = data.graphs[0].edge_definitions[0]  # type: ignore[attr-defined]
    assert (definition.edge_collection, definition.from_vertex_collections) == (
        "referred",
        ["customers"],
    )
    assert data.source == f"arangodb://root@{server.url.split('//')[1]}/shop"  # type: ignore[attr-defined]
    assert SECRET not in repr(data)
    assert "skipped system collections: _graphs" in data.warnings  # type: ignore[attr-defined]
    # Introspection reads, never writes, and holds no documents.
    assert server.writes() == []
    assert len(data.collections["customers"].documents) == 5  # type: ignore[attr-defined]


def test_cursors_page_through_every_batch_with_bind_parameters() -> None:
    with ReplayServer.from_fixture("introspection", "cursor_paging") as server:
        data = _load(server, batch_size=2)
        customers = list(data.collections["customers"].documents)  # type: ignore[attr-defined]
        edges = list(data.collections["referred"].documents)  # type: ignore[attr-defined]
    assert server.unexpected == [] and server.remaining == []
    assert [d["_key"] for d in customers] == ["c1", "c2", "c3", "c4", "c5"]
    assert [d["name"] for d in customers] == ["Ana", "Bo", "Cy", "Di", "Ed"]
    # Edge streams carry only what a projection needs.
    assert all(set(edge) == {"_key", "_from", "_to"} for edge in edges)
    assert len(edges) == 4
    cursor_requests = [r for r in server.requests if "/_api/cursor" in r.path]
    assert [r.path.rsplit("/", 1)[-1] for r in cursor_requests] == [
        "cursor",
        "4711",
        "4711",
        "cursor",
        "4712",
    ]
    first = cursor_requests[0].body
    assert first["bindVars"] == {"@collection": "customers"}
    assert "customers" not in first["query"]
    assert first["batchSize"] == 2 and first["options"]["stream"] is True


def test_projection_streams_into_integer_edges_and_skips_dangling_ones() -> None:
    from gaai_graph.sources.arango import KEEP_QUERY

    with ReplayServer.from_fixture("introspection", "projection_paging") as server:
        data = _load(server, batch_size=2)
        projection = build_projection(
            data,  # type: ignore[arg-type]
            GraphProjection(
                vertex_collections=["customers"], edge_collections=["referred"], directed=True
            ),
            {"customers": "name"},
        )
    assert server.unexpected == [] and server.remaining == []
    assert projection.vertex_ids == [f"customers/c{i}" for i in range(1, 6)]
    assert projection.labels == ["Ana", "Bo", "Cy", "Di", "Ed"]
    assert projection.edge_pairs() == [(0, 1), (1, 2), (2, 0)]
    assert projection.skipped_edges == 1  # customers/c9 does not exist
    # Vertices arrive as key and label only, the names bound, never spliced into the query.
    vertex_query = next(r.body for r in server.requests if r.body and "query" in r.body)
    assert vertex_query["query"] == KEEP_QUERY
    assert vertex_query["bindVars"] == {"@collection": "customers", "attributes": ["_key", "name"]}


def test_an_abandoned_stream_deletes_its_server_cursor() -> None:
    with ReplayServer.from_fixture("introspection", "abandoned_cursor") as server:
        data = _load(server, batch_size=2)
        stream = iter(data.collections["customers"].documents)  # type: ignore[attr-defined]
        assert next(stream)["_key"] == "c1"
        stream.close()  # type: ignore[attr-defined]
    assert server.unexpected == [] and server.remaining == []
    assert server.requests[-1].method == "DELETE"


# --------------------------------------------------------------------------- errors


def test_bad_credentials_give_one_clear_error_without_the_password() -> None:
    with ReplayServer.from_fixture("unauthorized") as server, pytest.raises(SourceError) as raised:
        _load(server)
    message = str(raised.value)
    assert "refused the user name or password (HTTP 401)" in message
    assert "arangodb://root@127.0.0.1" in message
    assert SECRET not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_missing_database_is_named() -> None:
    with (
        ReplayServer.from_fixture("missing_database") as server,
        pytest.raises(SourceError, match=r"the database does not exist \(HTTP 404\)"),
    ):
        _load(server)


def test_a_collection_missing_at_query_time_is_reported() -> None:
    with ReplayServer.from_fixture("missing_collection") as server:
        connection = _bare_connection(server)
        with pytest.raises(SourceError) as raised:
            list(
                connection.stream(
                    "FOR d IN @@collection RETURN d",
                    {"@collection": "customers"},
                    action="reading collection 'customers'",
                )
            )
    assert "reading collection 'customers' failed: a collection does not exist" in str(raised.value)
    assert "collection or view not found: customers" in str(raised.value)


def test_a_slow_server_times_out_with_a_clear_message() -> None:
    # The recorded answer comes after 3 s; a 0.3 s timeout must give up before it arrives
    # (had it waited, the answer would have succeeded and nothing would be raised).
    with (
        ReplayServer.from_fixture("slow_server") as server,
        pytest.raises(SourceError, match=r"connecting timed out after 0.3 s"),
    ):
        _load(server, timeout=0.3)


def test_a_server_that_is_down_is_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on `port` now.
    with pytest.raises(SourceError) as raised:
        load_arango(
            f"arangodb://root:{SECRET}@127.0.0.1:{port}/shop",
            environ={},
            retry_attempts=0,
            timeout=2,
        )
    assert "cannot connect while connecting: connection refused" in str(raised.value)
    assert SECRET not in str(raised.value)


def test_a_host_that_never_answers_is_tried_once_not_three_times() -> None:
    # python-arango's Retry(total=2) retried timed-out connects and reads: a "60 s" timeout
    # took 183 s. Counting the connections the silent server receives shows the retries.
    import threading

    accepted: list[socket.socket] = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.settimeout(0.2)
        stop = threading.Event()

        def accept() -> None:
            while not stop.is_set():
                try:
                    accepted.append(server.accept()[0])  # held open, never answered
                except OSError:
                    continue

        listener = threading.Thread(target=accept, daemon=True)
        listener.start()
        try:
            with pytest.raises(SourceError, match=r"connecting timed out after 0.3 s"):
                load_arango(
                    f"arangodb://root@127.0.0.1:{server.getsockname()[1]}/shop",
                    environ={},
                    timeout=0.3,
                )
        finally:
            stop.set()
            listener.join()
            for connection in accepted:
                connection.close()
    assert len(accepted) == 1


def test_bad_timeout_setting_is_refused() -> None:
    with pytest.raises(SourceError, match="ARANGO_TIMEOUT"):
        load_arango("arangodb://h/db", environ={"ARANGO_TIMEOUT": "soon"})


# --------------------------------------------------------------------------- injection

INJECTIONS = [
    "customers` FOR x IN users RETURN x //",
    "1 RETURN 1 //",
    "customers RETURN DOCUMENT('_users/root')",
    "_users",
    "@collection",
    "",
]


def _bare_connection(server: ReplayServer) -> ArangoConnection:
    from arango import ArangoClient

    target = parse_arango_source(server.source("shop"), environ={})
    db = ArangoClient(hosts=target.http_url).db("shop", username="root", password="")
    return ArangoConnection(target=target, db=db, batch_size=2, timeout=5)


@pytest.mark.parametrize("name", INJECTIONS)
def test_names_outside_the_introspected_schema_never_reach_a_query(name: str) -> None:
    catalog = IntrospectedDatabase(
        collections={"customers": CollectionInfo("customers", "document", 5)}, graphs=[]
    )
    with ReplayServer([]) as server:
        connection = _bare_connection(server)
        with pytest.raises(SourceError, match="not in the database's introspected schema"):
            catalog.checked_collection(name)
        with pytest.raises(SourceError):
            StreamedCollection(connection, catalog, CollectionInfo(name, "document", 5))
    assert server.requests == []


@pytest.mark.parametrize("name", INJECTIONS[:3])
def test_projections_naming_unknown_collections_fail_before_any_cursor(name: str) -> None:
    with ReplayServer.from_fixture("introspection") as server:
        data = _load(server)
        with pytest.raises(SourceError, match="does not have"):
            build_projection(
                data,  # type: ignore[arg-type]
                GraphProjection(vertex_collections=[name], edge_collections=["referred"]),
                {},
            )
    assert not any("/_api/cursor" in r.path for r in server.requests)
    assert server.unexpected == []


def test_catalog_kind_and_graph_checks() -> None:
    catalog = IntrospectedDatabase(
        collections={"referred": CollectionInfo("referred", "edge", 4)}, graphs=[]
    )
    with pytest.raises(SourceError, match="is a edge collection, not document"):
        catalog.checked_collection("referred", "document")
    with pytest.raises(SourceError, match="unknown named graph"):
        catalog.checked_graph("g` RETURN 1")


def test_sampling_by_position_reads_one_random_sample_once() -> None:
    from gaai_graph.nodes.schema import profile_attributes

    with ReplayServer.from_fixture("introspection", "random_sample") as server:
        data = _load(server, sample_size=2)
        customers = data.collections["customers"].documents  # type: ignore[attr-defined]
        picked = [customers[0], customers[4], customers[-1]]
    assert server.unexpected == [] and server.remaining == []
    assert [d["_key"] for d in picked] == ["c4", "c2", "c2"]
    profiles = {p.name: p for p in profile_attributes(customers.sample())}
    assert profiles["name"].presence == 1.0 and profiles["tier"].presence == 0.5
    with pytest.raises(IndexError):
        customers[5]
    with pytest.raises(TypeError):
        customers[0:2]


def test_streaming_only_keys_and_chosen_attributes_projects_on_the_server() -> None:
    from arango_replay import FakeArangoServer

    from gaai_graph.sources.arango import KEEP_QUERY
    from gaai_graph.sources.demo import load_bundled_demo

    demo = load_bundled_demo()
    with FakeArangoServer(demo, "shop") as server:
        data = load_arango(server.source("shop"), environ={}, sample_size=10, batch_size=50)
        customers = data.collections["customers"].documents
        odd = "name` RETURN 1 //"
        kept = list(customers.stream_attributes(["name", odd]))  # type: ignore[attr-defined]
        small = load_arango(server.source("shop"), environ={}, sample_size=100_000)
        before = len(server.requests)
        cached = list(small.collections["customers"].documents.stream_attributes(["name"]))  # type: ignore[attr-defined]
        after_small = server.requests[before:]
    expected = [
        {"_key": d["_key"], "name": d["name"]} for d in demo.collections["customers"].documents
    ]
    assert kept == expected, "every document, only _key and the asked attributes"
    assert cached == expected
    (query,) = [r.body for r in server.requests if r.body and r.body.get("query") == KEEP_QUERY]
    assert query["bindVars"] == {"@collection": "customers", "attributes": ["_key", "name", odd]}
    assert "customers" not in query["query"] and "name" not in query["query"]
    assert query["batchSize"] == 50
    # A collection no larger than the sample is read once, whole, and served from memory.
    assert not any(r.body and r.body.get("query") == KEEP_QUERY for r in after_small)
    assert server.unexpected == []
