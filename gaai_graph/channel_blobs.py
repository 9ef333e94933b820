"""A SQLite checkpoint saver that stores each channel value once, not in every checkpoint.

`AsyncSqliteSaver` serialises the whole state into every checkpoint: a run's requirement
documents, requirements and schema were written again at each of its supersteps (a 1 MiB
document made a 37 MB store, and the serialising and writing grew with the text at every
step). `BlobSqliteSaver` keeps the design of LangGraph's Postgres saver instead: a checkpoint
holds its channel versions, and each (channel, version) value is written once, when a step
produces it, into a `channel_blobs` table; reading a checkpoint fills its values back in from
that table. Stores written by the plain saver (values inside the checkpoint) still read as
before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig
    from langgraph.checkpoint.base import (
        ChannelVersions,
        Checkpoint,
        CheckpointMetadata,
        CheckpointTuple,
    )

__all__ = ["BlobSqliteSaver"]

_CREATE_BLOBS = """CREATE TABLE IF NOT EXISTS channel_blobs (
    thread_id TEXT NOT NULL,
    checkpoint_ns TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL,
    version TEXT NOT NULL,
    type TEXT,
    value BLOB,
    PRIMARY KEY (thread_id, checkpoint_ns, channel, version)
)"""


class BlobSqliteSaver(AsyncSqliteSaver):
    """`AsyncSqliteSaver` whose checkpoints reference channel values written once."""

    async def setup(self) -> None:
        """Create the saver's tables, `channel_blobs` included (once per saver)."""
        if self.is_setup:
            return
        await super().setup()
        async with self.lock:
            await self.conn.execute(_CREATE_BLOBS)
            await self.conn.commit()

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Write the values of the channels this step changed, then the checkpoint without them.

        Args:
            config: The config the checkpoint belongs to (thread id and namespace).
            checkpoint: The checkpoint to save.
            metadata: Its metadata.
            new_versions: The channels this step wrote, with their new versions.

        Returns:
            The config of the saved checkpoint.
        """
        await self.setup()
        thread_id = str(config["configurable"]["thread_id"])
        checkpoint_ns = config["configurable"].get("checkpoint_ns", "")
        values = checkpoint["channel_values"]
        versions = checkpoint["channel_versions"]
        rows = [
            (
                thread_id,
                checkpoint_ns,
                channel,
                str(version),
                *self.serde.dumps_typed(values[channel]),
            )
            for channel, version in new_versions.items()
            if channel in values
        ]
        if rows:
            async with self.lock:
                await self.conn.executemany(
                    "INSERT OR IGNORE INTO channel_blobs "
                    "(thread_id, checkpoint_ns, channel, version, type, value) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
                await self.conn.commit()
        # A value without a version (none today) has no blob to point at: it stays inline.
        inline = {channel: value for channel, value in values.items() if channel not in versions}
        return await super().aput(
            config, {**checkpoint, "channel_values": inline}, metadata, new_versions
        )

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """Read a checkpoint (see `AsyncSqliteSaver.aget_tuple`) with its channel values."""
        found = await super().aget_tuple(config)
        if found is not None:
            await self._fill(found)
        return found

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """List checkpoints (see `AsyncSqliteSaver.alist`) with their channel values."""
        # The parent holds the saver's lock while it iterates: collect, then fill.
        found = [
            item async for item in super().alist(config, filter=filter, before=before, limit=limit)
        ]
        for item in found:
            await self._fill(item)
            yield item

    async def adelete_thread(self, thread_id: str) -> None:
        """Delete a thread's checkpoints, writes and channel values."""
        await super().adelete_thread(thread_id)
        async with self.lock:
            await self.conn.execute(
                "DELETE FROM channel_blobs WHERE thread_id = ?", (str(thread_id),)
            )
            await self.conn.commit()

    async def _fill(self, found: CheckpointTuple) -> None:
        checkpoint = found.checkpoint
        values = checkpoint["channel_values"]
        missing = {
            channel: str(version)
            for channel, version in checkpoint["channel_versions"].items()
            if channel not in values
        }
        if not missing:
            return  # a checkpoint of the plain saver, or of a step that wrote nothing
        configurable = found.config["configurable"]
        thread_id = str(configurable["thread_id"])
        checkpoint_ns = configurable.get("checkpoint_ns", "")
        wanted = list(missing.items())
        clauses = " OR ".join("(channel = ? AND version = ?)" for _ in wanted)
        params = [value for pair in wanted for value in pair]
        async with (
            self.lock,
            self.conn.execute(
                "SELECT channel, type, value FROM channel_blobs "
                f"WHERE thread_id = ? AND checkpoint_ns = ? AND ({clauses})",
                (thread_id, checkpoint_ns, *params),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        for channel, type_, value in rows:
            values[channel] = self.serde.loads_typed((type_, value))
