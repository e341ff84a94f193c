"""The server tests' helpers: the service in a thread (``serving``), for the browser tests.
The PostgreSQL fixtures are the root ``conftest.py``'s (``tests/_postgres.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import socket

    from microcred.server import ServerConfig


@contextmanager
def serving(config: ServerConfig, *, sock: socket.socket | None = None) -> Iterator[str]:
    """The service for ``config`` on a free loopback port (or the bound ``sock``: a service
    whose configuration names its own URL), in a thread; its base URL (the browser tests'
    server)."""
    import threading
    import time

    import uvicorn

    from microcred.server import bind, create_app

    sock = sock or bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), log_config=None, lifespan="off", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
