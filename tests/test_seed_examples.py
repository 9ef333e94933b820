"""Every runner example of the seed parallel-execution-guide.md runs against the demo.

The examples are copied verbatim from the seed, with two changes the issue allows:
`from graph_analytics_ai.ai.agents import ...` becomes `from gaai_graph import ...` and every
`graph_name` is "ecommerce_graph". Example 2 keeps the seed's `core_collections=["users",
"posts", "follows"]`, which the demo does not have: they are ignored with a summary warning
(tested below) and the roles are decided automatically. The `docs/requirements.md` and
`requirements.md` the examples read are written into the working directory by the
`seed_workspace` fixture.

They run in order in one shared namespace, like cells of one notebook session: fragments that
use `runner` without creating it use the one the previous example left, and fragments with a
bare `await` run as Jupyter runs them (top-level await inside a running event loop).

Not held, because they show the predecessor's internals rather than an API to call:
`agent.process(...)`, `execute_step_async(...)`, `state.add_message_async(...)`,
`llm.generate(...)`, and the `pip install` shell lines. The guide's "How It Works" blocks 2-5
(async agents, parallel orchestration, thread-safe state, async LLM calls) use objects the
guide never defines (`agent`, `message`, `state` as an `AgentState`, `llm`); they describe how
the predecessor was built, not a public API, so gaai_graph offers no equivalent: its
parallelism is LangGraph's (the START fan-out and one `Send` per template).
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest

EXAMPLES: list[tuple[str, str]] = [
    (
        "quick start: basic usage",
        """
import asyncio
from gaai_graph import AgenticWorkflowRunner

async def main():
 # Create runner with parallel execution enabled
 runner = AgenticWorkflowRunner(
 graph_name="ecommerce_graph",
 enable_tracing=True
 )

 # Run workflow with parallelism (default)
 state = await runner.run_async(
 input_documents=[{"path": "requirements.md"}],
 enable_parallelism=True # This is the default
 )

 print(f"Generated {len(state.reports)} reports")
 runner.print_trace_summary() # View performance metrics

# Run async workflow
asyncio.run(main())
""",
    ),
    (
        "quick start: convenience function",
        """
import asyncio
from gaai_graph import run_agentic_workflow_async

async def main():
 state = await run_agentic_workflow_async(
 graph_name="ecommerce_graph",
 max_executions=5,
 enable_parallelism=True
 )

asyncio.run(main())
""",
    ),
    (
        "configuration: enable/disable parallelism",
        """
# Enable parallel execution (default, recommended)
state = await runner.run_async(enable_parallelism=True)

# Disable parallel execution (sequential, for debugging)
state = await runner.run_async(enable_parallelism=False)
""",
    ),
    (
        "configuration: control concurrency",
        """
runner = AgenticWorkflowRunner(
 max_executions=5 # Limit to 5 concurrent template executions
)
""",
    ),
    (
        "best practice 1: parallel for production",
        """
# Good: Use async for production workflows
state = await runner.run_async(enable_parallelism=True)
""",
    ),
    (
        "best practice 2: sequential for debugging",
        """
# Good: Use sequential for debugging
state = await runner.run_async(enable_parallelism=False)

# Or use synchronous API
state = runner.run()
""",
    ),
    (
        "best practice 3: monitor with tracing",
        """
runner = AgenticWorkflowRunner(enable_tracing=True)
state = await runner.run_async()

# View performance metrics
runner.print_trace_summary()

# Export detailed trace
runner.export_trace("output/traces")
""",
    ),
    (
        "best practice 4: async context",
        """
# Good: Use asyncio.run() at top level
import asyncio

async def main():
 state = await runner.run_async()

if __name__ == "__main__":
 asyncio.run(main())
""",
    ),
    (
        "backward compatibility",
        """
# Old synchronous API still works
runner = AgenticWorkflowRunner()
state = runner.run() # Sequential execution

# New async API for better performance
state = await runner.run_async() # Parallel execution
""",
    ),
    (
        "performance monitoring: summary",
        """
runner = AgenticWorkflowRunner(enable_tracing=True)
state = await runner.run_async()

# Print performance summary
runner.print_trace_summary()
""",
    ),
    (
        "performance monitoring: export",
        """
# Export trace in multiple formats
runner.export_trace(
 output_dir="output/traces",
 formats=["json", "html", "markdown"]
)
""",
    ),
    (
        "troubleshooting: no running event loop",
        """
import asyncio

async def main():
 state = await runner.run_async()

asyncio.run(main()) # Correct
""",
    ),
    (
        "troubleshooting: debug mode",
        """
# Enable debug mode to see detailed execution flow
runner = AgenticWorkflowRunner(
 enable_tracing=True,
 enable_debug_mode=True
)
""",
    ),
    (
        "example 1: simple parallel workflow",
        """
import asyncio
from gaai_graph import run_agentic_workflow_async

async def main():
 state = await run_agentic_workflow_async(
 graph_name="ecommerce_graph",
 max_executions=3
 )

 print(f" Generated {len(state.reports)} reports")
 for report in state.reports:
 print(f" - {report.title}")

asyncio.run(main())
""",
    ),
    (
        "example 2: advanced configuration",
        """
import asyncio
from gaai_graph import AgenticWorkflowRunner

