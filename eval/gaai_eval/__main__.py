"""`python -m gaai_eval`: run the evaluation, print the table, write latest.md and latest.json."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from gaai_eval import RESULTS_DIR
from gaai_eval.corpus import CorpusError
from gaai_eval.harness import evaluate
from gaai_eval.table import render


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the evaluation and write its result; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m gaai_eval", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="run the reduced subset only")
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="worker processes running the agent (default: 2, or fewer CPUs)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="directory for latest.md and latest.json (default: eval/results, or "
        "eval/results/quick with --quick, so a quick run never overwrites the full table)",
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        print(f"--workers must be at least 1, got {args.workers}", file=sys.stderr)
        return 2
    try:
        result = evaluate(quick=args.quick, workers=args.workers)
    except CorpusError as error:
        print(f"eval corpus: {error}", file=sys.stderr)
        return 2
    table = render(
        result, title="gaai_graph evaluation (quick)" if args.quick else "gaai_graph evaluation"
    )
    if args.out is None:
        args.out = RESULTS_DIR / "quick" if args.quick else RESULTS_DIR
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.md").write_text(table, encoding="utf-8")
    (args.out / "latest.json").write_text(
        json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(table)
    print(f"written to {args.out / 'latest.md'} and latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
