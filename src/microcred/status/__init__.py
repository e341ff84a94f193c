"""Credential status: Bitstring Status List / StatusList2021 (revocation and suspension).

Verifying: pass a :class:`StatusListFetcher` as ``verify(..., status=...)``. The status-list
credential is itself verified (same suites, loader and resolvers) and must come from the
credential's issuer; decompression is bounded (``Limits.max_status_list_bytes``); an index
outside the list is invalid. Without a fetcher the status check is skipped (or indeterminate
with ``require_status=True``).

Issuing: :class:`Bitstring` holds a list, :func:`status_list_credential` wraps it in an
unsigned ``BitstringStatusListCredential`` to sign with :func:`microcred.issue`, and
:func:`status_entry` is the ``credentialStatus`` entry to put in each credential.
"""

from __future__ import annotations

from typing import Any

from ._bitstring import MIN_LIST_BITS, Bitstring, decode_list, encode_list
from ._check import HttpsStatusLists, StaticStatusLists, StatusListFetcher, check_entries

__all__ = [
    "MIN_LIST_BITS",
    "Bitstring",
    "HttpsStatusLists",
    "StaticStatusLists",
    "StatusListFetcher",
    "check_entries",
    "decode_list",
    "encode_list",
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
