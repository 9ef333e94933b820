"""Soak test of crash resume: SIGKILL `gaai run` at random moments, resume, compare.

Not part of the unit suite (it takes minutes). Each round starts `gaai run` on the demo, kills
it with SIGKILL after a random delay (counted from the moment the run records its thread id,
within the length of an uninterrupted run), then continues
it with `gaai resume` (or, every other round, `gaai run` with the same thread id) and checks:

- the reports are identical to those of an uninterrupted run (wall times left out);
- no template chain whose writes were committed before the kill executed again (counted from
  the `GAAI_CHECKPOINT_LOG` the checkpoint store writes after every committed task write).

```bash
.venv/bin/python benchmarks/soak_resume.py [--kills 20] [--seed 7]
```
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GAAI = [sys.executable, "-m", "gaai_graph.cli"]


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


def _templates_by_pid(log: Path) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if log.exists():
        for line in log.read_text().splitlines():
            entry = json.loads(line)
            found.setdefault(entry["pid"], []).extend(entry.get("templates", []))
    return found


def _env(log: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAAI_CHECKPOINT")}
    env["GAAI_CHECKPOINT_LOG"] = str(log)
    return env


def _wait_for_start(out: Path, thread_id: str, process: subprocess.Popen) -> None:
    marker = out / ".gaai" / "threads" / f"{thread_id}.json"
    while not marker.exists() and process.poll() is None:
        time.sleep(0.005)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="gaai-soak-"))

    reference = root / "reference"
    process = subprocess.Popen(
        [*GAAI, "run", "--out", str(reference), "--thread-id", "ref", "--quiet"],
        env=_env(root / "reference.jsonl"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_start(reference, "ref", process)
    started = time.perf_counter()
    if process.wait() != 0:
        raise SystemExit("the uninterrupted reference run failed")
    duration = time.perf_counter() - started
    expected = _reports(reference)
    print(f"uninterrupted run: {duration:.2f} s after start-up, {len(expected)} reports")

    failures = 0
    for round_number in range(1, args.kills + 1):
        out, log = root / f"round-{round_number}", root / f"round-{round_number}.jsonl"
        run_args = [*GAAI, "run", "--out", str(out), "--thread-id", "t", "--quiet"]
        delay = rng.uniform(0.0, duration)
        process = subprocess.Popen(
            run_args, env=_env(log), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # The clock starts when the run records its thread (after interpreter start-up), so
        # the kills spread over the run itself rather than over Python's imports.
        _wait_for_start(out, "t", process)
        time.sleep(delay)
        finished_anyway = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        process.wait()
        before = _templates_by_pid(log)
        finished_before = [t for ts in before.values() for t in ts]
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
        if done.returncode != 0:
            problems.append(f"{how} failed: {done.stderr.strip()[-300:]}")
        elif _reports(out) != expected:
            problems.append("reports differ from the uninterrupted run")
        rerun = sorted(set(finished_before) & set(executed_after))
        if rerun:
            problems.append(f"finished templates executed again: {rerun}")
        failures += bool(problems)
        print(
            f"round {round_number:2d}: kill at {delay:5.2f} s"
            f"{' (run had ended)' if finished_anyway else ''}, {how}: "
            f"{len(finished_before)} templates done before, {len(executed_after)} after"
            + (f" -- FAIL: {'; '.join(problems)}" if problems else " -- ok")
        )
    print(f"{args.kills - failures}/{args.kills} rounds ok (work dir {root})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
