"""Offline snapshots: read and write the files ArangoDB's own tools produce.

Two layouts are understood, detected from the directory's contents:

- arangodump: `dump.json`, an `ENCRYPTION` marker and per collection
  `<name>_<md5(name)>.structure.json` (older dumps: `<name>.structure.json`) plus its data in
  `<prefix>.data.json[.gz]`, or with 3.12 `--split-files` in `<prefix>.<n>.data.json[.gz]`.
  Data lines are raw documents, or in dumps up to 3.10 `{"type": 2300|2302, "data": {...}}`
  envelopes. VelocyPack (`--dump-vpack`) and encrypted dumps are refused.
- arangoexport `--type jsonl`: `<collection>.jsonl[.gz]`, one raw document per line; edge
  collections are recognised by `_from`/`_to` on their documents.

System collections are skipped, except `_graphs`, whose documents become `GraphData.graphs`.
Loading is the hot path of every offline run, so documents stay plain dicts and each file is
decompressed, split and parsed in bulk; line numbers are recovered only when something is wrong.
"""

from __future__ import annotations

import gzip as gzip_module
import hashlib
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from gaai_graph.errors import SnapshotFormatError, SourceError
from gaai_graph.models import EdgeDefinition, NamedGraph
from gaai_graph.sources.base import CollectionData, CollectionKind, GraphData

__all__ = ["load_snapshot", "write_arangodump", "write_jsonl"]

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
DATA_PATTERN = re.compile(r"^(?P<prefix>.+?)(?:\.(?P<part>\d+))?\.data\.json(?P<gz>\.gz)?$")
"""`<prefix>.data.json[.gz]`, or a `--split-files` part `<prefix>.<n>.data.json[.gz]`."""
VPACK_PATTERN = re.compile(r"\.data\.vpack(\.gz)?$")

GZIP_LEVEL = 6
"""zlib's default trade-off: the demo bundle stays small without slowing `bundle_demo` down."""
JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY
EXPECTED_LAYOUT = (
    "expected an arangodump directory (dump.json with *.structure.json and *.data.json[.gz] "
    "files) or an arangoexport JSONL directory (<collection>.jsonl[.gz] files)"
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
    names = sorted(entry.name for entry in path.iterdir() if entry.is_file())
    _refuse_encrypted(path, names)
    if DUMP_METADATA in names or any(name.endswith(STRUCTURE_SUFFIX) for name in names):
        return _load_arangodump(path, names)
    if any(JSONL_PATTERN.match(name) for name in names):
        return _load_jsonl(path, names)
    databases = sorted(entry.name for entry in path.iterdir() if (entry / DUMP_METADATA).is_file())
    if databases:
        raise SourceError(
            f"{path} holds one dump per database (arangodump --all-databases); point at one "
            f"database's directory: {', '.join(databases)}"
        )
    raise SourceError(f"no snapshot found in {path}: {EXPECTED_LAYOUT}")


def _refuse_encrypted(path: Path, names: list[str]) -> None:
    if ENCRYPTION_MARKER not in names:
        return
    marker = (path / ENCRYPTION_MARKER).read_bytes().decode("utf-8", "replace").strip()
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
        loaded.collections[dumped.name] = CollectionData(dumped.name, dumped.kind, documents)
    for prefix in sorted(set(data_by_prefix) - claimed):
        files = ", ".join(p.name for p in data_by_prefix[prefix])
        loaded.warnings.append(f"data files without a structure file were skipped: {files}")
    return loaded.to_graph_data(path)


def _invalid_json(
    path: Path, error: orjson.JSONDecodeError, line: int | None = None
) -> SnapshotFormatError:
    """A format error naming the file, the line and the column where the JSON breaks.

    orjson counts lines within the text it was given, so for one line of a JSONL file its
    "line 1" contradicts the file's own line number: that line (`line`) is named instead, and
    orjson's column is kept. For a whole JSON file orjson's line is the file's line.
    """
    return SnapshotFormatError(
        str(path),
        f"invalid JSON: {error.msg} at column {error.colno}",
        line if line is not None else error.lineno,
    )


def _read_dump_metadata(path: Path, names: list[str]) -> dict[str, Any]:
    if DUMP_METADATA not in names:
        return {}
    metadata_path = path / DUMP_METADATA
    try:
        metadata = orjson.loads(metadata_path.read_bytes())
    except orjson.JSONDecodeError as error:
        raise _invalid_json(metadata_path, error) from error
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
        content = orjson.loads(structure.read_bytes())
    except orjson.JSONDecodeError as error:
        raise _invalid_json(structure, error) from error
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
) -> list[dict[str, Any]]:
    is_edge = dumped.kind == "edge"
    documents: list[dict[str, Any]] = []
    # Envelopes replay a change log: a later insert replaces, a remove deletes, across parts.
    by_key: dict[str, dict[str, Any]] = {}
    for data_file in dumped.data_files:
        raw = _read_bytes(data_file)
        parsed = _parse_lines(data_file, raw)
        if use_envelope is None and parsed:
            use_envelope = _looks_like_envelope(parsed[0])
        if not use_envelope:
            _complete_documents(data_file, raw, parsed, dumped.name, is_edge)
            documents.extend(parsed)
            continue
        for index, envelope in enumerate(parsed):
            key, document = _open_envelope(data_file, raw, index, envelope)
            if document is None:
                by_key.pop(key, None)
                continue
            _complete_documents(data_file, raw, [document], dumped.name, is_edge, first=index)
            by_key[key] = document
    return documents if not by_key else documents + list(by_key.values())


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
            f"expected one JSON object per line, got {_json_type(envelope)}",
            _line_of(raw, index),
        )
    marker = envelope.get("type")
    data = envelope.get("data")
    if marker not in (MARKER_DOCUMENT, MARKER_REMOVE) or not isinstance(data, dict):
        raise SnapshotFormatError(
            str(data_file),
            f"expected an envelope {{'type': 2300 or 2302, 'data': {{...}}}}, got type {marker!r}",
            _line_of(raw, index),
        )
    key = data.get("_key", envelope.get("key"))
    if not isinstance(key, str):
        raise SnapshotFormatError(
            str(data_file), "envelope data has no string '_key'", _line_of(raw, index)
        )
    return key, (data if marker == MARKER_DOCUMENT else None)


