"""The JWT route: a credential or presentation secured as a compact JWS.

Three forms are read, each with its own header rules (checked: ``jwt.header``):

* **VC JOSE-COSE 1.0** (``typ`` ``vc+jwt`` / ``vp+jwt``, ``cty`` ``vc`` / ``vp`` if present):
  the payload is the credential or presentation; the claims ``vc`` and ``vp`` must not be
  present (§3.1.1: "The JWT Claim Names vc and vp MUST NOT be present").
* **VC-JWT** (VC Data Model 1.1 §6.3.1, the form Open Badges 3.0 verifiers met first):
  ``typ`` ``JWT`` or absent, no ``cty``; exactly one of the claims ``vc`` (a credential) or
  ``vp`` (a presentation).
* **The Open Badges 3.0 JWT** (OB 3.0 §8.2 "JSON Web Token Proof Format", also CLR 2.0):
  ``typ`` ``JWT`` or absent, no ``vc`` claim; the payload is the credential with the
  registered claims beside its members (they are not part of the credential the later checks
  read: :func:`microcred.jose.credential_of_payload`).

For an Open Badges 3.0 / CLR 2.0 credential in either ``typ: JWT`` form the claims ``iss``,
``nbf``, ``jti`` and ``sub`` must be present when the credential has what they mirror (OB 3.0
§8.2.6.1: "The JSON object MUST have the iss claim, and the value MUST match the issuer.id");
in every form a registered claim that disagrees with the credential fails ``jwt.claims``.

Then: ``alg`` on the caller's allowlist (never ``none`` or HMAC); the key from ``kid``, under
the relationship of what is verified (``assertionMethod`` for a credential,
``authentication`` for a presentation: the token's claims never choose), or from an
embedded ``jwk`` header only when the caller allows it and it is the issuer's (holder's) own
``did:key``/``did:jwk``; the signature; registered claims mirroring the document and time
claims; the ``contexts`` check on the document. The pipeline's shared steps do the rest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from .._vc import holder_id, issuer_id, types_of
from ..errors import KeyMaterialError, MicrocredError
from ..jose import (
    DEFAULT_ALGORITHMS,
    KEY_ALGORITHMS,
    NEVER_ALGORITHMS,
    credential_of_payload,
    default_jwt_form,
    numeric_date,
    subject_id,
)
from ..jose._jwt import _read_compact, _signing_input
from ..keys import (
    KeyPair,
    Verifier,
    resolve_method,
)
from ..report import VerificationReport
from ._contexts import check_contexts
from ._options import VerifyOptions
from ._secured import Kind, Secured, Signature, relationship_for

__all__ = ["route", "verify_status_list_token"]

_JOSE_TYPES: dict[str, Kind] = {"vc+jwt": "credential", "vp+jwt": "presentation"}
_CLAIMS: dict[str, Kind] = {"vc": "credential", "vp": "presentation"}
_JWT_TYPES = ("jwt", "application/jwt")


def route(report: VerificationReport, token: str, options: VerifyOptions) -> Secured | None:
    """Verify the compact JWS ``token`` into ``report``.

    Returns:
        The secured document with the token's signature, or ``None`` when verification
        stops (the report says why).
    """
    token = token.strip()
    report.format = "jwt"
    try:
        header, payload, segments = _read_compact(token, max_bytes=options.limits.max_jwt_bytes)
    except MicrocredError as exc:
        report.add("format", "failed", f"malformed JWT: {exc}")
        return None
    read = _read_form(report, header, payload)
    if read is None:
        return None
    document, claim, kind = read

    alg = header.get("alg")
    allowed = set(options.algorithms or DEFAULT_ALGORITHMS) - NEVER_ALGORITHMS
    if not isinstance(alg, str) or alg not in allowed:
        report.add(
            "jwt.alg",
            "failed",
            f"alg {alg!r} is not accepted (accepted: {', '.join(sorted(allowed))})",
        )
        return None
    report.add("jwt.alg", "passed", alg)

    found = _key(report, header, payload, document, kind, alg, options)
    if found is None:
        return None
    verifier, signature = found
    try:
        signed = _signing_input(token, segments, header)
    except MicrocredError as exc:
        report.add("jwt.signature", "failed", f"signature cannot be checked: {exc}")
        return None
    if verifier is None or not verifier.verify(signed, segments[2]):
        report.add("jwt.signature", "failed", "signature does not match the token")
        return None
    report.add(
        "jwt.signature", "passed", f"signature verified with {signature.verification_method}"
    )

    if signature.controller is None:
        return None  # an embedded key nothing ties to the issuer: jwt.key said so
    _check_claims(report, header, payload, document, kind, claim, options)
    # a status claim (an IETF Token Status List reference) is a JWT claim, not a JSON-LD
    # term: the status check reads it, the contexts check reads the credential without it
    readable = (
        {k: v for k, v in document.items() if k != "status"} if _token_status(header) else document
    )
    if check_contexts(report, readable, options, signed_as_json=True) is None:
        return None
    return Secured(document, kind, [signature])


def _token_status(header: Mapping[str, Any]) -> bool:
    """A ``typ: JWT`` token (ob3, vc-jwt), whose ``status`` claim sits beside the credential."""
    typ = header.get("typ")
    return typ is None or (isinstance(typ, str) and typ.lower() in _JWT_TYPES)


#: Finds the key of an ``x5c`` header: ``(report, x5c, payload, alg, options)`` → the
#: verifier and who signed, or ``None`` after a check in ``report`` says why not.
X5cKey = Callable[
    [VerificationReport, Any, Mapping[str, Any], str, VerifyOptions],
    "tuple[Verifier | None, Signature] | None",
]


def verify_status_list_token(
    token: str, options: VerifyOptions, *, x5c_key: X5cKey | None = None
) -> dict[str, Any]:
    """The claims of an IETF Status List Token (``typ: statuslist+jwt``) whose signature
    verifies with the key its ``kid`` names, resolved as for a credential JWT (the caller's
    resolvers, ``assertionMethod``; ``alg`` on the allowlist, never ``none`` or HMAC:
    draft-ietf-oauth-status-list §5.1 "Relying parties MUST reject the JWT if it is using a
    Message Authentication Code (MAC) algorithm"), or, without a ``kid``, by its ``x5c``
    chain through ``x5c_key`` (the SD-JWT VC route's validation against the caller's trust
    anchors). An embedded ``jwk`` is not trusted here.

    Raises:
        MicrocredError: the token does not verify (the message says which check refused it).
    """
    scratch = VerificationReport()
    try:
        header, payload, segments = _read_compact(token, max_bytes=options.limits.max_jwt_bytes)
    except MicrocredError as exc:
        raise MicrocredError(f"malformed JWT: {exc}") from None
    if "crit" in header:
        raise MicrocredError("unsupported critical header parameters")
    alg = header.get("alg")
    allowed = set(options.algorithms or DEFAULT_ALGORITHMS) - NEVER_ALGORITHMS
    if not isinstance(alg, str) or alg not in allowed:
        raise MicrocredError(f"alg {str(alg)[:40]!r} is not accepted")
    if isinstance(header.get("kid"), str):
        found = _key(scratch, header, payload, payload, "credential", alg, options)
    elif "x5c" in header and x5c_key is not None:
        found = x5c_key(scratch, header["x5c"], payload, alg, options)
    else:
        raise MicrocredError("the token names no key (kid, or an x5c chain)")
    if found is None:
        problems = "; ".join(c.message for c in scratch.checks if c.status != "passed")
        raise MicrocredError(problems or "the key cannot be used")
    verifier, _signature = found
    try:
        signed = _signing_input(token, segments, header)
    except MicrocredError as exc:
        raise MicrocredError(f"signature cannot be checked: {exc}") from None
    if verifier is None or not verifier.verify(signed, segments[2]):
        raise MicrocredError("signature does not match the token")
    return payload


def _read_form(
    report: VerificationReport, header: Mapping[str, Any], payload: Mapping[str, Any]
) -> tuple[dict[str, Any], str | None, Kind] | None:
    """The document the token carries, the claim it is in (``None``: the payload), and its
    kind; ``None`` after a failed ``format`` or ``jwt.header`` check."""
    form = _header_form(report, header, payload)
    if form is None:
        return None
    document, claim, expected = form
    typ = header.get("typ")
    cty = header.get("cty")
    report.add("jwt.header", "passed", f"typ {typ or '(none)'}" + (f", cty {cty}" if cty else ""))
    kind = _document_kind(report, document, claim, expected, typ)
    if kind is None:
        return None
    report.add("format", "passed", f"{kind} as {report.format}")
    return document, claim, kind


def _header_form(
    report: VerificationReport, header: Mapping[str, Any], payload: Mapping[str, Any]
) -> tuple[Any, str | None, Kind | None] | None:
    """The ``jwt.header`` step: from ``typ``/``cty``/``crit``, the carried document, its claim
    and the kind the header announces; ``None`` after a failed ``jwt.header`` check."""
    typ = header.get("typ")
    media = typ.lower().removeprefix("application/") if isinstance(typ, str) else typ
    if "crit" in header:
        report.add(
            "jwt.header", "failed", f"unsupported critical header parameters: {header['crit']!r}"
        )
        return None
    if isinstance(media, str) and media in _JOSE_TYPES:
        return _secured_form(report, header, payload, _JOSE_TYPES[media])
    if media is None or media == "jwt":
        return _jwt_form(report, header, payload)
    report.add(
        "jwt.header",
        "failed",
        f"typ {typ!r} is not a credential or presentation token type (vc+jwt, vp+jwt, JWT)",
    )
    return None


def _secured_form(
    report: VerificationReport,
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    expected: Kind,
) -> tuple[Any, None, Kind] | None:
    """A ``vc+jwt``/``vp+jwt`` token: the payload is the document, without a ``vc``/``vp``
    claim, and ``cty`` (if any) fits ``typ``; ``None`` after a failed ``jwt.header`` check."""
    typ = header.get("typ")
    cty = header.get("cty")
    claims = [name for name in _CLAIMS if name in payload]
    report.format = "vc+jwt"
    if claims:
        report.add(
            "jwt.header",
            "failed",
            f"a {typ} token carries the {claims[0]!r} claim; VC JOSE-COSE 1.0 §3.1.1: "
            "the JWT claim names vc and vp MUST NOT be present",
        )
        return None
    wanted_cty = "vc" if expected == "credential" else "vp"
    if cty is not None and (not isinstance(cty, str) or cty.lower() != wanted_cty):
        report.add("jwt.header", "failed", f"cty {cty!r} does not fit typ {typ} ({wanted_cty})")
        return None
    return payload, None, expected


def _jwt_form(
    report: VerificationReport, header: Mapping[str, Any], payload: Mapping[str, Any]
) -> tuple[Any, str | None, Kind | None] | None:
    """A ``typ: JWT`` (or untyped) token: the document is in its ``vc`` or ``vp`` claim, or is
    the payload; ``None`` after a failed ``jwt.header`` check."""
    cty = header.get("cty")
    claims = [name for name in _CLAIMS if name in payload]
    if cty is not None:
        report.add("jwt.header", "failed", f"cty {cty!r} is not used by a typ JWT token")
        return None
    if len(claims) > 1:
        report.add("jwt.header", "failed", "the token carries both a vc and a vp claim")
        return None
    claim = claims[0] if claims else None
    expected = _CLAIMS[claim] if claim else None
    document = payload[claim] if claim else credential_of_payload(payload)
    if claim == "vc" and isinstance(document, dict) and "status" in payload:
        # the Token Status List reference is a claim of the token (§6.1), beside vc
        document = {**document, "status": payload["status"]}
    return document, claim, expected


def _document_kind(
    report: VerificationReport,
    document: Any,
    claim: str | None,
    expected: Kind | None,
    typ: Any,
) -> Kind | None:
    """The ``format`` step: the carried document is an object, a credential or presentation,
    of the kind the header announces (``expected``, if any); ``None`` after a failed check."""
    if not isinstance(document, dict):
        report.add("format", "failed", "the JWT carries no credential object")
        return None
    report.document = document
    types = types_of(document)
    kind: Kind | None = (
        "presentation"
        if "VerifiablePresentation" in types
        else "credential"
        if "VerifiableCredential" in types
        else None
    )
    if kind is None:
        report.add("format", "failed", "the JWT carries neither a credential nor a presentation")
        return None
    report.kind = kind
    if expected is not None and kind != expected:
        where = f"the {claim} claim" if claim else f"a {typ} token"
        report.add("format", "failed", f"{where} carries a {kind}, not a {expected}")
        return None
    return kind


def _key(
    report: VerificationReport,
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    document: Mapping[str, Any],
    kind: Kind,
    alg: str,
    options: VerifyOptions,
) -> tuple[Verifier | None, Signature] | None:
    """The verifier to check the signature with (``alg`` on the key) and who it is; ``None``
    after a failed ``jwt.key`` check."""
    relationship = relationship_for(kind)
    kid = header.get("kid")
    if isinstance(kid, str) and kid.startswith("#"):
        base = payload.get("iss") if isinstance(payload.get("iss"), str) else None
        kid = f"{base}{kid}" if base else kid
    if not isinstance(kid, str) or not kid:
        if "jwk" in header:
            return _embedded_key(report, header["jwk"], document, kind, alg, options)
        report.add(
            "jwt.key",
            "error",
            "the token names no key (no kid); the issuer's key cannot be obtained offline",
        )
        return None
    try:
        resolved = resolve_method(kid, options.resolver)
    except MicrocredError as exc:
        report.add_error("jwt.key", exc, f"cannot use kid {kid}: {exc.message}")
        return None
    try:
        key_type = resolved.key_type()  # rejects private material and malformed keys
        _check_key_member(resolved.method)
    except KeyMaterialError as exc:
        report.add("jwt.key", "failed", f"unusable key {kid}: {exc}")
        return None
    if alg not in KEY_ALGORITHMS.get(key_type, frozenset()):
        report.add("jwt.key", "failed", f"alg {alg} does not fit the {key_type} key {kid}")
        return None
    verifier = resolved.verifier(alg)
    if not resolved.authorized_for(relationship):
        report.add(
            "jwt.key", "failed", f"{kid} is not authorised for {relationship} by its controller"
        )
        return None
    report.add("jwt.key", "passed", f"{kid} ({key_type}, {relationship})")
    return verifier, Signature("$", kid, resolved.controller, relationship)


def _embedded_key(
    report: VerificationReport,
    embedded: Any,
    document: Mapping[str, Any],
    kind: Kind,
    alg: str,
    options: VerifyOptions,
) -> tuple[Verifier | None, Signature] | None:
    """The key of a ``jwk`` header: only when the caller allows it, and only as the key of
    the issuer's (holder's) own ``did:key`` or ``did:jwk``, which it then counts for."""
    if not options.allow_embedded_jwk:
        report.add(
            "jwt.key",
            "error",
            "the token names no kid, only an embedded jwk, which is "
            "not trusted unless allowed (allow_embedded_jwk=True)",
        )
        return None
    if not isinstance(embedded, dict) or any(m in embedded for m in ("d", "p", "q", "k")):
        report.add("jwt.key", "failed", "embedded jwk is not a public JWK")
        return None
    public = {k: v for k, v in embedded.items() if k != "kid"}
    try:
        owned = [KeyPair.from_jwk(public, did_method="jwk")]
        with contextlib.suppress(MicrocredError):  # RSA has no did:key here: did:jwk only
            owned.append(KeyPair.from_jwk(public, did_method="key"))
    except MicrocredError as exc:
        report.add("jwt.key", "failed", f"embedded jwk is unusable: {exc}")
        return None
    relationship = relationship_for(kind)
    owner = issuer_id(document) if kind == "credential" else holder_id(document)
    pair = next((p for p in owned if p.did == owner), None)
    if pair is None:
        label = "issuer" if kind == "credential" else "holder"
        report.add(
            "jwt.key",
            "error",
            f"the key is in an embedded jwk header, which counts only as the {label}'s own "
            f"did:key or did:jwk; the {label} {owner!r} is neither, and nothing else ties it "
            "to the key (the signature is still checked against it)",
        )
        # the signature is checked against the embedded key all the same: a token that does
        # not even match its own key is invalid, not merely indeterminate (an alg that does
        # not fit the key cannot match it)
        verifier: Verifier | None = None
        with contextlib.suppress(MicrocredError):
            verifier = owned[0].verifier(alg)
        return verifier, Signature("$", "embedded jwk", None, relationship)
    if alg not in KEY_ALGORITHMS.get(pair.key_type, frozenset()):
        report.add("jwt.key", "failed", f"alg {alg} does not fit the embedded {pair.key_type} key")
        return None
    report.add("jwt.key", "passed", f"embedded jwk (allowed): the key of {owner} ({pair.key_type})")
    return pair.verifier(alg), Signature("$", pair.verification_method, pair.did, relationship)


def _check_key_member(method: Mapping[str, Any]) -> None:
    """A JWT is checked with a key given as ``publicKeyJwk`` or ``publicKeyMultibase``."""
    if isinstance(method.get("publicKeyJwk"), dict):
        return
    if isinstance(method.get("publicKeyMultibase"), str):
        return
    raise KeyMaterialError("verification method has neither publicKeyJwk nor publicKeyMultibase")


def _check_claims(
    report: VerificationReport,
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    document: Mapping[str, Any],
    kind: Kind,
    claim: str | None,
    options: VerifyOptions,
) -> None:
    """Registered claims must mirror the document (``jwt.claims``); ``nbf``/``exp`` against
    ``now`` (``jwt.nbf``, ``jwt.exp``). An Open Badges 3.0 / CLR 2.0 credential in a
    ``typ: JWT`` token must also carry each claim whose credential value exists (OB 3.0
    §8.2.6.1)."""
    if kind == "credential":
        problems = _credential_claim_problems(header, payload, document, claim)
    else:
        problems = _presentation_claim_problems(payload, document, options)
    if problems:
        report.add("jwt.claims", "failed", "; ".join(problems))
    else:
        report.add(
            "jwt.claims",
            "passed",
            "registered claims agree with the "
            + ("presentation" if kind == "presentation" else "credential"),
        )
    _check_times(report, payload, options)


def _credential_claim_problems(
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    document: Mapping[str, Any],
    claim: str | None,
) -> list[str]:
    """What is wrong with the registered claims of a credential's token: each mirrors its
    credential value, and in an OB 3.0 / CLR 2.0 ``typ: JWT`` token is there when it has one."""
    mirrors = [
        ("iss", issuer_id(document)),
        ("sub", subject_id(document)),
        ("jti", document.get("id")),
        ("nbf", numeric_date(document.get("validFrom", document.get("issuanceDate")))),
        ("exp", numeric_date(document.get("validUntil", document.get("expirationDate")))),
    ]
    typ = header.get("typ")
    jwt_typed = typ is None or (isinstance(typ, str) and typ.lower() in _JWT_TYPES)
    required = jwt_typed and default_jwt_form(document) == "ob3"
    where = "the vc claim" if claim else "the payload"
    problems = []
    for name, expected in mirrors:
        if name in payload and expected is not None and payload[name] != expected:
            problems.append(f"{name} is {payload[name]!r} but the credential says {expected!r}")
        elif name in payload and expected is None and name in ("iss", "jti"):
            problems.append(f"{name} is present but the credential in {where} has no value")
        elif name not in payload and expected is not None and required:
            problems.append(
                f"the {name} claim is missing; the credential in {where} has the value it "
                "mirrors (OB 3.0 §8.2: iss, jti, nbf, sub required, exp with validUntil)"
            )
    return problems


def _presentation_claim_problems(
    payload: Mapping[str, Any], document: Mapping[str, Any], options: VerifyOptions
) -> list[str]:
    """What is wrong with the registered claims of a presentation's token: ``nonce`` is the
    expected challenge, ``aud`` names the expected domain, ``iss`` is the holder."""
    problems = []
    if options.challenge is not None and payload.get("nonce") != options.challenge:
        problems.append("nonce does not match the expected challenge")
    if options.domain is not None:
        expected_aud = [options.domain] if isinstance(options.domain, str) else list(options.domain)
        aud = payload.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        if not set(expected_aud) & {a for a in auds if isinstance(a, str)}:
            problems.append("aud does not match the expected domain")
    if payload.get("iss") is not None and payload.get("iss") != holder_id(document):
        problems.append("iss is not the presentation's holder")
    return problems


def _check_times(
    report: VerificationReport, payload: Mapping[str, Any], options: VerifyOptions
) -> None:
    """The ``jwt.nbf`` and ``jwt.exp`` checks: each present claim a NumericDate, and
    ``options.moment`` within them, give or take ``options.max_clock_skew``."""
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
    """``value`` (seconds) as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC (what ``strftime`` writes, the
    year unpadded as glibc's ``%Y``, without its cost), or saying it is out of range."""
    try:
        at = datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return f"{value} (out of range)"
    return f"{at.year}-{at.month:02}-{at.day:02}T{at.hour:02}:{at.minute:02}:{at.second:02}Z"
