"""DIDs and controller documents: did:key, did:jwk, did:web, trusted documents, dereferencing."""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from .. import _json
from ..errors import (
    DidResolutionError,
    InvalidDidError,
    MicrocredError,
    UnsupportedKeyTypeError,
)
from ..net import Fetcher
from ._identifiers import check_https_controller, did_jwk_identifiers, did_key_identifiers
from ._keypair import KeyPair
from ._multikey import b58encode, decode_multikey, encode_multikey
from ._protocols import DidResolver

__all__ = [
    "ChainResolver",
    "DidJwkResolver",
    "DidKeyResolver",
    "DidWebResolver",
    "HttpsControllerResolver",
    "StaticResolver",
    "default_resolver",
    "did_document",
    "did_jwk_document",
    "did_key_document",
    "did_web_url",
    "publishable_document",
]

DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
JWS_2020 = "https://w3id.org/security/suites/jws-2020/v1"
ED25519_2018 = "https://w3id.org/security/suites/ed25519-2018/v1"
X25519_2019 = "https://w3id.org/security/suites/x25519-2019/v1"
#: The verification relationships of a DID document (DID Core §5.3).
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityDelegation",
    "capabilityInvocation",
)
_P = 2**255 - 19


@functools.lru_cache(maxsize=1024)
def _x25519_from_ed25519(raw: bytes) -> bytes:
    """The X25519 key of an Ed25519 public key (RFC 7748 birational map); remembered, since
    every verification with a did:key resolves its document and the modular inverse is the
    costliest step of that."""
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    u = (1 + y) * pow((1 - y) % _P, _P - 2, _P) % _P
    return u.to_bytes(32, "little")


def _copied(value: Any) -> Any:
    """A copy of a JSON value whose objects and arrays are all new (strings are immutable)."""
    if type(value) is dict:
        return {
            key: _copied(item) if type(item) in (dict, list) else item
            for key, item in value.items()
        }
    if type(value) is list:
        return [_copied(item) if type(item) in (dict, list) else item for item in value]
    return value


def did_key_document(did: str, *, vm_type: str = "Multikey") -> dict[str, Any]:
    """The DID document of a did:key.

    ``vm_type``: ``Multikey`` (current form), or the legacy ``Ed25519VerificationKey2020``,
    ``Ed25519VerificationKey2018`` and ``JsonWebKey2020`` representations.

    Documents are remembered (the last 1,024 DIDs and forms), and each call returns a new
    copy: changing it changes nothing for later calls.

    Raises:
        InvalidDidError: not a did:key, or it does not encode a usable key.
    """
    if not isinstance(did, str) or not did.startswith("did:key:") or "#" in did:
        raise InvalidDidError(f"not a did:key: {did!r}")
    if not isinstance(vm_type, str):
        raise ValueError(f"unsupported did:key representation {vm_type!r}")
    return _copied(_did_key_document(did, vm_type))  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1024)
def _did_key_document(did: str, vm_type: str) -> dict[str, Any]:
    """The did:key document (checked identifier), remembered; never handed out itself."""
    value = did[len("did:key:") :]
    try:
        pair = KeyPair.from_multikey(value)
    except MicrocredError as exc:
        raise InvalidDidError(
            f"{did!r} does not encode a usable key: {exc}", error=_did_key_error(value)
        ) from None
    vm_id = did_key_identifiers(value)[1]
    vm: dict[str, Any] = {"id": vm_id, "type": vm_type, "controller": did}
    x25519 = None
    if pair.key_type == "Ed25519":
        x25519 = _x25519_from_ed25519(decode_multikey(value)[1])
    x_mb = encode_multikey("x25519-pub", x25519) if x25519 is not None else None
    x_id = f"{did}#{x_mb}" if x_mb else None
    listed: list[dict[str, Any]] = []  # further methods listed in verificationMethod
    agreement: list[Any] = []
    if vm_type == "Multikey":
        context: list[str] = [DID_V1, MULTIKEY_V1]
        vm["publicKeyMultibase"] = value
        if x_mb is not None:
            agreement = [
                {"id": x_id, "type": "Multikey", "controller": did, "publicKeyMultibase": x_mb}
            ]
    elif vm_type == "Ed25519VerificationKey2020" and pair.key_type == "Ed25519":
        context = [DID_V1, ED25519_2020]
        vm["publicKeyMultibase"] = value
    elif vm_type == "Ed25519VerificationKey2018" and pair.key_type == "Ed25519":
        assert x25519 is not None
        context = [DID_V1, ED25519_2018, X25519_2019]
        vm["publicKeyBase58"] = b58encode(decode_multikey(value)[1])
        listed = [
            {
                "id": x_id,
                "type": "X25519KeyAgreementKey2019",
                "controller": did,
                "publicKeyBase58": b58encode(x25519),
            }
        ]
        agreement = [x_id]
    elif vm_type == "JsonWebKey2020":
        context = [DID_V1, JWS_2020]
        vm["publicKeyJwk"] = pair.public_jwk()
        if x25519 is not None:
            listed = [
                {
                    "id": x_id,
                    "type": "JsonWebKey2020",
                    "controller": did,
                    "publicKeyJwk": {
                        "kty": "OKP",
                        "crv": "X25519",
                        "x": base64.urlsafe_b64encode(x25519).rstrip(b"=").decode(),
                    },
                }
            ]
            agreement = [x_id]
        else:
            agreement = [vm_id]
    else:
        raise ValueError(f"unsupported did:key representation {vm_type!r} for {pair.key_type}")
    doc: dict[str, Any] = {"@context": context, "id": did, "verificationMethod": [vm, *listed]}
    for rel in RELATIONSHIPS:
        doc[rel] = [vm_id]
    if agreement:
        doc["keyAgreement"] = agreement
    return doc