async def main():
 runner = AgenticWorkflowRunner(
 graph_name="ecommerce_graph",
 core_collections=["users", "posts", "follows"],
 enable_tracing=True,
 enable_debug_mode=False
 )

 documents = [
 {"path": "docs/requirements.md"},
 {"content": "Find influential users in our platform."}
 ]

 state = await runner.run_async(
 input_documents=documents,
 max_executions=5,
 enable_parallelism=True
 )

 # Export results
 runner.export_reports(state, "output/reports")
 runner.export_trace("output/traces")

 # Print metrics
 runner.print_trace_summary()

asyncio.run(main())
""",
    ),
    (
        "example 3: Jupyter notebook usage",
        """
# In Jupyter, you can use await directly in async cells
from gaai_graph import AgenticWorkflowRunner

runner = AgenticWorkflowRunner(enable_tracing=True)

# Use await directly (no asyncio.run() needed in Jupyter)
state = await runner.run_async(enable_parallelism=True)

print(f"Generated {len(state.reports)} reports")
runner.print_trace_summary()
""",
    ),
    (
        "migration: before",
        """
from gaai_graph import AgenticWorkflowRunner

runner = AgenticWorkflowRunner()
state = runner.run()
""",
    ),
    (
        "migration: after",
        """
import asyncio
from gaai_graph import AgenticWorkflowRunner

async def main():
 runner = AgenticWorkflowRunner()
 state = await runner.run_async(enable_parallelism=True)
 return state

state = asyncio.run(main())
""",
    ),
]


def _indent_seed_code(code: str) -> str:
    # The seed's code blocks lost their indentation (one space everywhere); re-indent by
    # block structure so Python can read them. Statements are not changed.
    lines, depth, out = code.strip("\n").splitlines(), 0, []
    for raw in lines:
        line = raw.strip()
        if not line:
            out.append("")
            continue
        if depth and not raw.startswith(" "):
            depth = 0
        opened = len(re.findall(r"[(\[{]", line)) - len(re.findall(r"[)\]}]", line))
        if opened < 0:
            depth = max(depth - 1, 0)
        out.append("    " * depth + line)
        if line.endswith(":") or opened > 0:
            depth += 1
    return "\n".join(out) + "\n"


def _run_example(code: str, namespace: dict[str, Any]) -> None:
    compiled = compile(
        _indent_seed_code(code), "<seed example>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    )
    outcome = eval(compiled, namespace)
    if inspect.iscoroutine(outcome):
        # A top-level `await`: run it the way Jupyter does, inside a running event loop.
        asyncio.run(outcome)


@pytest.fixture
def seed_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("GAAI_SOURCE", raising=False)
    (tmp_path / "docs").mkdir()
    text = "# Requirements\n\n- Identify the most influential customers.\n"
    (tmp_path / "requirements.md").write_text(text)
    (tmp_path / "docs" / "requirements.md").write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_indentation_is_restored_without_changing_statements() -> None:
    for _, code in EXAMPLES:
        restored = _indent_seed_code(code)
        assert [line.strip() for line in restored.splitlines() if line.strip()] == [
            line.strip() for line in code.splitlines() if line.strip()
        ]
        compile(restored, "<seed example>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


@pytest.mark.slow
def test_every_seed_example_runs_against_the_demo(seed_workspace: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    # The fragments that use `runner` before creating one continue the Quick Start session.
    from gaai_graph import AgenticWorkflowRunner

    namespace["runner"] = AgenticWorkflowRunner(graph_name="ecommerce_graph")
    outputs: dict[str, str] = {}
    for name, code in EXAMPLES:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            _run_example(code, namespace)
        outputs[name] = buffer.getvalue()

    generated = re.search(r"Generated (\d+) reports", outputs["quick start: basic usage"])
    assert generated and int(generated.group(1)) >= 1
    for name in (
        "quick start: basic usage",
        "best practice 3: monitor with tracing",
        "performance monitoring: summary",
        "example 2: advanced configuration",
        "example 3: Jupyter notebook usage",
    ):
        assert "Workflow Trace Summary" in outputs[name], name
        assert "Steps Completed:" in outputs[name]
    titles = outputs["example 1: simple parallel workflow"].splitlines()
    count_match = re.search(r"Generated (\d+) reports", titles[0])
    assert count_match is not None
    count = int(count_match.group(1))
    assert len(titles) == count + 1 and all(t.startswith(" - ") for t in titles[1:])
    assert len(namespace["state"].reports) >= 1
    traces = Path("output/traces")
    assert {p.suffix for p in traces.iterdir()} == {".json", ".html", ".md"}
    assert (Path("output/reports") / "index.html").is_file()
    assert os.listdir("output/reports/reports")


def test_seed_core_collections_unknown_to_the_demo_are_ignored_with_a_warning(
    seed_workspace: Path,
) -> None:
    from gaai_graph import AgenticWorkflowRunner

    runner = AgenticWorkflowRunner(
        graph_name="ecommerce_graph", core_collections=["users", "posts", "follows"]
    )
    state = runner.run(input_documents=[{"path": "docs/requirements.md"}])

    assert state.summary is not None
    assert (
        "core_collections names users, posts, follows, which graph ecommerce_graph does not "
        "have as vertex collections; ignored"
    ) in state.summary.warnings[0]
    assert state.reports and all(r.status == "succeeded" for r in state.reports)
    # Roles fell back to the automatic rules: the category lookup is still a satellite.
    schema = state.values["schema"]
    assert schema.collection("categories").role == "satellite"
    assert schema.collection("customers").role == "core"
