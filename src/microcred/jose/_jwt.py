"""Issue and verify credentials as compact JWS.

Two forms:

* ``"vc-jwt"`` (Open Badges 3.0, VC 1.1 style): header ``{alg, kid, typ: "JWT"}``, claims
  ``iss`` (issuer id), ``sub`` (credentialSubject id), ``nbf`` (validFrom / issuanceDate),
  ``exp`` (validUntil / expirationDate, when present), ``jti`` (credential id) and ``vc``
  (the credential).
* ``"vc+jwt"`` (VC 2.0 JOSE): header ``{alg, kid, typ: "vc+jwt", cty: "vc"}``, payload = the
  credential.

Verification order: size → structure → ``alg`` on the caller's allowlist → key from ``kid``
(or an embedded ``jwk`` only when allowed) → signature → claims mirror the credential →
``nbf``/``exp`` → contexts (safe mode) → issuer controls the key → validity → status.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from jwcrypto import jwk as _jwk
from jwcrypto import jws as _jws

from .. import _json
from .._vc import holder_id, issuer_id
from ..errors import (
    DidResolutionError,
    KeyMaterialError,
    MalformedInputError,
    MicrocredError,
)
from ..keys import KeyPair, dereference, is_authorized, key_type_of_method, verifier_for_method
from ..proofs import parse_datetime
from ..report import VerificationReport

if TYPE_CHECKING:
    from .._verify import VerifyOptions

__all__ = [
    "DEFAULT_ALGORITHMS",
    "credential_unverified",
    "decode_unverified",
    "issue_jwt",
    "present_jwt",
    "verify_jwt_into",
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
_NEVER = {"none", "HS256", "HS384", "HS512"}
_KEY_ALGS = {
    "Ed25519": {"EdDSA"},
    "P-256": {"ES256"},
    "P-384": {"ES384"},
    "RSA": {"RS256", "RS384", "RS512", "PS256"},
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(segment: str) -> bytes:
    if "=" in segment:
        raise MalformedInputError("base64url segment must not be padded")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise MalformedInputError("segment is not valid base64url") from None


def _numeric_date(value: Any) -> int | None:
    moment = parse_datetime(value)
    return int(moment.timestamp()) if moment is not None else None


def _subject_id(document: Mapping[str, Any]) -> str | None:
    subject = document.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        return str(subject["id"])
    return None


def _sign(header: dict[str, Any], payload: Mapping[str, Any], key: KeyPair) -> str:
    token = _jws.JWS(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    token.allowed_algs = list(DEFAULT_ALGORITHMS)
    private = _jwk.JWK(**{k: v for k, v in key.private_jwk().items() if k != "kid"})
    token.add_signature(
        private, alg=header["alg"], protected=json.dumps(header, separators=(",", ":"))
    )
    compact: str = token.serialize(compact=True)
    return compact


def _algorithm(key: KeyPair, algorithm: str | None) -> str:
    allowed = _KEY_ALGS[key.key_type]
    default = "RS256" if key.key_type == "RSA" else next(iter(allowed))
    chosen = algorithm or default
    if chosen not in allowed:
        raise ValueError(f"{chosen} does not fit a {key.key_type} key (use {sorted(allowed)})")
    return chosen


def issue_jwt(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    jwt_form: str = "vc-jwt",
    algorithm: str | None = None,
) -> str:
    """Sign ``document`` as a compact JWS (see the module docs for the two forms).

    ``algorithm`` defaults to ``RS256`` for RSA (what OB 3.0 certification requires),
    ``EdDSA`` for Ed25519, ``ES256``/``ES384`` for P-256/P-384.

    Raises:
        ValueError: unknown form, or an algorithm that does not fit the key.
    """
    alg = _algorithm(key, algorithm)
    credential = dict(document)
    if jwt_form == "vc+jwt":
        header = {"alg": alg, "kid": key.verification_method, "typ": "vc+jwt", "cty": "vc"}
        return _sign(header, credential, key)
    if jwt_form != "vc-jwt":
        raise ValueError(f"unknown jwt_form {jwt_form!r}: use 'vc-jwt' or 'vc+jwt'")
    claims: dict[str, Any] = {}
    issuer = issuer_id(credential)
    if issuer is not None:
        claims["iss"] = issuer
    subject = _subject_id(credential)
    if subject is not None:
        claims["sub"] = subject
    start = credential.get("validFrom", credential.get("issuanceDate"))
    if start is not None:
        nbf = _numeric_date(start)
        if nbf is None:
            raise ValueError(f"validFrom/issuanceDate is not a dateTime: {start!r}")
        claims["nbf"] = nbf
    end = credential.get("validUntil", credential.get("expirationDate"))
    if end is not None:
        exp = _numeric_date(end)
        if exp is None:
            raise ValueError(f"validUntil/expirationDate is not a dateTime: {end!r}")
        claims["exp"] = exp
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    claims["vc"] = credential
    return _sign({"alg": alg, "kid": key.verification_method, "typ": "JWT"}, claims, key)


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
    if len(token) > max_bytes:
        from ..errors import InputTooLargeError

        raise InputTooLargeError(f"JWT is {len(token)} bytes, over the limit of {max_bytes}")
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise MalformedInputError("a compact JWS has three non-empty dot-separated segments")
    header = _json.loads(_unb64(parts[0]))
    payload = _json.loads(_unb64(parts[1]))
    _unb64(parts[2])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise MalformedInputError("JWS header and payload must be JSON objects")
    return header, payload


def credential_unverified(token: str, *, max_bytes: int = 1024 * 1024) -> dict[str, Any]:
    """The credential a compact JWS carries (the ``vc`` claim, or the payload of a ``vc+jwt``),
    WITHOUT checking the signature.

    Raises:
        MalformedInputError / InputTooLargeError: not a well-formed compact JWS.
    """
    _, payload = decode_unverified(token, max_bytes=max_bytes)
    carried = payload.get("vc")
    return carried if isinstance(carried, dict) else payload


def verify_jwt_into(report: VerificationReport, token: str, options: VerifyOptions) -> None:
    """Verify a compact JWS credential or presentation, adding checks to ``report``."""
    from .._verify import check_credential_body, check_embedded

    token = token.strip()
    report.format = "jwt"
    try:
        header, payload = decode_unverified(token, max_bytes=options.limits.max_jwt_bytes)
    except MicrocredError as exc:
        report.add("format", "failed", f"malformed JWT: {exc}")
        return
    if "vc" in payload or "vp" in payload:
        claim = "vc" if "vc" in payload else "vp"
        document = payload[claim]
    else:
        claim = None
        document = payload
        report.format = "vc+jwt"
    if not isinstance(document, dict):
        report.add("format", "failed", "the JWT carries no credential object")
        return
    report.document = document
    types = document.get("type")
    type_list = types if isinstance(types, list) else [types]
    report.kind = (
        "presentation"
        if "VerifiablePresentation" in type_list
        else "credential"
        if "VerifiableCredential" in type_list
        else "unknown"
    )
    if report.kind == "unknown":
        report.add("format", "failed", "the JWT carries neither a credential nor a presentation")
        return
    report.add("format", "passed", f"{report.kind} as {report.format}")

    alg = header.get("alg")
    allowed = set(options.algorithms or DEFAULT_ALGORITHMS) - _NEVER
    if not isinstance(alg, str) or alg not in allowed:
        report.add(
            "jwt.alg",
            "failed",
            f"alg {alg!r} is not accepted (accepted: {', '.join(sorted(allowed))})",
        )
        return
    report.add("jwt.alg", "passed", alg)
    crit = header.get("crit")
    if crit is not None:
        report.add("jwt.header", "failed", f"unsupported critical header parameters: {crit!r}")
        return

    key_result = _resolve_key(report, header, payload, document, alg, options)
    if key_result is None:
        return
    public_jwk, controller, vm_id = key_result
    try:
        parsed = _jws.JWS()
        parsed.allowed_algs = [alg]
        parsed.deserialize(token)
        parsed.verify(_jwk.JWK(**public_jwk), alg=alg)
    except Exception:  # jwcrypto raises several types for a bad signature or key
        report.add("jwt.signature", "failed", "signature does not match the token")
        return
    report.add("jwt.signature", "passed", f"signature verified with {vm_id or 'embedded jwk'}")

    _check_claims(report, payload, document, claim, options)

    from .._verify import _check_contexts

    quads = _check_contexts(report, document, options)
    if quads is False:
        return
    subject_id = issuer_id(document) if report.kind == "credential" else holder_id(document)
    label = "issuer" if report.kind == "credential" else "holder"
    if controller is None:
        report.add(
            label,
            "error",
            f"cannot tell whether {subject_id} controls the embedded "
            "jwk (no controller document for it)",
        )
    elif subject_id != controller:
        report.add(
            label,
            "failed",
            f"{label} {subject_id} is not the controller ({controller}) of the key {vm_id}",
            f"$.{label}",
        )
    else:
        report.add(label, "passed", f"{label} {subject_id} controls the signing key")
    if report.kind == "credential":
        check_credential_body(report, document, options)
    else:
        check_embedded(report, document, options)


def _resolve_key(
    report: VerificationReport,
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    document: Mapping[str, Any],
    alg: str,
    options: VerifyOptions,
) -> tuple[dict[str, Any], str | None, str | None] | None:
    """The public JWK, its controller and VM id for the token; None after a failed check."""
    kid = header.get("kid")
    if isinstance(kid, str) and kid.startswith("#"):
        base = payload.get("iss") if isinstance(payload.get("iss"), str) else None
        kid = f"{base}{kid}" if base else kid
    if not isinstance(kid, str) or not kid:
        if "jwk" in header:
            return _embedded_key(report, header["jwk"], document, options)
        report.add(
            "jwt.key",
            "error",
            "the token names no key (no kid); the issuer's key cannot be obtained offline",
        )
        return None
    try:
        method, controller_doc = dereference(kid, options.resolver)
    except DidResolutionError as exc:
        report.add("jwt.key", "error", f"cannot resolve kid {kid}: {exc}")
        return None
    except MicrocredError as exc:  # InvalidDidError and any other key problem
        report.add("jwt.key", "failed", f"invalid kid {kid}: {exc}")
        return None
    try:
        key_type = key_type_of_method(method)
        verifier_for_method(method)  # rejects private material and malformed keys
        public_jwk = _public_jwk_of(method)
    except KeyMaterialError as exc:
        report.add("jwt.key", "failed", f"unusable key {kid}: {exc}")
        return None
    if alg not in _KEY_ALGS.get(key_type, set()):
        report.add("jwt.key", "failed", f"alg {alg} does not fit the {key_type} key {kid}")
        return None
    if not is_authorized(
        str(method["id"]),
        controller_doc,
        "assertionMethod" if "vp" not in payload else "authentication",
    ):
        report.add("jwt.key", "failed", f"{kid} is not authorised for signing by its controller")
        return None
    controller = method.get("controller") or controller_doc.get("id")
    report.add("jwt.key", "passed", f"{kid} ({key_type})")
    return public_jwk, controller if isinstance(controller, str) else None, kid


def _embedded_key(
    report: VerificationReport,
    embedded: Any,
    document: Mapping[str, Any],
    options: VerifyOptions,
) -> tuple[dict[str, Any], str | None, str | None] | None:
    """The key of a ``jwk`` header, only when the caller allows it; its controller is known
    only when the issuer is the did:jwk of that very key."""
    if not options.allow_embedded_jwk:
        report.add(
            "jwt.key",
            "error",
            "the token names no kid, only an embedded jwk, which is "
            "not trusted unless allowed (allow_embedded_jwk=True)",
        )
        return None
    if not isinstance(embedded, dict) or any(m in embedded for m in ("d", "p", "q")):
        report.add("jwt.key", "failed", "embedded jwk is not a public JWK")
        return None
    try:
        pair = KeyPair.from_jwk({k: v for k, v in embedded.items() if k != "kid"}, did_method="jwk")
    except MicrocredError as exc:
        report.add("jwt.key", "failed", f"embedded jwk is unusable: {exc}")
        return None
    report.add("jwt.key", "passed", "key taken from the embedded jwk header (allowed)")
    issuer = issuer_id(document)
    controller = pair.did if issuer == pair.did else None
    return pair.public_jwk(), controller, pair.verification_method


def _public_jwk_of(method: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(method.get("publicKeyJwk"), dict):
        return {
            k: v
            for k, v in method["publicKeyJwk"].items()
            if k in ("kty", "crv", "x", "y", "n", "e")
        }
    multibase = method.get("publicKeyMultibase")
    if isinstance(multibase, str):
        return KeyPair.from_multikey(multibase).public_jwk()
    raise KeyMaterialError("verification method has neither publicKeyJwk nor publicKeyMultibase")


def _check_claims(
    report: VerificationReport,
    payload: Mapping[str, Any],
    document: Mapping[str, Any],
    claim: str | None,
    options: VerifyOptions,
) -> None:
    """Registered claims must mirror the credential; nbf/exp against ``now``."""
    problems = []
    if report.kind == "credential":
        mirrors = [
            ("iss", issuer_id(document)),
            ("sub", _subject_id(document)),
            ("jti", document.get("id")),
            ("nbf", _numeric_date(document.get("validFrom", document.get("issuanceDate")))),
            ("exp", _numeric_date(document.get("validUntil", document.get("expirationDate")))),
        ]
        for name, expected in mirrors:
            if name in payload and expected is not None and payload[name] != expected:
                problems.append(f"{name} is {payload[name]!r} but the credential says {expected!r}")
    else:
        if options.challenge is not None and payload.get("nonce") != options.challenge:
            problems.append("nonce does not match the expected challenge")
        if options.domain is not None:
            expected_aud = (
                [options.domain] if isinstance(options.domain, str) else list(options.domain)
            )
            aud = payload.get("aud")
            auds = aud if isinstance(aud, list) else [aud]
            if not set(expected_aud) & {a for a in auds if isinstance(a, str)}:
                problems.append("aud does not match the expected domain")
        if payload.get("iss") is not None and payload.get("iss") != holder_id(document):
            problems.append("iss is not the presentation's holder")
    if problems:
        report.add("jwt.claims", "failed", "; ".join(problems))
    else:
        report.add(
            "jwt.claims",
            "passed",
            "registered claims agree with the "
            + ("credential" if claim != "vp" else "presentation"),
        )
    now = options.moment.timestamp()
    skew = options.max_clock_skew.total_seconds()
    for name in ("nbf", "exp"):
        if name not in payload:
            continue
        value = payload[name]
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            report.add(f"jwt.{name}", "failed", f"{name} is not a NumericDate")
        elif name == "nbf" and value > now + skew:
            report.add("jwt.nbf", "failed", f"not valid before {_iso(value)}")
        elif name == "exp" and value < now - skew:
            report.add("jwt.exp", "failed", f"expired at {_iso(value)}")
        else:
            report.add(f"jwt.{name}", "passed", _iso(value))


def _iso(value: float) -> str:
    return datetime.fromtimestamp(value, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
