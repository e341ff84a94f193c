"""Key pairs (Ed25519, P-256, P-384, RSA), JWK and Multikey import/export, signers, verifiers."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import rfc8785
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from .. import _json
from ..errors import InvalidDidError, InvalidKeyError, MicrocredError, UnsupportedKeyTypeError
from . import _sodium
from ._identifiers import (
    check_did_web,
    check_https_controller,
    check_key_id,
    did_jwk_identifiers,
    did_key_identifiers,
    split_verification_method,
)
from ._multikey import decode_multikey, encode_multikey
from ._protocols import Signer, Verifier

__all__ = [
    "KeyPair",
    "KeyType",
    "generate",
]

KeyType = Literal["Ed25519", "P-256", "P-384", "RSA"]
PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

_DEFAULT_ALG = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "RSA": "RS256"}
_ALGS = {
    "Ed25519": {"EdDSA"},
    "P-256": {"ES256"},
    "P-384": {"ES384"},
    "RSA": {"RS256", "RS384", "RS512", "PS256"},
}
_CURVES: dict[str, tuple[type[ec.EllipticCurve], int, hashes.HashAlgorithm]] = {
    "P-256": (ec.SECP256R1, 32, hashes.SHA256()),
    "P-384": (ec.SECP384R1, 48, hashes.SHA384()),
}
_RSA_HASH = {
    "RS256": hashes.SHA256(),
    "RS384": hashes.SHA384(),
    "RS512": hashes.SHA512(),
    "PS256": hashes.SHA256(),
}
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(value: object, member: str) -> bytes:
    if not isinstance(value, str) or not value or "=" in value or len(value) > 4096:
        raise InvalidKeyError(f"JWK member {member!r} must be unpadded base64url")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise InvalidKeyError(f"JWK member {member!r} is not valid base64url") from None


def _int(value: object, member: str) -> int:
    return int.from_bytes(_unb64(value, member), "big")


def _key_type(key: PrivateKey | PublicKey) -> KeyType:
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return "Ed25519"
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        if isinstance(key.curve, ec.SECP256R1):
            return "P-256"
        if isinstance(key.curve, ec.SECP384R1):
            return "P-384"
        raise UnsupportedKeyTypeError(f"unsupported curve {key.curve.name}")
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        if key.key_size < 2048:
            raise UnsupportedKeyTypeError("RSA keys must have at least 2048 bits")
        return "RSA"
    raise UnsupportedKeyTypeError(f"unsupported key object {type(key).__name__}")


def _check_alg(key_type: str, algorithm: str | None) -> str:
    alg = algorithm or _DEFAULT_ALG[key_type]
    if alg not in _ALGS[key_type]:
        accepted = ", ".join(sorted(_ALGS[key_type]))
        raise UnsupportedKeyTypeError(f"algorithm {alg} does not fit a {key_type} key ({accepted})")
    return alg


_DETERMINISTIC = [True]


def _ecdsa_sign(
    key: ec.EllipticCurvePrivateKey, data: bytes, digest: hashes.HashAlgorithm
) -> bytes:
    """A DER ECDSA signature: deterministic (RFC 6979) where cryptography and OpenSSL offer
    it, so that the same key and data give the same bytes (the published test vectors are
    made that way); randomized otherwise. Both verify alike."""
    if _DETERMINISTIC[0]:
        try:
            return key.sign(data, ec.ECDSA(digest, deterministic_signing=True))
        except (TypeError, UnsupportedAlgorithm):  # cryptography < 44 or OpenSSL < 3.2
            _DETERMINISTIC[0] = False
    return key.sign(data, ec.ECDSA(digest))


@dataclass(frozen=True)
class _Signer:
    algorithm: str
    key_id: str
    _key: PrivateKey

    def sign(self, data: bytes) -> bytes:
        key = self._key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(data)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            _, size, digest = _CURVES[_key_type(key)]
            r, s = decode_dss_signature(_ecdsa_sign(key, data, digest))
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")
        digest = _RSA_HASH[self.algorithm]
        if self.algorithm == "PS256":
            return key.sign(data, padding.PSS(padding.MGF1(digest), digest.digest_size), digest)
        return key.sign(data, padding.PKCS1v15(), digest)


@dataclass(frozen=True)
class _Verifier:
    algorithm: str
    key_id: str
    _key: PublicKey

    def verify(self, data: bytes, signature: bytes) -> bool:
        key = self._key
        try:
            if isinstance(key, ed25519.Ed25519PublicKey):
                if len(signature) != 64:
                    return False
                if _sodium.verify(key.public_bytes_raw(), signature, data):
                    return True
                key.verify(signature, data)  # OpenSSL decides what libsodium did not accept
            elif isinstance(key, ec.EllipticCurvePublicKey):
                _, size, digest = _CURVES[_key_type(key)]
                if len(signature) != 2 * size:
                    return False
                r = int.from_bytes(signature[:size], "big")
                s = int.from_bytes(signature[size:], "big")
                key.verify(encode_dss_signature(r, s), data, ec.ECDSA(digest))
            else:
                digest = _RSA_HASH[self.algorithm]
                pad: padding.AsymmetricPadding = (
                    padding.PSS(padding.MGF1(digest), digest.digest_size)
                    if self.algorithm == "PS256"
                    else padding.PKCS1v15()
                )
                key.verify(signature, data, pad, digest)
        except (InvalidSignature, ValueError):
            return False
        return True


class KeyPair:
    """A key (private, or public only) together with its controller and verification method.

    ``verification_method`` is the id the key signs as (a Data Integrity proof's
    ``verificationMethod``, a JWT's ``kid``); ``did`` (also :attr:`controller`) is its controller,
    the part before ``#``. By default they are the key's own ``did:key`` (``did:key:z...#z...``)
    or ``did:jwk`` (``did:jwk:...#0``); given ``verification_method``, the key signs as an
    identifier of the institution's own: ``did:web:uni.example.se#key-1``, or
    ``https://uni.example.se/issuer#key-1`` for a controller document at an https URL (``did``
    is then that URL, not a DID). ``did_method`` names which: ``key``, ``jwk``, ``web`` (or
    another DID method), or ``https``.

    Raises:
        ValueError: unknown ``did_method``, or one that contradicts ``verification_method``.
        UnsupportedKeyTypeError: an RSA key as a ``did:key``.
        InvalidDidError: ``verification_method`` is malformed.
        InvalidKeyError: a ``did:key`` / ``did:jwk`` verification method of another key.
    """

    did: str
    verification_method: str
    did_method: str

    def __init__(
        self,
        key: PrivateKey | PublicKey,
        *,
        did_method: str | None = None,
        verification_method: str | None = None,
    ) -> None:
        self.key_type: KeyType = _key_type(key)
        self._private: PrivateKey | None = None
        if isinstance(
            key, (ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)
        ):
            self._private = key
            self._public: PublicKey = key.public_key()
        else:
            self._public = key
        if verification_method is not None:
            kind = split_verification_method(verification_method)[2]
            if did_method is not None and did_method != kind:
                raise ValueError(
                    f"did_method {did_method!r} contradicts the verification method "
                    f"{verification_method[:80]!r} ({kind})"
                )
            did_method = kind
        own_method = did_method or "key"
        if verification_method is None and own_method not in ("key", "jwk"):
            raise ValueError(
                f"did_method must be 'key' or 'jwk', not {own_method!r} "
                "(for did:web or an https controller, pass verification_method=)"
            )
        if own_method in ("key", "jwk"):
            self._own_identifiers(own_method)
            if verification_method is not None and verification_method != self.verification_method:
                if not (own_method == "jwk" and self._same_did_jwk(verification_method)):
                    raise InvalidKeyError(
                        f"{verification_method[:120]!r} is the did:{own_method} verification "
                        f"method of another key (this key's is {self.verification_method[:120]})"
                    )
                self.verification_method = verification_method
                self.did = verification_method.partition("#")[0]
        else:
            assert verification_method is not None
            self.did_method = own_method
            self.verification_method = verification_method
            self.did = verification_method.partition("#")[0]

    def _own_identifiers(self, did_method: str) -> None:
        if did_method == "key" and self.key_type == "RSA":
            raise UnsupportedKeyTypeError("RSA keys use did:jwk here (did_method='jwk')")
        self.did_method = did_method
        if did_method == "key":
            self.did, self.verification_method = did_key_identifiers(self.public_multikey())
        else:
            encoded = _b64(rfc8785.dumps(self.public_jwk()))
            self.did, self.verification_method = did_jwk_identifiers(encoded)

    def _same_did_jwk(self, vm: str) -> bool:
        """Whether ``vm`` is ``did:jwk:...#0`` whose JWK (however it is encoded) is this key."""
        did, _, fragment = vm.partition("#")
        if fragment != "0":
            return False
        encoded = did[len("did:jwk:") :]
        try:
            jwk = _json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
            if not isinstance(jwk, dict) or any(m in jwk for m in _PRIVATE_MEMBERS):
                return False
            other = KeyPair.from_jwk({k: v for k, v in jwk.items() if k != "kid"}, did_method="jwk")
        except (binascii.Error, ValueError, MicrocredError):
            return False
        return other.public_jwk() == self.public_jwk()

    def with_verification_method(self, verification_method: str) -> KeyPair:
        """The same key, signing as ``verification_method`` (see the class docs).

        Raises:
            InvalidDidError / InvalidKeyError: as the constructor.
        """
        return KeyPair(self.to_cryptography(), verification_method=verification_method)

    def default_key_id(self) -> str:
        """The fragment ``keygen`` gives this key under did:web or an https controller when
        none is named: its ``publicKeyMultibase`` (as did:key and the OB 3.0 specification's
        example do), or for RSA its JWK thumbprint (RFC 7638, base64url of SHA-256)."""
        if self.key_type != "RSA":
            return self.public_multikey()
        public = self.public_jwk()
        canonical = json.dumps(
            {"e": public["e"], "kty": "RSA", "n": public["n"]}, separators=(",", ":")
        )
        return _b64(hashlib.sha256(canonical.encode()).digest())

    @property
    def controller(self) -> str:
        """The controller (same as :attr:`did`): a DID, or an https controller document URL."""
        return self.did

    @property
    def has_private_key(self) -> bool:
        """Whether this key pair can sign."""
        return self._private is not None

    def __repr__(self) -> str:
        kind = "private" if self._private else "public"
        return f"KeyPair({self.key_type}, {kind}, {self.verification_method!r})"

    # -- export ---------------------------------------------------------------------------
    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK (RFC 7517/7518/8037), without ``kid``."""
        key = self._public
        if isinstance(key, ed25519.Ed25519PublicKey):
            raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}
        if isinstance(key, ec.EllipticCurvePublicKey):
            _, size, _ = _CURVES[self.key_type]
            numbers = key.public_numbers()
            return {
                "kty": "EC",
                "crv": self.key_type,
                "x": _b64(numbers.x.to_bytes(size, "big")),
                "y": _b64(numbers.y.to_bytes(size, "big")),
            }
        pub = key.public_numbers()
        return {
            "kty": "RSA",
            "n": _b64(pub.n.to_bytes((pub.n.bit_length() + 7) // 8, "big")),
            "e": _b64(pub.e.to_bytes((pub.e.bit_length() + 7) // 8, "big")),
        }

    def private_jwk(self) -> dict[str, Any]:
        """The key as a JWK with its private members and ``kid`` = the verification method.

        Raises:
            InvalidKeyError: this key pair has no private key.
        """
        key = self._private
        if key is None:
            raise InvalidKeyError("this key pair has no private key")
        jwk = self.public_jwk()
        if isinstance(key, ed25519.Ed25519PrivateKey):
            jwk["d"] = _b64(
                key.private_bytes(
                    serialization.Encoding.Raw,
                    serialization.PrivateFormat.Raw,
                    serialization.NoEncryption(),
                )
            )
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            _, size, _ = _CURVES[self.key_type]
            jwk["d"] = _b64(key.private_numbers().private_value.to_bytes(size, "big"))
        else:
            n = key.private_numbers()

            def enc(v: int) -> str:
                return _b64(v.to_bytes((v.bit_length() + 7) // 8, "big"))

            jwk.update(
                d=enc(n.d), p=enc(n.p), q=enc(n.q), dp=enc(n.dmp1), dq=enc(n.dmq1), qi=enc(n.iqmp)
            )
        jwk["kid"] = self.verification_method
        return jwk

    def public_multikey(self) -> str:
        """The public key as a Multikey value (``z6Mk...``, ``zDn...``, ``z82...``)."""
        key = self._public
        if isinstance(key, ed25519.Ed25519PublicKey):
            return encode_multikey(
                "ed25519-pub",
                key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
            )
        if isinstance(key, ec.EllipticCurvePublicKey):
            codec = "p256-pub" if self.key_type == "P-256" else "p384-pub"
            return encode_multikey(
                codec,
                key.public_bytes(
                    serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
                ),
            )
        raise UnsupportedKeyTypeError("RSA keys have no Multikey form here")

    def secret_multikey(self) -> str:
        """The private key as a Multikey secret value."""
        key = self._private
        if key is None:
            raise InvalidKeyError("this key pair has no private key")
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return encode_multikey(
                "ed25519-priv",
                key.private_bytes(
                    serialization.Encoding.Raw,
                    serialization.PrivateFormat.Raw,
                    serialization.NoEncryption(),
                ),
            )
        if isinstance(key, ec.EllipticCurvePrivateKey):
            _, size, _ = _CURVES[self.key_type]
            codec = "p256-priv" if self.key_type == "P-256" else "p384-priv"
            return encode_multikey(codec, key.private_numbers().private_value.to_bytes(size, "big"))
        raise UnsupportedKeyTypeError("RSA keys have no Multikey form here")

    def to_cryptography(self) -> PrivateKey | PublicKey:
        """The ``cryptography`` key object (private if present, else public)."""
        return self._private or self._public

    def signer(self, algorithm: str | None = None) -> Signer:
        """A :class:`Signer` for this key (default algorithm by key type)."""
        if self._private is None:
            raise InvalidKeyError("this key pair has no private key")
        return _Signer(
            _check_alg(self.key_type, algorithm), self.verification_method, self._private
        )

    def verifier(self, algorithm: str | None = None) -> Verifier:
        """A :class:`Verifier` for this key."""
        return _Verifier(
            _check_alg(self.key_type, algorithm), self.verification_method, self._public
        )

    def verification_method_document(self, vm_type: str = "Multikey") -> dict[str, Any]:
        """This key as a verification method object of type ``vm_type``
        (``Multikey``, ``JsonWebKey``, ``JsonWebKey2020``, ``Ed25519VerificationKey2020``)."""
        vm: dict[str, Any] = {
            "id": self.verification_method,
            "type": vm_type,
            "controller": self.did,
        }
        if vm_type == "Multikey":
            vm["publicKeyMultibase"] = self.public_multikey()
        elif vm_type == "Ed25519VerificationKey2020":
            if self.key_type != "Ed25519":
                raise UnsupportedKeyTypeError("Ed25519VerificationKey2020 needs an Ed25519 key")
            vm["publicKeyMultibase"] = self.public_multikey()
        elif vm_type in ("JsonWebKey", "JsonWebKey2020"):
            vm["publicKeyJwk"] = self.public_jwk()
        else:
            raise ValueError(f"unknown verification method type {vm_type!r}")
        return vm

    # -- import ---------------------------------------------------------------------------
    @classmethod
    def from_cryptography(
        cls,
        key: PrivateKey | PublicKey,
        *,
        did_method: str | None = None,
        verification_method: str | None = None,
    ) -> KeyPair:
        """Wrap a ``cryptography`` key object (arguments as for :class:`KeyPair`)."""
        return cls(key, did_method=did_method, verification_method=verification_method)

    @classmethod
    def from_multikey(cls, public: str, secret: str | None = None) -> KeyPair:
        """A key pair from Multikey values (secret optional); checks they belong together.

        Raises:
            InvalidKeyError / UnsupportedKeyTypeError: malformed or mismatched values.
        """
        codec, raw = decode_multikey(public)
        pub = _multikey_public(codec, raw)
        if secret is None:
            return cls(pub)
        scodec, sraw = decode_multikey(secret)
        try:
            if scodec == "ed25519-priv" and codec == "ed25519-pub" and len(sraw) in (32, 64):
                # 32-byte seed, or seed || public key (a form some implementations write)
                priv: PrivateKey = ed25519.Ed25519PrivateKey.from_private_bytes(sraw[:32])
            elif scodec in ("p256-priv", "p384-priv") and scodec[:4] == codec[:4]:
                curve = ec.SECP256R1() if scodec == "p256-priv" else ec.SECP384R1()
                priv = ec.derive_private_key(int.from_bytes(sraw, "big"), curve)
            else:
                raise InvalidKeyError(f"secret key ({scodec}) does not match public ({codec})")
        except ValueError as exc:
            raise InvalidKeyError(f"invalid secret key: {exc}") from None
        pair = cls(priv)
        if pair.public_multikey() != public:
            raise InvalidKeyError("secret key does not belong to the public key")
        return pair

    @classmethod
    def from_private_jwk_bytes(cls, data: bytes) -> KeyPair:
        """A signing key pair from the bytes of a private JWK file (as ``microcred keygen``
        writes it), parsed strictly.

        Raises:
            MicrocredError: not JSON, not a JWK, or a JWK without its private members (the
                message says which).
        """
        jwk = _json.loads(data)
        if not isinstance(jwk, dict):
            raise InvalidKeyError("a key file must hold a JWK (a JSON object)")
        key = cls.from_jwk(jwk)
        if not key.has_private_key:
            raise InvalidKeyError("the JWK has no private key members: it cannot sign")
        return key

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any], *, did_method: str | None = None) -> KeyPair:
        """A key pair from a JWK (public, or with private members).

        The ``kid``, when present, is the verification method the key signs as (see
        :class:`KeyPair`): ``did:web:uni.example.se#key-1``, ``https://uni.example.se/issuer#key-1``
        (a controller document), any other DID URL, or the key's own ``did:key:...#...`` /
        ``did:jwk:...#0``, which must then match the key material. Without a ``kid`` the key is
        its own ``did:key`` (``did:jwk`` for RSA, or as ``did_method`` says).

        Raises:
            InvalidKeyError / UnsupportedKeyTypeError: malformed, unsupported or mismatched
                (a ``kid`` that is not a verification method URL, or that names another key).
        """
        if not isinstance(jwk, Mapping):
            raise InvalidKeyError("a JWK must be a JSON object")
        kid = _jwk_kid(jwk)
        kty = jwk.get("kty")
        read = _JWK_KEYS.get(kty) if isinstance(kty, str) else None
        try:
            if read is None:
                raise UnsupportedKeyTypeError(f"unsupported JWK kty {kty!r}")
            key = read(jwk)
        except (ValueError, TypeError, OverflowError) as exc:
            raise InvalidKeyError(f"invalid JWK: {exc}") from None
        if kty == "RSA" and kid is None:
            did_method = did_method or "jwk"
        if kid is None:
            return cls(key, did_method=did_method or "key")
        try:
            return cls(key, did_method=did_method, verification_method=kid)
        except (InvalidDidError, InvalidKeyError, ValueError) as exc:
            raise InvalidKeyError(f"JWK kid {exc}") from None

    def to_json(self) -> str:
        """The private JWK as JSON text (as ``microcred keygen`` writes it)."""
        return json.dumps(self.private_jwk(), indent=2)


def _jwk_kid(jwk: Mapping[str, Any]) -> str | None:
    """A JWK's ``kid``, checked to be a verification method URL the key can sign as."""
    kid = jwk.get("kid")
    if kid is None:
        return None
    if not isinstance(kid, str):
        raise InvalidKeyError("JWK kid must be a string (the verification method URL)")
    try:
        split_verification_method(kid)
    except InvalidDidError as exc:
        raise InvalidKeyError(
            f"JWK kid is not a verification method this key can sign as: {exc}; "
            "remove the kid to sign as the key's own did:key"
        ) from None
    return kid


def _okp_key(jwk: Mapping[str, Any]) -> PrivateKey | PublicKey:
    """The Ed25519 key of an ``OKP`` JWK (RFC 8037 §2)."""
    if jwk.get("crv") != "Ed25519":
        raise UnsupportedKeyTypeError(f"unsupported OKP curve {jwk.get('crv')!r}")
    if "d" not in jwk:
        return ed25519.Ed25519PublicKey.from_public_bytes(_unb64(jwk.get("x"), "x"))
    key = ed25519.Ed25519PrivateKey.from_private_bytes(_unb64(jwk["d"], "d"))
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if _b64(raw) != jwk.get("x"):
        raise InvalidKeyError("JWK 'd' does not match 'x'")
    return key


def _ec_key(jwk: Mapping[str, Any]) -> PrivateKey | PublicKey:
    """The P-256 / P-384 key of an ``EC`` JWK (RFC 7518 §6.2)."""
    crv = jwk.get("crv")
    if crv not in _CURVES:
        raise UnsupportedKeyTypeError(f"unsupported EC curve {crv!r}")
    curve_cls, size, _ = _CURVES[crv]
    x, y = _unb64(jwk.get("x"), "x"), _unb64(jwk.get("y"), "y")
    if len(x) != size or len(y) != size:
        raise InvalidKeyError("EC coordinates have the wrong length")
    public_numbers = ec.EllipticCurvePublicNumbers(
        int.from_bytes(x, "big"), int.from_bytes(y, "big"), curve_cls()
    )
    if "d" in jwk:
        return ec.EllipticCurvePrivateNumbers(_int(jwk["d"], "d"), public_numbers).private_key()
    return public_numbers.public_key()


def _rsa_key(jwk: Mapping[str, Any]) -> PrivateKey | PublicKey:
    """The key of an ``RSA`` JWK (RFC 7518 §6.3: all private members, or none)."""
    pub_numbers = rsa.RSAPublicNumbers(_int(jwk.get("e"), "e"), _int(jwk.get("n"), "n"))
    if "d" not in jwk:
        return pub_numbers.public_key()
    if not all(m in jwk for m in _PRIVATE_MEMBERS):
        raise InvalidKeyError("RSA private JWK needs d, p, q, dp, dq and qi")
    return rsa.RSAPrivateNumbers(
        _int(jwk["p"], "p"),
        _int(jwk["q"], "q"),
        _int(jwk["d"], "d"),
        _int(jwk["dp"], "dp"),
        _int(jwk["dq"], "dq"),
        _int(jwk["qi"], "qi"),
        pub_numbers,
    ).private_key()


#: The key reader of each JWK ``kty``.
_JWK_KEYS: dict[str, Callable[[Mapping[str, Any]], PrivateKey | PublicKey]] = {
    "OKP": _okp_key,
    "EC": _ec_key,
    "RSA": _rsa_key,
}


def generate(
    key_type: str,
    *,
    did_method: str = "key",
    rsa_bits: int = 2048,
    controller: str | None = None,
    key_id: str | None = None,
) -> KeyPair:
    """Generate a new key pair of ``key_type`` (``Ed25519``, ``P-256``, ``P-384``, ``RSA``).

    By default the key is its own ``did:key`` (or ``did:jwk``: ``did_method="jwk"``). With
    ``controller`` (a ``did:web:...`` or an ``https://`` controller document URL) it signs as
    ``{controller}#{key_id}``; ``key_id`` defaults to :meth:`KeyPair.default_key_id`.

    Raises:
        ValueError: unknown key type, RSA under 2048 bits, unknown DID method, ``key_id``
            without ``controller``.
        InvalidDidError: a malformed ``controller`` or ``key_id``.
        UnsupportedKeyTypeError: RSA with ``did_method="key"``.
    """
    if controller is not None:
        if controller.startswith("https://"):
            check_https_controller(controller)
        else:
            check_did_web(controller)
        if key_id is not None:
            check_key_id(key_id)
        own = generate(key_type, did_method="jwk", rsa_bits=rsa_bits)
        return own.with_verification_method(f"{controller}#{key_id or own.default_key_id()}")
    if key_id is not None:
        raise ValueError("key_id names a key under a controller: pass controller= too")
    if key_type == "Ed25519":
        key: PrivateKey = ed25519.Ed25519PrivateKey.generate()
    elif key_type in _CURVES:
        key = ec.generate_private_key(_CURVES[key_type][0]())
    elif key_type == "RSA":
        if rsa_bits < 2048:
            raise ValueError("RSA keys must have at least 2048 bits")
        if did_method == "key":
            raise UnsupportedKeyTypeError("RSA keys use did:jwk here: pass did_method='jwk'")
        key = rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
    else:
        raise ValueError(f"unknown key type {key_type!r}: use Ed25519, P-256, P-384 or RSA")
    return KeyPair(key, did_method=did_method)


#: Public keys of decoded Multikey values, remembered (immutable objects; see :mod:`._methods`).
@functools.lru_cache(maxsize=1024)
def _multikey_public(codec: str, raw: bytes) -> PublicKey:
    """The public key object of a decoded Multikey value."""
    try:
        if codec == "ed25519-pub":
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        if codec in ("p256-pub", "p384-pub"):
            curve = ec.SECP256R1() if codec == "p256-pub" else ec.SECP384R1()
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, raw)
        raise UnsupportedKeyTypeError(f"{codec} is not a signing key type")
    except ValueError as exc:
        raise InvalidKeyError(f"invalid {codec} key: {exc}") from None
