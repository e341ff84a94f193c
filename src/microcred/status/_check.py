"""Checking a credential's ``credentialStatus`` against its status list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .. import _json
from .._vc import issuer_id
from ..errors import FetchError, InputTooLargeError, MalformedInputError, MicrocredError
from ..limits import DEFAULT_LIMITS, Limits
from ..net import Fetcher
from ..report import VerificationReport
from ._bitstring import Bitstring, decode_list

if TYPE_CHECKING:
    from .._verify import VerifyOptions

__all__ = ["HttpsStatusLists", "StaticStatusLists", "StatusListFetcher", "check_entries"]

_ENTRY_TYPES = {"BitstringStatusListEntry", "StatusList2021Entry"}
REVOCATION_LIST_TYPE = "1EdTechRevocationList"


@runtime_checkable
class StatusListFetcher(Protocol):
    """Obtains the status-list credential at ``url`` (a JSON object or a compact JWT).

    Raises :class:`~microcred.errors.FetchError` (or another MicrocredError) when it cannot.
    """

    def fetch(self, url: str) -> Any: ...


class StaticStatusLists:
    """Status-list credentials the caller already has, by URL (offline)."""

    def __init__(self, credentials: Mapping[str, Any]) -> None:
        self._lists = dict(credentials)

    def fetch(self, url: str) -> Any:
        """The credential for ``url`` (the URL's fragment is ignored)."""
        try:
            return self._lists[url.split("#", 1)[0]]
        except KeyError:
            raise FetchError(f"no status list for {url}") from None


class HttpsStatusLists:
    """Fetches status lists through an explicit :class:`~microcred.net.Fetcher` (opt-in)."""

    def __init__(self, fetcher: Fetcher, *, limits: Limits = DEFAULT_LIMITS) -> None:
        self._fetcher = fetcher
        self._limits = limits

    def fetch(self, url: str) -> Any:
        """GET the list credential; JSON is parsed, anything else is returned as text."""
        body = self._fetcher.fetch(
            url.split("#", 1)[0],
            accept="application/vc+ld+json, application/vc+jwt, application/json",
            max_bytes=self._limits.max_input_bytes,
        )
        try:
            return _json.loads(body, limits=self._limits)
        except MicrocredError:
            return body.decode("utf-8", "replace").strip()


def _index(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isdigit() and len(value) < 20:
        return int(value)
    return None


def check_entries(
    report: VerificationReport, document: Mapping[str, Any], options: VerifyOptions
) -> None:
    """Check every status entry of ``document`` with ``options.status``; one check each."""
    status = document.get("credentialStatus")
    entries = status if isinstance(status, list) else [status]
    for position, entry in enumerate(entries):
        path = "$.credentialStatus" + (f"[{position}]" if isinstance(status, list) else "")
        if not isinstance(entry, dict):
            report.add("status", "failed", "credentialStatus entry is not an object", path)
            continue
        kind = entry.get("type")
        if kind == REVOCATION_LIST_TYPE:
            _check_revocation_list(report, entry, document, options, path)
            continue
        if kind not in _ENTRY_TYPES:
            message = f"status method {kind!r} is not supported"
            if options.require_status:
                report.add("status", "error", message, path)
            else:
                report.add("status", "skipped", message, path)
            continue
        _check_one(report, entry, document, options, path)


def _check_one(
    report: VerificationReport,
    entry: Mapping[str, Any],
    document: Mapping[str, Any],
    options: VerifyOptions,
    path: str,
) -> None:
    from .._verify import verify

    purpose = entry.get("statusPurpose")
    index = _index(entry.get("statusListIndex"))
    url = entry.get("statusListCredential")
    if not isinstance(purpose, str) or index is None or not isinstance(url, str):
        report.add(
            "status",
            "failed",
            "status entry needs statusPurpose, a non-negative "
            "statusListIndex and statusListCredential",
            path,
        )
        return
    try:
        listed = options.status.fetch(url)
    except MicrocredError as exc:
        report.add("status", "error", f"status list {url} unavailable: {exc}", path)
        return
    inner = verify(
        listed,
        now=options.now,
        suites=options.suites,
        loader=options.loader,
        resolver=options.resolver,
        status=None,
        limits=options.limits,
        max_clock_skew=options.max_clock_skew,
    )
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
        bits = Bitstring(
            bytearray(decode_list(subject.get("encodedList"), limits=options.limits)), size
        )
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
    options: VerifyOptions,
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
        listed = options.status.fetch(url)
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
