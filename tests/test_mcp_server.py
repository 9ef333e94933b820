"""`gaai mcp` end to end with the MCP SDK's own client: in process, over stdio and over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters

from gaai_graph.mcp_server import MAX_REPORT_CHARS, McpSettings, build_server
from gaai_graph.reporting.markdown import escape_markdown
from gaai_graph.trust import TrustPolicy

QUESTION = "Who are the most influential customers?"
TOOLS = {"analyse", "ask_followup", "list_runs", "read_report", "compare_runs", "list_methods"}


def _server(out: Path, environ: dict[str, str] | None = None) -> Any:
    policy = TrustPolicy.from_environment(environ or {})
    return build_server(McpSettings(out_dir=out, policy=policy))


def _data(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    data: dict[str, Any] = result.structured_content
    return data


def _refusal(result: Any) -> str:
    assert result.is_error
    text: str = result.content[0].text
    assert "\n" not in text
    assert "Traceback" not in text
    return text


async def test_session_lists_tools_analyses_the_demo_and_reads_its_report(tmp_path) -> None:
    out = tmp_path / "mcp"
    async with Client(_server(out)) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        assert tools == TOOLS

        first = _data(await client.call_tool("analyse", {"question": QUESTION}))
        run_id = first["run_id"]
        assert first["source"] == "demo"
        assert first["changes"] == []  # nothing earlier to compare with
        assert any(r["status"] == "succeeded" for r in first["reports"])
        template_id = first["reports"][0]["template_id"]

        summary = _data(await client.call_tool("read_report", {"run_id": run_id}))
        assert summary["content"].startswith(f"# Analysis run {run_id}")
        assert not summary["truncated"]
        assert summary["total_chars"] == len(summary["content"])

        as_json = _data(
            await client.call_tool(
                "read_report",
                {"run_id": run_id, "template_id": template_id, "format": "json"},
            )
        )
        report = json.loads(as_json["content"])
        assert report["template_id"] == template_id
        assert report["top_entities"], "the report names its top entities"
        as_markdown = _data(
            await client.call_tool("read_report", {"run_id": run_id, "template_id": template_id})
        )
        assert report["title"] in as_markdown["content"]

        cut = _data(
            await client.call_tool(
                "read_report", {"run_id": run_id, "template_id": template_id, "max_chars": 120}
            )
        )
        assert cut["truncated"] and len(cut["content"]) == 120 == cut["cap_chars"]
        assert f"cut at 120 of {cut['total_chars']} characters" in cut["note"]
        huge = _data(await client.call_tool("read_report", {"run_id": run_id, "max_chars": 10**9}))
        assert huge["cap_chars"] == MAX_REPORT_CHARS

        # The same question again: the answer says what changed since (here: nothing).
        second = _data(await client.call_tool("analyse", {"question": QUESTION}))
        assert second["compared_with"] == run_id
        assert second["changes"] == [
            f"Nothing changed since run {run_id}: same graph size, top lists and communities."
        ]
        assert second["key_findings"][0] == second["changes"][0]

        runs = _data(await client.call_tool("list_runs", {}))
        assert [r["run_id"] for r in runs["runs"]] == [second["run_id"], run_id]
        assert runs["runs"][0]["status"] == "finished"

        compared = _data(
            await client.call_tool(
                "compare_runs", {"epoch_before": run_id, "epoch_after": second["run_id"]}
            )
        )
        assert compared["changes"] == second["changes"]
        assert compared["fingerprint_changed"] is False

        methods = _data(await client.call_tool("list_methods", {}))
        names = {m["name"] for m in methods["methods"]}
        assert {"pagerank", "louvain", "shortest_path"} <= names
        assert "importance" in methods["intents"]


async def test_compare_to_another_source_reports_the_size_change(tmp_path) -> None:
    async with Client(_server(tmp_path / "mcp")) as client:
        first = _data(await client.call_tool("analyse", {"question": QUESTION}))
        second = _data(
            await client.call_tool(
                "analyse",
                {"question": QUESTION, "source": "demo:1.5", "compare_to": first["run_id"]},
            )
        )
    assert second["compared_with"] == first["run_id"]
    text = "\n".join(second["changes"])
    assert "vertices (+" in text and "edges (+" in text
    # The HTML the server writes draws the movers, as `gaai run --compare-to` does.
    pages = [tmp_path / "mcp" / second["run_id"] / "index.html"]
    pages += sorted((tmp_path / "mcp" / second["run_id"] / "reports").glob("*.html"))
    assert any('data-chart="movers"' in page.read_text(encoding="utf-8") for page in pages)
    first_index = tmp_path / "mcp" / first["run_id"] / "index.html"
    assert 'data-chart="movers"' not in first_index.read_text(encoding="utf-8")


async def test_follow_up_through_mcp_reuses_the_finished_run(tmp_path) -> None:
    async with Client(_server(tmp_path / "mcp")) as client:
        first = _data(await client.call_tool("analyse", {"question": QUESTION}))
        follow = _data(
            await client.call_tool(
                "ask_followup",
                {"run_id": first["run_id"], "question": f"{QUESTION} Which segments are there?"},
            )
        )
        assert follow["follows"] == first["run_id"]
        assert len(follow["executed"]) == 1 and len(follow["reused"]) == 1
        summary = _data(await client.call_tool("read_report", {"run_id": follow["run_id"]}))
        assert "Follow-up on run" in summary["content"]
        assert "run_id 'nope'" in _refusal(
            await client.call_tool("ask_followup", {"run_id": "nope", "question": "x"})
        )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("/etc", "GAAI_SNAPSHOT_DIRS"),
        ("arangodb://evil.example:8529/shop", "GAAI_ALLOWED_SOURCES"),
        ("demo:50", "scale"),
        ("mysql://u:secret@h/db", "unsupported source"),
    ],
)
async def test_a_refused_source_gets_one_line_and_leaves_nothing(
    tmp_path, source: str, expected: str
) -> None:
    out = tmp_path / "mcp"
    async with Client(_server(out)) as client:
        text = _refusal(await client.call_tool("analyse", {"question": QUESTION, "source": source}))
    assert expected in text
    assert "secret" not in text
    assert sorted(p.name for p in out.iterdir()) == []  # no run, no checkpoint, no catalog


async def test_snapshot_links_out_of_the_allowed_directory_are_refused(tmp_path) -> None:
    allowed = tmp_path / "snapshots"
    allowed.mkdir()
    (allowed / "escape").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    environ = {"GAAI_SNAPSHOT_DIRS": str(allowed)}
    async with Client(_server(tmp_path / "mcp", environ)) as client:
        linked = _refusal(
            await client.call_tool(
                "analyse", {"question": QUESTION, "source": str(allowed / "escape")}
            )
        )
        missing = _refusal(
            await client.call_tool(
                "analyse", {"question": QUESTION, "source": str(allowed / "../elsewhere")}
            )
        )
    assert "not inside a directory this server lets callers read" in linked
    assert "not inside a directory this server lets callers read" in missing


async def test_operator_credentials_stay_with_their_host(tmp_path) -> None:
    environ = {
        "GAAI_ALLOWED_SOURCES": "other.example:8529/shop",
        "ARANGO_URL": "http://db.internal:8529",
        "ARANGO_USER": "operator",
        "ARANGO_PASSWORD": "hunter2",
    }
    async with Client(_server(tmp_path / "mcp", environ)) as client:
        text = _refusal(
            await client.call_tool(
                "analyse", {"question": QUESTION, "source": "arangodb://other.example:8529/shop"}
            )
        )
    assert "credentials are only sent to the operator's own database" in text
    assert "hunter2" not in text


async def test_bad_tool_input_gets_one_line(tmp_path) -> None:
    async with Client(_server(tmp_path / "mcp")) as client:
        assert "no runs yet" in _refusal(await client.call_tool("list_runs", {}))
        assert "question is empty" in _refusal(
            await client.call_tool("analyse", {"question": "  "})
        )
        assert "compare_to 'E9'" in _refusal(
            await client.call_tool("analyse", {"question": QUESTION, "compare_to": "E9"})
        )
        run_id = _data(await client.call_tool("analyse", {"question": QUESTION}))["run_id"]
        assert "run_id" in _refusal(
            await client.call_tool("read_report", {"run_id": "../../etc/passwd"})
        )
        assert "no such run" in _refusal(await client.call_tool("read_report", {"run_id": "x"}))
        assert "has no such report" in _refusal(
            await client.call_tool("read_report", {"run_id": run_id, "template_id": "TPL-999"})
        )
        assert "format" in _refusal(
            await client.call_tool("read_report", {"run_id": run_id, "format": "html"})
        )


def _server_environment(tmp_path: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GAAI_", "ARANGO_"))}
    environ["GAAI_STATE_DIR"] = str(tmp_path / "state")
    return environ


async def test_stdio_subprocess_session(tmp_path) -> None:
    parameters = StdioServerParameters(
        command=sys.executable,
        args=["-m", "gaai_graph.cli", "mcp", "--out", str(tmp_path / "mcp")],
        env=_server_environment(tmp_path),
    )
    async with Client(parameters) as client:
        assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS
        assert "GAAI_SNAPSHOT_DIRS" in _refusal(
            await client.call_tool("analyse", {"question": QUESTION, "source": "/etc"})
        )
        run = _data(await client.call_tool("analyse", {"question": QUESTION}))
        summary = _data(await client.call_tool("read_report", {"run_id": run["run_id"]}))
    # summary.md escapes Markdown punctuation, such as the brackets around a named entity's id.
    assert escape_markdown(run["headline"]) in summary["content"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_streamable_http_session(tmp_path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gaai_graph.cli",
            "mcp",
            "--transport",
            "streamable-http",
            "--port",
            str(port),
            "--out",
            str(tmp_path / "mcp"),
        ],
        env=_server_environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.2)
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS
            assert "GAAI_ALLOWED_SOURCES" in _refusal(
                await client.call_tool(
                    "analyse", {"question": QUESTION, "source": "arangodb://evil:8529/x"}
                )
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gaai_help_does_not_load_the_mcp_sdk() -> None:
    code = (
        "import sys, gaai_graph.cli as cli\n"
        "assert cli.main(['mcp', '--help']) == 0\n"
        "assert 'mcp' not in sys.modules and 'gaai_graph.mcp_server' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--transport" in done.stdout


def test_list_methods_reads_the_registry_when_present(monkeypatch) -> None:
    import types
    from types import SimpleNamespace

    import gaai_graph.methods
    from gaai_graph.mcp_server import list_methods

    assert list_methods()["source"] in {"registry", "vocabulary"}
    registry = types.ModuleType("gaai_graph.methods.registry")
    registry.METHODS = {  # type: ignore[attr-defined]
        "pagerank": SimpleNamespace(
            label="PageRank",
            description="Importance from incoming links.",
            intents=("importance",),
            reference="Brin & Page 1998",
            parameters=(SimpleNamespace(name="damping_factor"),),
        )
    }
    monkeypatch.setitem(sys.modules, "gaai_graph.methods.registry", registry)
    monkeypatch.setattr(gaai_graph.methods, "registry", registry, raising=False)
    listed = list_methods()
    assert listed["source"] == "registry"
    assert listed["methods"] == [
        {
            "name": "pagerank",
            "label": "PageRank",
            "description": "Importance from incoming links.",
            "intents": ["importance"],
            "reference": "Brin & Page 1998",
            "parameters": ["damping_factor"],
        }
    ]
