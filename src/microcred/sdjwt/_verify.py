"""Checking an SD-JWT (RFC 9901 §7): the issuer's signature, time claims, the Key Binding JWT.

These are the building blocks both :func:`verify_sd_jwt` (for a caller who holds the
issuer's key) and the SD-JWT route of :func:`microcred.verify` use, so that the two never
disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import MicrocredError
from ..jose import DEFAULT_ALGORITHMS, KEY_ALGORITHMS, NEVER_ALGORITHMS
from ..keys import KeyPair, Verifier
from ._disclosure import SdJwtError
from ._token import Processed, SdJwt, decode_sd_jwt

__all__ = [
    "DEFAULT_KB_MAX_AGE",
    "check_alg",
    "check_key_binding",
    "holder_key_of",
    "time_checks",
    "verify_sd_jwt",
]

#: How old a KB-JWT's ``iat`` may be (RFC 9901 §7.3 step 5.5: "within an acceptable window").
DEFAULT_KB_MAX_AGE = timedelta(minutes=5)


def check_alg(alg: Any, algorithms: Iterable[str] | None, check: str) -> str:
    """``alg`` on the allowlist (default: the asymmetric set), never ``none`` or HMAC
    (RFC 9901 §7.1 step 2.2, §7.3 step 5.2).

    Raises:
        SdJwtError: (under ``check``) any other ``alg``.
    """
    allowed = set(algorithms or DEFAULT_ALGORITHMS) - NEVER_ALGORITHMS
    if not isinstance(alg, str) or alg not in allowed:
        raise SdJwtError(
            check, f"alg {alg!r} is not accepted (accepted: {', '.join(sorted(allowed))})"
        )
    return alg


def time_checks(
    payload: Mapping[str, Any], now: datetime, skew: timedelta
) -> list[tuple[str, str, str]]:
    """``iat``/``nbf``/``exp`` of the processed payload against ``now`` with ``skew``
    (RFC 9901 §7.1 step 6): ``(check id, status, message)`` for each claim present, the ids
    ``sdjwt.iat``, ``sdjwt.nbf``, ``sdjwt.exp``. An ``iat`` in the future is refused."""
    results = []
    moment = now.timestamp()
    tolerance = skew.total_seconds()
    for name in ("iat", "nbf", "exp"):
        if name not in payload:
            continue
        value = payload[name]
        check = f"sdjwt.{name}"
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            results.append((check, "failed", f"{name} is not a NumericDate"))
        elif name in ("iat", "nbf") and value > moment + tolerance:
            what = "issued in the future" if name == "iat" else "not valid yet"
            results.append((check, "failed", f"{what}: {name} is {_iso(value)}"))
        elif name == "exp" and value < moment - tolerance:
            results.append((check, "failed", f"expired at {_iso(value)}"))
        else:
            results.append((check, "passed", f"{name} {_iso(value)}"))
    return results


def _iso(value: float) -> str:
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return f"{value} (out of range)"


def holder_key_of(payload: Mapping[str, Any]) -> KeyPair:
    """The holder's public key from ``cnf.jwk`` (RFC 7800 §3.2, RFC 9901 §4.1.2).

    Raises:
        SdJwtError: (``sdjwt.kb``) no ``cnf.jwk``, or not a usable public JWK.
    """
    cnf = payload.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, Mapping) else None
    if not isinstance(jwk, Mapping):
        raise SdJwtError(
            "sdjwt.kb", "the SD-JWT names no holder key (cnf.jwk): key binding cannot be checked"
        )
    if any(m in jwk for m in ("d", "p", "q", "k")):
        raise SdJwtError("sdjwt.kb", "cnf.jwk is not a public JWK")
    try:
        return KeyPair.from_jwk({k: v for k, v in jwk.items() if k != "kid"}, did_method="jwk")
    except MicrocredError as exc:
        raise SdJwtError("sdjwt.kb", f"cnf.jwk is unusable: {exc}") from None


def check_key_binding(
    token: SdJwt,
    *,
    nonce: str | None,
    audience: str | None,
    now: datetime,
    max_clock_skew: timedelta = timedelta(minutes=5),
    max_age: timedelta = DEFAULT_KB_MAX_AGE,
    algorithms: Iterable[str] | None = None,
) -> str:
    """Check the KB-JWT of ``token`` (RFC 9901 §7.3 step 5): the holder key of ``cnf.jwk``,
    an accepted ``alg``, the signature, ``typ: kb+jwt``, ``iat`` within ``max_age`` (and not
    in the future beyond the skew), ``nonce`` and ``aud`` as the verifier expects (each is
    compared when given; a KB-JWT must carry both), and ``sd_hash`` over the presentation.

    Returns:
        A one-line summary of what was checked.

    Raises:
        SdJwtError: (``sdjwt.kb``) the first rule broken, or no KB-JWT.
    """
    kb = token.key_binding
    if kb is None:
        raise SdJwtError("sdjwt.kb", "key binding is required, but the SD-JWT has no KB-JWT")
    holder = holder_key_of(token.payload)
    if kb.header.get("typ") != "kb+jwt":
        raise SdJwtError(
            "sdjwt.kb", f"the KB-JWT's typ is {kb.header.get('typ')!r}, not 'kb+jwt' (§4.3)"
        )
    if "crit" in kb.header:
        raise SdJwtError("sdjwt.kb", "the KB-JWT has unsupported critical header parameters")
    alg = check_alg(kb.header.get("alg"), algorithms, "sdjwt.kb")
    if alg not in KEY_ALGORITHMS.get(holder.key_type, frozenset()):
        raise SdJwtError("sdjwt.kb", f"alg {alg} does not fit the holder's {holder.key_type} key")
    if not holder.verifier(alg).verify(kb.signing_input, kb.signature):
        raise SdJwtError("sdjwt.kb", "the KB-JWT's signature does not match the holder key (cnf)")
    payload = kb.payload
    for name in ("iat", "nonce", "aud", "sd_hash"):
        if name not in payload:
            raise SdJwtError("sdjwt.kb", f"the KB-JWT has no {name} claim (RFC 9901 §4.3)")
    iat = payload["iat"]
    if not isinstance(iat, (int, float)) or isinstance(iat, bool):
        raise SdJwtError("sdjwt.kb", "the KB-JWT's iat is not a NumericDate")
    moment = now.timestamp()
    if iat > moment + max_clock_skew.total_seconds():
        raise SdJwtError("sdjwt.kb", f"the KB-JWT was issued in the future ({_iso(iat)})")
    if iat < moment - (max_age + max_clock_skew).total_seconds():
        raise SdJwtError(
            "sdjwt.kb", f"the KB-JWT is too old (iat {_iso(iat)}, accepted age {max_age})"
        )
    if nonce is not None and payload["nonce"] != nonce:
        raise SdJwtError("sdjwt.kb", "the KB-JWT's nonce is not the expected one")
    if audience is not None:
        aud = payload["aud"]
        auds = aud if isinstance(aud, list) else [aud]
        if audience not in auds:
            raise SdJwtError("sdjwt.kb", "the KB-JWT's aud is not this verifier")
    for name in ("nonce", "sd_hash"):
        if not isinstance(payload[name], str):
            raise SdJwtError("sdjwt.kb", f"the KB-JWT's {name} is not a string")
    if payload["sd_hash"] != token.sd_hash():
        raise SdJwtError(
            "sdjwt.kb",
            "the KB-JWT's sd_hash does not match the presentation (the issuer-signed JWT and "
            "the disclosures as given, RFC 9901 §4.3.1)",
        )
    return f"KB-JWT {alg} by the holder key, iat {_iso(iat)}, nonce and aud as expected"


def verify_sd_jwt(
    text: str,
    issuer_key: KeyPair | Verifier,
    *,
    nonce: str | None = None,
    audience: str | None = None,
    require_key_binding: bool | None = None,
    now: datetime | None = None,
    max_clock_skew: timedelta = timedelta(minutes=5),
    kb_max_age: timedelta = DEFAULT_KB_MAX_AGE,
    algorithms: Iterable[str] | None = None,
    typ: str | None = None,
) -> Processed:
    """Verify an SD-JWT or SD-JWT+KB with a known issuer key (RFC 9901 §7.1 and §7.3).

    For credentials whose issuer key must be found (``kid``, ``x5c``, issuer metadata), use
    :func:`microcred.verify`, which reports each check; this function raises at the first.

    Args:
        text: the SD-JWT (``...~``) or SD-JWT+KB.
        issuer_key: the issuer's public key (a :class:`~microcred.keys.KeyPair`) or a verifier.
        nonce, audience: what the KB-JWT must carry. Passing a nonce requires key binding.
        require_key_binding: ``None``: required when ``nonce`` is given or a KB-JWT is there
            (a KB-JWT given is always checked).
        now: the moment of the time checks (default: now, UTC).
        max_clock_skew: tolerance of the time checks.
        kb_max_age: how old the KB-JWT's ``iat`` may be.
        algorithms: accepted ``alg`` values (never ``none`` or HMAC).
        typ: the ``typ`` header the issuer-signed JWT must have, if any.

    Returns:
        The processed claims with what was disclosed (:class:`~._token.Processed`).

    Raises:
        SdJwtError: the first check that fails; ``error.check`` names it.
    """
    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    token = decode_sd_jwt(text)
    if "crit" in token.header:
        raise SdJwtError("sdjwt.header", "unsupported critical header parameters")
    if typ is not None and token.header.get("typ") != typ:
        raise SdJwtError("sdjwt.header", f"typ is {token.header.get('typ')!r}, not {typ!r}")
    alg = check_alg(token.header.get("alg"), algorithms, "sdjwt.alg")
    if isinstance(issuer_key, KeyPair):
        if alg not in KEY_ALGORITHMS.get(issuer_key.key_type, frozenset()):
            raise SdJwtError(
                "sdjwt.alg", f"alg {alg} does not fit the issuer's {issuer_key.key_type} key"
            )
        verifier: Verifier = issuer_key.verifier(alg)
    else:
        verifier = issuer_key
    if not verifier.verify(token.signing_input, token.signature):
        raise SdJwtError("sdjwt.signature", "the issuer's signature does not match the SD-JWT")
    processed = token.process()
    for check, status, message in time_checks(processed.claims, moment, max_clock_skew):
        if status != "passed":
            raise SdJwtError(check, message)
    needs_kb = require_key_binding
    if needs_kb is None:
        needs_kb = nonce is not None or token.key_binding is not None
    if needs_kb or token.key_binding is not None:
        check_key_binding(
            token,
            nonce=nonce,
            audience=audience,
            now=moment,
            max_clock_skew=max_clock_skew,
            max_age=kb_max_age,
            algorithms=algorithms,
        )
    return processed
