"""Turn a run's final state into catalog records, without ever losing the run's results.

```python
problem = record_run_safely(
    "out/demo/catalog.sqlite", values, epoch_id=thread_id, started_at=t0, tags=["nightly"]
)
if problem:
    print(f"warning: {problem}")  # the reports are already written; only the catalog missed it
```

A catalog spec is a SQLite file path, or an `arangodb://` URL (or connection settings or an
open connection of an ArangoDB source) for the catalog as a named graph in that database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from gaai_graph.catalog.base import (
    LINEAGE_RELATIONS,
    CatalogBackend,
    CatalogError,
    CatalogNode,
    Epoch,
    LineageEdge,
    NodeKind,
)
from gaai_graph.catalog.sqlite import SqliteCatalog
from gaai_graph.sources.arango_url import ArangoTarget, is_arango_source, redact_source
from gaai_graph.store_names import CATALOG_FILE_NAME as CATALOG_FILE_NAME  # re-exported

if TYPE_CHECKING:
    from gaai_graph.sources.arango import ArangoConnection

    CatalogSpec = str | Path | ArangoTarget | ArangoConnection

logger = logging.getLogger(__name__)


def is_arango_catalog(spec: CatalogSpec) -> bool:
    """Whether `spec` names a catalog in ArangoDB (a URL, settings or a connection)."""
    if isinstance(spec, str):
        return is_arango_source(spec)
    if isinstance(spec, Path):
        return False
    if isinstance(spec, ArangoTarget):
        return True
    from gaai_graph.sources.arango import ArangoConnection

    return isinstance(spec, ArangoConnection)


def describe_catalog(spec: CatalogSpec) -> str:
    """`spec` safe to print: an ArangoDB address never shows its password."""
    if isinstance(spec, (str, Path)):
        return redact_source(str(spec))
    target = spec if isinstance(spec, ArangoTarget) else spec.target
    return target.display


def open_catalog(spec: CatalogSpec, *, create: bool = True) -> CatalogBackend:
    """Open the catalog named by `spec`.

    Args:
        spec: A SQLite file path; or an `arangodb://` (`arangodbs://`) URL, `ArangoTarget`
            settings or an open `ArangoConnection`, for the catalog as the named graph
            `gaai_catalog` in that database (see `gaai_graph.catalog.arango`).
        create: Create the catalog when missing. When False (only querying), a missing
            catalog is an error and opening it writes nothing.

    Raises:
        CatalogError: If it cannot be opened (or is missing and `create` is False); the
            message never holds a password.
    """
    if is_arango_catalog(spec):
        from gaai_graph.catalog.arango import ArangoCatalog

        return ArangoCatalog.open(
            cast("str | ArangoTarget | ArangoConnection", spec), create=create
        )
    path = Path(cast("str | Path", spec))
    if not create and str(path) != ":memory:" and not path.is_file():
        raise CatalogError(f"no catalog at {path} (give --catalog FILE or URL)")
    return SqliteCatalog(path)


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


def start_run_epoch(
    catalog: CatalogBackend,
    schema: Any,
    *,
    epoch_id: str,
    started_at: float,
    tags: list[str] | None = None,
) -> Epoch:
    """Start the epoch of a run whose schema is known (status `running`), or return it.

    Args:
        catalog: Where to record it.
        schema: The run's `GraphSchema` (fingerprint, source, graph name), or None.
        epoch_id: The epoch id (the run's thread id).
        started_at: When the run started.
        tags: The epoch's tags.

    Raises:
        CatalogError: If the catalog refuses the write.
    """
    return catalog.start_epoch(
        Epoch(
            id=epoch_id,
            fingerprint=schema.fingerprint if schema else "",
            source=schema.source if schema else "",
            graph_name=schema.graph_name if schema else None,
            started_at=started_at,
            tags=list(tags or []),
        )
    )


def start_epoch_safely(catalog_spec: CatalogSpec, schema: Any, **options: Any) -> str | None:
    """`start_run_epoch` in the catalog at `catalog_spec`; a failure is returned, never raised.

    Returns:
        None when recorded, else a one-line description of what went wrong.
    """
    return _write_safely(catalog_spec, start_run_epoch, schema, **options)


def forget_epoch_safely(catalog_spec: CatalogSpec, epoch_id: str) -> str | None:
    """Remove epoch `epoch_id` from an existing catalog (never creating one); never raise.

    Returns:
        None when removed (or there was no catalog), else what went wrong.
    """
    try:
        catalog = open_catalog(catalog_spec, create=False)
    except CatalogError:
        return None
    try:
        catalog.forget_epoch(epoch_id)
    except Exception as error:
        return _problem("catalog write failed", catalog_spec, error)
    finally:
        catalog.close()
    return None


def _write_safely(
    catalog_spec: CatalogSpec, write: Callable[..., Any], subject: Any, **options: Any
) -> str | None:
    """Open the catalog, `write(catalog, subject, **options)`, close it; never raise.

    Returns:
        None when written, else a one-line description of what went wrong.
    """
    try:
        catalog = open_catalog(catalog_spec)
        try:
            write(catalog, subject, **options)
        finally:
            catalog.close()
    except Exception as error:
        return _problem("catalog write failed", catalog_spec, error)
    return None


def _problem(what: str, catalog_spec: CatalogSpec, error: Exception) -> str:
    """One line about a catalog failure, naming the catalog once and never its password."""
    logger.warning("%s (%s)", what, describe_catalog(catalog_spec), exc_info=True)
    where = describe_catalog(catalog_spec)
    text = redact_source(str(error))
    return f"{what}: {text}" if where in text else f"{what} ({where}): {text}"


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
    summary = values.get("summary")
    epoch = start_run_epoch(
        catalog, values.get("schema"), epoch_id=epoch_id, started_at=started_at, tags=tags
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
        error="the run ended without a summary" if failed else None,
    )
    return catalog.get_epoch(epoch.id)


def fail_run_epoch(
    catalog: CatalogBackend,
    schema: Any,
    *,
    epoch_id: str,
    started_at: float,
    reason: str,
    tags: list[str] | None = None,
) -> Epoch | None:
    """Mark the epoch of a run that ended in an error `failed`, with the reason.

    The epoch is started first when the schema is known (a run can fail before its
    `running` start was written); a run that failed before its schema was known started no
    epoch, and none is made for it.

    Args:
        catalog: Where the epoch is.
        schema: The run's `GraphSchema` from its last checkpoint, or None.
        epoch_id: The epoch id (the run's thread id).
        started_at: When the run started.
        reason: The error, one line (it is shown by `gaai catalog show`).
        tags: The epoch's tags.

    Returns:
        The failed epoch, or None when there is none.

    Raises:
        CatalogError: If the catalog refuses a write.
    """
    if schema is not None:
        start_run_epoch(catalog, schema, epoch_id=epoch_id, started_at=started_at, tags=tags)
    else:
        try:
            catalog.get_epoch(epoch_id)
        except CatalogError:
            return None
    catalog.finish_epoch(epoch_id, "failed", time.time(), error=redact_source(reason))
    return catalog.get_epoch(epoch_id)


def fail_epoch_safely(catalog_spec: CatalogSpec, schema: Any, **options: Any) -> str | None:
    """`fail_run_epoch` in the catalog at `catalog_spec`; a failure is returned, never raised.

    Returns:
        None when recorded (or when there was no epoch to mark), else what went wrong.
    """
    if schema is None:
        # No schema, no epoch started by this run: look, but never create a catalog for it.
        try:
            catalog = open_catalog(catalog_spec, create=False)
        except CatalogError:
            return None
        catalog.close()
    return _write_safely(catalog_spec, fail_run_epoch, schema, **options)


def record_run_safely(
    catalog_spec: CatalogSpec, values: dict[str, Any], **options: Any
) -> str | None:
    """`record_run` into the catalog at `catalog_spec`; a failure is returned, never raised.

    The run's reports are written before this is called, so a catalog that cannot be written
    loses nothing computed; the caller reports the returned message.

    Returns:
        None when recorded, else a one-line description of what went wrong.
    """
    return _write_safely(catalog_spec, record_run, values, **options)
