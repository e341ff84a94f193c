"""``ecdsa-sd-2023`` (W3C VC-DI-ECDSA §3.5): ECDSA P-256 with selective disclosure.

Three parties, two proofs:

* the **issuer** adds a *base proof* (:meth:`EcdsaSd2023.sign_document`). Every statement of
  the canonical N-Quads (blank nodes relabelled through an HMAC key, so that labels say
  nothing) is signed on its own with a fresh *proof-scoped* P-256 key; the statements named
  by the issuer's *mandatory pointers* are hashed together instead, and the issuer's key signs
  ``SHA-256(proof configuration) || proof-scoped public key || SHA-256(mandatory statements)``.
  The proof value carries the HMAC key, so a base proof goes to the holder only;
* the **holder** derives a proof (:func:`derive`) that reveals the mandatory statements plus
  those the holder's *selective pointers* name, keeping only their signatures;
* the **verifier** checks a derived proof (:meth:`EcdsaSd2023.check_document`): the base
  signature over the mandatory statements and one signature per other disclosed statement.

Proof values are multibase base64url (``u``) of a three-byte header and a CBOR array, with no
CBOR tags inside: base ``0xd9 0x5d 0x00`` + ``[baseSignature, publicKey, hmacKey, signatures,
mandatoryPointers]``; derived ``0xd9 0x5d 0x01`` + ``[baseSignature, publicKey, signatures,
labelMap, mandatoryIndexes]``, where ``labelMap`` maps ``N`` (for the verifier's ``c14nN``)
to the 32-byte HMAC digest behind its label.

Only P-256 keys (SHA-256) are used, as the specification's vectors and the W3C suite do.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import MalformedInputError, MicrocredError
from ..jsonld import DocumentLoader, canonicalize
from ..keys import KeyPair, Signer, Verifier
from ..keys import generate as generate_key
from ..keys._multikey import b58decode, b58encode
from ..limits import DEFAULT_LIMITS, Limits
from ._base import RdfcSuite, SuiteOptions

__all__ = [
    "BaseProofValue",
    "DerivedProofValue",
    "EcdsaSd2023",
    "derive",
    "parse_base_proof_value",
    "parse_derived_proof_value",
    "serialize_base_proof_value",
    "serialize_derived_proof_value",
]

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"

_SIGNATURE_BYTES = 64
_HMAC_KEY_BYTES = 32

# Every tag number cbor2 interprets itself (dates, bignums, shared values, self-description,
# ...) is refused like any other tag: the proof value must not use CBOR tags at all.
_NO_TAGS: dict[int, Any] = {}


class _TagUsedError(Exception):
    """A CBOR tag was met while decoding."""


def _refuse_tag(*_: Any) -> Any:
    raise _TagUsedError


_NO_TAGS.update({tag: _refuse_tag for tag in (*range(0, 1100), 55799)})


@dataclass(frozen=True)
class BaseProofValue:
    """The components of a base proof value (what the issuer gives the holder).

    Attributes:
        base_signature: the issuer's 64-byte signature.
        public_key: the proof-scoped P-256 public key, as multikey bytes (``0x80 0x24`` +
            33-byte compressed point).
        hmac_key: the 32-byte HMAC key behind the blank node labels.
        signatures: one 64-byte signature per non-mandatory statement, in statement order.
        mandatory_pointers: the issuer's JSON pointers.
    """

    base_signature: bytes
    public_key: bytes
    hmac_key: bytes
    signatures: tuple[bytes, ...]
    mandatory_pointers: tuple[str, ...]


@dataclass(frozen=True)
class DerivedProofValue:
    """The components of a derived proof value (what a verifier receives).

    Attributes:
        base_signature: the issuer's 64-byte signature.
        public_key: the proof-scoped public key (multikey bytes).
        signatures: one signature per disclosed non-mandatory statement, in statement order.
        label_map: canonical label (``c14nN``) → HMAC label (``u...``).
        mandatory_indexes: positions of the mandatory statements among the disclosed ones.
    """

    base_signature: bytes
    public_key: bytes
    signatures: tuple[bytes, ...]
    label_map: dict[str, str]
    mandatory_indexes: tuple[int, ...]


def _encode(header: bytes, components: list[Any]) -> str:
    import cbor2

    from ._sd import b64url

    return "u" + b64url(header + cbor2.dumps(components, canonical=True))


def _decode(proof_value: Any, header: bytes, what: str) -> list[Any]:
    if not isinstance(proof_value, str) or not proof_value.startswith("u"):
        raise MalformedInputError(
            f"an ecdsa-sd-2023 {what} proofValue must be multibase base64url ('u...')"
        )
    body = proof_value[1:]
    if "=" in body or not body:
        raise MalformedInputError("proofValue is not base64url without padding")
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise MalformedInputError("proofValue is not valid base64url") from None
    if raw[:3] != header:
        if header == DERIVED_HEADER and raw[:3] == BASE_HEADER:
            raise MalformedInputError(
                "this is an ecdsa-sd-2023 base proof, meant for the holder only; "
                "a verifier needs a derived proof (see microcred.proofs.derive)"
            )
        raise MalformedInputError(
            f"proofValue does not start with the ecdsa-sd-2023 {what} header 0x{header.hex()}"
        )
    import cbor2

    try:
        components = cbor2.loads(
            raw[3:],
            tag_hook=_refuse_tag,
            semantic_decoders=_NO_TAGS,
            allow_indefinite=False,
            allow_duplicate_keys=False,
            max_depth=4,
        )
    except Exception as exc:  # cbor2 raises several kinds on hostile bytes; none may escape
        if isinstance(exc, _TagUsedError) or isinstance(exc.__cause__, _TagUsedError):
            raise MalformedInputError(
                "proofValue uses CBOR tags, which ecdsa-sd-2023 does not allow"
            ) from None
        raise MalformedInputError(f"proofValue is not valid CBOR: {exc}") from None
    if not isinstance(components, list) or len(components) != 5:
        raise MalformedInputError(f"the {what} proofValue must be a CBOR array of 5 components")
    return components


def _bytes(value: Any, length: int | None, what: str) -> bytes:
    if type(value) is not bytes or (length is not None and len(value) != length):
        size = f" of {length} bytes" if length is not None else ""
        raise MalformedInputError(f"{what} must be a byte string{size}")
    return value


def _signatures(value: Any) -> tuple[bytes, ...]:
    if not isinstance(value, list):
        raise MalformedInputError("signatures must be an array of byte strings")
    return tuple(_bytes(v, _SIGNATURE_BYTES, "each signature") for v in value)


def serialize_base_proof_value(value: BaseProofValue) -> str:
    """``u`` + base64url(``0xd9 0x5d 0x00`` + CBOR of the five components)."""
    return _encode(
        BASE_HEADER,
        [
            value.base_signature,
            value.public_key,
            value.hmac_key,
            list(value.signatures),
            list(value.mandatory_pointers),
        ],
    )


def parse_base_proof_value(proof_value: Any) -> BaseProofValue:
    """The components of a base proof value.

    Raises:
        MalformedInputError: not ``u``-multibase, wrong header, not the CBOR array expected
            (lengths and types are checked), or CBOR tags used.
    """
    base_signature, public_key, hmac_key, signatures, pointers = _decode(
        proof_value, BASE_HEADER, "base"
    )
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise MalformedInputError("mandatoryPointers must be an array of strings")
    return BaseProofValue(
        _bytes(base_signature, _SIGNATURE_BYTES, "the base signature"),
        _bytes(public_key, None, "the public key"),
        _bytes(hmac_key, _HMAC_KEY_BYTES, "the HMAC key"),
        _signatures(signatures),
        tuple(pointers),
    )


def _compress(label_map: Mapping[str, str]) -> dict[int, bytes]:
    compressed: dict[int, bytes] = {}
    for c14n, label in label_map.items():
        if not c14n.startswith("c14n") or not c14n[4:].isdigit() or not label.startswith("u"):
            raise ValueError(f"label map entry {c14n!r} → {label!r} cannot be compressed")
        body = label[1:]
        compressed[int(c14n[4:])] = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return compressed


def serialize_derived_proof_value(value: DerivedProofValue) -> str:
    """``u`` + base64url(``0xd9 0x5d 0x01`` + CBOR of the five components, the label map
    compressed to integer keys and digest bytes)."""
    return _encode(
        DERIVED_HEADER,
        [
            value.base_signature,
            value.public_key,
            list(value.signatures),
            _compress(value.label_map),
            list(value.mandatory_indexes),
        ],
    )


def parse_derived_proof_value(proof_value: Any) -> DerivedProofValue:
    """The components of a derived proof value.

    Raises:
        MalformedInputError: not ``u``-multibase, wrong header (a base proof is named as
            such), not the CBOR array expected, or CBOR tags used.
    """
    from . import _sd  # loaded with the first use of the suite

    base_signature, public_key, signatures, label_map, indexes = _decode(
        proof_value, DERIVED_HEADER, "derived"
    )
    if not isinstance(label_map, dict):
        raise MalformedInputError("the label map must be a CBOR map")
    labels: dict[str, str] = {}
    for key, digest in label_map.items():
        if type(key) is not int or key < 0:
            raise MalformedInputError("label map keys must be non-negative integers")
        labels[f"c14n{key}"] = "u" + _sd.b64url(_bytes(digest, 32, "each label map value"))
    if not isinstance(indexes, list) or not all(type(i) is int and i >= 0 for i in indexes):
        raise MalformedInputError("mandatoryIndexes must be an array of non-negative integers")
    return DerivedProofValue(
        _bytes(base_signature, _SIGNATURE_BYTES, "the base signature"),
        _bytes(public_key, None, "the public key"),
        _signatures(signatures),
        labels,
        tuple(indexes),
    )


def _multikey_bytes(key: KeyPair) -> bytes:
    raw = b58decode(key.public_multikey()[1:])
    return raw


def _proof_scoped_verifier(public_key: bytes) -> Verifier:
    try:
        key = KeyPair.from_multikey("z" + b58encode(public_key))
    except MicrocredError as exc:
        raise MalformedInputError(f"the proof-scoped public key is unusable: {exc}") from None
    if key.key_type != "P-256":
        raise MalformedInputError(f"the proof-scoped key must be P-256, not {key.key_type}")
    return key.verifier()


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


class EcdsaSd2023(RdfcSuite):
    """``DataIntegrityProof`` with ``cryptosuite: "ecdsa-sd-2023"``."""

    name = "ecdsa-sd-2023"
    cryptosuite = "ecdsa-sd-2023"
    key_types = frozenset({"P-256"})
    selective: ClassVar[bool] = True

    def _base_data(
        self,
        config: Mapping[str, Any],
        public_key: bytes,
        mandatory: Iterable[str],
        options: SuiteOptions,
    ) -> bytes:
        """What the issuer's key signs: ``SHA-256(canonical proof configuration) ||
        proof-scoped public key || SHA-256(the mandatory statements, in order)``."""
        proof_hash = _sha256(self.configure(config, options))
        return proof_hash + public_key + _sha256("".join(mandatory).encode("utf-8"))

    def sign_document(
        self,
        config: Mapping[str, Any],
        covered: Mapping[str, Any],
        signer: Signer,
        options: SuiteOptions,
    ) -> str:
        """The base proof value, with a fresh HMAC key and proof-scoped key.

        Raises:
            ValueError: a mandatory pointer is malformed or matches nothing in the document.
            JsonLdError: the document cannot be canonicalized.
        """
        return self.base_proof_value(
            config,
            covered,
            signer,
            options,
            hmac_key=secrets.token_bytes(_HMAC_KEY_BYTES),
            proof_key=generate_key("P-256"),
        )

    def base_proof_value(
        self,
        config: Mapping[str, Any],
        document: Mapping[str, Any],
        signer: Signer,
        options: SuiteOptions,
        *,
        hmac_key: bytes,
        proof_key: KeyPair,
    ) -> str:
        """The base proof value with a given HMAC key and proof-scoped key (the published
        test vectors fix both; :meth:`sign_document` draws them at random)."""
        from . import _sd  # loaded with the first use of the suite

        pointers = tuple(options.mandatory_pointers)
        grouped = _sd.canonicalize_and_group(
            document,
            _sd.hmac_label_map(hmac_key),
            {"mandatory": pointers},
            loader=options.loader,
            limits=options.limits,
        )
        group = grouped.groups["mandatory"]
        public_key = _multikey_bytes(proof_key)
        proof_signer = proof_key.signer()
        signatures = tuple(
            proof_signer.sign(statement.encode("utf-8"))
            for statement in group.non_matching.values()
        )
        base_signature = signer.sign(
            self._base_data(config, public_key, group.matching.values(), options)
        )
        return serialize_base_proof_value(
            BaseProofValue(base_signature, public_key, hmac_key, signatures, pointers)
        )

    def check_document(
        self,
        config: Mapping[str, Any],
        covered: Mapping[str, Any],
        proof_value: Any,
        verifier: Verifier,
        options: SuiteOptions,
    ) -> str | None:
        """Verify a derived proof; ``None`` when it holds, else why not.

        A proof value that is not a derived one (a base proof, a malformed value) is a reason
        too.

        Raises:
            JsonLdError: the document cannot be canonicalized.
        """
        from . import _sd  # loaded with the first use of the suite

        try:
            derived = parse_derived_proof_value(proof_value)
            proof_verifier = _proof_scoped_verifier(derived.public_key)
        except MalformedInputError as exc:
            return str(exc)
        canonical = self.canonical_document(covered, options)
        missing = sorted(set(canonical.issued.values()) - set(derived.label_map))
        if missing:
            return f"the label map has no label for blank node {missing[0]}"
        statements = _sd.relabel(canonical.quads, derived.label_map)
        mandatory_indexes = set(derived.mandatory_indexes)
        if any(index >= len(statements) for index in mandatory_indexes):
            return "a mandatory index is beyond the disclosed statements"
        mandatory = [s for i, s in enumerate(statements) if i in mandatory_indexes]
        non_mandatory = [s for i, s in enumerate(statements) if i not in mandatory_indexes]
        if len(derived.signatures) != len(non_mandatory):
            return (
                f"{len(derived.signatures)} signatures for {len(non_mandatory)} "
                "non-mandatory statements"
            )
        if not verifier.verify(
            self._base_data(config, derived.public_key, mandatory, options),
            derived.base_signature,
        ):
            return "the base signature does not match the mandatory statements"
        for number, (statement, signature) in enumerate(
            zip(non_mandatory, derived.signatures, strict=True), start=1
        ):
            if not proof_verifier.verify(statement.encode("utf-8"), signature):
                return f"the signature of disclosed statement {number} does not match"
        return None


def _sd_proof(document: Mapping[str, Any]) -> dict[str, Any]:
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof] if proof is not None else []
    base = [
        p
        for p in proofs
        if isinstance(p, dict)
        and p.get("type") == "DataIntegrityProof"
        and p.get("cryptosuite") == EcdsaSd2023.cryptosuite
    ]
    if len(base) != 1:
        raise ValueError(
            f"the document must have exactly one ecdsa-sd-2023 proof, it has {len(base)}"
        )
    return base[0]


def derive(
    document: Mapping[str, Any],
    selective_pointers: Sequence[str],
    *,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """The holder's step: a copy of ``document`` that discloses only the issuer's mandatory
    statements and those ``selective_pointers`` name, with a derived ``ecdsa-sd-2023`` proof.

    ``document`` carries the issuer's base proof (as :func:`microcred.issue` with
    ``suite="ecdsa-sd-2023"`` makes it). Other proofs are not carried over; a ``proof`` array
    stays an array of one. The base proof is not verified here: verify the derived document (or
    a derivation disclosing everything).

    Raises:
        ValueError: no (or more than one) ecdsa-sd-2023 proof, a pointer that is malformed or
            matches nothing, or nothing at all to disclose.
        MalformedInputError: the base proof value is malformed.
        JsonLdError: the document cannot be canonicalized.
    """
    from . import _sd  # loaded with the first use of the suite

    if not isinstance(document, Mapping):
        raise TypeError(f"document must be a JSON object (dict), not {type(document).__name__}")
    if isinstance(selective_pointers, str):
        raise TypeError("selective_pointers must be a list of JSON pointers, not one string")
    proof = _sd_proof(document)
    base = parse_base_proof_value(proof.get("proofValue"))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    mandatory = list(base.mandatory_pointers)
    combined = [*mandatory, *selective_pointers]
    if not combined:
        raise ValueError("nothing to disclose: no mandatory and no selective pointers")
    grouped = _sd.canonicalize_and_group(
        unsecured,
        _sd.hmac_label_map(base.hmac_key),
        {"mandatory": mandatory, "selective": list(selective_pointers), "combined": combined},
        loader=loader,
        limits=limits,
    )
    groups = grouped.groups
    combined_indexes = list(groups["combined"].matching)
    position = {index: at for at, index in enumerate(combined_indexes)}
    if not set(groups["mandatory"].matching) <= set(position):  # pragma: no cover - a union
        raise ValueError("the disclosure lost a mandatory statement")
    mandatory_indexes = tuple(position[index] for index in groups["mandatory"].matching)
    non_mandatory_indexes = list(groups["mandatory"].non_matching)
    if len(non_mandatory_indexes) != len(base.signatures):
        raise MalformedInputError(
            f"the base proof has {len(base.signatures)} signatures for "
            f"{len(non_mandatory_indexes)} non-mandatory statements"
        )
    selective = set(groups["selective"].matching)
    signatures = tuple(
        signature
        for index, signature in zip(non_mandatory_indexes, base.signatures, strict=True)
        if index in selective
    )
    reveal = _sd.select_json_ld(combined, unsecured)
    assert reveal is not None  # combined is not empty
    canonical = canonicalize(groups["combined"].quads, limits=limits)
    unknown = sorted(set(canonical.issued) - set(grouped.label_map))
    if unknown:  # blank nodes the selection made itself (RDF list nodes)
        raise ValueError("the disclosed values contain an RDF list, which cannot be disclosed")
    label_map = {c14n: grouped.label_map[label] for label, c14n in canonical.issued.items()}
    derived = DerivedProofValue(
        base.base_signature, base.public_key, signatures, label_map, mandatory_indexes
    )
    new_proof = copy.deepcopy(proof)
    new_proof["proofValue"] = serialize_derived_proof_value(derived)
    # a proof array stays an array (Open Badges 3.0 and CLR 2.0 schemas require one)
    reveal["proof"] = [new_proof] if isinstance(document.get("proof"), list) else new_proof
    return reveal
