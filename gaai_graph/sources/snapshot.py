"""Offline snapshots: read and write the files ArangoDB's own tools produce.

Two layouts are understood, detected from the directory's contents:

- arangodump: `dump.json`, an `ENCRYPTION` marker and per collection
  `<name>_<md5(name)>.structure.json` (older dumps: `<name>.structure.json`) plus its data in
  `<prefix>.data.json[.gz]`, or with 3.12 `--split-files` in `<prefix>.<n>.data.json[.gz]`.
  Data lines are raw documents, or in dumps up to 3.10 `{"type": 2300|2302, "data": {...}}`
  envelopes. VelocyPack (`--dump-vpack`) and encrypted dumps are refused.
- arangoexport: per collection `<collection>.jsonl[.gz]` (`--type jsonl`, one document per
  line), `<collection>.json[.gz]` (`--type json`, one JSON array of documents) or
  `<collection>.csv[.gz]` (`--type csv`, a header row of attribute names, then one row per
  document; see `csv_documents` for how cells become values). Edge collections are recognised
  by `_from`/`_to` on their documents.

System collections are skipped, except `_graphs`, whose documents become `GraphData.graphs`.
Every document ends up with `_key` and `_id`: a missing `_id` is `<collection>/<_key>`, a missing
`_key` comes from `_id`, and an edge with neither (what arangoimport users and other tools write)
gets a key derived from its content (`derived_edge_key`), the same on every load. Documents
repeating an earlier document's `_key` are kept and reported in the warnings (count and first
examples), never dropped silently.

Loading is the hot path of every offline run. JSONL, JSON-array and raw arangodump files are
read by polars into `ColumnarDocuments` when the columns hold exactly the file's values
(`snapshot_columnar`); other files (CSV, dump envelopes, mixed types, explicit nulls) become
plain dicts, each file decompressed, split and parsed in bulk; line numbers are recovered only
when something is wrong.
"""

from __future__ import annotations

import gzip as gzip_module
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from gaai_graph.errors import SnapshotFormatError, SourceError
from gaai_graph.models import EdgeDefinition, NamedGraph
from gaai_graph.sources.base import CollectionData, CollectionKind, GraphData
from gaai_graph.sources.columnar import columnar_frame
from gaai_graph.sources.snapshot_columnar import (
    ExportFrame,
    dump_frame,
    duplicate_key_warning_of_frame,
    export_frames_ahead,
)
from gaai_graph.sources.snapshot_files import (
    EXPORT_READERS,
    Origin,
    invalid_json,
    json_array_documents,
    json_type,
    line_of,
    parse_lines,
    read_bytes,
)
from gaai_graph.sources.snapshot_identity import (
    complete_documents,
    derived_edge_key,
    duplicate_key_warning,
)

__all__ = [
    "check_snapshot_directory",
    "derived_edge_key",
    "load_snapshot",
    "write_arangodump",
    "write_jsonl",
]

DUMP_METADATA = "dump.json"
ENCRYPTION_MARKER = "ENCRYPTION"
UNENCRYPTED = "none"
"""What arangodump writes into `ENCRYPTION` when the dump is not encrypted."""
GRAPHS_COLLECTION = "_graphs"

DOCUMENT_TYPE = 2
EDGE_TYPE = 3
KIND_BY_TYPE: dict[int, CollectionKind] = {DOCUMENT_TYPE: "document", EDGE_TYPE: "edge"}
TYPE_BY_KIND: dict[CollectionKind, int] = {"document": DOCUMENT_TYPE, "edge": EDGE_TYPE}

MARKER_DOCUMENT = 2300
"""Envelope type of an insert or replace in dumps up to 3.10."""
MARKER_REMOVE = 2302
"""Envelope type of a removal; its `data` names the removed `_key`."""

