"""Enveloped credentials and presentations (VC Data Model 2.0 §4.13, "Securing Mechanisms").

An ``EnvelopedVerifiableCredential`` (or ``EnvelopedVerifiablePresentation``) is a small JSON
object whose ``id`` is a ``data:`` URL (RFC 2397) carrying a credential secured by an
*enveloping* mechanism, e.g.::

    {"@context": "https://www.w3.org/ns/credentials/v2",
     "type": "EnvelopedVerifiableCredential",
     "id": "data:application/vc+jwt,eyJhbGciOi..."}

This module opens the envelope (the ``envelope`` check) and says which route verifies what it
holds; it verifies nothing itself. The media types of VC JOSE-COSE 1.0 §3 are recognised:
``application/vc+jwt`` and ``application/vp+jwt`` are verified by the JWT route; the SD-JWT and
COSE types (``application/vc+sd-jwt``, ``application/vc+cose``, ...) are known but not
implemented by microcred: the envelope is then *indeterminate* (could not be checked), never
passed. Any other media type, a URL that is not a ``data:`` URL, bad base64, or an envelope
larger than the JWT limit fails the check.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from .._vc import VC_V2
from ..limits import Limits
from ..report import VerificationReport
from ._secured import Kind

__all__ = [
    "ENVELOPE_TYPES",
    "NOT_IMPLEMENTED_MEDIA_TYPES",
    "Envelope",
    "envelope_kind",
    "open_envelope",
]

#: The enveloping object types of VC Data Model 2.0 §4.13 and what each must carry.
ENVELOPE_TYPES: Mapping[str, Kind] = {
    "EnvelopedVerifiableCredential": "credential",
    "EnvelopedVerifiablePresentation": "presentation",
}
#: Media types verified here (VC JOSE-COSE 1.0 §3.1.1, §3.1.2), with what they carry.
_JWT_MEDIA_TYPES: Mapping[str, Kind] = {
    "application/vc+jwt": "credential",
    "application/vp+jwt": "presentation",
}
#: Media types of published enveloping mechanisms that microcred does not verify inside an
#: envelope: such an envelope is indeterminate.
NOT_IMPLEMENTED_MEDIA_TYPES = frozenset(
    {
        "application/vc+sd-jwt",
        "application/vp+sd-jwt",
        "application/dc+sd-jwt",
        "application/vc+cose",
        "application/vp+cose",
    }
)
#: The media types of VC JOSE-COSE drafts before 1.0 (``vc-ld+jwt``, renamed ``vc+jwt``).
_DRAFT_NAMES = {
    "application/vc-ld+jwt": "application/vc+jwt",
    "application/vp-ld+jwt": "application/vp+jwt",
    "application/vc+ld+jwt": "application/vc+jwt",
    "application/vp+ld+jwt": "application/vp+jwt",
}
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$")
# the data URL's own syntax around the token: "data:" + media type + ";base64" + ","
_OVERHEAD = 256


@dataclass(frozen=True)
class Envelope:
    """An opened envelope.

    Attributes:
        token: the compact JWS it carries.
        kind: what the envelope's ``type`` says it carries (``credential`` / ``presentation``).
        media_type: the data URL's media type (lower case, without parameters).
    """

    token: str
    kind: Kind
    media_type: str


def envelope_kind(document: Mapping[str, Any]) -> Kind | None:
    """``credential`` / ``presentation`` when ``document`` is an enveloping object (its
    ``type`` is, or includes, one of :data:`ENVELOPE_TYPES`), else ``None``."""
    types = document.get("type")
    names = types if isinstance(types, list) else [types]
    for name in names:
        if isinstance(name, str) and name in ENVELOPE_TYPES:
            return ENVELOPE_TYPES[name]
    return None


def _fail(report: VerificationReport, message: str, path: str = "$.id") -> None:
    report.add("envelope", "failed", message, path)


def open_envelope(
    report: VerificationReport, document: Mapping[str, Any], limits: Limits
) -> Envelope | None:
    """Open the enveloping object ``document`` into ``report`` (the ``envelope`` check).

    Returns:
        The token and what it must carry, or ``None`` when the envelope cannot be opened or
        holds a mechanism microcred does not verify (the report says why: ``failed`` for a
        malformed envelope, ``error`` for a known but unimplemented media type).
    """
    kind = envelope_kind(document)
    if kind is None:  # pragma: no cover - the pipeline only calls this for envelopes
        _fail(report, "not an enveloped credential or presentation", "$.type")
        return None
    name = (
        "EnvelopedVerifiableCredential"
        if kind == "credential"
        else "EnvelopedVerifiablePresentation"
    )
    report.kind = kind
    report.format = "enveloped"
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if VC_V2 not in contexts:
        _fail(report, f"an {name} needs the context {VC_V2}", "$.@context")
        return None
    if "proof" in document:
        _fail(report, f"an {name} is secured by what it envelops, not by a proof", "$.proof")
        return None
    url = document.get("id")
    if not isinstance(url, str):
        _fail(report, f"an {name} needs an id: a data: URL (RFC 2397)")
        return None
    if len(url) > limits.max_jwt_bytes * 4 // 3 + _OVERHEAD:
        _fail(report, f"the envelope is over the limit of {limits.max_jwt_bytes} bytes")
        return None
    if url[:5].lower() != "data:" or "," not in url:
        _fail(report, "the envelope's id is not a data: URL (data:<media type>[;base64],<data>)")
        return None
    header, _, data = url[5:].partition(",")
    parameters = [p.strip() for p in header.split(";")]
    media_type = parameters[0].lower()
    is_base64 = any(p.lower() == "base64" for p in parameters[1:])
    if media_type in NOT_IMPLEMENTED_MEDIA_TYPES:
        report.add(
            "envelope",
            "error",
            f"the envelope holds {media_type}, which microcred does not verify inside an "
            "envelope (it verifies application/vc+jwt and application/vp+jwt)",
            "$.id",
        )
        return None
    expected = _JWT_MEDIA_TYPES.get(media_type)
    if expected is None:
        shown = media_type[:60] or "(none)"
        hint = _DRAFT_NAMES.get(media_type)
        _fail(
            report,
            f"unsupported media type {shown!r} in the envelope "
            + (
                f"(a draft's name: VC JOSE-COSE 1.0 names it {hint})"
                if hint
                else "(application/vc+jwt or application/vp+jwt)"
            ),
        )
        return None
    if expected != kind:
        _fail(report, f"an {name} cannot carry {media_type}")
        return None
    token = _payload(report, data, is_base64)
    if token is None:
        return None
    if len(token) > limits.max_jwt_bytes:
        _fail(report, f"the enveloped token is over the limit of {limits.max_jwt_bytes} bytes")
        return None
    if not _TOKEN.match(token):
        _fail(report, f"the envelope's {media_type} data is not a compact JWS")
        return None
    report.add("envelope", "passed", f"{name} holding {media_type}")
    unsigned = sorted(set(document) - {"@context", "id", "type"})
    if unsigned:
        shown = ", ".join(m[:40] for m in unsigned[:5])
        report.warn(
            "envelope",
            f"the envelope's own members ({shown}) are not covered by the signature: ignored "
            "(the report's document is what the enveloped token carries)",
            "$",
        )
    return Envelope(token, kind, media_type)


def _payload(report: VerificationReport, data: str, is_base64: bool) -> str | None:
    """The data URL's data as text: base64-decoded (strictly) or percent-decoded."""
    try:
        raw = unquote_to_bytes(data)
        if is_base64:
            raw = base64.b64decode(raw, validate=True)
        return raw.decode("ascii").strip()
    except (binascii.Error, ValueError):
        what = "base64" if is_base64 else "text"
        _fail(report, f"the envelope's data is not valid {what}")
        return None
