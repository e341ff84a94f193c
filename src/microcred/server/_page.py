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
from ._trust import trust_json

__all__ = ["page_report", "page_routes", "page_warnings"]

#: The page's files: name → media type. Nothing else is served.
STATIC_FILES = {
    "index.html": "text/html; charset=utf-8",
    "verifier.js": "text/javascript; charset=utf-8",
    "wallet.js": "text/javascript; charset=utf-8",
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


#: The formats whose verified issuer is the ``iss`` claim (an ``issuer`` claim beside it is the
#: issuer's own description, not who signed).
_SD_JWT_FORMATS = ("sd-jwt-vc", "sd-jwt")


def _issuer(document: dict[str, Any], format: str | None = None) -> dict[str, str] | None:
    issuer = document.get("issuer")
    iss = document.get("iss")
    if format in _SD_JWT_FORMATS and isinstance(iss, str):
        # the verified issuer of an SD-JWT VC is iss: an issuer claim never names another
        shown = {"id": iss}
        if isinstance(issuer, dict):
            shown.update(
                {k: v for k, v in issuer.items() if k in ("name", "url") and isinstance(v, str)}
            )
        return shown
    if isinstance(issuer, str):
        return {"id": issuer}
    if isinstance(issuer, dict):
        shown = {
            k: v for k, v in issuer.items() if k in ("id", "name", "url") and isinstance(v, str)
        }
        return shown or None
    return None


def _micro_credential(
    document: dict[str, Any], report: VerificationReport | None = None
) -> dict[str, Any] | None:
    """The Annex I table when the document is an EU micro-credential (microcred's extension
    context, an achievement of type MicroCredential, or an ELM credential); ``None`` otherwise,
    and for a document that cannot be read as one, whatever it holds (the report says what
    is wrong with it: the table is never the reason for an error answer). An unexpected
    failure of the reading is logged by its class alone.

    Each row has ``value`` (English) and ``values`` (``{"en": ..., "sv": ...}``): the words
    microcred writes itself (units, level, vocabulary values) in each language of the page,
    see :func:`microcred.model.elements.element_rows`. For an SD-JWT VC, an element whose
    claims may be among the hidden ones is ``"hidden": true`` and not ``missing``."""
    try:
        if report is not None and report.format == "sd-jwt-vc":
            return _sd_jwt_vc_table(document, report)
        return _annex_table(document)
    except (MicrocredError, ValueError):
        return None
    except Exception as exc:  # hostile documents reach the model's readers unverified
        log("annex table internal error", logging.ERROR, error=type(exc).__name__)
        return None


def _rows(micro: Any, kind: Any) -> list[dict[str, Any]]:
    from ..model.elements import LANGUAGES, element_rows

    written = {language: element_rows(micro, kind, language=language) for language in LANGUAGES}
    elements = []
    for position, row in enumerate(written["en"]):
        entry = row.to_json()
        entry["values"] = {language: rows[position].value for language, rows in written.items()}
        elements.append(entry)
    return elements


#: The Annex I elements whose claims microcred's (and DC4EU's) micro-credential SD-JWT VC
#: may hold in Disclosures; every other element is always in clear.
_DISCLOSABLE_ELEMENTS = ("identification of the learner", "date of issuing", "grade")


def _sd_jwt_vc_table(document: dict[str, Any], report: VerificationReport) -> dict[str, Any] | None:
    """The Annex I table of an EU micro-credential SD-JWT VC (what was disclosed only)."""
    from ..model._sdjwt_mapping import DC4EU_MICRO_CREDENTIAL_VCT, SD_JWT_VC_TYPE
    from ..model.eu import MicroCredential

    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    vct = document.get("vct")
    known = vct in (SD_JWT_VC_TYPE, DC4EU_MICRO_CREDENTIAL_VCT)
    if not known and not (
        isinstance(achievement, dict) and achievement.get("achievementType") == "MicroCredential"
    ):
        return None
    micro = MicroCredential.from_sd_jwt_vc(document)
    elements = _rows(micro, "ob3")
    hidden: list[str] = []
    if report.hidden_count:
        for entry in elements:
            if not entry["value"] and (not known or entry["element"] in _DISCLOSABLE_ELEMENTS):
                entry["hidden"] = True
                hidden.append(entry["element"])
    missing = [name for name in micro.missing if name not in hidden]
    return {
        "complete": not missing,
        "missing": missing,
        "notDisclosed": hidden,
        "elements": elements,
    }


def _disclosure(document: dict[str, Any], report: VerificationReport) -> dict[str, Any] | None:
    """What an SD-JWT's holder disclosed (each pointer, with its label in English and Swedish
    from the type metadata of microcred's micro-credential type when it has one) and how many
    claims stayed hidden; ``None`` for any other format."""
    if report.disclosed is None:
        return None
    from ..model._sdjwt_mapping import SD_JWT_VC_TYPE, claim_labels

    vct = document.get("vct")
    disclosed = []
    for pointer in report.disclosed:
        entry: dict[str, Any] = {"pointer": pointer}
        labels = claim_labels(pointer) if vct == SD_JWT_VC_TYPE else None
        if labels:
            entry["label"] = labels
        disclosed.append(entry)
    return {
        "vct": vct if isinstance(vct, str) else None,
        "disclosed": disclosed,
        "hidden": report.hidden_count or 0,
    }


def _annex_table(document: dict[str, Any]) -> dict[str, Any] | None:
    from ..model.elements import source_kind
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
    elements = _rows(micro, kind)
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
    credentials included, see :func:`page_warnings`), the issuer as the credential names it
    (for an SD-JWT, ``iss``), the Annex I table of a micro-credential and, for an SD-JWT, what
    the holder disclosed and how many claims stayed hidden (``disclosure``; the hidden claims
    themselves never reach the verifier, and so never the page), and the issuer-trust answer
    (``trust``: ``{"issuer": "confirmed" | "unconfirmed", "by", "name", "source"}``, see
    :func:`microcred.server._trust.trust_json`; the page shows ``trust.name`` as the issuer
    when confirmed, and ``issuer.name`` is what the credential asserts of itself)."""
    document = report.document if isinstance(report.document, dict) else {}
    return {
        "report": report.to_json(),
        "warnings": page_warnings(report),
        "input": report.checks[0].message if report.checks else "",
        "issuer": _issuer(document, report.format),
        "name": document.get("name") if isinstance(document.get("name"), str) else None,
        "microCredential": _micro_credential(document, report) if document else None,
        "disclosure": _disclosure(document, report),
        "trust": trust_json(report),
    }
