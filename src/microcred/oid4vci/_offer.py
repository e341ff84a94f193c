"""Credential Offers (OpenID4VCI 1.0 §4.1): the JSON object, the ``openid-credential-offer://``
URI that carries it by value or by reference, and its QR code.

A Credential Offer by value is ``openid-credential-offer://?credential_offer=<the JSON,
URL-encoded>`` (§4.1.1); by reference it is ``?credential_offer_uri=<an https URL>`` (§4.1.3),
which the wallet GETs to read the same JSON. The QR code is rendered by ``segno`` (pure Python,
the ``[oid4vci]`` extra), imported only when a QR code is asked for.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from ..errors import OAuthError

__all__ = [
    "OFFER_SCHEME",
    "PRE_AUTHORIZED_GRANT",
    "Offer",
    "offer_uri",
    "parse_offer_uri",
    "qr_png",
    "qr_svg",
    "qr_terminal",
]

#: The URL scheme of a Credential Offer (OpenID4VCI 1.0 §4.1).
OFFER_SCHEME = "openid-credential-offer"
#: The grant type of the Pre-Authorized Code Flow (OpenID4VCI 1.0 §4.1.1, §6.1).
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
#: The longest offer URI :func:`parse_offer_uri` reads (a QR code holds under 3 KB anyway).
MAX_OFFER_URI = 16 * 1024


def offer_uri(offer: Mapping[str, Any] | None = None, *, reference: str | None = None) -> str:
    """The ``openid-credential-offer://`` URI of ``offer`` (by value) or of ``reference`` (the
    URL the offer is served at: by reference); exactly one of them.

    Raises:
        ValueError: both or neither given.
    """
    if (offer is None) == (reference is None):
        raise ValueError("give the offer (by value) or its URL (by reference), not both")
    if reference is not None:
        return f"{OFFER_SCHEME}://?credential_offer_uri={quote(reference, safe='')}"
    text = json.dumps(offer, separators=(",", ":"), ensure_ascii=False)
    return f"{OFFER_SCHEME}://?credential_offer={quote(text, safe='')}"


def parse_offer_uri(uri: str) -> tuple[dict[str, Any] | None, str | None]:
    """``(offer, None)`` for an offer by value, ``(None, url)`` for one by reference.

    Raises:
        OAuthError: (``invalid_request``) not a Credential Offer URI, or both or neither
            parameter, or an offer that is not a JSON object.
    """
    if not isinstance(uri, str) or len(uri) > MAX_OFFER_URI:
        raise OAuthError("invalid_request", "the credential offer URI is missing or too long")
    parts = urlsplit(uri.strip())
    if parts.scheme not in (OFFER_SCHEME, "https", "http"):
        raise OAuthError("invalid_request", f"not a {OFFER_SCHEME}:// URI")
    query = parse_qs(parts.query, keep_blank_values=True)
    by_value, by_reference = query.get("credential_offer"), query.get("credential_offer_uri")
    if (by_value is None) == (by_reference is None):
        raise OAuthError(
            "invalid_request", "the URI needs one of credential_offer and credential_offer_uri"
        )
    if by_reference is not None:
        return None, by_reference[0]
    assert by_value is not None
    try:
        offer = json.loads(by_value[0])
    except ValueError:
        raise OAuthError("invalid_request", "credential_offer is not JSON") from None
    if not isinstance(offer, dict):
        raise OAuthError("invalid_request", "credential_offer is not a JSON object")
    return offer, None


def _qr(text: str) -> Any:
    try:
        import segno
    except ImportError:  # pragma: no cover - the [oid4vci] extra is missing
        raise ValueError("QR codes need segno: pip install 'microcred[oid4vci]'") from None
    return segno.make(text, error="m", micro=False)


def qr_png(text: str, *, scale: int = 6) -> bytes:
    """``text`` as a QR code PNG (``scale`` pixels per module, a 4-module quiet zone)."""
    out = io.BytesIO()
    _qr(text).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_svg(text: str, *, scale: int = 4) -> str:
    """``text`` as a QR code SVG document (no XML declaration)."""
    out = io.BytesIO()
    _qr(text).save(out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True)
    return out.getvalue().decode("utf-8")


def qr_terminal(text: str) -> str:
    """``text`` as a QR code drawn with block characters, for a terminal (two rows per line)."""
    matrix = [list(row) for row in _qr(text).matrix]
    width = len(matrix[0]) + 8
    blank = [0] * width
    rows = [blank] * 4 + [[0] * 4 + row + [0] * 4 for row in matrix] + [blank] * 5
    glyphs = {(0, 0): "\u2588", (1, 1): " ", (1, 0): "\u2584", (0, 1): "\u2580"}
    lines = []
    for top, bottom in zip(rows[0::2], rows[1::2], strict=False):
        lines.append(
            "".join(
                glyphs[(1 if a else 0, 1 if b else 0)] for a, b in zip(top, bottom, strict=True)
            )
        )
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Offer:
    """One Credential Offer, as :meth:`microcred.oid4vci.Issuer.create_offer` made it.

    Attributes:
        id: the offer's id (the last path segment of its URL when by reference).
        offer: the Credential Offer object (``credential_issuer``,
            ``credential_configuration_ids``, ``grants``).
        uri: the ``openid-credential-offer://`` URI to give the learner (a link or QR code).
        tx_code: the transaction code (PIN) to send the learner by another channel, if the
            offer asks for one. Never shown in ``repr``.
        expires: when the offer stops being redeemable (Unix seconds).
        by_reference: the URI carries the offer's URL, not the offer.
    """

    id: str
    offer: dict[str, Any]
    uri: str
    tx_code: str | None = field(default=None, repr=False)
    expires: int = 0
    by_reference: bool = False

    def qr_png(self, *, scale: int = 6) -> bytes:
        """The URI as a QR code PNG."""
        return qr_png(self.uri, scale=scale)

    def qr_svg(self, *, scale: int = 4) -> str:
        """The URI as a QR code SVG."""
        return qr_svg(self.uri, scale=scale)

    def qr_terminal(self) -> str:
        """The URI as a QR code for a terminal."""
        return qr_terminal(self.uri)

    def to_json(self) -> dict[str, Any]:
        """What ``POST /oid4vci/offers`` answers: ``id``, ``uri``, ``offer``, ``expires``,
        ``by_reference`` and ``tx_code`` when there is one."""
        answer: dict[str, Any] = {
            "id": self.id,
            "uri": self.uri,
            "offer": self.offer,
            "expires": self.expires,
            "by_reference": self.by_reference,
        }
        if self.tx_code is not None:
            answer["tx_code"] = self.tx_code
        return answer
