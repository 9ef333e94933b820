"""File names of the stores a run keeps under its output directory.

Kept apart from `gaai_graph.catalog` and `gaai_graph.persistence` so the command line can
name them in its help without importing either (issue 18: `gaai --help` under 0.2 s).
"""

from __future__ import annotations

__all__ = ["CATALOG_FILE_NAME", "CHECKPOINT_FILE_NAME"]

CATALOG_FILE_NAME = "catalog.sqlite"
"""The run's SQLite analytics catalog, `<out>/catalog.sqlite` unless `--catalog` says."""

CHECKPOINT_FILE_NAME = "checkpoints.sqlite"
"""The run's SQLite checkpoint store, `<out>/checkpoints.sqlite` unless `--checkpoint` says."""
