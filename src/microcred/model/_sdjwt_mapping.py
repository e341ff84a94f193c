"""The Annex I form ⇄ the claims of an EU micro-credential SD-JWT VC (``docs/eu-sd-jwt-vc.md``
has the table).

Pure functions over JSON, no signing: :func:`to_sd_jwt_vc_claims` builds the claims an
SD-JWT VC carries (before any of them is made selectively disclosable) from a
:class:`~microcred.model.eu.MicroCredential`, :func:`from_sd_jwt_vc_claims` reads the Annex I
form back from the claims a verifier sees (only what was disclosed), and
:func:`type_metadata` is the SD-JWT VC Type Metadata document of microcred's ``vct``.

The claims have the shape of an Open Badges 3.0 ``OpenBadgeCredential`` without its JSON-LD
wrapping (no ``@context``, no credential ``type`` and ``id``, no proof): ``name``, ``issuer``,
``validFrom``, ``awardedDate`` and ``credentialSubject`` with its ``achievement``, exactly as
:func:`microcred.model._ob3_mapping.to_ob3` writes them, so that an OB 3.0 reader finds
``credentialSubject.achievement.name``, ``creditsAvailable``, ``result``, the alignments and
microcred's ``euMicroCredential`` extension where it looks for them. The achievement also
carries ``ECTS`` (the workload in ECTS credits, the claim DC4EU's micro-credential type
``urn:eudi:micro_credential:1`` names), so DC4EU wallets find it too.

What is selectively disclosable by default is :data:`DEFAULT_DISCLOSABLE` (RFC 6901 JSON
Pointers, ``*`` standing for every element of an array): the learner's identities, the
learner's DID, the grade and the dates. The learner's identities (name, identifiers, and the
national identity number, e-mail address or any date of birth when an issuer opts in to
them) are *always* disclosable (:data:`ALWAYS_DISCLOSABLE`): none is ever in clear.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from importlib import resources
from typing import Any

from ._form import AnnexIForm
from ._ob3_mapping import from_ob3, to_ob3
from .identity import IdentityPolicy

__all__ = [
    "ALWAYS_DISCLOSABLE",
    "DC4EU_MICRO_CREDENTIAL_VCT",
    "DEFAULT_DISCLOSABLE",
    "SD_JWT_VC_TYPE",
    "claim_labels",
    "disclosable_pointers",
    "from_sd_jwt_vc_claims",
    "to_sd_jwt_vc_claims",
    "type_metadata",
    "type_metadata_bytes",
    "type_metadata_integrity",
]

#: microcred's SD-JWT VC type (``vct``) of an EU micro-credential; its Type Metadata document
#: is :func:`type_metadata`. It ``extends`` DC4EU's :data:`DC4EU_MICRO_CREDENTIAL_VCT`.
SD_JWT_VC_TYPE = "https://microcred.dev/vct/eu-micro-credential/1"
#: The micro-credential type of the DC4EU pilots (SUNET's issuer, ``vctm_microcredential.json``):
#: the same OB 3.0-shaped claims, with the title, description, criteria, ``ECTS`` and the
#: issuer's name never selectively disclosable.
DC4EU_MICRO_CREDENTIAL_VCT = "urn:eudi:micro_credential:1"

#: What is selectively disclosable unless the issuer says otherwise (JSON Pointers into the
#: claims of :func:`to_sd_jwt_vc_claims`; ``*`` is every element of an array). A pointer to a
#: claim the credential does not have is skipped.
DEFAULT_DISCLOSABLE: tuple[str, ...] = (
    "/credentialSubject/id",
    "/credentialSubject/identifier/*",
    "/credentialSubject/result",
    "/validFrom",
    "/awardedDate",
)
#: Disclosable whatever the issuer asks: the learner's identities (the name, the identifiers,
#: and the national identity number, e-mail address or date of birth an issuer may opt in to)
#: are never in clear.
ALWAYS_DISCLOSABLE: tuple[str, ...] = ("/credentialSubject/identifier/*",)

_METADATA_FILE = "eu_micro_credential_vctm.json"
#: The claims of an SD-JWT VC that are not the micro-credential's (SD-JWT, SD-JWT VC, JWT).
_ENVELOPE = ("iss", "iat", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", "sub", "jti")


def _micro(source: AnnexIForm | Mapping[str, Any]) -> AnnexIForm:
    if isinstance(source, Mapping):
        return AnnexIForm.model_validate(dict(source))
    return source


def to_sd_jwt_vc_claims(
    source: AnnexIForm | Mapping[str, Any],
    *,
    issuer_id: str | None = None,
    identity: IdentityPolicy | None = None,
    salt: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The claims of the EU micro-credential SD-JWT VC for ``source`` (JSON, unsigned, with no
    SD-JWT or SD-JWT VC claim: ``iss``, ``vct``, ``iat``, ``cnf`` ... are the signer's).

    Args:
        source: a :class:`~microcred.model.eu.MicroCredential` or its Annex I form (JSON).
        issuer_id: the issuer's id written as ``issuer.id`` (default: the form's
            ``issuer.id``; none when neither is given: ``iss`` names the issuer).
        identity: which of the learner's national id and e-mail go in, and how (default:
            neither; see :mod:`microcred.model.identity`); whatever goes in is one of the
            learner's identities, and those are always selectively disclosable.
        salt: the salt of the identifiers ``identity`` writes ``"salted"``.
        today: reference date for reading two-digit-year personal numbers.

    Returns:
        ``name``, ``issuer``, ``validFrom``, ``awardedDate`` (when the form has it) and
        ``credentialSubject``, shaped as in an OB 3.0 credential (module docstring).

    Warns:
        ReversibleIdentityWarning: ``identity`` writes a salted hash of one of them.

    Raises:
        IncompleteMicroCredentialError: a mandatory element is missing, or only the left out
            national id or e-mail would identify the learner.
        ValueError: an element's value is not valid (``pydantic.ValidationError`` for a
            form that is not an Annex I form).
    """
    m = _micro(source)
    policy = identity or IdentityPolicy()
    m.require_complete(policy)
    chosen = issuer_id or (m.issuer.id if m.issuer else None)
    credential = to_ob3(
        m,
        issuer_id=chosen or "",
        credential_id="",
        salt=salt,
        today=today,
        identity=policy,
    )
    issuer = credential["issuer"]
    if not chosen:
        del issuer["id"]
    subject = credential["credentialSubject"]
    achievement = subject["achievement"]
    if "creditsAvailable" in achievement:
        achievement["ECTS"] = achievement["creditsAvailable"]
    claims: dict[str, Any] = {
        "name": credential["name"],
        "issuer": issuer,
        "validFrom": credential["validFrom"],
    }
    if "awardedDate" in credential:
        claims["awardedDate"] = credential["awardedDate"]
    claims["credentialSubject"] = subject
    return claims


