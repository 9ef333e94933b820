"""The e-commerce demo graph: a seeded generator with planted, documented structure.

`generate_demo` builds an online shop's graph (customers, orders, products, sellers, reviews,
devices, payment cards, categories) in ArangoDB document form. Alongside the data it returns a
`DemoTruth`: the structures deliberately planted in it (fraud rings, referral-bonus cycles,
customer segments, influencers, brokers, hub products), so tests and benchmarks can check that
an analysis finds what is really there. `gaai_graph/data/README.md` describes each structure
and which algorithm reveals it.

Everything is drawn from one `numpy.random.Generator` seeded by the caller, in a fixed order,
and nothing iterates over a set or a hash-ordered mapping: the same seed and scale always give
byte-identical documents.

The generator lives in `demo_generator`, its size, shape and name tables in `demo_tables` and
the result types in `demo_truth`; this module re-exports their public names and holds the
entry points.

`load_bundled_demo` reads the snapshot shipped in `gaai_graph/data/demo/ecommerce/` (written by
`bundle_demo`); `python -m gaai_graph.sources.demo --out DIR` exports a demo snapshot.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import orjson

from gaai_graph.errors import SourceError
from gaai_graph.sources.base import GraphData

# Re-exported: the generator and its tables live in their own modules since the split, and
# callers keep importing them from here.
from gaai_graph.sources.demo_generator import (
    check_demo_scale,
    demo_graph_definition,
    generate_demo,
)
from gaai_graph.sources.demo_tables import (
    DEFAULT_SEED,
    DEMO_GRAPH_NAME,
    MAX_SCALE,
    MIN_SCALE,
    SATELLITE_COLLECTIONS,
    SEGMENT_CATEGORIES,
)
from gaai_graph.sources.demo_truth import DemoDataset, DemoTruth, FraudRing

__all__ = [
    "BUNDLED_DEMO_DIR",
    "DEMO_GRAPH_NAME",
    "DOCUMENTS_DIR",
    "MAX_SCALE",
    "MIN_SCALE",
    "SATELLITE_COLLECTIONS",
    "SEGMENT_CATEGORIES",
    "DemoDataset",
    "DemoTruth",
    "FraudRing",
    "bundle_demo",
    "bundled_document_paths",
    "check_demo_scale",
    "demo_graph_definition",
    "generate_demo",
    "load_bundled_demo",
    "main",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BUNDLED_DEMO_DIR = DATA_DIR / "demo" / "ecommerce"
"""Where the bundled snapshot (scale 1.0, seed 7) lives inside the package."""
DOCUMENTS_DIR = DATA_DIR / "documents"
"""Sample requirement documents written for the demo graph."""


# --------------------------------------------------------------------------- bundled snapshot


def load_bundled_demo() -> GraphData:
    """Load the demo snapshot shipped with the package (scale 1.0, seed 7).

    Falls back to generating the same graph, with a warning on the result, when the package was
    installed without its snapshot.

    Returns:
        The demo graph, with source 'demo' and its `ecommerce_graph` definition.
    """
    if not BUNDLED_DEMO_DIR.is_dir():
        data = generate_demo().data
        data.warnings.append(
            f"bundled demo snapshot {BUNDLED_DEMO_DIR} is missing; generated the same graph"
        )
        return data
    from gaai_graph.sources.snapshot import load_snapshot

    data = load_snapshot(BUNDLED_DEMO_DIR)
    data.source = "demo"
    if not any(graph.name == DEMO_GRAPH_NAME for graph in data.graphs):
        data.graphs.append(demo_graph_definition())
    return data


def bundle_demo(directory: Path | None = None) -> Path:
    """Write the default demo graph (scale 1.0, seed 7) as a gzipped arangodump.

    Args:
        directory: Where to write; defaults to the package's bundled snapshot directory.

    Returns:
        The directory written.
    """
    from gaai_graph.sources.snapshot import write_arangodump

    target = directory if directory is not None else BUNDLED_DEMO_DIR
    write_arangodump(generate_demo().data, target, gzip=True)
    return target


def bundled_document_paths() -> list[Path]:
    """Return the sample requirement documents written for the demo, sorted by name."""
    return sorted(DOCUMENTS_DIR.glob("*.md"))


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """Export a demo snapshot: `python -m gaai_graph.sources.demo --out DIR`.

    Args:
        argv: Command-line arguments (without the program name); defaults to `sys.argv[1:]`.

    Returns:
        The process exit code.
    """
    parser = argparse.ArgumentParser(
        prog="python -m gaai_graph.sources.demo",
        description="Write the e-commerce demo graph as an arangodump or JSONL snapshot.",
    )
    parser.add_argument("--out", required=True, type=Path, help="directory to write")
    parser.add_argument("--scale", type=float, default=1.0, help="size multiplier (default 1)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 7)")
    parser.add_argument("--format", choices=("dump", "jsonl"), default="dump")
    parser.add_argument(
        "--truth", type=Path, default=None, help="also write the planted truth to this JSON file"
    )
    args = parser.parse_args(argv)

    try:
        dataset = generate_demo(scale=args.scale, seed=args.seed)
    except SourceError as error:
        parser.error(str(error))

    from gaai_graph.sources.snapshot import write_arangodump, write_jsonl

    if args.format == "dump":
        write_arangodump(dataset.data, args.out, gzip=True)
    else:
        write_jsonl(dataset.data, args.out)
    if args.truth is not None:
        args.truth.write_bytes(
            orjson.dumps(dataset.truth.to_jsonable(), option=orjson.OPT_INDENT_2)
        )
    edges = sum(len(c.documents) for c in dataset.data.collections.values() if c.kind == "edge")
    print(f"wrote the demo graph (scale {args.scale}, {edges} edges) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