#: The public key length each did:key multicodec must have (did:key, "Decode Public Key").
_DID_KEY_LENGTHS = {"ed25519-pub": 32, "p256-pub": 33, "p384-pub": 49}


def _did_key_error(value: str) -> str:
    """The did:key error name for a multibase value that does not give a usable key:
    ``invalidDid`` (not ``z``-base58btc), ``unsupportedPublicKeyType`` (a multicodec microcred
    does not verify with), ``invalidPublicKeyType`` (a private key's multicodec),
    ``invalidPublicKeyLength``, else ``invalidPublicKey`` (not a point of the curve)."""
    try:
        codec, raw = decode_multikey(value)
    except UnsupportedKeyTypeError:
        return "unsupportedPublicKeyType"
    except MicrocredError:
        return "invalidDid"
    if codec.endswith("-priv"):
        return "invalidPublicKeyType"
    expected = _DID_KEY_LENGTHS.get(codec)
    if expected is None:
        return "unsupportedPublicKeyType"
    if len(raw) != expected:
        return "invalidPublicKeyLength"
    return "invalidPublicKey"


def _chain_error(names: list[str]) -> str:
    """The error of a chain of resolvers: the most telling of theirs (a resolver for the DID's
    method that found it wrong, then ``notFound``, then ``methodNotSupported``)."""
    for name in names:
        if name not in ("notFound", "methodNotSupported"):
            return name
    if "notFound" in names:
        return "notFound"
    return "methodNotSupported"


def did_jwk_document(did: str) -> dict[str, Any]:
    """The DID document of a did:jwk (VM ``#0``, type ``JsonWebKey2020``).

    Documents are remembered (the last 1,024 DIDs), and each call returns a new copy.

    Raises:
        InvalidDidError: malformed, or the JWK is private or unusable.
    """
    if not isinstance(did, str) or not did.startswith("did:jwk:") or "#" in did:
        raise InvalidDidError(f"not a did:jwk: {did!r}")
    return _copied(_did_jwk_document(did))  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1024)
def _did_jwk_document(did: str) -> dict[str, Any]:
    """The did:jwk document (checked prefix), remembered; never handed out itself."""
    encoded = did[len("did:jwk:") :]
    if not encoded or len(encoded) > 8192:
        raise InvalidDidError("did:jwk value is empty or too long")
    try:
        jwk = _json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (binascii.Error, ValueError, MicrocredError):
        raise InvalidDidError(f"{did[:60]!r} does not hold a base64url JSON JWK") from None
    if not isinstance(jwk, dict):
        raise InvalidDidError("did:jwk must encode a JSON object")
    if any(m in jwk for m in ("d", "p", "q", "dp", "dq", "qi")):
        raise InvalidDidError("did:jwk must not contain private key members")
    try:
        KeyPair.from_jwk({k: v for k, v in jwk.items() if k != "kid"}, did_method="jwk")
    except MicrocredError as exc:
        raise InvalidDidError(f"did:jwk key is unusable: {exc}") from None
    vm_id = did_jwk_identifiers(encoded)[1]
    doc: dict[str, Any] = {
        "@context": [DID_V1, JWS_2020],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
        ],
    }
    for rel in (
        "assertionMethod",
        "authentication",
        "capabilityInvocation",
        "capabilityDelegation",
    ):
        doc[rel] = [vm_id]
    return doc


def did_document(pair: KeyPair) -> dict[str, Any]:
    """The DID document of ``pair``'s controller: for ``did:key`` / ``did:jwk`` as the
    matching resolver returns it; for ``did:web`` or an https controller, the document to
    publish (:func:`publishable_document` of this one key).

    Raises:
        ValueError: another DID method (its document is not made from the key).
    """
    if pair.did_method == "key":
        return did_key_document(pair.did)
    if pair.did_method == "jwk":
        return did_jwk_document(pair.did)
    return publishable_document([pair])


