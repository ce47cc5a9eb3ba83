"""A bounded HTTP load client for loopback servers, and a server launcher.

Used by `make bench` (8 clients, 30 s on /api/search) and `make soak`
(16 clients, mixed pages, plus slow clients that trickle header bytes).
Requests go only to 127.0.0.1, the loops are bounded in time, and each
client keeps one keep-alive connection.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK = "127.0.0.1"


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return percentile(self.latencies, q)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(0.95)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0 < q < 1) of the timings, interpolated between the
    two nearest (statistics.quantiles, "inclusive": the sample is the whole
    population of calls); the one timing for a single call, NaN for none."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[min(98, max(0, round(q * 100) - 1))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str = "/api/search?q=", timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(LOOPBACK, port, timeout=2)
            connection.request("GET", path)
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer within {timeout:.0f} s")


def start_server(args: list[str], port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a server; its output goes to a log file (an unread pipe would
    fill up and stall the server mid-run)."""
    log = Path(tempfile.gettempdir()) / f"raadsarkiv-server-{port}.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, *args, "--host", LOOPBACK, "--port", str(port)],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    process.log_path = log  # type: ignore[attr-defined]
    try:
        wait_for(port)
    except RuntimeError:
        process.kill()
        raise
    return process


def rss_kib(pid: int, key: str = "VmRSS") -> int | None:
    """Resident (VmRSS) or peak resident (VmHWM) memory of a process, KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def run_load(port: int, paths: list[str], clients: int, seconds: float) -> LoadResult:
    """`clients` threads each cycle through `paths` until `seconds` have passed."""
    result = LoadResult()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
        index = offset
        local_latencies: list[float] = []
        local_requests = local_errors = 0
        samples: list[str] = []
        while time.monotonic() < stop_at:
            path = paths[index % len(paths)]
            index += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status < 500
                if not ok and len(samples) < 5:
                    samples.append(f"{response.status} {path}")
            except (OSError, http.client.HTTPException) as error:
                ok = False
                if len(samples) < 5:
                    samples.append(f"{type(error).__name__} {path}")
                connection.close()
                connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
            local_latencies.append(time.perf_counter() - started)
            local_requests += 1
            local_errors += 0 if ok else 1
        connection.close()
        with lock:
            result.latencies.extend(local_latencies)
            result.requests += local_requests
            result.errors += local_errors
            result.error_samples.extend(samples)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i * 7,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    result.seconds = time.monotonic() - started
    return result


@dataclass
class SlowResult:
    opened: int = 0  # connections the slow clients opened (a new one each time the server closed one)
    closed_by_server: int = 0
    peak: int = 0  # most slow connections open at once


def run_slow_clients(port: int, clients: int, seconds: float, stop: threading.Event | None = None,
                     interval: float = 1.0) -> SlowResult:
    """`clients` connections that each send the start of a request and then one
    header byte per `interval`, never finishing it; a connection the server
    closes is replaced. Bounded by `seconds` (or `stop`), loopback only."""
    result = SlowResult()
    stop = stop or threading.Event()
    stop_at = time.monotonic() + seconds
    sockets: list[socket.socket] = []

    def connect() -> None:
        try:
            sock = socket.create_connection((LOOPBACK, port), timeout=5)
            sock.sendall(b"GET /soeg?q=tilsyn HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        except OSError:
            return
        sockets.append(sock)
        result.opened += 1

    try:
        while time.monotonic() < stop_at and not stop.is_set():
            while len(sockets) < clients and time.monotonic() < stop_at:
                connect()
            result.peak = max(result.peak, len(sockets))
            for sock in list(sockets):
                try:
                    sock.sendall(b"X")
                except OSError:
                    sockets.remove(sock)
                    sock.close()
                    result.closed_by_server += 1
            stop.wait(interval)
    finally:
        for sock in sockets:
            sock.close()
    return result
