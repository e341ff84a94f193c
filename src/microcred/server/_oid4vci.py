"""OpenID4VCI on the service: the routes in front of :class:`microcred.oid4vci.Issuer`, and the
configuration's ``oid4vci`` section.

Routes (when the configuration has an ``oid4vci`` section, or with ``serve --oid4vci``):

- ``GET /.well-known/openid-credential-issuer``: the Credential Issuer Metadata;
- ``GET /.well-known/oauth-authorization-server``: the OAuth AS metadata (RFC 8414);
- ``POST /oid4vci/token`` (form-encoded), ``POST /oid4vci/nonce``, ``POST /oid4vci/credential``
  (JSON, ``Authorization: Bearer``): the protocol's endpoints, whose errors are OAuth error
  objects ``{"error", "error_description"}`` (never a problem document, never a 500), with
  ``Cache-Control: no-store`` on every answer;
- ``POST /oid4vci/offers``: make an offer (the issuing platform's call): from a loopback
  address with no forwarding header no token is needed; otherwise
  ``Authorization: Bearer <admin token>`` from the section;
- ``GET /oid4vci/offers/{id}``: an offer by reference.

The section (every member optional)::

    "oid4vci": {"base_url": "https://issuer.example",      # the Credential Issuer Identifier
                "key": "p256.json",                         # default: an issuing route's key
                "admin_token_file": "admin-token.txt",      # or "admin_token"
                "configurations": ["eu_micro_credential_dc_sd_jwt", ...],
                "name": {"sv": "Exempeluniversitetet", "en": "Example University"},
                "offer_ttl": 1209600, "tx_code_length": 6, "tx_code_attempts": 3,
                "token_rate": 30}

Without ``base_url`` the issuer identifier is the URL the request came to (``http://127.0.0.1:
8080``): for trying the issuer on one machine only, since a wallet elsewhere reaches the
service by another name.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import _json
from ..errors import MicrocredError, OAuthError
from ..keys import KeyPair
from ._http import ApiError, log, read_body

if TYPE_CHECKING:
    from .._store import Store
    from ..oid4vci import Issuer
    from ._app import Service

__all__ = ["Oid4vciSettings", "oid4vci_routes", "parse_section"]

#: The shortest admin token accepted.
MIN_ADMIN_TOKEN = 16
#: Issuers kept per issuer identifier when the identifier comes from the request.
MAX_ISSUERS = 8
_NO_STORE = {"Cache-Control": "no-store"}
_OPTIONS = ("offer_ttl", "tx_code_length", "tx_code_attempts", "token_rate")


@dataclass(frozen=True)
class Oid4vciSettings:
    """The ``oid4vci`` section (see the module's docstring).

    Attributes:
        base_url: the Credential Issuer Identifier (``None``: the URL requests come to).
        key: the issuer's key (``None``: the first P-256 issuing route's key, else the first
            route's).
        admin_token: the bearer token ``POST /oid4vci/offers`` needs from a non-loopback
            address (``None``: offers are made from loopback only). Never shown.
        configurations: the credential configurations offered (``None``: all).
        name: the issuer's display name per locale (``None``: a generic one).
        options: further :class:`~microcred.oid4vci.IssuerConfig` settings (``offer_ttl``,
            ``tx_code_length``, ``tx_code_attempts``, ``token_rate``).
    """

    base_url: str | None = None
    key: KeyPair | None = None
    admin_token: str | None = field(default=None, repr=False)
    configurations: tuple[str, ...] | None = None
    name: Mapping[str, str] | None = None
    options: Mapping[str, int] = field(default_factory=dict)


def _admin_token(path: Path, value: Mapping[str, Any]) -> str | None:
    if "admin_token" in value and "admin_token_file" in value:
        raise ValueError(f"{path}: oid4vci takes one of admin_token and admin_token_file")
    token = value.get("admin_token")
    if "admin_token_file" in value:
        name = value["admin_token_file"]
        if not isinstance(name, str) or not name or "\x00" in name:
            raise ValueError(f"{path}: oid4vci admin_token_file must be a file name")
        try:
            token = (path.parent / name).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise ValueError(f"cannot read the oid4vci admin token file: {reason}") from None
    if token is None:
        return None
    if not isinstance(token, str) or len(token) < MIN_ADMIN_TOKEN or not token.isprintable():
        raise ValueError(
            f"{path}: the oid4vci admin token must be printable, at least {MIN_ADMIN_TOKEN} chars"
        )
    return token


def parse_section(path: Path, value: Any) -> Oid4vciSettings:
    """The ``oid4vci`` member of the configuration file ``path`` (paths relative to it).

    Raises:
        ValueError: an unknown member, a bad value, an unreadable key or token file.
    """
    known = {"base_url", "key", "admin_token", "admin_token_file", "configurations", "name"}
    if not isinstance(value, dict):
        raise ValueError(f"{path}: oid4vci must be a JSON object")
    unknown = sorted(set(value) - known - set(_OPTIONS))
    if unknown:
        raise ValueError(f"{path}: oid4vci: unknown member(s) {', '.join(unknown)}")
    base_url = value.get("base_url")
    if base_url is not None and not isinstance(base_url, str):
        raise ValueError(f"{path}: oid4vci base_url must be a URL")
    key = None
    if "key" in value:
        if not isinstance(value["key"], str) or not value["key"]:
            raise ValueError(f"{path}: oid4vci key must be a key file name")
        try:
            key = KeyPair.from_private_jwk_bytes((path.parent / value["key"]).read_bytes())
        except OSError as exc:
            raise ValueError(f"cannot read the oid4vci key file: {exc.strerror}") from None
        except MicrocredError as exc:
            raise ValueError(f"the oid4vci key file: {exc}") from None
    configurations = value.get("configurations")
    if configurations is not None and (
        not isinstance(configurations, list) or not all(isinstance(c, str) for c in configurations)
    ):
        raise ValueError(f"{path}: oid4vci configurations must be a list of ids")
    name = value.get("name")
    if name is not None and (
        not isinstance(name, dict) or not all(isinstance(v, str) for v in name.values())
    ):
        raise ValueError(f"{path}: oid4vci name maps locales to names")
    options = {k: value[k] for k in _OPTIONS if k in value}
    settings = Oid4vciSettings(
        base_url,
        key,
        _admin_token(path, value),
        tuple(configurations) if configurations is not None else None,
        name,
        options,
    )
    if base_url is not None and key is not None:
        settings_issuer_config(settings, base_url, key)  # fail now on a bad value
    return settings


def settings_issuer_config(settings: Oid4vciSettings, url: str, key: KeyPair) -> Any:
    """The :class:`~microcred.oid4vci.IssuerConfig` of ``settings`` at ``url`` with ``key``.

    Raises:
        ValueError: a setting is out of range.
    """
    from ..oid4vci import IssuerConfig

    extra: dict[str, Any] = dict(settings.options)
    if settings.configurations is not None:
        extra["configurations"] = settings.configurations
    if settings.name is not None:
        extra["name"] = dict(settings.name)
    return IssuerConfig(url, key, **extra)


def _oauth_response(exc: OAuthError) -> JSONResponse:
    headers = dict(_NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
    if exc.status == 429:
        headers["Retry-After"] = "60"
    return JSONResponse(
        {"error": exc.error, "error_description": exc.description},
        status_code=exc.status,
        headers=headers,
    )


def _is_loopback_request(request: Request) -> bool:
    if any(h in request.headers for h in ("forwarded", "x-forwarded-for", "x-real-ip")):
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Oid4vciService:
    """The OpenID4VCI routes of one service (its store, settings and issuing key)."""

    def __init__(self, service: Service, settings: Oid4vciSettings) -> None:
        self.settings = settings
        self.store: Store = service.status_lists.store
        self.max_request_bytes = min(service.config.max_request_bytes, 64 * 1024)
        key = settings.key
        if key is None:
            keys = [route.key for route in service.config.issuers]
            key = next((k for k in keys if k.key_type == "P-256"), keys[0] if keys else None)
        if key is None:
            raise ValueError("the oid4vci issuer needs a key (the section's key, or --key)")
        self.key = key
        self._issuers: dict[str, Issuer] = {}
        if settings.base_url is not None:
            self._issuer_at(settings.base_url)

    def _issuer_at(self, url: str) -> Issuer:
        from ..oid4vci import Issuer

        issuer = self._issuers.get(url)
        if issuer is None:
            if len(self._issuers) >= MAX_ISSUERS:
                self._issuers.pop(next(iter(self._issuers)))
            issuer = Issuer(settings_issuer_config(self.settings, url, self.key), self.store)
            self._issuers[url] = issuer
        return issuer

    def issuer(self, request: Request) -> Issuer:
        """The issuer answering ``request`` (at ``base_url``, or at the URL it came to)."""
        if self.settings.base_url is not None:
            return self._issuer_at(self.settings.base_url)
        return self._issuer_at(f"{request.url.scheme}://{request.url.netloc}")

    async def _body(self, request: Request, error: str) -> bytes:
        try:
            return await read_body(request, self.max_request_bytes)
        except ApiError as exc:
            raise OAuthError(error, exc.detail, status=exc.status) from None

    # ------------------------------------------------------------------ routes

    async def metadata(self, request: Request) -> Response:
        """``GET /.well-known/openid-credential-issuer``."""
        return JSONResponse(self.issuer(request).metadata())

    async def as_metadata(self, request: Request) -> Response:
        """``GET /.well-known/oauth-authorization-server``."""
        return JSONResponse(self.issuer(request).authorization_server_metadata())

    async def token(self, request: Request) -> Response:
        """``POST /oid4vci/token``: the Token Request, form-encoded (RFC 6749 §4.1.3)."""
        try:
            body = await self._body(request, "invalid_request")
            form = _form(body)
            client = request.client.host if request.client else None
            issuer = self.issuer(request)
            answer = await run_in_threadpool(issuer.token, form, client=client)
        except OAuthError as exc:
            log("oid4vci token refused", error=exc.error)
            return _oauth_response(exc)
        return JSONResponse(answer, headers=_NO_STORE)

    async def nonce(self, request: Request) -> Response:
        """``POST /oid4vci/nonce``."""
        return JSONResponse(self.issuer(request).nonce(), headers=_NO_STORE)

    async def credential(self, request: Request) -> Response:
        """``POST /oid4vci/credential``: the Credential Request (JSON) with a Bearer token."""
        try:
            token = _bearer(request)
            body = await self._body(request, "invalid_credential_request")
            try:
                value = _json.loads(body)
            except MicrocredError as exc:
                raise OAuthError(
                    "invalid_credential_request", f"the body is not JSON: {exc}"
                ) from None
            if not isinstance(value, dict):
                raise OAuthError("invalid_credential_request", "the body must be a JSON object")
            issuer = self.issuer(request)
            answer = await run_in_threadpool(issuer.credential, token, value)
        except OAuthError as exc:
            log("oid4vci credential refused", error=exc.error)
            return _oauth_response(exc)
        log("oid4vci issued", configuration=value.get("credential_configuration_id"))
        return JSONResponse(answer, headers=_NO_STORE)

    async def create_offer(self, request: Request) -> Response:
        """``POST /oid4vci/offers``: ``{"form": {...}}`` (an Annex I form with its learner) or
        ``{"template": {...}, "row": {...}}`` (a course and a roster row), with optional
        ``tx_code``, ``by_reference``, ``configurations``, ``ttl``; 201 with the offer."""
        try:
            self._admin(request)
            body = await self._body(request, "invalid_request")
            try:
                value = _json.loads(body)
            except MicrocredError as exc:
                raise OAuthError("invalid_request", f"the body is not JSON: {exc}") from None
            issuer = self.issuer(request)
            offer = await run_in_threadpool(_make_offer, issuer, value)
        except OAuthError as exc:
            return _oauth_response(exc)
        log("oid4vci offer", by_reference=offer.by_reference, tx_code=offer.tx_code is not None)
        return JSONResponse(offer.to_json(), status_code=201, headers=_NO_STORE)

    async def offer_by_reference(self, request: Request) -> Response:
        """``GET /oid4vci/offers/{offer_id}``."""
        try:
            issuer = self.issuer(request)
            offer = await run_in_threadpool(
                issuer.offer_by_reference, request.path_params["offer_id"]
            )
        except OAuthError as exc:
            return _oauth_response(exc)
        return JSONResponse(offer, headers=_NO_STORE)

    def _admin(self, request: Request) -> None:
        if _is_loopback_request(request):
            return
        expected = self.settings.admin_token
        given = _bearer(request, required=False)
        if expected is None:
            raise OAuthError(
                "access_denied",
                "offers are made from loopback only (the configuration has no admin token)",
                status=403,
            )
        if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
            raise OAuthError("invalid_token", "the admin token is missing or wrong", status=401)


def _bearer(request: Request, *, required: bool = True) -> str | None:
    header = request.headers.get("authorization")
    if header is None or header[:7].lower() != "bearer " or not header[7:].strip():
        if required:
            raise OAuthError("invalid_token", "a Bearer access token is required", status=401)
        return None
    return header[7:].strip()


def _form(body: bytes) -> dict[str, str]:
    """A form-encoded body; a parameter given twice is refused (RFC 6749 §3.2)."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body),
                          max_num_fields=32)  # fmt: skip
    except (UnicodeDecodeError, ValueError):
        raise OAuthError(
            "invalid_request", "the body is not a form (x-www-form-urlencoded)"
        ) from None
    form: dict[str, str] = {}
    for name, text in pairs:
        if name in form:
            raise OAuthError("invalid_request", f"the parameter {name[:40]} is given twice")
        form[name] = text
    return form


