"""Credentials the tests share (import as ``from tests._credentials import badge``)."""

from __future__ import annotations

from typing import Any

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def badge(issuer: str, **members: Any) -> dict[str, Any]:
    """An unsigned OB 3.0 credential for the course "Basic Swedish" (VC 2.0 + OB 3.0.3) from
    ``issuer``, with ``members`` set on top."""
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB3],
        "id": "urn:uuid:6a1e3c1e-4f0c-4f5b-9f3e-0c1d2e3f4a5b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Exempeluniversitetet"},
        "validFrom": "2026-06-01T10:00:00Z",
        "name": "Basic Swedish",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:3c1a1f7e-5d2b-4e8a-9c6d-7e8f9a0b1c2d",
                "type": ["Achievement"],
                "name": "Basic Swedish",
                "description": "A1 level Swedish for beginners.",
                "criteria": {"narrative": "Pass the written examination."},
            },
        },
    }
    credential.update(members)
    return credential
