"""IETF Token Status List (draft-ietf-oauth-status-list): the Status List, the Status List
Token as a JWT, and the ``status`` claim of a Referenced Token (an SD-JWT VC or a JWT
credential).

What the draft says, and what this module does with it:

* §4 Status List: "Each status of a Referenced Token MUST be represented with a bit-size of
  1,2,4, or 8"; "The bits within an array are counted from least significant bit "0" to the
  most significant bit ("7")" (entry *i* of *b* bits occupies bits ``(i*b) % 8`` upwards of
  byte ``i*b // 8``: the opposite order of a Bitstring Status List); "The byte array is
  compressed using DEFLATE [RFC1951] with the ZLIB [RFC1950] data format. Implementations are
  RECOMMENDED to use the highest compression level available" (level 9 here).
* §4.2 JSON: ``status_list`` is ``{"bits", "lst"}`` (``lst`` "the base64url-encoded ... Status
  List") with an OPTIONAL ``aggregation_uri`` (later drafts).
* §5.1 Status List Token in JWT format: header ``typ`` "MUST be ``statuslist+jwt``"; claims
  ``sub`` ("the URI of the Status List Token. The value MUST be equal to that of the ``uri``
  claim contained in the ``status_list`` claim of the Referenced Token"), ``iat`` (REQUIRED),
  ``exp`` and ``ttl`` (OPTIONAL; ``ttl`` "the maximum amount of time, in seconds, that the
  Status List Token can be cached ... MUST be a positive number"), ``iss``, ``status_list``.
* §6 Referenced Token: ``status: {"status_list": {"idx", "uri"}}``; ``idx`` "a non-negative
  number", ``uri`` a URI.
* §7 Status Types: ``0x00`` VALID, ``0x01`` INVALID ("revoked ... irreversible"), ``0x02``
  SUSPENDED ("reversible"); ``0x03`` and others application-specific or reserved.

Decompression is bounded by ``Limits.max_status_list_bytes``, with the same bounded inflater as
the Bitstring Status Lists (:func:`microcred.status._bitstring.inflate_bounded`).

This module signs tokens and reads them without verifying; the signature and the key are
checked by the verification pipeline, which hands :func:`check_token_status` a callback (the
same layering as the Bitstring lists).
"""

from __future__ import annotations

import base64
import binascii
import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from .._vc import issuer_id
from ..errors import InputTooLargeError, MalformedInputError, MicrocredError
from ..jose._jwt import _algorithm, _sign, decode_unverified
from ..keys import KeyPair
from ..limits import DEFAULT_LIMITS, Limits
from ..report import VerificationReport
from ._bitstring import inflate_bounded

__all__ = [
    "INVALID",
    "STATUS_LIST_TOKEN_TYPE",
    "SUSPENDED",
    "VALID",
    "TokenStatusList",
    "TokenVerifier",
    "check_token_status",
    "decode_lst",
    "encode_lst",
    "read_status_list_token",
    "sign_status_list_token",
    "token_status_entry",
    "update_token_status",
]

#: The JOSE ``typ`` of a Status List Token (§5.1).
STATUS_LIST_TOKEN_TYPE = "statuslist+jwt"
#: §7.1 Status Types.
VALID, INVALID, SUSPENDED = 0x00, 0x01, 0x02
_STATUS_NAMES = {VALID: "VALID", INVALID: "INVALID", SUSPENDED: "SUSPENDED"}
_BITS = (1, 2, 4, 8)
#: The largest ``idx`` read (beyond any list the decompression bound allows).
_MAX_INDEX = 2**53

#: Verifies a Status List Token's signature and key: returns the verified claims, or raises a
#: MicrocredError saying why not (``indeterminate`` set when the key cannot be had).
TokenVerifier = Callable[[str], dict[str, Any]]


def status_name(value: int) -> str:
    """The §7 name of a status value (``0x03`` and up: application-specific or reserved)."""
    return _STATUS_NAMES.get(value, f"0x{value:02X} (application-specific or reserved)")