STRUCTURE_SUFFIX = ".structure.json"
JSONL_PATTERN = re.compile(r"^(?P<name>.+)\.jsonl(?P<gz>\.gz)?$")
EXPORT_PATTERN = re.compile(r"^(?P<name>[^.].*)\.(?P<format>jsonl|json|csv)(?P<gz>\.gz)?$")
"""An arangoexport file: `<collection>.jsonl`, `.json` or `.csv`, each optionally gzipped. No
collection name starts with a dot, so hidden files (`gaai export-demo`'s marker
`.gaai-export-demo.json`, editors' files) are never read as collections."""
DATA_PATTERN = re.compile(r"^(?P<prefix>.+?)(?:\.(?P<part>\d+))?\.data\.json(?P<gz>\.gz)?$")
"""`<prefix>.data.json[.gz]`, or a `--split-files` part `<prefix>.<n>.data.json[.gz]`."""
VPACK_PATTERN = re.compile(r"\.data\.vpack(\.gz)?$")

GZIP_LEVEL = 6
"""zlib's default trade-off: the demo bundle stays small without slowing `bundle_demo` down."""
JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY
EXPECTED_LAYOUT = (
    "expected an arangodump directory (dump.json with *.structure.json and *.data.json[.gz] "
    "files) or an arangoexport directory (<collection>.jsonl, .json or .csv files, optionally "
    ".gz)"
)


# --------------------------------------------------------------------------- loading


def load_snapshot(path: Path) -> GraphData:
    """Load an arangodump or arangoexport (JSONL) directory into memory.

    Args:
        path: The snapshot directory; its layout is detected from the files it holds.

    Returns:
        Every non-system collection with its documents (each carrying `_key` and `_id`), the
        named graphs of a dumped `_graphs` collection, and warnings about what was skipped.

    Raises:
        SourceError: the directory is missing, is not a directory, holds no recognisable
            snapshot, or holds a VelocyPack or encrypted dump.
        SnapshotFormatError: a file is malformed; the message names the file and line.
    """
    if not path.exists():
        raise SourceError(f"snapshot directory {path} does not exist; {EXPECTED_LAYOUT}")
    if not path.is_dir():
        raise SourceError(f"snapshot {path} is not a directory; {EXPECTED_LAYOUT}")
    names = _file_names(path)
    _refuse_encrypted(path, names)
    if DUMP_METADATA in names or any(name.endswith(STRUCTURE_SUFFIX) for name in names):
        return _load_arangodump(path, names)
    if any(EXPORT_PATTERN.match(name) for name in names):
        return _load_export(path, names)
    databases = sorted(entry.name for entry in path.iterdir() if (entry / DUMP_METADATA).is_file())
    if databases:
        raise SourceError(
            f"{path} holds one dump per database (arangodump --all-databases); point at one "
            f"database's directory: {', '.join(databases)}"
        )
    raise SourceError(f"no snapshot found in {path}: {EXPECTED_LAYOUT}")


def check_snapshot_directory(path: Path) -> None:
    """Refuse a directory `load_snapshot` would refuse by its listing alone, before a run starts.

    That is: unreadable, holding a device or FIFO named like a data file, encrypted, or without
    a recognisable layout. The data files themselves are read by the run.

    Raises:
        SourceError: as `load_snapshot` would for these problems.
    """
    names = _file_names(path)
    _refuse_encrypted(path, names)
    dump = DUMP_METADATA in names or any(name.endswith(STRUCTURE_SUFFIX) for name in names)
    if not dump and not any(EXPORT_PATTERN.match(name) for name in names):
        load_snapshot(path)  # no layout: raises the loader's own message (one per database...)


def _file_names(path: Path) -> list[str]:
    """The names of the regular files in `path`, refusing snapshot-like names of other kinds.

    A device, FIFO or socket named like a data file (`x.jsonl` -> /dev/zero) would block or
    never end when read, so it is refused in one line rather than read or silently skipped.
    """
    names = []
    try:
        entries = sorted(path.iterdir())
        for entry in entries:
            if entry.is_file():
                names.append(entry.name)
            elif not entry.is_dir() and _is_snapshot_file_name(entry.name):
                raise SourceError(
                    f"snapshot file {entry} is not a regular file (a device, pipe or socket); "
                    "a snapshot holds plain or gzipped files"
                )
    except OSError as error:
        raise SourceError(
            f"cannot read snapshot directory {path}: {error.strerror or error}; check that "
            "it is readable by this user"
        ) from None
    return names


