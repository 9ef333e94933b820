"""ArangoDB source addresses: parse `arangodb://` URLs and the ARANGO_* variables, redact them.

A live source is written `arangodb://[user[:password]@]host:port/[database]` (plain HTTP) or
`arangodbs://...` (HTTPS). Whatever the URL leaves out comes from the environment:
`ARANGO_URL` (used alone when the source is just `arangodb`), `ARANGO_DB`, `ARANGO_USER` and
`ARANGO_PASSWORD`. TLS certificates are verified unless `ARANGO_VERIFY` says `false` (or names a
CA bundle file to verify against). Putting the password in `ARANGO_PASSWORD` rather than the URL
keeps it out of shell history; either way it never appears in anything this package prints,
logs or writes: every echo of a source goes through `redact_source`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from gaai_graph.errors import SourceError

__all__ = [
    "ArangoTarget",
    "is_arango_source",
    "parse_arango_source",
    "redact_source",
]

ARANGO_SCHEME = "arangodb"
ARANGO_TLS_SCHEME = "arangodbs"
_SCHEME_TO_HTTP = {
    ARANGO_SCHEME: "http",
    ARANGO_TLS_SCHEME: "https",
    "http": "http",
    "https": "https",
}
DEFAULT_PORT = 8529
DEFAULT_DATABASE = "_system"
DEFAULT_USER = "root"
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})
# `scheme://user:password@`. The scheme is the whole run of scheme characters before "://"
# (look-behind: a match starts only where such a run starts). Letting a match start inside a run
# made every position of a long run ("aaaa...") rescan the rest of it looking for "://":
# quadratic in the run's length. Now each character is scanned a bounded number of times (the
# user and password parts stop at the next "/", and every "://" holds one): linear time. The run
# may start with a digit ("1http://u:p@h" is still redacted): anything that looks like a password
# in a URL goes, whether or not the scheme is valid.
_CREDENTIALS = re.compile(
    r"(?<![A-Za-z0-9+.-])(?P<scheme>[A-Za-z0-9+.-]*://)(?P<user>[^:@/]*):[^@/]*@"
)


@dataclass(frozen=True)
class ArangoTarget:
    """Where a live ArangoDB database is and how to log in (the password is never printed)."""

    http_url: str
    """`http(s)://host:port` of the coordinator or single server."""
    database: str
    username: str
    password: str = field(repr=False)
    verify: bool | str = True
    """Verify TLS certificates: True (default), False, or the path of a CA bundle."""

    @property
    def display(self) -> str:
        """The address without the password, e.g. `arangodb://root@db.example:8529/shop`."""
        parts = urlsplit(self.http_url)
        scheme = ARANGO_TLS_SCHEME if parts.scheme == "https" else ARANGO_SCHEME
        user = quote(self.username, safe="") + "@" if self.username else ""
        return f"{scheme}://{user}{parts.netloc}/{self.database}"


def is_arango_source(spec: str) -> bool:
    """Tell whether `spec` names a live ArangoDB source (`arangodb`, `arangodb://`, ...)."""
    lowered = spec.strip().lower()
    return lowered == ARANGO_SCHEME or lowered.startswith(
        (ARANGO_SCHEME + "://", ARANGO_TLS_SCHEME + "://")
    )


def redact_source(spec: str) -> str:
    """Return `spec` with any password in a URL replaced by nothing (user kept, `:***` dropped).

    Args:
        spec: Any source specification or text that may hold a `scheme://user:password@` URL.

    Returns:
        The same text with every URL password removed.
    """
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}@", spec)


def parse_arango_source(spec: str, environ: Mapping[str, str] | None = None) -> ArangoTarget:
    """Parse a live source specification, filling gaps from the ARANGO_* variables.

    Args:
        spec: `arangodb`, `arangodb://[user[:password]@]host[:port]/[database]` or the same with
            `arangodbs://` for HTTPS.
        environ: The environment to read (default `os.environ`).

    Returns:
        The target, with the password unredacted (keep it out of messages: use `display`).

    Raises:
        SourceError: the URL is malformed or names no host; the message never holds the
            password.
    """
    env = os.environ if environ is None else environ
    text = spec.strip()
    if text.lower() == ARANGO_SCHEME:
        text = env.get("ARANGO_URL", "").strip()
        if not text:
            raise SourceError(
                "source 'arangodb' needs ARANGO_URL (e.g. http://localhost:8529) or a full "
                "arangodb://host:port/database URL"
            )
    elif not urlsplit(text).hostname and env.get("ARANGO_URL"):
        text = env["ARANGO_URL"].strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise SourceError(f"malformed ArangoDB URL {redact_source(text)!r}: {error}") from error
    scheme = _SCHEME_TO_HTTP.get(parts.scheme.lower())
    if scheme is None:
        raise SourceError(
            f"unsupported ArangoDB URL scheme in {redact_source(text)!r}: use arangodb:// "
            "(HTTP) or arangodbs:// (HTTPS)"
        )
    if not parts.hostname:
        raise SourceError(f"ArangoDB URL {redact_source(text)!r} names no host")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    database = unquote(parts.path.strip("/")) or env.get("ARANGO_DB") or DEFAULT_DATABASE
    if "/" in database:
        raise SourceError(
            f"ArangoDB URL {redact_source(text)!r}: the path must be one database name"
        )
    if parts.username == "" and parts.password:
        # `arangodb://:secret@host` would otherwise log in as the default user (root).
        raise SourceError(
            f"ArangoDB URL {redact_source(text)!r} gives a password but no user name: write "
            "arangodb://user:password@host:port/database"
        )
    username = unquote(parts.username) if parts.username else env.get("ARANGO_USER", DEFAULT_USER)
    if parts.password is not None:
        password = unquote(parts.password)
    else:
        password = env.get("ARANGO_PASSWORD", "")
    return ArangoTarget(
        http_url=f"{scheme}://{host}:{port or DEFAULT_PORT}",
        database=database,
        username=username,
        password=password,
        verify=_verify_setting(env.get("ARANGO_VERIFY")),
    )


def _verify_setting(value: str | None) -> bool | str:
    """`ARANGO_VERIFY`: unset or true-ish verifies, a false word disables, else a CA bundle."""
    if value is None or not value.strip():
        return True
    if value.strip().lower() in _FALSE_WORDS:
        return False
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    return value.strip()
