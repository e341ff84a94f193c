"""The ASGI application: the VC API routes and the verifier page."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from .. import _issue
from .._input import _JWT, _SD_JWT
from .._vc import parse_datetime
from ..errors import MicrocredError
from ..keys import StaticResolver
from ..proofs import derive, suite_by_name
from ..report import Check, VerificationReport
from ..verify import verify as verify_credential
from ._config import IssuerRoute, ServerConfig
from ._http import (
    ApiError,
    RequestLog,
    check_issuable,
    invalid_credential,
    json_body,
    log,
    problem_response,
    read_body,
    run_cpu,
)
from ._identifiers import IdentifierResolver
from ._oid4vci import oid4vci_routes
from ._status import STATUS_OPTIONS, StatusService, status_routes
from ._trust import trust_json
from ._vcapi import jwt_issue_routes, verify_checks

__all__ = ["create_app"]

#: What a verification outcome answers with (a verified document is 200).
VERIFY_FAILED_STATUS = 400


def _options(body: Mapping[str, Any], known: set[str]) -> dict[str, Any]:
    options = body.get("options", {})
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise ApiError(400, "Malformed request", "options must be a JSON object")
    unknown = sorted(set(options) - known)
    if unknown:
        raise ApiError(400, "Unsupported option", f"unsupported option(s): {', '.join(unknown)}")
    return options


def _members(body: Mapping[str, Any], required: str, allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ApiError(400, "Malformed request", f"unexpected member(s): {', '.join(unknown)}")
    if required not in body:
        raise ApiError(400, "Malformed request", f"the body needs a {required} member")


class Service:
    """The request handlers, bound to one :class:`ServerConfig`."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.loader = config.loader()
        self.resolver = (
            StaticResolver(config.controller_documents) if config.controller_documents else None
        )
        self.status_lists = StatusService(config)  # the store, and the lists it publishes
        self.status = self.status_lists.fetcher(config.status_fetcher())
        self.identifiers = IdentifierResolver(config.controller_documents)
        self.trust = config.trust_options()  # the trust list and registries, loaded once

    # ------------------------------------------------------------------ issuing

    async def issue_default(self, request: Request) -> Response:
        """``POST /credentials/issue``: the first configured route."""
        if not self.config.issuers:
            raise ApiError(404, "No issuer", "this service has no issuing key configured")
        return await self._issue(request, self.config.issuers[0])

    async def issue_on_route(self, request: Request) -> Response:
        """``POST /{route}/credentials/issue``."""
        name = request.path_params["route"]
        route = self.config.route(name)
        if route is None:
            raise ApiError(404, "No such issuer", f"no issuing route {name!r} (see GET /issuers)")
        return await self._issue(request, route)

    async def _issue(self, request: Request, route: IssuerRoute) -> Response:
        body = await json_body(request, self.config.max_request_bytes, self.config.limits)
        _members(body, "credential", {"credential", "options"})
        options = _options(
            body, {"created", "cryptosuite", "type", "mandatoryPointers", *STATUS_OPTIONS}
        )
        credential = body["credential"]
        if not isinstance(credential, dict):
            raise ApiError(400, "Malformed request", "credential must be a JSON object")
        if "proof" in credential:
            raise ApiError(400, "Invalid credential", "the credential already has a proof")
        suite = options.get("cryptosuite", route.suite)
        if suite != route.suite:
            raise ApiError(
                400,
                "Unsupported option",
                f"this route signs with {route.suite}, not {suite!r} (see GET /issuers)",
            )
        if options.get("type", "DataIntegrityProof") != "DataIntegrityProof" and not (
            route.suite == "Ed25519Signature2020" and options["type"] == route.suite
        ):
            raise ApiError(400, "Unsupported option", f"proof type {options['type']!r}")
        created = options.get("created")
        if created is not None and (not isinstance(created, str) or not parse_datetime(created)):
            raise ApiError(400, "Unsupported option", "options.created must be an XML date-time")
        pointers = options.get("mandatoryPointers")
        if pointers is not None:
            if not suite_by_name(route.suite).selective:
                raise ApiError(
                    400,
                    "Unsupported option",
                    f"mandatoryPointers: {route.suite} is not a selective disclosure suite",
                )
            if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
                raise ApiError(
                    400, "Unsupported option", "options.mandatoryPointers must be a list of strings"
                )
        check_issuable(credential, route.key.did)
        credential = await self.status_lists.add_status(credential, route, options)
        try:
            signed = await run_cpu(
                request,
                _issue.issue,
                credential,
                route.key,
                suite=route.suite,
                created=created,
                loader=self.loader,
                limits=self.config.limits,
                mandatory_pointers=pointers,
                allow_inline_contexts=self.config.allow_inline_contexts,
            )
        except (MicrocredError, ValueError) as exc:  # JsonLdError: the contexts check
            raise invalid_credential(exc) from None
        log("issued", route=route.name, suite=route.suite)
        answer = {"verifiableCredential": signed} if route.envelope else signed
        return JSONResponse(answer, status_code=201)

    async def derive_credential(self, request: Request) -> Response:
        """``POST /credentials/derive``: the holder's selective disclosure of a credential with
        an ``ecdsa-sd-2023`` base proof; ``options.selectivePointers`` names what to reveal
        (the issuer's mandatory pointers are always revealed)."""
        body = await json_body(request, self.config.max_request_bytes, self.config.limits)
        _members(body, "verifiableCredential", {"verifiableCredential", "options"})
        options = _options(body, {"selectivePointers"})
        credential = body["verifiableCredential"]
        if not isinstance(credential, dict):
            raise ApiError(400, "Malformed request", "verifiableCredential must be a JSON object")
        pointers = options.get("selectivePointers", [])
        if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
            raise ApiError(
                400, "Unsupported option", "options.selectivePointers must be a list of strings"
            )
        try:
            derived = await run_cpu(
                request,
                derive,
                credential,
                pointers,
                loader=self.loader,
                limits=self.config.limits,
            )
        except (MicrocredError, ValueError) as exc:
            raise ApiError(400, "Cannot derive", str(exc)) from None
        log("derived")
        return JSONResponse({"verifiableCredential": derived}, status_code=201)

    async def issuers(self, request: Request) -> Response:
        """``GET /issuers``: the issuing routes and their DIDs."""
        return JSONResponse({"issuers": [r.describe() for r in self.config.issuers]})

    # ---------------------------------------------------------------- verifying

    async def _verify(
        self, value: Any, *, request: Request | None = None, **options: Any
    ) -> VerificationReport:
        """Verify ``value`` with the service's loader, resolver, limits, status lists, trust
        list and issuer registries, and inline-context policy (status is checked: a
        credential whose list is not configured is indeterminate); on the event loop for a
        small body of ``request``, else in a thread (see :func:`run_cpu`). An unexpected
        failure inside the library is the report's ``internal`` check; it is logged by its
        check id alone (never the input)."""
        report = await run_cpu(request, self.verify_now, value, **options)  # None: a thread
        if any(check.id == "internal" for check in report.failed):
            log("verification internal error", logging.ERROR, check="internal")
        return report

    def verify_now(self, value: Any, **options: Any) -> VerificationReport:
        """:func:`microcred.verify.verify` of ``value`` with the service's loader, resolver,
        limits, status lists, trust sources and inline-context policy (and ``options``), in
        the calling thread."""
        return verify_credential(
            value,
            resolver=self.resolver,
            loader=self.loader,
            limits=self.config.limits,
            status=self.status,
            allow_inline_contexts=self.config.allow_inline_contexts,
            **self.trust,
            **options,
        )

    @staticmethod
    def _report_response(report: VerificationReport) -> Response:
        """200 with the report when verified, else 400 with it inside a problem. ``errors``
        lists every failed or unchecked check and ``warnings`` every warning, those of the
        embedded credentials included (``credentials[i]`` has each one's own). ``trust`` is
        the issuer-trust answer (``{"issuer", "by", "name", "source"}``, separate from
        ``verified``): the report's own, or for a presentation of one credential, that
        credential's; ``null`` when nothing names an issuer."""
        body = report.to_json()
        body["trust"] = trust_json(report)
        body["errors"] = [_entry(c) for c in report.failed]
        body["warnings"] = [_entry(w) for w in report.all_warnings]
        if report.verified:
            return JSONResponse(body)
        detail = report.failed[0].message if report.failed else report.outcome
        title = f"Not verified ({report.outcome})"
        return problem_response(ApiError(VERIFY_FAILED_STATUS, title, detail, body))

    async def verify_credential(self, request: Request) -> Response:
        """``POST /credentials/verify``: a credential (JSON-LD, a compact JWT, or an SD-JWT:
        an SD-JWT VC as issued or presented, its Key Binding JWT included; the report's
        ``document`` then holds only what was disclosed, ``disclosed`` the pointers and
        ``hidden_count`` how many claims stayed hidden)."""
        body = await json_body(request, self.config.max_request_bytes, self.config.limits)
        _members(body, "verifiableCredential", {"verifiableCredential", "options"})
        options = _options(body, {"checks", "challenge", "domain"})
        checks = verify_checks(options)
        value = body["verifiableCredential"]
        if isinstance(value, str):
            value = value.strip()
            if _SD_JWT.match(value):
                checks.update(_key_binding(options))
        if not isinstance(value, dict) and not (
            isinstance(value, str) and (_JWT.match(value) or _SD_JWT.match(value))
        ):
            raise ApiError(
                400,
                "Malformed request",
                "verifiableCredential must be a JSON object, a compact JWT or an SD-JWT "
                "(not JSON text)",
            )
        report = await self._verify(value, request=request, **checks)
        if report.kind == "presentation":
            raise ApiError(400, "Malformed request", "a presentation goes to /presentations/verify")
        return self._report_response(report)

    async def verify_presentation(self, request: Request) -> Response:
        """``POST /presentations/verify``: challenge and domain are checked when given."""
        body = await json_body(request, self.config.max_request_bytes, self.config.limits)
        _members(body, "verifiablePresentation", {"verifiablePresentation", "options"})
        options = _options(body, {"checks", "challenge", "domain"})
        value = body["verifiablePresentation"]
        if not isinstance(value, dict) and not (isinstance(value, str) and _JWT.match(value)):
            raise ApiError(400, "Malformed request", "verifiablePresentation must be an object")
        challenge, domain = options.get("challenge"), options.get("domain")
        if challenge is not None and not isinstance(challenge, str):
            raise ApiError(400, "Malformed request", "options.challenge must be a string")
        if domain is not None and not (
            isinstance(domain, str)
            or (isinstance(domain, list) and all(isinstance(d, str) for d in domain))
        ):
            raise ApiError(
                400, "Malformed request", "options.domain must be a string or a list of strings"
            )
        report = await self._verify(
            value, request=request, challenge=challenge, domain=domain, **verify_checks(options)
        )
        if report.kind == "credential":
            raise ApiError(400, "Malformed request", "a credential goes to /credentials/verify")
        return self._report_response(report)

    # ------------------------------------------------------------- the page's API

    async def page_report(self, request: Request) -> Response:
        """``POST /verifier/report``: any input (JSON, a JWT, a baked PNG/SVG) as the raw body;
        the report, the issuer and the Annex I table, for the verifier page."""
        from ._page import page_report

        data = await read_body(request, self.config.max_request_bytes)
        if not data.strip():
            raise ApiError(400, "Nothing to verify", "the body is empty")
        report = await self._verify(data, request=request)
        return JSONResponse(page_report(report))


