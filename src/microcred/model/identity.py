"""Which of the learner's low-entropy identifiers go into a credential, and how.

A Swedish personal identity number has a birth date anyone may know and three free digits
and a check digit: about a thousand candidates once the birth date is known, a few million
without it. An e-mail address is often guessable from the name. A hash of either, even
salted, is reversed by trying every candidate (the OB 3.0 salt sits beside the hash). So by
default microcred writes **neither** into a credential (OB 3.0 as Data Integrity or JWT, ELM):
the learner is identified by name, by the high-entropy identifiers of the form (Ladok UID,
ESI) and by ``credentialSubject.id`` (the wallet's DID) when given.

An issuer who must include one opts in with an :class:`IdentityPolicy`, per identifier:

``"omit"`` (default)
    Nothing is written: nothing to attack.
``"hmac"``
    A keyed hash, HMAC-SHA256 with an issuer-held secret of at least
    :data:`MIN_KEY_BYTES` bytes: only a holder of the secret can test a guess. It is written
    as ``identityHash`` ``"hmac-sha256$<hex>"`` with ``hashed: true`` and no ``salt``. OB 3.0
    names only ``md5`` and ``sha256`` as IdentityHash algorithms, so a plain OB 3.0 verifier
    cannot check it and does not mistake it for a salted hash it could (see
    :func:`keyed_hash`). The same value with the same key gives the same hash, in every
    credential of that issuer (as the Ladok UID does).
``"salted"``
    The OB 3.0 salted SHA-256 hash (``sha256$<hex>`` with the ``salt`` beside it), which any
    OB 3.0 verifier can check against a number the learner presents, and which anyone can
    reverse in seconds. Building such a credential emits a :class:`ReversibleIdentityWarning`.

:func:`microcred.model.presets.se.identity_matches` tests a candidate against either form
(``key=`` for the keyed one).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ..errors import ReversibleIdentityWarning

__all__ = [
    "IDENTITY_MODES",
    "KEYED_HASH_PREFIX",
    "MIN_KEY_BYTES",
    "IdentityMode",
    "IdentityPolicy",
    "ReversibleIdentityWarning",
    "check_identity_key",
    "is_unidentified",
    "keeps_identity",
    "keyed_hash",
    "keyed_identity_object",
    "keyed_matches",
    "new_identity_key",
]

IdentityMode = Literal["omit", "hmac", "salted"]
IDENTITY_MODES: tuple[str, ...] = ("omit", "hmac", "salted")
MIN_KEY_BYTES = 32
KEYED_HASH_PREFIX = "hmac-sha256$"


def check_identity_key(key: object) -> bytes:
    """``key`` as bytes, checked: an issuer's identity secret of at least
    :data:`MIN_KEY_BYTES` bytes.

    Raises:
        ValueError: not bytes, or too short (the message never shows the key).
    """
    if not isinstance(key, (bytes, bytearray)):
        raise ValueError("the identity key must be bytes (an issuer-held secret)")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(
            f"the identity key is too short: {len(key)} bytes, at least {MIN_KEY_BYTES} needed "
            "(e.g. 32 random bytes)"
        )
    return bytes(key)


def new_identity_key() -> bytes:
    """A fresh identity secret: 32 random bytes. Keep it secret and keep it (every keyed hash
    made with it can be tested only with it)."""
    return secrets.token_bytes(MIN_KEY_BYTES)


@dataclass(frozen=True)
class IdentityPolicy:
    """Which low-entropy identifiers of the learner go into a credential, and how.

    Args:
        national_id: ``"omit"`` (default), ``"hmac"`` or ``"salted"``.
        email: ``"omit"`` (default), ``"hmac"`` or ``"salted"``.
        key: the issuer's identity secret (at least :data:`MIN_KEY_BYTES` bytes); required
            when either is ``"hmac"``. Never shown in ``repr``.

    Raises:
        ValueError: an unknown mode, or ``"hmac"`` without a good key.
    """

    national_id: IdentityMode = "omit"
    email: IdentityMode = "omit"
    key: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for name in ("national_id", "email"):
            mode = getattr(self, name)
            if mode not in IDENTITY_MODES:
                raise ValueError(
                    f"IdentityPolicy.{name} must be one of {', '.join(IDENTITY_MODES)}, "
                    f"not {mode!r}"
                )
        if "hmac" in (self.national_id, self.email):
            if self.key is None:
                raise ValueError(
                    "an hmac identity needs the issuer's identity key (IdentityPolicy(key=...))"
                )
            object.__setattr__(self, "key", check_identity_key(self.key))
        elif self.key is not None:
            object.__setattr__(self, "key", check_identity_key(self.key))

    @property
    def salted(self) -> tuple[str, ...]:
        """The identifiers this policy writes as reversible salted hashes."""
        return tuple(n for n in ("national_id", "email") if getattr(self, n) == "salted")

    def mode_for(self, identity_type: str) -> IdentityMode:
        """The mode for an OB 3.0 ``identityType`` (``nationalIdentityNumber``,
        ``emailAddress``); other types are not this policy's concern (``"omit"``)."""
        if identity_type == "nationalIdentityNumber":
            return self.national_id
        if identity_type == "emailAddress":
            return self.email
        return "omit"


