"""``microcred serve``: a VC API service (issue, derive, verify) and a verifier page, on Starlette.

This is the optional ``[server]`` extra: ``pip install 'microcred[server]'``.

>>> from microcred.server import ServerConfig, create_app
>>> app = create_app(ServerConfig.ephemeral())
>>> sorted({r.path for r in app.routes})[:4]
['/', '/credentials/derive', '/credentials/issue', '/credentials/verify']

Offline as the library: contexts come from the package, verification methods resolve from
did:key/did:jwk or the configured controller documents, nothing is fetched. Requests over
``ServerConfig.max_request_bytes`` get 413; every error is an RFC 9457 problem object.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import sys
from typing import TextIO

from ._app import create_app
from ._config import (
    ConfigError,
    IssuerRoute,
    ServerConfig,
    StatusSettings,
    load_config,
    routes_for_keys,
)
from ._http import JsonLogFormatter, log
from ._runtime import DEFAULT_MAX_PENDING, Backpressure, default_workers, run_workers

__all__ = [
    "DEFAULT_MAX_PENDING",
    "Backpressure",
    "ConfigError",
    "IssuerRoute",
    "ServerConfig",
    "StatusSettings",
    "bind",
    "create_app",
    "default_workers",
    "is_loopback",
    "load_config",
    "routes_for_keys",
    "serve",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
#: Connections the kernel queues before they are accepted (capped by ``somaxconn``).
LISTEN_BACKLOG = 2048


def is_loopback(host: str) -> bool:
    """Whether ``host`` names a loopback address only (``127.0.0.0/8``, ``::1``,
    ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def configure_logging(stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """JSON lines on ``stream`` (default stderr) for the service's and uvicorn's loggers."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    for name in ("microcred.server", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True


def bind(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (port 0: any free port).

    Raises:
        OSError: the address cannot be bound (in use, not local, ...).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP rather than 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP
    # (the protocol of ``serve`` sets it on every connection in any case).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(LISTEN_BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _trust_sources(config: ServerConfig) -> dict[str, object]:
    """What the service confirms issuers by, for the ``listening`` log line: the trust list's
    name, its number of entries, and each registry's name and size (never the entries)."""
    listed = config.trusted_issuers
    return {
        "trusted_issuers": None
        if listed is None
        else {
            "name": getattr(listed, "name", None),
            "entries": len(getattr(listed, "issuers", {})) + len(getattr(listed, "domains", {})),
        },
        "registries": [
            {"name": getattr(r, "name", None), "entries": len(getattr(r, "issuers", {}))}
            for r in config.registries
        ],
    }


def serve(
    config: ServerConfig,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int = 1,
    max_pending: int = DEFAULT_MAX_PENDING,
) -> int:
    """Run the service until interrupted; returns the exit status (0 when stopped by
    ``SIGINT``/``SIGTERM``, 1 when a worker kept dying).

    Binds to loopback unless ``host`` says otherwise, once, and serves the socket with
    ``workers`` processes (see :func:`microcred.server._runtime.run_workers`; the
    configuration, its keys included, is made before they start, so every worker has the
    same), each holding at most ``max_pending`` requests at once (more get ``503``, see
    :class:`Backpressure`). Logs one JSON line per event on stderr, starting with
    ``listening`` (its ``url`` has the real port when ``port`` is 0; ``trust`` names the trust
    list and registries the service confirms issuers by); a worker's lines carry
    its ``worker`` index and ``pid``.

    Raises:
        OSError: the address cannot be bound.
        ValueError: ``workers`` or ``max_pending`` is below 1.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if max_pending < 1:
        raise ValueError("max_pending must be at least 1")
    configure_logging()
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    if not is_loopback(host):
        log("not loopback", logging.WARNING, host=host, note="reachable from other machines")
    if config.ephemeral_keys:
        log("ephemeral keys", logging.WARNING, note="issuer DIDs change at every start")
    if workers > 1 and not hasattr(os, "fork"):
        log("one worker", logging.WARNING, note="this platform cannot fork worker processes")
        workers = 1
    log(
        "listening",
        url=f"http://{shown}:{actual}",
        issuers=[route.describe() for route in config.issuers],
        max_request_bytes=config.max_request_bytes,
        trust=_trust_sources(config),
        workers=workers,
        max_pending=max_pending,
    )

    def announce(index: int) -> None:
        log("worker ready", issuers=sorted({route.key.did for route in config.issuers}))

    try:
        return run_workers(
            lambda: create_app(config),
            sock,
            workers,
            max_pending=max_pending,
            on_start=announce,
        )
    finally:
        sock.close()
        log("stopped")
