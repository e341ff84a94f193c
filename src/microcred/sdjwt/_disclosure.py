"""Disclosures (RFC 9901 §4.2): their encoding, their digests, and the SD-JWT errors.

A Disclosure is the base64url encoding of the UTF-8 JSON array ``[salt, name, value]`` (an
object member, §4.2.1) or ``[salt, value]`` (an array element, §4.2.2). Its digest is the hash
named by ``_sd_alg`` over the US-ASCII bytes of that base64url string as it is written (§4.2.3),
base64url-encoded.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from .. import _json
from ..errors import InputError, SdJwtError
from ..limits import DEFAULT_LIMITS, Limits

__all__ = [
    "DEFAULT_SD_ALG",
    "HASH_ALGORITHMS",
    "RESERVED_NAMES",
    "Disclosure",
    "SdJwtError",
    "b64decode",
    "b64encode",
    "digest_of",
    "new_salt",
]

#: ``_sd_alg`` values accepted (names of the IANA Named Information Hash Algorithm registry,
#: RFC 9901 §4.1.1). ``sha-256`` is the default when ``_sd_alg`` is absent.
HASH_ALGORITHMS: dict[str, str] = {"sha-256": "sha256", "sha-384": "sha384", "sha-512": "sha512"}
DEFAULT_SD_ALG = "sha-256"
#: Claim names a Disclosure must never carry (RFC 9901 §4.2.1 and §7.1 step 3.3.2.2).
RESERVED_NAMES = frozenset({"_sd", "..."})

_B64URL = re.compile(r"^[A-Za-z0-9_-]+$")


def short(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters: what a message may quote of untrusted input."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def b64encode(data: bytes) -> str:
    """Unpadded base64url (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str, what: str, check: str) -> bytes:
    """Unpadded, canonical base64url to bytes.

    Raises:
        SdJwtError: ``text`` is not unpadded canonical base64url (under ``check``).
    """
    if not _B64URL.match(text) or len(text) % 4 == 1:
        raise SdJwtError(check, f"{what} is not unpadded base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise SdJwtError(check, f"{what} is not valid base64url") from None
    if b64encode(data) != text:
        raise SdJwtError(check, f"{what} is not canonical base64url")
    return data


def digest_of(text: str, sd_alg: str = DEFAULT_SD_ALG) -> str:
    """The base64url digest of an ASCII string (a Disclosure, or for ``sd_hash`` the
    presentation up to its last ``~``) under ``sd_alg`` (RFC 9901 §4.2.3, §4.3.1).

    Raises:
        SdJwtError: ``sd_alg`` is not one of :data:`HASH_ALGORITHMS` (check ``sdjwt.digest``).
    """
    name = HASH_ALGORITHMS.get(sd_alg)
    if name is None:
        raise SdJwtError(
            "sdjwt.digest",
            f"_sd_alg {short(sd_alg)} is not supported (supported: {', '.join(HASH_ALGORITHMS)})",
        )
    return b64encode(hashlib.new(name, text.encode("ascii")).digest())


def new_salt() -> str:
    """A fresh salt: 128 random bits, base64url (RFC 9901 §4.2.1 and §9.3 recommend 128)."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Disclosure:
    """One Disclosure.

    Attributes:
        encoded: the base64url string as written in the SD-JWT (what the digest covers).
        salt: the salt.
        name: the claim name (an object member), or ``None`` (an array element).
        value: the claim value.
        digest: the digest of ``encoded`` under the SD-JWT's ``_sd_alg``.
    """

    encoded: str
    salt: str
    name: str | None
    value: Any
    digest: str

    @classmethod
    def create(
        cls, salt: str, name: str | None, value: Any, sd_alg: str = DEFAULT_SD_ALG
    ) -> Disclosure:
        """A new Disclosure. The JSON is written as RFC 9901's examples write it (``", "``
        between elements, non-ASCII characters as UTF-8), so the RFC's example salts, names
        and values give the RFC's example Disclosures byte for byte.

        Raises:
            ValueError: ``name`` is reserved (``_sd``, ``...``), the salt is not a string, or
                the value is not JSON (``NaN``, infinities, unpaired surrogates).
            TypeError: the value holds something JSON has no form for.
        """
        if not isinstance(salt, str):
            raise ValueError("a salt is a string")
        if name is not None and name in RESERVED_NAMES:
            raise ValueError(f"{name!r} cannot be a selectively disclosable claim name")
        items: list[Any] = [salt, value] if name is None else [salt, name, value]
        try:
            data = json.dumps(items, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a claim holds a string that is not valid Unicode") from None
        encoded = b64encode(data)
        return cls(encoded, salt, name, value, digest_of(encoded, sd_alg))

    @classmethod
    def parse(
        cls, encoded: str, sd_alg: str = DEFAULT_SD_ALG, *, limits: Limits = DEFAULT_LIMITS
    ) -> Disclosure:
        """Read one Disclosure as written in an SD-JWT.

        Raises:
            SdJwtError: (check ``sdjwt.disclosures``) not base64url, not a JSON array of 2 or 3
                elements, a salt or claim name that is not a string, a reserved claim name;
                (check ``sdjwt.digest``) an unsupported ``sd_alg``.
        """
        raw = b64decode(encoded, "a disclosure", "sdjwt.disclosures")
        try:
            items = _json.loads(raw, limits=limits)
        except InputError as exc:
            raise SdJwtError("sdjwt.disclosures", f"a disclosure is not JSON: {exc}") from None
        if not isinstance(items, list) or len(items) not in (2, 3):
            raise SdJwtError(
                "sdjwt.disclosures",
                "a disclosure must be a JSON array of 2 (array element) or 3 (object member) "
                "elements (RFC 9901 §4.2.1, §4.2.2)",
            )
        if not isinstance(items[0], str):
            raise SdJwtError("sdjwt.disclosures", "a disclosure's salt must be a string")
        name: str | None = None
        if len(items) == 3:
            if not isinstance(items[1], str):
                raise SdJwtError("sdjwt.disclosures", "a disclosure's claim name must be a string")
            name = items[1]
            if name in RESERVED_NAMES:
                raise SdJwtError(
                    "sdjwt.disclosures",
                    f"a disclosure must not disclose the claim name {short(name)} "
                    "(RFC 9901 §7.1 step 3.3.2.2)",
                )
        return cls(encoded, items[0], name, items[-1], digest_of(encoded, sd_alg))