# ---------------------------------------------------------------------------- pointers


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _select(claims: Any, pattern: str) -> list[str]:
    """The JSON Pointers ``pattern`` selects in ``claims`` (``*`` = every array element)."""
    if pattern == "" or not pattern.startswith("/"):
        raise ValueError(f"{pattern!r} is not a JSON Pointer to a claim (RFC 6901)")
    found: list[tuple[str, Any]] = [("", claims)]
    for raw in pattern[1:].split("/"):
        token = _unescape(raw)
        step: list[tuple[str, Any]] = []
        for where, value in found:
            if isinstance(value, list):
                if token == "*":
                    step += [(f"{where}/{i}", item) for i, item in enumerate(value)]
                elif token.isdigit() and (token == "0" or not token.startswith("0")):
                    index = int(token)
                    if index < len(value):
                        step.append((f"{where}/{index}", value[index]))
            elif isinstance(value, Mapping) and token in value:
                step.append((f"{where}/{_escape(token)}", value[token]))
        found = step
    return [where for where, _ in found]


def disclosable_pointers(
    claims: Mapping[str, Any],
    disclosable: Iterable[str] | None = None,
    *,
    vct: str = SD_JWT_VC_TYPE,
) -> list[str]:
    """The JSON Pointers to make selectively disclosable in ``claims``: ``disclosable``
    (default :data:`DEFAULT_DISCLOSABLE`) and :data:`ALWAYS_DISCLOSABLE`, with ``*`` expanded
    to every element of the array, in document order of the patterns, without repeats.

    A pattern of :data:`DEFAULT_DISCLOSABLE` that selects nothing (a credential with no grade)
    is skipped; any other pattern must select a claim. For microcred's own type
    (``vct`` = :data:`SD_JWT_VC_TYPE`) every pointer must be one its Type Metadata allows
    (``sd`` ``"always"`` or ``"allowed"``).

    Raises:
        ValueError: a pattern that is not a JSON Pointer, selects no claim, or selects a claim
            the type does not let be selectively disclosable.
    """
    patterns = list(DEFAULT_DISCLOSABLE if disclosable is None else disclosable)
    if isinstance(disclosable, str):
        raise ValueError("disclosable must be a list of JSON Pointers, not one string")
    pointers: list[str] = []
    for pattern in [*patterns, *ALWAYS_DISCLOSABLE]:
        if not isinstance(pattern, str):
            raise ValueError("disclosable must be a list of JSON Pointers (strings)")
        selected = _select(claims, pattern)
        if not selected and pattern not in DEFAULT_DISCLOSABLE:
            raise ValueError(f"{pattern!r} selects no claim of the micro-credential")
        for pointer in selected:
            if pointer not in pointers:
                pointers.append(pointer)
    if vct == SD_JWT_VC_TYPE:
        rules = _sd_rules()
        for pointer in pointers:
            path = _path_of(pointer)
            if rules.get(path) not in ("always", "allowed"):
                raise ValueError(
                    f"{pointer}: not selectively disclosable in the type {SD_JWT_VC_TYPE} "
                    "(its Type Metadata says which claims are; give another vct for a type "
                    "of your own)"
                )
    return pointers


