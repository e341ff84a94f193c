"""Compact JWS for credentials: signing, and reading tokens without verifying them.

Three forms are signed (``jwt_form``):

* ``"ob3"`` (Open Badges 3.0 §8.2 "JSON Web Token Proof Format", also CLR 2.0): header
  ``{alg, kid, typ: "JWT"}`` and no other JOSE header ("Additional JOSE Headers are NOT
  allowed"); the payload **is** the credential, its members at the top level, with the
  registered claims ``iss`` (``issuer.id``), ``jti`` (``id``), ``nbf`` (``validFrom``),
  ``sub`` (``credentialSubject.id``) and ``exp`` (``validUntil``, when present) added. The
  default for Open Badges 3.0 and CLR 2.0 credentials.
* ``"vc-jwt"`` (VC Data Model 1.1 §6.3.1, what OB 3.0 drafts used): header
  ``{alg, kid, typ: "JWT"}``, the same registered claims (``nbf``/``exp`` from
  ``issuanceDate``/``expirationDate`` in VC 1.1) and the credential in the ``vc`` claim. The
  default for other credentials; kept for VC 1.1 credentials and older verifiers.
* ``"vc+jwt"`` (VC JOSE-COSE 1.0): header ``{alg, kid, typ: "vc+jwt", cty: "vc"}``, payload =
  the credential, no registered claims added.

This module is a codec: it holds no verification policy. Verifying a token (allowlists, keys,
the issuer's binding, claims, the credential inside) is the JWT route of the verification
pipeline, :mod:`microcred.verify`. Signatures are made by the key's own :class:`Signer`
(``cryptography``): the JWS signing input is ``BASE64URL(header) || "." || BASE64URL(payload)``
(RFC 7515 §5.1), ECDSA signatures in their fixed-width ``r || s`` form (RFC 7518 §3.4).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .. import _json
from .._vc import issuer_id, parse_datetime
from ..errors import InputTooLargeError, MalformedInputError
from ..keys import KeyPair

__all__ = [
    "DEFAULT_ALGORITHMS",
    "JWT_FORMS",
    "KEY_ALGORITHMS",
    "NEVER_ALGORITHMS",
    "REGISTERED_CLAIMS",
    "credential_of_payload",
    "credential_unverified",
    "decode_unverified",
    "default_jwt_form",
    "issue_jwt",
    "numeric_date",
    "present_jwt",
    "subject_id",
]

#: Algorithms accepted when the caller names none: asymmetric only.
DEFAULT_ALGORITHMS: tuple[str, ...] = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "ES256",
    "ES384",
    "EdDSA",
)
#: Never accepted, whatever an allowlist says: no signature, or a shared secret.
NEVER_ALGORITHMS = frozenset({"none", "HS256", "HS384", "HS512"})
#: The JWT forms :func:`issue_jwt` signs (see the module docs).
JWT_FORMS: tuple[str, ...] = ("ob3", "vc-jwt", "vc+jwt")
#: RFC 7519 §4.1 registered claim names: in an ``ob3`` token they sit beside the credential's
#: members and are not part of the credential (OB 3.0 §8.2: "Additional standard JWT Claims
#: Names are allowed, but their relationship to the credential is not defined").
REGISTERED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
#: The credential types that make ``ob3`` the default form (Open Badges 3.0, CLR 2.0).
_OB_TYPES = frozenset(
    {"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential", "ClrCredential"}
)
#: The ``alg`` values each key type signs with.
KEY_ALGORITHMS: dict[str, frozenset[str]] = {
    "Ed25519": frozenset({"EdDSA"}),
    "P-256": frozenset({"ES256"}),
    "P-384": frozenset({"ES384"}),
    "RSA": frozenset({"RS256", "RS384", "RS512", "PS256"}),
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


#: ``pybase64.b64decode`` once looked for, ``None`` when it is not installed (see _unb64).
_FAST_DECODER: list[Callable[..., bytes] | None] = []


def _fast_decoder() -> Callable[..., bytes] | None:
    if not _FAST_DECODER:
        try:
            from pybase64 import b64decode  # type: ignore[import-not-found,unused-ignore]

            _FAST_DECODER.append(b64decode)
        except ImportError:
            _FAST_DECODER.append(None)
    return _FAST_DECODER[0]


def _unb64(segment: str) -> bytes:
    """What ``base64.urlsafe_b64decode`` reads from the unpadded ``segment`` (it skips
    characters outside the alphabet: :func:`_canonical` tells whether there were any).

    With ``pybase64`` installed (the ``speed`` extra: a SIMD decoder, about ten times
    faster on a credential's payload), a segment of base64url's alphabet alone is decoded
    by it: it gives the same bytes; any other goes to the standard decoder, for its reading
    and its errors (``+`` and ``/``, which that decoder reads, pybase64 deprecates).

    Raises:
        MalformedInputError: padded, or not decodable.
    """
    if "=" in segment:
        raise MalformedInputError("base64url segment must not be padded")
    padded = segment + "=" * (-len(segment) % 4)
    fast = _fast_decoder()
    if fast is not None and "+" not in segment and "/" not in segment:
        with contextlib.suppress(ValueError):  # binascii.Error is a ValueError
            return fast(padded, altchars=b"-_", validate=True)
    try:
        return base64.urlsafe_b64decode(padded)
    except (binascii.Error, ValueError):
        raise MalformedInputError("segment is not valid base64url") from None


def _parts(token: str) -> tuple[str, str, str] | None:
    """``token.split(".")`` when that gives three segments (else ``None``), found with
    ``str.find``, which skips to each dot far faster than ``split`` walks a long token."""
    first = token.find(".")
    second = token.find(".", first + 1) if first >= 0 else -1
    if second < 0 or token.find(".", second + 1) >= 0:
        return None
    return token[:first], token[first + 1 : second], token[second + 1 :]


def _canonical(part: str, data: bytes) -> bool:
    """Whether ``part`` is exactly ``_b64(data)``, given that ``data`` is what :func:`_unb64`
    decoded from it (checked without encoding all of ``data`` again).

    The decoder skips characters outside the base64 alphabet, so ``part`` has exactly the
    length of ``data``'s unpadded encoding only when it skipped none; ``+`` and ``/`` (the
    standard alphabet's, which it reads like ``-`` and ``_``) are not base64url; and then
    every full group of four characters is the one encoding of its three bytes, so only the
    last, partial group can be spelled otherwise (bits beyond the data that are not zero).
    """
    size = len(data)
    whole = size - size % 3  # the bytes of the full groups
    return (
        len(part) == (4 * size + 2) // 3
        and "+" not in part
        and "/" not in part
        and _b64(data[whole:]) == part[whole // 3 * 4 :]
    )


def numeric_date(value: Any) -> int | None:
    """A ``dateTime`` string as a JWT NumericDate (seconds), or ``None`` if it is not one."""
    moment = parse_datetime(value)
    return int(moment.timestamp()) if moment is not None else None


def subject_id(document: Mapping[str, Any]) -> str | None:
    """The ``credentialSubject`` id a ``sub`` claim mirrors (one subject with an id), if any."""
    subject = document.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        return str(subject["id"])
    return None


def _sign(header: dict[str, Any], payload: Mapping[str, Any], key: KeyPair) -> str:
    protected = _b64(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    signing_input = f"{protected}.{body}"
    signature = key.signer(header["alg"]).sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64(signature)}"


def _algorithm(key: KeyPair, algorithm: str | None) -> str:
    allowed = KEY_ALGORITHMS[key.key_type]
    default = "RS256" if key.key_type == "RSA" else next(iter(allowed))
    chosen = algorithm or default
    if chosen not in allowed:
        raise ValueError(f"{chosen} does not fit a {key.key_type} key (use {sorted(allowed)})")
    return chosen


def default_jwt_form(document: Mapping[str, Any]) -> str:
    """The form :func:`issue_jwt` signs ``document`` in when the caller names none: ``"ob3"``
    for an Open Badges 3.0 or CLR 2.0 credential (a ``type`` among ``OpenBadgeCredential``,
    ``AchievementCredential``, ``EndorsementCredential``, ``ClrCredential``; VC 2.0 or VC 1.1
    context alike), ``"vc-jwt"`` for any other."""
    kinds = document.get("type")
    names = kinds if isinstance(kinds, list) else [kinds]
    return "ob3" if any(isinstance(n, str) and n in _OB_TYPES for n in names) else "vc-jwt"


def _registered(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The registered claims mirroring ``credential`` (OB 3.0 §8.2, VC 1.1 §6.3.1): ``iss``,
    ``sub``, ``nbf``, ``exp``, ``jti``, each when the credential has what it mirrors.

    Raises:
        ValueError: a validity date that is not a dateTime.
    """
    claims: dict[str, Any] = {}
    issuer = issuer_id(credential)
    if issuer is not None:
        claims["iss"] = issuer
    subject = subject_id(credential)
    if subject is not None:
        claims["sub"] = subject
    start = credential.get("validFrom", credential.get("issuanceDate"))
    if start is not None:
        nbf = numeric_date(start)
        if nbf is None:
            raise ValueError(f"validFrom/issuanceDate is not a dateTime: {start!r}")
        claims["nbf"] = nbf
    end = credential.get("validUntil", credential.get("expirationDate"))
    if end is not None:
        exp = numeric_date(end)
        if exp is None:
            raise ValueError(f"validUntil/expirationDate is not a dateTime: {end!r}")
        claims["exp"] = exp
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    return claims


def issue_jwt(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    jwt_form: str | None = None,
    algorithm: str | None = None,
    claims: Mapping[str, Any] | None = None,
) -> str:
    """Sign ``document`` as a compact JWS in one of :data:`JWT_FORMS` (see the module docs).

    Args:
        document: the credential (without a JWT proof).
        key: the issuer's key pair; ``kid`` is its verification method.
        jwt_form: ``"ob3"``, ``"vc-jwt"`` or ``"vc+jwt"``; ``None``: :func:`default_jwt_form`
            (``"ob3"`` for Open Badges 3.0 / CLR 2.0 credentials).
        algorithm: defaults to ``RS256`` for RSA (what OB 3.0 certification requires),
            ``EdDSA`` for Ed25519, ``ES256``/``ES384`` for P-256/P-384.
        claims: more JWT claims beside the credential (``"ob3"`` and ``"vc-jwt"`` only), for
            example ``{"status": microcred.status.token_status_entry(uri, idx)}`` (an IETF
            Token Status List reference, which the verifier checks). They may not replace a
            registered claim, ``vc``, or a member of the credential.

    Returns:
        The compact JWS.

    Raises:
        ValueError: unknown form, an algorithm that does not fit the key, a validity date that
            is not a dateTime, extra claims that collide or are given for ``"vc+jwt"``, or
            (``"ob3"``) a credential member named like a registered claim with another value
            than the claim.
    """
    alg = _algorithm(key, algorithm)
    credential = dict(document)
    form = default_jwt_form(credential) if jwt_form is None else jwt_form
    extra = dict(claims or {})
    if form == "vc+jwt":
        if extra:
            raise ValueError("vc+jwt takes no extra claims: its payload is the credential")
        header = {"alg": alg, "kid": key.verification_method, "typ": "vc+jwt", "cty": "vc"}
        return _sign(header, credential, key)
    if form not in JWT_FORMS:
        raise ValueError(f"unknown jwt_form {form!r}: use one of {', '.join(JWT_FORMS)}")
    registered = _registered(credential)
    header = {"alg": alg, "kid": key.verification_method, "typ": "JWT"}
    taken = set(REGISTERED_CLAIMS) | {"vc", "vp"} | (set(credential) if form == "ob3" else set())
    colliding = sorted(name for name in extra if name in taken)
    if colliding:
        raise ValueError(f"extra claim(s) collide with the token's own: {', '.join(colliding)}")
    if form == "vc-jwt":
        return _sign(header, {**registered, **extra, "vc": credential}, key)
    clashes = sorted(n for n in registered if n in credential and credential[n] != registered[n])
    if clashes or "vc" in credential:
        names = ", ".join(clashes or ["vc"])
        raise ValueError(f"the credential has member(s) named like a JWT claim: {names}")
    return _sign(header, {**credential, **registered, **extra}, key)


def present_jwt(
    credentials: Sequence[Mapping[str, Any] | str],
    holder_key: KeyPair,
    *,
    audience: str | None = None,
    nonce: str | None = None,
    algorithm: str | None = None,
) -> str:
    """A VP-JWT: claims ``iss`` (holder), ``aud``, ``nonce``, ``vp`` with the credentials."""
    alg = _algorithm(holder_key, algorithm)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder_key.did,
        "verifiableCredential": [c if isinstance(c, str) else dict(c) for c in credentials],
    }
    claims: dict[str, Any] = {"iss": holder_key.did}
    if audience is not None:
        claims["aud"] = audience
    if nonce is not None:
        claims["nonce"] = nonce
    claims["vp"] = vp
    return _sign(
        {"alg": alg, "kid": holder_key.verification_method, "typ": "JWT"}, claims, holder_key
    )


