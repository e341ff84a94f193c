"""Verification methods: find one in its controller's document (:func:`dereference`), check
that the controller authorises it for a purpose (:func:`is_authorized`), read its public key
(:func:`public_key_of_method`, :func:`key_type_of_method`, :func:`verifier_for_method`), and
all of these at once for a route of :func:`microcred.verify` (:func:`resolve_method`).

This module sits above the DID methods (:mod:`._did`), which sit above the key pairs
(:mod:`._keypair`): ``_methods → _did → _keypair → _multikey``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from ..errors import DidResolutionError, InvalidDidError, InvalidKeyError, UnsupportedKeyTypeError
from ._did import RELATIONSHIPS
from ._identifiers import did_key_identifiers
from ._keypair import (
    _PRIVATE_MEMBERS,
    KeyPair,
    KeyType,
    PublicKey,
    _check_alg,
    _key_type,
    _multikey_public,
    _Verifier,
)
from ._multikey import b58decode, decode_multikey
from ._protocols import DidResolver, Verifier

__all__ = [
    "ResolvedMethod",
    "dereference",
    "is_authorized",
    "key_type_of_method",
    "public_key_of_method",
    "resolve_method",
    "verifier_for_method",
]


# -- finding a method and its authorisation -------------------------------------------------


def _absolute(value: str, base: str) -> str:
    return f"{base}{value}" if value.startswith("#") else value


def dereference(vm_id: str, resolver: DidResolver) -> tuple[dict[str, Any], dict[str, Any]]:
    """Find verification method ``vm_id``: returns ``(method, controller_document)``.

    Raises:
        InvalidDidError: malformed identifier.
        DidResolutionError: the controller cannot be resolved or does not list the method, or
            the method names another controller.
    """
    if not isinstance(vm_id, str) or not vm_id or len(vm_id) > 8192:
        raise InvalidDidError("verification method id must be a non-empty string")
    if ":" not in vm_id.split("#", 1)[0]:
        raise InvalidDidError(f"verification method {vm_id!r} is not an absolute URL or DID")
    base = vm_id.split("#", 1)[0]
    if vm_id.startswith("did:key:") and "#" not in vm_id:
        # A bare did:key names its one key (the DID document lists it as did#multibase).
        vm_id = did_key_identifiers(vm_id[len("did:key:") :])[1]
    doc = resolver.resolve(base)
    doc_id = doc.get("id") if isinstance(doc.get("id"), str) else base
    candidates: list[Any] = []
    for member in ("verificationMethod", *RELATIONSHIPS, "keyAgreement"):
        value = doc.get(member)
        if isinstance(value, list):
            candidates.extend(value)
        elif isinstance(value, dict):
            candidates.append(value)
    for item in candidates:
        if (
            isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and _absolute(item["id"], str(doc_id)) == vm_id
        ):
            method = dict(item)
            method["id"] = vm_id
            controller = method.get("controller", doc_id)
            if controller != doc_id:
                raise DidResolutionError(
                    f"{vm_id} names controller {controller!r}, not its document {doc_id!r}"
                )
            method.setdefault("controller", doc_id)
            return method, doc
    raise DidResolutionError(f"{base} does not list the verification method {vm_id}")


def is_authorized(
    vm_id: str, controller_document: Mapping[str, Any], relationship: str = "assertionMethod"
) -> bool:
    """Whether ``vm_id`` is listed (by id or embedded) under ``relationship``."""
    entries = controller_document.get(relationship)
    if isinstance(entries, (str, dict)):
        entries = [entries]
    if not isinstance(entries, list):
        return False
    base = str(controller_document.get("id", ""))
    for entry in entries:
        ref = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(ref, str) and _absolute(ref, base) == vm_id:
            return True
    return False


# -- the public key of a method ----------------------------------------------------------------


_PRIVATE_VM_MEMBERS = (
    "privateKeyJwk",
    "secretKeyMultibase",
    "privateKeyMultibase",
    "privateKeyBase58",
)


def public_key_of_method(vm: Mapping[str, Any]) -> KeyPair:
    """The public key of a verification method (``Multikey``, ``JsonWebKey``,
    ``JsonWebKey2020``, ``Ed25519VerificationKey2020`` / ``2018``).

    Raises:
        InvalidKeyError: private material present, or malformed key.
        UnsupportedKeyTypeError: unsupported type or key.
    """
    _, public, from_jwk = _method_key(vm)
    return KeyPair(public, did_method="jwk" if from_jwk else None)


def key_type_of_method(vm: Mapping[str, Any]) -> KeyType:
    """The key type of a verification method (see :func:`public_key_of_method`)."""
    return _method_key(vm)[0]


def verifier_for_method(vm: Mapping[str, Any], algorithm: str | None = None) -> Verifier:
    """A :class:`Verifier` for a verification method object; ``key_id`` is its ``id``.

    Raises:
        InvalidKeyError / UnsupportedKeyTypeError: as :func:`public_key_of_method`, or an
            ``algorithm`` that does not fit the key.
    """
    return _verifier(vm, _method_key(vm), algorithm)


def _verifier(
    vm: Mapping[str, Any], key: tuple[KeyType, PublicKey, bool], algorithm: str | None
) -> Verifier:
    key_type, public, _ = key
    vm_id = vm.get("id")
    return _Verifier(
        _check_alg(key_type, algorithm), vm_id if isinstance(vm_id, str) else "", public
    )


# -- the key of a verification method, remembered ------------------------------------------
# Every verification reads its signer's verification method; the same few keys come back
# again and again. The key objects are immutable, so they are remembered by the key material
# (never by the method's id: two documents may give one id different keys). Errors are
# raised each time, not remembered.
_CACHE_SIZE = 1024


def _method_key(vm: Mapping[str, Any]) -> tuple[KeyType, PublicKey, bool]:
    """``(key type, public key, whether it came from a JWK)`` of a verification method."""
    if not isinstance(vm, Mapping):
        raise InvalidKeyError("a verification method must be a JSON object")
    if any(m in vm for m in _PRIVATE_VM_MEMBERS):
        raise InvalidKeyError("verification method carries private key material")
    vm_type = vm.get("type")
    if vm_type in ("Multikey", "Ed25519VerificationKey2020"):
        multibase = vm.get("publicKeyMultibase")
        if type(multibase) is str and len(multibase) <= 4096:
            key_type, public = _remembered_multibase_public(multibase)
        else:
            key_type, public = _multibase_public(multibase)
        if vm_type == "Ed25519VerificationKey2020" and key_type != "Ed25519":
            raise InvalidKeyError("Ed25519VerificationKey2020 must hold an Ed25519 key")
        return key_type, public, False
    if vm_type in ("JsonWebKey", "JsonWebKey2020"):
        jwk = vm.get("publicKeyJwk")
        if not isinstance(jwk, Mapping) or any(m in jwk for m in _PRIVATE_MEMBERS):
            raise InvalidKeyError("publicKeyJwk must be a public JWK")
        # the members a public key is made of, by value and type (True == 1 in Python);
        # remembered only when they are short strings, as a key's are
        members = tuple((k, type(jwk[k]), jwk[k]) for k in _JWK_KEY_MEMBERS if k in jwk)
        if all(type(v) is str and len(v) <= 4096 for _, _, v in members):
            key_type, public = _remembered_jwk_public(members)
        else:
            key_type, public = _jwk_public(members)
        return key_type, public, True
    if vm_type == "Ed25519VerificationKey2018":
        raw_b58 = vm.get("publicKeyBase58")
        if not isinstance(raw_b58, str) or len(raw_b58) > 100:
            raise InvalidKeyError("publicKeyBase58 must be a base58 string")
        return "Ed25519", _base58_ed25519_public(raw_b58), False
    raise UnsupportedKeyTypeError(f"unsupported verification method type {vm_type!r}")


def _multibase_public(value: Any) -> tuple[KeyType, PublicKey]:
    codec, raw = decode_multikey(value)
    public = _multikey_public(codec, raw)
    return _key_type(public), public


_remembered_multibase_public = functools.lru_cache(maxsize=_CACHE_SIZE)(_multibase_public)


#: What :meth:`KeyPair.from_jwk` reads of a public JWK (``kid`` aside).
_JWK_KEY_MEMBERS = ("kty", "crv", "x", "y", "n", "e")


def _jwk_public(members: tuple[tuple[str, type, Any], ...]) -> tuple[KeyType, PublicKey]:
    pair = KeyPair.from_jwk({k: v for k, _, v in members}, did_method="jwk")
    return pair.key_type, pair._public


_remembered_jwk_public = functools.lru_cache(maxsize=_CACHE_SIZE)(_jwk_public)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _base58_ed25519_public(value: str) -> PublicKey:
    try:
        return ed25519.Ed25519PublicKey.from_public_bytes(b58decode(value))
    except ValueError as exc:
        raise InvalidKeyError(f"invalid publicKeyBase58: {exc}") from None


# -- all of it, for a route of verify() --------------------------------------------------------


@dataclass(frozen=True)
class ResolvedMethod:
    """A verification method found in its controller's document.

    Attributes:
        method: the method object (its ``id`` absolute, its ``controller`` set).
        controller_document: the document that lists it.
        controller: the method's controller (a DID or an https URL), when it names one.
    """

    method: dict[str, Any]
    controller_document: dict[str, Any]
    controller: str | None

    @property
    def id(self) -> str:
        """The method's (absolute) id."""
        return str(self.method["id"])

    @functools.cached_property
    def _key(self) -> tuple[KeyType, PublicKey, bool]:
        """The method's key, read once (an error is raised again at each use)."""
        return _method_key(self.method)

    def key_type(self) -> KeyType:
        """The method's key type.

        Raises:
            InvalidKeyError / UnsupportedKeyTypeError: as :func:`key_type_of_method`.
        """
        return self._key[0]

    def verifier(self, algorithm: str | None = None) -> Verifier:
        """A verifier of the method's key (see :func:`verifier_for_method`).

        Raises:
            InvalidKeyError / UnsupportedKeyTypeError: as :func:`verifier_for_method`.
        """
        return _verifier(self.method, self._key, algorithm)

    def authorized_for(self, relationship: str) -> bool:
        """Whether the controller document lists the method under ``relationship``."""
        return is_authorized(self.id, self.controller_document, relationship)


def resolve_method(vm_id: str, resolver: DidResolver) -> ResolvedMethod:
    """Find verification method ``vm_id`` with ``resolver`` (the first step of every route:
    a Data Integrity proof's ``verificationMethod``, a JWT's ``kid``).

    Args:
        vm_id: the method's id (a DID URL or an https URL with a fragment; a bare did:key
            names its one key).
        resolver: where controller documents come from.

    Returns:
        The method, its controller document and its controller; the key is read when asked
        for (:meth:`ResolvedMethod.key_type`, :meth:`ResolvedMethod.verifier`).

    Raises:
        InvalidDidError / DidResolutionError: as :func:`dereference` (and the resolver).
    """
    method, controller_document = dereference(vm_id, resolver)
    controller = method.get("controller") or controller_document.get("id")
    return ResolvedMethod(
        method, controller_document, controller if isinstance(controller, str) else None
    )
