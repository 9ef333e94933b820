"""The analytics catalog: epochs (runs), their items and lineage, and queries over them."""

from gaai_graph.catalog.base import (
    CatalogBackend,
    CatalogError,
    CatalogNode,
    Epoch,
    Lineage,
    LineageEdge,
)
from gaai_graph.catalog.diff import EpochDiff, TemplateDiff, diff_epochs
from gaai_graph.catalog.recorder import (
    CATALOG_FILE_NAME,
    build_records,
    open_catalog,
    record_run,
    record_run_safely,
)
from gaai_graph.catalog.sqlite import SqliteCatalog

__all__ = [
    "CATALOG_FILE_NAME",
    "CatalogBackend",
    "CatalogError",
    "CatalogNode",
    "Epoch",
    "EpochDiff",
    "Lineage",
    "LineageEdge",
    "SqliteCatalog",
    "TemplateDiff",
    "build_records",
    "diff_epochs",
    "open_catalog",
    "record_run",
    "record_run_safely",
]
