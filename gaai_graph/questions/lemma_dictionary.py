"""simplemma's English dictionary, kept decoded on disk so each process loads it quickly.

simplemma ships its dictionaries front-coded and lzma-compressed and decodes one in pure Python
on first use (~0.25 s for English, in every process that reads a question). This factory asks
simplemma for the decoded dictionary once, stores it with `marshal` in the user's cache
directory, and loads that file afterwards (~0.1 s). The words and lemmas are simplemma's own, so
every lemma is the same; the file is named after the simplemma release and the Python bytecode
version, so an upgrade reads its own dictionary. A cache that cannot be read or written only
means decoding as simplemma does.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import marshal
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import simplemma
from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY

__all__ = ["CachedDictionaryFactory", "cache_directory"]


def cache_directory() -> Path:
    """Decoded dictionaries' folder: `$XDG_CACHE_HOME/gaai_graph` or `~/.cache/gaai_graph`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gaai_graph"


class CachedDictionaryFactory:
    """A simplemma `DictionaryFactory` that keeps the decoded dictionaries in `directory`."""

    def __init__(self, directory: Path | None = None) -> None:
        """Keep decoded dictionaries in `directory` (default: `cache_directory()`)."""
        self._directory = directory
        self._loaded: dict[str, Mapping[str, str]] = {}

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        """The decoded dictionary of `lang` (the `simplemma` `DictionaryFactory` protocol)."""
        if lang not in self._loaded:
            self._loaded[lang] = self._load(lang)
        return self._loaded[lang]

    def _file(self, lang: str) -> Path:
        directory = self._directory if self._directory is not None else cache_directory()
        version = importlib.util.MAGIC_NUMBER.hex()
        return directory / f"simplemma-{simplemma.__version__}-{version}-{lang}.utf8.marshal"

    def _load(self, lang: str) -> Mapping[str, str]:
        path = self._file(lang)
        try:
            stored = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            stored = None
        if isinstance(stored, dict) and all(
            isinstance(word, bytes) and isinstance(lemma, bytes)
            for word, lemma in itertools.islice(stored.items(), 1)
        ):
            return _Utf8Mapping(stored)
        lemmas: dict[str, bytes] = {}  # one object per lemma, shared by its forms (marshal too)
        encoded = {
            word.encode(): lemmas.setdefault(lemma, lemma.encode())
            for word, lemma in DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang).items()
        }
        _store(path, marshal.dumps(encoded))
        return _Utf8Mapping(encoded)


class _Utf8Mapping(Mapping[str, str]):
    """A str view of a dictionary kept as UTF-8 bytes, as simplemma keeps its own.

    Bytes objects are smaller than str ones: ~6 MB less for English's 180,000 entries.
    """

    __slots__ = ("_entries",)

    def __init__(self, entries: dict[bytes, bytes]) -> None:
        self._entries = entries

    def __getitem__(self, key: str) -> str:
        return self._entries[key.encode()].decode()

    def get(self, key: str, default: Any = None) -> Any:
        """The lemma of `key`, or `default` (simplemma's hottest call: one dict lookup)."""
        value = self._entries.get(key.encode())
        return default if value is None else value.decode()

    def __iter__(self) -> Iterator[str]:
        return (key.decode() for key in self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def _store(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (readers never see half a file); failures are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        out = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed on failure
            dir=path.parent, prefix=path.name, delete=False
        )
    except OSError:
        return
    try:
        with out:
            out.write(data)
        os.replace(out.name, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(out.name)
