"""``microcred serve``: the VC API service and verifier page (the ``[server]`` extra)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

from ._common import EXIT_INVALID, EXIT_OK, CliError
from ._io import read_key

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``serve`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="run the VC API service and the verifier page (needs the [server] extra)",
        description="Serve POST /credentials/issue, /{suite}/credentials/issue, "
        "/credentials/verify, /presentations/verify and the verifier page at /. Binds to "
        "127.0.0.1 unless --host says otherwise. Without --key or --config, fresh did:key "
        "issuers (Ed25519, P-256, P-384) are made at start-up, the same in every worker. Logs "
        "are JSON lines on stderr. Exit status 0 when stopped (Ctrl-C, SIGTERM), 1 when a "
        "worker kept dying, 2 on a usage or configuration error.",
    )
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8080; 0: any)")
    parser.add_argument(
        "--key", action="append", default=[], metavar="KEY.json", help="issuer key (repeatable)"
    )
    parser.add_argument("--config", metavar="FILE", help="JSON configuration (docs/server.md)")
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="serve a JSON-LD context microcred does not ship from FILE (repeatable)",
    )
    parser.add_argument("--no-page", action="store_true", help="serve the API only")
    parser.add_argument(
        "--oid4vci",
        action="store_true",
        help="serve the OpenID4VCI issuer (docs/deliver-to-wallets.md): the configuration's "
        "oid4vci section, or by default the issuing key and the EU micro-credential as "
        "dc+sd-jwt, jwt_vc_json and ldp_vc",
    )
    parser.add_argument(
        "--oid4vp",
        action="store_true",
        help="serve the OpenID4VP verifier (docs/ask-a-wallet.md); without an oid4vp section "
        "in --config: a fresh key, a self-signed certificate for the host, one worker",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes sharing the listening socket (default: the number of cores)",
    )
    parser.add_argument(
        "--max-pending",
        type=int,
        default=None,
        metavar="N",
        help="requests one worker holds at once; more are answered 503 with Retry-After "
        "(default 512)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Start the service; returns when it is stopped."""
    try:
        from ..server import (
            DEFAULT_HOST,
            DEFAULT_MAX_PENDING,
            DEFAULT_PORT,
            ConfigError,
            ServerConfig,
            default_workers,
            load_config,
        )
        from ..server import serve as serve_forever
    except ImportError as exc:
        raise CliError(
            f"microcred serve needs the server extra: pip install 'microcred[server]' ({exc})"
        ) from None
    workers = default_workers() if args.workers is None else args.workers
    if workers < 1:
        raise CliError(f"--workers {workers}: needs at least 1")
    max_pending = DEFAULT_MAX_PENDING if args.max_pending is None else args.max_pending
    if max_pending < 1:
        raise CliError(f"--max-pending {max_pending}: needs at least 1")
    keys = [read_key(path) for path in args.key]
    try:
        if args.config:
            config = load_config(Path(args.config), extra_keys=keys)
        elif keys:
            config = ServerConfig.from_keys(keys)
        else:
            config = ServerConfig.ephemeral()
        extra = []
        for pair in args.context:
            url, sep, file = pair.partition("=")
            if not sep or not url or not file:
                raise CliError(f"--context {pair!r}: expected URL=FILE")
            extra.append((url, Path(file)))
        config = replace(
            config,
            page=config.page and not args.no_page,
            context_files=(*config.context_files, *extra),
        )
        config = _with_oid4vci(config, args.oid4vci)
        config.loader()  # fail now, not at the first request, on a bad context file
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    port = DEFAULT_PORT if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise CliError(f"--port {port} is not a port number")
    config, workers = _with_oid4vp(config, args.oid4vp, args.host or DEFAULT_HOST, port, workers)
    try:
        status = serve_forever(
            config,
            host=args.host or DEFAULT_HOST,
            port=port,
            workers=workers,
            max_pending=max_pending,
        )
    except OSError as exc:
        raise CliError(
            f"cannot listen on {args.host or DEFAULT_HOST}:{port}: {exc.strerror}"
        ) from None
    return EXIT_OK if status == 0 else EXIT_INVALID


def _with_oid4vci(config: Any, asked: bool) -> Any:
    """``config`` with the OpenID4VCI issuer on when ``asked`` (``--oid4vci``) or configured
    (its defaults without an ``oid4vci`` section), and a store every worker shares: without
    one configured, a SQLite file in a fresh private directory, removed at exit (the offers
    of a service without a store die with it)."""
    if not asked and config.oid4vci is None:
        return config
    import atexit
    import shutil
    import tempfile

    from ..server._oid4vci import Oid4vciSettings

    settings = config.oid4vci if config.oid4vci is not None else Oid4vciSettings()
    store = config.store
    if store is None:
        scratch = tempfile.mkdtemp(prefix="microcred-oid4vci-")
        atexit.register(shutil.rmtree, scratch, True)
        store = str(Path(scratch) / "state.sqlite3")
    return replace(config, oid4vci=settings, store=store)


def _with_oid4vp(config: Any, enabled: bool, host: str, port: int, workers: int) -> tuple[Any, int]:
    """With ``--oid4vp`` and no ``oid4vp`` section: ``config`` with an OpenID4VP verifier
    of its own at ``http://localhost:PORT`` (or the host given; its requests name that URL,
    so the port must be fixed), and the workers: one when the state is in this process
    (no store configured)."""
    if not enabled or config.oid4vp is not None:
        return config, workers
    from ..server import is_loopback
    from ..server._oid4vp import ephemeral_settings

    if port == 0:
        raise CliError("--oid4vp needs a fixed --port (the requests name the service's URL)")
    shown = "localhost" if is_loopback(host) else host
    config = replace(config, oid4vp=ephemeral_settings(f"http://{shown}:{port}"))
    return config, workers if config.store is not None else 1
