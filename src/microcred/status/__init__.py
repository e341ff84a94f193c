"""Credential status: Bitstring Status List / StatusList2021 (revocation and suspension) and
OB 3.0's 1EdTech Revocation List.

Verifying: pass a :class:`StatusListFetcher` as ``verify(..., status=...)``. The status-list
credential is itself verified (with the caller's own options: suites, algorithms, loader,
resolvers) and must come from the credential's issuer; decompression is bounded
(``Limits.max_status_list_bytes``); an index outside the list is invalid. A credential with a
``credentialStatus`` whose status is not checked (no fetcher, a method microcred does not
implement, a list that cannot be had) is *indeterminate*, unless the caller opts out with
``check_status=False``, which the report shows as a warning.

Issuing: :class:`Bitstring` holds a list, :func:`status_list_credential` wraps it in an
unsigned ``BitstringStatusListCredential`` to sign with :func:`microcred.issue`, and
:func:`status_entry` is the ``credentialStatus`` entry to put in each credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._bitstring import MIN_LIST_BITS, Bitstring, decode_list, encode_list
from ._check import (
    REVOCATION_LIST_TYPE,
    ChainStatusLists,
    HttpsStatusLists,
    ListVerifier,
    StaticStatusLists,
    StatusListFetcher,
    check_entries,
)

__all__ = [
    "MIN_LIST_BITS",
    "REVOCATION_LIST_TYPE",
    "Bitstring",
    "ChainStatusLists",
    "HttpsStatusLists",
    "ListVerifier",
    "StaticStatusLists",
    "StatusListFetcher",
    "check_entries",
    "decode_list",
    "encode_list",
    "revocation_list",
    "revocation_list_entry",
    "status_entry",
    "status_list_credential",
]


def status_entry(list_url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    """The ``credentialStatus`` entry for entry ``index`` of the list at ``list_url``."""
    if index < 0:
        raise ValueError("index must be non-negative")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    issuer: str,
    list_url: str,
    bitstring: Bitstring,
    *,
    purpose: str = "revocation",
    valid_from: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` (VC 2.0) carrying ``bitstring``."""
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": bitstring.encode(),
    }
    if bitstring.status_size != 1:
        subject["statusSize"] = bitstring.status_size
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "credentialSubject": subject,
    }
    if valid_from is not None:
        credential["validFrom"] = valid_from
    return credential


def revocation_list_entry(list_url: str) -> dict[str, Any]:
    """The ``credentialStatus`` entry pointing at a 1EdTech Revocation List."""
    return {"id": list_url, "type": REVOCATION_LIST_TYPE}


def revocation_list(
    list_url: str, issuer: str, revoked: Mapping[str, str | None] | None = None
) -> dict[str, Any]:
    """A 1EdTech Revocation List document to publish at ``list_url``.

    ``revoked`` maps revoked credential ids to an optional reason. The document is plain JSON
    (the method defines no proof); verifiers trust it as served from ``list_url``.

    >>> revocation_list("https://uni.example/revoked", "did:example:uni", {"urn:uuid:1": None})
    {'id': 'https://uni.example/revoked', 'issuer': 'did:example:uni', \
'revokedCredentials': [{'id': 'urn:uuid:1'}]}
    """
    entries: list[dict[str, Any]] = []
    for credential_id, reason in (revoked or {}).items():
        item: dict[str, Any] = {"id": credential_id}
        if reason:
            item["revocationReason"] = reason
        entries.append(item)
    return {"id": list_url, "issuer": issuer, "revokedCredentials": entries}
