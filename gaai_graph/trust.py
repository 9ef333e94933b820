"""What a caller of the LangGraph server may name: the operator's trust policy.

The CLI and the Python API act for the person running them, who is the operator of their own
machine: they may name any source, file or option (`TrustPolicy.local()`). A LangGraph server
serves callers its operator does not control, so what they may name comes from the server's
environment, never from the request (`TrustPolicy.from_environment()`):

* `GAAI_ALLOWED_SOURCES`: comma-separated sources a caller may name: `demo` (the bundled demo
  and `demo:<scale>` up to `GAAI_MAX_DEMO_SCALE`), `arangodb` (the database in `ARANGO_URL`)
  and live databases as `host:port/database` (with or without `arangodb://` or
  `arangodbs://`; the database may be a glob such as `shop_*`; the host is matched exactly, so
  no pattern opens loopback, link-local or private addresses by accident). Unset: `demo` and
  the operator's own `GAAI_SOURCE`.
* `GAAI_SNAPSHOT_DIRS`, `GAAI_DOCUMENT_DIRS`: directories (separated by `os.pathsep`) inside
  which a caller may name snapshot directories, requirement documents and vertical files.
  Unset: none. Paths are resolved (`..` and symbolic links followed) before the check, and a
  refused path gets the same message whether it exists or not.
* `GAAI_ALLOW_WRITE_RESULTS`, `GAAI_ALLOW_GAE`: `true` lets callers ask for write-back and
  for the Graph Analytics Engine; unset, both are refused.
* `GAAI_MAX_DEMO_SCALE`: the largest `demo:<scale>` a caller may ask for (default 5).

The credentials in `ARANGO_USER` / `ARANGO_PASSWORD` belong to the operator's database (the
host of `ARANGO_URL`, else of `GAAI_SOURCE`): a caller-named database on any other host must
carry its own user and password in the URL, or is refused before any connection.

The policy reaches the exported graph through its context schema (`server_context_schema`):
the class is chosen when `gaai_graph.graph.graph` is compiled, and LangGraph builds it from
every context a server caller sends (a JSON object), on every run and every resume, so its
`__post_init__` checks the caller's choices before any node runs. A caller cannot pick
another class, and no context field turns the policy off. That check runs on the event loop,
so it judges paths as written (`..` removed, no file touched); the nodes that read a snapshot,
a vertical file or a document follow the path's symbolic links in their worker thread first
(`confirm_paths`, `TrustPolicy.document_path`), with the same refusal.

A Python caller passing a `Context` object (not a mapping) is trusted as the operator. A run
of the server graph given no context at all (the LangGraph server always passes a mapping,
`{}` at least) gets the schema's defaults in every node (`using_thread_context` builds them
from the graph's context schema), checked like `{}`; a context rebuilt from a thread's record
keeps the caller's class, so it is checked again under the same policy. The input's shape
(`check_graph_input`) is checked for every caller, in the run's first step.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, ClassVar
from urllib.parse import urlsplit

from gaai_graph.context import Context, preview
from gaai_graph.errors import DocumentError, GaaiError, SourceError
from gaai_graph.models import DocumentText
from gaai_graph.sources.arango_url import is_arango_source, parse_arango_source, redact_source

__all__ = [
    "TrustError",
    "TrustPolicy",
    "check_graph_input",
    "confirm_paths",
    "policy_of",
    "server_context_schema",
]

logger = logging.getLogger(__name__)

ALLOWED_SOURCES_VARIABLE = "GAAI_ALLOWED_SOURCES"
SNAPSHOT_DIRS_VARIABLE = "GAAI_SNAPSHOT_DIRS"
DOCUMENT_DIRS_VARIABLE = "GAAI_DOCUMENT_DIRS"
ALLOW_WRITE_RESULTS_VARIABLE = "GAAI_ALLOW_WRITE_RESULTS"
ALLOW_GAE_VARIABLE = "GAAI_ALLOW_GAE"
MAX_DEMO_SCALE_VARIABLE = "GAAI_MAX_DEMO_SCALE"
DEFAULT_SERVER_DEMO_SCALE = 5.0
"""`demo:5` is about 90,000 edges and 50 MB: enough to try scaling, small enough that a few
callers at once cannot exhaust a server."""

MAX_DOCUMENTS = 1000
"""Most documents one run reads: more is a mistake (a directory listing pasted in) or abuse."""
MAX_RUN_ID_LENGTH = 256
MAX_DOCUMENT_NAME_LENGTH = 256
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})
_VERTICAL_FILE_SUFFIXES = (".json", ".yaml", ".yml")
DEMO = "demo"
ARANGO_FROM_ENVIRONMENT = "arangodb"


class TrustError(GaaiError):
    """A server caller named something the operator's policy does not allow."""


