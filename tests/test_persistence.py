"""Checkpointer specs, the durable compile helper, resume, and a real PostgreSQL server."""

import asyncio
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from glob import glob
from pathlib import Path

import pytest

from gaai_graph.context import Context
from gaai_graph.persistence import (
    CheckpointError,
    compile_graph,
    describe_spec,
    load_run_options,
    open_checkpointer,
    resume_run,
    save_run_options,
    thread_status,
)
from gaai_graph.thread_lock import ThreadBusyError, lock_thread


async def _run_and_resume(spec: str) -> tuple[list, list, str, str]:
    config = {"configurable": {"thread_id": "t-1"}}
    async with open_checkpointer(spec) as saver:
        graph = compile_graph(saver)
        assert await thread_status(graph, "t-1") == "new"
        first = await graph.ainvoke({"run_id": "t-1"}, config, context=Context())
        status = await thread_status(graph, "t-1")
    # A new process (event loop) reads the finished run back without running anything.
    async with open_checkpointer(spec) as saver:
        graph = compile_graph(saver)
        again = await resume_run(graph, "t-1", Context())
    return first["reports"], again.reports, status, again.summary.headline


def test_sqlite_checkpointer_runs_and_reads_back(tmp_path):
    spec = str(tmp_path / "nested" / "checkpoints.sqlite")
    first, again, status, headline = asyncio.run(_run_and_resume(spec))
    assert status == "finished"
    assert first and [r.model_dump() for r in first] == [r.model_dump() for r in again]
    assert headline
    assert Path(spec).is_file()


def test_compiled_graph_defaults_to_sync_durability(tmp_path):
    async def check():
        async with open_checkpointer(str(tmp_path / "c.sqlite")) as saver:
            return compile_graph(saver).config["configurable"]

    configurable = asyncio.run(check())
    assert "sync" in configurable.values()


def test_resume_of_unknown_thread_is_a_clear_error(tmp_path):
    async def resume():
        async with open_checkpointer(str(tmp_path / "c.sqlite")) as saver:
            await resume_run(compile_graph(saver), "nope", Context())

    with pytest.raises(CheckpointError, match="no checkpointed run with thread id 'nope'"):
        asyncio.run(resume())


def test_bad_specs_are_clear_errors(tmp_path):
    async def open_spec(spec):
        async with open_checkpointer(spec):
            pass

    with pytest.raises(CheckpointError, match="is a directory"):
        asyncio.run(open_spec(str(tmp_path)))
    with pytest.raises(CheckpointError, match="checkpoint store is empty"):
        asyncio.run(open_spec(""))
    with pytest.raises(CheckpointError) as caught:
        asyncio.run(open_spec("postgresql://me:s3cret@127.0.0.1:1/db"))
    assert "s3cret" not in str(caught.value) and "***" in str(caught.value)


def test_describe_spec_hides_passwords():
    assert describe_spec("postgresql://u:pw@h:5/d") == "postgresql://u:***@h:5/d"
    assert describe_spec("postgresql://h/d") == "postgresql://h/d"
    assert describe_spec("/x/c.sqlite") == "/x/c.sqlite"


def test_run_options_round_trip_and_reject_path_thread_ids(tmp_path):
    save_run_options(tmp_path, "t", {"context": {"source": "demo"}})
    assert load_run_options(tmp_path, "t") == {"context": {"source": "demo"}}
    with pytest.raises(CheckpointError, match="missing"):
        load_run_options(tmp_path, "other")
    with pytest.raises(CheckpointError, match="plain name"):
        save_run_options(tmp_path, "../evil", {})


