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

__all__ = [
    "ConfigError",
    "IssuerRoute",
    "ServerConfig",
    "StatusSettings",
    "bind",
    "create_app",
    "is_loopback",
    "load_config",
    "routes_for_keys",
    "serve",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


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
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(config: ServerConfig, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Run the service until interrupted. Binds to loopback unless ``host`` says otherwise;
    logs one JSON line per event on stderr, starting with ``listening`` (its ``url`` has the
    real port when ``port`` is 0)."""
    import uvicorn

    configure_logging()
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    if not is_loopback(host):
        log("not loopback", logging.WARNING, host=host, note="reachable from other machines")
    if config.ephemeral_keys:
        log("ephemeral keys", logging.WARNING, note="issuer DIDs change at every start")
    log(
        "listening",
        url=f"http://{shown}:{actual}",
        issuers=[route.describe() for route in config.issuers],
        max_request_bytes=config.max_request_bytes,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config),
            log_config=None,
            access_log=False,
            server_header=False,
            lifespan="off",
        )
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        log("stopped")
