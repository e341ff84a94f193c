"""HTTP plumbing for the service: bounded bodies, problem responses, structured logs."""

from __future__ import annotations

import itertools
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import _json
from ..errors import MicrocredError
from ..limits import Limits

__all__ = [
    "ApiError",
    "JsonLogFormatter",
    "RequestLog",
    "json_body",
    "problem_response",
    "read_body",
    "run_cpu",
    "set_log_fields",
]

LOG = logging.getLogger("microcred.server")

#: Security headers on every response: nothing from elsewhere, no framing, no sniffing.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class ApiError(Exception):
    """A request that cannot be served; becomes an RFC 9457 ``application/problem+json``.

    Attributes:
        status: the HTTP status code.
        title: a short, fixed summary of the kind of problem.
        detail: what was wrong with this request (never a stack trace).
        extra: further members of the problem object (e.g. a verification report).
    """

    def __init__(
        self, status: int, title: str, detail: str, extra: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.extra = dict(extra or {})


def problem_response(problem: ApiError) -> JSONResponse:
    """The problem as a JSON response."""
    body = {"type": "about:blank", "title": problem.title, "status": problem.status}
    body["detail"] = problem.detail
    body.update(problem.extra)
    return JSONResponse(body, status_code=problem.status, media_type="application/problem+json")


#: An oversized body up to this size is read and thrown away before the 413 answer, so that a
#: client that sends its whole body before reading (most do) gets the answer rather than a
#: reset connection. Beyond it the connection is closed at once.
DRAIN_BYTES = 32 * 1024 * 1024


async def _too_large(
    chunks: AsyncIterator[bytes], declared: str | None, max_bytes: int, received: int
) -> ApiError:
    if declared is None or not declared.isdigit() or int(declared) <= DRAIN_BYTES:
        async for chunk in chunks:  # discarded, never kept
            received += len(chunk)
            if received > DRAIN_BYTES:
                break
    return ApiError(413, "Request too large", f"the body is over {max_bytes} bytes")


#: The scope key under which :func:`read_body` leaves the body's size for :func:`run_cpu`.
BODY_SIZE_KEY = "microcred.body_bytes"

#: Work on a body up to this size runs on the event loop: a verification or signature of a
#: credential this size takes about a millisecond, less than handing it to a thread and back
#: costs under load. Larger bodies (a CLR with nested credentials takes tens of milliseconds)
#: go to a worker thread, so that the loop keeps reading and answering the other requests.
INLINE_MAX_BYTES = 16 * 1024

_T = TypeVar("_T")


async def run_cpu(
    request: Request | None, function: Callable[..., _T], *args: Any, **kwargs: Any
) -> _T:
    """``function(*args, **kwargs)``: on the event loop when the request's body (as read by
    :func:`read_body`) is at most :data:`INLINE_MAX_BYTES`, else (or without a request, or a
    body not read by :func:`read_body`) in a worker thread."""
    size = INLINE_MAX_BYTES + 1 if request is None else request.scope.get(BODY_SIZE_KEY)
    if isinstance(size, int) and size <= INLINE_MAX_BYTES:
        return function(*args, **kwargs)
    return await run_in_threadpool(function, *args, **kwargs)


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``max_bytes``
    (from ``Content-Length`` before reading, or while streaming); at most ``max_bytes`` are
    ever kept in memory. Its size is left in the scope for :func:`run_cpu`."""
    declared = request.headers.get("content-length")
    stream = request.stream()
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise await _too_large(stream, declared, max_bytes, 0)
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > max_bytes:
            raise await _too_large(stream, declared, max_bytes, size)
        chunks.append(chunk)
    body = b"".join(chunks)
    request.scope[BODY_SIZE_KEY] = len(body)
    return body


async def json_body(request: Request, max_bytes: int, limits: Limits) -> dict[str, Any]:
    """The body as a JSON object, parsed strictly (duplicate keys and excessive depth are
    refused); 400 otherwise."""
    data = await read_body(request, max_bytes)
    try:
        value = _json.loads(data, limits=limits)
    except MicrocredError as exc:
        raise ApiError(400, "Malformed request", f"the body is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ApiError(400, "Malformed request", "the body must be a JSON object")
    return value


#: Fields on every log line of this process (the worker's index and pid).
_PROCESS_FIELDS: dict[str, Any] = {}


def set_log_fields(**fields: Any) -> None:
    """Put ``fields`` on every later log line of this process (``worker``, ``pid``)."""
    _PROCESS_FIELDS.clear()
    _PROCESS_FIELDS.update(fields)


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, message, the process's fields (see
    :func:`set_log_fields`) and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            **_PROCESS_FIELDS,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log ``event`` with structured ``fields`` on the ``microcred.server`` logger."""
    LOG.log(level, event, extra={"fields": fields})


#: Request ids: unique per process (a random prefix, then a counter), cheaper than a UUID4 from
#: the system's random source on every request; they identify, they protect nothing.
_ID_PREFIX = os.urandom(4).hex()
_ID_COUNTER = itertools.count(1)


def _new_id_prefix() -> None:
    global _ID_PREFIX, _ID_COUNTER
    _ID_PREFIX = os.urandom(4).hex()
    _ID_COUNTER = itertools.count(1)


if hasattr(os, "register_at_fork"):  # a forked worker numbers its own requests
    os.register_at_fork(after_in_child=_new_id_prefix)


def _request_id() -> str:
    return f"{_ID_PREFIX}{next(_ID_COUNTER):08x}"


class RequestLog:
    """ASGI middleware: one log line per request (id, method, path, status, bytes, time) and
    the security headers on every response. Bodies are never logged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id()
        status = 500
        sent = 0

        async def send_wrapper(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            log(
                "request",
                request_id=request_id,
                method=scope.get("method"),
                path=scope.get("path"),
                status=status,
                bytes_out=sent,
                ms=round((time.perf_counter() - started) * 1000, 2),
            )


def invalid_credential(exc: Exception) -> ApiError:
    """The ``400 Invalid credential`` for an error raised while signing: a JSON-LD error is
    named as the ``contexts`` check (as verification reports it), with its path."""
    from ..errors import JsonLdError

    if isinstance(exc, JsonLdError):
        error = {
            "id": "contexts",
            "message": exc.message,
            **({"path": exc.path} if exc.path else {}),
        }
        return ApiError(400, "Invalid credential", str(exc), {"errors": [error]})
    return ApiError(400, "Invalid credential", str(exc))


def check_issuable(
    credential: Mapping[str, Any], issuer: str, *, first_context: tuple[str, str] | None = None
) -> None:
    """Refuse (``400 Invalid credential``) a credential that is not of the data model, naming
    every problem; then, with ``first_context`` (a context URL and the reason), one whose first
    context is not that URL; then one whose issuer is not ``issuer`` (the route's key
    controller)."""
    from .._vc import issuer_id
    from ._vcdm import data_model_problems

    problems = data_model_problems(credential)
    if problems:
        raise ApiError(
            400,
            "Invalid credential",
            problems[0][1],
            {"errors": [{"path": p, "message": m} for p, m in problems]},
        )
    if first_context is not None and credential["@context"][0] != first_context[0]:
        raise ApiError(400, "Invalid credential", first_context[1])
    stated = issuer_id(credential)
    if stated != issuer:
        raise ApiError(
            400, "Invalid credential", f"issuer {stated!r} is not this route's issuer {issuer}"
        )