def encode_lst(data: bytes) -> str:
    """``lst``: ``data`` ZLIB-compressed (RFC 1950 DEFLATE, level 9) and base64url-encoded
    without padding (§4.1, §4.2)."""
    compressed = zlib.compress(bytes(data), 9)
    return base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_lst(lst: object, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The byte array an ``lst`` holds, decompression bounded by
    ``limits.max_status_list_bytes``.

    Raises:
        MalformedInputError: not an unpadded base64url string of one complete ZLIB stream, or
            an empty list.
        InputTooLargeError: over the input limit, or it decompresses to more than the limit
            (a decompression bomb).
    """
    if not isinstance(lst, str) or not lst:
        raise MalformedInputError("lst must be a non-empty base64url string")
    if len(lst) > limits.max_input_bytes:
        raise InputTooLargeError("lst is over the input size limit")
    if "=" in lst or not lst.replace("-", "").replace("_", "").isalnum() or not lst.isascii():
        raise MalformedInputError("lst is not unpadded base64url")
    try:
        compressed = base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4))
    except (binascii.Error, ValueError):
        raise MalformedInputError("lst is not base64url") from None
    data = inflate_bounded(
        compressed, wbits=zlib.MAX_WBITS, limits=limits, what="lst", stream="ZLIB"
    )
    if not data:
        raise MalformedInputError("the status list is empty")
    return data


@dataclass
class TokenStatusList:
    """A Token Status List in memory: ``bits`` per entry, entry 0 in the least significant
    bits of the first byte (§4.1)."""

    data: bytearray
    bits: int = 1

    def __post_init__(self) -> None:
        if self.bits not in _BITS:
            raise ValueError(f"bits must be 1, 2, 4 or 8, not {self.bits!r}")

    @classmethod
    def new(cls, size: int, bits: int = 1) -> TokenStatusList:
        """An all-VALID list with room for at least ``size`` entries.

        Raises:
            ValueError: ``size`` not positive, or ``bits`` not 1, 2, 4 or 8.
        """
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise ValueError("size must be a positive integer")
        if bits not in _BITS:
            raise ValueError(f"bits must be 1, 2, 4 or 8, not {bits!r}")
        return cls(bytearray(math.ceil(size * bits / 8)), bits)

    @classmethod
    def from_json(cls, status_list: object, *, limits: Limits = DEFAULT_LIMITS) -> TokenStatusList:
        """The list of a ``status_list`` claim (``{"bits", "lst", "aggregation_uri"?}``).

        Raises:
            MalformedInputError / InputTooLargeError: not such an object, or ``lst`` does not
                decode (see :func:`decode_lst`).
        """
        if not isinstance(status_list, Mapping):
            raise MalformedInputError("status_list must be a JSON object")
        bits = status_list.get("bits")
        if isinstance(bits, bool) or bits not in _BITS:
            raise MalformedInputError(f"status_list bits must be 1, 2, 4 or 8, not {bits!r}")
        aggregation = status_list.get("aggregation_uri")
        if aggregation is not None and not isinstance(aggregation, str):
            raise MalformedInputError("status_list aggregation_uri must be a string")
        return cls(bytearray(decode_lst(status_list.get("lst"), limits=limits)), int(bits))

    @property
    def size(self) -> int:
        """How many entries the list holds."""
        return len(self.data) * 8 // self.bits

    def _place(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError("a status index is an integer")
        if not 0 <= index < self.size:
            raise IndexError(f"status index {index} is outside the list (0..{self.size - 1})")
        position = index * self.bits
        return position // 8, position % 8

    def get(self, index: int) -> int:
        """The status value at ``index``.

        Raises:
            IndexError: ``index`` is outside the list.
        """
        byte, shift = self._place(index)
        return (self.data[byte] >> shift) & ((1 << self.bits) - 1)

    def set(self, index: int, value: int) -> None:
        """Set the status at ``index`` to ``value`` (``0 <= value < 2**bits``).

        Raises:
            IndexError: ``index`` is outside the list.
            ValueError: ``value`` does not fit in ``bits`` bits.
        """
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**self.bits:
            raise ValueError(f"status value {value!r} does not fit in {self.bits} bit(s)")
        byte, shift = self._place(index)
        mask = ((1 << self.bits) - 1) << shift
        self.data[byte] = (self.data[byte] & ~mask) | (value << shift)

    def to_json(self, *, aggregation_uri: str | None = None) -> dict[str, Any]:
        """The ``status_list`` claim."""
        claim: dict[str, Any] = {"bits": self.bits, "lst": encode_lst(bytes(self.data))}
        if aggregation_uri is not None:
            claim["aggregation_uri"] = aggregation_uri
        return claim


def _uri(value: object, what: str) -> str:
    if not isinstance(value, str) or not value or not urlsplit(value).scheme:
        raise ValueError(f"{what} must be an absolute URI")
    return value


def _numeric(value: datetime | int | None) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return int(moment.timestamp())
    raise TypeError("a time is a datetime or a NumericDate (int seconds)")


def token_status_entry(uri: str, index: int) -> dict[str, Any]:
    """The ``status`` claim of a Referenced Token pointing at entry ``index`` of the Status List
    Token published at ``uri`` (§6.1).

    >>> token_status_entry("https://uni.example/status/1", 7)
    {'status_list': {'idx': 7, 'uri': 'https://uni.example/status/1'}}

    Raises:
        ValueError: ``index`` negative or not an integer, ``uri`` not an absolute URI.
    """
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError("index must be a non-negative integer")
    return {"status_list": {"idx": index, "uri": _uri(uri, "uri")}}


def sign_status_list_token(
    status_list: TokenStatusList,
    key: KeyPair,
    *,
    uri: str,
    issuer: str | None = None,
    issued_at: datetime | int | None = None,
    expires: datetime | int | None = None,
    ttl: int | None = None,
    aggregation_uri: str | None = None,
    algorithm: str | None = None,
    x5c: Sequence[str] | None = None,
) -> str:
    """The Status List Token (JWT, §5.1) for ``status_list``, signed with ``key``.

    Args:
        status_list: the list.
        key: the status issuer's key; ``kid`` is its verification method.
        uri: where the token is published (``sub``; Referenced Tokens name it as ``uri``).
        issuer: ``iss`` (default: the key's controller, the credentials' issuer).
        issued_at: ``iat`` (default: now).
        expires: ``exp`` (optional).
        ttl: ``ttl`` in seconds (optional, positive).
        aggregation_uri: the ``status_list`` claim's ``aggregation_uri`` (optional).
        algorithm: the JWS ``alg`` (default by key type, as :func:`microcred.jose.issue_jwt`).
        x5c: the key's X.509 chain (base64 DER, leaf first; RFC 7515 §4.1.6): then the
            header carries ``x5c`` instead of ``kid`` (issuers whose keys are certified).

    Returns:
        The compact JWS, header ``{alg, kid, typ: "statuslist+jwt"}`` (or ``x5c`` for
        ``kid``).

    Raises:
        ValueError: a URI that is not absolute, a ``ttl`` that is not a positive integer,
            ``exp`` not after ``iat``, or an algorithm that does not fit the key.
    """
    alg = _algorithm(key, algorithm)
    iat = _numeric(issued_at if issued_at is not None else datetime.now(timezone.utc))
    claims: dict[str, Any] = {"sub": _uri(uri, "uri"), "iat": iat}
    claims["iss"] = issuer if issuer is not None else key.controller
    exp = _numeric(expires)
    if exp is not None:
        if iat is not None and exp <= iat:
            raise ValueError("exp must be after iat")
        claims["exp"] = exp
    if ttl is not None:
        if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0:
            raise ValueError("ttl must be a positive number of seconds")
        claims["ttl"] = ttl
    if aggregation_uri is not None:
        _uri(aggregation_uri, "aggregation_uri")
    claims["status_list"] = status_list.to_json(aggregation_uri=aggregation_uri)
    header: dict[str, Any] = {"alg": alg, "typ": STATUS_LIST_TOKEN_TYPE}
    if x5c is not None:
        if isinstance(x5c, str) or not x5c or not all(isinstance(c, str) for c in x5c):
            raise ValueError("x5c is a non-empty list of base64 DER certificates")
        header["x5c"] = list(x5c)
    else:
        header["kid"] = key.verification_method
    return _sign(header, claims, key)


def read_status_list_token(
    token: str, *, limits: Limits = DEFAULT_LIMITS
) -> tuple[dict[str, Any], TokenStatusList]:
    """The claims and the list of a Status List Token, WITHOUT checking the signature.

    Raises:
        MalformedInputError / InputTooLargeError: not a compact JWS, ``typ`` is not
            ``statuslist+jwt``, or the ``status_list`` claim does not decode.
    """
    header, claims = decode_unverified(token, max_bytes=limits.max_jwt_bytes)
    if not _is_token_type(header.get("typ")):
        raise MalformedInputError(
            f"typ {header.get('typ')!r} is not {STATUS_LIST_TOKEN_TYPE} (§5.1: the JWT type "
            "MUST be statuslist+jwt)"
        )
    return claims, TokenStatusList.from_json(claims.get("status_list"), limits=limits)


def _is_token_type(typ: object) -> bool:
    if not isinstance(typ, str):
        return False
    return typ.lower().removeprefix("application/") == STATUS_LIST_TOKEN_TYPE


def update_token_status(
    token: str,
    index: int,
    value: int,
    key: KeyPair,
    *,
    issued_at: datetime | int | None = None,
    expires: datetime | int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """The Status List Token ``token`` with entry ``index`` set to ``value`` (``VALID``,
    ``INVALID``, ``SUSPENDED``, ...), re-signed with ``key``: same ``sub``, ``iss``, ``ttl``
    and ``aggregation_uri``, a new ``iat`` (default now) and ``exp`` if given (else the
    old ``exp`` when it is still after the new ``iat``, else none).

    §7.1: INVALID "is irreversible": an entry that is INVALID is never set to anything else.

    The caller is responsible for trusting ``token`` (the CLI verifies it with the key first).

    Raises:
        MalformedInputError: ``token`` is not a Status List Token.
        IndexError: ``index`` is outside the list.
        ValueError: ``value`` does not fit, or the entry is INVALID (revoked) already and
            ``value`` is not INVALID.
    """
    claims, listed = read_status_list_token(token, limits=limits)
    if listed.get(index) == INVALID and value != INVALID:
        raise ValueError(f"entry {index} is INVALID (revoked), which is irreversible")
    listed.set(index, value)
    iat = _numeric(issued_at if issued_at is not None else datetime.now(timezone.utc))
    exp = _numeric(expires)
    old_exp = claims.get("exp")
    if exp is None and isinstance(old_exp, int) and iat is not None and old_exp > iat:
        exp = old_exp
    status_list = claims.get("status_list")
    aggregation = status_list.get("aggregation_uri") if isinstance(status_list, dict) else None
    ttl = claims.get("ttl")
    return sign_status_list_token(
        listed,
        key,
        uri=str(claims.get("sub")),
        issuer=claims.get("iss") if isinstance(claims.get("iss"), str) else None,
        issued_at=iat,
        expires=exp,
        ttl=ttl if isinstance(ttl, int) and not isinstance(ttl, bool) else None,
        aggregation_uri=aggregation if isinstance(aggregation, str) else None,
    )


def _referenced(entry: object) -> tuple[int, str] | str:
    """``(idx, uri)`` of a ``status.status_list`` reference, or why it is malformed."""
    if not isinstance(entry, Mapping):
        return "status.status_list must be a JSON object with idx and uri"
    idx = entry.get("idx")
    uri = entry.get("uri")
    if isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx <= _MAX_INDEX:
        return f"status.status_list.idx must be a non-negative integer, not {idx!r}"[:160]
    if not isinstance(uri, str) or not uri or not urlsplit(uri).scheme:
        return "status.status_list.uri must be a URI"
    return idx, uri


def _issuer_of(document: Mapping[str, Any]) -> str | None:
    iss = document.get("iss")
    return iss if isinstance(iss, str) else issuer_id(document)


def check_token_status(
    report: VerificationReport,
    document: Mapping[str, Any],
    *,
    fetcher: Any,
    verify_token: TokenVerifier,
    now: datetime,
    max_clock_skew: float = 300.0,
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    """Check the ``status.status_list`` reference of ``document``; one ``status`` check.

    Args:
        report: where the check goes.
        document: the credential or the SD-JWT VC claims (carrying ``status``).
        fetcher: a :class:`~microcred.status.StatusListFetcher`; ``fetch(uri)`` returns the
            Status List Token (a compact JWT string).
        verify_token: checks the token's signature and key (the pipeline's own key
            resolution) and returns its claims; raises a MicrocredError when it does not
            verify.
        now: the moment ``iat``/``exp``/``ttl`` are judged at; ``max_clock_skew`` seconds of
            tolerance.
        limits: bounds decompression of the list.

    Outcomes: VALID → ``passed``; INVALID → ``failed`` ("revoked"); SUSPENDED → ``failed``
    ("suspended"); another value → ``error`` naming it (microcred cannot interpret it); a
    token that cannot be had, does not verify, or is expired / stale → ``error``
    (indeterminate); a token for another ``uri`` or ``iss``, a malformed one, a bomb, or an
    ``idx`` outside the list → ``failed``.
    """
    path = "$.status.status_list"
    status = document.get("status")
    reference = _referenced(status.get("status_list") if isinstance(status, Mapping) else None)
    if isinstance(reference, str):
        report.add("status", "failed", reference, path)
        return
    index, uri = reference
    try:
        listed = fetcher.fetch(uri)
    except MicrocredError as exc:
        report.add("status", "error", f"status list token {uri} unavailable: {exc}", path)
        return
    if not isinstance(listed, str):
        report.add(
            "status",
            "error",
            f"status list {uri} is not a Status List Token (a signed statuslist+jwt)",
            path,
        )
        return
    try:
        _claims, tokens = read_status_list_token(listed, limits=limits)
    except InputTooLargeError as exc:
        report.add("status", "failed", f"status list token {uri} rejected: {exc}", path)
        return
    except MicrocredError as exc:
        report.add("status", "failed", f"status list token {uri} is malformed: {exc}", path)
        return
    try:
        verified = verify_token(listed)
    except MicrocredError as exc:
        report.add("status", "error", f"status list token {uri} does not verify: {exc}", path)
        return
    if verified.get("sub") != uri:
        report.add(
            "status",
            "failed",
            f"status list token sub {str(verified.get('sub'))[:120]!r} is not the uri the "
            f"credential names ({uri}; §5.1: MUST be equal)",
            path,
        )
        return
    expected_iss = _issuer_of(document)
    if verified.get("iss") != expected_iss:
        report.add(
            "status",
            "failed",
            f"status list token {uri} is issued by {str(verified.get('iss'))[:120]!r}, not by "
            "the credential's issuer",
            path,
        )
        return
    timing = _timing(verified, now.timestamp(), max_clock_skew)
    if timing is not None:
        report.add("status", "error", f"status list token {uri}: {timing}", path)
        return
    try:
        value = tokens.get(index)
    except IndexError as exc:
        report.add("status", "failed", f"{exc} of {uri}", path)
        return
    where = f"(index {index} of {uri})"
    if value == VALID:
        report.add("status", "passed", f"token status list: VALID {where}", path)
    elif value == INVALID:
        report.add("status", "failed", f"the credential is revoked: INVALID {where}", path)
    elif value == SUSPENDED:
        report.add("status", "failed", f"the credential is suspended: SUSPENDED {where}", path)
    else:
        report.add(
            "status",
            "error",
            f"the credential's status is {status_name(value)} {where}, which microcred cannot "
            "interpret",
            path,
        )


def _timing(claims: Mapping[str, Any], now: float, skew: float) -> str | None:
    """Why the token's ``iat``/``exp``/``ttl`` make it unusable now, or ``None``."""
    values = {}
    for name in ("iat", "exp", "ttl"):
        value = claims.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            return f"{name} is not a number"
        values[name] = float(value)
    if "iat" not in values:
        return "no iat (§5.1: REQUIRED)"
    if values["iat"] > now + skew:
        return "issued in the future (iat)"
    if "exp" in values and values["exp"] < now - skew:
        return "expired (exp); a fresh copy is needed"
    if "ttl" in values:
        if values["ttl"] <= 0:
            return "ttl must be a positive number"
        if values["iat"] + values["ttl"] < now - skew:
            return "older than its ttl; a fresh copy is needed (§5.1 ttl)"
    return None