def _key_binding(options: Mapping[str, Any]) -> dict[str, Any]:
    """What an SD-JWT's Key Binding JWT must carry: ``options.challenge`` as its ``nonce``,
    ``options.domain`` as its ``aud`` (RFC 9901 §7.3; a nonce makes key binding required)."""
    challenge, domain = options.get("challenge"), options.get("domain")
    if challenge is not None and not isinstance(challenge, str):
        raise ApiError(400, "Malformed request", "options.challenge must be a string")
    if domain is not None and not isinstance(domain, str):
        raise ApiError(400, "Malformed request", "options.domain of an SD-JWT must be a string")
    found: dict[str, Any] = {}
    if challenge is not None:
        found["nonce"] = challenge
    if domain is not None:
        found["audience"] = domain
    return found


def _entry(check: Check) -> dict[str, str]:
    """A check as ``errors`` / ``warnings`` list it: ``id``, ``message``, ``path`` if any."""
    return {
        "id": check.id,
        "message": check.message,
        **({"path": check.path} if check.path else {}),
    }


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return problem_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {404: "Not found", 405: "Method not allowed"}
    title = titles.get(exc.status_code, "HTTP error")
    detail = f"{request.method} {request.url.path}: {title.lower()}"
    response = problem_response(ApiError(exc.status_code, title, detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _internal_error(request: Request, exc: Exception) -> Response:
    log(
        "internal error",
        logging.ERROR,
        path=request.url.path,
        error=type(exc).__name__,
    )
    return problem_response(
        ApiError(500, "Internal error", "the service failed; the log has the error's type")
    )


def create_app(config: ServerConfig | None = None) -> Starlette:
    """The ASGI application for ``config`` (default: :meth:`ServerConfig.ephemeral`).

    Routes: ``POST /credentials/issue``, ``POST /{route}/credentials/issue``,
    ``GET /issuers``, ``POST /credentials/derive``, ``POST /credentials/verify``,
    ``POST /presentations/verify``, ``POST /vc-jwt[/{route}]/credentials/issue`` and
    ``POST /ob3-jwt[/{route}]/credentials/issue`` (:mod:`._vcapi`),
    ``GET /identifiers/{did}`` (:mod:`._identifiers`), and with
    ``config.page`` the verifier page (``GET /``, ``/static/...``, ``POST /verifier/report``).
    Every error is a JSON problem; no response ever carries a stack trace.
    """
    config = config or ServerConfig.ephemeral()
    service = Service(config)
    service.status_lists.check()
    routes: list[Route | Mount] = [
        Route("/credentials/issue", service.issue_default, methods=["POST"]),
        Route("/credentials/derive", service.derive_credential, methods=["POST"]),
        Route("/credentials/verify", service.verify_credential, methods=["POST"]),
        Route("/presentations/verify", service.verify_presentation, methods=["POST"]),
        Route("/issuers", service.issuers, methods=["GET"]),
        Route("/identifiers/{did:path}", service.identifiers.endpoint, methods=["GET"]),
        *jwt_issue_routes(service),  # before the catch-all below
        Route("/{route:path}/credentials/issue", service.issue_on_route, methods=["POST"]),
    ]
    routes += status_routes(service.status_lists)
    routes += oid4vci_routes(service)  # docs/deliver-to-wallets.md
    if config.oid4vp is not None:  # the OpenID4VP verifier (_oid4vp.py)
        from ._oid4vp import oid4vp_routes

        routes += oid4vp_routes(service, config.oid4vp, page=config.page)
    if config.page:
        from ._page import page_routes

        routes += [
            *page_routes(),
            Route("/verifier/report", service.page_report, methods=["POST"]),
        ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            ApiError: _problem,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )
    app.add_middleware(RequestLog)
    app.state.config = config
    return app
