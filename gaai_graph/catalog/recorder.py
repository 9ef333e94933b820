"""Turn a run's final state into catalog records, without ever losing the run's results.

```python
catalog = open_catalog("out/demo/catalog.sqlite")
problem = record_run_safely(catalog, values, epoch_id=thread_id, started_at=t0, tags=["nightly"])
if problem:
    print(f"warning: {problem}")  # the reports are already written; only the catalog missed it
```
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from gaai_graph.catalog.base import (
    LINEAGE_RELATIONS,
    CatalogBackend,
    CatalogNode,
    Epoch,
    LineageEdge,
    NodeKind,
)
from gaai_graph.catalog.sqlite import SqliteCatalog

logger = logging.getLogger(__name__)

CATALOG_FILE_NAME = "catalog.sqlite"
"""File name of the default SQLite catalog inside a run's output directory."""


def open_catalog(spec: str | Path) -> CatalogBackend:
    """Open the catalog named by `spec` (a SQLite file path).

    Raises:
        CatalogError: If it cannot be opened.
    """
    return SqliteCatalog(spec)


def _dump(item: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = item.model_dump(mode="json")
    return dumped


def _edge(
    epoch_id: str, from_kind: NodeKind, from_id: str, to_kind: NodeKind, to_id: str
) -> LineageEdge:
    relation = LINEAGE_RELATIONS[(from_kind, to_kind)]
    return LineageEdge(epoch_id, from_kind, from_id, to_kind, to_id, relation)


def build_records(
    epoch_id: str, values: dict[str, Any], report_paths: dict[str, str] | None = None
) -> tuple[list[CatalogNode], list[LineageEdge]]:
    """Catalog items and lineage edges of one run's final state.

    Args:
        epoch_id: The epoch the records belong to.
        values: The final state (`requirements`, `use_cases`, `templates`, `executions`,
            `reports`, `timings`).
        report_paths: Written report file per template id, stored with the report.
    """
    nodes: list[CatalogNode] = []
    edges: list[LineageEdge] = []
    seconds = {
        timing.template_id: timing.seconds
        for timing in values.get("timings", [])
        if timing.phase == "execute" and timing.template_id
    }
    requirement_ids = {r.id for r in values.get("requirements", [])}
    for requirement in values.get("requirements", []):
        nodes.append(CatalogNode(epoch_id, "requirement", requirement.id, _dump(requirement)))
    use_case_ids = set()
    for use_case in values.get("use_cases", []):
        use_case_ids.add(use_case.id)
        nodes.append(CatalogNode(epoch_id, "use_case", use_case.id, _dump(use_case)))
        edges.extend(
            _edge(epoch_id, "requirement", rid, "use_case", use_case.id)
            for rid in use_case.requirement_ids
            if rid in requirement_ids
        )
    for template in values.get("templates", []):
        nodes.append(CatalogNode(epoch_id, "template", template.id, _dump(template)))
        if template.use_case_id in use_case_ids:
            edges.append(_edge(epoch_id, "use_case", template.use_case_id, "template", template.id))
    for execution in values.get("executions", []):
        data = _dump(execution)
        data["seconds"] = seconds.get(execution.template_id)
        nodes.append(CatalogNode(epoch_id, "execution", execution.template_id, data))
        edges.append(
            _edge(epoch_id, "template", execution.template_id, "execution", execution.template_id)
        )
    for report in values.get("reports", []):
        data = _dump(report)
        data["path"] = (report_paths or {}).get(report.template_id)
        nodes.append(CatalogNode(epoch_id, "report", report.template_id, data))
        edges.append(_edge(epoch_id, "execution", report.template_id, "report", report.template_id))
    return nodes, edges


def record_run(
    catalog: CatalogBackend,
    values: dict[str, Any],
    *,
    epoch_id: str,
    started_at: float,
    tags: list[str] | None = None,
    report_paths: dict[str, str] | None = None,
) -> Epoch:
    """Record a finished run as an epoch with all its items and lineage.

    Raises:
        CatalogError: If the catalog refuses a write.
    """
    schema = values.get("schema")
    summary = values.get("summary")
    epoch = catalog.start_epoch(
        Epoch(
            id=epoch_id,
            fingerprint=schema.fingerprint if schema else "",
            source=schema.source if schema else "",
            graph_name=schema.graph_name if schema else None,
            started_at=started_at,
            tags=list(tags or []),
        )
    )
    nodes, edges = build_records(epoch_id, values, report_paths)
    catalog.record_items(epoch_id, nodes, edges)
    failed = summary is None
    catalog.finish_epoch(
        epoch_id,
        "failed" if failed else "finished",
        time.time(),
        headline=summary.headline if summary else None,
        vertical=summary.vertical if summary else None,
    )
    return catalog.get_epoch(epoch.id)


def record_run_safely(
    catalog_spec: str | Path, values: dict[str, Any], **options: Any
) -> str | None:
    """`record_run` into the catalog at `catalog_spec`; a failure is returned, never raised.

    The run's reports are written before this is called, so a catalog that cannot be written
    loses nothing computed; the caller reports the returned message.

    Returns:
        None when recorded, else a one-line description of what went wrong.
    """
    try:
        catalog = open_catalog(catalog_spec)
        try:
            record_run(catalog, values, **options)
        finally:
            catalog.close()
    except Exception as error:
        logger.warning("catalog write failed", exc_info=True)
        return f"catalog write failed ({catalog_spec}): {error}"
    return None