def _make_offer(issuer: Issuer, value: Any) -> Any:
    """An offer from the ``POST /oid4vci/offers`` body.

    Raises:
        OAuthError: (``invalid_request``) a malformed body or a form that cannot be issued.
    """
    if not isinstance(value, dict):
        raise OAuthError("invalid_request", "the body must be a JSON object")
    unknown = sorted(set(value) - {"form", "template", "row", "tx_code", "by_reference",
                                   "configurations", "ttl"})  # fmt: skip
    if unknown:
        raise OAuthError("invalid_request", f"unexpected member(s): {', '.join(unknown)[:200]}")
    options: dict[str, Any] = {}
    for flag in ("tx_code", "by_reference"):
        if flag in value:
            if not isinstance(value[flag], bool):
                raise OAuthError("invalid_request", f"{flag} must be true or false")
            options[flag] = value[flag]
    if "configurations" in value:
        options["configurations"] = value["configurations"]
    if "ttl" in value:
        options["ttl"] = value["ttl"]
    try:
        if "form" in value and not {"template", "row"} & set(value):
            return issuer.create_offer(value["form"], **options)
        if {"template", "row"} <= set(value) and "form" not in value:
            if not isinstance(value["template"], dict) or not isinstance(value["row"], dict):
                raise OAuthError("invalid_request", "template and row must be JSON objects")
            return issuer.create_offer_for_row(value["template"], value["row"], **options)
    except (ValueError, TypeError, MicrocredError) as exc:
        if isinstance(exc, OAuthError):
            raise
        raise OAuthError("invalid_request", f"no offer: {exc}"[:2000]) from None
    raise OAuthError("invalid_request", "give form, or template and row")


def oid4vci_routes(service: Service) -> list[Route]:
    """The OpenID4VCI routes, when the configuration enables the issuer (``[]`` otherwise).

    Raises:
        ValueError: no key to issue with, or a setting out of range.
    """
    settings = service.config.oid4vci
    if settings is None:
        return []
    oid4vci = Oid4vciService(service, settings)
    return [
        Route("/.well-known/openid-credential-issuer", oid4vci.metadata, methods=["GET"]),
        Route("/.well-known/oauth-authorization-server", oid4vci.as_metadata, methods=["GET"]),
        Route("/oid4vci/token", oid4vci.token, methods=["POST"]),
        Route("/oid4vci/nonce", oid4vci.nonce, methods=["POST"]),
        Route("/oid4vci/credential", oid4vci.credential, methods=["POST"]),
        Route("/oid4vci/offers", oid4vci.create_offer, methods=["POST"]),
        Route("/oid4vci/offers/{offer_id}", oid4vci.offer_by_reference, methods=["GET"]),
    ]
