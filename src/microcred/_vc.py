"""Small readers of VC data-model fields shared by issuing and verifying."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["holder_id", "issuer_id", "subject_problem", "types_of"]


def _id_of(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """The credential's issuer id (``issuer`` as a string, or ``issuer.id``)."""
    return _id_of(document.get("issuer"))


def holder_id(document: Mapping[str, Any]) -> str | None:
    """The presentation's holder id (``holder`` as a string, or ``holder.id``)."""
    return _id_of(document.get("holder"))


def types_of(document: Mapping[str, Any]) -> list[str]:
    """The string values of ``type`` (one value or an array)."""
    kind = document.get("type")
    values = kind if isinstance(kind, list) else [kind]
    return [v for v in values if isinstance(v, str)]


def subject_problem(document: Mapping[str, Any]) -> str | None:
    """What is wrong with the credential's ``credentialSubject`` (VC Data Model 1.1 and 2.0:
    a credential MUST have one, an object or an array of objects, each making at least one
    claim), or ``None``."""
    subject = document.get("credentialSubject")
    if subject is None or subject == [] or subject == {}:
        return "a credential needs a credentialSubject"
    subjects = subject if isinstance(subject, list) else [subject]
    if not all(isinstance(s, dict) and s for s in subjects):
        return "credentialSubject must hold non-empty objects"
    return None
