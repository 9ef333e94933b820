"""How long `gaai --help` and `gaai --version` take (issue 18.5: under 0.2 s).

LangGraph, LangSmith, pydantic and numpy are imported when a run starts, not with the command
line. Each command runs in a fresh interpreter, alternating with a bare `python -c pass` (the
floor on this machine at this moment), and the medians are printed side by side. With
`--compare DIR`, the same commands also run against another checkout (e.g. /work/main) put
first on PYTHONPATH, to show the change. Usage:

    .venv/bin/python benchmarks/startup.py [--repeat 15] [--compare /work/main]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from common import ROOT, seconds, table

TARGET_SECONDS = 0.2

COMMANDS = {
    "python -c pass (floor)": [sys.executable, "-c", "pass"],
    "gaai --help": [sys.executable, "-m", "gaai_graph.cli", "--help"],
    "gaai --version": [sys.executable, "-m", "gaai_graph.cli", "--version"],
}


def _seconds(command: list[str], pythonpath: str | None) -> float:
    environment = dict(os.environ)
    if pythonpath:
        environment["PYTHONPATH"] = pythonpath
    start = time.perf_counter()
    # `python -m` puts the working directory first on sys.path: run in the tree being timed. An
    # older tree may not know --version (exit 2): still timed, as the cost of getting an answer.
    subprocess.run(
        command, check=False, capture_output=True, env=environment, cwd=pythonpath or ROOT
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per command (median)")
    parser.add_argument("--compare", help="another checkout to time the same commands against")
    args = parser.parse_args(argv)
    trees = {"this tree": None, **({args.compare: args.compare} if args.compare else {})}
    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeat):  # alternate, so load on the shared machine hits every row
        for tree, pythonpath in trees.items():
            for name, command in COMMANDS.items():
                samples.setdefault((tree, name), []).append(_seconds(command, pythonpath))
    rows = []
    floor = statistics.median(samples[("this tree", "python -c pass (floor)")])
    for (tree, name), values in samples.items():
        median = statistics.median(values)
        verdict = ""
        if name.startswith("gaai"):
            verdict = "met" if median < TARGET_SECONDS else "not met"
            verdict = f"< {TARGET_SECONDS} s ({verdict}); {median - floor:.3f} s over the floor"
        rows.append([tree, name, seconds(median), seconds(min(values)), verdict])
    print(table(["tree", "command", "median", "best", "target"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
