"""One run at a time per thread: in one process and between two `gaai run`s.

The store-level locks across processes (SQLite, Postgres) are tested in test_persistence.py.
"""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from gaai_graph.cli import EXIT_BAD_INPUT, main
from gaai_graph.thread_lock import ThreadBusyError, lock_thread

TIMEOUT = 300


def test_a_thread_is_held_once_per_saver_and_released_after() -> None:
    async def scenario() -> None:
        saver = InMemorySaver()
        held, done = asyncio.Event(), asyncio.Event()

        async def first_run() -> None:
            # Taken twice: re-entrant in the holding task (the CLI holds it around the runner).
            async with lock_thread(saver, "t"), lock_thread(saver, "t"):
                held.set()
                await done.wait()

        async def second_run() -> None:
            await held.wait()
            try:
                with pytest.raises(ThreadBusyError, match="another run in this process"):
                    async with lock_thread(saver, "t"):
                        pass
                async with lock_thread(saver, "other"):  # another thread is free
                    pass
            finally:
                done.set()

        await asyncio.wait_for(asyncio.gather(first_run(), second_run()), 10)
        async with lock_thread(saver, "t"):  # released
            pass

    asyncio.run(scenario())


def test_two_gaai_runs_on_one_thread_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAAI_CHECKPOINT")}
    # The first run stops after its first template chain's write and holds the thread.
    env["GAAI_CHECKPOINT_PAUSE"] = "executions:1"
    first = subprocess.Popen(
        [sys.executable, "-m", "gaai_graph.cli", "run", "--out", str(out), "--thread-id", "t"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert first.stderr is not None
        for line in first.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=TIMEOUT)
            if line is None:
                pytest.fail("the first run ended before pausing")
            if line.startswith("GAAI-PAUSED"):
                break
        code = main(["run", "--out", str(out), "--thread-id", "t", "--quiet"])
        err = capsys.readouterr().err
        assert code == EXIT_BAD_INPUT
        assert err.strip().splitlines() == [
            f"gaai: error: thread 't' is being run by another process (checkpoints: "
            f"{out / 'checkpoints.sqlite'}); wait until it ends, or use another thread id"
        ]
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    # Once the holder is gone the thread resumes and finishes.
    assert main(["resume", "--out", str(out), "--thread-id", "t", "--quiet"]) == 0