def _path_of(pointer: str) -> tuple[str | None, ...]:
    """A JSON Pointer as a Type Metadata claim path (array indices as ``null``)."""
    parts: list[str | None] = []
    for raw in pointer[1:].split("/"):
        token = _unescape(raw)
        parts.append(None if token.isdigit() or token == "*" else token)
    return tuple(parts)


# ---------------------------------------------------------------------------- metadata


@functools.cache
def _metadata_text() -> str:
    return resources.files(__package__).joinpath(_METADATA_FILE).read_text(encoding="utf-8")


def type_metadata_bytes() -> bytes:
    """The Type Metadata document of :data:`SD_JWT_VC_TYPE` exactly as microcred ships it
    (UTF-8 JSON): the bytes to serve at the ``vct`` (or from a local cache) so that
    :func:`type_metadata_integrity` matches."""
    return _metadata_text().encode("utf-8")


def type_metadata_integrity() -> str:
    """The W3C SRI ``integrity metadata`` (``sha256-<base64>``) of
    :func:`type_metadata_bytes`: the value of an SD-JWT VC's ``vct#integrity`` claim
    (draft-ietf-oauth-sd-jwt-vc, "Document Integrity")."""
    digest = hashlib.sha256(type_metadata_bytes()).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def type_metadata() -> dict[str, Any]:
    """The SD-JWT VC Type Metadata document of :data:`SD_JWT_VC_TYPE` (a fresh copy).

    It has ``vct``, ``name``, ``description``, ``extends``
    (:data:`DC4EU_MICRO_CREDENTIAL_VCT`), ``display`` in Swedish and English, and ``claims``:
    for each claim of :func:`to_sd_jwt_vc_claims` its ``path``, ``display`` labels in Swedish
    and English, and ``sd`` (``"always"``, ``"allowed"`` or ``"never"``, draft-ietf-oauth-
    sd-jwt-vc, "Claim Selective Disclosure Metadata"): ``"always"`` for
    :data:`ALWAYS_DISCLOSABLE`, ``"allowed"`` for the rest of :data:`DEFAULT_DISCLOSABLE`
    (disclosable unless the issuer writes it in clear), ``"never"`` for every other claim.
    Each display entry gives the language as ``locale`` (the current draft) and as ``lang``
    (the name earlier drafts and the DC4EU metadata use).
    """
    document: dict[str, Any] = json.loads(_metadata_text())
    return document


