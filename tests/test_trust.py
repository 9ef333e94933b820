"""The server's trust boundary, attacked the way a remote caller of the deployed graph would.

Every test drives the graph `langgraph.json` exports the way the LangGraph server does:
`graph.ainvoke(input, context={...})`, the context a JSON object. The operator's policy comes
from an environment given to `TrustPolicy.from_environment`, compiled into a graph of its own
(`compile_server_graph`), as the module-level `graph` is at import. Each refusal is asserted as
one line, and as having read, sent and created nothing: local listeners on 127.0.0.1 record
every connection and Authorization header, and `os.open` is watched for files outside the
allowed directories.
"""

from __future__ import annotations

import base64
import math
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError, SourceError
from gaai_graph.graph import compile_server_graph
from gaai_graph.sources.demo import BUNDLED_DEMO_DIR
from gaai_graph.trust import TrustPolicy, policy_of

SECRET = "op3rator-s3cret"
MEMO = "# Requirements\n\n- Find customers who share payment cards with many others.\n"

# --------------------------------------------------------------------------- fixtures


class RecordingListener:
    """An HTTP listener on 127.0.0.1 that records every request and answers 401."""

    def __init__(self) -> None:
        """Start serving on a free loopback port in a daemon thread."""
        self.requests: list[dict[str, str]] = []
        self.connections = 0
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                listener.requests.append({k.lower(): v for k, v in self.headers.items()})
                body = b'{"error":true,"code":401,"errorNum":11,"errorMessage":"not authorized"}'
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def do_PUT(self) -> None:
                self._answer()

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def verify_request(self, request: Any, client_address: Any) -> bool:
                listener.connections += 1
                return True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def authorizations(self) -> list[str]:
        """Every Authorization header received, decoded from Basic where it is Basic."""
        seen = []
        for headers in self.requests:
            value = headers.get("authorization", "")
            if value.lower().startswith("basic "):
                value = base64.b64decode(value[6:]).decode(errors="replace")
            seen.append(value)
        return seen

    def close(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def operator_db() -> Iterator[RecordingListener]:
    """The operator's own (fake) ArangoDB, named by ARANGO_URL."""
    listener = RecordingListener()
    yield listener
    listener.close()


@pytest.fixture
def attacker() -> Iterator[RecordingListener]:
    """A host a caller names: it must never see a connection, let alone the credentials."""
    listener = RecordingListener()
    yield listener
    listener.close()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No GAAI_* or ARANGO_* setting of the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.startswith(("GAAI_ALLOW", "GAAI_DOCUMENT", "GAAI_SNAPSHOT", "ARANGO_")):
            monkeypatch.delenv(name)
    for name in ("GAAI_SOURCE", "GAAI_VERTICAL", "GAAI_MAX_DEMO_SCALE", "GAAI_GRAPH"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Allowed document and snapshot roots, and secrets next to them."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "memo.md").write_text(MEMO)
    snaps = tmp_path / "snaps"
    snaps.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text(f"- Find the accounts of {SECRET}.\n")
    (docs / "escape.md").symlink_to(secret)
    (docs / "dangling.md").symlink_to(outside / "missing.md")
    (snaps / "escape").symlink_to(outside)
    return {"docs": docs, "snaps": snaps, "outside": outside, "secret": secret}


_patch: pytest.MonkeyPatch | None = None


@pytest.fixture(autouse=True)
def _environment_patch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    global _patch
    _patch = monkeypatch
    yield
    _patch = None


def server(**environment: str) -> Any:
    """The exported graph as compiled when the server starts with these settings.

    The settings go into `os.environ` (undone after the test), which both the policy and the
    loaders read, as in a real deployment.
    """
    assert _patch is not None
    for name, value in environment.items():
        _patch.setenv(name, value)
    return compile_server_graph(TrustPolicy.from_environment())


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path `os.open` is asked for while the test runs (documents are read with it)."""
    calls: list[str] = []
    real_open = os.open

    def watching_open(path: Any, *args: Any, **kwargs: Any) -> int:
        calls.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", watching_open)
    return calls


async def refusal(graph: Any, input: dict[str, Any], context: dict[str, Any]) -> str:
    """Run and return the refusal's message, asserting it is one line of a GaaiError."""
    with pytest.raises(GaaiError) as caught:
        await graph.ainvoke(input, context=context)
    message = str(caught.value)
    assert "\n" not in message and message.strip() == message and message
    assert "Traceback" not in message
    return message


# --------------------------------------------------------------------------- live sources


async def test_caller_named_host_never_receives_the_operators_credentials(
    operator_db: RecordingListener, attacker: RecordingListener
) -> None:
    graph = server(
        ARANGO_URL=f"http://127.0.0.1:{operator_db.port}",
        ARANGO_USER="root",
        ARANGO_PASSWORD=SECRET,
        GAAI_ALLOWED_SOURCES="arangodb",
    )
    for source in (
        f"arangodb://127.0.0.1:{attacker.port}/_system",
        f"arangodb://root@127.0.0.1:{attacker.port}/_system",
        f"arangodb://localhost:{attacker.port}/shop",
        f"arangodbs://127.0.0.1:{attacker.port}/shop",
    ):
        message = await refusal(graph, {}, {"source": source})
        assert "not allowed on this server" in message and "GAAI_ALLOWED_SOURCES" in message
        assert SECRET not in message
    assert attacker.connections == 0 and attacker.requests == []

    # The control: the operator's own database does get the credentials (so the listener
    # would have recorded them, had the server sent them to the caller's host).
    with pytest.raises(SourceError):
        await graph.ainvoke({}, context={"source": "arangodb"})
    assert any(SECRET in seen for seen in operator_db.authorizations)


async def test_an_allowed_other_host_gets_no_borrowed_credentials(
    operator_db: RecordingListener, attacker: RecordingListener
) -> None:
    graph = server(
        ARANGO_URL=f"http://127.0.0.1:{operator_db.port}",
        ARANGO_PASSWORD=SECRET,
        GAAI_ALLOWED_SOURCES=f"127.0.0.1:{attacker.port}/shop_*",
    )
    message = await refusal(graph, {}, {"source": f"arangodb://127.0.0.1:{attacker.port}/shop_1"})
    assert "credentials are only sent to the operator's own database" in message
    # The host after the last "@" is the one connected to, and the one checked.
    for trick in (
        f"arangodb://u:p@127.0.0.1:{attacker.port}@169.254.169.254/shop_1",
        f"arangodb://127.0.0.1:{attacker.port}@10.0.0.1:8529/shop_1",
    ):
        assert "not allowed on this server" in await refusal(graph, {}, {"source": trick})
    # Not a database the pattern allows, even on the allowed host.
    message = await refusal(graph, {}, {"source": f"arangodb://u:p@127.0.0.1:{attacker.port}/hr"})
    assert "not allowed on this server" in message
    assert attacker.connections == 0

    # With the caller's own credentials the allowed database is reached, and only they are sent.
    with pytest.raises(SourceError):
        await graph.ainvoke(
            {}, context={"source": f"arangodb://alice:wonder@127.0.0.1:{attacker.port}/shop_1"}
        )
    assert attacker.authorizations and all(
        seen == "alice:wonder" for seen in attacker.authorizations
    )
    assert operator_db.connections == 0


@pytest.mark.parametrize(
    "source",
    [
        "arangodb://169.254.169.254:80/latest",
        "arangodb://169.254.169.254/_system",
        "arangodb://127.0.0.1:8529/_system",
        "arangodb://[::1]:8529/_system",
        "arangodb://10.0.0.5:8529/_system",
        "arangodb://192.168.1.1:8529/_system",
        "arangodb://metadata.google.internal/_system",
        "arangodb://0x7f000001:8529/_system",
        "arangodb://u:pw@169.254.169.254/_system",
        "arangodb",
        "arangodb:///_system",
    ],
)
async def test_ssrf_targets_are_refused_before_any_connection(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    attempts: list[Any] = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a))
    message = await refusal(server(ARANGO_PASSWORD=SECRET), {}, {"source": source})
    assert "not allowed on this server" in message
    assert "pw" not in message and SECRET not in message
    assert attempts == []


@pytest.mark.parametrize(
    "source", ["http://127.0.0.1:8529/x", "file:///etc/passwd", "mysql://u:pw@h/db", "gopher://h/"]
)
async def test_unsupported_schemes_are_refused_without_the_password(source: str) -> None:
    message = await refusal(server(), {}, {"source": source})
    assert "unsupported source" in message and ":pw@" not in message


def test_an_empty_user_with_a_password_is_not_a_root_login() -> None:
    from gaai_graph.sources.arango_url import parse_arango_source

    with pytest.raises(SourceError) as caught:
        parse_arango_source("arangodb://:secret@db.example:8529/shop", {})
    assert "password but no user name" in str(caught.value)
    assert "secret" not in str(caught.value)


# --------------------------------------------------------------------------- operator switches


async def test_write_back_and_the_gae_are_operator_switches(
    operator_db: RecordingListener,
) -> None:
    environment = {
        "ARANGO_URL": f"http://127.0.0.1:{operator_db.port}",
        "GAAI_ALLOWED_SOURCES": "arangodb",
    }
    graph = server(**environment)
    for context, switch in (
        ({"source": "arangodb", "write_results": True}, "GAAI_ALLOW_WRITE_RESULTS"),
        ({"source": "arangodb", "engine": "gae"}, "GAAI_ALLOW_GAE"),
        ({"source": "arangodb", "gae_engine": "svc-1"}, "GAAI_ALLOW_GAE"),
    ):
        message = await refusal(graph, {}, context)
        assert switch in message
    assert operator_db.connections == 0

    allowing = server(**environment, GAAI_ALLOW_WRITE_RESULTS="true", GAAI_ALLOW_GAE="yes")
    built = allowing.context_schema(source="arangodb", write_results=True, engine="gae")
    assert built.write_results and built.engine == "gae"


async def test_auto_cannot_reach_the_gae_on_a_server_that_does_not_allow_it(
    operator_db: RecordingListener,
) -> None:
    from types import SimpleNamespace

    from gaai_graph.models import GraphProjection
    from gaai_graph.nodes.execute import engine_for

    environment = {
        "ARANGO_URL": f"http://127.0.0.1:{operator_db.port}",
        "GAAI_ALLOWED_SOURCES": "arangodb",
    }
    # A live projection far above any threshold (counted, never read).
    huge = SimpleNamespace(collections={"e": SimpleNamespace(documents=range(10**10))})
    projection = GraphProjection(vertex_collections=["v"], edge_collections=["e"])

    refusing = server(**environment)
    built = refusing.context_schema(source="arangodb", engine="auto")
    assert built.engine == "local"
    assert engine_for(built, huge, projection) == "local"  # type: ignore[arg-type]
    assert "GAAI_ALLOW_GAE" in await refusal(refusing, {}, {"source": "arangodb", "engine": "gae"})

    allowing = server(**environment, GAAI_ALLOW_GAE="true")
    kept = allowing.context_schema(source="arangodb", engine="auto")
    assert kept.engine == "auto"
    assert engine_for(kept, huge, projection) == "gae"  # type: ignore[arg-type]
    assert operator_db.connections == 0


async def test_python_objects_cannot_be_smuggled_in_as_a_chat_model() -> None:
    message = await refusal(server(), {}, {"chat_model": {"base_url": "http://evil"}})
    assert "chat_model" in message


# --------------------------------------------------------------------------- paths


async def test_a_server_run_sent_no_context_reads_documents_under_the_policy(
    files: dict[str, Path], opened: list[str]
) -> None:
    # The graph's context schema carries the policy, also when the caller sends no context.
    graph = server(GAAI_DOCUMENT_DIRS=str(files["docs"]))
    with pytest.raises(GaaiError, match="not inside a directory this server lets callers read"):
        await graph.ainvoke({"documents": [str(files["secret"])]})
    assert not any(call.endswith("secret.md") for call in opened)


async def test_documents_outside_the_allowed_directories_are_refused_alike(
    files: dict[str, Path], opened: list[str]
) -> None:
    graph = server(GAAI_DOCUMENT_DIRS=str(files["docs"]))
    outside = files["outside"]
    probes = {
        "existing": str(files["secret"]),
        "missing": str(outside / "missing.md"),
        "traversal": str(files["docs"] / ".." / "outside" / "secret.md"),
        "relative traversal": "../outside/secret.md",
        "symlink escape": str(files["docs"] / "escape.md"),
        "dangling symlink": str(files["docs"] / "dangling.md"),
        "device": "/dev/zero",
        "passwd": "/etc/passwd",
    }
    messages = {}
    for label, path in probes.items():
        for document in (path, {"path": path}, {"path": path, "name": "memo"}):
            message = await refusal(graph, {"documents": [document]}, {"source": "demo"})
            messages[label] = message.replace(repr(path), "<path>")
    assert len(set(messages.values())) == 1, messages
    assert "not inside a directory this server lets callers read" in messages["existing"]
    assert "GAAI_DOCUMENT_DIRS" in messages["existing"]
    assert all(str(outside) not in call and "/dev/zero" not in call for call in opened)
    assert not any(call.endswith("passwd") for call in opened)
    # `~` is not the server's home: a relative path, inside the first document directory.
    message = await refusal(graph, {"documents": ["~/.ssh/id_rsa"]}, {"source": "demo"})
    assert message == "requirement document not found: ~/.ssh/id_rsa"
    assert not any(call.startswith(os.path.expanduser("~/.ssh")) for call in opened)


async def test_without_document_directories_no_path_is_read(
    files: dict[str, Path], opened: list[str]
) -> None:
    message = await refusal(server(), {"documents": [str(files["docs"] / "memo.md")]}, {})
    assert "GAAI_DOCUMENT_DIRS" in message
    assert opened == [] or all("memo.md" not in call for call in opened)


async def test_documents_inside_the_allowed_directories_are_read(files: dict[str, Path]) -> None:
    graph = server(GAAI_DOCUMENT_DIRS=str(files["docs"]))
    for document in ("memo.md", str(files["docs"] / "memo.md"), {"path": "./memo.md"}):
        result = await graph.ainvoke(
            {"documents": [document]}, context={"source": "demo", "max_templates": 1}
        )
        assert {r.source for r in result["summary"].requirements} == {"memo.md"}


async def test_a_fifo_inside_the_allowed_directory_does_not_hang(files: dict[str, Path]) -> None:
    os.mkfifo(files["docs"] / "pipe.md")
    graph = server(GAAI_DOCUMENT_DIRS=str(files["docs"]))
    message = await refusal(graph, {"documents": ["pipe.md"]}, {"source": "demo"})
    assert "is not a regular file" in message


async def test_snapshots_outside_the_allowed_directories_are_refused_alike(
    files: dict[str, Path],
) -> None:
    graph = server(GAAI_SNAPSHOT_DIRS=str(files["snaps"]))
    probes = [
        str(files["outside"]),
        str(files["outside"] / "missing"),
        str(files["snaps"] / "escape"),
        str(files["snaps"] / ".." / "outside"),
        "/dev/zero",
        "relative/../../outside",
    ]
    messages = set()
    for path in probes:
        message = await refusal(graph, {}, {"source": path})
        messages.add(message.replace(repr(path), "<path>"))
    assert len(messages) == 1, messages
    assert "GAAI_SNAPSHOT_DIRS" in messages.pop()


async def test_a_snapshot_inside_an_allowed_directory_loads() -> None:
    graph = server(GAAI_SNAPSHOT_DIRS=str(BUNDLED_DEMO_DIR.parent))
    context_type = graph.context_schema
    built = context_type(source=BUNDLED_DEMO_DIR.name)
    assert built.source == str(BUNDLED_DEMO_DIR.resolve())


async def test_vertical_files_follow_the_document_directories(files: dict[str, Path]) -> None:
    outside = files["outside"] / "mine.json"
    outside.write_text("{}")
    graph = server(GAAI_DOCUMENT_DIRS=str(files["docs"]))
    message = await refusal(graph, {}, {"vertical": str(outside)})
    assert "context field" not in message and "GAAI_DOCUMENT_DIRS" in message
    missing = await refusal(graph, {}, {"vertical": str(files["outside"] / "gone.json")})
    assert message.replace(str(outside), "<p>") == missing.replace(
        str(files["outside"] / "gone.json"), "<p>"
    )


# --------------------------------------------------------------------------- demo scale


@pytest.mark.parametrize(
    "source", ["demo:1e9", "demo:0", "demo:nan", "demo:inf", "demo:-1", "demo:x"]
)
async def test_unbounded_demo_scales_are_refused(source: str) -> None:
    message = await refusal(server(), {}, {"source": source})
    assert "demo scale must be a number from 0.2 to 100" in message


async def test_the_server_bounds_demo_scale_lower_than_the_cli() -> None:
    graph = server(GAAI_MAX_DEMO_SCALE="2")
    message = await refusal(graph, {}, {"source": "demo:3"})
    assert "up to scale 2" in message and "GAAI_MAX_DEMO_SCALE" in message
    assert graph.context_schema(source="demo:1.5").source == "demo:1.5"


# --------------------------------------------------------------------------- context fields


@pytest.mark.parametrize(
    ("context", "field"),
    [
        ({"llm_timeout": math.nan}, "llm_timeout must be positive and finite"),
        ({"llm_timeout": math.inf}, "llm_timeout"),
        ({"llm_timeout": -5}, "llm_timeout"),
        ({"llm_timeout": "60"}, "llm_timeout"),
        ({"max_executions": "8"}, "max_executions"),
        ({"max_executions": True}, "max_executions"),
        ({"max_executions": 0}, "max_executions"),
        ({"top_k": 2.5}, "top_k"),
        ({"seed": None}, "seed"),
        ({"source": 42}, "source"),
        ({"source": ["demo"]}, "source"),
        ({"source": "demo\n"}, "source"),
        ({"graph_name": "g\x00"}, "graph_name"),
        ({"vertical": "fraud\x1b[31m"}, "vertical"),
        ({"core_collections": "customers"}, "core_collections"),
        ({"core_collections": ["a\tb"]}, "core_collections"),
        ({"source": "x" * 100_000}, "source"),
        ({"engine": "spark"}, "engine"),
        ({"llm_structured_method": "magic"}, "llm_structured_method"),
        ({"llm_prices": {"m": [1, "free"]}}, "llm_prices"),
        ({"approve_templates": "yes"}, "approve_templates"),
    ],
)
async def test_context_fields_of_the_wrong_kind_get_one_line(
    context: dict[str, Any], field: str
) -> None:
    message = await refusal(server(), {}, context)
    assert field in message
    assert len(message) < 400


def test_an_explicit_demo_source_beats_gaai_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAAI_SOURCE", "/srv/operator/snapshot")
    monkeypatch.setenv("GAAI_VERTICAL", "fraud_aml")
    graph = server(GAAI_SOURCE="/srv/operator/snapshot")
    assert graph.context_schema(**{"source": "demo"}).source == "demo"
    assert graph.context_schema(**{"vertical": "auto"}).vertical == "auto"
    assert graph.context_schema(**{}).source == "/srv/operator/snapshot"
    assert graph.context_schema(**{}).vertical == "fraud_aml"
    # The CLI passes its defaults explicitly (`--source` defaults to "demo"), so there only a
    # value other than the default beats the environment.
    assert Context(source="demo").source == "/srv/operator/snapshot"
    assert Context(source="demo:1").source == "demo:1"


def test_the_caller_cannot_switch_the_policy() -> None:
    graph = server()
    built = graph.context_schema(source="demo")
    assert policy_of(built).server
    # No field names the policy, so a caller has nothing to set.
    properties = graph.get_context_jsonschema()["properties"]
    assert not {"trust_policy", "policy", "server"} & set(properties)
    with pytest.raises(TypeError):
        graph.context_schema(trust_policy="local")
    # The Python API keeps full access.
    assert not policy_of(Context()).server and not policy_of(None).server


def test_the_exported_graph_is_the_server_graph() -> None:
    from gaai_graph.graph import graph

    assert policy_of(graph.context_schema()).server


# --------------------------------------------------------------------------- graph input


@pytest.mark.parametrize(
    ("documents", "expected"),
    [
        (42, "input field 'documents' must be a list"),
        ("memo.md", "input field 'documents' must be a list"),
        ({"path": "memo.md"}, "input field 'documents' must be a list"),
        ([42], "document #1 is a int"),
        ([None], "document #1 is a NoneType"),
        ([{"content": 7}], "'content' must be a string"),
        ([{"content": {"nested": ["x"]}}], "'content' must be a string"),
        ([{"name": "x"}], "has neither 'path' nor 'content'"),
        ([{"path": 5}], "empty or non-text path"),
        ([{"path": ""}], "empty or non-text path"),
        ([{"path": "memo\x00.md"}], "empty or non-text path"),
        ([{"content": "x", "name": "a\nb"}], "holds a control character"),
        ([{"content": "x", "name": 3}], "'name' must be text"),
        ([{"content": "find hubs"}] * 1001, "at most 1000"),
    ],
)
async def test_documents_of_the_wrong_shape_get_one_line(
    documents: Any, expected: str, files: dict[str, Path], opened: list[str]
) -> None:
    graph = server(GAAI_DOCUMENT_DIRS=str(files["docs"]))
    message = await refusal(graph, {"documents": documents}, {"source": "demo"})
    assert expected in message
    assert not any("memo" in call for call in opened)


async def test_deeply_nested_input_does_not_blow_the_stack() -> None:
    nested: Any = "x"
    for _ in range(100_000):
        nested = [nested]
    for document in (
        nested,
        {"path": nested},
        {"content": nested},
        {"content": "x", "name": nested},
    ):
        message = await refusal(server(), {"documents": [document]}, {"source": "demo"})
        assert len(message) < 300


async def test_invalid_utf8_is_named_not_decoded(files: dict[str, Path]) -> None:
    (files["docs"] / "latin1.md").write_bytes("- Find the caf\xe9 hubs.\n".encode("latin-1"))
    graph = server(GAAI_DOCUMENT_DIRS=str(files["docs"]))
    message = await refusal(graph, {"documents": ["latin1.md"]}, {"source": "demo"})
    assert "is not UTF-8 text" in message
    message = await refusal(
        graph, {"documents": [{"content": b"\xff\xfe\xfa"}]}, {"source": "demo"}
    )
    assert "not UTF-8 text" in message


@pytest.mark.parametrize("run_id", [42, "a" * 300, "run\n1", "run\x00"])
async def test_bad_run_ids_are_refused(run_id: Any) -> None:
    message = await refusal(server(), {"run_id": run_id}, {"source": "demo"})
    assert "input field 'run_id'" in message


async def test_the_server_graph_runs_the_demo_for_a_caller() -> None:
    result = await server().ainvoke({}, context={"source": "demo", "max_templates": 1})
    assert result["reports"] and result["summary"].source == "demo"


async def test_a_vertical_file_linked_out_of_the_allowed_directory_is_refused(
    files: dict[str, Path],
) -> None:
    target = files["outside"] / "fraud.json"
    target.write_text("{}")
    (files["docs"] / "fraud.json").symlink_to(target)
    graph = server(GAAI_DOCUMENT_DIRS=str(files["docs"]))
    message = await refusal(graph, {}, {"source": "demo", "vertical": "fraud.json"})
    assert "not inside a directory this server lets callers read" in message


async def test_the_server_checks_do_not_block_the_event_loop(
    files: dict[str, Path], tmp_path: Path
) -> None:
    """Under `langgraph dev` blockbuster fails any blocking call on the event loop.

    The context is built (and checked) on the loop, so that check must not touch the
    filesystem; following links happens in the nodes' worker threads.
    """
    from blockbuster import BlockBuster

    from gaai_graph.sources import _cache

    vertical = Path(__file__).resolve().parents[1] / "gaai_graph" / "data" / "verticals"
    graph = server(
        GAAI_SNAPSHOT_DIRS=str(BUNDLED_DEMO_DIR.parent) + os.pathsep + str(files["snaps"]),
        GAAI_DOCUMENT_DIRS=str(files["docs"]) + os.pathsep + str(vertical),
    )
    _cache.clear()
    blockbuster = BlockBuster()
    blockbuster.activate()
    try:
        result = await graph.ainvoke(
            {"documents": ["memo.md"]},
            context={
                "source": str(BUNDLED_DEMO_DIR),
                "vertical": str(vertical / "fraud_aml.json"),
                "max_templates": 1,
            },
        )
        with pytest.raises(GaaiError, match="not inside a directory"):
            await graph.ainvoke({}, context={"source": str(files["snaps"] / "escape")})
    finally:
        blockbuster.deactivate()
    assert result["summary"].vertical == "fraud_aml"
    assert result["reports"]


# --------------------------------------------------------------------------- operator settings


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GAAI_ALLOWED_SOURCES", "ftp://files.example/x"),
        ("GAAI_ALLOWED_SOURCES", "arangodb://u:pw@db:8529/shop"),
        ("GAAI_DOCUMENT_DIRS", "relative/docs"),
        ("GAAI_ALLOW_GAE", "maybe"),
        ("GAAI_MAX_DEMO_SCALE", "nan"),
    ],
)
async def test_bad_operator_settings_refuse_every_request(variable: str, value: str) -> None:
    assert _patch is not None
    _patch.setenv(variable, value)
    graph = compile_server_graph(TrustPolicy.for_server())
    message = await refusal(graph, {}, {"source": "demo"})
    assert message.startswith("this server's trust settings are invalid") and variable in message
    assert ":pw@" not in message