def _is_snapshot_file_name(name: str) -> bool:
    return bool(
        name in (DUMP_METADATA, ENCRYPTION_MARKER)
        or name.endswith(STRUCTURE_SUFFIX)
        or DATA_PATTERN.match(name)
        or VPACK_PATTERN.search(name)
        or EXPORT_PATTERN.match(name)
    )


def _refuse_encrypted(path: Path, names: list[str]) -> None:
    if ENCRYPTION_MARKER not in names:
        return
    marker = read_bytes(path / ENCRYPTION_MARKER).decode("utf-8", "replace").strip()
    if marker != UNENCRYPTED:
        raise SourceError(
            f"{path} is an encrypted arangodump ({marker or 'unknown cipher'}), which cannot be "
            "read offline; dump again without --encryption.keyfile"
        )


@dataclass
class _Loaded:
    """What loading gathers before it becomes `GraphData`."""

    collections: dict[str, CollectionData] = field(default_factory=dict)
    graphs: list[NamedGraph] = field(default_factory=list)
    skipped_system: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def note_duplicates(self, collection: str, documents: Sequence[dict[str, Any]]) -> None:
        """Warn about documents repeating an earlier document's `_key` (they are all kept)."""
        frame = columnar_frame(documents)
        warning = (
            duplicate_key_warning(collection, documents)
            if frame is None
            else duplicate_key_warning_of_frame(collection, frame)
        )
        if warning:
            self.warnings.append(warning)

    def to_graph_data(self, source: Path) -> GraphData:
        warnings = list(self.warnings)
        if self.skipped_system:
            warnings.insert(
                0, f"skipped system collections: {', '.join(sorted(self.skipped_system))}"
            )
        if not self.collections:
            warnings.append(f"{source} holds no non-system collections")
        return GraphData(
            source=str(source),
            collections=self.collections,
            graphs=self.graphs,
            warnings=warnings,
        )


# ----------------------------------------------------------------- arangodump layout


@dataclass
class _DumpedCollection:
    name: str
    kind: CollectionKind
    structure: Path
    data_files: list[Path]


def _load_arangodump(path: Path, names: list[str]) -> GraphData:
    metadata = _read_dump_metadata(path, names)
    vpack = [name for name in names if VPACK_PATTERN.search(name)]
    if metadata.get("useVPack") is True or vpack:
        raise SourceError(
            f"{path} holds a VelocyPack dump (arangodump --dump-vpack): VelocyPack is not "
            "supported; dump again as JSON (--dump-vpack false)"
        )
    envelope_flag = metadata.get("useEnvelope")
    use_envelope = envelope_flag if isinstance(envelope_flag, bool) else None

    loaded = _Loaded()
    data_by_prefix = _data_files_by_prefix(path, names)
    claimed: set[str] = set()
    for dumped in _dumped_collections(path, names, data_by_prefix, claimed):
        if dumped.name == GRAPHS_COLLECTION:
            for data_file in dumped.data_files:
                loaded.graphs.extend(_read_graphs(data_file, use_envelope))
            continue
        if dumped.name.startswith("_"):
            loaded.skipped_system.append(dumped.name)
            continue
        documents = _read_dump_documents(dumped, use_envelope)
        loaded.note_duplicates(dumped.name, documents)
        loaded.collections[dumped.name] = CollectionData(dumped.name, dumped.kind, documents)
    for prefix in sorted(set(data_by_prefix) - claimed):
        files = ", ".join(p.name for p in data_by_prefix[prefix])
        loaded.warnings.append(f"data files without a structure file were skipped: {files}")
    return loaded.to_graph_data(path)


