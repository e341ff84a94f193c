"""How the service runs: TCP_NODELAY on accepted connections, backpressure, where work runs,
and what every log line of a worker carries."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the [server] extra is not installed")

from starlette.requests import Request

from microcred.server import Backpressure, ServerConfig, bind, create_app
from microcred.server._http import (
    BODY_SIZE_KEY,
    INLINE_MAX_BYTES,
    JsonLogFormatter,
    run_cpu,
    set_log_fields,
)
from microcred.server._runtime import ACCEPT_BATCH, uvicorn_server, worker_socket


@contextlib.contextmanager
def _running(sock: socket.socket) -> Iterator[Any]:
    server = uvicorn_server(create_app(ServerConfig.ephemeral()))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.05)
        assert server.started
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def _accepted_nodelay(sock: socket.socket) -> list[int]:
    """TCP_NODELAY of the server's side of a kept-alive connection, read back from the socket
    the server accepted."""
    port = sock.getsockname()[1]
    with _running(sock) as server, socket.create_connection(("127.0.0.1", port), 20) as client:
        client.sendall(b"GET /issuers HTTP/1.1\r\nHost: x\r\n\r\n")
        assert client.recv(65536).startswith(b"HTTP/1.1 200")
        connections = list(server.server_state.connections)  # still open: kept alive
        assert connections
        return [
            protocol.transport.get_extra_info("socket").getsockopt(
                socket.IPPROTO_TCP, socket.TCP_NODELAY
            )
            for protocol in connections
        ]


def test_accepted_connections_have_tcp_nodelay_even_from_a_protocol_0_socket() -> None:
    # asyncio sets TCP_NODELAY only on sockets created with IPPROTO_TCP; the service's HTTP
    # protocol sets it on every connection whatever the listening socket says
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    plain.bind(("127.0.0.1", 0))
    plain.listen(8)
    assert all(value != 0 for value in _accepted_nodelay(plain))


def test_the_service_socket_is_tcp_and_its_connections_have_tcp_nodelay() -> None:
    sock = bind("127.0.0.1", 0)
    assert sock.proto == socket.IPPROTO_TCP
    assert all(value != 0 for value in _accepted_nodelay(sock))


# ------------------------------------------------------------------------ backpressure


class _Held:
    """An ASGI app whose requests wait until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.entered = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.entered += 1
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _call(app: Any) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({"type": "http", "method": "POST", "path": "/"}, receive, send)
    return sent


def test_a_full_worker_answers_503_with_retry_after_and_a_problem_at_once() -> None:
    async def scenario() -> None:
        held = _Held()
        app = Backpressure(held, max_pending=2)
        first = asyncio.create_task(_call(app))
        second = asyncio.create_task(_call(app))
        await asyncio.sleep(0)
        assert app.pending == 2
        refused = await asyncio.wait_for(_call(app), 5)  # not queued: answered now
        start, body = refused
        assert start["status"] == 503
        headers = {name: value for name, value in start["headers"]}
        assert headers[b"retry-after"] == b"1"
        assert headers[b"content-type"] == b"application/problem+json"
        assert headers[b"x-content-type-options"] == b"nosniff"
        problem = json.loads(body["body"])
        assert problem["status"] == 503
        assert problem["title"] == "Service overloaded"
        assert int(headers[b"content-length"]) == len(body["body"])
        assert held.entered == 2  # the refused request never reached the app
        held.release.set()
        for done in await asyncio.gather(first, second):
            assert done[0]["status"] == 200
        assert app.pending == 0
        assert (await _call(app))[0]["status"] == 200  # room again

    asyncio.run(scenario())


def test_a_request_that_fails_frees_its_place() -> None:
    async def failing(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    async def scenario() -> None:
        app = Backpressure(failing, max_pending=1)
        for _ in range(3):
            with pytest.raises(RuntimeError):
                await _call(app)
        assert app.pending == 0

    asyncio.run(scenario())


def test_max_pending_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Backpressure(_Held(), max_pending=0)


# ------------------------------------------------------------------- where work runs


@pytest.mark.parametrize(
    ("size", "inline"), [(0, True), (INLINE_MAX_BYTES, True), (INLINE_MAX_BYTES + 1, False)]
)
def test_small_bodies_are_handled_on_the_event_loop_large_ones_in_a_thread(
    size: int, inline: bool
) -> None:
    async def scenario() -> bool:
        request = Request({"type": "http", BODY_SIZE_KEY: size})
        loop_thread = threading.get_ident()
        ran_in = await run_cpu(request, threading.get_ident)
        return ran_in == loop_thread

    assert asyncio.run(scenario()) is inline


# ------------------------------------------------------------------------------ logs


def test_a_workers_log_lines_name_the_worker() -> None:
    record = logging.LogRecord("microcred.server", logging.INFO, "", 0, "request", (), None)
    try:
        set_log_fields(worker=1, pid=4242)
        entry = json.loads(JsonLogFormatter().format(record))
        assert (entry["event"], entry["worker"], entry["pid"]) == ("request", 1, 4242)
    finally:
        set_log_fields()
    assert "worker" not in json.loads(JsonLogFormatter().format(record))


def test_a_worker_accepts_in_small_batches_and_leaves_the_shared_queue_alone() -> None:
    sock = bind("127.0.0.1", 0)
    try:
        mine = worker_socket(sock)
        assert (mine.family, mine.proto) == (sock.family, socket.IPPROTO_TCP)
        assert mine.getsockname() == sock.getsockname()  # the same socket, another descriptor
        mine.listen(1)  # what asyncio does with its accept batch: the shared queue stays
        server = uvicorn_server(create_app(ServerConfig.ephemeral()))
        assert server.config.backlog == ACCEPT_BATCH
        with socket.create_connection(sock.getsockname(), 20):
            accepted, _ = mine.accept()
            accepted.close()
        mine.close()
        with socket.create_connection(sock.getsockname(), 20):  # the parent's still listens
            accepted, _ = sock.accept()
            accepted.close()
    finally:
        sock.close()


def test_work_without_a_read_body_goes_to_a_thread() -> None:
    async def scenario() -> tuple[bool, bool]:
        loop_thread = threading.get_ident()
        unread = Request({"type": "http"})  # no size recorded: read_body never ran
        return (
            await run_cpu(None, threading.get_ident) == loop_thread,
            await run_cpu(unread, threading.get_ident) == loop_thread,
        )

    assert asyncio.run(scenario()) == (False, False)
