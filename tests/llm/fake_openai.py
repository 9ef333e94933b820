"""A small OpenAI-compatible chat-completions server on 127.0.0.1 with scripted answers.

Tests point a real `ChatOpenAI` at it (`base_url`), so everything between our code and the
HTTP wire (the openai client's retries, backoff and timeouts, langchain's structured output,
usage metadata) runs for real; only the model's answers are scripted.

Each request is routed by the first rule (newest first) that matches it: by the name of the
structured-output schema the request asks for (`response_format.json_schema.name`, the
forced tool's name, or the title of a JSON Schema written into the messages), and/or by text
occurring in its messages. A rule answers with its replies in order (the last one repeats); a
reply is JSON content, raw text (malformed JSON), an HTTP error status (429, 500), a delay
longer than the client's timeout, an answer trickled out a byte at a time, or a function of
the request that builds the answer. `refuse_response_format` makes the server answer every
request carrying `response_format` with an error, as many local servers do. Every request is
recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted response.

    `content` is sent as the assistant message (as the forced tool call's arguments when the
    request forces a tool); a non-200 `status` sends an OpenAI-style error body instead;
    `delay` seconds pass before anything is sent; with `trickle`, the headers go out at once
    and the body is preceded by `trickle` seconds of whitespace, one byte every 0.1 s (each
    read of the client gets a byte well within its timeout).
    """

    content: str = ""
    status: int = 200
    delay: float = 0.0
    trickle: float = 0.0
    prompt_tokens: int = 100
    completion_tokens: int = 20
    headers: dict[str, str] = field(default_factory=dict)


def answer(value: Any, **options: Any) -> Reply:
    """A well-formed reply whose content is `value` as JSON."""
    return Reply(content=json.dumps(value), **options)


def rate_limited(retry_after_ms: int = 5) -> Reply:
    """A 429 reply; `retry-after-ms` keeps the client's backoff short in tests."""
    return Reply(status=429, headers={"retry-after-ms": str(retry_after_ms)})


def server_error(status: int = 500) -> Reply:
    """A 5xx reply."""
    return Reply(status=status, headers={"retry-after-ms": "5"})


def too_slow(seconds: float) -> Reply:
    """A reply that arrives after `seconds` (longer than the client's timeout)."""
    return Reply(content="{}", delay=seconds)


def trickling(seconds: float, value: Any = None) -> Reply:
    """A reply that sends its headers at once, then a byte every 0.1 s for `seconds`."""
    return Reply(content=json.dumps(value if value is not None else {}), trickle=seconds)


TRICKLE_INTERVAL = 0.1
"""Seconds between the bytes of a trickled reply."""

Responder = Callable[[dict[str, Any]], Reply]
"""Builds a reply from the request body (for answers that depend on the prompt)."""


@dataclass
class Rule:
    """Answers matching requests with `replies` in order; the last one repeats."""

    schema: str | None
    match: str
    replies: list[Reply | Responder]
    used: int = 0

    def matches(self, body: dict[str, Any]) -> bool:
        if self.schema is not None and schema_name(body) != self.schema:
            return False
        return self.match in user_text(body)

    def next_reply(self, body: dict[str, Any]) -> Reply:
        reply = self.replies[min(self.used, len(self.replies) - 1)]
        self.used += 1
        return reply if isinstance(reply, Reply) else reply(body)


SCHEMA_IN_PROMPT = "JSON Schema: "
"""What precedes a JSON Schema written into a prompt (the prompt method, JSON mode, repairs)."""


def schema_name(body: dict[str, Any]) -> str | None:
    """Name of the structured-output schema a request asks for, if any."""
    response_format = body.get("response_format") or {}
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        return str(response_format.get("json_schema", {}).get("name"))
    return forced_tool(body) or prompted_schema(body)


def prompted_schema(body: dict[str, Any]) -> str | None:
    """Title of the first JSON Schema written into the request's messages, if any."""
    text = user_text(body)
    at = text.find(SCHEMA_IN_PROMPT)
    if at < 0:
        return None
    try:
        schema, _ = json.JSONDecoder().raw_decode(text[at + len(SCHEMA_IN_PROMPT) :])
    except ValueError:
        return None
    return str(schema.get("title")) if isinstance(schema, dict) else None