def keyed_hash(value: str, *, key: bytes, identity_type: str) -> str:
    """``"hmac-sha256$<hex>"``: HMAC-SHA256 under ``key`` of UTF-8(``identity_type`` NUL
    ``value``) (the type separates a number from an address under the same key).

    OB 3.0's IdentityHash is "an algorithm identifier, a ``$`` separator, and a hash", and "the
    only supported algorithms are MD5 and SHA-256, identified by the strings 'md5' and
    'sha256'": the ``hmac-sha256`` identifier is none of them, so a verifier that follows the
    specification does not try to check it with a plain hash.
    """
    secret = check_identity_key(key)
    message = f"{identity_type}\x00{value}".encode()
    return KEYED_HASH_PREFIX + hmac.new(secret, message, hashlib.sha256).hexdigest()


def keyed_identity_object(value: str, *, key: bytes, identity_type: str) -> dict[str, Any]:
    """The OB 3.0 ``IdentityObject`` holding :func:`keyed_hash` of ``value`` (no ``salt``)."""
    return {
        "type": "IdentityObject",
        "identityType": identity_type,
        "hashed": True,
        "identityHash": keyed_hash(value, key=key, identity_type=identity_type),
    }


def keyed_matches(
    stored: str, value: str, *, key: bytes | Sequence[bytes], identity_type: str
) -> bool:
    """Whether ``stored`` (``"hmac-sha256$<hex>"``) is the keyed hash of ``value`` under
    ``key``, or under any of several keys (the current one and retired ones, after a
    rotation)."""
    keys = [key] if isinstance(key, (bytes, bytearray)) else list(key)
    if not keys:
        raise ValueError("no identity key given")
    found = False
    for one in keys:
        expected = keyed_hash(value, key=bytes(one), identity_type=identity_type)
        found |= hmac.compare_digest(expected, stored.lower())
    return found


class _Learner(Protocol):
    """What :func:`is_unidentified` reads of a learner (``microcred.model.eu.Learner``)."""

    @property
    def name(self) -> str | None: ...
    @property
    def identifiers(self) -> Sequence[object]: ...
    @property
    def id(self) -> str | None: ...
    @property
    def national_id(self) -> object | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def identity_objects(self) -> Sequence[Any]: ...


def is_unidentified(learner: _Learner | None, policy: IdentityPolicy, *, elm: bool = False) -> bool:
    """Whether nothing would identify ``learner`` in the credential under ``policy`` (only a
    national id or e-mail the policy leaves out): for the caller to refuse, naming the
    element. ``elm``: the ELM export, which carries no national id and no hashed identity."""
    if learner is None:
        return True
    if learner.name or learner.identifiers or learner.id:
        return False
    if elm:
        return True
    if learner.national_id is not None and policy.national_id != "omit":
        return False
    if learner.email and policy.email != "omit":
        return False
    return not any(keeps_identity(obj, policy) for obj in learner.identity_objects)


def keeps_identity(obj: Any, policy: IdentityPolicy) -> bool:
    """Whether an identity read back from a credential is written again under ``policy``: a
    national id or e-mail only as a hash and only when the policy includes that identifier."""
    kind = obj.get("identityType") if hasattr(obj, "get") else None
    if kind in ("nationalIdentityNumber", "emailAddress"):
        return policy.mode_for(str(kind)) != "omit" and obj.get("hashed") is True
    return True
