"""notebooks/quickstart.ipynb runs from top to bottom in a real Jupyter kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"


@pytest.mark.slow
def test_quickstart_notebook_executes(tmp_path: Path) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError naming the failing cell

    outputs = [
        "".join(output.get("text", "") for output in cell.get("outputs", []))
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
    errors = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert errors == []
    assert "TPL-001" in outputs[0]
    assert "Generated" in outputs[2] and "Workflow Trace Summary" in outputs[2]
    assert "index.html" in outputs[3]
    assert "sequential run:" in outputs[4]
    assert "Approve the" in outputs[5] and "approved run:" in outputs[5]
    assert "findings" in outputs[6] and "flagged" in outputs[6]
    shown = _html_outputs(notebook)
    assert "data-chart=&quot;network&quot;" in shown  # the ring drawn inline (framed page)


def _html_outputs(notebook: nbformat.NotebookNode) -> str:
    return "".join(
        str(output.get("data", {}).get("text/html", ""))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )


def test_the_stored_notebook_carries_its_outputs_with_a_ring_picture() -> None:
    # Saved executed, so a reader sees the results (and the ring) without running it.
    stored = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in stored.cells if cell.cell_type == "code"]
    assert all(cell.get("outputs") for cell in code)
    assert not any(
        output.get("output_type") == "error" for cell in code for output in cell["outputs"]
    )
    shown = _html_outputs(stored)
    assert "data-chart=&quot;network&quot;" in shown and "class=&quot;name&quot;" in shown
