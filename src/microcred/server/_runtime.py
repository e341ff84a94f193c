"""Running the service: uvicorn with ``TCP_NODELAY``, bounded concurrency, and worker processes.

- Every accepted connection gets ``TCP_NODELAY``: uvicorn writes a response's headers and body
  in two sends, and with Nagle's algorithm on, the second waits for the client's delayed ACK
  (about 40 ms on Linux) on every kept-alive request.
- :class:`Backpressure` bounds the requests one worker holds at once; past the bound a request
  is answered at once with ``503``, ``Retry-After`` and a problem object, so that an overloaded
  service says so instead of letting every request wait longer and longer.
- :func:`run_workers` binds once in the parent, forks ``N`` workers that serve the same
  listening socket, restarts a worker that dies, and stops them all on ``SIGINT``/``SIGTERM``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from ._http import SECURITY_HEADERS, log, set_log_fields

__all__ = [
    "DEFAULT_MAX_PENDING",
    "Backpressure",
    "default_workers",
    "nodelay_protocol",
    "run_workers",
    "uvicorn_server",
]

#: Requests one worker holds at once (being read, waiting, being answered) before it answers
#: ``503``. At about 1 ms per verification, a full queue is about half a second of work.
DEFAULT_MAX_PENDING = 512

#: Connections a worker accepts at each turn of its event loop (asyncio's default is the
#: listen backlog, so that one worker woken by a burst would take every connection in the
#: queue while the others stay idle; a small batch leaves the rest to whichever worker is
#: free).
ACCEPT_BATCH = 16

#: ``Retry-After`` of a ``503`` (seconds).
RETRY_AFTER_SECONDS = 1

#: A worker that dies more than this many times within :data:`RESTART_WINDOW_SECONDS` stops
#: the service (exit status 1) instead of being restarted again.
MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 60.0

#: How long workers get to finish their requests after ``SIGTERM`` before they are killed.
STOP_TIMEOUT_SECONDS = 30.0


def default_workers() -> int:
    """The default number of worker processes: the number of cores (``os.cpu_count()``)."""
    return os.cpu_count() or 1


def set_nodelay(sock: Any) -> None:
    """Turn Nagle's algorithm off on a TCP socket (anything else is left alone)."""
    if sock is None or getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
        return
    with contextlib.suppress(OSError):  # a socket closed meanwhile: nothing to tune
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def nodelay_protocol() -> type[asyncio.Protocol]:
    """uvicorn's HTTP/1.1 protocol (httptools when installed, else h11) with ``TCP_NODELAY``
    set on the accepted socket as each connection is made."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    base: Any = AutoHTTPProtocol

    class NoDelayProtocol(base):  # type: ignore[misc]
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            set_nodelay(transport.get_extra_info("socket"))
            super().connection_made(transport)

    NoDelayProtocol.__name__ = NoDelayProtocol.__qualname__ = f"NoDelay{base.__name__}"
    return NoDelayProtocol


class Backpressure:
    """ASGI middleware: at most ``max_pending`` HTTP requests inside ``app`` at once.

    One more is answered at once, without reading its body, with ``503``, ``Retry-After`` and
    an RFC 9457 problem object (``title`` ``"Service overloaded"``); nothing waits in an
    unbounded queue and nothing times out. Refusals are logged as one ``overloaded`` warning
    per second at most, with the number refused since the last one.
    """

    def __init__(self, app: ASGIApp, max_pending: int = DEFAULT_MAX_PENDING) -> None:
        if max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        self.app = app
        self.max_pending = max_pending
        self.pending = 0
        self._refused = 0
        self._logged = 0.0
        body = {
            "type": "about:blank",
            "title": "Service overloaded",
            "status": 503,
            "detail": f"more than {max_pending} requests are in progress; retry after "
            f"{RETRY_AFTER_SECONDS} s",
        }
        self._body = json.dumps(body).encode()
        self._headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(self._body)).encode()),
            (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
            *((name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.pending >= self.max_pending:
            await self._refuse(send)
            return
        self.pending += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.pending -= 1

    async def _refuse(self, send: Send) -> None:
        self._refused += 1
        now = time.monotonic()
        if now - self._logged >= 1.0:
            log("overloaded", logging.WARNING, refused=self._refused, max_pending=self.max_pending)
            self._logged, self._refused = now, 0
        await send({"type": "http.response.start", "status": 503, "headers": self._headers})
        await send({"type": "http.response.body", "body": self._body})


class _Listening(socket.socket):
    """The shared listening socket as one worker sees it: asyncio calls ``listen(backlog)``
    with its accept batch when it starts serving, which must not shrink the kernel's queue
    that every worker shares (set once by the parent)."""

    def listen(self, backlog: int = 0, /) -> None:
        """Already listening: nothing to change."""


def worker_socket(sock: socket.socket) -> socket.socket:
    """A worker's handle on the listening socket ``sock`` (a duplicate descriptor of the same
    socket whose ``listen`` leaves the backlog alone)."""
    return _Listening(sock.family, sock.type, sock.proto, fileno=os.dup(sock.fileno()))


def uvicorn_server(app: ASGIApp, *, max_pending: int = DEFAULT_MAX_PENDING) -> Any:
    """A ``uvicorn.Server`` for ``app`` as ``microcred serve`` runs it: ``TCP_NODELAY`` on
    every connection, :class:`Backpressure` at ``max_pending``, at most
    :data:`ACCEPT_BATCH` connections accepted per turn of the loop (serve it a socket from
    :func:`worker_socket`), the access log off (the service logs its own lines), no
    ``Server`` header, no lifespan."""
    import uvicorn

    return uvicorn.Server(
        uvicorn.Config(
            Backpressure(app, max_pending),
            http=nodelay_protocol(),
            # asyncio's loop, even when uvloop is installed: uvloop calls listen() on the shared
            # socket with uvicorn's backlog (16 here, the accept batch), which shrinks the
            # listen queue of every worker; at c=256 connections then time out
            loop="asyncio",
            log_config=None,
            access_log=False,
            server_header=False,
            lifespan="off",
            backlog=ACCEPT_BATCH,
        )
    )


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class _Stopped(BaseException):
    """Raised by the signal handler that is in force outside uvicorn's own."""


