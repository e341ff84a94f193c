"""The Authorization Request of OpenID4VP 1.0 (§5): its parameters, the ``openid4vp://`` URI
a wallet scans, and the signed Request Object (RFC 9101, ``typ: oauth-authz-req+jwt``).

Two client identifier prefixes (§5.9.3):

- ``x509_san_dns:<host>``: the request goes by reference (``request_uri``) as a Request
  Object signed with the key of an X.509 certificate (``x5c`` header) whose DNS subject
  alternative name is ``<host>``, the host of ``response_uri``.
- ``redirect_uri:<response_uri>``: "the Authorization Request MUST NOT be signed" (§5.9.3),
  so the request goes by value, its parameters in the URI.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from ..keys import KeyPair
from ._dcql import DcqlQuery

__all__ = [
    "PREFIXES",
    "REQUEST_TYP",
    "RESPONSE_MODES",
    "AuthorizationRequest",
    "certificate_dns_names",
    "sign_request_object",
]

#: The client identifier prefixes microcred's verifier speaks.
PREFIXES = ("x509_san_dns", "redirect_uri")
#: The response modes it accepts (§8.2, §8.3).
RESPONSE_MODES = ("direct_post", "direct_post.jwt")
#: The ``typ`` of a Request Object (RFC 9101 §10.8; OpenID4VP 1.0 §5.10).
REQUEST_TYP = "oauth-authz-req+jwt"
#: The ``aud`` of a Request Object to a wallet found by its scheme (§5.8, static discovery).
SELF_ISSUED = "https://self-issued.me/v2"


def new_secret() -> str:
    """A fresh random value (128 bits, base64url), for ids, nonces and states."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class AuthorizationRequest:
    """One request to a wallet.

    Attributes:
        id: the transaction's id (in ``request_uri`` and the status endpoint's URL).
        client_id: the verifier's client identifier, with its prefix.
        nonce: what the presentations must be bound to (KB-JWT ``nonce``, VP ``challenge``).
        state: what the wallet's response carries back.
        dcql: the DCQL query.
        response_mode: ``direct_post`` or ``direct_post.jwt``.
        response_uri: where the wallet posts its response.
        client_metadata: ``vp_formats_supported``, and for ``direct_post.jwt`` the ``jwks``
            with the key to encrypt to and ``encrypted_response_enc_values_supported``.
        request_uri: where the wallet fetches the Request Object (``None``: by value).
        expires: when the request expires (Unix seconds).
    """

    id: str
    client_id: str
    nonce: str
    state: str
    dcql: DcqlQuery
    response_mode: str
    response_uri: str
    client_metadata: Mapping[str, Any] = field(default_factory=dict)
    request_uri: str | None = None
    expires: int = 0

    def parameters(self) -> dict[str, Any]:
        """The request's parameters (the Request Object's claims, or the by-value query)."""
        return {
            "response_type": "vp_token",
            "client_id": self.client_id,
            "response_mode": self.response_mode,
            "response_uri": self.response_uri,
            "nonce": self.nonce,
            "state": self.state,
            "dcql_query": self.dcql.to_json(),
            "client_metadata": dict(self.client_metadata),
        }

    @property
    def uri(self) -> str:
        """The ``openid4vp://`` URI (what the QR code holds): ``client_id`` and
        ``request_uri`` when by reference, else every parameter (JSON ones as JSON text)."""
        if self.request_uri is not None:
            query = {"client_id": self.client_id, "request_uri": self.request_uri}
        else:
            query = {
                k: v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
                for k, v in self.parameters().items()
            }
        return "openid4vp://?" + urlencode(query)


def sign_request_object(
    request: AuthorizationRequest,
    key: KeyPair,
    certificates: Sequence[bytes],
    *,
    issued_at: int,
) -> str:
    """The signed Request Object of ``request``: header ``alg``, ``typ``
    ``oauth-authz-req+jwt`` and ``x5c`` (``certificates``, DER, leaf first); claims the
    request's parameters, ``aud`` ``https://self-issued.me/v2``, ``iat`` and ``exp``.
    """
    from ..jose._jwt import _algorithm, _sign

    header = {
        "alg": _algorithm(key, None),
        "typ": REQUEST_TYP,
        "x5c": [base64.b64encode(c).decode("ascii") for c in certificates],
    }
    claims = {
        **request.parameters(),
        "aud": SELF_ISSUED,
        "iat": issued_at,
        "exp": request.expires,
    }
    return _sign(header, claims, key)


def certificate_dns_names(der: bytes) -> list[str]:
    """The DNS subject alternative names of the certificate ``der``.

    Raises:
        ValueError: ``der`` is not an X.509 certificate.
    """
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return [str(n) for n in san.value.get_values_for_type(x509.DNSName)]


def host_of(url: str) -> str:
    """The host name of ``url`` (lower case)."""
    return (urlsplit(url).hostname or "").lower()
