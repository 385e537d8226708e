"""Throughput of the HTTP API for single-candidate scoring, the server held to one core.

`paritrana-rules serve` runs in a subprocess pinned to CPU 0; the client, pinned
to CPU 1, sends one village candidate per request (JSON in, JSON out, as a
portal does when a form is submitted) over kept-alive connections from a few
threads, after a warm-up. Every answer is checked against the first (the same
candidate gives the same bytes). Prints requests per second and the median and
95th-percentile latency.

    .venv/bin/python benchmarks/serve.py [--requests 2000] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import yaml

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = "2024/pemerintah-desa.rubric"
EXAMPLES = ROOT / "examples/2024/pemerintah-desa.yaml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    tool = Path(sys.executable).with_name("paritrana-rules")
    server = subprocess.Popen(["taskset", "-c", "0", str(tool), "serve", "rubrics", "--port", str(port)], cwd=ROOT,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=1).raise_for_status()
            return server
        except httpx2.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def one_candidate() -> bytes:
    candidate = {k: v for k, v in yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))["candidates"][0].items()
                 if k != "expect"}
    return json.dumps({"candidates": [candidate]}).encode()


def run(port: int, requests: int, clients: int) -> tuple[float, list[float]]:
    url = f"http://127.0.0.1:{port}/api/rubrics/{RUBRIC}/score"
    body = one_candidate()
    expected = httpx2.post(url, content=body).content
    latencies: list[float] = []
    lock = threading.Lock()

    def client(count: int) -> None:
        with httpx2.Client() as session:
            for _ in range(20):  # warm-up: the rubric compiled, connections open
                session.post(url, content=body)
            mine = []
            for _ in range(count):
                start = time.perf_counter()
                answer = session.post(url, content=body)
                mine.append(time.perf_counter() - start)
                if answer.status_code != 200 or answer.content != expected:
                    raise SystemExit(f"a wrong answer: {answer.status_code} {answer.text[:200]}")
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(requests // clients,)) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})
    port = free_port()
    server = start_server(port)
    try:
        seconds, latencies = run(port, args.requests, args.clients)
    finally:
        server.terminate()
        server.wait(timeout=10)
    ordered = sorted(latencies)
    print(f"{len(latencies):,} single-candidate score requests ({RUBRIC}), {args.clients} clients, server on one "
          f"core: {len(latencies) / seconds:,.0f} requests/s; latency median {statistics.median(ordered) * 1000:.1f} "
          f"ms, 95th percentile {ordered[int(len(ordered) * 0.95)] * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