def _raise_stopped(signum: int, _frame: Any) -> None:
    raise _Stopped(signum)


def _serve_socket(make_app: Callable[[], ASGIApp], sock: socket.socket, max_pending: int) -> None:
    """Serve until ``SIGINT``/``SIGTERM``, then return. uvicorn handles the signal (finishing
    the requests in hand) and raises it again once it has shut down; the handler in force
    around it turns that into a return, as it does a signal that comes before uvicorn's."""
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server = uvicorn_server(make_app(), max_pending=max_pending)
        listening = worker_socket(sock)
        # What start-up made (the library, contexts, keys) lives as long as the process: out
        # of the collector's sight, full collections stay short and forked pages shared.
        gc.freeze()
        server.run(sockets=[listening])
    except _Stopped:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _worker_main(
    index: int, make_app: Callable[[], ASGIApp], sock: socket.socket, max_pending: int
) -> int:
    """The body of a forked worker; returns its exit status."""
    set_log_fields(worker=index, pid=os.getpid())
    try:
        _serve_socket(make_app, sock, max_pending)
    except _Stopped:
        return 0
    except Exception as exc:  # reported; the worker exits non-zero
        log("worker failed", logging.ERROR, error=type(exc).__name__)
        return 1
    return 0


def _exit_description(status: int) -> dict[str, Any]:
    if os.WIFSIGNALED(status):
        return {"signal": signal.Signals(os.WTERMSIG(status)).name}
    return {"exit_code": os.waitstatus_to_exitcode(status)}


def run_workers(
    make_app: Callable[[], ASGIApp],
    sock: socket.socket,
    workers: int,
    *,
    max_pending: int = DEFAULT_MAX_PENDING,
    on_start: Callable[[int], None] | None = None,
) -> int:
    """Serve ``sock`` with ``workers`` processes; returns the exit status (0: stopped by
    ``SIGINT``/``SIGTERM``; 1: a worker kept dying).

    With one worker (or where ``os.fork`` is missing) the service runs in this process.
    Otherwise each worker is forked from this process, so whatever was made before the call
    (keys generated at start-up, the loaded configuration) is the same in every worker, and
    each calls ``make_app`` and serves the shared listening socket. A worker that dies is
    logged (``worker exited``, with its index, pid and exit code or signal) and started again;
    one that dies more than :data:`MAX_RESTARTS` times in :data:`RESTART_WINDOW_SECONDS`
    stops the service with status 1. ``SIGINT`` or ``SIGTERM`` sends ``SIGTERM`` to every
    worker, which finishes the requests it holds; a worker still running after
    :data:`STOP_TIMEOUT_SECONDS` is killed. ``on_start(index)`` runs in each worker first.
    """
    if workers <= 1 or not hasattr(os, "fork"):
        set_log_fields(worker=0, pid=os.getpid())
        if on_start is not None:
            on_start(0)
        _serve_socket(make_app, sock, max_pending)
        return 0

    children: dict[int, int] = {}  # pid -> worker index
    stopping = False
    deaths: list[float] = []

    def start(index: int) -> None:
        # Signals wait while forking: the child must never run the parent's handler, and the
        # parent must know the child's pid before it can be told to stop.
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            status = 1
            for sig in _STOP_SIGNALS:
                signal.signal(sig, _raise_stopped)
            set_log_fields(worker=index, pid=os.getpid())
            try:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
                if on_start is not None:
                    on_start(index)
                status = _worker_main(index, make_app, sock, max_pending)
            except _Stopped:
                status = 0
            finally:
                logging.shutdown()
                os._exit(status)
        children[pid] = index
        log("worker started", worker=index, pid=pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in _STOP_SIGNALS}
    status = 0
    try:
        for index in range(workers):
            if not stopping:
                start(index)
        deadline: float | None = None
        while children:
            if stopping and deadline is None:
                deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
            if deadline is not None and time.monotonic() > deadline:
                for pid in list(children):
                    log("worker killed", logging.ERROR, worker=children[pid], pid=pid)
                    os.kill(pid, signal.SIGKILL)
                deadline = float("inf")
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                time.sleep(0.05)
                continue
            index = children.pop(pid, -1)
            if index < 0:
                continue
            if stopping:
                log("worker stopped", worker=index, pid=pid, **_exit_description(wait_status))
                continue
            log(
                "worker exited",
                logging.ERROR,
                worker=index,
                pid=pid,
                **_exit_description(wait_status),
            )
            now = time.monotonic()
            deaths[:] = [t for t in deaths if now - t < RESTART_WINDOW_SECONDS] + [now]
            if len(deaths) > MAX_RESTARTS:
                log(
                    "workers keep dying",
                    logging.ERROR,
                    deaths=len(deaths),
                    window_s=RESTART_WINDOW_SECONDS,
                )
                status = 1
                stop(signal.SIGTERM, None)
                continue
            if not stopping:
                start(index)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