def _read_dump_metadata(path: Path, names: list[str]) -> dict[str, Any]:
    if DUMP_METADATA not in names:
        return {}
    metadata_path = path / DUMP_METADATA
    try:
        metadata = orjson.loads(read_bytes(metadata_path))
    except orjson.JSONDecodeError as error:
        raise invalid_json(metadata_path, error) from error
    if not isinstance(metadata, dict):
        raise SnapshotFormatError(str(metadata_path), "expected a JSON object")
    return metadata


def _data_files_by_prefix(path: Path, names: list[str]) -> dict[str, list[Path]]:
    """Group data files by the prefix they share with their structure file, parts in order."""
    parts: dict[str, dict[int, list[str]]] = {}
    for name in names:
        match = DATA_PATTERN.match(name)
        if match is None:
            continue
        # The unsplit file sorts before any `--split-files` part.
        part = -1 if match["part"] is None else int(match["part"])
        parts.setdefault(match["prefix"], {}).setdefault(part, []).append(name)
    grouped: dict[str, list[Path]] = {}
    for prefix, by_part in parts.items():
        files = []
        for part in sorted(by_part):
            candidates = by_part[part]
            if len(candidates) > 1:
                raise SnapshotFormatError(
                    str(path / candidates[0]),
                    f"both {' and '.join(candidates)} exist; keep one of them",
                )
            files.append(path / candidates[0])
        grouped[prefix] = files
    return grouped


def _dumped_collections(
    path: Path, names: list[str], data_by_prefix: dict[str, list[Path]], claimed: set[str]
) -> Iterator[_DumpedCollection]:
    """Yield each structure file's collection with its data files, sorted by collection name."""
    collections = []
    for name in names:
        if not name.endswith(STRUCTURE_SUFFIX):
            continue
        structure = path / name
        collection, kind = _read_structure(structure)
        prefix = name[: -len(STRUCTURE_SUFFIX)]
        # Some older cluster dumps named the structure file without the md5 suffix while the
        # data file kept it; accept every pairing arangodump has written.
        candidates = (prefix, f"{collection}_{_md5(collection)}", collection)
        data_files: list[Path] = []
        for candidate in candidates:
            if candidate in data_by_prefix and candidate not in claimed:
                data_files = data_by_prefix[candidate]
                claimed.add(candidate)
                break
        collections.append(_DumpedCollection(collection, kind, structure, data_files))
    yield from sorted(collections, key=lambda c: c.name)


def _read_structure(structure: Path) -> tuple[str, CollectionKind]:
    try:
        content = orjson.loads(read_bytes(structure))
    except orjson.JSONDecodeError as error:
        raise invalid_json(structure, error) from error
    parameters = content.get("parameters") if isinstance(content, dict) else None
    if not isinstance(parameters, dict):
        raise SnapshotFormatError(str(structure), "structure file has no 'parameters' object")
    name = parameters.get("name")
    collection_type = parameters.get("type")
    if not isinstance(name, str) or not name:
        raise SnapshotFormatError(str(structure), "structure file has no 'parameters.name'")
    if collection_type not in KIND_BY_TYPE:
        raise SnapshotFormatError(
            str(structure),
            f"'parameters.type' must be 2 (document) or 3 (edge), got {collection_type!r}",
        )
    return name, KIND_BY_TYPE[collection_type]


def _read_dump_documents(
    dumped: _DumpedCollection, use_envelope: bool | None
) -> Sequence[dict[str, Any]]:
    is_edge = dumped.kind == "edge"
    raws = [read_bytes(data_file) for data_file in dumped.data_files]
    if use_envelope is None:
        use_envelope = _first_line_is_envelope(raws)
    if use_envelope is False:
        # Raw documents: columns when polars reads them faithfully, else dicts below.
        held = dump_frame(raws, dumped.name, is_edge)
        if held is not None:
            held.prefetch_checksum()  # hashed while the next collection is read
            return held
    documents: list[dict[str, Any]] = []
    # Envelopes replay a change log: a later insert replaces, a remove deletes, across parts.
    by_key: dict[str, dict[str, Any]] = {}
    for data_file, raw in zip(dumped.data_files, raws, strict=True):
        parsed = parse_lines(data_file, raw)
        if use_envelope is None and parsed:
            use_envelope = _looks_like_envelope(parsed[0])
        origin = Origin(data_file, raw=raw)
        if not use_envelope:
            complete_documents(origin, parsed, dumped.name, is_edge)
            documents.extend(parsed)
            continue
        for index, envelope in enumerate(parsed):
            key, document = _open_envelope(data_file, raw, index, envelope)
            if document is None:
                by_key.pop(key, None)
                continue
            complete_documents(origin, [document], dumped.name, is_edge, first=index)
            by_key[key] = document
    return documents if not by_key else documents + list(by_key.values())


