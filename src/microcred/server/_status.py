"""Bitstring Status Lists on the service: entries added when issuing, each list published at
``GET /status-lists/{id}``, entries changed by ``POST /credentials/status``, and the lists
held here checked by the service's own verifier (no network).

Every list lives in the service's :class:`~microcred._store.Store`, so all worker
processes (and all hosts sharing a PostgreSQL store) allocate from and update the same lists:
an index is drawn and a bit set inside one transaction that holds the list's row, and the list
credential is re-signed before the transaction ends, so no update is ever lost and the list
served is always signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import zlib
from collections.abc import Callable, Iterator, Mapping, Set
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .._store import Store, StoreError, open_store
from .._vc import VC_V2
from ..errors import FetchError, MicrocredError
from ..keys import KeyPair
from ..proofs import suite_by_name
from ..status import (
    ChainStatusLists,
    StatusListFetcher,
    allocate_index,
    read_status_list,
    signed_status_list,
    status_entry,
    update_status,
)
from ._config import STATUS_PURPOSES, ConfigError, IssuerRoute, ServerConfig, StatusSettings
from ._http import ApiError, json_body, log, problem_response

__all__ = ["STATUS_OPTIONS", "StatusService", "status_routes"]

#: The issue options this module reads (``options.credentialStatus``, ``options.credentialId``).
STATUS_OPTIONS = frozenset({"credentialStatus", "credentialId"})
#: What ``credentialStatus.type`` may say in a request (the entry, the list, the list credential).
_REQUEST_TYPES = frozenset(
    {"BitstringStatusListEntry", "BitstringStatusList", "BitstringStatusListCredential"}
)
#: The media type a list is served with (VC 2.0's ``application/vc`` when asked for).
LIST_MEDIA_TYPE = "application/vc+ld+json"
_MAX_ID = 2048
_MAX_ENTRIES = 4

# the store's namespaces
_LISTS = "status-list"  # list id → the list record (JSON)
_CURRENT = "status-current"  # issuer and purpose → the list being allocated from
_CREDENTIALS = "status-credential"  # credential id → its entries

T = TypeVar("T")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _dump(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _load(data: bytes) -> Any:
    return json.loads(data.decode("utf-8"))


class _Bits(Set[int]):
    """The allocated indexes of a list, as a read-only set over its bitmap."""

    def __init__(self, data: bytearray) -> None:
        self.data = data

    def __contains__(self, index: object) -> bool:
        if not isinstance(index, int) or not 0 <= index < len(self.data) * 8:
            return False
        return bool(self.data[index // 8] & (0x80 >> (index % 8)))

    def __iter__(self) -> Iterator[int]:
        return (i for i in range(len(self.data) * 8) if i in self)

    def __len__(self) -> int:
        return sum(bin(b).count("1") for b in self.data)

    def add(self, index: int) -> None:
        self.data[index // 8] |= 0x80 >> (index % 8)


def _pack(data: bytearray) -> str:
    return base64.b64encode(zlib.compress(bytes(data), 6)).decode("ascii")


def _unpack(text: str) -> bytearray:
    return bytearray(zlib.decompress(base64.b64decode(text)))


def _list_suite(route: IssuerRoute) -> str | None:
    """The suite a route's lists are signed with: the route's, unless it is a selective
    disclosure or legacy suite (then the key's default)."""
    suite = suite_by_name(route.suite)
    return None if suite.selective or suite.legacy else route.suite


class _StoreLists:
    """The lists the service holds, as a status-list fetcher for its verifier."""

    def __init__(self, settings: StatusSettings, store: Store) -> None:
        self._settings = settings
        self._store = store

    def fetch(self, url: str) -> Any:
        list_id = self._settings.list_id(url)
        if list_id is None:
            raise FetchError(f"no status list for {url}")
        try:
            row = self._store.get(_LISTS, list_id)
        except StoreError as exc:
            raise FetchError(f"status list {url}: {exc}") from None
        if row is None:
            raise FetchError(f"no status list for {url}")
        return _load(row.value)["credential"]


class StatusService:
    """The service's status lists, in ``store`` (see the module's docstring).

    Raises:
        ConfigError: the store cannot be opened (psycopg missing, a bad URL).
    """

    def __init__(self, config: ServerConfig, store: Store | None = None) -> None:
        self.config = config
        self.settings = config.status
        try:
            self.store = store if store is not None else open_store(config.store)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        self._keys: dict[str, KeyPair] = {}
        for route in config.issuers:
            self._keys.setdefault(route.key.verification_method, route.key)

    def check(self) -> None:
        """Reach the store once, so that a service that cannot use it fails at start.

        Raises:
            ConfigError: the store cannot be used (the message names it, never a password).
        """
        if self.settings is None:
            return
        try:
            self.store.check()
        except StoreError as exc:
            raise ConfigError(str(exc)) from None

    def fetcher(self, files: StatusListFetcher | None) -> StatusListFetcher | None:
        """The verifier's status lists: those held here first, then ``files``."""
        if self.settings is None:
            return files
        held = _StoreLists(self.settings, self.store)
        return held if files is None else ChainStatusLists(held, files)

    # ---------------------------------------------------------------- the store

    def allocate(self, route: IssuerRoute, purpose: str) -> tuple[str, int]:
        """A fresh index for a credential of ``route`` in the current ``purpose`` list of the
        route's issuer (a new list, signed, when there is none or it is full); atomic."""
        settings = self._require()
        issuer = route.key.controller
        pointer = f"{_digest(issuer)} {purpose}"
        with self.store.transaction() as tx:
            tx.add(_CURRENT, pointer, _dump({"list": None, "seq": 0}))
            row = tx.get(_CURRENT, pointer, for_update=True)
            current: dict[str, Any] = _load(row.value) if row else {"list": None, "seq": 0}
            record: dict[str, Any] | None = None
            list_id: str | None = current["list"]
            if list_id is not None:
                held = tx.get(_LISTS, list_id, for_update=True)
                record = _load(held.value) if held else None
                if record is not None and record["count"] >= record["size"]:
                    record = None
            if record is None or list_id is None:
                list_id = secrets.token_hex(8)
                record = self._new_list(settings, route, purpose, list_id)
                tx.put(_CURRENT, pointer, _dump({"list": list_id, "seq": current["seq"] + 1}))
                log("status list created", list=list_id, purpose=purpose, issuer=issuer)
            bits = _Bits(_unpack(record["allocated"]))
            index = allocate_index(bits, record["size"])
            bits.add(index)
            record["allocated"] = _pack(bits.data)
            record["count"] += 1
            tx.put(_LISTS, list_id, _dump(record))
        return settings.list_url(list_id), index

    @staticmethod
    def _new_list(
        settings: StatusSettings, route: IssuerRoute, purpose: str, list_id: str
    ) -> dict[str, Any]:
        credential = signed_status_list(
            settings.list_url(list_id),
            route.key,
            purpose=purpose,
            size=settings.list_size,
            ttl=settings.ttl,
            suite=_list_suite(route),
        )
        return {
            "issuer": route.key.controller,
            "purpose": purpose,
            "signer": route.key.verification_method,
            "size": settings.list_size,
            "count": 0,
            "allocated": _pack(bytearray(settings.list_size // 8)),
            "credential": credential,
        }

    def remember(self, credential_id: str, entries: list[dict[str, Any]]) -> None:
        """Record ``entries`` as the status entries of ``credential_id`` (added to those of an
        earlier credential with the same id)."""
        key = _digest(credential_id)
        with self.store.transaction() as tx:
            tx.add(_CREDENTIALS, key, b"[]")
            row = tx.get(_CREDENTIALS, key, for_update=True)
            known = _load(row.value) if row else []
            settings = self._require()
            known += [
                {
                    "list": settings.list_id(e["statusListCredential"]),
                    "index": int(e["statusListIndex"]),
                    "purpose": e["statusPurpose"],
                }
                for e in entries
            ]
            tx.put(_CREDENTIALS, key, _dump(known))

    def entries_of(self, credential_id: str) -> list[dict[str, Any]]:
        """The entries recorded for ``credential_id`` (``[]`` if none)."""
        row = self.store.get(_CREDENTIALS, _digest(credential_id))
        return [] if row is None else list(_load(row.value))

    def update(self, list_id: str, index: int, value: bool, purpose: str) -> bool:
        """Set (``value``) or clear entry ``index`` of list ``list_id`` and re-sign the list,
        atomically; whether it changed.

        Raises:
            ApiError: 404 no such list, or an index given to no credential; 400 the list has
                another purpose, or a revoked entry would be cleared; 409 the list's signing
                key is no longer configured.
        """
        with self.store.transaction() as tx:
            row = tx.get(_LISTS, list_id, for_update=True)
            if row is None:
                raise ApiError(404, "Credential not found", f"no status list {list_id}")
            record = _load(row.value)
            if record["purpose"] != purpose:
                raise ApiError(
                    400,
                    "Malformed request",
                    f"status list {list_id} is a {record['purpose']} list, not {purpose}",
                )
            if index not in _Bits(_unpack(record["allocated"])):
                raise ApiError(
                    404,
                    "Credential not found",
                    f"index {index} of status list {list_id} was given to no credential",
                )
            if read_status_list(record["credential"]).get(index) == int(value):
                return False
            key = self._keys.get(record["signer"])
            if key is None:
                raise ApiError(
                    409,
                    "Cannot sign",
                    f"the key that signs status list {list_id} ({record['signer']}) is not "
                    "configured any more",
                )
            try:
                record["credential"] = update_status(record["credential"], index, value, key)
            except ValueError as exc:
                raise ApiError(400, "Cannot update status", str(exc)) from None
            tx.put(_LISTS, list_id, _dump(record))
        log("status updated", list=list_id, purpose=purpose, status=value)
        return True

    def _require(self) -> StatusSettings:
        if self.settings is None:
            raise ApiError(
                400,
                "Unsupported option",
                "this service publishes no status lists (its configuration has no status)",
            )
        return self.settings

    # ---------------------------------------------------------------- issuing

    async def add_status(
        self, credential: dict[str, Any], route: IssuerRoute, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``credential`` with the ``credentialStatus`` entries ``route`` gives and
        ``options.credentialStatus`` asks for (a new dict; unchanged when there are none).

        Raises:
            ApiError: 400 a malformed request or no status configured, 503 store unavailable.
        """
        purposes = list(route.status)
        if "credentialStatus" in options:
            for purpose in _requested(options["credentialStatus"]):
                if purpose not in purposes:
                    purposes.append(purpose)
        credential_id = options.get("credentialId", credential.get("id"))
        if "credentialId" in options and not _is_id(options["credentialId"]):
            raise ApiError(400, "Unsupported option", "options.credentialId must be a string")
        if not purposes:
            return credential
        self._require()
        contexts = credential.get("@context")
        if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V2:
            raise ApiError(
                400,
                "Invalid credential",
                f"a BitstringStatusListEntry needs a VC 2.0 credential (@context {VC_V2})",
            )

        def allocate_all() -> list[dict[str, Any]]:
            made = []
            for purpose in purposes:
                url, index = self.allocate(route, purpose)
                made.append(status_entry(url, index, purpose))
            if _is_id(credential_id):
                self.remember(credential_id, made)
            return made

        entries = await _in_thread(allocate_all)
        existing = credential.get("credentialStatus")
        before = [] if existing is None else existing if isinstance(existing, list) else [existing]
        every = before + entries
        return {**credential, "credentialStatus": every[0] if len(every) == 1 else every}

    # ---------------------------------------------------------------- HTTP

    async def get_list(self, request: Request) -> Response:
        """``GET /status-lists/{id}``: the signed list credential."""
        settings = self._require()
        list_id = request.path_params["list_id"]
        row = None
        if settings.list_id(settings.list_url(list_id)) == list_id:
            row = await _in_thread(self.store.get, _LISTS, list_id)
        if row is None:
            raise ApiError(404, "Not found", f"no status list {list_id[:80]!r}")
        accept = request.headers.get("accept", "")
        plain_vc = "application/vc" in [p.split(";")[0].strip() for p in accept.split(",")]
        media = "application/vc" if plain_vc else LIST_MEDIA_TYPE
        cache = f"max-age={settings.ttl // 1000}" if settings.ttl else "no-cache"
        return Response(
            _dump(_load(row.value)["credential"]),
            media_type=media,
            headers={"Cache-Control": cache, "ETag": f'"{row.version}"'},
        )

    def _unauthorized(self, request: Request) -> Response | None:
        settings = self._require()
        header = request.headers.get("authorization")
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            response = problem_response(
                ApiError(
                    401,
                    "Unauthorized",
                    "POST /credentials/status needs an Authorization: Bearer token",
                )
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="microcred"'
            return response
        given = token.strip().encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, settings.token.encode("utf-8")):
            log("status update refused", logging.WARNING, reason="wrong token")
            return problem_response(
                ApiError(403, "Forbidden", "the bearer token does not allow status updates")
            )
        return None

    async def update_status(self, request: Request) -> Response:
        """``POST /credentials/status`` (VC API): change one or more entries of a credential.

        Body: ``{"credentialId": ..., "credentialStatus": {"type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", ["statusListCredential", "statusListIndex"]},
        "status": true}``, or the earlier form ``"credentialStatus": [{"type": ...,
        "status": "1"}]``. The entry is found by its list and index, or by the credential id
        the credential was issued with.
        """
        refused = self._unauthorized(request)
        if refused is not None:
            return refused
        body = await json_body(request, self.config.max_request_bytes, self.config.limits)
        changes, credential_id = _changes(body)

        def apply() -> list[dict[str, Any]]:
            done = []
            for spec, value in changes:
                purpose = spec.get("statusPurpose", "revocation")
                for list_id, index in self._targets(credential_id, spec, purpose):
                    changed = self.update(list_id, index, value, purpose)
                    entry = status_entry(self._require().list_url(list_id), index, purpose)
                    done.append({**entry, "status": value, "changed": changed})
            return done

        updated = await _in_thread(apply)
        answer: dict[str, Any] = {"credentialStatus": updated}
        if credential_id is not None:
            answer = {"credentialId": credential_id, **answer}
        return JSONResponse(answer)

    def _targets(
        self, credential_id: str | None, spec: Mapping[str, Any], purpose: str
    ) -> list[tuple[str, int]]:
        """The (list, index) pairs a request's entry names."""
        settings = self._require()
        url, index = spec.get("statusListCredential"), spec.get("statusListIndex")
        if url is None and index is None and isinstance(spec.get("id"), str):
            head, sep, tail = spec["id"].rpartition("#")
            if sep and _is_index(tail):
                url, index = head, tail
        known = [] if credential_id is None else self.entries_of(credential_id)
        known = [e for e in known if e["purpose"] == purpose]
        if url is not None or index is not None:
            if not isinstance(url, str) or not _is_index(index):
                raise ApiError(
                    400,
                    "Malformed request",
                    "credentialStatus needs statusListCredential (a URL) and statusListIndex "
                    "(a base-10 string) together",
                )
            list_id = settings.list_id(url)
            if list_id is None:
                raise ApiError(
                    404, "Credential not found", f"{url[:200]} is not a status list of this service"
                )
            target = (list_id, int(str(index)))
            if known and {"list": target[0], "index": target[1], "purpose": purpose} not in known:
                raise ApiError(
                    400,
                    "Malformed request",
                    "the entry is not one the credential named by credentialId was issued with",
                )
            return [target]
        if credential_id is None:
            raise ApiError(
                400,
                "Malformed request",
                "name the credential (credentialId) or its entry (statusListCredential and "
                "statusListIndex)",
            )
        if not known:
            raise ApiError(
                404,
                "Credential not found",
                f"no credential with a {purpose} entry was issued with that credentialId",
            )
        return [(e["list"], int(e["index"])) for e in known]


def _is_request_type(value: Any) -> bool:
    return isinstance(value, str) and value in _REQUEST_TYPES


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= _MAX_ID


def _is_index(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 19 and value.isascii() and value.isdigit()


def _requested(value: Any) -> list[str]:
    """The purposes ``options.credentialStatus`` asks for: ``{"type":
    "BitstringStatusListEntry", "statusPurpose": "revocation"}`` or a list of such objects."""
    items = value if isinstance(value, list) else [value]
    if not items or len(items) > _MAX_ENTRIES:
        raise ApiError(
            400, "Unsupported option", "options.credentialStatus: one to four status requests"
        )
    purposes = []
    for item in items:
        if not isinstance(item, dict) or not set(item) <= {"type", "statusPurpose"}:
            raise ApiError(
                400,
                "Unsupported option",
                "options.credentialStatus holds objects with type and statusPurpose",
            )
        if not _is_request_type(item.get("type")):
            raise ApiError(
                400,
                "Unsupported option",
                f"options.credentialStatus.type: this service issues BitstringStatusListEntry, "
                f"not {str(item.get('type'))[:80]!r}",
            )
        purpose = item.get("statusPurpose", "revocation")
        if purpose not in STATUS_PURPOSES:
            raise ApiError(
                400,
                "Unsupported option",
                f"options.credentialStatus.statusPurpose: {' or '.join(STATUS_PURPOSES)}, "
                f"not {str(purpose)[:80]!r}",
            )
        purposes.append(purpose)
    return purposes


_ENTRY_MEMBERS = {"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"}


def _changes(body: Mapping[str, Any]) -> tuple[list[tuple[dict[str, Any], bool]], str | None]:
    """The entries a status update request changes, with their new value, and its
    ``credentialId``; 400 for anything malformed."""
    unknown = sorted(set(body) - {"credentialId", "credentialStatus", "status"})
    if unknown:
        raise ApiError(
            400,
            "Malformed request",
            f"unsupported member(s): {', '.join(u[:40] for u in unknown[:5])} (indexes are "
            "allocated by this service)",
        )
    credential_id = body.get("credentialId")
    if credential_id is not None and not _is_id(credential_id):
        raise ApiError(400, "Malformed request", "credentialId must be a string")
    status = body.get("credentialStatus")
    if isinstance(status, dict):
        if not set(status) <= _ENTRY_MEMBERS:
            raise ApiError(
                400,
                "Malformed request",
                "credentialStatus has only id, type, statusPurpose, statusListIndex and "
                "statusListCredential",
            )
        if not isinstance(body.get("status"), bool):
            raise ApiError(400, "Malformed request", "status must be true or false")
        return [(_entry_spec(status), body["status"])], credential_id
    if isinstance(status, list) and 0 < len(status) <= _MAX_ENTRIES and "status" not in body:
        changes = []
        for item in status:
            if not isinstance(item, dict) or not set(item) <= {"type", "status", "statusPurpose"}:
                raise ApiError(
                    400,
                    "Malformed request",
                    "each credentialStatus item has type, status and maybe statusPurpose",
                )
            value = {"1": True, "0": False, True: True, False: False}.get(item.get("status"))
            if value is None or (
                isinstance(item.get("status"), int) and not isinstance(item.get("status"), bool)
            ):
                raise ApiError(400, "Malformed request", 'status must be "1", "0", true or false')
            changes.append((_entry_spec({k: v for k, v in item.items() if k != "status"}), value))
        return changes, credential_id
    raise ApiError(
        400,
        "Malformed request",
        "credentialStatus must be the entry to change (an object, with status beside it) "
        "or a list of one to four {type, status} objects",
    )


def _entry_spec(spec: dict[str, Any]) -> dict[str, Any]:
    if not _is_request_type(spec.get("type")):
        raise ApiError(
            400,
            "Malformed request",
            f"credentialStatus.type: this service keeps Bitstring Status Lists, not "
            f"{str(spec.get('type'))[:80]!r}",
        )
    purpose = spec.get("statusPurpose", "revocation")
    if purpose not in STATUS_PURPOSES:
        raise ApiError(
            400,
            "Malformed request",
            f"statusPurpose: {' or '.join(STATUS_PURPOSES)}, not {str(purpose)[:80]!r}",
        )
    for member in ("id", "statusListCredential", "statusListIndex"):
        if member in spec and not _is_id(spec[member]):
            raise ApiError(400, "Malformed request", f"credentialStatus.{member} must be a string")
    return {**spec, "statusPurpose": purpose}


async def _in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run a store operation in a worker thread; an unavailable store is a 503."""
    try:
        return await run_in_threadpool(function, *args)
    except StoreError as exc:
        log("store unavailable", logging.ERROR, error=str(exc))
        raise ApiError(
            503, "Store unavailable", "the service's state cannot be reached now; try again"
        ) from None
    except MicrocredError as exc:  # a list in the store that cannot be read or signed
        log("status list unusable", logging.ERROR, error=type(exc).__name__)
        raise ApiError(400, "Status list unusable", str(exc)) from None


def status_routes(service: StatusService) -> list[Route]:
    """The status routes, when the configuration has ``status``: ``GET /status-lists/{id}``
    (public) and ``POST /credentials/status`` (bearer token)."""
    if service.settings is None:
        return []
    return [
        Route("/status-lists/{list_id}", service.get_list, methods=["GET"]),
        Route("/credentials/status", service.update_status, methods=["POST"]),
    ]
