"""The protocols through which other layers use keys without touching key bytes."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["DidResolver", "Signer", "Verifier"]


@runtime_checkable
class Signer(Protocol):
    """Signs bytes with one private key.

    ``algorithm`` is the JOSE name of what :meth:`sign` does (``"EdDSA"``, ``"ES256"``,
    ``"ES384"``, ``"RS256"``, ``"RS384"``, ``"RS512"``, ``"PS256"``). ECDSA signatures are
    returned in IEEE P1363 form (``r || s``, fixed width), as both JWS and the Data Integrity
    ECDSA suites use. ``key_id`` is the verification method id (``did:key:z6Mk...#z6Mk...``).
    """

    @property
    def algorithm(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


@runtime_checkable
class Verifier(Protocol):
    """Checks signatures made by one public key; the counterpart of :class:`Signer`.

    :meth:`verify` returns ``False`` for a wrong or malformed signature and never raises for one.
    """

    @property
    def algorithm(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    def verify(self, data: bytes, signature: bytes) -> bool: ...


@runtime_checkable
class DidResolver(Protocol):
    """Resolves a DID (without fragment) or an ``https:`` controller URL to its document.

    Returns the DID document / controller document as a JSON object. Raises
    :class:`~microcred.errors.DidResolutionError` when it cannot resolve the identifier
    (unsupported method, no network permitted, not found) and
    :class:`~microcred.errors.InvalidDidError` when the identifier is malformed.
    """

    def resolve(self, did: str) -> dict[str, Any]: ...
