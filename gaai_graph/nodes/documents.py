"""Requirement documents: from the caller's specifications (paths, inline text) to text.

`read_documents` reads files (as the trust policy allows) and inline text with one clear
error per bad document (binary, undecodable, empty); `sample_documents` returns the bundled
demo documents.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gaai_graph.context import preview
from gaai_graph.errors import DocumentError
from gaai_graph.models import DocumentText
from gaai_graph.trust import TrustPolicy

__all__ = [
    "DOCUMENTS_DIR",
    "MAX_DOCUMENT_BYTES",
    "MAX_TOTAL_DOCUMENT_BYTES",
    "read_documents",
    "sample_documents",
]

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "data" / "documents"
"""Where the bundled sample requirement documents live."""

_SNIFF_BYTES = 8192

MAX_DOCUMENT_BYTES = 1 << 20
"""Largest requirement document read (1 MiB, some 350 pages of prose). Requirements, use cases
and notes derived from a document are kept in the run's state, and every checkpoint holds the
state: a 2 MB document of distinct requirement lines made a 73 MB checkpoint store, a 20 MB one
would make several hundred. Bigger files are refused with a message saying to pass the
relevant sections."""
MAX_TOTAL_DOCUMENT_BYTES = 4 << 20
"""Largest size of all requirement documents of one run together (4 MiB)."""

# Leading bytes of formats people commonly hand over instead of text.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel/OpenDocument file)"),
    (b"\xd0\xcf\x11\xe0", "a legacy Microsoft Office file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF file"),
    (b"\x1f\x8b", "a gzip archive"),
)

# --------------------------------------------------------------------------- reading


def read_documents(
    documents: Sequence[Any], policy: TrustPolicy | None = None
) -> list[DocumentText]:
    """Read requirement documents given as paths or inline text.

    Args:
        documents: Items that are each a path (`str` or `pathlib.Path`), a `{"path": ...}`
            dict, a `{"content": ..., "name": ...}` dict for inline text (the name defaults
            to "inline-1", "inline-2", ... in order of appearance), or a `DocumentText`.
        policy: Which files may be read (default: any, as for the CLI and Python users; the
            LangGraph server's: only inside GAAI_DOCUMENT_DIRS).

    Returns:
        One `DocumentText` per item, in the given order. A file is named by its file name
        (its path as given when two files share a name).

    Raises:
        DocumentError: When an item is malformed, a file is missing, is a directory, cannot
            be read, is not UTF-8 text (a PDF, an image, ...), or holds no text.
        TrustError: When the policy does not allow reading a named file.
    """
    policy = policy or TrustPolicy.local()
    texts: list[DocumentText] = []
    inline_count = 0
    names: set[str] = set()
    total_bytes = 0
    for position, item in enumerate(documents, start=1):
        if isinstance(item, DocumentText):
            document = item
        elif isinstance(item, str | Path):
            document = _read_path(item, position, policy)
        elif isinstance(item, dict):
            if item.get("path") is not None:
                document = _read_path(item["path"], position, policy, item.get("name"))
            elif "content" in item:
                unnamed = not (isinstance(item.get("name"), str) and item["name"].strip())
                inline_count += unnamed
                document = _inline_document(item, position, inline_count)
            else:
                keys = ", ".join(sorted(map(str, item))) or "none"
                raise DocumentError(
                    f"document #{position} has neither 'path' nor 'content' (keys: {keys}); "
                    "give a file path or inline text"
                )
        else:
            raise DocumentError(
                f"document #{position} is a {type(item).__name__}; expected a path, "
                "{'path': ...} or {'content': ..., 'name': ...}"
            )
        if document.name in names and isinstance(item, str | Path | dict):
            # Requirements cite their document by name, so two files called
            # requirements.md must stay distinguishable.
            path = item.get("path") if isinstance(item, dict) else item
            if path is not None:
                document = DocumentText(name=str(path), text=document.text)
        names.add(document.name)
        texts.append(document)
        total_bytes += len(document.text)
        if total_bytes > MAX_TOTAL_DOCUMENT_BYTES:
            raise DocumentError(
                f"requirement documents total more than {_megabytes(MAX_TOTAL_DOCUMENT_BYTES)} "
                f"(reached at document #{position}, {document.name}); the limit keeps the "
                "run's state and checkpoints small: pass the sections that state requirements"
            )
    return texts


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB"


def _too_large(label: str, size: str) -> DocumentError:
    return DocumentError(
        f"requirement document {label} is {size}, over the limit of "
        f"{_megabytes(MAX_DOCUMENT_BYTES)} per document; pass the sections that state "
        "requirements (the limit keeps the run's state and checkpoints small)"
    )


def _read_path(raw: Any, position: int, policy: TrustPolicy, name: Any = None) -> DocumentText:
    if not isinstance(raw, str | Path) or not str(raw).strip() or "\x00" in str(raw):
        raise DocumentError(
            f"document #{position} has an empty or non-text path: {preview(raw)}; give the "
            "path of a text or Markdown file"
        )
    path = policy.document_path(raw, position)
    label = str(raw)
    try:
        # Non-blocking, so a FIFO cannot hang the run; fstat then refuses it and devices
        # such as /dev/zero, which would never end.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise DocumentError(f"requirement document not found: {label}") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise DocumentError(f"cannot read requirement document {label}: {reason}") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = (
            "a directory" if stat.S_ISDIR(mode) else "not a regular file (a device, pipe or socket)"
        )
        raise DocumentError(
            f"requirement document {label} is {kind}; expected a text or Markdown file"
        )
    with os.fdopen(descriptor, "rb") as file:
        try:
            data = file.read(MAX_DOCUMENT_BYTES + 1)  # bounded, whatever the file claims
        except OSError as error:
            reason = error.strerror or str(error)
            raise DocumentError(f"cannot read requirement document {label}: {reason}") from None
        if len(data) > MAX_DOCUMENT_BYTES:
            size = os.fstat(file.fileno()).st_size
            raise _too_large(label, _megabytes(size) if size > len(data) else "larger")
    text = _decode(data, label)
    document_name = name if isinstance(name, str) and name.strip() else path.name
    return DocumentText(name=document_name, text=text)


def _inline_document(item: dict[str, Any], position: int, inline_count: int) -> DocumentText:
    raw_name = item.get("name")
    name = raw_name if isinstance(raw_name, str) and raw_name.strip() else f"inline-{inline_count}"
    content = item["content"]
    if isinstance(content, bytes | str) and len(content) > MAX_DOCUMENT_BYTES:
        raise _too_large(repr(name), f"{_megabytes(len(content))} of inline text")
    if isinstance(content, bytes):
        content = _decode(content, name)
    if not isinstance(content, str):
        raise DocumentError(
            f"document {name!r} (#{position}): 'content' must be a string of text, "
            f"got {type(content).__name__}"
        )
    _check_not_empty(content, name)
    return DocumentText(name=name, text=content, inline=True)


def _decode(data: bytes, label: str) -> str:
    head = data[:_SNIFF_BYTES]
    for signature, description in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise DocumentError(
                f"requirement document {label} looks like {description}; this format is not "
                "supported: provide plain text or Markdown (UTF-8)"
            )
    if b"\x00" in head:
        raise DocumentError(
            f"requirement document {label} is binary, not text; this format is not supported: "
            "provide plain text or Markdown (UTF-8)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"requirement document {label} is not UTF-8 text (undecodable byte at offset "
            f"{error.start}); this format is not supported: provide plain text or Markdown "
            "saved as UTF-8"
        ) from error
    _check_not_empty(text, label)
    return text


def _check_not_empty(text: str, label: str) -> None:
    if not text.strip():
        raise DocumentError(f"requirement document {label} is empty (no text to read)")


def sample_documents() -> list[DocumentText]:
    """Return the bundled sample requirement documents (`gaai_graph/data/documents/*.md`).

    Returns:
        The documents sorted by file name; empty when none are bundled.
    """
    folder = DOCUMENTS_DIR
    if not folder.is_dir():
        return []
    return [
        DocumentText(name=entry.name, text=_decode(entry.read_bytes(), entry.name))
        for entry in sorted(folder.glob("*.md"))
        if entry.is_file()
    ]