@dataclass(frozen=True)
class LivePattern:
    """One allowed live database: exact host and port, database as a glob."""

    host: str
    port: int
    database: str

    def matches(self, host: str, port: int, database: str) -> bool:
        """Tell whether a parsed target is this pattern's database."""
        return (
            host.lower() == self.host.lower()
            and port == self.port
            and fnmatch.fnmatchcase(database, self.database)
        )


@dataclass(frozen=True)
class TrustPolicy:
    """What a caller may name. `local()` allows everything; `from_environment()` is the server's."""

    server: bool = False
    """False: the CLI or Python user, who may name anything their own rights reach."""
    allow_demo: bool = True
    allow_operator_database: bool = False
    """The caller may name `arangodb` (the database in ARANGO_URL)."""
    live_patterns: tuple[LivePattern, ...] = ()
    snapshot_dirs: tuple[Path, ...] = ()
    document_dirs: tuple[Path, ...] = ()
    allow_write_results: bool = True
    allow_gae: bool = True
    max_demo_scale: float = math.inf
    credential_host: tuple[str, int] | None = None
    """Host and port the environment's ARANGO_USER / ARANGO_PASSWORD belong to (server only)."""
    environment: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    """The ARANGO_* settings live sources are parsed with (they hold the password)."""
    misconfiguration: str | None = None
    """Why the operator's settings could not be read: every request is refused with it."""

    @classmethod
    def local(cls) -> TrustPolicy:
        """The CLI's and Python API's policy: the user is the operator, everything is allowed."""
        return cls()

    @classmethod
    def for_server(cls) -> TrustPolicy:
        """The server's policy; malformed settings refuse every request instead of failing.

        `gaai_graph.graph` (imported by the CLI too) compiles the served graph at import, so
        a bad server setting must not break the CLI; the server then answers every request
        with the setting's error (fail closed) rather than serving with a guessed policy.
        """
        try:
            return cls.from_environment()
        except GaaiError as error:
            logger.error("refusing every request: %s", error)
            return cls(
                server=True,
                allow_demo=False,
                allow_write_results=False,
                allow_gae=False,
                misconfiguration=str(error),
            )

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> TrustPolicy:
        """Read the server's policy from the operator's environment (see the module docstring).

        Args:
            environ: The environment to read (default `os.environ`).

        Returns:
            The server policy.

        Raises:
            GaaiError: a setting is malformed (named in the message).
        """
        env = dict(os.environ if environ is None else environ)
        operator_source = env.get("GAAI_SOURCE", "").strip()
        entries = _split(env.get(ALLOWED_SOURCES_VARIABLE, ""), ",") or [DEMO]
        allow_demo = False
        allow_operator_database = False
        live: list[LivePattern] = []
        snapshot_dirs = [
            _directory(d, SNAPSHOT_DIRS_VARIABLE) for d in _paths(env, SNAPSHOT_DIRS_VARIABLE)
        ]
        for entry in entries:
            if entry == DEMO or entry.startswith(DEMO + ":"):
                allow_demo = True
            elif entry.lower() == ARANGO_FROM_ENVIRONMENT:
                allow_operator_database = True
            elif is_arango_source(entry) or ("://" not in entry and ":" in entry.split("/")[0]):
                live.append(_live_pattern(entry, env))
            elif "://" in entry:
                raise GaaiError(
                    f"{ALLOWED_SOURCES_VARIABLE}: unsupported entry {redact_source(entry)!r}; "
                    "use demo, arangodb or host:port/database"
                )
            else:
                snapshot_dirs.append(_directory(entry, ALLOWED_SOURCES_VARIABLE))
        max_demo_scale = _scale(env)
        # The operator's own default source is always allowed, credentials in it included.
        if operator_source == DEMO:
            allow_demo = True
        elif operator_source.startswith(DEMO + ":"):
            from gaai_graph.sources import demo_scale

            allow_demo = True
            max_demo_scale = max(max_demo_scale, demo_scale(operator_source))
        elif operator_source.lower() == ARANGO_FROM_ENVIRONMENT:
            allow_operator_database = True
        elif is_arango_source(operator_source):
            target = parse_arango_source(operator_source, env)
            parts = urlsplit(target.http_url)
            live.append(LivePattern(parts.hostname or "", parts.port or 0, target.database))
        elif operator_source:
            snapshot_dirs.append(Path(os.path.realpath(Path(operator_source).expanduser())))
        return cls(
            server=True,
            allow_demo=allow_demo,
            allow_operator_database=allow_operator_database,
            live_patterns=tuple(live),
            snapshot_dirs=tuple(snapshot_dirs),
            document_dirs=tuple(
                _directory(d, DOCUMENT_DIRS_VARIABLE) for d in _paths(env, DOCUMENT_DIRS_VARIABLE)
            ),
            allow_write_results=_switch(env, ALLOW_WRITE_RESULTS_VARIABLE),
            allow_gae=_switch(env, ALLOW_GAE_VARIABLE),
            max_demo_scale=max_demo_scale,
            credential_host=_credential_host(env, operator_source),
            environment={k: v for k, v in env.items() if k.startswith("ARANGO_")},
        )

    # ----------------------------------------------------------------------- context

    def check_context(self, context: Context) -> None:
        """Refuse what the caller may not choose; make allowed paths absolute and resolved.

        Args:
            context: The caller's context; `source` and `vertical` are rewritten to the
                resolved paths they name (so nothing later reads another file), and engine
                'auto' to 'local' unless the operator allows the GAE.

        Raises:
            TrustError: one line naming the field and what the operator allows.
        """
        if not self.server:
            return
        if self.misconfiguration:
            raise TrustError(
                f"this server's trust settings are invalid, so it refuses every request: "
                f"{self.misconfiguration}"
            )
        if context.chat_model is not None:
            raise TrustError(
                "context field 'chat_model' is for Python callers only; name a model with "
                "'model' instead"
            )
        if context.write_results and not self.allow_write_results:
            raise TrustError(
                "context field 'write_results': this server does not write into databases "
                f"(the operator allows it with {ALLOW_WRITE_RESULTS_VARIABLE}=true)"
            )
        if (context.engine == "gae" or context.gae_engine) and not self.allow_gae:
            raise TrustError(
                "context field 'engine': this server does not run the Graph Analytics Engine "
                f"(the operator allows it with {ALLOW_GAE_VARIABLE}=true); use engine 'local'"
            )
        if context.engine == "auto" and not self.allow_gae:
            context.engine = "local"  # the only engine this server offers: auto cannot pick GAE
        context.source = self.check_source(context.source)
        vertical = context.vertical.strip()
        if vertical.lower().endswith(_VERTICAL_FILE_SUFFIXES):
            context.vertical = str(
                self._inside(vertical, self.document_dirs, "vertical", DOCUMENT_DIRS_VARIABLE)
            )

    def check_source(self, spec: str) -> str:
        """Check a source the caller named; return it (a path: resolved and absolute).

        Raises:
            TrustError: the source is not allowed; nothing was connected to or read.
        """
        if not self.server:
            return spec
        text = spec.strip()
        if text == DEMO or text.startswith(DEMO + ":"):
            if not self.allow_demo:
                raise self._source_refused(text)
            if text != DEMO:
                from gaai_graph.sources import demo_scale

                scale = demo_scale(text)
                if scale > self.max_demo_scale:
                    raise TrustError(
                        f"source {text!r}: this server generates demo graphs up to scale "
                        f"{self.max_demo_scale:g} ({MAX_DEMO_SCALE_VARIABLE}); ask for less"
                    )
            return text
        if is_arango_source(text):
            self._check_live(text)
            return text
        if "://" in text:
            raise TrustError(
                f"unsupported source {redact_source(text)!r}: use 'demo', 'demo:<scale>', "
                "'arangodb://host:port/database' or a snapshot directory"
            )
        return str(self._inside(text, self.snapshot_dirs, "source", SNAPSHOT_DIRS_VARIABLE))

    def _check_live(self, spec: str) -> None:
        raw = urlsplit(spec)
        if spec.lower() == ARANGO_FROM_ENVIRONMENT or not raw.hostname:
            # `arangodb` and `arangodb:///db` name the operator's own ARANGO_URL.
            if not self.allow_operator_database:
                raise self._source_refused(spec)
            return
        try:
            target = parse_arango_source(spec, self.environment)
        except SourceError as error:
            raise TrustError(str(error)) from None
        parts = urlsplit(target.http_url)
        host, port = (parts.hostname or "").lower(), parts.port or 0
        if not any(p.matches(host, port, target.database) for p in self.live_patterns):
            raise self._source_refused(spec)
        borrows_credentials = raw.username is None or raw.password is None
        if borrows_credentials and (host, port) != self.credential_host:
            raise TrustError(
                f"source {redact_source(spec)!r}: the server's ArangoDB credentials are only "
                "sent to the operator's own database; give this database's user and password "
                "in the URL"
            )

    def _source_refused(self, spec: str) -> TrustError:
        return TrustError(
            f"source {preview(redact_source(spec))} is not allowed on this server; the "
            f"operator lists the sources callers may name in {ALLOWED_SOURCES_VARIABLE}"
        )

    # ----------------------------------------------------------------------- paths

    def document_path(self, raw: Any, position: int) -> Path:
        """The file a caller's document path names, if the operator allows it.

        Args:
            raw: The path as the caller gave it.
            position: The document's place in the input (1-based), for the message.

        Returns:
            The resolved path (local policy: the path as given, `~` expanded).

        Raises:
            TrustError: the path is outside GAAI_DOCUMENT_DIRS (same message whether or not
                it exists).
        """
        if not self.server:
            return Path(raw).expanduser()
        return self._inside(
            str(raw),
            self.document_dirs,
            f"document #{position}",
            DOCUMENT_DIRS_VARIABLE,
            resolve=True,
        )

    def confirm_snapshot(self, spec: str) -> None:
        """Follow the symbolic links of a snapshot path (blocking: call it off the event loop).

        `check_source` vets the path as written, without touching the filesystem (it runs
        while LangGraph builds the context, on the event loop); this refuses a path whose
        links lead out of GAAI_SNAPSHOT_DIRS, with the same message, before it is read.

        Raises:
            TrustError: the path resolves outside the snapshot directories.
        """
        text = spec.strip()
        if self.server and not (
            text == DEMO or text.startswith(DEMO + ":") or is_arango_source(text)
        ):
            self._inside(text, self.snapshot_dirs, "source", SNAPSHOT_DIRS_VARIABLE, resolve=True)

    def confirm_vertical(self, vertical: str) -> None:
        """As `confirm_snapshot`, for a vertical file (inside GAAI_DOCUMENT_DIRS)."""
        text = vertical.strip()
        if self.server and text.lower().endswith(_VERTICAL_FILE_SUFFIXES):
            self._inside(text, self.document_dirs, "vertical", DOCUMENT_DIRS_VARIABLE, resolve=True)

    def _inside(
        self,
        raw: str,
        directories: Sequence[Path],
        label: str,
        variable: str,
        *,
        resolve: bool = False,
    ) -> Path:
        """Require `raw` (relative: to the first directory) inside one of `directories`.

        Args:
            raw: The path as the caller wrote it.
            directories: The allowed directories (real paths).
            label: What names the path in the message.
            variable: The setting listing the directories.
            resolve: Also follow symbolic links (touches the filesystem, so never on the
                event loop); without it, `..` is removed as written.

        Returns:
            The path made absolute with `..` removed, or its real path when `resolve`.

        Raises:
            TrustError: one message whatever the target is, exists or not.
        """
        refused = TrustError(
            f"{label} {preview(raw, 240)} is not inside a directory this server lets callers "
            f"read (the operator sets them in {variable}); name a file or directory inside one"
        )
        if not directories or "\x00" in raw:
            raise refused
        candidate = Path(raw)
        if not candidate.is_absolute():
            candidate = directories[0] / candidate
        normal = Path(os.path.normpath(candidate))
        if not any(normal.is_relative_to(directory) for directory in directories):
            raise refused
        if not resolve:
            return normal
        # realpath follows every link and `..` whether or not the target exists, so the
        # check and the message are the same for existing and missing targets.
        real = Path(os.path.realpath(normal))
        if not any(real.is_relative_to(directory) for directory in directories):
            raise refused
        return real


