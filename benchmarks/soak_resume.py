"""Soak test of crash resume: SIGKILL `gaai run` at random checkpoint writes, resume, compare.

Not part of the unit suite (it takes minutes). An uninterrupted reference run records every
checkpoint write it commits (`GAAI_CHECKPOINT_LOG`). Each round then picks one of those writes
at random, runs `gaai run` with `GAAI_CHECKPOINT_PAUSE` set to stop right after that write is
committed (gaai_graph/persistence.py), kills it with SIGKILL there, and continues it with
`gaai resume` (or, every other round, `gaai run` with the same thread id). Each round checks:

- the reports are identical to those of the uninterrupted run (wall times left out);
- no template chain whose writes were committed before the kill executed again (counted from
  the `GAAI_CHECKPOINT_LOG` the checkpoint store writes after every committed task write).

Why writes and not wall-clock delays: a run spends most of its time starting up and analysing,
and its template fan-out is over in a fraction of a second, so kills spread uniformly over the
run's time almost never land inside the fan-out (1 round in 20 when measured). Writes made
during the fan-out (one per template chain) are drawn `--fan-out-weight` times as often as the
others. Each round is classed by what was committed when it was killed: *before* the fan-out
(no template chain), *mid* fan-out (some), *after* it (all); the split is printed, and the soak
fails when fewer than `--min-mid` of the rounds landed mid fan-out.

```bash
.venv/bin/python benchmarks/soak_resume.py [--kills 20] [--seed 7] [--min-mid 0.25]
```
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

GAAI = [sys.executable, "-m", "gaai_graph.cli"]
PAUSE_TIMEOUT = 300.0
"""Seconds to wait for a run to reach its pause point before giving up on the round."""


def _normalise(value):
    if isinstance(value, dict):
        return {
            key: _normalise(item)
            for key, item in value.items()
            if "seconds" not in key and not key.startswith(("runtime", "elapsed"))
        }
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    return value


def _reports(out: Path) -> dict:
    return {p.name: _normalise(json.loads(p.read_text())) for p in (out / "reports").glob("*.json")}


def _log_lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _templates_by_pid(log: Path) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for entry in _log_lines(log):
        found.setdefault(entry["pid"], []).extend(entry.get("templates", []))
    return found


def _env(log: Path, pause: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAAI_CHECKPOINT")}
    env["GAAI_CHECKPOINT_LOG"] = str(log)
    if pause:
        env["GAAI_CHECKPOINT_PAUSE"] = pause
    return env


def kill_points(log: Path) -> list[tuple[str, bool]]:
    """Each committed write of the reference run as (pause spec, inside the fan-out).

    A write is named by its first channel and how many writes to that channel came before, as
    `GAAI_CHECKPOINT_PAUSE` counts them: `executions:3` is the third template chain's write.
    The fan-out's writes are those of template chains after which another chain remains.
    """
    lines = _log_lines(log)
    total = sum(len(entry.get("templates", [])) for entry in lines)
    counts: dict[str, int] = {}
    points: list[tuple[str, bool]] = []
    done = 0
    for entry in lines:
        channel = entry["channels"][0]
        for name in set(entry["channels"]):
            counts[name] = counts.get(name, 0) + 1
        done += len(entry.get("templates", []))
        points.append((f"{channel}:{counts[channel]}", 0 < done < total))
    return points


def _run_until_paused(args: list[str], env: dict[str, str]) -> bool:
    """Start `gaai run`, SIGKILL it once it pauses; False if it ended without pausing."""
    process = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    paused = False
    deadline = time.monotonic() + PAUSE_TIMEOUT
    try:
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1.0)
            except queue.Empty:
                continue
            if line is None:
                break
            if line.startswith("GAAI-PAUSED"):
                paused = True
                break
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    return paused


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--fan-out-weight",
        type=float,
        default=2.0,
        help="how much more often a write inside the template fan-out is drawn (default 2)",
    )
    parser.add_argument(
        "--min-mid",
        type=float,
        default=0.25,
        help="fail when fewer than this share of the rounds landed mid fan-out (default 0.25)",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="gaai-soak-"))

    reference, reference_log = root / "reference", root / "reference.jsonl"
    started = time.perf_counter()
    done = subprocess.run(
        [*GAAI, "run", "--out", str(reference), "--thread-id", "ref", "--quiet"],
        env=_env(reference_log),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"the uninterrupted reference run failed: {done.stderr[-500:]}")
    duration = time.perf_counter() - started
    expected = _reports(reference)
    points = kill_points(reference_log)
    templates = sum(len(ts) for ts in _templates_by_pid(reference_log).values())
    weights = [args.fan_out_weight if inside else 1.0 for _, inside in points]
    print(
        f"uninterrupted run: {duration:.2f} s, {len(expected)} reports, {len(points)} "
        f"committed writes ({sum(inside for _, inside in points)} inside the fan-out of "
        f"{templates} template chains)"
    )

    failures = 0
    split = {"before": 0, "mid": 0, "after": 0}
    for round_number in range(1, args.kills + 1):
        out, log = root / f"round-{round_number}", root / f"round-{round_number}.jsonl"
        run_args = [*GAAI, "run", "--out", str(out), "--thread-id", "t", "--quiet"]
        pause, _ = rng.choices(points, weights=weights)[0]
        paused = _run_until_paused(run_args, _env(log, pause))
        before = _templates_by_pid(log)
        finished_before = [t for ts in before.values() for t in ts]
        where = (
            "before"
            if not finished_before
            else "after"
            if len(set(finished_before)) >= templates
            else "mid"
        )
        split[where] += 1
        how = "resume" if round_number % 2 else "rerun"
        if not (out / ".gaai" / "threads" / "t.json").exists():
            # Killed before the run recorded its thread: there is nothing to resume, and
            # `gaai resume` says so; running again with the same thread id starts it.
            how = "rerun (killed before start)"
        again = (
            [*GAAI, "resume", "--thread-id", "t", "--out", str(out), "--quiet"]
            if how == "resume"
            else run_args
        )
        done = subprocess.run(again, env=_env(log), capture_output=True, text=True)
        executed_after = [
            t for pid, ts in _templates_by_pid(log).items() if pid not in before for t in ts
        ]
        problems = []
        if not paused:
            problems.append(f"the run never reached its pause point {pause}")
        if done.returncode != 0:
            problems.append(f"{how} failed: {done.stderr.strip()[-300:]}")
        elif _reports(out) != expected:
            problems.append("reports differ from the uninterrupted run")
        rerun = sorted(set(finished_before) & set(executed_after))
        if rerun:
            problems.append(f"finished templates executed again: {rerun}")
        ran = finished_before + executed_after
        if len(ran) != len(set(ran)) or len(set(ran)) != templates:
            problems.append(f"{len(ran)} executions of {len(set(ran))} of {templates} templates")
        failures += bool(problems)
        print(
            f"round {round_number:2d}: kill after write {pause:<14} ({where:>6} fan-out), {how}: "
            f"{len(finished_before)} templates done before, {len(executed_after)} after"
            + (f" -- FAIL: {'; '.join(problems)}" if problems else " -- ok")
        )
    print(
        f"kills: {split['before']} before the fan-out, {split['mid']} mid fan-out, "
        f"{split['after']} after it"
    )
    too_few = split["mid"] < args.min_mid * args.kills
    if too_few:
        print(
            f"FAIL: only {split['mid']} of {args.kills} kills landed mid fan-out "
            f"(at least {args.min_mid:.0%} wanted)"
        )
    print(f"{args.kills - failures}/{args.kills} rounds ok (work dir {root})")
    return 1 if failures or too_few else 0


if __name__ == "__main__":
    sys.exit(main())