def _first_line_is_envelope(raws: list[bytes]) -> bool | None:
    """`_looks_like_envelope` of the first document of the data files; None if unreadable."""
    for raw in raws:
        for line in raw.split(b"\n", 64):
            if line.strip():
                try:
                    return _looks_like_envelope(orjson.loads(line))
                except orjson.JSONDecodeError:
                    return None  # the dict path names the line
    return None


def _looks_like_envelope(first: object) -> bool:
    """Tell envelopes from raw documents by the first line, for dumps that do not say."""
    return (
        isinstance(first, dict)
        and "_key" not in first
        and "type" in first
        and isinstance(first.get("data"), dict)
    )


def _open_envelope(
    data_file: Path, raw: bytes, index: int, envelope: object
) -> tuple[str, dict[str, Any] | None]:
    """Return the envelope's key and its document, or None as document for a removal."""
    if not isinstance(envelope, dict):
        raise SnapshotFormatError(
            str(data_file),
            f"expected one JSON object per line, got {json_type(envelope)}",
            line_of(raw, index),
        )
    marker = envelope.get("type")
    data = envelope.get("data")
    if marker not in (MARKER_DOCUMENT, MARKER_REMOVE) or not isinstance(data, dict):
        raise SnapshotFormatError(
            str(data_file),
            f"expected an envelope {{'type': 2300 or 2302, 'data': {{...}}}}, got type {marker!r}",
            line_of(raw, index),
        )
    key = data.get("_key", envelope.get("key"))
    if not isinstance(key, str):
        raise SnapshotFormatError(
            str(data_file), "envelope data has no string '_key'", line_of(raw, index)
        )
    return key, (data if marker == MARKER_DOCUMENT else None)


def _read_graphs(data_file: Path, use_envelope: bool | None) -> list[NamedGraph]:
    raw = read_bytes(data_file)
    parsed = parse_lines(data_file, raw)
    if use_envelope is None and parsed:
        use_envelope = _looks_like_envelope(parsed[0])
    graphs: dict[str, NamedGraph] = {}
    for index, item in enumerate(parsed):
        if use_envelope:
            key, document = _open_envelope(data_file, raw, index, item)
            if document is None:
                graphs.pop(key, None)
                continue
        elif isinstance(item, dict):
            document = item
        else:
            raise SnapshotFormatError(
                str(data_file),
                f"expected one JSON object per line, got {json_type(item)}",
                line_of(raw, index),
            )
        graph = _named_graph(data_file, line_of(raw, index), document)
        graphs[graph.name] = graph
    return list(graphs.values())


def _named_graph(data_file: Path, line: int | None, document: dict[str, Any]) -> NamedGraph:
    name = document.get("_key")
    if not isinstance(name, str) and isinstance(document.get("_id"), str):
        name = document["_id"].partition("/")[2]
    if not isinstance(name, str) or not name:
        raise SnapshotFormatError(str(data_file), "graph definition has no '_key'", line)
    definitions = document.get("edgeDefinitions", [])
    orphans = document.get("orphanCollections", [])
    if not isinstance(definitions, list) or not _is_string_list(orphans):
        raise SnapshotFormatError(
            str(data_file),
            f"graph {name!r}: 'edgeDefinitions' must be a list and 'orphanCollections' a list "
            "of names",
            line,
        )
    edge_definitions = []
    for definition in definitions:
        if not (
            isinstance(definition, dict)
            and isinstance(definition.get("collection"), str)
            and _is_string_list(definition.get("from"))
            and _is_string_list(definition.get("to"))
        ):
            raise SnapshotFormatError(
                str(data_file),
                f"graph {name!r}: each edge definition needs 'collection', 'from' and 'to'",
                line,
            )
        edge_definitions.append(
            EdgeDefinition(
                edge_collection=definition["collection"],
                from_vertex_collections=definition["from"],
                to_vertex_collections=definition["to"],
            )
        )
    return NamedGraph(name=name, edge_definitions=edge_definitions, orphan_collections=orphans)


