"""Small readers of VC data-model fields shared by issuing and verifying."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "VC_V1",
    "VC_V2",
    "base_context_problem",
    "format_datetime",
    "holder_id",
    "issuer_id",
    "parse_datetime",
    "subject_problem",
    "types_of",
]

#: The base contexts of the VC Data Model 1.1 and 2.0.
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


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


_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$")


def parse_datetime(value: Any, *, require_timezone: bool = False) -> datetime | None:
    """Parse an XML Schema ``dateTime`` (as VCs use it); ``None`` if it is not one.

    A value without a time zone is read as UTC, unless ``require_timezone`` (an
    ``xsd:dateTimeStamp``, which VC Data Model 2.0 requires for ``validFrom``/``validUntil``):
    then it is not a valid value (``None``).
    """
    if not isinstance(value, str) or not _DATETIME.match(value):
        return None
    if require_timezone and not has_timezone(value):
        return None
    text = value.replace("Z", "+00:00")
    if "." in text:  # Python < 3.11 accepts only 3 or 6 fraction digits
        head, _, tail = text.partition(".")
        digits = re.match(r"\d+", tail)
        assert digits is not None
        frac = (digits.group(0) + "000000")[:6]
        text = f"{head}.{frac}{tail[len(digits.group(0)) :]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def format_datetime(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC (seconds precision), the form proofs conventionally use."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def has_timezone(value: str) -> bool:
    """Whether a ``dateTime`` string ends with a time zone (``Z`` or ``±hh:mm``)."""
    return value.endswith("Z") or bool(re.search(r"[+-]\d{2}:\d{2}$", value))


def base_context_problem(context: Any) -> str | None:
    """What is wrong with a credential's or presentation's ``@context`` as the VC data model
    sees it, or ``None``: VC Data Model 2.0 §4.3 ("an ordered set where the first item is a
    URL with the value https://www.w3.org/ns/credentials/v2"), 1.1 §4.1 (the same with
    https://www.w3.org/2018/credentials/v1)."""
    entries = context if isinstance(context, list) else [context]
    if not entries:
        return "@context is empty"
    if entries[0] in (VC_V2, VC_V1):
        return None
    for position, entry in enumerate(entries):
        if entry in (VC_V2, VC_V1):
            return (
                f"{entry} is @context entry {position}; the VC data model requires it first "
                "(VC Data Model 2.0 §4.3, 1.1 §4.1)"
            )
    return (
        f"the first @context entry must be {VC_V2} (VC Data Model 2.0 §4.3) or {VC_V1} "
        "(VC 1.1), not "
        + (repr(entries[0])[:80] if not isinstance(entries[0], dict) else "an embedded context")
    )