def decode_unverified(
    token: str, *, max_bytes: int = 1024 * 1024
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, WITHOUT checking the signature.

    Raises:
        MalformedInputError / InputTooLargeError: not a well-formed compact JWS.
    """
    header, payload, _ = _read_compact(token, max_bytes=max_bytes)
    return header, payload


def _read_compact(
    token: str, *, max_bytes: int = 1024 * 1024
) -> tuple[dict[str, Any], dict[str, Any], tuple[bytes, bytes, bytes]]:
    """Header, payload and the three decoded segments (header, payload, signature bytes) of
    a compact JWS, WITHOUT checking the signature: what :func:`decode_unverified` reads, with
    the bytes a verifier then checks the signature over (:func:`_signing_input`).

    Raises:
        MalformedInputError / InputTooLargeError: not a well-formed compact JWS.
    """
    if len(token) > max_bytes:
        raise InputTooLargeError(f"JWT is {len(token)} bytes, over the limit of {max_bytes}")
    parts = _parts(token.strip())
    if parts is None or not all(parts):
        raise MalformedInputError("a compact JWS has three non-empty dot-separated segments")
    raw_header = _unb64(parts[0])
    header = _json.loads(raw_header)
    raw_payload = _unb64(parts[1])
    payload = _json.loads(raw_payload)
    signature = _unb64(parts[2])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise MalformedInputError("JWS header and payload must be JSON objects")
    return header, payload, (raw_header, raw_payload, signature)


def _signing_input(
    token: str, segments: tuple[bytes, bytes, bytes], header: Mapping[str, Any]
) -> bytes:
    """The bytes the signature of ``token`` covers (RFC 7515 §5.2), from its decoded
    ``segments`` (:func:`_read_compact`) and ``header``.

    The token must be written canonically: every segment unpadded base64url (RFC 7515 §2) and
    exactly the encoding of its bytes, so that one signed token has one spelling. A ``b64``
    header (RFC 7797) must be a boolean; ``false`` puts the payload's bytes themselves in the
    signing input. A header that begins with a byte order mark is not a JWS header.

    Raises:
        MalformedInputError: the token is not written canonically, or ``b64`` is not a boolean.
    """
    parts = _parts(token.strip())
    if parts is None or not all(
        _canonical(part, data) for part, data in zip(parts, segments, strict=True)
    ):
        raise MalformedInputError("a segment is not written as unpadded canonical base64url")
    if segments[0].startswith(b"\xef\xbb\xbf"):
        raise MalformedInputError("the JWS header begins with a byte order mark")
    b64 = header.get("b64", True)
    if not isinstance(b64, bool):
        raise MalformedInputError("the b64 header parameter must be a boolean")
    if b64:
        return f"{parts[0]}.{parts[1]}".encode("ascii")
    return parts[0].encode("ascii") + b"." + segments[1]


def credential_unverified(token: str, *, max_bytes: int = 1024 * 1024) -> dict[str, Any]:
    """The credential a compact JWS carries, WITHOUT checking the signature: the ``vc`` claim
    of a ``typ: JWT`` token (``vc-jwt``), the payload without the registered claims of
    :data:`REGISTERED_CLAIMS` (``ob3``), or the payload (``vc+jwt``).

    Raises:
        MalformedInputError / InputTooLargeError: not a well-formed compact JWS.
    """
    header, payload = decode_unverified(token, max_bytes=max_bytes)
    typ = header.get("typ")
    media = typ.lower().removeprefix("application/") if isinstance(typ, str) else typ
    if media in ("vc+jwt", "vp+jwt"):
        return payload
    carried = payload.get("vc")
    if isinstance(carried, dict):
        return carried
    return credential_of_payload(payload)


def credential_of_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The credential of an ``ob3`` token's payload: the payload without the RFC 7519
    registered claims (:data:`REGISTERED_CLAIMS`), which OB 3.0 §8.2 adds beside the
    credential's own members."""
    return {k: v for k, v in payload.items() if k not in REGISTERED_CLAIMS}
