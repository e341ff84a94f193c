"""Legacy detached-JWS proofs, verified only: ``Ed25519Signature2018`` and
``JsonWebSignature2020``.

Both are Linked Data Signatures of the 2018 generation (W3C CCG "Ed25519 Signature 2018",
"JSON Web Signature 2020"): the proof carries a ``jws`` member instead of ``proofValue``, a
detached compact JWS ``BASE64URL(header) || ".." || BASE64URL(signature)`` with the unencoded
payload option of RFC 7797 (header ``{"alg": ..., "b64": false, "crit": ["b64"]}``).

The verify data ("create verify hash"): ``SHA-256(URDNA2015(proof options)) ||
SHA-256(URDNA2015(document))``, the proof options being the proof without ``jws`` (nor
``proofValue`` / ``signatureValue``) under the document's ``@context``, the document without
its proof. The JWS signing input is then ``ASCII(BASE64URL(header)) || "." || verify data``
(RFC 7797 §3: with ``b64: false`` the payload's octets themselves follow the dot), signed with
the header's ``alg``: ``EdDSA`` (Ed25519), ``ES256`` (P-256), ``ES384`` (P-384), ECDSA
signatures as ``r || s`` (RFC 7518 §3.4). RDFC-1.0 is URDNA2015 under its new name; both use
SHA-256.

Superseded by ``eddsa-rdfc-2022`` / ``ecdsa-rdfc-2019``; kept so that credentials issued with
them still verify, reported as legacy, and never signed (:meth:`LegacyJwsSuite.sign_document`
refuses).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any, ClassVar

from .. import _json
from ..errors import MalformedInputError, MicrocredError
from ..jsonld import canonicalize, to_quads
from ..keys import Signer, Verifier
from ._base import RdfcSuite, SuiteOptions

__all__ = ["Ed25519Signature2018", "JsonWebSignature2020", "LegacyJwsSuite"]

#: The header members a detached JWS proof may have (``kid`` is sometimes written too).
_HEADER_MEMBERS = frozenset({"alg", "b64", "crit", "kid"})
#: Longest ``jws`` read (an Ed25519 / P-384 JWS proof is well under 300 characters).
_MAX_JWS = 4096
#: The members of a proof that are not signed: the signature, in each suite's spelling.
_UNSIGNED = ("jws", "proofValue", "signatureValue")


def _unb64(segment: str) -> bytes:
    """Canonical unpadded base64url (RFC 7515 §2), or MalformedInputError."""
    if not segment or "=" in segment or not segment.isascii():
        raise MalformedInputError("a JWS segment is not unpadded base64url")
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise MalformedInputError("a JWS segment is not base64url") from None
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != segment:
        raise MalformedInputError("a JWS segment is not written canonically")
    return data


class LegacyJwsSuite(RdfcSuite, base=True):
    """A 2018-generation proof with a detached ``b64: false`` JWS (verify only)."""

    cryptosuite = None
    legacy = True
    verify_only = True
    #: the JWS ``alg`` values the suite accepts, by the key type that signs with each
    algorithms: ClassVar[dict[str, str]]

    def hash_algorithm(self, key_type: str) -> str:
        """Always SHA-256: the suites' verify hash (and URDNA2015) do not depend on the key."""
        return "sha256"

    def configure(self, proof_config: Mapping[str, Any], options: SuiteOptions) -> bytes:
        """URDNA2015 of the proof options: the proof without its signature members, under the
        document's ``@context`` (recomputed: quads read with ``jws`` in them do not fit)."""
        config = {k: v for k, v in proof_config.items() if k not in _UNSIGNED}
        quads = to_quads(config, loader=options.loader, limits=options.limits)
        canonical = canonicalize(quads, hash_algorithm="sha256", limits=options.limits)
        return canonical.nquads.encode("utf-8")

    def sign_document(
        self,
        config: Mapping[str, Any],
        covered: Mapping[str, Any],
        signer: Signer,
        options: SuiteOptions,
    ) -> str:
        """Never: these suites are verified only.

        Raises:
            ValueError: always.
        """
        raise ValueError(
            f"{self.name} is a legacy proof type microcred verifies but never signs with "
            "(use eddsa-rdfc-2022 or ecdsa-rdfc-2019)"
        )

    def check_document(
        self,
        config: Mapping[str, Any],
        covered: Mapping[str, Any],
        proof_value: Any,
        verifier: Verifier,
        options: SuiteOptions,
    ) -> str | None:
        """Check the proof's ``jws`` over the verify data of ``covered``: ``None`` when it
        holds, else why not.

        Raises:
            JsonLdError / MalformedInputError: the document cannot be canonicalized.
        """
        parsed = self._read_jws(config.get("jws"), verifier)
        if isinstance(parsed, str):
            return parsed
        encoded_header, signature = parsed
        verify_data = (
            hashlib.sha256(self.configure(config, options)).digest()
            + hashlib.sha256(self.transform(covered, options)).digest()
        )
        if verifier.verify(encoded_header.encode("ascii") + b"." + verify_data, signature):
            return None
        return "signature does not match the document"

    def _read_jws(self, jws: Any, verifier: Verifier) -> tuple[str, bytes] | str:
        """``(encoded header, signature)`` of a detached ``b64: false`` JWS, or why not."""
        if not isinstance(jws, str) or not jws:
            return f"{self.name} proof has no jws (a detached JWS string)"
        if len(jws) > _MAX_JWS:
            return f"the jws is over {_MAX_JWS} characters"
        parts = jws.split(".")
        if len(parts) != 3 or parts[1]:
            return "the jws is not a detached compact JWS (header..signature)"
        try:
            header = _json.loads(_unb64(parts[0]))
            signature = _unb64(parts[2])
        except MicrocredError as exc:
            return f"the jws is malformed: {exc}"
        if not isinstance(header, dict):
            return "the jws header is not a JSON object"
        extra = sorted(set(header) - _HEADER_MEMBERS)
        if extra:
            return f"the jws header has members this proof type does not use: {extra[:5]}"
        if header.get("b64") is not False or header.get("crit") != ["b64"]:
            return (
                'the jws header must be {"b64": false, "crit": ["b64"]} (RFC 7797 unencoded '
                "payload, as the suite specifies)"
            )
        alg = header.get("alg")
        accepted = set(self.algorithms.values())
        if alg not in accepted:
            return f"jws alg {str(alg)[:20]!r} is not one {self.name} uses ({sorted(accepted)})"
        if alg != verifier.algorithm:
            return f"jws alg {alg} does not fit the verification method's key"
        return parts[0], signature


class Ed25519Signature2018(LegacyJwsSuite):
    """Proof ``type: "Ed25519Signature2018"`` (legacy, verify only)."""

    name = "Ed25519Signature2018"
    proof_type = "Ed25519Signature2018"
    key_types = frozenset({"Ed25519"})
    algorithms: ClassVar[dict[str, str]] = {"Ed25519": "EdDSA"}
    suite_context = "https://w3id.org/security/suites/ed25519-2018/v1"


class JsonWebSignature2020(LegacyJwsSuite):
    """Proof ``type: "JsonWebSignature2020"`` (legacy, verify only): Ed25519, P-256, P-384."""

    name = "JsonWebSignature2020"
    proof_type = "JsonWebSignature2020"
    key_types = frozenset({"Ed25519", "P-256", "P-384"})
    algorithms: ClassVar[dict[str, str]] = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384"}
    suite_context = "https://w3id.org/security/suites/jws-2020/v1"
