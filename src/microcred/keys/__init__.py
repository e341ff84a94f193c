"""Keys and DIDs: Ed25519, P-256, P-384, RSA; JWK and Multikey; did:key, did:jwk, did:web.

No other layer touches key bytes: they use :class:`Signer` and :class:`Verifier` objects.
"""

from __future__ import annotations

from .._public import set_public_module as _set_public_module
from ._did import (
    ChainResolver,
    DidJwkResolver,
    DidKeyResolver,
    DidWebResolver,
    HttpsControllerResolver,
    StaticResolver,
    default_resolver,
    did_document,
    did_jwk_document,
    did_key_document,
    did_web_url,
    publishable_document,
)
from ._identifiers import (
    check_did_web,
    check_https_controller,
    publication_url,
    split_verification_method,
)
from ._keypair import KeyPair, KeyType, generate
from ._methods import (
    ResolvedMethod,
    dereference,
    is_authorized,
    key_type_of_method,
    public_key_of_method,
    resolve_method,
    verifier_for_method,
)
from ._multikey import decode_multikey, encode_multikey
from ._protocols import DidResolver, Signer, Verifier

__all__ = [
    "ChainResolver",
    "DidJwkResolver",
    "DidKeyResolver",
    "DidResolver",
    "DidWebResolver",
    "HttpsControllerResolver",
    "KeyPair",
    "KeyType",
    "ResolvedMethod",
    "Signer",
    "StaticResolver",
    "Verifier",
    "check_did_web",
    "check_https_controller",
    "decode_multikey",
    "default_resolver",
    "dereference",
    "did_document",
    "did_jwk_document",
    "did_key_document",
    "did_web_url",
    "encode_multikey",
    "generate",
    "is_authorized",
    "key_type_of_method",
    "public_key_of_method",
    "publication_url",
    "publishable_document",
    "resolve_method",
    "split_verification_method",
    "verifier_for_method",
]

_set_public_module(__name__, globals(), __all__)
