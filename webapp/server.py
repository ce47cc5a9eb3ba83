"""Waitress, configured so that slow or idle clients cannot lock others out.

Waitress reads requests on one asynchronous loop and hands only complete
requests to its worker threads, so a slow client costs a connection, not a
thread. Out of the box two limits still let about 100 slow clients starve
everyone (measured: 150 clients trickling header bytes on loopback made
normal requests time out):

* ``connection_limit`` (default 100): when that many connections are open
  the server stops accepting, and new clients wait in the backlog;
* ``channel_timeout`` counts inactivity only, so a client that sends one
  header byte every few seconds is never closed.

Here the connection limit is raised (with poll() instead of select(), which
stops at 1024 descriptors) and a request must arrive whole within
``header_timeout`` seconds of its first byte (`GuardedChannel`), whatever
its pace: a slow client then holds a connection for a bounded time, and the
limit bounds how many it can hold at once. Per-address limits belong to the
reverse proxy in front (docs/deployment.md).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from types import MethodType

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server


M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


def limit_malloc_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas for this process; True when it took effect.

    glibc gives each thread that allocates under contention an arena of its
    own (up to 8 per core) and keeps what a request freed in that arena for
    the next; a server's 8 threads, each allocating the arrays of a search,
    so held memory that no thread was using. Measured at 100k generated items
    under bench.run's HTTP load (8 clients, one process): peak 269 → 247 MB
    and resident 268 → 238 MB with 2 arenas, throughput and p95 unchanged
    (232 → 242 req/s, 64 → 62 ms). Call before the server's threads start; a
    C library other than glibc has no such call, and nothing changes."""
    if arenas <= 0:
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


def _cores() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


@dataclass(frozen=True)
class ServerLimits:
    threads: int = 8
    # requests computing at once (`ComputeGate`); the rest wait their turn. 0 = no gate.
    computing: int = field(default_factory=_cores)
    connection_limit: int = 1000  # open connections; slow clients each hold one
    header_timeout: float = 10.0  # seconds from a request's first byte to its last
    channel_timeout: float = 60.0  # an idle keep-alive connection is closed after this
    cleanup_interval: float = 1.0  # how often both timeouts are checked
    backlog: int = 1024
    max_request_header_size: int = 32 * 1024
    max_request_body_size: int = 64 * 1024  # nothing here accepts a request body
    malloc_arenas: int = 2  # glibc malloc arenas (`limit_malloc_arenas`); 0 = glibc's default

    def adjustments(self) -> dict[str, object]:
        """Waitress's own settings (all but the header deadline, which is ours)."""
        return {
            "threads": self.threads,
            "connection_limit": self.connection_limit,
            "channel_timeout": self.channel_timeout,
            "cleanup_interval": self.cleanup_interval,
            "backlog": self.backlog,
            "max_request_header_size": self.max_request_header_size,
            "max_request_body_size": self.max_request_body_size,
            "asyncore_use_poll": True,
        }


class GuardedChannel(HTTPChannel):
    """A waitress channel that remembers when its unfinished request began."""

    request_started: float | None = None

    def received(self, data: bytes) -> bool:
        if data and self.request is None and self.request_started is None:
            self.request_started = time.monotonic()
        result = super().received(data)
        if self.request is None:  # everything received so far formed whole requests
            self.request_started = None
        return result


def close_slow_requests(server: BaseWSGIServer, header_timeout: float) -> int:
    """Close the connections whose request has been arriving for too long."""
    cutoff = time.monotonic() - header_timeout
    closed = 0
    for channel in list(server.active_channels.values()):
        started = getattr(channel, "request_started", None)
        if started is not None and started < cutoff and not channel.requests:
            channel.will_close = True
            closed += 1
    return closed


class ComputeGate:
    """WSGI middleware: at most `limit` requests run the application at once;
    the others wait (in waitress's worker threads) for their turn.

    Why: a search is CPU work in Python (record decompression, JSON, snippets)
    under one GIL, and more threads computing than cores made every request
    slower for all. Measured on this 2-core machine, 8 clients against one
    process over the 1,000-item benchmark index, alternating runs of 15-20 s
    under the same background load: waitress with 8 threads served 76-104
    req/s (p95 178-238 ms); with 2 threads 163-338 req/s (p95 56-140 ms);
    4 threads 69-92 req/s. A shorter GIL switch interval (0.5 ms) changed
    nothing. Fewer threads would do the same, but a thread also waits for a
    slow client to take a streamed export or a large page, so the server
    keeps its 8 threads and gates only the computing: a response body that
    streams (CSV, JSON Lines) is produced after the gate is left."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.gate = threading.BoundedSemaphore(limit)

    def __call__(self, environ, start_response):
        with self.gate:
            return self.app(environ, start_response)


def make_server(app, host: str, port: int, limits: ServerLimits | None = None) -> BaseWSGIServer:
    """A waitress server for `app` with the limits above (not yet running)."""
    limits = limits or ServerLimits()
    if limits.computing > 0:
        app = ComputeGate(app, limits.computing)
    server = create_server(app, host=host, port=port, **limits.adjustments())
    server.channel_class = GuardedChannel
    idle_maintenance = server.maintenance

    def maintenance(self, now: float) -> None:
        idle_maintenance(now)
        close_slow_requests(self, limits.header_timeout)

    server.maintenance = MethodType(maintenance, server)
    return server
