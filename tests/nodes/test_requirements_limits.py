"""Requirement documents are bounded in size, and special files are refused (issue 14.5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gaai_graph.cli import EXIT_BAD_INPUT, main
from gaai_graph.errors import DocumentError
from gaai_graph.nodes.requirements import (
    MAX_DOCUMENT_BYTES,
    MAX_TOTAL_DOCUMENT_BYTES,
    read_documents,
)


def _document(tmp_path: Path, name: str, size: int) -> Path:
    path = tmp_path / name
    line = b"- Rank the customers by how many others they referred.\n"
    path.write_bytes((line * (size // len(line) + 1))[:size])
    return path


def test_a_document_at_the_limit_is_read(tmp_path: Path) -> None:
    path = _document(tmp_path, "ok.md", MAX_DOCUMENT_BYTES)
    assert len(read_documents([str(path)])[0].text) == MAX_DOCUMENT_BYTES


def test_a_document_over_the_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    path = _document(tmp_path, "big.md", 3 * MAX_DOCUMENT_BYTES)
    with pytest.raises(DocumentError) as caught:
        read_documents([str(path)])
    message = str(caught.value)
    assert "big.md is 3.0 MB, over the limit of 1.0 MB per document" in message
    assert "\n" not in message


def test_inline_text_over_the_limit_is_refused() -> None:
    with pytest.raises(DocumentError, match=r"'memo' is 2\.0 MB of inline text, over the limit"):
        read_documents([{"content": "x " * MAX_DOCUMENT_BYTES, "name": "memo"}])


def test_documents_together_over_the_total_limit_are_refused(tmp_path: Path) -> None:
    count = MAX_TOTAL_DOCUMENT_BYTES // MAX_DOCUMENT_BYTES + 1
    paths = [str(_document(tmp_path, f"d{i}.md", MAX_DOCUMENT_BYTES)) for i in range(count)]
    with pytest.raises(DocumentError, match=f"total more than 4.0 MB .*#{count}, d{count - 1}.md"):
        read_documents(paths)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(DocumentError, match="/dev/zero is not a regular file"):
        read_documents([{"path": "/dev/zero"}])


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match="is not a regular file"):
        read_documents([str(fifo)])


def test_the_cli_refuses_a_huge_document_in_one_line_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _document(tmp_path, "huge.md", 20 << 20)
    out = tmp_path / "out"

    code = main(["run", "--source", "demo", "--doc", str(path), "--out", str(out), "--quiet"])

    assert code == EXIT_BAD_INPUT
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "huge.md is 20.0 MB, over the limit" in error
    assert "Traceback" not in error
    assert not out.exists()
