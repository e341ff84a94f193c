"""The JWS JSON serialization (RFC 7515 §7.2), with unencoded payloads (RFC 7797).

A JAdES signature of a European Digital Credential is a JWS in the JSON serialization: the
*general* form ``{"payload", "signatures": [{"protected", "header", "signature"}, ...]}`` or
the *flattened* form ``{"payload", "protected", "header", "signature"}`` (RFC 7515 §7.2.2;
"the signatures member MUST NOT be present" in it). This module reads either into
:class:`JwsJson` and computes each signature's signing input; it holds no JAdES policy (that
is :mod:`._jades`).

Rules applied here:

* every segment is unpadded base64url (RFC 7515 §2), strictly: another character fails;
* the protected header is a JSON object without duplicate names (RFC 7515 §5.2 step 4:
  "the JOSE Header MUST be ... a completely valid JSON object"), and no name is in both it
  and the unprotected ``header`` (§7.2.1: "the Header Parameter names in the two locations
  MUST be disjoint");
* ``b64`` (RFC 7797 §3) is read from the *protected* header only ("MUST be integrity
  protected"), must be a boolean, the same for every signature ("the b64 value MUST be the
  same for all signatures", §3), and when ``false`` must be listed in ``crit`` (§6); then the
  signing input is ``ASCII(BASE64URL(protected)) || "." || payload`` with the payload's
  bytes as they stand (UTF-8), else ``... || "." || payload`` where the payload is itself the
  base64url text;
* ``crit`` (RFC 7515 §4.1.11): a non-empty array of distinct strings, none a parameter RFC
  7515/7518 define, each present in the protected header; which names are understood is the
  caller's (:func:`check_crit`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import _json
from ..errors import JadesFormatError, MicrocredError
from ..limits import DEFAULT_LIMITS, Limits

__all__ = [
    "JwsJson",
    "JwsSignature",
    "b64url_decode",
    "b64url_encode",
    "check_crit",
    "is_jws_json",
    "read_jws_json",
]

#: The most signatures one general JWS may carry.
MAX_SIGNATURES = 8
#: The largest base64url protected header read (characters): an ``x5c`` chain of ten
#: certificates of 16 KiB each, and the time-stamp tokens of ``adoTst``, fit.
MAX_PROTECTED_CHARS = 512 * 1024

#: Header parameters RFC 7515 and RFC 7518 define: never allowed in ``crit`` (§4.1.11:
#: "Producers MUST NOT include Header Parameter names defined by this specification or
#: [JWA] for use with JWS").
_JOSE_NAMES = frozenset(
    {"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"}
)
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """``data`` as unpadded base64url (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, what: str) -> bytes:
    """Decode unpadded base64url strictly.

    Args:
        text: the base64url text.
        what: what it is, for the error message.

    Returns:
        The bytes.

    Raises:
        JadesFormatError: ``text`` is not unpadded base64url.
    """
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise JadesFormatError(f"{what} is not unpadded base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise JadesFormatError(f"{what} is not unpadded base64url") from None


@dataclass(frozen=True)
class JwsSignature:
    """One signature of a JWS JSON serialization.

    Attributes:
        index: its position (0 for the flattened form).
        path: where it is in the document (``$.signatures[0]``, or ``$`` when flattened).
        protected_b64: the protected header exactly as it stands (base64url).
        protected: the protected header, decoded.
        header: the unprotected header (``{}`` when absent).
        signature_b64: the signature exactly as it stands (base64url).
        signature: the signature's bytes.
    """

    index: int
    path: str
    protected_b64: str
    protected: dict[str, Any]
    header: dict[str, Any]
    signature_b64: str
    signature: bytes


@dataclass(frozen=True)
class JwsJson:
    """A JWS JSON serialization, read (not verified).

    Attributes:
        payload: the ``payload`` member exactly as it stands (base64url text, or the
            unencoded payload when ``b64`` is ``false``).
        encoded: whether the payload is base64url-encoded (``b64`` absent or ``true``).
        flattened: whether the document is in the flattened form.
        signatures: the signatures, in order.
    """

    payload: str
    encoded: bool
    flattened: bool
    signatures: list[JwsSignature] = field(default_factory=list)

    @property
    def payload_bytes(self) -> bytes:
        """The JWS Payload's octets: decoded from base64url, or the unencoded payload's UTF-8.

        Raises:
            JadesFormatError: an encoded payload that is not base64url.
        """
        if self.encoded:
            return b64url_decode(self.payload, "payload")
        return self.payload.encode("utf-8")

    def signing_input(self, signature: JwsSignature) -> bytes:
        """What ``signature`` signs: ``ASCII(protected) || "." || payload`` (RFC 7515 §5.2
        step 8, RFC 7797 §3: the payload as it stands, base64url or not)."""
        return signature.protected_b64.encode("ascii") + b"." + self.payload.encode("utf-8")


def is_jws_json(value: Any) -> bool:
    """Whether ``value`` has the shape of a JWS JSON serialization (a ``payload`` member and
    ``signatures`` or ``signature``); nothing is decoded."""
    return (
        isinstance(value, Mapping)
        and "payload" in value
        and ("signatures" in value or "signature" in value)
    )


def read_jws_json(value: Any, *, limits: Limits = DEFAULT_LIMITS) -> JwsJson:
    """Read a JWS JSON serialization (general or flattened) without verifying it.

    Args:
        value: the parsed JSON object.
        limits: the JSON depth limit applies to the decoded headers.

    Returns:
        The :class:`JwsJson`.

    Raises:
        JadesFormatError: not a JWS JSON serialization, or one that breaks a rule of
            RFC 7515 §7.2 / RFC 7797 (see the module docs), or over the limits.
    """
    if not isinstance(value, Mapping):
        raise JadesFormatError("a JWS JSON serialization is a JSON object")
    payload = value.get("payload")
    if not isinstance(payload, str) or not payload:
        raise JadesFormatError(
            "payload must be a non-empty string (a detached payload is not supported)"
        )
    flattened = "signatures" not in value
    if flattened:
        entries: list[Any] = [value]
    else:
        if "signature" in value or "protected" in value or "header" in value:
            raise JadesFormatError(
                "a general JWS JSON serialization has its signatures only in 'signatures'"
            )
        entries = value["signatures"]
        if not isinstance(entries, list) or not entries:
            raise JadesFormatError("signatures must be a non-empty array")
        if len(entries) > MAX_SIGNATURES:
            raise JadesFormatError(f"more than {MAX_SIGNATURES} signatures")
    signatures = [_read_signature(i, e, flattened, limits) for i, e in enumerate(entries)]
    encoded = {_b64_value(s) for s in signatures}
    if len(encoded) != 1:
        raise JadesFormatError("b64 must be the same for every signature (RFC 7797 §3)")
    is_encoded = encoded.pop()
    if is_encoded and not _B64URL.fullmatch(payload):
        raise JadesFormatError("payload is not base64url, and b64 is not false")
    return JwsJson(payload, is_encoded, flattened, signatures)


def _read_signature(index: int, entry: Any, flattened: bool, limits: Limits) -> JwsSignature:
    path = "$" if flattened else f"$.signatures[{index}]"
    if not isinstance(entry, Mapping):
        raise JadesFormatError(f"{path} is not a JSON object")
    protected_b64 = entry.get("protected")
    if not isinstance(protected_b64, str) or not protected_b64:
        raise JadesFormatError(f"{path}.protected must be a non-empty string")
    if len(protected_b64) > MAX_PROTECTED_CHARS:
        raise JadesFormatError(f"{path}.protected is over {MAX_PROTECTED_CHARS} characters")
    try:
        protected = _json.loads(b64url_decode(protected_b64, f"{path}.protected"), limits=limits)
    except JadesFormatError:
        raise
    except (MicrocredError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise JadesFormatError(f"{path}.protected is not a JSON object: {exc}") from None
    if not isinstance(protected, dict):
        raise JadesFormatError(f"{path}.protected is not a JSON object")
    header = entry.get("header", {})
    if not isinstance(header, dict):
        raise JadesFormatError(f"{path}.header must be a JSON object")
    both = sorted(set(protected) & set(header))
    if both:
        raise JadesFormatError(
            f"{path}: {', '.join(both)[:200]} in both the protected and the unprotected "
            "header (RFC 7515 §7.2.1: they MUST be disjoint)"
        )
    if "b64" in header:
        raise JadesFormatError(f"{path}: b64 must be in the protected header (RFC 7797 §3)")
    signature_b64 = entry.get("signature")
    if not isinstance(signature_b64, str) or not signature_b64:
        raise JadesFormatError(f"{path}.signature must be a non-empty string")
    signature = b64url_decode(signature_b64, f"{path}.signature")
    return JwsSignature(index, path, protected_b64, protected, header, signature_b64, signature)


def _b64_value(signature: JwsSignature) -> bool:
    value = signature.protected.get("b64", True)
    if not isinstance(value, bool):
        raise JadesFormatError(f"{signature.path}: b64 must be true or false (RFC 7797 §3)")
    if value is False and "b64" not in _crit_names(signature):
        raise JadesFormatError(
            f"{signature.path}: b64 is false, and crit does not list it (RFC 7797 §6: "
            "'the crit Header Parameter MUST be included with b64 in its set of values')"
        )
    return value


def _crit_names(signature: JwsSignature) -> list[str]:
    crit = signature.protected.get("crit", [])
    return [c for c in crit if isinstance(c, str)] if isinstance(crit, list) else []


def check_crit(signature: JwsSignature, understood: Collection[str]) -> list[str]:
    """Check the ``crit`` header parameter of ``signature`` (RFC 7515 §4.1.11).

    Args:
        signature: the signature.
        understood: the extension parameters the caller processes.

    Returns:
        The names ``crit`` lists (empty when absent).

    Raises:
        JadesFormatError: ``crit`` in the unprotected header ("MUST be integrity protected"),
            not a non-empty array of distinct strings, listing an RFC 7515/7518 name or one
            absent from the protected header, or one not in ``understood`` ("If any of the
            listed extension Header Parameters are not understood and supported by the
            recipient, then the JWS is invalid").
    """
    if "crit" in signature.header:
        raise JadesFormatError("crit must be in the protected header (RFC 7515 §4.1.11)")
    if "crit" not in signature.protected:
        return []
    crit = signature.protected["crit"]
    if (
        not isinstance(crit, list)
        or not crit
        or not all(isinstance(c, str) for c in crit)
        or len(set(crit)) != len(crit)
    ):
        raise JadesFormatError("crit must be a non-empty array of distinct names")
    for name in crit:
        if name in _JOSE_NAMES:
            raise JadesFormatError(f"crit lists {name!r}, a parameter RFC 7515/7518 define")
        if name not in signature.protected:
            raise JadesFormatError(f"crit lists {name[:80]!r}, absent from the protected header")
        if name not in understood:
            raise JadesFormatError(
                f"crit lists {name[:80]!r}, a header parameter this verifier does not process"
            )
    return list(crit)


def dumps_header(header: Mapping[str, Any]) -> str:
    """A header as compact JSON, base64url-encoded (for tests and producers)."""
    return b64url_encode(json.dumps(header, separators=(",", ":")).encode("utf-8"))
