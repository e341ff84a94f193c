"""Checking a credential's ``credentialStatus`` against its status list.

This module knows status methods, not verification policy: the caller (the verification
pipeline) hands it the fetcher and a ``verify_list`` callback that verifies a status-list
credential with the caller's own options (suites, algorithms, resolver, limits), so a list is
held to the same rules as the credential that points at it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from .. import _json
from .._vc import issuer_id
from ..errors import FetchError, InputTooLargeError, MalformedInputError, MicrocredError
from ..limits import DEFAULT_LIMITS, Limits
from ..net import Fetcher
from ..report import VerificationReport
from ._bitstring import MIN_LIST_BITS, Bitstring, decode_list

__all__ = [
    "ChainStatusLists",
    "HttpsStatusLists",
    "ListVerifier",
    "StaticStatusLists",
    "StatusListFetcher",
    "check_entries",
]

#: Verifies a status-list credential (a JSON object or a compact JWT) and reports how.
ListVerifier = Callable[[Any], VerificationReport]

_ENTRY_TYPES = {"BitstringStatusListEntry", "StatusList2021Entry"}
REVOCATION_LIST_TYPE = "1EdTechRevocationList"


@runtime_checkable
class StatusListFetcher(Protocol):
    """Obtains the status-list credential at ``url`` (a JSON object or a compact JWT), or the
    IETF Status List Token at a ``status.status_list.uri`` (a compact ``statuslist+jwt``
    string).

    Raises :class:`~microcred.errors.FetchError` (or another MicrocredError) when it cannot.
    """

    def fetch(self, url: str) -> Any: ...


class StaticStatusLists:
    """Status-list credentials the caller already has, by URL (offline)."""

    def __init__(self, credentials: Mapping[str, Any]) -> None:
        self._lists = dict(credentials)

    @classmethod
    def from_files(
        cls, files: Mapping[str, str | os.PathLike[str]], *, limits: Limits = DEFAULT_LIMITS
    ) -> StaticStatusLists:
        """Lists read from local files, by the URL each is published at (``verify
        --status-list URL=FILE``, the service's ``status_lists``). A file holds the list
        credential as JSON, or as a compact JWT.

        Raises:
            OSError: a file cannot be read.
            MicrocredError: a file is over ``limits.max_input_bytes``, or neither JSON nor
                a JWT.
        """
        lists: dict[str, Any] = {}
        for url, path in files.items():
            with open(path, "rb") as handle:
                data = handle.read(limits.max_input_bytes + 1)
            if len(data) > limits.max_input_bytes:
                raise InputTooLargeError(f"status list file {path} is over the input limit")
            text = data.decode("utf-8", "replace").strip()
            lists[url.split("#", 1)[0]] = text if _looks_like_jwt(text) else _json.loads(data)
        return cls(lists)

    def fetch(self, url: str) -> Any:
        """The credential for ``url`` (the URL's fragment is ignored)."""
        try:
            return self._lists[url.split("#", 1)[0]]
        except KeyError:
            raise FetchError(f"no status list for {url}") from None


def _looks_like_jwt(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 3 and all(
        p and p.replace("-", "").replace("_", "").isalnum() for p in parts
    )


class ChainStatusLists:
    """Several fetchers, tried in order: the first that has the list answers (for example
    the caller's offline files before the opt-in network)."""

    def __init__(self, *fetchers: StatusListFetcher) -> None:
        self._fetchers = fetchers

    def fetch(self, url: str) -> Any:
        """The first list a fetcher has for ``url``.

        Raises:
            FetchError: none of them has it (the last error is named).
        """
        last: MicrocredError = FetchError(f"no status list for {url}")
        for fetcher in self._fetchers:
            try:
                return fetcher.fetch(url)
            except MicrocredError as exc:
                last = exc
        raise last


class HttpsStatusLists:
    """Fetches status lists through an explicit :class:`~microcred.net.Fetcher` (opt-in)."""

    def __init__(self, fetcher: Fetcher, *, limits: Limits = DEFAULT_LIMITS) -> None:
        self._fetcher = fetcher
        self._limits = limits

    def fetch(self, url: str) -> Any:
        """GET the list credential; JSON is parsed, anything else is returned as text."""
        body = self._fetcher.fetch(
            url.split("#", 1)[0],
            accept="application/vc+ld+json, application/vc+jwt, application/statuslist+jwt, "
            "application/json",
            max_bytes=self._limits.max_input_bytes,
        )
        try:
            return _json.loads(body, limits=self._limits)
        except MicrocredError:
            return body.decode("utf-8", "replace").strip()


#: The longest ``statusListIndex`` read (an index beyond any list microcred accepts).
_MAX_INDEX_DIGITS = 19


def _index(value: Any) -> int | str:
    """The entry's ``statusListIndex`` as a number, or why it is malformed.

    Bitstring Status List v1.0 §2.1 (and StatusList2021): "an arbitrary size integer greater
    than or equal to 0, expressed as a string in base 10"; any other value is a
    MALFORMED_VALUE_ERROR (§3.2, validation algorithm). A JSON number is therefore refused,
    although some publishers write one.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (
            f"statusListIndex is the JSON number {value!r}; Bitstring Status List requires "
            "a base-10 string (a malformed value)"
        )
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return f"statusListIndex must be a base-10 string of digits, not {value!r}"
    if len(value) > _MAX_INDEX_DIGITS:
        return f"statusListIndex {value[:24]}... is beyond any list"
    return int(value)


def check_entries(
    report: VerificationReport,
    document: Mapping[str, Any],
    *,
    fetcher: StatusListFetcher,
    verify_list: ListVerifier,
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    """Check every status entry of ``document``; one ``status`` check each.

    Args:
        report: where the checks go.
        document: the credential (already verified otherwise).
        fetcher: obtains status-list credentials and revocation lists.
        verify_list: verifies a status-list credential with the caller's options; its report
            must be verified for the list to be used.
        limits: bounds decompression of the list.

    A status method microcred does not implement, a list that cannot be fetched or does not
    verify make the check ``error`` (indeterminate): the status could not be established.
    """
    status = document.get("credentialStatus")
    entries = status if isinstance(status, list) else [status]
    for position, entry in enumerate(entries):
        path = "$.credentialStatus" + (f"[{position}]" if isinstance(status, list) else "")
        if not isinstance(entry, dict):
            report.add("status", "failed", "credentialStatus entry is not an object", path)
            continue
        kind = entry.get("type")
        if kind == REVOCATION_LIST_TYPE:
            _check_revocation_list(report, entry, document, fetcher, path)
            continue
        if kind not in _ENTRY_TYPES:
            report.add(
                "status",
                "error",
                f"status method {kind!r} is not supported: the status cannot be checked",
                path,
            )
            continue
        _check_one(report, entry, document, fetcher, verify_list, limits, path)


def _check_one(
    report: VerificationReport,
    entry: Mapping[str, Any],
    document: Mapping[str, Any],
    fetcher: StatusListFetcher,
    verify_list: ListVerifier,
    limits: Limits,
    path: str,
) -> None:
    purpose = entry.get("statusPurpose")
    index = _index(entry.get("statusListIndex"))
    url = entry.get("statusListCredential")
    if isinstance(index, str):
        report.add("status", "failed", index, path + ".statusListIndex")
        return
    if not isinstance(purpose, str) or not isinstance(url, str):
        report.add(
            "status",
            "failed",
            "status entry needs statusPurpose, statusListIndex and statusListCredential",
            path,
        )
        return
    try:
        listed = fetcher.fetch(url)
    except MicrocredError as exc:
        report.add("status", "error", f"status list {url} unavailable: {exc}", path)
        return
    inner = verify_list(listed)
    if not inner.verified:
        problems = "; ".join(f"{c.id}: {c.message}" for c in inner.failed)[:300]
        report.add("status", "error", f"status list {url} does not verify ({problems})", path)
        return
    list_credential = inner.document or {}
    if issuer_id(list_credential) != issuer_id(document):
        report.add(
            "status",
            "failed",
            f"status list {url} is issued by "
            f"{issuer_id(list_credential)}, not by the credential's issuer",
            path,
        )
        return
    subject = list_credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict):
        report.add("status", "failed", f"status list {url} has no list subject", path)
        return
    list_purpose = subject.get("statusPurpose")
    purposes = list_purpose if isinstance(list_purpose, list) else [list_purpose]
    if purpose not in purposes:
        report.add(
            "status", "failed", f"status list {url} is for {list_purpose!r}, not {purpose!r}", path
        )
        return
    size = entry.get("statusSize", subject.get("statusSize", 1))
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 8:
        report.add("status", "failed", f"unsupported statusSize {size!r}", path)
        return
    try:
        bits = Bitstring(bytearray(decode_list(subject.get("encodedList"), limits=limits)), size)
        if bits.entries < MIN_LIST_BITS:
            report.add(
                "status",
                "failed",
                f"status list {url} has {bits.entries} entries, fewer than the {MIN_LIST_BITS} "
                "the specification requires for herd privacy (a list length error)",
                path,
            )
            return
        value = bits.get(index)
    except InputTooLargeError as exc:
        report.add("status", "failed", f"status list {url} rejected: {exc}", path)
        return
    except MalformedInputError as exc:
        report.add("status", "failed", f"status list {url} is malformed: {exc}", path)
        return
    except IndexError as exc:
        report.add("status", "failed", f"{exc} of {url}", path)
        return
    if purpose in ("revocation", "suspension") and value:
        state = "revoked" if purpose == "revocation" else "suspended"
        report.add("status", "failed", f"the credential is {state} (index {index} of {url})", path)
        return
    message = _message(entry, value)
    report.add("status", "passed", f"{purpose}: status {value}{message} (index {index})", path)


def _message(entry: Mapping[str, Any], value: int) -> str:
    messages = entry.get("statusMessage")
    if isinstance(messages, list):
        for item in messages:
            if isinstance(item, dict) and item.get("status") in (hex(value), f"0x{value:x}"):
                return f" ({item.get('message')})"
    return ""


def _check_revocation_list(
    report: VerificationReport,
    entry: Mapping[str, Any],
    document: Mapping[str, Any],
    fetcher: StatusListFetcher,
    path: str,
) -> None:
    """OB 3.0's ``1EdTechRevocationList``: the JSON document at ``entry.id`` lists revoked
    credentials as ``revokedCredentials: [{id, revocationReason?}]``.

    The list carries no proof of its own (1EdTech Revocation List 1.0), so it is trusted as
    obtained from its URL; when it names an ``issuer`` that must be the credential's issuer.
    """
    url = entry.get("id")
    credential_id = document.get("id")
    if not isinstance(url, str) or not url:
        report.add(
            "status", "failed", "1EdTechRevocationList entry needs an id (the list URL)", path
        )
        return
    if not isinstance(credential_id, str):
        report.add(
            "status", "failed", "a credential with a revocation list status must have an id", "$.id"
        )
        return
    try:
        listed = fetcher.fetch(url)
    except MicrocredError as exc:
        report.add("status", "error", f"revocation list {url} unavailable: {exc}", path)
        return
    if not isinstance(listed, Mapping) or not isinstance(
        listed.get("revokedCredentials", []), list
    ):
        report.add(
            "status", "error", f"revocation list {url} is not a revocation list document", path
        )
        return
    list_issuer = listed.get("issuer")
    if list_issuer is not None and issuer_id(listed) != issuer_id(document):
        report.add(
            "status",
            "failed",
            f"revocation list {url} is issued by {issuer_id(listed)}, "
            "not by the credential's issuer",
            path,
        )
        return
    for item in listed.get("revokedCredentials", []):
        if isinstance(item, Mapping) and item.get("id") == credential_id:
            reason = item.get("revocationReason")
            because = f": {reason}" if isinstance(reason, str) and reason else ""
            report.add(
                "status", "failed", f"the credential is revoked (listed in {url}){because}", path
            )
            return
    report.add("status", "passed", f"revocation: not listed in {url}", path)
