"""Credential status: Bitstring Status List / StatusList2021 (revocation and suspension),
OB 3.0's 1EdTech Revocation List, and the IETF Token Status List (the ``status.status_list``
claim of SD-JWT VCs and JWT credentials).

Verifying: pass a :class:`StatusListFetcher` as ``verify(..., status=...)``. The status-list
credential is itself verified (with the caller's own options: suites, algorithms, loader,
resolvers) and must come from the credential's issuer; decompression is bounded
(``Limits.max_status_list_bytes``); an index outside the list is invalid. A credential with a
``credentialStatus`` whose status is not checked (no fetcher, a method microcred does not
implement, a list that cannot be had) is *indeterminate*, unless the caller opts out with
``check_status=False``, which the report shows as a warning.

Issuing: :func:`allocate_index` draws a random free index for a credential,
:func:`status_entries` are the ``credentialStatus`` entries to put in it (revocation, and
suspension at the same index), and :func:`signed_status_list` is the signed
``BitstringStatusListCredential`` to publish. To revoke, suspend or unsuspend:
:func:`update_status` (the list with one entry changed, re-signed), or :func:`set_status` then
:func:`sign_status_list`. Lower level: :class:`Bitstring` holds a list,
:func:`status_list_credential` wraps it unsigned, :func:`status_entry` is one entry.

Token Status List (draft-ietf-oauth-status-list): :class:`TokenStatusList` holds a list of
1/2/4/8 bits per entry, :func:`sign_status_list_token` signs it as a ``statuslist+jwt``,
:func:`token_status_entry` is the ``status`` claim a credential carries,
:func:`update_token_status` changes one entry (``VALID``, ``INVALID``, ``SUSPENDED``) and
re-signs; ``verify()`` checks a credential's ``status.status_list`` through the same fetcher.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing
from collections.abc import Mapping as _Mapping

from .._public import set_public_module as _set_public_module
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

if _typing.TYPE_CHECKING:
    from ._publish import (
        LIST_TYPE,
        StatusList,
        allocate_index,
        read_status_list,
        set_status,
        sign_status_list,
        signed_status_list,
        status_entries,
        status_entry,
        status_index,
        status_list_credential,
        update_status,
    )
    from ._token import (
        INVALID,
        STATUS_LIST_TOKEN_TYPE,
        SUSPENDED,
        VALID,
        TokenStatusList,
        TokenVerifier,
        check_token_status,
        decode_lst,
        encode_lst,
        read_status_list_token,
        sign_status_list_token,
        token_status_entry,
        update_token_status,
    )

#: Issuing and the Token Status List load on first use (PEP 562): a verifier that checks no
#: status list, and the CLI's cold start, do not pay for them.
_LAZY: dict[str, str] = {
    "LIST_TYPE": "._publish",
    "StatusList": "._publish",
    "allocate_index": "._publish",
    "read_status_list": "._publish",
    "set_status": "._publish",
    "sign_status_list": "._publish",
    "signed_status_list": "._publish",
    "status_entries": "._publish",
    "status_entry": "._publish",
    "status_index": "._publish",
    "status_list_credential": "._publish",
    "update_status": "._publish",
    "INVALID": "._token",
    "STATUS_LIST_TOKEN_TYPE": "._token",
    "SUSPENDED": "._token",
    "VALID": "._token",
    "TokenStatusList": "._token",
    "TokenVerifier": "._token",
    "check_token_status": "._token",
    "decode_lst": "._token",
    "encode_lst": "._token",
    "read_status_list_token": "._token",
    "sign_status_list_token": "._token",
    "token_status_entry": "._token",
    "update_token_status": "._token",
}

__all__ = [
    "INVALID",
    "LIST_TYPE",
    "MIN_LIST_BITS",
    "REVOCATION_LIST_TYPE",
    "STATUS_LIST_TOKEN_TYPE",
    "SUSPENDED",
    "VALID",
    "Bitstring",
    "ChainStatusLists",
    "HttpsStatusLists",
    "ListVerifier",
    "StaticStatusLists",
    "StatusList",
    "StatusListFetcher",
    "TokenStatusList",
    "TokenVerifier",
    "allocate_index",
    "check_entries",
    "check_token_status",
    "decode_list",
    "decode_lst",
    "encode_list",
    "encode_lst",
    "read_status_list",
    "read_status_list_token",
    "revocation_list",
    "revocation_list_entry",
    "set_status",
    "sign_status_list",
    "sign_status_list_token",
    "signed_status_list",
    "status_entries",
    "status_entry",
    "status_index",
    "status_list_credential",
    "token_status_entry",
    "update_status",
    "update_token_status",
]


def revocation_list_entry(list_url: str) -> dict[str, _typing.Any]:
    """The ``credentialStatus`` entry pointing at a 1EdTech Revocation List."""
    return {"id": list_url, "type": REVOCATION_LIST_TYPE}


def revocation_list(
    list_url: str, issuer: str, revoked: _Mapping[str, str | None] | None = None
) -> dict[str, _typing.Any]:
    """A 1EdTech Revocation List document to publish at ``list_url``.

    ``revoked`` maps revoked credential ids to an optional reason. The document is plain JSON
    (the method defines no proof); verifiers trust it as served from ``list_url``.

    >>> revocation_list("https://uni.example/revoked", "did:example:uni", {"urn:uuid:1": None})
    {'id': 'https://uni.example/revoked', 'issuer': 'did:example:uni', \
'revokedCredentials': [{'id': 'urn:uuid:1'}]}
    """
    entries: list[dict[str, _typing.Any]] = []
    for credential_id, reason in (revoked or {}).items():
        item: dict[str, _typing.Any] = {"id": credential_id}
        if reason:
            item["revocationReason"] = reason
        entries.append(item)
    return {"id": list_url, "issuer": issuer, "revokedCredentials": entries}


def __getattr__(name: str) -> _typing.Any:
    """Load an issuing or Token Status List name on first use, then keep it."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    _set_public_module(__name__, {name: value}, [name])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


_set_public_module(__name__, globals(), __all__)
