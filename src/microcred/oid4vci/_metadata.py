"""What an OpenID4VCI issuer is and says of itself: :class:`IssuerConfig`, the Credential Issuer
Metadata (OpenID4VCI 1.0 §12.2) and the OAuth 2.0 Authorization Server Metadata (RFC 8414).

Three credential configurations are known, each a micro-credential in one format:

========================================  ============  ==========================================
configuration id                          ``format``    what the wallet receives
========================================  ============  ==========================================
``eu_micro_credential_dc_sd_jwt``         dc+sd-jwt     the EU micro-credential SD-JWT VC
                                                        (``MicroCredential.to_sd_jwt_vc``), the
                                                        holder's key as ``cnf.jwk``
``ob3_micro_credential_jwt_vc_json``      jwt_vc_json   the Open Badges 3.0 credential as a JWT
                                                        (OB 3.0 §8.2), the holder's DID as
                                                        ``credentialSubject.id``
``ob3_micro_credential_ldp_vc``           ldp_vc        the Open Badges 3.0 credential with a
                                                        Data Integrity proof, the holder's DID as
                                                        ``credentialSubject.id``
========================================  ============  ==========================================

The issuer serves its token, nonce and credential endpoints itself (it is its own
authorization server, for the pre-authorized code grant only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from .._issue import default_suite
from ..jose import KEY_ALGORITHMS
from ..keys import KeyPair
from ..model._sdjwt_mapping import SD_JWT_VC_TYPE
from ..model.identity import IdentityPolicy
from ..model.ob3 import OB3_CONTEXT, VC_V2
from ._offer import PRE_AUTHORIZED_GRANT

__all__ = [
    "CONFIGURATIONS",
    "ENDPOINTS",
    "PROOF_ALGORITHMS",
    "PROOF_TYP",
    "CredentialConfiguration",
    "IssuerConfig",
    "authorization_server_metadata",
    "issuer_metadata",
]

#: The paths of the endpoints below the issuer's URL.
ENDPOINTS = MappingProxyType(
    {
        "token": "/oid4vci/token",
        "nonce": "/oid4vci/nonce",
        "credential": "/oid4vci/credential",
        "offers": "/oid4vci/offers",
    }
)
#: The ``alg`` values a key proof may be signed with (asymmetric; never ``none`` or HMAC).
PROOF_ALGORITHMS = ("ES256", "ES384", "EdDSA")
#: The key proof JWT's ``typ`` (OpenID4VCI 1.0 Appendix F.1).
PROOF_TYP = "openid4vci-proof+jwt"

_OB3_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]


@dataclass(frozen=True)
class CredentialConfiguration:
    """One credential the issuer offers (an entry of ``credential_configurations_supported``).

    Attributes:
        id: the configuration's id (what an offer's ``credential_configuration_ids`` lists).
        format: ``dc+sd-jwt``, ``jwt_vc_json`` or ``ldp_vc``.
        display: the credential's name per locale (``{"sv": ..., "en": ...}``).
    """

    id: str
    format: str
    display: Mapping[str, str]

    def metadata(self, key: KeyPair) -> dict[str, Any]:
        """The configuration's entry in the Credential Issuer Metadata (§12.2.4)."""
        entry: dict[str, Any] = {"format": self.format}
        if self.format == "dc+sd-jwt":
            entry["vct"] = SD_JWT_VC_TYPE
            entry["cryptographic_binding_methods_supported"] = ["jwk"]
            entry["credential_signing_alg_values_supported"] = sorted(KEY_ALGORITHMS[key.key_type])
        elif self.format == "jwt_vc_json":
            entry["credential_definition"] = {"type": list(_OB3_TYPES)}
            entry["cryptographic_binding_methods_supported"] = ["did:key", "did:jwk"]
            entry["credential_signing_alg_values_supported"] = sorted(KEY_ALGORITHMS[key.key_type])
        else:
            entry["credential_definition"] = {
                "@context": [VC_V2, OB3_CONTEXT],
                "type": list(_OB3_TYPES),
            }
            entry["cryptographic_binding_methods_supported"] = ["did:key", "did:jwk"]
            entry["credential_signing_alg_values_supported"] = [default_suite(key)]
        entry["proof_types_supported"] = {
            "jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}
        }
        entry["credential_metadata"] = {
            "display": [{"name": name, "locale": loc} for loc, name in self.display.items()],
            "claims": _claims(self.format),
        }
        return entry


def _claims(fmt: str) -> list[dict[str, Any]]:
    """The claims a wallet shows (§12.2.4 ``claims``: a path and names per locale)."""
    names = (
        (["name"], "Namn", "Name"),
        (["achievement", "name"], "Titel", "Title"),
        (["achievement", "creditsAvailable"], "Högskolepoäng (ECTS)", "Credits (ECTS)"),
        (["result"], "Resultat", "Result"),
    )
    base = ["credentialSubject"] if fmt != "dc+sd-jwt" else []
    return [
        {
            "path": base + path,
            "display": [{"name": sv, "locale": "sv"}, {"name": en, "locale": "en"}],
        }
        for path, sv, en in names
    ]