@functools.cache
def _labels() -> dict[tuple[str | None, ...], dict[str, str]]:
    found: dict[tuple[str | None, ...], dict[str, str]] = {}
    for claim in type_metadata()["claims"]:
        found[tuple(claim["path"])] = {d["locale"]: d["label"] for d in claim["display"]}
    return found


def claim_labels(pointer: str) -> dict[str, str] | None:
    """The display labels (``{"en": ..., "sv": ...}``) of the claim at the JSON Pointer
    ``pointer`` in microcred's Type Metadata: those of the claim itself, else of the nearest
    claim it is inside; ``None`` when the type describes neither (or ``pointer`` is not a
    JSON Pointer)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        return None
    path = _path_of(pointer)
    labels = _labels()
    for end in range(len(path), 0, -1):
        found = labels.get(path[:end])
        if found is not None:
            return dict(found)
    return None


@functools.cache
def _sd_rules() -> dict[tuple[str | None, ...], str]:
    rules: dict[tuple[str | None, ...], str] = {}
    for claim in type_metadata()["claims"]:
        rules[tuple(claim["path"])] = claim.get("sd", "allowed")
    return rules


# ---------------------------------------------------------------------------- reading back


def _mapping(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None


def from_sd_jwt_vc_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The Annex I form (JSON) carried by the claims of an EU micro-credential SD-JWT VC.

    ``claims`` are what a verifier sees (the processed payload: only what was disclosed);
    elements that are absent or were not disclosed are left out of the form. The issuer's id
    is ``iss`` (who signed; an ``issuer.id`` claim that differs is not believed), else
    ``issuer.id``; the date of issuing is ``validFrom`` (``iat`` is when the
    SD-JWT was signed, not the date of issuing, and is not read); the workload in ECTS is
    ``creditsAvailable``, else DC4EU's ``ECTS``. Members of the wrong JSON type are ignored.
    """
    document = {k: v for k, v in claims.items() if k not in _ENVELOPE}
    subject = _mapping(claims.get("credentialSubject")) or {}
    achievement = _mapping(subject.get("achievement")) or {}
    if achievement.get("creditsAvailable") is None and isinstance(
        achievement.get("ECTS"), (int, float)
    ):
        achievement["creditsAvailable"] = achievement["ECTS"]
    if not isinstance(achievement.get("euMicroCredential"), Mapping):
        achievement.pop("euMicroCredential", None)
    if not isinstance(achievement.get("criteria"), Mapping):
        achievement.pop("criteria", None)
    for member in ("identifier", "result", "alignment"):
        if not isinstance(subject.get(member), list):
            subject.pop(member, None)
        if not isinstance(achievement.get(member), list):
            achievement.pop(member, None)
    subject["achievement"] = achievement
    document["credentialSubject"] = subject
    issuer = claims.get("issuer")
    iss = claims.get("iss")
    if isinstance(issuer, Mapping):
        issuer = dict(issuer)
        if not isinstance(issuer.get("address"), Mapping):
            issuer.pop("address", None)
        if not isinstance(issuer.get("otherIdentifier"), list):
            issuer.pop("otherIdentifier", None)
        if isinstance(iss, str):  # the signer: an issuer claim never names another
            issuer["id"] = iss
        document["issuer"] = issuer
    elif isinstance(iss, str):
        document["issuer"] = iss
    elif isinstance(issuer, str):
        document["issuer"] = issuer
    else:
        document.pop("issuer", None)
    for member in ("validFrom", "awardedDate", "name"):
        if not isinstance(document.get(member), str):
            document.pop(member, None)
    document.pop("issuanceDate", None)
    return from_ob3(copy.deepcopy(document))