def forced_tool(body: dict[str, Any]) -> str | None:
    """Name of the tool a request forces (`function_calling` structured output), if any."""
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        return str(choice.get("function", {}).get("name"))
    if isinstance(choice, str) and choice not in ("auto", "none", "required"):
        return choice
    return None


def user_text(body: dict[str, Any]) -> str:
    """All message contents of a request, joined (what the prompt says)."""
    parts: list[str] = []
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return "\n".join(parts)


@dataclass
class FakeOpenAI:
    """The server's script and its record of requests."""

    rules: list[Rule] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    authorization: list[str] = field(default_factory=list)
    refuse_response_format: int | None = None
    """An HTTP status (400, 422) to answer every request carrying `response_format` with."""
    in_flight: int = 0
    max_in_flight: int = 0
    """Most requests being answered at the same moment (shows calls ran concurrently)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        """The `/v1` URL to give ChatOpenAI or OPENAI_BASE_URL."""
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def add(self, *replies: Reply | Responder, schema: str | None = None, match: str = "") -> None:
        """Script the replies to requests for `schema` and/or containing `match`.

        Rules added later are checked first, so a test can override a default script.
        """
        self.rules.insert(0, Rule(schema, match, list(replies)))

    def reply_for(self, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.requests.append(body)
            if self.refuse_response_format and body.get("response_format"):
                # vLLM's and llama.cpp's wording: the field is named in the message.
                message = "response_format of type json_schema is not supported by this server"
                return Reply(
                    status=self.refuse_response_format,
                    content=json.dumps(
                        {
                            "error": {
                                "message": message,
                                "type": "invalid_request_error",
                                "param": "response_format",
                            }
                        }
                    ),
                )
            for rule in self.rules:
                if rule.matches(body):
                    return rule.next_reply(body)
        return Reply(
            status=400,
            content=json.dumps({"error": {"message": "no scripted answer", "type": "test"}}),
        )

    def calls(self, schema: str | None = None, match: str = "") -> int:
        """Requests received for `schema` and/or containing `match` (all by default)."""
        with self.lock:
            return sum(
                1
                for body in self.requests
                if (schema is None or schema_name(body) == schema) and match in user_text(body)
            )

    def schemas(self) -> list[str | None]:
        """The schema name of every request received, in order."""
        with self.lock:
            return [schema_name(body) for body in self.requests]

    def reset(self) -> None:
        """Forget the requests received (the script stays)."""
        with self.lock:
            self.requests.clear()

    def start(self) -> FakeOpenAI:
        """Serve on a free port of 127.0.0.1 in a daemon thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    fake.authorization.append(self.headers.get("Authorization", ""))
                reply = fake.reply_for(body)
                with fake.lock:
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    if reply.delay:
                        time.sleep(reply.delay)
                finally:
                    with fake.lock:
                        fake.in_flight -= 1
                if reply.status != 200:
                    payload = reply.content or json.dumps(
                        {"error": {"message": f"scripted {reply.status}", "type": "scripted"}}
                    )
                    self._send(reply.status, payload.encode(), reply.headers)
                    return
                data = json.dumps(completion(body, reply)).encode()
                self._send(200, data, reply.headers, trickle=reply.trickle)

            def _send(
                self, status: int, data: bytes, headers: dict[str, str], trickle: float = 0.0
            ) -> None:
                padding = int(trickle / TRICKLE_INTERVAL)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(padding + len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    for _ in range(padding):
                        self.wfile.write(b" ")  # JSON allows leading whitespace
                        self.wfile.flush()
                        time.sleep(TRICKLE_INTERVAL)
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout tests)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """A chat.completion object carrying the reply (as a tool call when one is forced)."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    finish_reason = "stop"
    tool = forced_tool(body)
    if tool is not None:
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_0",
                    "type": "function",
                    "function": {"name": tool, "arguments": reply.content},
                }
            ],
        }
        finish_reason = "tool_calls"
    return {
        "id": f"chatcmpl-{int(time.time() * 1000)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }
