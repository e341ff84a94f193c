"""``GET /identifiers/{did}``: DID resolution over HTTP (the HTTP(S) binding of W3C DID
Resolution).

The service resolves offline only: ``did:key`` and ``did:jwk`` from the identifier itself, and
any DID whose document the operator configured (``controller_documents``, e.g. the service's
own ``did:web``); nothing is fetched. The ``Accept`` header chooses the representation:

* ``application/did-resolution`` (also the default, for ``*/*`` or no ``Accept``): the DID
  resolution result, ``{"didDocument", "didResolutionMetadata", "didDocumentMetadata"}``;
* ``application/did+ld+json``, ``application/did+json``, ``application/did``,
  ``application/ld+json``, ``application/json``: the DID document alone;
* anything else: 406 with the error ``representationNotSupported``.

Errors are named as DID Resolution and did:key name them (``invalidDid``, ``notFound``,
``methodNotSupported``, ``representationNotSupported``, ``invalidPublicKeyLength``, ...), with
the error type URI of the DID Resolution CR and its HTTP status code (400 invalid DID,
404 not found, 406 representation not supported, 501 method not supported, 500 otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import DID_ERROR_TYPES, DidError, MicrocredError
from ..keys import ChainResolver, DidJwkResolver, DidKeyResolver, DidResolver, StaticResolver

__all__ = [
    "DID_DOCUMENT_TYPES",
    "RESOLUTION_RESULT",
    "IdentifierResolver",
    "error_status",
    "negotiate",
]

RESOLUTION_RESULT = "application/did-resolution"
#: The document media types offered (DID Core 1.0 §6, and DID 1.1's ``application/did``).
DID_DOCUMENT_TYPES = (
    "application/did+ld+json",
    "application/did+json",
    "application/did",
    "application/ld+json",
    "application/json",
)
_RESULT_CONTEXT = "https://w3id.org/did-resolution/v1"
# The resolution result's older media type (DID Resolution drafts before the CR).
_LEGACY_RESULT = 'application/ld+json;profile="https://w3id.org/did-resolution"'
_RESULT_TYPES = (RESOLUTION_RESULT, _LEGACY_RESULT)
_MAX_DID = 4096
# DID syntax (DID Core §3.1): "did:" method-name ":" method-specific-id
_DID = re.compile(
    r"^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*"
    r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$"
)
_STATUS = {
    "invalidDid": 400,
    "invalidDidUrl": 400,
    "invalidOptions": 400,
    "notFound": 404,
    "representationNotSupported": 406,
    "methodNotSupported": 501,
    "featureNotSupported": 501,
    "invalidPublicKey": 400,
    "invalidPublicKeyLength": 400,
    "invalidPublicKeyType": 400,
    "unsupportedPublicKeyType": 400,
}


def error_status(error: str) -> int:
    """The HTTP status code of a DID error name (DID Resolution, "HTTP(S) Binding")."""
    return _STATUS.get(error, 500)


def _accepted(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their q-values, best first."""
    if header is None or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(header.split(",")[:32]):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        quality = 1.0
        profile = ""
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
            elif name.strip().lower() == "profile":
                profile = value.strip().strip('"')
        if profile == "https://w3id.org/did-resolution" and media == "application/ld+json":
            media = _LEGACY_RESULT
        if media and quality > 0:
            ranges.append((media, quality, position))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(media, quality) for media, quality, _ in ranges]


def negotiate(header: str | None) -> str | None:
    """The representation to answer with for ``Accept: header`` (``None``: none offered)."""
    for media, _quality in _accepted(header):
        if media in ("*/*", "application/*"):
            return RESOLUTION_RESULT
        if media in _RESULT_TYPES or media in DID_DOCUMENT_TYPES:
            return media
    return None


class IdentifierResolver:
    """Resolves DIDs for ``GET /identifiers/{did}``: the operator's documents, then did:key
    and did:jwk; nothing is fetched."""

    def __init__(self, documents: tuple[Mapping[str, Any], ...] = ()) -> None:
        resolvers: list[DidResolver] = []
        self._configured = {str(d.get("id")) for d in documents}
        if documents:
            resolvers.append(StaticResolver(documents))
        resolvers += [DidKeyResolver(), DidJwkResolver()]
        self._chain = ChainResolver(*resolvers)

    def resolve(self, did: str) -> dict[str, Any]:
        """The DID document of ``did``.

        Raises:
            DidError: with the error name (``invalidDid``, ``notFound``,
                ``methodNotSupported``, or a did:key key error).
        """
        if len(did) > _MAX_DID or not _DID.match(did):
            raise DidError(
                "not a DID (DID Core §3.1: did:<method>:<method-specific-id>)", error="invalidDid"
            )
        method = did.split(":", 2)[1]
        if did not in self._configured and method not in ("key", "jwk"):
            if method == "web":
                raise DidError(
                    f"{did[:120]}: this service resolves did:web only from the documents it "
                    "is configured with, and has none for it",
                    error="notFound",
                )
            raise DidError(
                f"this service does not resolve did:{method[:40]} (did:key, did:jwk, and the "
                "DIDs of its configured documents)",
                error="methodNotSupported",
            )
        return self._chain.resolve(did)

    async def endpoint(self, request: Request) -> Response:
        """``GET /identifiers/{did}``."""
        did = request.path_params["did"]
        representation = negotiate(request.headers.get("accept"))
        if representation is None:
            return _error_response(
                RESOLUTION_RESULT,
                "representationNotSupported",
                "none of the accepted media types is offered (offered: "
                + ", ".join((RESOLUTION_RESULT, *DID_DOCUMENT_TYPES))
                + ")",
                as_result=False,
            )
        as_result = representation in _RESULT_TYPES
        try:
            document = self.resolve(did)
        except DidError as exc:
            return _error_response(representation, exc.error, exc.message, as_result=as_result)
        except MicrocredError as exc:  # a key that cannot be read: the DID is not usable
            return _error_response(representation, "invalidDid", exc.message, as_result=as_result)
        if as_result:
            body = {
                "@context": _RESULT_CONTEXT,
                "didDocument": document,
                "didResolutionMetadata": {"contentType": "application/did+ld+json"},
                "didDocumentMetadata": {},
            }
            return JSONResponse(body, media_type=representation)
        return JSONResponse(document, media_type=representation)


def _error_response(representation: str, error: str, detail: str, *, as_result: bool) -> Response:
    """An error as a DID resolution result (for ``application/did-resolution``) or as an
    RFC 9457 problem, with the error's status code; ``title`` is the error name."""
    status = error_status(error)
    problem = {
        "type": DID_ERROR_TYPES.get(error, DID_ERROR_TYPES["internalError"]),
        "title": error,
        "detail": detail[:500],
    }
    if as_result:
        result: dict[str, Any] = {
            "@context": _RESULT_CONTEXT,
            "didDocument": None,
            "didResolutionMetadata": {"error": problem},
            "didDocumentMetadata": {},
        }
        return JSONResponse(result, status_code=status, media_type=representation)
    body: dict[str, Any] = {**problem, "status": status, "error": error}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")