def _read_graphs(data_file: Path, use_envelope: bool | None) -> list[NamedGraph]:
    raw = _read_bytes(data_file)
    parsed = _parse_lines(data_file, raw)
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
                f"expected one JSON object per line, got {_json_type(item)}",
                _line_of(raw, index),
            )
        graph = _named_graph(data_file, _line_of(raw, index), document)
        graphs[graph.name] = graph
    return list(graphs.values())


def _named_graph(data_file: Path, line: int, document: dict[str, Any]) -> NamedGraph:
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


def _load_jsonl(path: Path, names: list[str]) -> GraphData:
    loaded = _Loaded()
    for name in names:
        match = JSONL_PATTERN.match(name)
        if match is None:
            continue
        collection = match["name"]
        data_file = path / name
        if collection in loaded.collections:
            raise SnapshotFormatError(
                str(data_file), f"collection {collection!r} is also in another file; keep one"
            )
        if collection == GRAPHS_COLLECTION:
            loaded.graphs.extend(_read_graphs(data_file, use_envelope=False))
            continue
        if collection.startswith("_"):
            loaded.skipped_system.append(collection)
            continue
        raw = _read_bytes(data_file)
        documents = _parse_lines(data_file, raw)
        if not documents:
            loaded.warnings.append(f"{data_file} is empty; read as a document collection")
        head = documents[0] if documents else None
        is_edge = isinstance(head, dict) and ("_from" in head or "_to" in head)
        _complete_documents(data_file, raw, documents, collection, is_edge, mixed_is_error=True)
        loaded.collections[collection] = CollectionData(
            collection, "edge" if is_edge else "document", documents
        )
    return loaded.to_graph_data(path)


# --------------------------------------------------------------------------- lines


def _read_bytes(data_file: Path) -> bytes:
    """Return a data file's bytes, decompressed when its name ends in `.gz`."""
    raw = data_file.read_bytes()
    if not data_file.name.endswith(".gz"):
        return raw
    # zlib rather than gzip.decompress: on a truncated file it keeps what was decompressed,
    # which tells the user after which line the data stops.
    chunks = []
    remaining = raw
    while True:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            chunks.append(decompressor.decompress(remaining))
        except zlib.error as error:
            partial = b"".join(chunks)
            raise SnapshotFormatError(
                str(data_file), f"corrupt gzip data: {error}", partial.count(b"\n") + 1
            ) from error
        if not decompressor.eof:
            partial = b"".join(chunks)
            raise SnapshotFormatError(
                str(data_file),
                "gzip data ends unexpectedly (truncated file)",
                partial.count(b"\n") + 1,
            )
        # Concatenated gzip members are one valid file; anything else after the end is junk.
        remaining = decompressor.unused_data
        if not remaining.strip(b"\0"):
            return b"".join(chunks)


