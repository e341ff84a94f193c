"""CLR 2.0 stacking: one learner's signed micro-credentials in one ClrCredential.

:func:`stack` checks that every credential is about the same learner, keeps each credential
exactly as signed (proof included: each stays verifiable on its own), lists their
achievements, and adds up the ECTS credits. The ClrCredential is then signed like any other
credential (``microcred.issue``); ``microcred.verify`` verifies the record and every credential
inside it (``report.credentials``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .._vc import types_of
from ..errors import StackingError
from .ob3 import CLR2_CONTEXT, OB3_CONTEXT, VC_V2

__all__ = ["StackingError", "learner_key", "stack", "total_ects"]


def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and subject:
        subject = subject[0]
    if not isinstance(subject, Mapping):
        raise StackingError("a credential without a credentialSubject cannot be stacked")
    return subject


def learner_key(credential: Mapping[str, Any]) -> tuple[str, ...]:
    """What identifies the learner of ``credential``: the subject ``id``, else the hashed and
    clear identities of its ``identifier`` list (hashes compared as given: the same salt and
    value give the same hash)."""
    subject = _subject(credential)
    if isinstance(subject.get("id"), str):
        return ("id", subject["id"])
    identities = sorted(
        f"{i.get('identityType')}={i.get('identityHash')}"
        for i in subject.get("identifier") or []
        if isinstance(i, Mapping) and i.get("identityType") != "name"
    )
    if not identities:
        raise StackingError("a credential names its learner neither by id nor by identifier")
    return ("identifier", *identities)


def _credits(credential: Mapping[str, Any]) -> Decimal:
    subject = _subject(credential)
    earned = subject.get("creditsEarned")
    if earned is None:
        earned = (subject.get("achievement") or {}).get("creditsAvailable")
    if isinstance(earned, bool) or not isinstance(earned, (int, float)):
        return Decimal(0)
    return Decimal(str(earned))


def total_ects(credentials: Sequence[Mapping[str, Any]]) -> Decimal:
    """The ECTS credits of the credentials together (``creditsEarned``, else the achievement's
    ``creditsAvailable``)."""
    return sum((_credits(c) for c in credentials), Decimal(0))


def stack(
    credentials: Sequence[Mapping[str, Any]],
    *,
    issuer: str | Mapping[str, Any],
    name: str = "Comprehensive Learner Record",
    valid_from: str,
    record_id: str | None = None,
) -> dict[str, Any]:
    """An unsigned ClrCredential (VC 2.0, CLR 2.0.1) holding ``credentials`` unchanged.

    Args:
        credentials: signed OB 3.0 credentials (JSON objects) of one learner.
        issuer: the record's issuer (its id, or a Profile).
        name: the record's name.
        valid_from: the record's ``validFrom``.
        record_id: the record's ``id`` (default: a fresh ``urn:uuid``).

    Raises:
        StackingError: no credentials, one that is not an OB 3.0 credential, or credentials of
            different learners.
    """
    if not credentials:
        raise StackingError("nothing to stack")
    keys = set()
    for credential in credentials:
        if not {"OpenBadgeCredential", "AchievementCredential"} & set(types_of(credential)):
            raise StackingError("only Open Badges 3.0 credentials can be stacked")
        keys.add(learner_key(credential))
    if len(keys) != 1:
        raise StackingError("the credentials are about different learners")
    (key,) = keys
    subject: dict[str, Any] = {"type": ["ClrSubject"]}
    if key[0] == "id":
        subject["id"] = key[1]
    else:
        first = _subject(credentials[0])
        subject["identifier"] = [dict(i) for i in first.get("identifier") or []]
    subject["achievement"] = [dict(_subject(c)["achievement"]) for c in credentials]
    subject["verifiableCredential"] = [dict(c) for c in credentials]
    total = total_ects(credentials)
    contexts: list[Any] = [VC_V2, CLR2_CONTEXT, OB3_CONTEXT]
    for credential in credentials:  # e.g. an extension the achievements use
        listed = credential.get("@context")
        for context in listed if isinstance(listed, list) else [listed]:
            if (
                isinstance(context, str)
                and context not in contexts
                and "/ob/v3p0/context" not in context
            ):
                contexts.append(context)
    document: dict[str, Any] = {
        "@context": contexts,
        "id": record_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": dict(issuer) if isinstance(issuer, Mapping) else issuer,
        "name": name,
        "description": f"{len(credentials)} credentials, {total} ECTS credits in all.",
        "validFrom": valid_from,
        "credentialSubject": subject,
    }
    return document
