"""The connection to a live ArangoDB: HTTP client, TLS, error translation, cursor streaming.

`ArangoConnection.open` builds a python-arango client whose HTTP session honours the request
timeout and the TLS settings of the `ArangoTarget`; `translated_errors` turns server errors,
refused connections, TLS failures and timeouts into one `SourceError` line that never holds
the password; `ArangoConnection.stream` runs a read-only AQL cursor one batch at a time.
What is read (introspection, streamed collections) lives in `gaai_graph.sources.arango`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import requests
import urllib3
from arango import ArangoClient
from arango.cursor import Cursor
from arango.database import StandardDatabase
from arango.exceptions import ArangoServerError
from arango.http import DefaultHTTPClient
from arango.response import Response

from gaai_graph.errors import SourceError
from gaai_graph.sources.arango_url import ArangoTarget

__all__ = [
    "ArangoConnection",
    "RequestTimeoutError",
    "TLSError",
    "TimeoutAwareHTTPClient",
    "VerifyingSession",
    "tls_error",
    "tls_problem",
    "translated_errors",
]

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 10_000
"""Documents per cursor batch: the most raw JSON held at once per streamed collection."""
DEFAULT_REQUEST_TIMEOUT = 60.0
"""Seconds before one HTTP request to ArangoDB is abandoned."""
CURSOR_TTL_SECONDS = 600
"""How long the server keeps an idle cursor between batches."""

# ArangoDB error numbers (https://docs.arangodb.com/stable/develop/error-codes/).
ERROR_DATABASE_NOT_FOUND = 1228
ERROR_COLLECTION_NOT_FOUND = 1203
ERROR_GRAPH_NOT_FOUND = 1924
ERROR_QUERY_KILLED = 1500
ERROR_RESOURCE_LIMIT = 32


# --------------------------------------------------------------------------- errors


class RequestTimeoutError(Exception):
    """A request to ArangoDB got no answer in time.

    python-arango turns every `requests.ConnectionError` (which is how requests reports a read
    timeout once urllib3's retries are spent) into a bare `ConnectionAbortedError`, so a slow
    server would read as a refused connection. `TimeoutAwareHTTPClient` raises this instead,
    which python-arango lets through untouched.
    """


def _is_timeout(error: BaseException) -> bool:
    if isinstance(error, requests.exceptions.Timeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    # urllib3 derives "connection refused" (NewConnectionError) from its connect-timeout class.
    return isinstance(reason, urllib3.exceptions.TimeoutError) and not isinstance(
        reason, urllib3.exceptions.NewConnectionError
    )


class TLSError(Exception):
    """The TLS handshake with ArangoDB failed (most often: the certificate is not trusted).

    python-arango turns `requests.exceptions.SSLError` (a `requests.ConnectionError`) into a
    bare `ConnectionAbortedError` like any refused connection, so `TimeoutAwareHTTPClient`
    raises this instead, which python-arango lets through untouched.
    """

    def __init__(self, certificate: bool, detail: str) -> None:
        """Record whether the certificate failed verification, and the TLS library's reason."""
        super().__init__(detail)
        self.certificate = certificate
        self.detail = detail


def tls_error(error: requests.exceptions.SSLError) -> TLSError:
    """Classify a requests `SSLError`: certificate verification or another handshake problem."""
    text = str(error)
    certificate = "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text
    reason = _ssl_reason(error)
    return TLSError(certificate, reason)


def _ssl_reason(error: BaseException) -> str:
    """The innermost `ssl` error's short reason (e.g. "self-signed certificate"), no URL."""
    import ssl

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError) and current.verify_message:
            return str(current.verify_message)
        if isinstance(current, ssl.SSLError) and current.reason:
            return str(current.reason).lower().replace("_", " ")
        nested = getattr(current, "reason", None)
        if isinstance(nested, BaseException):
            current = nested
            continue
        args = [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        current = args[0] if args else current.__cause__ or current.__context__
    return "TLS handshake failed"


TLS_HELP = (
    "set ARANGO_VERIFY=/path/to/ca.pem to trust the server's CA bundle, or "
    "ARANGO_VERIFY=false to skip verification (only on a trusted network)"
)
"""How to point at a CA bundle or turn verification off (`arango_url._verify_setting`)."""


def tls_problem(error: TLSError) -> str:
    """One clause describing a TLS failure and the settings that address it."""
    if error.certificate:
        return f"TLS certificate verification failed ({error.detail}): {TLS_HELP}"
    return (
        f"the TLS handshake failed ({error.detail}); check that the server speaks HTTPS "
        "(arangodbs://) or plain HTTP (arangodb://)"
    )


class VerifyingSession(requests.Session):
    """A requests session whose own `verify` (a CA bundle, or False) is the one used.

    requests lets `REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE` from the environment override a
    session's `verify` (psf/requests#3829), so `ARANGO_VERIFY` would be silently ignored on
    machines that set them (many images do). Only the default, `verify=True`, consults them.
    """

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        """As `requests.Session`'s, but a session `verify` other than True wins."""
        if verify is None and self.verify is not True:
            verify = self.verify
        merged: dict[str, Any] = super().merge_environment_settings(
            url, proxies, stream, verify, cert
        )
        return merged


class TimeoutAwareHTTPClient(DefaultHTTPClient):
    """python-arango's default HTTP client, reporting timeouts and TLS failures as themselves.

    Timeouts become `RequestTimeoutError`, TLS failures `TLSError`; python-arango would make
    both a bare `ConnectionAbortedError`, indistinguishable from a refused connection. Its
    sessions are `VerifyingSession`s, so `ARANGO_VERIFY` holds whatever the environment says.
    """

    def create_session(self, host: str) -> requests.Session:
        """python-arango's session (pool, timeouts) as a `VerifyingSession`.

        python-arango's urllib3 `Retry(total=n)` also retries a connect or read that timed
        out: with n = 2 an unanswering host took 3 x the timeout plus backoff (183 s for a
        "60 s" timeout). Only answers that say "try again" (429, 5xx) are retried here, so a
        request gives up after the timeout its error message quotes.
        """
        made = super().create_session(host)
        session = VerifyingSession()
        for prefix, adapter in made.adapters.items():
            if isinstance(adapter, requests.adapters.HTTPAdapter):
                retry = adapter.max_retries
                adapter.max_retries = retry.new(connect=0, read=0, other=0)
            session.mount(prefix, adapter)
        return session

    def send_request(self, *args: Any, **kwargs: Any) -> Response:
        """Send one request (see `DefaultHTTPClient.send_request`)."""
        try:
            return super().send_request(*args, **kwargs)
        except requests.exceptions.SSLError as error:
            raise tls_error(error) from None
        except requests.exceptions.RequestException as error:
            if _is_timeout(error):
                raise RequestTimeoutError() from None
            raise


def _server_problem(error: ArangoServerError) -> str:
    code = error.http_code
    number = error.error_code
    detail = error.error_message or ""
    if code == 401:
        return "the server refused the user name or password (HTTP 401)"
    if code == 403:
        return "the user may not read this database (HTTP 403)"
    if number == ERROR_DATABASE_NOT_FOUND:
        return "the database does not exist (HTTP 404)"
    if number == ERROR_COLLECTION_NOT_FOUND:
        return f"a collection does not exist (HTTP 404: {detail})"
    if number == ERROR_GRAPH_NOT_FOUND:
        return f"the named graph does not exist (HTTP 404: {detail})"
    if code == 404:
        return f"not found (HTTP 404{': ' + detail if detail else ''})"
    return f"the server answered HTTP {code}{': ' + detail if detail else ''}"


@contextmanager
def translated_errors(target: ArangoTarget, action: str, timeout: float) -> Iterator[None]:
    """Turn python-arango and requests failures inside the block into one `SourceError`.

    Args:
        target: The database being talked to (named in the message without its password).
        action: What was being done, e.g. "listing collections".
        timeout: The request timeout, quoted when a request times out.

    Raises:
        SourceError: the block failed talking to ArangoDB.
    """
    where = f"ArangoDB at {target.display}"
    try:
        yield
    except ArangoServerError as error:
        raise SourceError(f"{where}: {action} failed: {_server_problem(error)}") from None
    except (RequestTimeoutError, requests.exceptions.Timeout):
        raise SourceError(
            f"{where}: {action} timed out after {timeout:g} s (raise it with "
            "ARANGO_TIMEOUT or check the server's load)"
        ) from None
    except TLSError as error:
        raise SourceError(f"{where}: cannot connect while {action}: {tls_problem(error)}") from None
    except requests.exceptions.SSLError as error:
        # Raised outside python-arango (which would have wrapped it): same message.
        problem = tls_problem(tls_error(error))
        raise SourceError(f"{where}: cannot connect while {action}: {problem}") from None
    except (requests.exceptions.ConnectionError, ConnectionError):
        raise SourceError(
            f"{where}: cannot connect while {action}: connection refused or host unreachable"
        ) from None


# --------------------------------------------------------------------------- connection


@dataclass
class ArangoConnection:
    """One database handle plus the settings every query uses."""

    target: ArangoTarget
    db: StandardDatabase
    batch_size: int = DEFAULT_BATCH_SIZE
    timeout: float = DEFAULT_REQUEST_TIMEOUT
    client: ArangoClient | None = field(default=None, repr=False)
    """The client `open` made (its HTTP session is released by `close`)."""

    @classmethod
    def open(
        cls,
        target: ArangoTarget,
        *,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
        batch_size: int = DEFAULT_BATCH_SIZE,
        retry_attempts: int = 2,
    ) -> ArangoConnection:
        """Connect and check the credentials and database with one request.

        Args:
            target: Where to connect.
            timeout: Seconds per HTTP request.
            batch_size: Documents per cursor batch.
            retry_attempts: urllib3 retries of idempotent requests (GET) on 5xx answers.

        Returns:
            A connection whose database answered.

        Raises:
            SourceError: the server cannot be reached, refuses the login or lacks the database.
        """
        http_client = TimeoutAwareHTTPClient(
            request_timeout=timeout, retry_attempts=retry_attempts, backoff_factor=0.5
        )
        client = ArangoClient(
            hosts=target.http_url,
            http_client=http_client,
            verify_override=target.verify,
            # One host: a refused connection is final, not a reason to try it again.
            resolver_max_tries=1,
        )
        db = client.db(target.database, username=target.username, password=target.password)
        connection = cls(
            target=target, db=db, batch_size=batch_size, timeout=timeout, client=client
        )
        try:
            with connection.errors("connecting"):
                # GET /_api/database/current: 401 for a bad login, 404 for a missing database.
                db.properties()
        except SourceError:
            connection.close()
            raise
        return connection

    def close(self) -> None:
        """Release the HTTP session of a connection made by `open` (a no-op otherwise)."""
        if self.client is not None:
            self.client.close()

    def errors(self, action: str) -> Any:
        """Context manager translating failures of `action` into `SourceError`."""
        return translated_errors(self.target, action, self.timeout)

    def stream(self, query: str, bind_vars: Mapping[str, Any], *, action: str) -> Iterator[Any]:
        """Run a read-only AQL query and yield its results one batch at a time.

        Args:
            query: AQL text holding no names: collections and attributes come as bind
                parameters.
            bind_vars: The bind parameters.
            action: What the query is for, for error messages.

        Yields:
            Each result; at most one batch (`batch_size` results) is held in memory.

        Raises:
            SourceError: the query or fetching a batch failed.
        """
        with self.errors(action):
            cursor = self.db.aql.execute(
                query,
                bind_vars=dict(bind_vars),
                batch_size=self.batch_size,
                stream=True,
                ttl=cast(Any, CURSOR_TTL_SECONDS),
            )
        cursor = cast(Cursor, cursor)
        exhausted = False
        try:
            while True:
                batch = cursor.batch()
                # Pop rather than copy: a batch is freed as it is consumed.
                while batch:
                    yield batch.popleft()
                if not cursor.has_more():
                    exhausted = True
                    return
                with self.errors(action):
                    cursor.fetch()
        finally:
            if not exhausted:
                # Abandoned early: free the server-side cursor instead of waiting for its TTL.
                try:
                    cursor.close(ignore_missing=True)
                except Exception:
                    logger.debug("closing an abandoned ArangoDB cursor failed", exc_info=True)


def _timeout_from(value: str | None) -> float:
    if value is None or not value.strip():
        return DEFAULT_REQUEST_TIMEOUT
    try:
        seconds = float(value)
    except ValueError as error:
        raise SourceError(f"ARANGO_TIMEOUT must be a number of seconds, got {value!r}") from error
    if seconds <= 0:
        raise SourceError(f"ARANGO_TIMEOUT must be positive, got {value!r}")
    return seconds