def check_graph_input(documents: Any, run_id: Any) -> list[Any]:
    """Check the shape of the graph's input fields before anything is read.

    Args:
        documents: The `documents` input field (must be a list).
        run_id: The `run_id` input field (text without control characters).

    Returns:
        The documents as a list (the items are checked one by one when read).

    Raises:
        DocumentError: one line naming the field, what is wrong and what it takes.
    """
    if not isinstance(run_id, str):
        raise DocumentError(f"input field 'run_id' must be text, got {preview(run_id)}")
    if len(run_id) > MAX_RUN_ID_LENGTH or _CONTROL_CHARACTERS.search(run_id):
        raise DocumentError(
            f"input field 'run_id' {preview(run_id)} must be at most {MAX_RUN_ID_LENGTH} "
            "characters without control characters"
        )
    if documents is None:
        return []
    if not isinstance(documents, list | tuple):
        raise DocumentError(
            f"input field 'documents' must be a list of documents (a path, {{'path': ...}} or "
            f"{{'content': ..., 'name': ...}} each), got {preview(documents)}"
        )
    if len(documents) > MAX_DOCUMENTS:
        raise DocumentError(
            f"input field 'documents' lists {len(documents)} documents; at most "
            f"{MAX_DOCUMENTS} are read in one run"
        )
    for position, item in enumerate(documents, start=1):
        # Only flat values: the thread's identity digests the documents as given, and a
        # deeply nested one would exhaust the stack there.
        if isinstance(item, str | PurePath | DocumentText):
            continue
        if not isinstance(item, dict):
            raise DocumentError(
                f"document #{position} is a {type(item).__name__}; expected a path, "
                "{'path': ...} or {'content': ..., 'name': ...}"
            )
        for key, value in item.items():
            if isinstance(value, str | bytes | PurePath | None):
                continue
            if key == "path":
                raise DocumentError(
                    f"document #{position} has an empty or non-text path: {preview(value)}"
                )
            expected = "a string of text" if key == "content" else "text"
            raise DocumentError(
                f"document #{position}: {str(key)[:40]!r} must be {expected}, got {preview(value)}"
            )
        name = item.get("name")
        if name is None:
            continue
        if not isinstance(name, str) or len(name) > MAX_DOCUMENT_NAME_LENGTH:
            raise DocumentError(
                f"document #{position}: 'name' must be text of at most "
                f"{MAX_DOCUMENT_NAME_LENGTH} characters, got {preview(name)}"
            )
        if _CONTROL_CHARACTERS.search(name):
            raise DocumentError(
                f"document #{position}: 'name' {preview(name)} holds a control character; "
                "remove line breaks, tabs and other control characters"
            )
    return list(documents)


