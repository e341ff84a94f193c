"""Credentials, keys and tokens the verification tests share."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from typing import Any

from jwcrypto import jwk, jws
from tests._credentials import badge as shared_badge

import microcred as mc
from microcred import keys

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRED = "https://www.w3.org/2018/credentials#"
OBV = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)

ISSUER = keys.generate("Ed25519")


def badge(issuer: str = ISSUER.did, **members: Any) -> dict[str, Any]:
    """An unsigned OB 3.0 credential for the course "Basic Swedish" (VC 2.0 + OB 3.0.3)."""
    return shared_badge(issuer, **members)


def signed_badge(**members: Any) -> dict[str, Any]:
    """:func:`badge` signed by :data:`ISSUER` (eddsa-rdfc-2022)."""
    signed: dict[str, Any] = mc.issue(badge(**members), ISSUER, created="2026-06-01T10:00:00Z")
    return signed


def rewritten(document: dict[str, Any]) -> dict[str, Any]:
    """A deep copy to rewrite (the original stays as signed)."""
    return copy.deepcopy(document)


def add_context(document: dict[str, Any], entry: Any) -> None:
    """Append ``entry`` to the document's top-level ``@context``."""
    document["@context"] = [*document["@context"], entry]


def token(header: dict[str, Any], payload: dict[str, Any], key: keys.KeyPair) -> str:
    """A compact JWS with exactly this header and payload, signed by ``key``: for tokens
    :func:`microcred.issue` would never make."""
    signer = jws.JWS(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    private = jwk.JWK(**{k: v for k, v in key.private_jwk().items() if k != "kid"})
    signer.add_signature(private, alg=header["alg"], protected=json.dumps(header))
    compact: str = signer.serialize(compact=True)
    return compact


def failed(report: mc.VerificationReport, check_id: str) -> list[mc.Check]:
    """The checks called ``check_id`` that failed or could not be carried out."""
    return [c for c in report.checks if c.id == check_id and c.status in ("failed", "error")]
