"""What the OpenID4VP tests share: an issuer, a holder, an EU micro-credential SD-JWT VC
bound to the holder, OB 3.0 credentials, and a verifier with a certificate made here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests._credentials import badge

import microcred as mc
from microcred._store import MEMORY, SqliteStore
from microcred.model import MicroCredential
from microcred.oid4vp import MICRO_CREDENTIAL_QUERY, Verifier, VerifierConfig
from microcred.oid4vp._dcql import MICRO_CREDENTIAL_VCT
from microcred.oid4vp._verifier import self_signed

ROOT = Path(__file__).resolve().parents[2]
FORM = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
ISSUER = mc.keys.generate("Ed25519")
HOLDER = mc.keys.generate("P-256")
SD_JWT_VC = MicroCredential.model_validate(FORM).to_sd_jwt_vc(
    ISSUER, holder_jwk=HOLDER.public_jwk()
)
VCT = MICRO_CREDENTIAL_VCT
BADGE = badge(ISSUER.did, credentialSubject={**badge("x")["credentialSubject"], "id": HOLDER.did})
LDP_VC = mc.issue(BADGE, ISSUER)
JWT_VC = mc.jose.issue_jwt(BADGE, ISSUER)

#: title, ECTS and issuer of an EU micro-credential (the service's default query)
MICRO_QUERY = MICRO_CREDENTIAL_QUERY
OB3_TYPES = {"type_values": [["VerifiableCredential", "OpenBadgeCredential"]]}


def ob3_query(fmt: str, query_id: str = "badge") -> dict[str, Any]:
    """A query for an OB 3.0 credential's achievement name in ``fmt``."""
    return {
        "credentials": [
            {
                "id": query_id,
                "format": fmt,
                "meta": OB3_TYPES,
                "claims": [{"path": ["credentialSubject", "achievement", "name"]}],
            }
        ]
    }


VERIFIER_KEY, VERIFIER_CERT = self_signed("verifier.example")


def verifier_config(base_url: str = "https://verifier.example", **options: Any) -> VerifierConfig:
    """A verifier at ``base_url`` (``x509_san_dns`` with the certificate above by default)."""
    if options.get("prefix") == "redirect_uri":
        return VerifierConfig(base_url, **options)
    return VerifierConfig(base_url, key=VERIFIER_KEY, certificates=(VERIFIER_CERT,), **options)


def new_verifier(**options: Any) -> Verifier:
    """A verifier on a private in-memory store."""
    return Verifier(verifier_config(), SqliteStore(MEMORY), **options)
