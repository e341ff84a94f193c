"""What every route of the pipeline produces: the secured document and who signed it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..edc._tl import SealTrust

__all__ = ["Kind", "Secured", "Signature"]

Kind = Literal["credential", "presentation"]


@dataclass(frozen=True)
class Signature:
    """One signature a route has verified.

    Attributes:
        path: where it is (``$.proof[0]``; ``$`` for a JWT).
        verification_method: the key's verification method id.
        controller: the key's controller, once resolved (``None``: unknown).
        relationship: the verification relationship it was checked under
            (``assertionMethod`` for a credential, ``authentication`` for a presentation).
        anchor: for a key from an ``x5c`` chain, the subject of the caller's trust anchor
            the chain validated to (``None``: not such a key).
        certified_name: for such a key, the leaf certificate's organizationName (else its
            commonName), when it has one.
    """

    path: str
    verification_method: str | None
    controller: str | None
    relationship: str
    anchor: str | None = None
    certified_name: str | None = None


@dataclass
class Secured:
    """A route's result: the document the signatures cover, read by the shared checks.

    Attributes:
        document: the credential or presentation (for a JWT, the one it carries).
        kind: ``credential`` or ``presentation``.
        signatures: the signatures that verified (empty: none did, and the route has said
            why in the report).
        seal_trust: for a JAdES seal checked against EU trusted lists, what they say of
            its certificate at the signing time (``None``: no lists were given).
    """

    document: dict[str, Any]
    kind: Kind
    signatures: list[Signature] = field(default_factory=list)
    seal_trust: SealTrust | None = None

    @property
    def relationship(self) -> str:
        """The verification relationship the signer's key must have for this kind."""
        return relationship_for(self.kind)


def relationship_for(kind: Kind) -> str:
    """``assertionMethod`` for a credential, ``authentication`` for a presentation: what is
    verified decides, never a claim of the token."""
    return "authentication" if kind == "presentation" else "assertionMethod"
