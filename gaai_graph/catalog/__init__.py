"""The analytics catalog: epochs (runs), their items and lineage, and queries over them.

Backends: `SqliteCatalog` (the default, one file) and `gaai_graph.catalog.arango.ArangoCatalog`
(the named graph `gaai_catalog` in an ArangoDB database; imported on demand by `open_catalog`).
"""

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
    describe_catalog,
    fail_epoch_safely,
    fail_run_epoch,
    forget_epoch_safely,
    is_arango_catalog,
    open_catalog,
    record_run,
    record_run_safely,
    start_epoch_safely,
    start_run_epoch,
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
    "describe_catalog",
    "diff_epochs",
    "fail_epoch_safely",
    "fail_run_epoch",
    "forget_epoch_safely",
    "is_arango_catalog",
    "open_catalog",
    "record_run",
    "record_run_safely",
    "start_epoch_safely",
    "start_run_epoch",
]
