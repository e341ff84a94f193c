"""DPoP (RFC 9449): access tokens bound to a key the wallet proves at every request (HAIP 1.0
asks for it). A wallet that sends a ``DPoP`` proof to the token endpoint gets a token of type
``DPoP`` bound to that key's thumbprint (``jkt``); the credential endpoint then accepts the
token only as ``Authorization: DPoP <token>`` with a fresh proof by the same key over the
token (``ath``). ``IssuerConfig.dpop_required`` refuses tokens without DPoP.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from .._store import Store
from ..errors import MicrocredError, OAuthError
from ..jose import KEY_ALGORITHMS
from ..jose._jwt import _read_compact, _signing_input
from ..keys import KeyPair

__all__ = ["DPOP_ALGORITHMS", "check_dpop", "dpop_proof", "jwk_thumbprint"]

#: The ``alg`` values a DPoP proof may be signed with.
DPOP_ALGORITHMS = ("ES256", "ES384", "EdDSA")
#: The longest DPoP proof read.
MAX_DPOP_BYTES = 8 * 1024
#: The members of a public JWK its RFC 7638 thumbprint covers, per key type.
_THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x")}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public EC or OKP JWK (base64url).

    Raises:
        OAuthError: (``invalid_dpop_proof``) another key type, or a member missing.
    """
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None or not all(isinstance(jwk.get(m), str) for m in members):
        raise OAuthError("invalid_dpop_proof", "the DPoP key is not an EC or OKP public JWK")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode("utf-8")).digest())


def _fail(message: str) -> OAuthError:
    return OAuthError("invalid_dpop_proof", message)


def _proof_key(header: Mapping[str, Any]) -> tuple[KeyPair, str]:
    if header.get("typ") != "dpop+jwt":
        raise _fail("the DPoP proof's typ must be dpop+jwt")
    alg = header.get("alg")
    if alg not in DPOP_ALGORITHMS:
        raise _fail(f"the DPoP proof's alg must be one of {', '.join(DPOP_ALGORITHMS)}")
    jwk = header.get("jwk")
    if not isinstance(jwk, Mapping) or any(m in jwk for m in ("d", "p", "q", "k")):
        raise _fail("the DPoP proof's header needs the public key as jwk")
    try:
        key = KeyPair.from_jwk({k: v for k, v in jwk.items() if k != "kid"}, did_method="jwk")
    except MicrocredError as exc:
        raise _fail(f"the DPoP proof's jwk is unusable: {exc}") from None
    if alg not in KEY_ALGORITHMS[key.key_type]:
        raise _fail(f"alg {alg} does not fit the DPoP proof's {key.key_type} key")
    return key, str(alg)


def check_dpop(
    proof: str,
    *,
    method: str,
    url: str,
    now: int,
    max_age: int,
    store: Store,
    access_token: str | None = None,
) -> str:
    """Check a DPoP proof (RFC 9449 §4.3) for ``method url`` and return its key's thumbprint.

    Args:
        proof: the ``DPoP`` header's value.
        method: the request's method (``htm``).
        url: the endpoint's URL, without query or fragment (``htu``).
        now: the current time (Unix seconds); ``iat`` may be ``max_age`` old, a tenth of it
            in the future.
        store: where the proofs' ``jti`` are kept (``oid4vci.dpop``): a proof is used once.
        access_token: at a resource (the credential endpoint), the token it must cover
            (``ath``).

    Raises:
        OAuthError: ``invalid_dpop_proof`` naming what is wrong.
    """
    if not isinstance(proof, str) or not proof or len(proof) > MAX_DPOP_BYTES:
        raise _fail("one DPoP header with a compact JWT is expected")
    try:
        header, payload, segments = _read_compact(proof, max_bytes=MAX_DPOP_BYTES)
        signing_input = _signing_input(proof, segments, header)
    except MicrocredError as exc:
        raise _fail(f"the DPoP proof is not a compact JWS: {exc}") from None
    key, alg = _proof_key(header)
    if not key.verifier(alg).verify(signing_input, segments[2]):
        raise _fail("the DPoP proof's signature does not verify")
    if payload.get("htm") != method or payload.get("htu") != url:
        raise _fail(f"the DPoP proof is not for {method} {url} (htm, htu)")
    iat = payload.get("iat")
    skew = max(1, max_age // 10)
    if (
        isinstance(iat, bool)
        or not isinstance(iat, (int, float))
        or not (now - max_age <= iat <= now + skew)
    ):
        raise _fail("the DPoP proof's iat is missing or outside the accepted window")
    if access_token is not None:
        expected = _b64(hashlib.sha256(access_token.encode("ascii", "replace")).digest())
        if payload.get("ath") != expected:
            raise _fail("the DPoP proof's ath is not the access token's hash")
    jti = payload.get("jti")
    if not isinstance(jti, str) or not 0 < len(jti) <= 256:
        raise _fail("the DPoP proof has no jti")
    record = json.dumps({"expires": now + max_age + skew}).encode("utf-8")
    if not store.add("oid4vci.dpop", hashlib.sha256(jti.encode("utf-8")).hexdigest(), record):
        raise _fail("the DPoP proof was used before")
    return jwk_thumbprint(key.public_jwk())


def dpop_proof(
    key: KeyPair,
    *,
    method: str,
    url: str,
    access_token: str | None = None,
    issued_at: int | None = None,
) -> str:
    """A DPoP proof (RFC 9449 §4.2) by ``key`` for ``method url`` (and ``access_token``): the
    wallet's side, for tests and :func:`~microcred.oid4vci.redeem_offer`."""
    import secrets
    import time

    from ..jose._jwt import _algorithm, _sign

    alg = _algorithm(key, None)
    payload: dict[str, Any] = {
        "jti": secrets.token_urlsafe(16),
        "htm": method,
        "htu": url,
        "iat": issued_at or int(time.time()),
    }
    if access_token is not None:
        payload["ath"] = _b64(hashlib.sha256(access_token.encode("ascii")).digest())
    return _sign({"typ": "dpop+jwt", "alg": alg, "jwk": key.public_jwk()}, payload, key)