async def confirm_paths(context: Context) -> None:
    """Follow the links of a server caller's snapshot and vertical paths, off the event loop.

    The context was checked as written when LangGraph built it (on the event loop, where
    no file may be touched); the nodes that read a snapshot or a vertical file call this
    first, so a link inside an allowed directory cannot lead out of it.

    Raises:
        TrustError: a path resolves outside the operator's directories (the same message as
            any other refused path).
    """
    policy = policy_of(context)
    if policy.server:
        await asyncio.to_thread(policy.confirm_snapshot, context.source)
        await asyncio.to_thread(policy.confirm_vertical, context.vertical)


def policy_of(context: Context | None) -> TrustPolicy:
    """The policy a run's context was checked under (local unless the server's schema built it)."""
    policy = getattr(type(context), "trust_policy", None)
    return policy if isinstance(policy, TrustPolicy) else TrustPolicy.local()


def server_context_schema(policy: TrustPolicy) -> type[Context]:
    """A context class that checks every context built from a caller's JSON against `policy`.

    Args:
        policy: The operator's policy, fixed for the compiled graph's lifetime.

    Returns:
        A subclass of `Context` with the same fields (same JSON schema for Studio) whose
        construction refuses what the policy does not allow.
    """

    class ServerContext(Context):
        trust_policy: ClassVar[TrustPolicy] = policy
        explicit_values_win: ClassVar[bool] = True

        def __post_init__(self) -> None:
            super().__post_init__()
            policy.check_context(self)

    ServerContext.__name__ = ServerContext.__qualname__ = Context.__name__
    ServerContext.__doc__ = Context.__doc__
    return ServerContext