def test_the_operators_own_default_source_is_allowed(operator_db: RecordingListener) -> None:
    graph = server(GAAI_SOURCE=f"arangodb://reader:pw@127.0.0.1:{operator_db.port}/shop")
    assert graph.context_schema().source.endswith("/shop")
    # ... but not other databases on that host.
    with pytest.raises(GaaiError, match="not allowed"):
        graph.context_schema(source=f"arangodb://reader:pw@127.0.0.1:{operator_db.port}/hr")
    assert server(GAAI_SOURCE="demo:20").context_schema().source == "demo:20"


async def test_a_run_without_context_reads_documents_under_the_server_policy(
    files: dict[str, Path], opened: list[str]
) -> None:
    graph = server(GAAI_DOCUMENT_DIRS=str(files["docs"]))
    with pytest.raises(GaaiError, match="not inside a directory this server lets callers read"):
        await graph.ainvoke({"documents": [str(files["secret"])]})
    assert not any(str(files["outside"]) in call for call in opened)
    result = await graph.ainvoke({"documents": ["memo.md"]})
    assert {r.source for r in result["summary"].requirements} == {"memo.md"}


def test_a_thread_context_rebuilt_for_a_server_caller_stays_under_the_policy(
    files: dict[str, Path],
) -> None:
    from gaai_graph.thread_identity import context_for_thread, identity_of

    graph = server(GAAI_SNAPSHOT_DIRS=str(BUNDLED_DEMO_DIR.parent))
    started = graph.context_schema(source=str(BUNDLED_DEMO_DIR))
    recorded = identity_of(started, [])
    resumed = context_for_thread(recorded, graph.context_schema())  # the caller sent `{}`
    assert resumed.source == str(BUNDLED_DEMO_DIR) and policy_of(resumed).server
    # A record naming what the policy refuses (say, written before the operator narrowed it)
    # is refused too, not trusted.
    recorded["context"]["source"] = str(files["outside"])
    with pytest.raises(GaaiError, match="not inside a directory"):
        context_for_thread(recorded, graph.context_schema())