def _is_string_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# ----------------------------------------------------------------- arangoexport layout


def _load_export(path: Path, names: list[str]) -> GraphData:
    data_files = [
        (path / name, match["format"], match["name"])
        for name in names
        if (match := EXPORT_PATTERN.match(name)) is not None and not match["name"].startswith("_")
    ]
    with closing(export_frames_ahead(data_files)) as frames:
        return _load_export_files(path, names, frames)


def _load_export_files(
    path: Path,
    names: list[str],
    frames: Iterator[tuple[bytes, ExportFrame | None]],
) -> GraphData:
    loaded = _Loaded()
    for name in names:
        match = EXPORT_PATTERN.match(name)
        if match is None:
            continue
        collection = match["name"]
        data_file = path / name
        if collection in loaded.collections:
            raise SnapshotFormatError(
                str(data_file), f"collection {collection!r} is also in another file; keep one"
            )
        if collection == GRAPHS_COLLECTION and match["format"] == "jsonl":
            loaded.graphs.extend(_read_graphs(data_file, use_envelope=False))
            continue
        if collection == GRAPHS_COLLECTION and match["format"] == "json":
            definitions, _ = json_array_documents(data_file, read_bytes(data_file))
            for index, document in enumerate(definitions, start=1):
                if not isinstance(document, dict):
                    raise SnapshotFormatError(
                        str(data_file), f"array element {index}: expected a graph definition"
                    )
                loaded.graphs.append(_named_graph(data_file, None, document))
            continue
        if collection.startswith("_"):
            loaded.skipped_system.append(collection)
            continue
        raw, columnar = next(frames)  # this file's, read ahead (`export_frames_ahead`)
        if columnar is not None:
            held, frame_is_edge = columnar
            held.prefetch_checksum()  # hashed while the next collection is read
            loaded.note_duplicates(collection, held)
            loaded.collections[collection] = CollectionData(
                collection, "edge" if frame_is_edge else "document", held
            )
            continue
        documents, origin = EXPORT_READERS[match["format"]](data_file, raw)
        if not documents:
            loaded.warnings.append(f"{data_file} is empty; read as a document collection")
        head = documents[0] if documents else None
        is_edge = isinstance(head, dict) and ("_from" in head or "_to" in head)
        complete_documents(origin, documents, collection, is_edge, mixed_is_error=True)
        loaded.note_duplicates(collection, documents)
        loaded.collections[collection] = CollectionData(
            collection, "edge" if is_edge else "document", documents
        )
    return loaded.to_graph_data(path)


def _md5(name: str) -> str:
    # Not a security use: arangodump names files after the md5 of the collection name.
    return hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


# --------------------------------------------------------------------------- writing


