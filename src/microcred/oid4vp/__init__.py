"""OpenID for Verifiable Presentations 1.0 (final): the verifier, DCQL, and a holder helper.

A relying party asks a wallet for credentials with a DCQL query::

    from microcred.oid4vp import Verifier, VerifierConfig

    verifier = Verifier(VerifierConfig("https://verifier.example", key=key,
                                       certificates=(leaf_der,)), store)
    request = verifier.create_request({"credentials": [{
        "id": "mc", "format": "dc+sd-jwt",
        "meta": {"vct_values": ["urn:eu.europa.ec.eudi:microcredential:1"]},
        "claims": [{"path": ["name"]}]}]})
    request.uri        # openid4vp://?client_id=x509_san_dns:verifier.example&request_uri=...

The wallet fetches the signed Request Object (:meth:`Verifier.request_object`), posts its
response to ``response_uri``, and :meth:`Verifier.receive` verifies every presentation
through :func:`microcred.verify.verify`, bound to the request's nonce and client
identifier; :meth:`Verifier.result` is what the relying party reads. ``microcred serve
--oid4vp`` serves all of it (``docs/ask-a-wallet.md``).
"""

from __future__ import annotations

from ._dcql import MICRO_CREDENTIAL_QUERY, ClaimQuery, CredentialQuery, CredentialSet, DcqlQuery
from ._request import AuthorizationRequest
from ._verifier import PresentationResult, Verifier, VerifierConfig
from ._wallet import answer_request, read_request

__all__ = [
    "MICRO_CREDENTIAL_QUERY",
    "AuthorizationRequest",
    "ClaimQuery",
    "CredentialQuery",
    "CredentialSet",
    "DcqlQuery",
    "PresentationResult",
    "Verifier",
    "VerifierConfig",
    "answer_request",
    "read_request",
]