def _public_method(pair: KeyPair) -> dict[str, Any]:
    if pair.key_type == "RSA":
        return pair.verification_method_document("JsonWebKey2020")
    return pair.verification_method_document("Multikey")


def publishable_document(
    pairs: Iterable[KeyPair], *, authentication: bool = True
) -> dict[str, Any]:
    """The DID document (``did:web``) or controller document (``https:`` controller) that
    lists ``pairs``, to publish at :func:`publication_url` of their controller.

    Every key is listed under ``verificationMethod`` with its public part only (``Multikey``
    with ``publicKeyMultibase`` for Ed25519 / P-256 / P-384; ``JsonWebKey2020`` with
    ``publicKeyJwk`` for RSA) and its absolute id, and referenced from ``assertionMethod``
    (what signing credentials needs) and, unless ``authentication=False``, from
    ``authentication`` (what signing presentations and logging in with the key needs).
    ``@context``: DID v1, then Multikey v1 and/or JWS 2020 v1 as the keys need (all three are
    served offline by microcred; the DID v1 context defines the relationship terms for
    controller documents too).

    Raises:
        ValueError: no keys; keys of different controllers (both named); a controller that
            is not ``did:web`` or ``https:`` (``did:key`` / ``did:jwk`` documents are derived
            from the identifier, nothing is published); two different keys with one id.
    """
    listed = list(pairs)
    if not listed:
        raise ValueError("publishable_document needs at least one key")
    first = listed[0]
    for pair in listed:
        if not isinstance(pair, KeyPair):
            raise TypeError(f"keys must be KeyPair objects, not {type(pair).__name__}")
        if pair.did_method in ("key", "jwk"):
            raise ValueError(
                f"{pair.verification_method[:80]} is a did:{pair.did_method}: its document is "
                "derived from the identifier itself, there is nothing to publish "
                "(make the key with a did:web or https controller)"
            )
        if pair.did_method not in ("web", "https"):
            raise ValueError(
                f"{pair.did[:80]}: microcred writes documents for did:web and https "
                f"controllers, not did:{pair.did_method}"
            )
        if pair.did != first.did:
            raise ValueError(
                f"the keys have different controllers: {first.did} and {pair.did} "
                "(one document lists the keys of one controller)"
            )
    methods: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for pair in listed:
        method = _public_method(pair)
        if pair.verification_method in seen:
            if seen[pair.verification_method] != method:
                raise ValueError(f"two different keys are both named {pair.verification_method}")
            continue
        seen[pair.verification_method] = method
        methods.append(method)
    context = [DID_V1]
    if any(m["type"] == "Multikey" for m in methods):
        context.append(MULTIKEY_V1)
    if any(m["type"] == "JsonWebKey2020" for m in methods):
        context.append(JWS_2020)
    ids = [m["id"] for m in methods]
    doc: dict[str, Any] = {
        "@context": context,
        "id": first.did,
        "verificationMethod": methods,
        "assertionMethod": list(ids),
    }
    if authentication:
        doc["authentication"] = list(ids)
    return doc


