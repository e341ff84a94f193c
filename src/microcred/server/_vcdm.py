"""The VC data model rules an issuer checks before it signs (VC 1.1 and VC 2.0).

These are the structural "MUST"s of the data models that JSON-LD processing alone does not
catch; the cryptosuites and the JSON-LD safe mode check the rest when signing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .._vc import VC_V1, VC_V2, parse_datetime, subject_problem

__all__ = ["data_model_problems"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
#: VC 2.0 dateTimeStamp: an XML Schema dateTime with a time zone.
_DATE_TIME_STAMP = re.compile(
    r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
_DATE_TIME = re.compile(
    r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$"
)


def _objects(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and bool(_URL.match(value))


def _typed_entries(document: Mapping[str, Any], member: str) -> Iterator[tuple[str, str]]:
    """``member`` (one object or an array of them): each needs a ``type``; an ``id`` is a URL."""
    if member not in document:
        return
    value = document[member]
    entries = _objects(value)
    if isinstance(value, list) and not value:
        yield f"$.{member}", f"{member} must not be an empty array"
    for position, entry in enumerate(entries):
        path = f"$.{member}" + (f"[{position}]" if isinstance(value, list) else "")
        if not isinstance(entry, dict):
            yield path, f"{member} must be an object or an array of objects"
            continue
        kind = entry.get("type")
        if not kind or not all(isinstance(t, str) for t in _objects(kind)):
            yield f"{path}.type", f"each {member} needs a type"
        if "id" in entry and not _is_url(entry["id"]):
            yield f"{path}.id", f"{member} id must be a URL"


def _schema_ids(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Each ``credentialSchema`` names its schema by a URL ``id``."""
    value = document.get("credentialSchema")
    if value is None:
        return
    for position, entry in enumerate(_objects(value)):
        if isinstance(entry, dict) and not _is_url(entry.get("id")):
            path = "$.credentialSchema" + (f"[{position}]" if isinstance(value, list) else "")
            yield f"{path}.id", "each credentialSchema needs a URL id"


def _language_values(document: Mapping[str, Any], member: str) -> Iterator[tuple[str, str]]:
    if member not in document:
        return
    for entry in _objects(document[member]):
        if isinstance(entry, str):
            continue
        if isinstance(entry, dict) and isinstance(entry.get("@value"), str):
            continue
        yield f"$.{member}", f"{member} must be a string or language-tagged values"
        return


def _dates(document: Mapping[str, Any], version: str) -> Iterator[tuple[str, str]]:
    if version == VC_V2:
        pairs = [("validFrom", False), ("validUntil", False)]
        pattern = _DATE_TIME_STAMP
    else:
        pairs = [("issuanceDate", True), ("expirationDate", False)]
        pattern = _DATE_TIME
    for member, required in pairs:
        if member not in document:
            if required:
                yield f"$.{member}", f"a VC 1.1 credential needs {member}"
            continue
        value = document[member]
        if not isinstance(value, str) or not pattern.match(value) or not parse_datetime(value):
            kind = "dateTimeStamp (with a time zone)" if version == VC_V2 else "dateTime"
            yield f"$.{member}", f"{member} must be an XML Schema {kind}"


#: Digests the VC 2.0 specification publishes for its base context (§B.1): the bytes served at
#: the URL, which differ from the JSON the registry packages carry, so they cannot be computed
#: from the copy microcred ships.
PUBLISHED_DIGESTS: dict[str, frozenset[str]] = {
    VC_V2: frozenset(
        {
            "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg",
            "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k",
        }
    ),
}


def _related_resources(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``relatedResource``: objects with a unique URL ``id`` and a ``digestSRI`` or
    ``digestMultibase``; a digest of a resource whose published digest is known must match it
    (other resources cannot be retrieved offline, so their digests are taken as given)."""
    if "relatedResource" not in document:
        return
    value = document["relatedResource"]
    entries = _objects(value)
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        path = "$.relatedResource" + (f"[{position}]" if isinstance(value, list) else "")
        if not isinstance(entry, dict):
            yield path, "relatedResource must hold objects with an id and a digest"
            continue
        resource = entry.get("id")
        if not isinstance(resource, str) or not _is_url(resource):
            yield f"{path}.id", "each relatedResource needs a URL id"
            continue
        if resource in seen:
            yield f"{path}.id", f"relatedResource id {resource} is listed twice"
        seen.add(resource)
        digests = [entry[k] for k in ("digestSRI", "digestMultibase") if k in entry]
        if not digests:
            yield path, "each relatedResource needs a digestSRI or a digestMultibase"
            continue
        known = PUBLISHED_DIGESTS.get(resource)
        if known is not None and any(d not in known for d in digests):
            yield path, f"the digest of {resource} does not match its published digest"


def data_model_problems(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(JSON path, message)`` for each data-model rule the credential breaks; ``[]`` if none.

    Checked: ``@context`` is an array starting with the VC 1.1 or 2.0 context; ``type``
    includes ``VerifiableCredential``; ``id`` (when present) is a URL; ``issuer`` is a URL or
    an object with a URL ``id``; ``credentialSubject`` is a non-empty object or array of them;
    the validity dates have the right lexical form; ``credentialStatus``,
    ``credentialSchema``, ``evidence``, ``termsOfUse`` and ``refreshService`` entries have a
    ``type`` (and a schema a URL ``id``); ``relatedResource`` entries have a unique URL ``id``
    and a digest, which must match the published one when that is known; ``name`` and
    ``description`` are strings or language-tagged values.
    """
    problems: list[tuple[str, str]] = []
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts:
        problems.append(("$.@context", "@context must be an array of contexts"))
        version = VC_V2
    elif contexts[0] not in (VC_V1, VC_V2):
        problems.append(("$.@context[0]", f"the first context must be {VC_V2} (or {VC_V1})"))
        version = VC_V2
    else:
        version = contexts[0]
    kinds = document.get("type")
    if not isinstance(kinds, list) or "VerifiableCredential" not in kinds:
        problems.append(("$.type", "type must be an array that includes VerifiableCredential"))
    elif not all(isinstance(t, str) and t for t in kinds):
        problems.append(("$.type", "every type must be a non-empty string"))
    if "id" in document and not _is_url(document["id"]):
        problems.append(("$.id", "id must be a URL"))
    issuer = document.get("issuer")
    if issuer is None:
        problems.append(("$.issuer", "a credential needs an issuer"))
    elif isinstance(issuer, dict):
        if not _is_url(issuer.get("id")):
            problems.append(("$.issuer.id", "the issuer object needs a URL id"))
    elif not _is_url(issuer):
        problems.append(("$.issuer", "issuer must be a URL or an object with an id"))
    subject = document.get("credentialSubject")
    subjects = _objects(subject)
    subject_wrong = subject_problem(document)
    if subject_wrong is not None:
        problems.append(("$.credentialSubject", subject_wrong))
    else:
        for position, entry in enumerate(subjects):
            if "id" in entry and not _is_url(entry["id"]):
                path = "$.credentialSubject" + (
                    f"[{position}]" if isinstance(subject, list) else ""
                )
                problems.append((f"{path}.id", "credentialSubject id must be a URL"))
    problems += _dates(document, version)
    for member in ("credentialStatus", "credentialSchema", "evidence", "termsOfUse"):
        problems += _typed_entries(document, member)
    problems += _typed_entries(document, "refreshService")
    problems += _schema_ids(document)
    problems += _related_resources(document)
    for member in ("name", "description"):
        problems += _language_values(document, member)
    return problems
