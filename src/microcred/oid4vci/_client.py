"""A small OpenID4VCI wallet client: redeem a Credential Offer (pre-authorized code) with a
holder key. Used by the tests, the documentation and the 1,000-learner benchmark; HTTP is
injected (:class:`Http`), so nothing here opens a socket unless the caller hands it something
that does (:class:`UrllibHttp`, for a service the caller names).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from ..errors import OAuthError
from ..jose._jwt import _algorithm, _sign
from ..keys import KeyPair
from ._metadata import PROOF_TYP
from ._offer import PRE_AUTHORIZED_GRANT, parse_offer_uri

__all__ = ["Http", "Redeemed", "UrllibHttp", "key_proof", "redeem_offer"]

#: The largest response the client reads.
MAX_RESPONSE_BYTES = 4 * 1024 * 1024


class Http(Protocol):
    """One HTTP exchange: ``(status, body)`` of ``method url`` with ``headers`` and ``body``."""

    def __call__(
        self, method: str, url: str, *, headers: Mapping[str, str], body: bytes | None
    ) -> tuple[int, bytes]: ...


class UrllibHttp:
    """:class:`Http` over the standard library (``http``/``https`` to the URLs it is given;
    no redirects are followed)."""

    def __init__(self, *, timeout: float = 30.0) -> None:
        self.timeout = timeout

    def __call__(
        self, method: str, url: str, *, headers: Mapping[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        if not url.startswith(("https://", "http://")):
            raise OAuthError("invalid_request", "only http(s) URLs are fetched")
        request = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read(MAX_RESPONSE_BYTES)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(MAX_RESPONSE_BYTES)


@dataclass(frozen=True)
class Redeemed:
    """One credential received: its configuration id, ``format`` and the credential (a
    compact string, or a JSON object for ``ldp_vc``)."""

    configuration: str
    format: str
    credential: Any


def key_proof(
    holder: KeyPair,
    *,
    audience: str,
    nonce: str | None,
    issued_at: int | None = None,
    by: str = "jwk",
    typ: str = PROOF_TYP,
) -> str:
    """A ``jwt`` key proof (OpenID4VCI 1.0 Appendix F.1) signed with ``holder``.

    Args:
        holder: the holder's key pair (with its private key).
        audience: ``aud``, the Credential Issuer Identifier.
        nonce: the ``c_nonce`` from the nonce endpoint (``None``: no ``nonce`` claim).
        issued_at: ``iat`` (default: now).
        by: name the key by its public ``jwk`` or by ``kid`` (its did:key / did:jwk
            verification method).
        typ: the header's ``typ`` (tests give a wrong one).
    """
    alg = _algorithm(holder, None)
    header: dict[str, Any] = {"typ": typ, "alg": alg}
    if by == "jwk":
        header["jwk"] = holder.public_jwk()
    else:
        header["kid"] = holder.verification_method
    payload: dict[str, Any] = {"aud": audience, "iat": issued_at or int(time.time())}
    if nonce is not None:
        payload["nonce"] = nonce
    return _sign(header, payload, holder)


def _json(status: int, body: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise OAuthError("invalid_response", f"{what} answered {status} without a JSON object")
    if status >= 400:
        error = value.get("error")
        raise OAuthError(
            error if isinstance(error, str) else "invalid_response",
            str(value.get("error_description", f"{what} answered {status}")),
            status=status,
        )
    return value


def redeem_offer(
    uri: str,
    holder: KeyPair,
    *,
    http: Http,
    tx_code: str | None = None,
    configurations: Sequence[str] | None = None,
    by: str = "jwk",
) -> list[Redeemed]:
    """Redeem the Credential Offer ``uri`` (pre-authorized code) as a wallet does: read the
    offer (GET it when by reference) and the issuer's metadata, get an access token (with
    ``tx_code`` when the offer asks for one), then for each offered configuration a
    ``c_nonce`` and the credential, bound to ``holder`` by a key proof.

    Args:
        uri: the ``openid-credential-offer://`` URI.
        holder: the holder's key pair.
        http: how to talk to the issuer.
        tx_code: the transaction code the learner was sent.
        configurations: the configurations to fetch (default: every offered one).
        by: key proofs name the key by ``jwk`` or ``kid``.

    Returns:
        The credentials, in the offer's order.

    Raises:
        OAuthError: an endpoint refused (the issuer's error code and description), or
            answered something that is not the protocol's.
    """
    offer, reference = parse_offer_uri(uri)
    accept = {"Accept": "application/json"}
    if reference is not None:
        offer = _json(*http("GET", reference, headers=accept, body=None), "the offer URL")
    assert offer is not None
    issuer = offer.get("credential_issuer")
    grant = offer.get("grants", {}).get(PRE_AUTHORIZED_GRANT)
    if not isinstance(issuer, str) or not isinstance(grant, dict):
        raise OAuthError("invalid_request", "the offer has no pre-authorized code grant")
    well_known = f"{issuer.rstrip('/')}/.well-known/openid-credential-issuer"
    metadata = _json(*http("GET", well_known, headers=accept, body=None), "the issuer metadata")
    server = (metadata.get("authorization_servers") or [issuer])[0]
    oauth_url = f"{server.rstrip('/')}/.well-known/oauth-authorization-server"
    oauth = _json(*http("GET", oauth_url, headers=accept, body=None), "the AS metadata")
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": grant["pre-authorized_code"]}
    if tx_code is not None:
        form["tx_code"] = tx_code
    headers = {**accept, "Content-Type": "application/x-www-form-urlencoded"}
    token = _json(
        *http("POST", oauth["token_endpoint"], headers=headers, body=urlencode(form).encode()),
        "the token endpoint",
    )
    bearer = {**accept, "Authorization": f"Bearer {token['access_token']}"}
    supported = metadata["credential_configurations_supported"]
    received = []
    for configuration in configurations or offer["credential_configuration_ids"]:
        nonce = _json(
            *http("POST", metadata["nonce_endpoint"], headers=accept, body=b""),
            "the nonce endpoint",
        )["c_nonce"]
        proof = key_proof(holder, audience=issuer, nonce=nonce, by=by)
        request = {"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}}
        answer = _json(
            *http(
                "POST",
                metadata["credential_endpoint"],
                headers={**bearer, "Content-Type": "application/json"},
                body=json.dumps(request).encode("utf-8"),
            ),
            "the credential endpoint",
        )
        fmt = supported[configuration]["format"]
        received.append(Redeemed(configuration, fmt, answer["credentials"][0]["credential"]))
    return received