def _parse_lines(data_file: Path, raw: bytes) -> list[Any]:
    """Parse every non-blank line; on any failure re-read line by line to name the line."""
    loads = orjson.loads
    try:
        return [loads(line) for line in raw.split(b"\n") if line]
    except orjson.JSONDecodeError:
        # Whitespace-only lines also land here; the careful pass skips them.
        return [document for _, document in _numbered_objects(data_file, raw)]


def _numbered_objects(data_file: Path, raw: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (1-based line, object) for every non-blank line, raising on anything else."""
    for line_number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            raise _invalid_json(data_file, error, line_number) from error
        if not isinstance(value, dict):
            raise SnapshotFormatError(
                str(data_file),
                f"expected one JSON object per line, got {_json_type(value)}",
                line_number,
            )
        yield line_number, value


def _line_of(raw: bytes, index: int) -> int:
    """Return the 1-based line of the `index`-th non-blank line (only called on errors)."""
    seen = -1
    for line_number, line in enumerate(raw.split(b"\n"), start=1):
        if line.strip():
            seen += 1
            if seen == index:
                return line_number
    return raw.count(b"\n") + 1


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), "a number")


# --------------------------------------------------------------------------- identity


def _complete_documents(
    data_file: Path,
    raw: bytes,
    documents: list[Any],
    collection: str,
    is_edge: bool,
    *,
    mixed_is_error: bool = False,
    first: int = 0,
) -> None:
    """Check every parsed line is a document and give it both `_key` and `_id`, in place.

    This loop runs once per document of the snapshot, so the common case (an object with both
    identifiers, and for edges string endpoints) costs a few dict look-ups; anything else goes
    to `_complete_document`, and the line is counted only when an error must name it.

    Args:
        data_file: The file the documents came from, for error messages.
        raw: That file's decompressed bytes, to recover line numbers.
        documents: Parsed lines, completed in place.
        collection: Collection name, the prefix of derived `_id`s.
        is_edge: Whether the documents must be edges.
        mixed_is_error: Reject non-edges among edges and edges among non-edges (JSONL files,
            whose kind is inferred from their first document).
        first: Index in the file of `documents[0]`.
    """
    for index, document in enumerate(documents, start=first):
        if type(document) is dict and "_key" in document and "_id" in document:
            if is_edge:
                if type(document.get("_from")) is str and type(document.get("_to")) is str:
                    continue
            elif not mixed_is_error or ("_from" not in document and "_to" not in document):
                continue
        line = _line_of(raw, index)
        if type(document) is not dict:
            raise SnapshotFormatError(
                str(data_file),
                f"expected one JSON object per line, got {_json_type(document)}",
                line,
            )
        if mixed_is_error and (("_from" in document or "_to" in document) != is_edge):
            problem = (
                "this document has no '_from'/'_to' but the first one is an edge"
                if is_edge
                else "this document has '_from'/'_to' but the first one is not an edge"
            )
            raise SnapshotFormatError(
                str(data_file),
                f"mixes edge and non-edge documents ({problem}); a JSONL file holds one collection",
                line,
            )
        _complete_document(data_file, line, document, collection, is_edge)


def _complete_document(
    data_file: Path, line: int, document: dict[str, Any], collection: str, is_edge: bool
) -> None:
    key = document.get("_key")
    document_id = document.get("_id")
    if key is None and document_id is None:
        raise SnapshotFormatError(str(data_file), "document has neither '_key' nor '_id'", line)
    if key is None:
        if not isinstance(document_id, str) or "/" not in document_id:
            raise SnapshotFormatError(
                str(data_file), f"'_id' must be '<collection>/<key>', got {document_id!r}", line
            )
        document["_key"] = document_id.partition("/")[2]
    elif document_id is None:
        if not isinstance(key, str) or not key:
            raise SnapshotFormatError(
                str(data_file), f"'_key' must be a non-empty string, got {key!r}", line
            )
        document["_id"] = f"{collection}/{key}"
    endpoints = (document.get("_from"), document.get("_to"))
    if is_edge and not all(isinstance(endpoint, str) for endpoint in endpoints):
        raise SnapshotFormatError(
            str(data_file), "edge document needs string '_from' and '_to'", line
        )


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
) -> Iterator[tuple[str, CollectionKind, list[dict[str, Any]]]]:
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
