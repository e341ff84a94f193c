"""The VC API routes beyond Data Integrity: issuing as a JWT, and ``options.checks``.

* ``POST /vc-jwt/credentials/issue`` (the first issuing route's key) and
  ``POST /vc-jwt/{route}/credentials/issue``: the credential secured with VC JOSE-COSE 1.0
  (§3.1.1: the JWS payload is the credential, ``typ: vc+jwt``, ``cty: vc``), answered in the
  VC API's enveloped form, ``{"verifiableCredential": {"@context": ".../credentials/v2",
  "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,<token>"}}``
  (VC Data Model 2.0 §4.13). Only VC 2.0 credentials: VC JOSE-COSE secures that data model.
* ``POST /ob3-jwt/credentials/issue`` and ``POST /ob3-jwt/{route}/credentials/issue``: the
  Open Badges 3.0 JWT (OB 3.0 §8.2: ``typ: JWT``, the payload is the credential with
  ``iss``/``jti``/``nbf``/``sub``/``exp`` added), answered as
  ``{"verifiableCredential": "<compact JWS>"}`` (it has no data URL media type of its own).

Both sign with the route's key (EdDSA for Ed25519, ES256 / ES384 for P-256 / P-384) after the
same data model checks as the Data Integrity routes, and read the credential as a verifier will
(the strict reading rule), so what a verifier would refuse is never signed.

``options.checks`` (VC API verify options, as the VC API test suites and verifiers send it,
e.g. ``["proof", "credentialStatus"]``): ``proof`` must be named (the proof is always
checked); ``credentialStatus`` named means the status is checked, left out means it is not
(the report then warns that it was not); any other name is refused with 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import _issue
from .._vc import VC_V2
from ..errors import MicrocredError
from ._config import IssuerRoute
from ._http import ApiError, check_issuable, invalid_credential, json_body, log

if TYPE_CHECKING:
    from ._app import Service

__all__ = ["VERIFY_CHECKS", "enveloped", "jwt_issue_routes", "verify_checks"]

#: The names ``options.checks`` may hold.
VERIFY_CHECKS = ("proof", "credentialStatus")
#: URL prefix → the JWT form of :func:`microcred.jose.issue_jwt`.
_FORMS = {"vc-jwt": "vc+jwt", "ob3-jwt": "ob3"}


def verify_checks(options: Mapping[str, Any]) -> dict[str, Any]:
    """The ``verify()`` arguments ``options.checks`` asks for (``{}``: every check).

    Raises:
        ApiError: 400 for a list that is not one of strings, an unknown check name, or a list
            without ``proof``.
    """
    checks = options.get("checks")
    if checks is None:
        return {}
    if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
        raise ApiError(400, "Unsupported option", "options.checks must be a list of check names")
    unknown = sorted({c[:40] for c in checks} - set(VERIFY_CHECKS))
    if unknown:
        raise ApiError(
            400,
            "Unsupported option",
            f"unknown check(s) in options.checks: {', '.join(unknown)} "
            f"(this service knows: {', '.join(VERIFY_CHECKS)})",
        )
    if "proof" not in checks:
        raise ApiError(
            400, "Unsupported option", 'options.checks must include "proof": it is always checked'
        )
    return {} if "credentialStatus" in checks else {"check_status": False}


def enveloped(token: str) -> dict[str, Any]:
    """The ``EnvelopedVerifiableCredential`` of a ``vc+jwt`` token (VC Data Model 2.0 §4.13)."""
    return {
        "@context": VC_V2,
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def jwt_issue_routes(service: Service) -> list[Route]:
    """The JWT issuing routes, to register before the catch-all ``/{route}/credentials/issue``."""

    async def first_route(request: Request) -> Response:
        form = _FORMS[request.url.path.split("/")[1]]
        if not service.config.issuers:
            raise ApiError(404, "No issuer", "this service has no issuing key configured")
        return await _issue_jwt(service, request, service.config.issuers[0], form)

    async def named_route(request: Request) -> Response:
        form = _FORMS[request.url.path.split("/")[1]]
        name = request.path_params["route"]
        route = service.config.route(name)
        if route is None:
            raise ApiError(404, "No such issuer", f"no issuing route {name!r} (see GET /issuers)")
        return await _issue_jwt(service, request, route, form)

    routes = []
    for prefix in _FORMS:
        routes += [
            Route(f"/{prefix}/credentials/issue", first_route, methods=["POST"]),
            Route(f"/{prefix}/{{route:path}}/credentials/issue", named_route, methods=["POST"]),
        ]
    return routes


async def _issue_jwt(service: Service, request: Request, route: IssuerRoute, form: str) -> Response:
    config = service.config
    body = await json_body(request, config.max_request_bytes, config.limits)
    unexpected = sorted(set(body) - {"credential", "options"})
    if unexpected:
        raise ApiError(400, "Malformed request", f"unexpected member(s): {', '.join(unexpected)}")
    credential = body.get("credential")
    if not isinstance(credential, dict):
        raise ApiError(400, "Malformed request", "the body needs a credential (a JSON object)")
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise ApiError(400, "Malformed request", "options must be a JSON object")
    if options:
        raise ApiError(
            400,
            "Unsupported option",
            f"a JWT issuing route takes no options: {', '.join(sorted(options)[:10])}",
        )
    if "proof" in credential:
        raise ApiError(400, "Invalid credential", "the credential already has a proof")
    rule = (VC_V2, f"VC JOSE-COSE secures VC Data Model 2.0 credentials: the first context "
                   f"must be {VC_V2}")  # fmt: skip
    check_issuable(credential, route.key.did, first_context=rule if form == "vc+jwt" else None)
    try:
        token = await run_in_threadpool(
            _issue.issue,
            credential,
            route.key,
            format="jwt",
            jwt_form=form,
            loader=service.loader,
            limits=config.limits,
            allow_inline_contexts=config.allow_inline_contexts,
        )
    except (MicrocredError, ValueError) as exc:  # JsonLdError: the contexts check
        raise invalid_credential(exc) from None
    log("issued", route=route.name, format=form)
    issued: Any = enveloped(token) if form == "vc+jwt" else token
    answer = {"verifiableCredential": issued} if route.envelope else issued
    return JSONResponse(answer, status_code=201)