def did_web_url(did: str) -> str:
    """The https URL of a did:web document (``did:web:example.com`` →
    ``https://example.com/.well-known/did.json``; path segments after the host map to folders).

    Raises:
        InvalidDidError: not a well-formed did:web.
    """
    if not isinstance(did, str) or not did.startswith("did:web:") or "#" in did:
        raise InvalidDidError(f"not a did:web: {did!r}")
    parts = did[len("did:web:") :].split(":")
    host = unquote(parts[0])
    if not host or "/" in host or "@" in host or any(not p for p in parts[1:]):
        raise InvalidDidError(f"malformed did:web: {did!r}")
    path = "/".join(unquote(p) for p in parts[1:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


class DidKeyResolver:
    """Resolves did:key offline (Multikey form)."""

    def resolve(self, did: str) -> dict[str, Any]:
        """The did:key document; DidResolutionError for another method."""
        if not isinstance(did, str) or not did.startswith("did:key:"):
            raise DidResolutionError(
                f"{str(did)[:80]!r} is not a did:key", error="methodNotSupported"
            )
        return did_key_document(did)


class DidJwkResolver:
    """Resolves did:jwk offline."""

    def resolve(self, did: str) -> dict[str, Any]:
        """The did:jwk document; DidResolutionError for another method."""
        if not isinstance(did, str) or not did.startswith("did:jwk:"):
            raise DidResolutionError(
                f"{str(did)[:80]!r} is not a did:jwk", error="methodNotSupported"
            )
        return did_jwk_document(did)


class _FetchingResolver:
    """What the did:web and https controller resolvers share: an explicitly given fetcher
    (none: cannot resolve) and a bound on the document's size."""

    def __init__(
        self, fetcher: Fetcher | None = None, *, max_document_bytes: int = 256 * 1024
    ) -> None:
        self._fetcher = fetcher
        self._max = max_document_bytes

    def _fetch(self, url: str, expected_id: str, accept: str, offline: str, wrong: str) -> Any:
        """The JSON object at ``url``, whose ``id`` must be ``expected_id``; without a
        fetcher, :class:`DidResolutionError` with the message ``offline``."""
        if self._fetcher is None:
            raise DidResolutionError(offline, error="methodNotSupported")
        body = self._fetcher.fetch(url, accept=accept, max_bytes=self._max)
        try:
            doc = _json.loads(body)
        except MicrocredError as exc:
            raise DidResolutionError(
                f"{url[:120]} is not valid JSON: {exc}", error="invalidDidDocument"
            ) from None
        if not isinstance(doc, dict) or doc.get("id") != expected_id:
            raise DidResolutionError(wrong, error="invalidDidDocument")
        return doc


class DidWebResolver(_FetchingResolver):
    """Resolves did:web through an explicitly given fetcher (none: cannot resolve)."""

    def resolve(self, did: str) -> dict[str, Any]:
        """Fetch and check the did:web document (its ``id`` must be the DID)."""
        if not isinstance(did, str) or not did.startswith("did:web:"):
            raise DidResolutionError(
                f"{str(did)[:80]!r} is not a did:web", error="methodNotSupported"
            )
        url = did_web_url(did)
        doc: dict[str, Any] = self._fetch(
            url, did, "application/did+json, application/json",
            f"{did} needs network access to {url}; it is off by default "
            "(pass a fetcher, or --allow-network, or supply the document)",
            f"{url} does not hold the DID document of {did}",
        )  # fmt: skip
        return doc


class HttpsControllerResolver(_FetchingResolver):
    """Resolves the ``https:`` URL of a controller document through an explicitly given
    fetcher (none: cannot resolve). The document must name itself: its ``id`` is the URL."""

    def resolve(self, did: str) -> dict[str, Any]:
        """Fetch and check the controller document at ``did`` (an https URL)."""
        if not isinstance(did, str) or not did.startswith("https://"):
            raise DidResolutionError(
                f"{str(did)[:80]!r} is not an https controller URL", error="methodNotSupported"
            )
        check_https_controller(did)
        doc: dict[str, Any] = self._fetch(
            did, did, "application/json, application/ld+json",
            f"{did[:120]} needs network access; it is off by default "
            "(pass a fetcher, or --allow-network, or supply the document)",
            f"{did[:120]} does not hold its own controller document",
        )  # fmt: skip
        return doc


class StaticResolver:
    """Documents the caller trusts (DID documents or ``https:`` controller documents)."""

    def __init__(self, documents: Iterable[Mapping[str, Any]]) -> None:
        self._docs: dict[str, dict[str, Any]] = {}
        for doc in documents:
            if not isinstance(doc, Mapping) or not isinstance(doc.get("id"), str):
                raise ValueError("every controller document needs a string id")
            self._docs[doc["id"]] = dict(doc)

    def resolve(self, did: str) -> dict[str, Any]:
        """The document with id ``did``; DidResolutionError when not supplied."""
        doc = self._docs.get(did)
        if doc is None:
            raise DidResolutionError(f"no trusted document for {str(did)[:120]}")
        return doc


class ChainResolver:
    """Tries each resolver; the first that resolves wins."""

    def __init__(self, *resolvers: DidResolver) -> None:
        self._resolvers = resolvers

    def resolve(self, did: str) -> dict[str, Any]:
        """Resolve with the first resolver that can; the error lists every attempt."""
        reasons = []
        names: list[str] = []
        for resolver in self._resolvers:
            try:
                return resolver.resolve(did)
            except DidResolutionError as exc:
                reasons.append(str(exc))
                names.append(exc.error)
        raise DidResolutionError(
            f"cannot resolve {str(did)[:120]}: " + "; ".join(reasons), error=_chain_error(names)
        )


def default_resolver(
    fetcher: Fetcher | None = None, extra: Iterable[DidResolver] = ()
) -> ChainResolver:
    """``extra`` resolvers first, then did:key, did:jwk (offline), did:web and https
    controller documents (both through ``fetcher``; none: they cannot be resolved)."""
    return ChainResolver(
        *extra,
        DidKeyResolver(),
        DidJwkResolver(),
        DidWebResolver(fetcher),
        HttpsControllerResolver(fetcher),
    )
