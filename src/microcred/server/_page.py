"""The verifier page: static files shipped in the package, and the report it shows."""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import MicrocredError
from ..report import Check, VerificationReport
from ._http import ApiError, log

__all__ = ["page_report", "page_routes", "page_warnings"]

#: The page's files: name → media type. Nothing else is served.
STATIC_FILES = {
    "index.html": "text/html; charset=utf-8",
    "verifier.js": "text/javascript; charset=utf-8",
    "verifier.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


def _static(name: str) -> bytes:
    return resources.files("microcred.server").joinpath("static").joinpath(name).read_bytes()


async def _index(request: Request) -> Response:
    return Response(_static("index.html"), media_type=STATIC_FILES["index.html"])


async def _file(request: Request) -> Response:
    name = request.path_params["name"]
    media_type = STATIC_FILES.get(name)
    if media_type is None or name == "index.html":
        raise ApiError(404, "Not found", f"no static file {name!r}")
    return Response(_static(name), media_type=media_type, headers={"Cache-Control": "no-cache"})


def page_routes() -> list[Route]:
    """``GET /`` (the page) and ``GET /static/{name}`` (its script, style and icon)."""
    return [
        Route("/", _index, methods=["GET"]),
        Route("/static/{name}", _file, methods=["GET"]),
    ]


def _issuer(document: dict[str, Any]) -> dict[str, str] | None:
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return {"id": issuer}
    if isinstance(issuer, dict):
        shown = {
            k: v for k, v in issuer.items() if k in ("id", "name", "url") and isinstance(v, str)
        }
        return shown or None
    return None


def _micro_credential(document: dict[str, Any]) -> dict[str, Any] | None:
    """The Annex I table when the document is an EU micro-credential (microcred's extension
    context, an achievement of type MicroCredential, or an ELM credential); ``None`` otherwise,
    and for a document that cannot be read as one, whatever it holds (the report says what
    is wrong with it: the table is never the reason for an error answer). An unexpected
    failure of the reading is logged by its class alone.

    Each row has ``value`` (English) and ``values`` (``{"en": ..., "sv": ...}``): the words
    microcred writes itself (units, level, vocabulary values) in each language of the page,
    see :func:`microcred.model.elements.element_rows`."""
    try:
        return _annex_table(document)
    except (MicrocredError, ValueError):
        return None
    except Exception as exc:  # hostile documents reach the model's readers unverified
        log("annex table internal error", logging.ERROR, error=type(exc).__name__)
        return None


def _annex_table(document: dict[str, Any]) -> dict[str, Any] | None:
    from ..model.elements import LANGUAGES, element_rows, source_kind
    from ..model.eu import EU_CONTEXT, read_any

    kind = source_kind(document)
    contexts = document.get("@context")
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    achievement_type = achievement.get("achievementType") if isinstance(achievement, dict) else None
    is_micro = (
        kind == "elm"
        or (isinstance(contexts, list) and EU_CONTEXT in contexts)
        or achievement_type == "MicroCredential"
    )
    if not is_micro:
        return None
    micro = read_any(document)
    written = {language: element_rows(micro, kind, language=language) for language in LANGUAGES}
    elements = []
    for position, row in enumerate(written["en"]):
        entry = row.to_json()
        entry["values"] = {language: rows[position].value for language, rows in written.items()}
        elements.append(entry)
    return {"complete": not micro.missing, "missing": micro.missing, "elements": elements}


def page_warnings(report: VerificationReport) -> list[dict[str, Any]]:
    """Every warning of ``report`` and of the credentials inside it, in order, as
    ``{"id", "message", "path"?, "credential"?}``: ``credential`` is the 1-based position in
    the set of the embedded credential the warning belongs to (absent for the report's own)."""
    found: list[dict[str, Any]] = [_warning(w, None) for w in report.warnings]
    for position, inner in enumerate(report.credentials, start=1):
        found += [_warning(w, position) for w in inner.all_warnings]
    return found


def _warning(warning: Check, position: int | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": warning.id, "message": warning.message}
    if warning.path is not None:
        entry["path"] = warning.path
    if position is not None:
        entry["credential"] = position
    return entry


def page_report(report: VerificationReport) -> dict[str, Any]:
    """What the page shows: the verification report, its warnings (those of the embedded
    credentials included, see :func:`page_warnings`), the issuer as the credential names it,
    and the Annex I table of a micro-credential."""
    document = report.document if isinstance(report.document, dict) else {}
    return {
        "report": report.to_json(),
        "warnings": page_warnings(report),
        "input": report.checks[0].message if report.checks else "",
        "issuer": _issuer(document),
        "name": document.get("name") if isinstance(document.get("name"), str) else None,
        "microCredential": _micro_credential(document) if document else None,
    }