#: The credential configurations microcred issues, by id (see the module's docstring).
CONFIGURATIONS: Mapping[str, CredentialConfiguration] = MappingProxyType(
    {
        c.id: c
        for c in (
            CredentialConfiguration(
                "eu_micro_credential_dc_sd_jwt",
                "dc+sd-jwt",
                MappingProxyType({"sv": "Mikromerit (EU)", "en": "EU micro-credential"}),
            ),
            CredentialConfiguration(
                "ob3_micro_credential_jwt_vc_json",
                "jwt_vc_json",
                MappingProxyType(
                    {
                        "sv": "Mikromerit (Open Badges 3.0)",
                        "en": "Micro-credential (Open Badges 3.0)",
                    }
                ),
            ),
            CredentialConfiguration(
                "ob3_micro_credential_ldp_vc",
                "ldp_vc",
                MappingProxyType(
                    {
                        "sv": "Mikromerit (Open Badges 3.0, Data Integrity)",
                        "en": "Micro-credential (Open Badges 3.0, Data Integrity)",
                    }
                ),
            ),
        )
    }
)


def _check_url(url: str) -> str:
    parts = urlsplit(url) if isinstance(url, str) else None
    if (
        parts is None
        or parts.scheme not in ("https", "http")
        or not parts.netloc
        or parts.query
        or parts.fragment
    ):
        raise ValueError(
            "the credential issuer identifier is an http(s) URL without query or fragment "
            "(OpenID4VCI 1.0 §12.2.1)"
        )
    return url.rstrip("/")


@dataclass(frozen=True)
class IssuerConfig:
    """An OpenID4VCI issuer's settings.

    Attributes:
        url: the Credential Issuer Identifier (``https://issuer.example``): its metadata is at
            ``{url}/.well-known/openid-credential-issuer``, its endpoints below it, and it is
            the ``aud`` every key proof must name.
        key: the issuer's signing key (its DID is the credentials' issuer).
        configurations: the ids of :data:`CONFIGURATIONS` it offers (default: all three).
        name: the issuer's display name per locale.
        offer_ttl: seconds an offer (its pre-authorized code) stays redeemable.
        token_ttl: seconds an access token is valid.
        nonce_ttl: seconds a ``c_nonce`` is valid.
        proof_max_age: how old (seconds) a key proof's ``iat`` may be; as much in the future
            is tolerated as clock skew, a tenth of it at most.
        tx_code_length: digits of a transaction code.
        tx_code_attempts: wrong transaction codes after which a pre-authorized code is spent.
        token_rate: failed token requests per minute one client address may make (then 429).
        max_request_bytes: the largest request body an endpoint reads (then 413).
        identity: which of the learner's national id and e-mail go into the credentials
            (default: neither).
    """

    url: str
    key: KeyPair
    configurations: tuple[str, ...] = tuple(CONFIGURATIONS)
    name: Mapping[str, str] = field(
        default_factory=lambda: {"sv": "Utfärdare av mikromeriter", "en": "Micro-credential issuer"}
    )
    offer_ttl: int = 14 * 24 * 3600
    token_ttl: int = 600
    nonce_ttl: int = 300
    proof_max_age: int = 300
    tx_code_length: int = 6
    tx_code_attempts: int = 3
    token_rate: int = 30
    max_request_bytes: int = 64 * 1024
    identity: IdentityPolicy | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", _check_url(self.url))
        if not self.key.has_private_key:
            raise ValueError("the issuer's key has no private part")
        if self.key.key_type == "RSA":
            raise ValueError("an OpenID4VCI issuer key is Ed25519, P-256 or P-384")
        unknown = [c for c in self.configurations if c not in CONFIGURATIONS]
        if unknown or not self.configurations:
            raise ValueError(
                f"credential configurations are some of {', '.join(CONFIGURATIONS)}"
                + (f" (not {unknown[0]!r})" if unknown else "")
            )
        for name in ("offer_ttl", "token_ttl", "nonce_ttl", "proof_max_age", "token_rate"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive integer")
        if not 4 <= self.tx_code_length <= 12:
            raise ValueError("tx_code_length must be between 4 and 12 digits")
        if not 1 <= self.tx_code_attempts <= 10:
            raise ValueError("tx_code_attempts must be between 1 and 10")

    def endpoint(self, name: str) -> str:
        """The URL of the endpoint ``name`` (``token``, ``nonce``, ``credential``, ``offers``)."""
        return self.url + ENDPOINTS[name]


def issuer_metadata(config: IssuerConfig) -> dict[str, Any]:
    """The Credential Issuer Metadata (OpenID4VCI 1.0 §12.2.4) of ``config``."""
    return {
        "credential_issuer": config.url,
        "authorization_servers": [config.url],
        "credential_endpoint": config.endpoint("credential"),
        "nonce_endpoint": config.endpoint("nonce"),
        "display": [{"name": name, "locale": loc} for loc, name in config.name.items()],
        "credential_configurations_supported": {
            cid: CONFIGURATIONS[cid].metadata(config.key) for cid in config.configurations
        },
    }


def authorization_server_metadata(config: IssuerConfig) -> dict[str, Any]:
    """The OAuth 2.0 Authorization Server Metadata (RFC 8414 §2) of the issuer acting as its
    own authorization server: the token endpoint and the pre-authorized code grant only
    (anonymous access, OpenID4VCI 1.0 §12.3)."""
    return {
        "issuer": config.url,
        "token_endpoint": config.endpoint("token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }
