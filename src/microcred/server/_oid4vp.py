"""The OpenID4VP verifier of ``microcred serve`` (``--oid4vp``, the ``oid4vp`` section of
the configuration): the relying party creates a request and reads its result, the wallet
fetches the Request Object and posts its response. See ``docs/ask-a-wallet.md``.

Routes:

- ``POST /oid4vp/requests`` (the relying party; from loopback without a token, else with
  ``Authorization: Bearer <admin token>``): ``{"dcql_query": ..., "response_mode": ...}``
  (both optional: the default asks for an EU micro-credential's title, ECTS and issuer);
  answers 201 with the request's ``id``, ``uri`` (``openid4vp://``), ``result_uri`` and a QR
  code (``qr_svg``, a ``data:`` URL).
- ``GET /oid4vp/requests/{id}``: the signed Request Object (``x509_san_dns``).
- ``POST /oid4vp/response``: the wallet's response (``direct_post``, ``direct_post.jwt``).
- ``GET /oid4vp/requests/{id}/result``: the result (``pending`` until the wallet answers);
  the request's id is the capability (128 random bits).
- ``POST /verifier/wallet-request`` (with the verifier page): a request with the default
  query, for the page's "request from a wallet" mode (``GET /verifier/wallet`` tells the
  page the mode is on).

A configured ``webhook`` URL gets the result as JSON (``POST``, in the background, 5 s
timeout) once a response has been processed; nothing else is ever sent out.

Every protocol error is ``{"error", "error_description"}`` with its status, never a 500.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .._store import StoreError
from ..errors import OAuthError
from ..keys import KeyPair
from ..oid4vp import MICRO_CREDENTIAL_QUERY, Verifier, VerifierConfig
from ._http import ApiError, json_body, log, read_body

if TYPE_CHECKING:
    from ._app import Service

__all__ = [
    "DEFAULT_QUERY",
    "Oid4vpSettings",
    "ephemeral_settings",
    "oid4vp_routes",
    "parse_section",
]

#: What the page (and a request without ``dcql_query``) asks for: an EU micro-credential,
#: disclosing its title, ECTS credits and issuer.
DEFAULT_QUERY = MICRO_CREDENTIAL_QUERY
#: Requests the page may create per client address and minute (one process), so that the
#: public page cannot be used to fill the store.
PAGE_REQUESTS_PER_MINUTE = 20
#: The addresses it keeps count of at most (the oldest are forgotten).
PAGE_CLIENTS = 4096
#: The shortest admin token accepted (as the status token).
MIN_ADMIN_TOKEN = 16
#: The largest relying-party request body (a DCQL query is small).
MAX_CREATE_BYTES = 32 * 1024
WEBHOOK_TIMEOUT = 5.0


@dataclass(frozen=True)
class Oid4vpSettings:
    """The verifier's configuration in the service.

    Attributes:
        verifier: the :class:`~microcred.oid4vp.VerifierConfig`.
        admin_token: what ``POST /oid4vp/requests`` needs from outside loopback (``None``:
            loopback only).
        webhook: the URL results are posted to, if any.
        ephemeral: the key and certificate were made at start-up.
    """

    verifier: VerifierConfig
    admin_token: str | None = field(default=None, repr=False)
    webhook: str | None = None
    ephemeral: bool = False


def ephemeral_settings(base_url: str) -> Oid4vpSettings:
    """Settings for ``serve --oid4vp`` without an ``oid4vp`` section: a fresh key with a
    self-signed certificate for the host of ``base_url`` (``x509_san_dns``), or, for an IP
    address, the ``redirect_uri`` prefix (see :meth:`VerifierConfig.ephemeral`)."""
    return Oid4vpSettings(VerifierConfig.ephemeral(base_url), ephemeral=True)


_MEMBERS = {
    "base_url",
    "prefix",
    "key",
    "certificates",
    "ttl",
    "admin_token_file",
    "webhook",
    "client_name",
    "max_response_bytes",
}


def _read_certificates(path: Path) -> tuple[bytes, ...]:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        certs = x509.load_pem_x509_certificates(path.read_bytes())
    except OSError as exc:
        raise ValueError(f"cannot read certificate file {path}: {exc.strerror or exc}") from None
    except ValueError:
        raise ValueError(f"certificate file {path} holds no PEM certificate") from None
    return tuple(c.public_bytes(serialization.Encoding.DER) for c in certs)


def _token(path: Path, value: Mapping[str, Any]) -> str | None:
    if "admin_token_file" not in value:
        return None
    file = path.parent / str(value["admin_token_file"])
    try:
        token = file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise ValueError(f"cannot read the oid4vp admin token file {file}") from None
    if len(token) < MIN_ADMIN_TOKEN or not token.isprintable():
        raise ValueError(f"the oid4vp admin token must be at least {MIN_ADMIN_TOKEN} characters")
    return token


def _webhook(path: Path, value: Any) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{path}: oid4vp webhook must be an http(s) URL")
    return str(value)


def parse_section(path: Path, value: Any, *, read_key: Callable[[Path], KeyPair]) -> Oid4vpSettings:
    """The ``oid4vp`` section of the configuration file ``path`` (paths in it relative to
    the file)::

        "oid4vp": {"base_url": "https://verifier.example",
                   "prefix": "x509_san_dns",           # or "redirect_uri"
                   "key": "verifier-key.json",         # private JWK (microcred keygen)
                   "certificates": "verifier.pem",     # its chain, leaf first
                   "admin_token_file": "rp-token.txt",
                   "webhook": "https://rp.example/results",
                   "client_name": "Example employer", "ttl": 300}

    ``read_key`` reads the private JWK file that ``key`` names.

    Raises:
        ValueError: a member is missing, unknown or unusable (the message names it).
    """
    if not isinstance(value, dict):
        raise ValueError(f"{path}: oid4vp must be a JSON object")
    unknown = sorted(set(value) - _MEMBERS)
    if unknown:
        raise ValueError(f"{path}: oid4vp: unknown member(s) {', '.join(unknown)}")
    if not isinstance(value.get("base_url"), str):
        raise ValueError(f"{path}: oid4vp needs base_url (the service's public URL)")
    key = read_key(path.parent / str(value["key"])) if "key" in value else None
    certs = (
        _read_certificates(path.parent / str(value["certificates"]))
        if "certificates" in value
        else ()
    )
    try:
        config = VerifierConfig(
            value["base_url"],
            prefix=value.get("prefix", "x509_san_dns"),
            key=key,
            certificates=certs,
            ttl=value.get("ttl", 300),
            max_response_bytes=value.get("max_response_bytes", 1024 * 1024),
            client_name=value.get("client_name"),
        )
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: oid4vp: {exc}") from None
    return Oid4vpSettings(config, _token(path, value), _webhook(path, value.get("webhook")))


# -------------------------------------------------------------------- the routes


def _oauth_response(exc: OAuthError) -> JSONResponse:
    return JSONResponse(
        {"error": exc.error, "error_description": exc.description},
        status_code=exc.status,
        headers={"Cache-Control": "no-store"},
    )


Handler = Callable[[Request], Awaitable[Response]]


def _oauth(handler: Handler) -> Handler:
    """``handler`` with its protocol errors (and a too large body) answered as OAuth errors."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except OAuthError as exc:
            return _oauth_response(exc)
        except ApiError as exc:
            return _oauth_response(OAuthError("invalid_request", exc.detail, status=exc.status))
        except StoreError:
            log("oid4vp store unavailable", logging.ERROR)
            unavailable = OAuthError("temporarily_unavailable", "try again later", status=503)
            return _oauth_response(unavailable)

    return wrapped


def qr_svg(text: str) -> str:
    """``text`` as a QR code, an SVG ``data:`` URL (the offers' QR helper draws it)."""
    from ..oid4vci._offer import qr_svg as draw

    return "data:image/svg+xml;base64," + base64.b64encode(draw(text).encode()).decode("ascii")


def _post_webhook(url: str, result: dict[str, Any]) -> None:
    """POST ``result`` to ``url`` in a background thread; a failure is logged, never raised."""
    import urllib.request

    def send() -> None:
        data = json.dumps(result).encode()
        req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=WEBHOOK_TIMEOUT) as answer:
                answer.read(1024)
        except Exception as exc:  # any failure of the relying party's endpoint
            log("oid4vp webhook failed", logging.WARNING, error=type(exc).__name__)

    threading.Thread(target=send, daemon=True).start()


class Oid4vpService:
    """The verifier's request handlers, bound to the service."""

    def __init__(self, service: Service, settings: Oid4vpSettings) -> None:
        self.settings = settings
        self._page_counts: dict[tuple[str, int], int] = {}
        hook = partial(_post_webhook, settings.webhook) if settings.webhook else None
        self.verifier = Verifier(
            settings.verifier, service.status_lists.store, verify=service.verify_now, webhook=hook
        )

    def _describe(self, dcql: Any, response_mode: str) -> dict[str, Any]:
        request = self.verifier.create_request(dcql, response_mode=response_mode)
        base = self.settings.verifier.base_url.rstrip("/")
        log("oid4vp request", client_id=request.client_id, response_mode=response_mode)
        return {
            "id": request.id,
            "uri": request.uri,
            "client_id": request.client_id,
            "request_uri": request.request_uri,
            "result_uri": f"{base}/oid4vp/requests/{request.id}/result",
            "expires": request.expires,
            "qr_svg": qr_svg(request.uri),
        }

    def _authorized(self, request: Request) -> None:
        host = request.client.host if request.client else ""
        from . import is_loopback

        if host and is_loopback(host):
            return
        token = self.settings.admin_token
        given = request.headers.get("authorization", "")
        if token is None or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise OAuthError(
                "invalid_client", "creating a request needs the admin token", status=401
            )

    async def create(self, request: Request) -> Response:
        """``POST /oid4vp/requests``."""
        self._authorized(request)
        body = await json_body(request, MAX_CREATE_BYTES, request.app.state.config.limits)
        unknown = sorted(set(body) - {"dcql_query", "response_mode"})
        if unknown:
            raise OAuthError("invalid_request", f"unexpected member(s): {', '.join(unknown)[:200]}")
        mode = body.get("response_mode", "direct_post")
        if not isinstance(mode, str):
            raise OAuthError("invalid_request", "response_mode must be a string")
        answer = await run_in_threadpool(
            self._describe, body.get("dcql_query", DEFAULT_QUERY), mode
        )
        return JSONResponse(answer, status_code=201, headers={"Cache-Control": "no-store"})

    def _page_allowed(self, request: Request) -> None:
        """At most :data:`PAGE_REQUESTS_PER_MINUTE` page requests per client and minute."""
        key = (request.client.host if request.client else "", int(time.time() // 60))
        counts = self._page_counts
        counts[key] = counts.get(key, 0) + 1
        while len(counts) > PAGE_CLIENTS:
            del counts[next(iter(counts))]
        if counts[key] > PAGE_REQUESTS_PER_MINUTE:
            raise OAuthError("slow_down", "too many requests from this address", status=429)

    async def page_request(self, request: Request) -> Response:
        """``POST /verifier/wallet-request``: the page's request (the default query), at
        most :data:`PAGE_REQUESTS_PER_MINUTE` a minute from one address."""
        self._page_allowed(request)
        mode = request.query_params.get("response_mode", "direct_post")
        answer = await run_in_threadpool(self._describe, DEFAULT_QUERY, mode)
        return JSONResponse(answer, status_code=201, headers={"Cache-Control": "no-store"})

    async def page_probe(self, request: Request) -> Response:
        """``GET /verifier/wallet``: the page's "request from a wallet" mode is on."""
        return JSONResponse({"client_id": self.settings.verifier.client_id})

    async def request_object(self, request: Request) -> Response:
        """``GET /oid4vp/requests/{id}``."""
        token = await run_in_threadpool(self.verifier.request_object, request.path_params["id"])
        return Response(
            token,
            media_type="application/oauth-authz-req+jwt",
            headers={"Cache-Control": "no-store"},
        )

    async def response(self, request: Request) -> Response:
        """``POST /oid4vp/response``."""
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise OAuthError(
                "invalid_request", "the response is an application/x-www-form-urlencoded form"
            )
        body = await read_body(request, self.settings.verifier.max_response_bytes)
        form = _form(body)
        result = await run_in_threadpool(self.verifier.receive, form)
        log("oid4vp response", status=result.status)
        return JSONResponse({}, headers={"Cache-Control": "no-store"})

    async def result(self, request: Request) -> Response:
        """``GET /oid4vp/requests/{id}/result``."""
        found = await run_in_threadpool(self.verifier.result, request.path_params["id"])
        if found is None:
            raise OAuthError("invalid_request", "no such request (or it has expired)", status=404)
        return JSONResponse(found.to_json(), headers={"Cache-Control": "no-store"})


def _form(body: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=bool(body),
            max_num_fields=16,
        )
    except (UnicodeDecodeError, ValueError):
        raise OAuthError(
            "invalid_request", "the response is not a UTF-8 form of at most 16 fields"
        ) from None
    form = dict(pairs)
    if len(form) != len(pairs):
        raise OAuthError("invalid_request", "a form parameter is given twice")
    return form


def oid4vp_routes(service: Service, settings: Oid4vpSettings, *, page: bool) -> list[Route]:
    """The verifier's routes (and the page's, with ``page``)."""
    handlers = Oid4vpService(service, settings)
    routes = [
        Route("/oid4vp/requests", _oauth(handlers.create), methods=["POST"]),
        Route("/oid4vp/requests/{id}", _oauth(handlers.request_object), methods=["GET"]),
        Route("/oid4vp/requests/{id}/result", _oauth(handlers.result), methods=["GET"]),
        Route("/oid4vp/response", _oauth(handlers.response), methods=["POST"]),
    ]
    if page:
        routes += [
            Route("/verifier/wallet", handlers.page_probe, methods=["GET"]),
            Route("/verifier/wallet-request", _oauth(handlers.page_request), methods=["POST"]),
        ]
    return routes


def describe(settings: Oid4vpSettings) -> dict[str, Any]:
    """The verifier, for the ``listening`` log line."""
    return {
        "client_id": settings.verifier.client_id,
        "ephemeral": settings.ephemeral,
        "webhook": settings.webhook is not None,
    }