def _postgres_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_tool(command: list[str]) -> None:
    """Run initdb / pg_ctl; on failure, fail the test with what the tool printed."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} failed with exit code {done.returncode}:\n"
            f"{done.stderr.strip() or done.stdout.strip() or '(no output)'}"
        )


@pytest.fixture
def postgres_url():
    """A throwaway PostgreSQL cluster on a free loopback port, stopped at the end."""
    bindir = _postgres_bin()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed: run scripts/ensure_postgres.sh (make test does)")
    # Not under pytest's tmp dir: the postgres user cannot enter root's 0700 directories.
    root = Path(tempfile.mkdtemp(prefix="gaai-pg-"))
    data = root / "data"
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    initdb = [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
    # --no-locale: initdb otherwise takes the cluster's locale from LANG and refuses one that
    # is not installed (LANG=en_US.UTF-8 on a fresh Debian), which no test here needs.
    _postgres_tool([*as_postgres, *initdb, "--no-locale", "-E", "UTF8"])
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    pg_ctl = [*as_postgres, str(bindir / "pg_ctl"), "-D", str(data)]
    try:
        _postgres_tool([*pg_ctl, "-o", options, "-l", str(root / "log"), "-w", "start"])
    except BaseException:
        log = root / "log"
        if log.exists():
            print(f"PostgreSQL server log:\n{log.read_text(errors='replace')}")
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def missing_locale(monkeypatch):
    """LANG and LC_ALL naming a locale this machine does not have (as on a fresh Debian)."""
    monkeypatch.setenv("LANG", "xx_NOPE.UTF-8")
    monkeypatch.setenv("LC_ALL", "xx_NOPE.UTF-8")


def test_the_postgres_server_starts_under_a_locale_that_is_not_installed(
    missing_locale, postgres_url
):
    async def status():
        async with open_checkpointer(postgres_url) as saver:
            return await thread_status(compile_graph(saver), "nobody")

    assert asyncio.run(status()) == "new"


def test_a_failing_postgres_tool_fails_with_its_own_message():
    bindir = _postgres_bin()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed: run scripts/ensure_postgres.sh (make test does)")
    with pytest.raises(pytest.fail.Exception) as failed:
        _postgres_tool([str(bindir / "initdb"), "--no-such-option"])
    text = str(failed.value)
    assert "exit code 1" in text and "unrecognized option" in text, text


def test_postgres_checkpointer_against_a_real_server(postgres_url):
    first, again, status, headline = asyncio.run(_run_and_resume(postgres_url))
    assert status == "finished"
    assert first and [r.model_dump() for r in first] == [r.model_dump() for r in again]
    assert headline


def test_cli_run_and_resume_with_a_postgres_store(postgres_url, tmp_path, capsys):
    from gaai_graph.cli import main

    out = tmp_path / "out"
    run = ["run", "--out", str(out), "--thread-id", "pg", "--checkpoint", postgres_url]
    assert main([*run, "--text", "Find hub products."]) == 0
    assert "checkpoints: postgresql://postgres@127.0.0.1:" in capsys.readouterr().err
    saved = load_run_options(out, "pg")
    assert saved["checkpoint"] is None, "a postgres URL is never written to disk"
    # The URL is not on disk, so resume needs it again, and says so.
    assert main(["resume", "--thread-id", "pg", "--out", str(out)]) == 2
    assert "give it again with --checkpoint" in capsys.readouterr().err
    # With it, the finished thread is read back: same reports, nothing executed again.
    before = sorted(p.read_text() for p in (out / "reports").glob("*.json"))
    resume = ["resume", "--thread-id", "pg", "--out", str(out), "--checkpoint", postgres_url]
    assert main([*resume, "--quiet"]) == 0
    assert sorted(p.read_text() for p in (out / "reports").glob("*.json")) == before


def test_compiled_graph_shares_the_exported_graphs_node_cache(tmp_path):
    import importlib

    exported = importlib.import_module("gaai_graph.graph").graph

    async def cache_of():
        async with open_checkpointer(str(tmp_path / "c.sqlite")) as saver:
            return compile_graph(saver).cache

    assert asyncio.run(cache_of()) is exported.cache


def test_sqlite_writers_wait_for_each_other_instead_of_failing_at_once(tmp_path):
    """Processes sharing a store (the runner's default file) queue their commits."""
    from gaai_graph.persistence import SQLITE_BUSY_SECONDS

    async def busy_timeout_ms() -> int:
        async with (
            open_checkpointer(str(tmp_path / "shared.sqlite")) as saver,
            saver.conn.execute("PRAGMA busy_timeout") as cursor,  # type: ignore[attr-defined]
        ):
            (value,) = await cursor.fetchone()
        return int(value)

    assert SQLITE_BUSY_SECONDS >= 30
    assert asyncio.run(busy_timeout_ms()) == SQLITE_BUSY_SECONDS * 1000


# -- thread locks across processes (gaai_graph.thread_lock) ----------------------------------


def _holder(spec: str, thread_id: str) -> subprocess.Popen[str]:
    """A process holding the thread's lock in `spec` until it is killed."""
    code = (
        "import asyncio, sys\n"
        "from gaai_graph.persistence import open_checkpointer\n"
        "from gaai_graph.thread_lock import lock_thread\n"
        "async def hold():\n"
        f"    async with open_checkpointer({spec!r}) as saver, lock_thread(saver, {thread_id!r}):\n"
        "        print('HELD', flush=True)\n"
        "        await asyncio.Event().wait()\n"
        "asyncio.run(hold())\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "HELD":
        process.kill()
        pytest.fail(
            f"the holder did not start: {line} {process.stderr.read() if process.stderr else ''}"
        )
    return process


def _try_lock(spec: str, thread_id: str) -> None:
    async def attempt() -> None:
        async with open_checkpointer(spec) as saver, lock_thread(saver, thread_id):
            pass

    asyncio.run(attempt())


def test_another_process_is_kept_off_a_sqlite_thread_until_it_dies(tmp_path: Path) -> None:
    spec = str(tmp_path / "checkpoints.sqlite")
    holder = _holder(spec, "t")
    try:
        with pytest.raises(ThreadBusyError, match="another process"):
            _try_lock(spec, "t")
        _try_lock(spec, "other-thread")  # only that thread is held
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: the kernel drops the lock
        holder.wait(timeout=30)
    _try_lock(spec, "t")


def test_another_process_is_kept_off_a_postgres_thread(postgres_url: str) -> None:
    holder = _holder(postgres_url, "pg-t")
    try:
        with pytest.raises(ThreadBusyError, match="another process"):
            _try_lock(postgres_url, "pg-t")
        _try_lock(postgres_url, "pg-other")
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    _try_lock(postgres_url, "pg-t")
