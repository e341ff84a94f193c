"""OpenID for Verifiable Credential Issuance 1.0: deliver micro-credentials to wallets.

An :class:`Issuer` (framework-free; ``microcred serve --oid4vci`` puts it behind HTTP) makes
Credential Offers for prepared micro-credentials (an Annex I form with its learner, or a roster
row) and redeems them with the pre-authorized code flow: the token endpoint (with an optional
transaction code), the nonce endpoint and the credential endpoint, which checks the wallet's
key proof and binds the credential to that key (``cnf.jwk`` of the SD-JWT VC, the holder's DID
as ``credentialSubject.id`` of the Open Badges 3.0 credential). State (codes, tokens, nonces)
lives in the service's :class:`microcred._store.Store`. ``docs/deliver-to-wallets.md`` has the
guide; :func:`redeem_offer` is a small wallet client.
"""

from __future__ import annotations

from ._client import Http, Redeemed, UrllibHttp, key_proof, redeem_offer
from ._issuer import NAMESPACES, HolderKey, Issuer
from ._metadata import (
    CONFIGURATIONS,
    PROOF_TYP,
    CredentialConfiguration,
    IssuerConfig,
    authorization_server_metadata,
    issuer_metadata,
)
from ._offer import (
    OFFER_SCHEME,
    PRE_AUTHORIZED_GRANT,
    Offer,
    offer_uri,
    parse_offer_uri,
    qr_png,
    qr_svg,
    qr_terminal,
)

__all__ = [
    "CONFIGURATIONS",
    "NAMESPACES",
    "OFFER_SCHEME",
    "PRE_AUTHORIZED_GRANT",
    "PROOF_TYP",
    "CredentialConfiguration",
    "HolderKey",
    "Http",
    "Issuer",
    "IssuerConfig",
    "Offer",
    "Redeemed",
    "UrllibHttp",
    "authorization_server_metadata",
    "issuer_metadata",
    "key_proof",
    "offer_uri",
    "parse_offer_uri",
    "qr_png",
    "qr_svg",
    "qr_terminal",
    "redeem_offer",
]
