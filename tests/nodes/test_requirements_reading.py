"""Reading requirement documents from paths: only regular files, never a hang or a leak."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gaai_graph.errors import DocumentError
from gaai_graph.nodes.requirements import read_documents
from gaai_graph.trust import TrustPolicy


def test_a_device_is_refused_not_read_forever() -> None:
    with pytest.raises(DocumentError) as caught:
        read_documents(["/dev/zero"])
    assert str(caught.value) == (
        "requirement document /dev/zero is not a regular file (a device, pipe or socket); "
        "expected a text or Markdown file"
    )


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "requirements.md"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match="is not a regular file"):
        read_documents([str(fifo)])


def test_missing_files_and_directories_keep_their_messages(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="requirement document not found"):
        read_documents([str(tmp_path / "absent.md")])
    with pytest.raises(DocumentError, match="is a directory"):
        read_documents([str(tmp_path)])


def test_a_nul_byte_in_a_path_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        read_documents([{"path": "memo\x00.md"}])
    assert "empty or non-text path" in str(caught.value) and "\n" not in str(caught.value)


def test_the_local_policy_reads_any_file_the_user_can(tmp_path: Path) -> None:
    memo = tmp_path / "memo.md"
    memo.write_text("- Find the customers who share cards.\n")
    (texts,) = [read_documents([str(memo)], TrustPolicy.local())]
    assert texts[0].name == "memo.md" and "share cards" in texts[0].text