# --------------------------------------------------------------------------- settings


def _split(text: str, separator: str) -> list[str]:
    return [part.strip() for part in text.split(separator) if part.strip()]


def _paths(env: Mapping[str, str], variable: str) -> list[str]:
    return _split(env.get(variable, ""), os.pathsep)


def _directory(text: str, variable: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_absolute():
        raise GaaiError(f"{variable}: {text!r} is not an absolute path; give absolute directories")
    return Path(os.path.realpath(path))


def _switch(env: Mapping[str, str], variable: str) -> bool:
    value = env.get(variable, "").strip().lower()
    if value in _TRUE_WORDS:
        return True
    if value in _FALSE_WORDS:
        return False
    raise GaaiError(f"{variable} must be true or false, got {value[:40]!r}")


def _scale(env: Mapping[str, str]) -> float:
    text = env.get(MAX_DEMO_SCALE_VARIABLE, "").strip()
    if not text:
        return DEFAULT_SERVER_DEMO_SCALE
    try:
        scale = float(text)
    except ValueError:
        scale = math.nan
    from gaai_graph.sources import MAX_DEMO_SCALE

    if not math.isfinite(scale) or not 0 < scale <= MAX_DEMO_SCALE:
        raise GaaiError(
            f"{MAX_DEMO_SCALE_VARIABLE} must be a number above 0 and at most "
            f"{MAX_DEMO_SCALE:g}, got {text[:40]!r}"
        )
    return scale


def _live_pattern(entry: str, env: Mapping[str, str]) -> LivePattern:
    text = entry if "://" in entry else f"arangodb://{entry}"
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = None
    database = parts.path.strip("/")
    if not parts.hostname or parts.username or parts.password or not database:
        raise GaaiError(
            f"{ALLOWED_SOURCES_VARIABLE}: entry {redact_source(entry)!r} must be "
            "host:port/database (no credentials; the database may be a glob such as shop_*)"
        )
    return LivePattern(host=parts.hostname, port=port or 8529, database=database)


def _credential_host(env: Mapping[str, str], operator_source: str) -> tuple[str, int] | None:
    """Where ARANGO_USER / ARANGO_PASSWORD belong: ARANGO_URL's host, else GAAI_SOURCE's."""
    for spec in (ARANGO_FROM_ENVIRONMENT if env.get("ARANGO_URL") else "", operator_source):
        if spec and is_arango_source(spec):
            try:
                target = parse_arango_source(spec, env)
            except SourceError:
                continue
            parts = urlsplit(target.http_url)
            return (parts.hostname or "").lower(), parts.port or 0
    return None
