"""Issuing Bitstring Status Lists (W3C Bitstring Status List v1.0): entries for credentials,
the signed list credential, and updates of one entry (revoke, suspend, unsuspend).

An index says nothing about the learner it belongs to: :func:`allocate_index` draws it at
random (``secrets``) among the free ones, as §2.1 advises ("Implementations SHOULD assign
indexes randomly"), and a list has at least 131,072 entries (§2.2: "The uncompressed
bitstring MUST be at least 16KB in size"), so a verifier who sees one index learns nothing of
the others or of when it was given.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Collection, Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from .._issue import issue
from .._vc import format_datetime, issuer_id, parse_datetime, types_of
from ..errors import MalformedInputError
from ..keys import KeyPair
from ..limits import DEFAULT_LIMITS, Limits
from ._bitstring import MIN_LIST_BITS, Bitstring, decode_list

__all__ = [
    "LIST_TYPE",
    "StatusList",
    "allocate_index",
    "read_status_list",
    "set_status",
    "sign_status_list",
    "signed_status_list",
    "status_entries",
    "status_entry",
    "status_index",
    "status_list_credential",
    "update_status",
]

#: The ``type`` a Bitstring Status List credential carries (beside ``VerifiableCredential``).
LIST_TYPE = "BitstringStatusListCredential"

_ENTRY_TYPES = ("BitstringStatusListEntry", "StatusList2021Entry")
#: Random draws before :func:`allocate_index` lists the free indexes (a nearly full list).
_DRAWS = 64


def _list_url(url: object) -> str:
    if not isinstance(url, str):
        raise TypeError(f"the list URL must be a string, not {type(url).__name__}")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.fragment:
        raise ValueError(
            f"the status list URL must be an http(s) URL without a fragment, not {url[:120]!r}"
        )
    return url


def _moment(value: str | datetime | None, what: str) -> str:
    if value is None:
        return format_datetime(datetime.now(timezone.utc))
    if isinstance(value, datetime):
        return format_datetime(value)
    if parse_datetime(value, require_timezone=True) is None:
        raise ValueError(f"{what} {value!r} is not an ISO 8601 date-time with a time zone")
    return value


def status_entry(list_url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    """The ``credentialStatus`` entry (``BitstringStatusListEntry``) for entry ``index`` of the
    list at ``list_url``.

    >>> status_entry("https://uni.example/status/1", 7)["statusListIndex"]
    '7'
    """
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError("index must be a non-negative integer")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_entries(
    index: int, revocation_url: str, suspension_url: str | None = None
) -> list[dict[str, Any]]:
    """The ``credentialStatus`` of a credential at ``index``: a revocation entry in the list
    at ``revocation_url`` and, when ``suspension_url`` is given, a suspension entry at the same
    index of that list.

    >>> [e["statusPurpose"] for e in status_entries(3, "https://u.example/r", "https://u.example/s")]
    ['revocation', 'suspension']
    """
    entries = [status_entry(_list_url(revocation_url), index, "revocation")]
    if suspension_url is not None:
        if suspension_url == revocation_url:
            raise ValueError("the suspension list must be another list than the revocation list")
        entries.append(status_entry(_list_url(suspension_url), index, "suspension"))
    return entries


def allocate_index(used: Collection[int], size: int = MIN_LIST_BITS) -> int:
    """A uniformly random index in ``range(size)`` that is not in ``used`` (from ``secrets``).

    ``used`` is read as a set: pass a :class:`set` (and add each new index to it) when
    allocating many, to avoid a copy per call. Values outside the range are ignored.

    Raises:
        ValueError: ``size`` is not positive, or every index is used (the list is full).
    """
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise ValueError("size must be a positive integer")
    taken: Set[int] = used if isinstance(used, Set) else set(used)
    for _ in range(_DRAWS):
        index = secrets.randbelow(size)
        if index not in taken:
            return index
    free = [i for i in range(size) if i not in taken]
    if not free:
        raise ValueError(f"the status list is full: all {size} indexes are used")
    return secrets.choice(free)


def status_list_credential(
    issuer: str,
    list_url: str,
    bitstring: Bitstring,
    *,
    purpose: str = "revocation",
    valid_from: str | None = None,
    valid_until: str | None = None,
    ttl: int | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` (VC 2.0) carrying ``bitstring``.

    ``ttl`` is the list's "time to live" in milliseconds before a verifier should fetch it
    again (§2.2; it does not change the list's validity period, ``valid_from`` /
    ``valid_until``).
    """
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": bitstring.encode(),
    }
    if bitstring.status_size != 1:
        subject["statusSize"] = bitstring.status_size
    if ttl is not None:
        if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0:
            raise ValueError("ttl is a positive number of milliseconds")
        subject["ttl"] = ttl
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_TYPE],
        "issuer": issuer,
        "credentialSubject": subject,
    }
    if valid_from is not None:
        credential["validFrom"] = valid_from
    if valid_until is not None:
        credential["validUntil"] = valid_until
    return credential


