"""How much a failing LangSmith backend adds to a demo run (issue 19.5), all on 127.0.0.1.

Each case runs the demo graph in a fresh process with LangSmith tracing on and a wrong key,
LANGSMITH_ENDPOINT pointing at a local listener that refuses (403), a closed port, or a
listener that accepts and never answers; the baseline has tracing off. The time measured runs
from just before `ainvoke` to the end of the process (so the exit-time flush of the trace
queue counts), median of `--repeat` runs. No traffic leaves this machine.

    .venv/bin/python benchmarks/tracing_backend.py --repeat 3
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHILD = """
import asyncio, sys, time
from gaai_graph.graph import graph
started = time.time()
print(f"STARTED {started}", flush=True)
asyncio.run(graph.ainvoke({}))
"""


class _Refuse(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        """Refuse every request as a backend refusing the key would."""
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        body = b'{"detail":"Invalid token"}'
        self.send_response(403)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PATCH = do_POST  # noqa: N815

    def log_message(self, *args: object) -> None:
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(endpoint: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGSMITH_", "LANGCHAIN_"))}
    if endpoint:
        env.update(
            LANGSMITH_TRACING="true", LANGSMITH_API_KEY="lsv2_wrong", LANGSMITH_ENDPOINT=endpoint
        )
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = process.communicate(timeout=300)
    ended = time.time()
    assert process.returncode == 0, err.decode()
    marker = next(line for line in out.decode().splitlines() if line.startswith("STARTED"))
    started = float(marker.split()[1])
    warnings = err.decode().count("LangSmith tracing failed")
    print(f"    {endpoint or 'tracing off'}: {ended - started:.2f} s, {warnings} warning line(s)")
    return ended - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    refusing = ThreadingHTTPServer(("127.0.0.1", 0), _Refuse)
    threading.Thread(target=refusing.serve_forever, daemon=True).start()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # accepts connections, never reads or answers
    cases = {
        "off": None,
        "refusing (403)": f"http://127.0.0.1:{refusing.server_address[1]}",
        "closed port": f"http://127.0.0.1:{_free_port()}",
        "never answers": f"http://127.0.0.1:{silent.getsockname()[1]}",
    }
    medians: dict[str, float] = {}
    for name, endpoint in cases.items():
        print(name)
        medians[name] = statistics.median(_run(endpoint) for _ in range(args.repeat))
    for name, median in medians.items():
        print(f"{name:>16}: median {median:.2f} s, +{median - medians['off']:.2f} s vs off")
    refusing.shutdown()
    silent.close()


if __name__ == "__main__":
    main()
