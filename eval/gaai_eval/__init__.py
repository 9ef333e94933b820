"""The gaai_graph evaluation harness: benchmark graphs, question corpus, scoring.

Lives outside the installed `gaai_graph` package (the `eval/` directory of the repository) so
the product never ships its own exam. `make eval` runs `python -m gaai_eval` with `eval/` on
`PYTHONPATH`; docs/evaluation.md describes what is measured and how to add cases.
"""

from __future__ import annotations

from pathlib import Path

EVAL_ROOT = Path(__file__).resolve().parent.parent
"""The `eval/` directory: graphs, corpus and results live under it."""
GRAPHS_DIR = EVAL_ROOT / "graphs"
CORPUS_DIR = EVAL_ROOT / "corpus"
RESULTS_DIR = EVAL_ROOT / "results"