@dataclass(frozen=True)
class StatusList:
    """What a ``BitstringStatusListCredential`` says (read by :func:`read_status_list`; its
    proof is not checked here)."""

    url: str
    issuer: str
    purposes: tuple[str, ...]
    bits: Bitstring = field(repr=False)

    @property
    def entries(self) -> int:
        """How many entries the list has."""
        return self.bits.entries

    def get(self, index: int) -> int:
        """The status at ``index`` (0: not set).

        Raises:
            ValueError: ``index`` is outside the list.
        """
        self._check(index)
        return self.bits.get(index)

    def _check(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError("index must be an integer")
        if not 0 <= index < self.entries:
            raise ValueError(
                f"status index {index} is outside the list {self.url} (0..{self.entries - 1})"
            )


def _subject(credential: Mapping[str, Any]) -> dict[str, Any]:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, dict):
        raise MalformedInputError("a status list credential has one credentialSubject object")
    return subject


def read_status_list(
    credential: Mapping[str, Any], *, limits: Limits = DEFAULT_LIMITS
) -> StatusList:
    """Read a ``BitstringStatusListCredential`` (a JSON object, signed or not).

    Raises:
        MalformedInputError: not such a credential (its type, id, issuer, subject type,
            ``statusPurpose`` or ``encodedList`` is wrong or missing), or a list shorter than
            the specification's 131,072 entries; the message names what.
        InputTooLargeError: the list decompresses beyond ``limits.max_status_list_bytes``.
    """
    if not isinstance(credential, Mapping):
        raise MalformedInputError("a status list credential is a JSON object")
    if LIST_TYPE not in types_of(credential):
        raise MalformedInputError(f"the credential's type does not include {LIST_TYPE}")
    url = credential.get("id")
    if not isinstance(url, str) or not url:
        raise MalformedInputError("the status list credential has no id (the URL it is at)")
    issuer = issuer_id(credential)
    if not issuer:
        raise MalformedInputError("the status list credential has no issuer")
    subject = _subject(credential)
    if subject.get("type") != "BitstringStatusList":
        raise MalformedInputError("the list's credentialSubject.type must be BitstringStatusList")
    purpose = subject.get("statusPurpose")
    purposes = tuple(purpose) if isinstance(purpose, list) else (purpose,)
    if not purposes or not all(isinstance(p, str) and p for p in purposes):
        raise MalformedInputError("the list's statusPurpose must be one or more strings")
    size = subject.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 8:
        raise MalformedInputError(f"unsupported statusSize {size!r}")
    bits = Bitstring(bytearray(decode_list(subject.get("encodedList"), limits=limits)), size)
    if bits.entries < MIN_LIST_BITS:
        raise MalformedInputError(
            f"the list has {bits.entries} entries, fewer than the {MIN_LIST_BITS} "
            "Bitstring Status List requires"
        )
    return StatusList(url, issuer, tuple(str(p) for p in purposes), bits)


def _index_of(value: object) -> int:
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 19:
        raise ValueError(f"statusListIndex must be a base-10 string of digits, not {value!r}")
    return int(value)


def status_index(credential: Mapping[str, Any], list_url: str) -> int:
    """The index the credential has in the list at ``list_url`` (the ``statusListIndex`` of
    its entry whose ``statusListCredential`` is that URL; fragments are ignored).

    Raises:
        ValueError: the credential has no entry in that list, a malformed index, or entries
            with different indexes in it.
    """
    status = credential.get("credentialStatus")
    entries: Iterable[Any] = status if isinstance(status, list) else [status]
    wanted = list_url.split("#", 1)[0]
    found = set()
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("type") not in _ENTRY_TYPES:
            continue
        url = entry.get("statusListCredential")
        if isinstance(url, str) and url.split("#", 1)[0] == wanted:
            found.add(_index_of(entry.get("statusListIndex")))
    if not found:
        raise ValueError(f"the credential has no status entry in the list {wanted}")
    if len(found) > 1:
        raise ValueError(f"the credential has entries at several indexes of {wanted}")
    return found.pop()


