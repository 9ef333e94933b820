"""Catalog tests reach the loopback ArangoDB servers of `tests/sources/arango_replay.py`."""

import sys
from pathlib import Path

SOURCES_TESTS = str(Path(__file__).resolve().parent.parent / "sources")
if SOURCES_TESTS not in sys.path:
    sys.path.insert(0, SOURCES_TESTS)
