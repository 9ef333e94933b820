"""A long requirement document is stored once in the checkpoint store, not once per step."""

import asyncio
import sqlite3
from pathlib import Path

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from gaai_graph.channel_blobs import BlobSqliteSaver
from gaai_graph.persistence import allow_state_types
from gaai_graph.runner import AgenticWorkflowRunner

_MARKER = "zqxmarker"
_SENTENCE = f"Rank customers by the orders {_MARKER} they place with sellers. "


def _document(size: int) -> str:
    return (_SENTENCE * (size // len(_SENTENCE) + 1))[:size]


def test_a_long_document_is_not_copied_into_every_checkpoint(tmp_path: Path) -> None:
    text = _document(64 * 1024)
    store = tmp_path / "checkpoints.sqlite"
    runner = AgenticWorkflowRunner(source="demo", checkpoint=str(store), enable_tracing=False)
    runner.run(input_documents=[{"content": text}])

    with sqlite3.connect(store) as connection:
        checkpoints = connection.execute("SELECT checkpoint FROM checkpoints").fetchall()
        blobs = connection.execute("SELECT channel, value FROM channel_blobs").fetchall()
    assert len(checkpoints) > 3  # a run of several steps, each one checkpointed
    assert not [row for row in checkpoints if _MARKER.encode() in row[0]]
    # Channels that hold the text (not a quoted sentence of it, as an error message does).
    holding = [channel for channel, value in blobs if len(value) > len(text) // 2]
    assert "documents" in holding
    assert len(holding) == len(set(holding))  # each channel's value once, whatever the steps
    # The plain saver wrote 17 copies of a 64 KB text (1.2 MB); each channel value once is ~7.
    assert store.stat().st_size < 9 * len(text)


async def _round_trip(path: Path) -> None:
    import aiosqlite

    config = {"configurable": {"thread_id": "t-1", "checkpoint_ns": ""}}
    async with aiosqlite.connect(str(path)) as connection:
        plain = allow_state_types(AsyncSqliteSaver(connection))
        checkpoint = {
            "v": 4,
            "id": "1f000000-0000-6000-8000-000000000001",
            "ts": "2026-01-01T00:00:00+00:00",
            "channel_values": {"documents": ["old"]},
            "channel_versions": {"documents": "1"},
            "versions_seen": {},
            "updated_channels": None,
        }
        await plain.aput(config, checkpoint, {}, {"documents": "1"})
    async with aiosqlite.connect(str(path)) as connection:
        saver = allow_state_types(BlobSqliteSaver(connection))
        old = await saver.aget_tuple(config)  # a store of the plain saver still reads
        assert old is not None and old.checkpoint["channel_values"] == {"documents": ["old"]}
        parent = {"configurable": {**config["configurable"], "checkpoint_id": checkpoint["id"]}}
        newer = {
            **checkpoint,
            "id": "1f000000-0000-6000-8000-000000000002",
            "channel_values": {"documents": ["old"], "summary": "done"},
            "channel_versions": {"documents": "1", "summary": "2"},
        }
        await saver.aput(parent, newer, {}, {"summary": "2"})
        latest = await saver.aget_tuple(config)
        assert latest is not None
        # "documents" was not rewritten by this step and has no blob: the older checkpoint
        # holds it inline, so only "summary" is filled in from channel_blobs.
        assert latest.checkpoint["channel_values"] == {"summary": "done"}
        listed = [item async for item in saver.alist(config)]
        assert [item.checkpoint["id"] for item in listed] == [newer["id"], checkpoint["id"]]
        await saver.adelete_thread("t-1")
        async with connection.execute("SELECT COUNT(*) FROM channel_blobs") as cursor:
            assert (await cursor.fetchone())[0] == 0


def test_blob_saver_reads_old_stores_lists_and_deletes(tmp_path: Path) -> None:
    asyncio.run(_round_trip(tmp_path / "c.sqlite"))
