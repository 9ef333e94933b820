"""The graph served by `langgraph dev`, driven through `langgraph_sdk` as Studio or a client would.

One server per module: `langgraph dev --no-browser --no-reload` on a free loopback port, started
in a temporary directory (the in-memory runtime writes `.langgraph_api/` into its working
directory, and its log goes there too, never into the project), and stopped by its process group
at the end. The server runs WITHOUT `--allow-blocking`, so blockbuster turns any blocking call
inside a node (file reads, sqlite, sleeping) into a failed run: a probe graph that reads a file
synchronously proves the check is active, and every run below exercises the file-reading paths
(document paths, snapshot directories, vertical files).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

PROJECT = Path(__file__).resolve().parents[1]
CONFIG = PROJECT / "langgraph.json"
LANGGRAPH = Path(sys.executable).with_name("langgraph")
GRAPH_ID = "gaai_graph"
PROBE_ID = "blocking_probe"
STARTUP_SECONDS = 120.0

# A graph whose node queries sqlite the blocking way: under blockbuster its run must fail.
# (The server's blockbuster lets plain file reads through; the strict in-process test below
# catches those.)
PROBE_SOURCE = """
import sqlite3

from typing_extensions import TypedDict
from langgraph.graph import END, START, StateGraph


class ProbeState(TypedDict, total=False):
    path: str
    text: str


async def read_blocking(state: ProbeState) -> dict:
    connection = sqlite3.connect(state["path"])
    try:
        (text,) = connection.execute("SELECT 'read me'").fetchone()
    finally:
        connection.close()
    return {"text": text}


builder = StateGraph(ProbeState)
builder.add_node("read_blocking", read_blocking)
builder.add_edge(START, "read_blocking")
builder.add_edge("read_blocking", END)
graph = builder.compile()
"""

RINGS_MEMO = (
    "# Fraud review\n\n## Requirements\n"
    "- Detect fraud rings: groups of customers sharing devices or payment cards.\n"
    "- Identify our most influential customers in the referral programme.\n"
)


@dataclass
class Server:
    """A running `langgraph dev` process."""

    url: str
    process: subprocess.Popen[bytes]
    workdir: Path
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _served_config(workdir: Path) -> Path:
    """The project's langgraph.json with its relative paths made absolute.

    `langgraph dev` resolves the config's paths against its working directory, which must be a
    temporary one here; everything else in the config is served as written.
    """
    config = json.loads(CONFIG.read_text(encoding="utf-8"))
    config["dependencies"] = [
        str((PROJECT / dep).resolve()) if dep.startswith(".") else dep
        for dep in config["dependencies"]
    ]
    graphs: dict[str, str] = {}
    for graph_id, spec in config["graphs"].items():
        path, _, variable = spec.rpartition(":")
        graphs[graph_id] = f"{(PROJECT / path).resolve()}:{variable}"
    probe = workdir / "blocking_probe.py"
    probe.write_text(PROBE_SOURCE, encoding="utf-8")
    graphs[PROBE_ID] = f"{probe}:graph"
    config["graphs"] = graphs
    if "app" in config.get("http", {}):
        path, _, variable = config["http"]["app"].rpartition(":")
        config["http"]["app"] = f"{(PROJECT / path).resolve()}:{variable}"
    served = workdir / "langgraph.json"
    served.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return served


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole process group: SIGTERM, then SIGKILL after a grace period."""
    group = process.pid  # start_new_session=True: the server leads its own group
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(group, signal.SIGKILL)
        process.wait(timeout=15)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(group, signal.SIGKILL)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    assert LANGGRAPH.exists(), (
        "langgraph-cli[inmem] is part of the dev extra: pip install -e .[dev]"
    )
    workdir = tmp_path_factory.mktemp("langgraph_dev")
    config = _served_config(workdir)
    port = _free_loopback_port()
    log = workdir / "server.log"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LANGSMITH_", "LANGCHAIN_", "GAAI_"))
    }
    environment["LANGSMITH_TRACING"] = "false"
    # The strict serializer (issue 19.3): every run below, interrupts and resumes included,
    # restores the project's models through the allowlist, or fails.
    environment["LANGGRAPH_STRICT_MSGPACK"] = "true"
    # The operator's trust policy (gaai_graph.trust): callers may name files under the tests'
    # temporary directories and the bundled verticals, and snapshots beside the bundled demo.
    from gaai_graph.sources.demo import BUNDLED_DEMO_DIR

    environment["GAAI_DOCUMENT_DIRS"] = os.pathsep.join(
        [str(tmp_path_factory.getbasetemp().resolve()), str(PROJECT / "gaai_graph" / "data")]
    )
    environment["GAAI_SNAPSHOT_DIRS"] = str(BUNDLED_DEMO_DIR.parent)
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                str(LANGGRAPH),
                "dev",
                "--no-browser",
                "--no-reload",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--config",
                str(config),
            ],
            cwd=workdir,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
            start_new_session=True,
        )
    running = Server(f"http://127.0.0.1:{port}", process, workdir, log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"langgraph dev exited with {process.returncode}:\n{running.log_text()}"
                )
            try:
                if httpx.get(f"{running.url}/ok", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"langgraph dev not ready in {STARTUP_SECONDS}s:\n{running.log_text()}")
            time.sleep(0.5)
        yield running
    finally:
        _stop(process)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of the server's process group is left