def set_status(
    list_credential: Mapping[str, Any],
    index: int,
    value: bool,
    *,
    valid_from: str | datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """A new, UNSIGNED copy of ``list_credential`` with entry ``index`` set (``value=True``)
    or cleared; sign it with :func:`sign_status_list` (or use :func:`update_status`).

    The copy keeps the list's id, issuer, purpose and every other member; its proof is
    dropped; ``validFrom`` becomes ``valid_from`` (default: now), and a ``validUntil`` keeps the
    list's validity period from the new ``validFrom``. The input is not modified.

    Raises:
        MalformedInputError: not a Bitstring Status List credential (see
            :func:`read_status_list`).
        ValueError: ``index`` outside the list; a list of entries wider than one bit;
            clearing an entry of a revocation list (revocation "is not reversible", §2.1).
    """
    listed = read_status_list(list_credential, limits=limits)
    listed.get(index)
    if listed.bits.status_size != 1:
        raise ValueError("set_status changes lists of 1-bit entries only")
    if not value and "revocation" in listed.purposes and listed.bits.get(index):
        raise ValueError(
            f"index {index} is revoked, and revocation is not reversible "
            "(Bitstring Status List v1.0 §2.1)"
        )
    bits = Bitstring(bytearray(listed.bits.data), 1)
    bits.set(index, 1 if value else 0)
    updated = copy.deepcopy(dict(list_credential))
    updated.pop("proof", None)
    subject = updated["credentialSubject"]
    subject = subject[0] if isinstance(subject, list) else subject
    subject["encodedList"] = bits.encode()
    start = _moment(valid_from, "valid_from")
    before = parse_datetime(list_credential.get("validFrom"))
    until = parse_datetime(list_credential.get("validUntil"))
    if before is not None and until is not None:
        period = until - before
        moment = parse_datetime(start)
        assert moment is not None  # checked by _moment
        updated["validUntil"] = format_datetime(moment + period)
    updated["validFrom"] = start
    return updated


def sign_status_list(
    list_credential: Mapping[str, Any],
    key: KeyPair,
    *,
    suite: str | None = None,
    created: str | datetime | None = None,
) -> dict[str, Any]:
    """Sign an unsigned status list credential with ``key`` (Data Integrity).

    ``suite`` defaults to the key's (:func:`microcred._issue.default_suite`); ``created``
    (the proof's time) to the list's ``validFrom``, else now.

    Raises:
        MalformedInputError: not a Bitstring Status List credential.
        ValueError: the list's issuer is not the key's controller, or it already has a proof.
    """
    listed = read_status_list(list_credential)
    if "proof" in list_credential:
        raise ValueError("the status list already has a proof (update it with set_status)")
    if listed.issuer != key.controller:
        raise ValueError(
            f"the list is issued by {listed.issuer}, not by the key's controller {key.controller}"
        )
    moment = created if created is not None else list_credential.get("validFrom")
    signed: dict[str, Any] = issue(list_credential, key, suite=suite, created=moment)
    return signed


def signed_status_list(
    url: str,
    key: KeyPair,
    *,
    purpose: str,
    size: int = MIN_LIST_BITS,
    set_indexes: Iterable[int] = (),
    valid_from: str | datetime | None = None,
    valid_until: str | datetime | None = None,
    ttl: int | None = None,
    suite: str | None = None,
) -> dict[str, Any]:
    """The signed ``BitstringStatusListCredential`` to publish at ``url``: ``size`` entries
    (at least 131,072), those in ``set_indexes`` set, issued by the key's controller.

    Args:
        url: where the list is published (its ``id``; each entry's ``statusListCredential``).
        key: the issuer's key (the credentials' issuer: verifiers require the same issuer).
        purpose: ``"revocation"`` or ``"suspension"`` (or another 1-bit purpose).
        valid_from: the list's ``validFrom`` (default: now); ``valid_until`` its end, if any.
        ttl: milliseconds before a verifier should fetch the list again (optional).
        suite: Data Integrity cryptosuite (default by key type).

    Raises:
        ValueError: a bad URL, purpose or size, an index outside the list.
    """
    _list_url(url)
    if not isinstance(purpose, str) or not purpose or purpose == "message":
        raise ValueError("purpose must be a 1-bit status purpose such as 'revocation'")
    if isinstance(size, bool) or not isinstance(size, int) or size < MIN_LIST_BITS:
        raise ValueError(
            f"a status list has at least {MIN_LIST_BITS} entries (Bitstring Status List "
            "v1.0, for herd privacy)"
        )
    bits = Bitstring.new(size)
    for index in set_indexes:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < size:
            raise ValueError(f"index {index!r} is outside the list (0..{size - 1})")
        bits.set(index, 1)
    start = _moment(valid_from, "valid_from")
    end = None if valid_until is None else _moment(valid_until, "valid_until")
    unsigned = status_list_credential(
        key.controller,
        url,
        bits,
        purpose=purpose,
        valid_from=start,
        valid_until=end,
        ttl=ttl,
    )
    return sign_status_list(unsigned, key, suite=suite, created=start)


def _suite_of(list_credential: Mapping[str, Any]) -> str | None:
    proof = list_credential.get("proof")
    proof = proof[0] if isinstance(proof, list) and proof else proof
    if isinstance(proof, Mapping):
        name = proof.get("cryptosuite") or proof.get("type")
        if isinstance(name, str) and name != "DataIntegrityProof":
            return name
    return None


def update_status(
    list_credential: Mapping[str, Any],
    index: int,
    value: bool,
    key: KeyPair,
    *,
    suite: str | None = None,
    valid_from: str | datetime | None = None,
) -> dict[str, Any]:
    """:func:`set_status`, then :func:`sign_status_list`: the list re-signed with ``key``,
    in the cryptosuite of its current proof unless ``suite`` names another.

    The current proof is not verified here: verify the list first
    (``microcred.verify(list_credential)``) when it comes from anywhere but your own store.

    Raises:
        MalformedInputError / ValueError: as :func:`set_status` and :func:`sign_status_list`.
    """
    unsigned = set_status(list_credential, index, value, valid_from=valid_from)
    return sign_status_list(unsigned, key, suite=suite or _suite_of(list_credential))
