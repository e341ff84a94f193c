"""The JWE of ``direct_post.jwt`` (OpenID4VP 1.0 §8.3): compact serialization, key agreement
``ECDH-ES`` (RFC 7518 §4.6, direct, Concat KDF) on P-256, content encryption ``A128GCM`` or
``A256GCM``; with ``cryptography``'s primitives."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from typing import Any

from ..errors import MicrocredError, OAuthError

__all__ = ["ENCRYPTION_VALUES", "decrypt", "encrypt", "new_key", "public_jwk"]

#: ``enc`` values accepted, with their key lengths (bytes).
ENCRYPTION_VALUES = {"A128GCM": 16, "A256GCM": 32}
#: Largest protected header (bytes, base64url).
MAX_HEADER = 4096


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    if not isinstance(text, str) or not all(c.isalnum() or c in "-_" for c in text):
        raise OAuthError("invalid_request", f"response: the JWE's {what} is not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key() -> dict[str, Any]:
    """A fresh P-256 private key as a JWK (the verifier's key for one request)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    numbers = ec.generate_private_key(ec.SECP256R1()).private_numbers()
    pub = numbers.public_numbers
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64(pub.x.to_bytes(32, "big")),
        "y": _b64(pub.y.to_bytes(32, "big")),
        "d": _b64(numbers.private_value.to_bytes(32, "big")),
    }


def public_jwk(jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The public members of an EC JWK."""
    return {k: jwk[k] for k in ("kty", "crv", "x", "y")}


def _public_key(jwk: Any) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(jwk, Mapping) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise OAuthError("invalid_request", "response: the JWE's epk is not a P-256 EC key")
    try:
        x = int.from_bytes(_unb64(jwk["x"], "epk"), "big")
        y = int.from_bytes(_unb64(jwk["y"], "epk"), "big")
        return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except (KeyError, ValueError, TypeError):
        raise OAuthError("invalid_request", "response: the JWE's epk is not on P-256") from None


def _private_key(jwk: Mapping[str, Any]) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    d = int.from_bytes(_unb64(jwk["d"], "key"), "big")
    return ec.derive_private_key(d, ec.SECP256R1())


def _content_key(shared: bytes, enc: str, apu: bytes, apv: bytes) -> bytes:
    """RFC 7518 §4.6.2: Concat KDF (SHA-256) with AlgorithmID = ``enc`` (direct agreement)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

    length = ENCRYPTION_VALUES[enc]

    def field(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    other = field(enc.encode()) + field(apu) + field(apv) + (length * 8).to_bytes(4, "big")
    return ConcatKDFHash(hashes.SHA256(), length, other).derive(shared)


def encrypt(
    payload: Mapping[str, Any], recipient: Mapping[str, Any], *, enc: str = "A128GCM"
) -> str:
    """``payload`` encrypted to ``recipient`` (a public P-256 JWK; its ``kid`` goes into the
    header), compact serialization.

    Raises:
        ValueError: an ``enc`` other than those of :data:`ENCRYPTION_VALUES`.
    """
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if enc not in ENCRYPTION_VALUES:
        raise ValueError(f"enc must be one of {', '.join(ENCRYPTION_VALUES)}")
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    numbers = ephemeral.public_key().public_numbers()
    epk = {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64(numbers.x.to_bytes(32, "big")),
        "y": _b64(numbers.y.to_bytes(32, "big")),
    }
    header: dict[str, Any] = {"alg": "ECDH-ES", "enc": enc, "epk": epk}
    if "kid" in recipient:
        header["kid"] = recipient["kid"]
    shared = ephemeral.exchange(ec.ECDH(), _public_key(recipient))
    key = _content_key(shared, enc, b"", b"")
    protected = _b64(json.dumps(header, separators=(",", ":")).encode())
    iv = os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, json.dumps(payload).encode(), protected.encode("ascii"))
    return ".".join([protected, "", _b64(iv), _b64(sealed[:-16]), _b64(sealed[-16:])])


def header_of(token: str) -> dict[str, Any]:
    """The protected header of a compact JWE (not decrypted).

    Raises:
        OAuthError: ``invalid_request``: not a compact JWE.
    """
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 5 or len(parts[0]) > MAX_HEADER:
        raise OAuthError("invalid_request", "response is not a compact JWE")
    try:
        header = json.loads(_unb64(parts[0], "header"))
    except (ValueError, UnicodeDecodeError):
        raise OAuthError("invalid_request", "response: the JWE header is not JSON") from None
    if not isinstance(header, dict):
        raise OAuthError("invalid_request", "response: the JWE header is not a JSON object")
    return header


def decrypt(token: str, key: Mapping[str, Any], *, max_bytes: int) -> dict[str, Any]:
    """The JSON object ``token`` (a compact JWE to ``key``, a private P-256 JWK) carries.

    Raises:
        OAuthError: ``invalid_request``: not a JWE of ``ECDH-ES`` with an accepted ``enc``,
            a JWE for another key, a tampered one, a payload that is not a JSON object.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header = header_of(token)
    protected, encrypted_key, iv, ciphertext, tag = token.split(".")
    enc = header.get("enc")
    if header.get("alg") != "ECDH-ES" or enc not in ENCRYPTION_VALUES or encrypted_key:
        raise OAuthError(
            "invalid_request",
            f"response: the JWE must use ECDH-ES with {'/'.join(ENCRYPTION_VALUES)}",
        )
    if "zip" in header or "crit" in header:
        raise OAuthError("invalid_request", "response: the JWE's zip/crit is not supported")
    shared = _private_key(key).exchange(ec.ECDH(), _public_key(header.get("epk")))
    apu = _unb64(header.get("apu", ""), "apu")
    apv = _unb64(header.get("apv", ""), "apv")
    content_key = _content_key(shared, str(enc), apu, apv)
    nonce = _unb64(iv, "iv")
    if len(nonce) != 12 or len(ciphertext) > max_bytes * 4 // 3 + 4:
        raise OAuthError("invalid_request", "response: the JWE's iv or size is not accepted")
    try:
        plain = AESGCM(content_key).decrypt(
            nonce, _unb64(ciphertext, "ciphertext") + _unb64(tag, "tag"), protected.encode()
        )
    except InvalidTag:
        raise OAuthError("invalid_request", "response: the JWE does not decrypt") from None
    from .._json import loads

    try:
        value = loads(plain)
    except (MicrocredError, RecursionError):
        raise OAuthError("invalid_request", "response: the JWE payload is not JSON") from None
    if not isinstance(value, dict):
        raise OAuthError("invalid_request", "response: the JWE payload is not a JSON object")
    return value