@pytest.fixture
async def client(server: Server) -> AsyncIterator[LangGraphClient]:
    client = get_client(url=server.url)
    try:
        yield client
    finally:
        await client.aclose()


async def _demo_thread(client: LangGraphClient) -> str:
    thread = await client.threads.create()
    return str(thread["thread_id"])


# --------------------------------------------------------------------------- configuration


def test_langgraph_validate_accepts_the_project_config() -> None:
    checked = subprocess.run(
        [str(LANGGRAPH), "validate", "--config", str(CONFIG)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "is valid" in checked.stdout
    assert "warning" not in (checked.stdout + checked.stderr).lower()


def test_langgraph_dockerfile_builds_the_server_image_from_the_config(tmp_path: Path) -> None:
    """The production image recipe (`langgraph build` uses the same one) installs this package
    and serves this graph; building it needs Docker, which the suite does not."""
    dockerfile = tmp_path / "Dockerfile"
    made = subprocess.run(
        [str(LANGGRAPH), "dockerfile", "--config", str(CONFIG), str(dockerfile)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    recipe = dockerfile.read_text(encoding="utf-8")
    assert recipe.startswith("FROM langchain/langgraph-api:3.11")
    graphs_line = next(line for line in recipe.splitlines() if "LANGSERVE_GRAPHS" in line)
    graphs = json.loads(graphs_line.split("=", 1)[1].strip("'"))
    # The image mounts the project under /deps/<checkout directory name>.
    assert graphs == {GRAPH_ID: f"/deps/{PROJECT.name}/gaai_graph/graph.py:graph"}
    assert "uv pip install" in recipe and "-e ." in recipe


def test_the_config_names_the_compiled_graph_without_a_checkpointer() -> None:
    import importlib.util

    from langgraph.graph.state import CompiledStateGraph

    spec = json.loads(CONFIG.read_text(encoding="utf-8"))["graphs"][GRAPH_ID]
    path, _, variable = spec.rpartition(":")
    module_spec = importlib.util.spec_from_file_location("served_graph", PROJECT / path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    served = getattr(module, variable)
    assert isinstance(served, CompiledStateGraph)
    assert served.checkpointer is None  # the server refuses graphs that bring their own


async def test_studio_gets_described_input_and_context_forms(client: LangGraphClient) -> None:
    (assistant,) = await client.assistants.search(graph_id=GRAPH_ID)
    schemas = await client.assistants.get_schemas(assistant["assistant_id"])

    inputs = schemas["input_schema"]["properties"]
    assert "documents" in inputs and inputs["documents"]["description"]
    document_kinds = json.dumps(inputs["documents"]["items"])
    assert "content" in json.dumps(schemas["input_schema"].get("$defs", {}))
    assert "string" in document_kinds
    context = schemas["context_schema"]["properties"]
    for name in ("source", "vertical", "max_executions", "max_templates", "model"):
        assert name in context, name
    undescribed = [name for name, field in context.items() if not field.get("description")]
    undescribed += [name for name, field in inputs.items() if not field.get("description")]
    assert undescribed == []
    assert context["approve_templates"]["default"] is False

    # Every field of the context form has a type a form can render; Python-only objects
    # (a LangChain chat model) are not offered at all.
    assert "chat_model" not in context
    untyped = [
        name for name, field in context.items() if "type" not in field and "anyOf" not in field
    ]
    assert untyped == []
    assert "arangodb://" in context["source"]["description"]
    for name in ("max_executions", "max_templates", "top_k"):
        assert context[name]["type"] == "integer" and context[name]["minimum"] == 1, name
    assert context["engine"]["enum"] == ["local", "gae", "auto"]
    # The model field asks Studio for a model picker, as the LangGraph templates do.
    assert context["model"]["__template_metadata__"] == {"kind": "llm"}
    assert context["model"]["default"] is None

    # The document kinds: one string (a path), {"path", "name"} and {"content", "name"}, each
    # nested field described.
    kinds = inputs["documents"]["items"]["anyOf"]
    assert [kind for kind in kinds if kind.get("type") == "string"] == [{"type": "string"}]
    definitions = schemas["input_schema"]["$defs"]
    referenced = [definitions[kind["$ref"].rsplit("/", 1)[1]] for kind in kinds if "$ref" in kind]
    assert sorted(sorted(d["properties"]) for d in referenced) == [
        ["content", "name"],
        ["name", "path"],
    ]
    assert sorted(d["required"] for d in referenced) == [["content"], ["path"]]
    nested = {
        f"{d['title']}.{name}": field for d in referenced for name, field in d["properties"].items()
    }
    assert [name for name, field in nested.items() if not field.get("description")] == []


# --------------------------------------------------------------------------- runs


async def test_runs_wait_runs_the_demo_and_the_thread_holds_the_final_state(
    client: LangGraphClient,
) -> None:
    thread_id = await _demo_thread(client)
    output = await client.runs.wait(
        thread_id, GRAPH_ID, input={"documents": []}, context={"max_executions": 4}
    )

    assert isinstance(output, dict) and "__interrupt__" not in output
    summary = output["summary"]
    reports = output["reports"]
    assert len(reports) == len(summary["templates"]) >= 5
    assert all(r["status"] == "succeeded" for r in reports), [r["error"] for r in reports]
    assert summary["vertical"] == "ecommerce"

    state = await client.threads.get_state(thread_id)
    assert state["next"] == []
    values = state["values"]
    assert values["summary"]["run_id"] == summary["run_id"]
    assert {r["template_id"] for r in values["reports"]} == {t["id"] for t in summary["templates"]}
    assert values["schema"]["graph_name"] == "ecommerce_graph"


async def test_runs_stream_reports_every_phase_in_order(client: LangGraphClient) -> None:
    thread_id = await _demo_thread(client)
    updated: list[str] = []
    last_values: dict[str, Any] = {}
    async for part in client.runs.stream(
        thread_id,
        GRAPH_ID,
        input={"documents": [{"content": RINGS_MEMO, "name": "fraud-memo"}]},
        context={"max_executions": 2},
        stream_mode=["updates", "values"],
    ):
        assert part.event != "error", part.data
        if part.event == "updates":
            updated.extend(part.data)
        elif part.event == "values":
            last_values = part.data

    phases = ["analyze_schema", "extract_requirements", "resolve_vertical"]
    phases += ["generate_use_cases", "generate_templates", "run_template", "aggregate"]
    assert set(phases) <= set(updated)
    assert updated[-1] == "aggregate"
    assert "approve_templates" not in updated
    summary = last_values["summary"]
    assert len(last_values["reports"]) == len(summary["templates"]) >= 2
    state = await client.threads.get_state(thread_id)
    assert state["values"]["summary"] == summary
    assert {r["source"] for r in state["values"]["requirements"]} == {"fraud-memo"}


async def test_file_inputs_are_read_without_blocking_the_server(
    client: LangGraphClient, tmp_path: Path
) -> None:
    from gaai_graph.sources.demo import BUNDLED_DEMO_DIR

    memo = tmp_path / "memo.md"
    memo.write_text(RINGS_MEMO, encoding="utf-8")
    snapshot = BUNDLED_DEMO_DIR  # an arangodump directory, read like any user's snapshot
    vertical = PROJECT / "gaai_graph" / "data" / "verticals" / "fraud_aml.json"

    output = await client.runs.wait(
        await _demo_thread(client),
        GRAPH_ID,
        input={"documents": [str(memo), {"path": str(memo), "name": "memo-again"}]},
        context={"source": str(snapshot), "vertical": str(vertical), "max_executions": 2},
    )

    assert isinstance(output, dict), output
    summary = output["summary"]
    assert summary["vertical"] == "fraud_aml"
    assert summary["source"] == str(snapshot)
    assert output["reports"] and all(r["status"] == "succeeded" for r in output["reports"])


async def test_blocking_io_in_a_node_fails_the_run(
    client: LangGraphClient, server: Server, tmp_path: Path
) -> None:
    target = tmp_path / "probe.sqlite"
    thread_id = await _demo_thread(client)
    with pytest.raises(Exception, match="BlockingError"):
        await client.runs.wait(thread_id, PROBE_ID, input={"path": str(target)})
    (run,) = await client.runs.list(thread_id)
    assert run["status"] == "error"
    assert "Blocking call" in server.log_text()


@pytest.mark.parametrize(
    ("context", "kind", "quoted"),
    [
        ({"source": "/no/such/snapshot"}, "TrustError", "/no/such/snapshot"),
        ({"source": "arangodb://169.254.169.254/_system"}, "TrustError", "not allowed"),
        ({"source": "demo:1e9"}, "SourceError", "demo scale must be a number"),
        ({"vertical": "astrology"}, "VerticalError", "unknown vertical 'astrology'"),
    ],
)
async def test_user_errors_reach_the_client_with_their_message(
    client: LangGraphClient, context: dict[str, Any], kind: str, quoted: str
) -> None:
    """The server hides the message of unexpected exceptions; ours say what to fix."""
    thread_id = await _demo_thread(client)
    with pytest.raises(Exception) as raised:
        await client.runs.wait(thread_id, GRAPH_ID, input={}, context=context)
    message = str(raised.value)
    assert message.startswith(f"{kind}: ") and quoted in message, message
    assert "internal error" not in message.lower()

    streamed = [
        part.data
        async for part in client.runs.stream(
            await _demo_thread(client), GRAPH_ID, input={}, context=context
        )
        if part.event == "error"
    ]
    assert [error["error"] for error in streamed] == [kind]
    assert quoted in streamed[0]["message"]


# --------------------------------------------------------------------------- approval


async def test_approval_accept_all_runs_every_template_through_the_server(
    client: LangGraphClient,
) -> None:
    approve = {"approve_templates": True, "max_executions": 4}
    thread_id = await _demo_thread(client)
    paused = await client.runs.wait(thread_id, GRAPH_ID, input={}, context=approve)
    assert isinstance(paused, dict) and paused["__interrupt__"]
    shown = [t["id"] for t in paused["__interrupt__"][0]["value"]["templates"]]
    assert len(shown) >= 4

    output = await client.runs.wait(thread_id, GRAPH_ID, command={"resume": True}, context=approve)
    assert isinstance(output, dict) and "__interrupt__" not in output
    assert sorted(r["template_id"] for r in output["reports"]) == sorted(shown)
    assert all(r["status"] == "succeeded" for r in output["reports"])
    state = await client.threads.get_state(thread_id)
    assert state["next"] == [] and state["interrupts"] == []
    assert [e for e in state["values"]["errors"] if e["phase"] == "approve_templates"] == []


async def test_approval_interrupt_then_bad_edit_then_resume_through_the_server(
    client: LangGraphClient,
) -> None:
    approve = {"approve_templates": True, "max_executions": 4}
    thread_id = await _demo_thread(client)

    paused = await client.runs.wait(thread_id, GRAPH_ID, input={}, context=approve)
    assert isinstance(paused, dict) and paused["__interrupt__"]
    assert paused["reports"] == []
    state = await client.threads.get_state(thread_id)
    assert state["next"] == ["approve_templates"]
    (request,) = state["interrupts"]
    shown = request["value"]["templates"]
    assert request["response_schema"]["anyOf"][0] == {"type": "boolean"}
    assert [t["id"] for t in shown] == [t["id"] for t in state["values"]["templates"]]
    pagerank = next(t for t in shown if t["algorithm"] == "pagerank")
    dropped = shown[-1]["id"]
    assert dropped != pagerank["id"]

    # An edit the schema rejects: the run asks again, showing why, and nothing runs.
    bad = {"edit": {pagerank["id"]: {"projection": {"edge_collections": ["wormholes"]}}}}
    await client.runs.wait(thread_id, GRAPH_ID, command={"resume": bad}, context=approve)
    state = await client.threads.get_state(thread_id)
    assert state["next"] == ["approve_templates"]
    (again,) = state["interrupts"]
    assert "wormholes" in again["value"]["error"]
    assert state["values"]["reports"] == []

    answer = {"drop": [dropped], "edit": {pagerank["id"]: {"parameters": {"damping_factor": 0.6}}}}
    updated: list[str] = []
    async for part in client.runs.stream(
        thread_id,
        GRAPH_ID,
        command={"resume": answer},
        context=approve,
        stream_mode="updates",
    ):
        assert part.event != "error", part.data
        if part.event == "updates":
            updated.extend(part.data)
    assert updated[0] == "approve_templates" and updated[-1] == "aggregate"

    final = (await client.threads.get_state(thread_id))["values"]
    reports = {r["template_id"]: r for r in final["reports"]}
    assert set(reports) == {t["id"] for t in shown} - {dropped}
    assert reports[pagerank["id"]]["parameters"]["damping_factor"] == 0.6
    assert all(r["status"] == "succeeded" for r in reports.values())
    notes = [e["message"] for e in final["errors"] if e["phase"] == "approve_templates"]
    assert any("wormholes" in note for note in notes)
    assert any(dropped in note and "dropped" in note for note in notes)
    assert final["summary"]["templates"] == final["templates"]


async def test_resume_without_context_keeps_the_threads_context_through_the_server(
    client: LangGraphClient,
) -> None:
    """The thread remembers its context: a resume sending none goes on with it (top_k 3, not
    the default 10); one sending another is refused with what differs (issue 19.3)."""
    started = {"approve_templates": True, "top_k": 3, "max_executions": 4}
    thread_id = await _demo_thread(client)
    paused = await client.runs.wait(thread_id, GRAPH_ID, input={}, context=started)
    assert isinstance(paused, dict) and paused["__interrupt__"]

    with pytest.raises(Exception) as raised:
        await client.runs.wait(thread_id, GRAPH_ID, command={"resume": True}, context={"top_k": 7})
    assert "ThreadIdentityError" in str(raised.value) and "top_k 3 (now 7)" in str(raised.value)

    output = await client.runs.wait(thread_id, GRAPH_ID, command={"resume": True})
    assert isinstance(output, dict) and "__interrupt__" not in output, output
    assert output["reports"] and all(r["status"] == "succeeded" for r in output["reports"])
    assert max(len(r["top_entities"]) for r in output["reports"]) == 3
    state = await client.threads.get_state(thread_id)
    assert state["values"]["run_identity"]["context"]["top_k"] == 3


# --------------------------------------------------------------------------- strict in-process


def _blocking_graph() -> Any:
    from langgraph.graph import END, START, StateGraph
    from typing_extensions import TypedDict

    class ProbeState(TypedDict, total=False):
        path: str
        text: str

    async def read_blocking(state: ProbeState) -> dict[str, Any]:
        return {"text": Path(state["path"]).read_text(encoding="utf-8")}

    builder = StateGraph(ProbeState)
    builder.add_node("read_blocking", read_blocking)
    builder.add_edge(START, "read_blocking")
    builder.add_edge("read_blocking", END)
    return builder.compile()


async def test_nodes_read_files_off_the_event_loop_under_strict_blockbuster(
    tmp_path: Path,
) -> None:
    """Every file-reading path of the workflow under blockbuster's full set of checks.

    Stricter than the server, which lets plain file reads and `os.stat` through: here any
    read, stat or directory listing on the event loop's thread fails the run.
    """
    import importlib

    from blockbuster import BlockBuster, BlockingError

    from gaai_graph.context import Context
    from gaai_graph.sources import _cache
    from gaai_graph.sources.demo import BUNDLED_DEMO_DIR

    workflow = importlib.import_module("gaai_graph.graph").graph
    memo = tmp_path / "memo.md"
    memo.write_text(RINGS_MEMO, encoding="utf-8")
    vertical = PROJECT / "gaai_graph" / "data" / "verticals" / "fraud_aml.json"
    _cache.clear()  # load the snapshot for real, not from an earlier test's cache

    blockbuster = BlockBuster()
    blockbuster.activate()
    try:
        with pytest.raises(BlockingError):  # the check is live: a blocking node fails
            await _blocking_graph().ainvoke({"path": str(memo)})
        result = await workflow.ainvoke(
            {"documents": [str(memo), {"path": str(memo), "name": "memo-again"}]},
            context=Context(source=str(BUNDLED_DEMO_DIR), vertical=str(vertical)),
        )
        demo = await workflow.ainvoke({}, context=Context(max_executions=2))
    finally:
        blockbuster.deactivate()

    assert result["summary"].vertical == "fraud_aml"
    assert result["reports"] and all(r.status == "succeeded" for r in result["reports"])
    assert demo["reports"] and all(r.status == "succeeded" for r in demo["reports"])


# --------------------------------------------------------------------------- progress, reports


PHASES = [
    "analyze_schema",
    "extract_requirements",
    "resolve_vertical",
    "generate_use_cases",
    "generate_templates",
    "aggregate",
]


async def test_a_streaming_client_sees_every_phase_and_each_template_n_of_n(
    client: LangGraphClient,
) -> None:
    """Issue 19.1: the `custom` stream tells the story, `updates` carry each phase's output."""
    thread_id = await _demo_thread(client)
    custom: list[dict[str, Any]] = []
    updates: dict[str, dict[str, Any]] = {}
    async for part in client.runs.stream(
        thread_id,
        GRAPH_ID,
        input={"documents": [{"content": RINGS_MEMO, "name": "fraud-memo"}]},
        context={"max_executions": 2},
        stream_mode=["custom", "updates"],
    ):
        assert part.event != "error", part.data
        if part.event == "custom":
            custom.append(part.data)
        elif part.event == "updates":
            for node, update in part.data.items():
                updates.setdefault(node, {}).update(update or {})

    phase_steps = [(e["phase"], e["state"]) for e in custom if e.get("event") == "gaai.phase"]
    for phase in PHASES:
        assert phase_steps.count((phase, "started")) == 1, phase
        assert phase_steps.count((phase, "finished")) == 1, phase
        assert phase_steps.index((phase, "started")) < phase_steps.index((phase, "finished"))
    finished = {
        e["phase"]: e for e in custom if e.get("event") == "gaai.phase" and e["state"] == "finished"
    }
    assert all(e["elapsed_seconds"] >= 0 for e in finished.values())
    assert finished["extract_requirements"]["counts"]["requirements"] >= 2
    assert finished["analyze_schema"]["counts"]["vertex_collections"] >= 2

    # The phases' outputs reach the client as updates (the output schema exposes them).
    assert updates["analyze_schema"]["schema_summary"]["graph_name"] == "ecommerce_graph"
    collections = updates["analyze_schema"]["schema_summary"]["collections"]
    assert {"name", "kind", "role", "count"} <= set(collections[0])
    assert "attributes" not in json.dumps(collections)  # a summary, not the profiles
    assert {r["source"] for r in updates["extract_requirements"]["requirements"]} == {"fraud-memo"}
    assert updates["generate_use_cases"]["use_cases"]
    templates = updates["generate_templates"]["templates"]
    total = len(templates)
    assert total >= 2

    template_events = [e for e in custom if e.get("event") == "gaai.template"]
    by_state: dict[str, list[dict[str, Any]]] = {}
    for event in template_events:
        by_state.setdefault(event["state"], []).append(event)
    for state in ("queued", "running", "finished"):
        assert sorted(e["n"] for e in by_state[state]) == list(range(1, total + 1)), state
        assert {e["total"] for e in by_state[state]} == {total}
    titles = {t["id"]: t["title"] for t in templates}
    for event in by_state["finished"]:
        assert event["title"] == titles[event["template_id"]]
        assert event["method"] and event["algorithm"]
        assert event["status"] == "succeeded"
        assert event["result"] and "\n" not in event["result"] and len(event["result"]) <= 200
    # Queued before running before finished, per template.
    order = [(e["template_id"], e["state"]) for e in template_events]
    for template_id in titles:
        assert order.index((template_id, "queued")) < order.index((template_id, "running"))
        assert order.index((template_id, "running")) < order.index((template_id, "finished"))


async def test_a_client_downloads_the_reports_through_the_deployment(
    client: LangGraphClient,
) -> None:
    """Issue 19.2: the custom routes (langgraph.json `http.app`) serve the thread's reports."""
    thread_id = await _demo_thread(client)
    output = await client.runs.wait(
        thread_id, GRAPH_ID, input={}, context={"max_executions": 2, "max_templates": 3}
    )
    assert isinstance(output, dict)
    listed = await client.http.get(f"/gaai/threads/{thread_id}/reports")
    assert [r["template_id"] for r in listed] == [r["template_id"] for r in output["reports"]]

    first = output["reports"][0]
    page = await client.http.client.get(listed[0]["html_url"])
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Content-Security-Policy" in html and "<script" not in html.lower()
    import html as html_module

    assert html_module.escape(first["title"], quote=False) in html
    markdown = await client.http.client.get(listed[0]["markdown_url"])
    assert markdown.status_code == 200 and first["title"] in markdown.text
    summary = await client.http.client.get(f"/gaai/threads/{thread_id}/summary.md")
    assert summary.status_code == 200 and output["summary"]["run_id"] in summary.text

    missing = await client.http.client.get(f"/gaai/threads/{thread_id}/reports/NOPE.html")
    assert missing.status_code == 404 and "NOPE" in missing.text
    unknown = await client.http.client.get(
        "/gaai/threads/00000000-0000-0000-0000-000000000000/reports"
    )
    assert unknown.status_code == 404


async def test_zz_no_deserialization_warning_in_the_whole_server_log(server: Server) -> None:
    """Issue 19.3: after every run, interrupt and resume above under strict msgpack, the
    server never fell back to a dict nor warned about the project's types. (Named zz: pytest
    runs a module's tests in file order, so this one reads the log last.)"""
    log = server.log_text()
    assert "Deserializing unregistered type" not in log
    assert "Blocked deserialization" not in log
    assert "has no attribute 'model_dump'" not in log