def write_arangodump(
    data: GraphData, directory: Path, *, gzip: bool = True, split_every: int | None = None
) -> None:
    """Write `data` in arangodump's layout, as `arangorestore` and `load_snapshot` read it.

    Writes `dump.json`, an `ENCRYPTION` marker saying `none`, and per collection
    `<name>_<md5(name)>.structure.json` plus `<name>_<md5>.data.json[.gz]`; named graphs go to a
    `_graphs` collection as `arangodump --include-system-collections` does. Snapshot files
    already in `directory` are removed first so no stale collection survives. The output is
    byte-for-byte deterministic (gzip headers carry no time), so a bundled snapshot can be
    compared with its generator.

    Args:
        data: The graph to write.
        directory: Target directory, created when missing.
        gzip: Compress data files (`.data.json.gz`), arangodump's default.
        split_every: Write at most this many documents per data file, named
            `<prefix>.<n>.data.json[.gz]` from n = 0 as 3.12 `--split-files` does (an empty
            collection then gets no data file); None writes one file per collection.

    Raises:
        ValueError: `split_every` is not positive.
    """
    if split_every is not None and split_every < 1:
        raise ValueError(f"split_every must be a positive number of documents, got {split_every}")
    directory.mkdir(parents=True, exist_ok=True)
    _remove_snapshot_files(directory)
    metadata = {"database": "_system", "useEnvelope": False, "useVPack": False}
    (directory / DUMP_METADATA).write_bytes(orjson.dumps(metadata))
    (directory / ENCRYPTION_MARKER).write_bytes(UNENCRYPTED.encode())
    for name, kind, documents in _collections_to_write(data):
        prefix = f"{name}_{_md5(name)}"
        parameters = {"isSystem": name.startswith("_"), "name": name, "type": TYPE_BY_KIND[kind]}
        structure = {"indexes": [], "parameters": parameters}
        (directory / f"{prefix}{STRUCTURE_SUFFIX}").write_bytes(orjson.dumps(structure))
        suffix = ".data.json.gz" if gzip else ".data.json"
        if split_every is None:
            _write_lines(directory / f"{prefix}{suffix}", documents, gzip)
            continue
        for part, start in enumerate(range(0, len(documents), split_every)):
            chunk = documents[start : start + split_every]
            _write_lines(directory / f"{prefix}.{part}{suffix}", chunk, gzip)


def write_jsonl(data: GraphData, directory: Path, *, gzip: bool = False) -> None:
    """Write `data` as arangoexport `--type jsonl` does: one `<collection>.jsonl[.gz]` each.

    Named graphs go to `_graphs.jsonl[.gz]`, as exporting the `_graphs` collection writes them.
    Snapshot files already in `directory` are removed first; the output is deterministic.

    Args:
        data: The graph to write.
        directory: Target directory, created when missing.
        gzip: Compress each file (`.jsonl.gz`), as `arangoexport --compress-output` does.
    """
    directory.mkdir(parents=True, exist_ok=True)
    _remove_snapshot_files(directory)
    suffix = ".jsonl.gz" if gzip else ".jsonl"
    for name, _, documents in _collections_to_write(data):
        _write_lines(directory / f"{name}{suffix}", documents, gzip)


def _collections_to_write(
    data: GraphData,
) -> Iterator[tuple[str, CollectionKind, Sequence[dict[str, Any]]]]:
    for name, collection in data.collections.items():
        yield name, collection.kind, collection.documents
    if data.graphs:
        yield GRAPHS_COLLECTION, "document", [_graph_document(graph) for graph in data.graphs]


def _graph_document(graph: NamedGraph) -> dict[str, Any]:
    return {
        "_key": graph.name,
        "_id": f"{GRAPHS_COLLECTION}/{graph.name}",
        "edgeDefinitions": [
            {
                "collection": definition.edge_collection,
                "from": definition.from_vertex_collections,
                "to": definition.to_vertex_collections,
            }
            for definition in graph.edge_definitions
        ],
        "orphanCollections": graph.orphan_collections,
    }


def _write_lines(target: Path, documents: Iterable[dict[str, Any]], gzip: bool) -> None:
    dumps = orjson.dumps
    body = b"".join([dumps(document, option=JSON_OPTIONS) + b"\n" for document in documents])
    if gzip:
        body = gzip_module.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    target.write_bytes(body)


def _remove_snapshot_files(directory: Path) -> None:
    """Delete files a loader would read as part of a snapshot, and nothing else."""
    for entry in directory.iterdir():
        name = entry.name
        if entry.is_file() and (
            name in (DUMP_METADATA, ENCRYPTION_MARKER)
            or name.endswith(STRUCTURE_SUFFIX)
            or DATA_PATTERN.match(name)
            or VPACK_PATTERN.search(name)
            or JSONL_PATTERN.match(name)
        ):
            entry.unlink()
