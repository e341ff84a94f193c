"""Sealing a European Digital Credential: JAdES baseline B-B and B-T (ETSI TS 119 182-1).

The seal is made in the header profile of the European Commission's issuer (the signed
samples of the European Learning Model): the JWS JSON serialization (general syntax, one
signature), an unencoded payload (RFC 7797 ``b64: false``: the credential's JSON text is the
payload as it is), and a protected header of ``alg``, ``cty: "json"``, ``kid`` (the signing
certificate's DER ``IssuerSerial``, base64), ``x5t#S256``, ``x5c``, ``typ: "jose+json"``,
``b64: false``, ``sigT`` (the claimed signing time), the content time-stamp ``adoTst`` when
asked for, and ``crit`` naming ``b64``, ``sigT`` (and ``adoTst``), in that order.

B-T adds a signature time-stamp (``sigTst``, ETSI TS 119 182-1 clause 5.3.4) in the
unprotected ``etsiU`` array, its element base64url-encoded as the Commission's seals have
it. The message imprints, as the Commission's samples have them:

* ``sigTst``: SHA-256 of the JWS Signature as it is written (its base64url text);
* ``adoTst``: SHA-256 of the JWS Payload as it is written (``b64: false``: the JSON text).

A time-stamping authority is anything with ``timestamp(digest) -> token`` (an RFC 3161
``TimeStampToken``, DER, over the SHA-256 ``digest``): :class:`HttpTsa` asks one over HTTP
(network, so only when the caller builds it), tests use a local one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..errors import FetchError, NetworkPolicyError, SealError, TimestampAuthorityError
from ._x509 import MAX_CERTIFICATE_BYTES

if TYPE_CHECKING:
    from cryptography import x509

    from ..net import HttpsFetcher

__all__ = ["ALGORITHMS", "HttpTsa", "TimestampAuthority", "seal"]

#: The JWS algorithms a seal is made with, by key: RSA (RS256, or PS256 when asked), ECDSA
#: P-256 (ES256) and P-384 (ES384).
ALGORITHMS = ("RS256", "PS256", "ES256", "ES384")
#: The most certificates a chain given to :func:`seal` may hold.
MAX_CHAIN = 10
#: The largest time-stamp token accepted (the largest certificate is the verifier's,
#: :data:`._x509.MAX_CERTIFICATE_BYTES`: a seal is never made that could not be verified).
MAX_TOKEN_BYTES = 256 * 1024
#: The largest credential (its JSON text, bytes) sealed.
MAX_PAYLOAD_BYTES = 16 * 1024 * 1024
_MIN_RSA_BITS = 2048


@runtime_checkable
class TimestampAuthority(Protocol):
    """A time-stamping authority (RFC 3161) as :func:`seal` uses it."""

    def timestamp(self, digest: bytes) -> bytes:
        """An RFC 3161 ``TimeStampToken`` (DER ``ContentInfo``) whose message imprint is
        the SHA-256 ``digest`` (32 bytes)."""
        ...


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# ---------------------------------------------------------------------------------------
# inputs


def _payload(credential: Any) -> str:
    """The JWS Payload: a mapping's compact JSON (UTF-8, key order kept), or a JSON object's
    text as given."""
    if isinstance(credential, Mapping):
        try:
            text = json.dumps(credential, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError) as exc:
            raise SealError(f"the credential cannot be written as JSON: {exc}") from None
    elif isinstance(credential, (bytes, bytearray, str)):
        if isinstance(credential, str):
            text = credential
        else:
            try:
                text = bytes(credential).decode("utf-8")
            except UnicodeDecodeError:
                raise SealError("the credential is not UTF-8 JSON text") from None
        from .. import _json
        from ..errors import MicrocredError

        try:
            parsed = _json.loads(text)
        except MicrocredError as exc:
            raise SealError(f"the credential is not JSON: {exc.message}") from None
        if not isinstance(parsed, dict):
            raise SealError("the credential must be a JSON object")
    else:
        raise TypeError(f"credential: a mapping or its JSON text, not {type(credential).__name__}")
    if len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise SealError(f"the credential is over {MAX_PAYLOAD_BYTES} bytes of JSON")
    return text


def _load_certificates(value: Any) -> list[x509.Certificate]:
    """Certificates from a certificate, DER bytes, PEM text/bytes (one or several), or a
    sequence of those, in the order given."""
    from cryptography import x509

    if isinstance(value, x509.Certificate):
        return [value]
    if isinstance(value, str):
        value = value.encode("ascii", "replace")
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
        if len(data) > MAX_CHAIN * MAX_CERTIFICATE_BYTES:
            raise SealError("the certificate chain is too large")
        try:
            if b"-----BEGIN" in data:
                return list(x509.load_pem_x509_certificates(data))
            return [x509.load_der_x509_certificate(data)]
        except ValueError as exc:
            raise SealError(f"a certificate of the chain cannot be read: {exc}") from None
    if isinstance(value, Sequence):
        found: list[x509.Certificate] = []
        for item in value[: MAX_CHAIN + 1]:
            found.extend(_load_certificates(item))
        return found
    raise TypeError(
        f"certificate_chain: certificates (cryptography), DER or PEM, not {type(value).__name__}"
    )


def _chain(certificate_chain: Any) -> list[x509.Certificate]:
    """The chain, seal certificate first, each certificate issued by the next."""
    chain = _load_certificates(certificate_chain)
    if not chain:
        raise SealError("the certificate chain is empty: the seal certificate comes first")
    if len(chain) > MAX_CHAIN:
        raise SealError(f"the certificate chain holds more than {MAX_CHAIN} certificates")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import Encoding

    for certificate in chain:
        if len(certificate.public_bytes(Encoding.DER)) > MAX_CERTIFICATE_BYTES:
            raise SealError(
                f"a certificate of the chain is over {MAX_CERTIFICATE_BYTES} bytes "
                "(the most a verifier accepts)"
            )
    for index in range(len(chain) - 1):
        try:
            chain[index].verify_directly_issued_by(chain[index + 1])
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise SealError(
                f"certificate {index} of the chain is not issued by certificate {index + 1} "
                f"({type(exc).__name__}): the seal certificate comes first, then its issuers"
            ) from None
    return chain


def _load_key(key: Any) -> Any:
    """A private key (``cryptography``) from the key or its unencrypted PEM/DER."""
    from cryptography.hazmat.primitives.serialization import (
        load_der_private_key,
        load_pem_private_key,
    )

    if isinstance(key, str):
        key = key.encode("ascii", "replace")
    if isinstance(key, (bytes, bytearray)):
        data = bytes(key)
        try:
            if b"-----BEGIN" in data:
                return load_pem_private_key(data, password=None)
            return load_der_private_key(data, password=None)
        except (ValueError, TypeError) as exc:
            raise SealError(f"the seal key cannot be read (an unencrypted key): {exc}") from None
    if not callable(getattr(key, "sign", None)) or not callable(getattr(key, "public_key", None)):
        raise TypeError(f"key: a private key (cryptography) or its PEM, not {type(key).__name__}")
    return key


def _algorithm(key: Any, wanted: str | None) -> str:
    """The JWS ``alg`` the key signs with (``wanted`` when the key can)."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    choices: tuple[str, ...]
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < _MIN_RSA_BITS:
            raise SealError(f"an RSA seal key has at least {_MIN_RSA_BITS} bits")
        choices = ("RS256", "PS256")
    elif isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        choices = ("ES256",)
    elif isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP384R1):
        choices = ("ES384",)
    else:
        raise SealError("a seal key is RSA (RS256, PS256) or ECDSA P-256 (ES256) / P-384 (ES384)")
    if wanted is None:
        return choices[0]
    if wanted not in choices:
        raise SealError(f"alg {wanted!r} is not for this key; it signs with {', '.join(choices)}")
    return wanted


def _signing_time(signing_time: datetime | None) -> datetime:
    if signing_time is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    if not isinstance(signing_time, datetime):
        raise TypeError("signing_time must be a datetime")
    if signing_time.tzinfo is None:
        signing_time = signing_time.replace(tzinfo=timezone.utc)
    return signing_time.astimezone(timezone.utc).replace(microsecond=0)


def _check_certificate(leaf: x509.Certificate, key: Any, when: datetime) -> None:
    """The seal certificate certifies ``key``, is valid at ``when`` and may sign."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    def spki(public: Any) -> bytes:
        return bytes(public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))

    if spki(leaf.public_key()) != spki(key.public_key()):
        raise SealError("the seal key is not the key the seal certificate certifies")
    if not leaf.not_valid_before_utc <= when <= leaf.not_valid_after_utc:
        raise SealError(
            f"the seal certificate is not valid at the signing time {when:%Y-%m-%dT%H:%M:%SZ}"
            f" (valid {leaf.not_valid_before_utc:%Y-%m-%d} to "
            f"{leaf.not_valid_after_utc:%Y-%m-%d})"
        )
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise SealError(
            "the seal certificate's key usage allows neither digitalSignature nor nonRepudiation"
        )


# ---------------------------------------------------------------------------------------
# the header


def issuer_serial(certificate: x509.Certificate) -> bytes:
    """The DER ``IssuerSerial`` (RFC 5035) of ``certificate``: its issuer as a directory
    name and its serial number, what a JAdES ``kid`` carries (base64)."""
    from asn1crypto import cms
    from asn1crypto import x509 as asn1_x509

    issuer = asn1_x509.Name.load(certificate.issuer.public_bytes())
    value = cms.IssuerSerial(
        {
            "issuer": [asn1_x509.GeneralName(name="directory_name", value=issuer)],
            "serial": certificate.serial_number,
        }
    )
    return bytes(value.dump())


def _der(certificate: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return bytes(certificate.public_bytes(Encoding.DER))


def _tst(token: bytes) -> dict[str, Any]:
    """A ``tstContainer`` of one token (``{"tstTokens": [{"val": base64 DER}]}``)."""
    return {"tstTokens": [{"val": _b64(token)}]}


def protected_header(
    chain: Sequence[x509.Certificate],
    algorithm: str,
    when: datetime,
    content_timestamp: bytes | None = None,
) -> dict[str, Any]:
    """The JAdES protected header, members in the order of the Commission's seals."""
    leaf = _der(chain[0])
    header: dict[str, Any] = {
        "alg": algorithm,
        "cty": "json",
        "kid": _b64(issuer_serial(chain[0])),
        "x5t#S256": _b64url(hashlib.sha256(leaf).digest()),
        "x5c": [_b64(_der(c)) for c in chain],
        "typ": "jose+json",
        "b64": False,
        "sigT": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    crit = ["b64", "sigT"]
    if content_timestamp is not None:
        header["adoTst"] = _tst(content_timestamp)
        crit.append("adoTst")
    header["crit"] = crit
    return header


# ---------------------------------------------------------------------------------------
# signing and time-stamping


def _sign(key: Any, algorithm: str, data: bytes) -> bytes:
    """The JWS Signature (RFC 7518): PKCS#1 v1.5 or PSS for RSA, ``r || s`` for ECDSA."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    if algorithm == "RS256":
        return bytes(key.sign(data, padding.PKCS1v15(), hashes.SHA256()))
    if algorithm == "PS256":
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        return bytes(key.sign(data, pss, hashes.SHA256()))
    digest: hashes.HashAlgorithm = hashes.SHA256() if algorithm == "ES256" else hashes.SHA384()
    size = 32 if algorithm == "ES256" else 48
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(digest)))
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _imprint_of(token: bytes) -> tuple[str, bytes]:
    """The hash algorithm and message imprint of an RFC 3161 token (DER ``ContentInfo``)."""
    from asn1crypto import cms, tsp

    if not isinstance(token, (bytes, bytearray)) or not token:
        raise TimestampAuthorityError("the time-stamping authority gave no token")
    if len(token) > MAX_TOKEN_BYTES:
        raise TimestampAuthorityError(f"the time-stamp token is over {MAX_TOKEN_BYTES} bytes")
    try:
        info = cms.ContentInfo.load(bytes(token), strict=True)
        if info["content_type"].native != "signed_data":
            raise ValueError("not a CMS SignedData")
        encapsulated = info["content"]["encap_content_info"]
        if encapsulated["content_type"].native != "tst_info":
            raise ValueError("the SignedData does not hold a TSTInfo")
        content = encapsulated["content"]
        raw = content.native if isinstance(content.native, bytes) else content.contents
        tst = tsp.TSTInfo.load(raw, strict=True)
        imprint = tst["message_imprint"]
        return str(imprint["hash_algorithm"]["algorithm"].native), bytes(
            imprint["hashed_message"].native
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampAuthorityError(f"the time-stamp token cannot be read: {exc}") from None


def _timestamp(tsa: TimestampAuthority, data: bytes, what: str) -> bytes:
    """A token from ``tsa`` over SHA-256 of ``data``, checked to be over it."""
    digest = hashlib.sha256(data).digest()
    try:
        token = tsa.timestamp(digest)
    except (FetchError, NetworkPolicyError) as exc:
        raise TimestampAuthorityError(
            f"the time-stamping authority gave no {what}: {exc.message}"
        ) from None
    algorithm, imprint = _imprint_of(token)
    if algorithm != "sha256" or imprint != digest:
        raise TimestampAuthorityError(
            f"the {what} the time-stamping authority gave is over other data "
            f"({algorithm} imprint {imprint.hex()[:16]}..., asked sha256 {digest.hex()[:16]}...)"
        )
    return bytes(token)


def seal(
    credential: Any,
    key: Any,
    certificate_chain: Any,
    *,
    signing_time: datetime | None = None,
    tsa: TimestampAuthority | None = None,
    algorithm: str | None = None,
    content_timestamp: bool = False,
) -> dict[str, Any]:
    """Seal a credential: a JAdES baseline signature (ETSI TS 119 182-1) in the
    Commission's header profile, B-B, or B-T with a time-stamping authority.

    Args:
        credential: the credential, an ELM European Digital Credential as
            :meth:`MicroCredential.to_elm <microcred.model.MicroCredential.to_elm>` makes it
            (a mapping: its compact JSON, key order kept, is the payload), or a JSON
            object's text (used as it is).
        key: the seal's private key (``cryptography``: RSA of 2048 bits or more, ECDSA P-256
            or P-384) or its unencrypted PEM/DER.
        certificate_chain: the seal certificate, then the certificates of its issuers (a
            sequence of ``cryptography`` certificates or DER, or PEM with several); all of
            it goes into ``x5c``.
        signing_time: the claimed signing time ``sigT`` (default: now, UTC), to the second.
        tsa: a time-stamping authority (``timestamp(digest) -> token``, e.g.
            :class:`HttpTsa`): the seal gets a signature time-stamp (``sigTst``, B-T).
        algorithm: ``"PS256"`` for RSA-PSS (default for RSA: ``"RS256"``, as the
            Commission's seals); an EC key's algorithm follows from its curve.
        content_timestamp: also time-stamp the payload before signing (``adoTst`` in the
            protected header, as the Commission's seals carry); needs ``tsa``.

    Returns:
        The sealed credential, the JWS JSON serialization ``{"payload": ..., "signatures":
        [{"protected": ..., "signature": ...}]}`` (with ``"header": {"etsiU": [...]}`` for
        B-T), ready for ``json.dump``.

    Raises:
        SealError: the key is not the certificate's, the chain is not a chain (each
            certificate issued by the next), the seal certificate is not valid at the
            signing time or its key usage forbids signing, the key is of an unsupported
            type or ``algorithm`` is not for it, the credential is not a JSON object.
        TimestampAuthorityError: the time-stamping authority failed or gave a token over
            other data.
        TypeError: an argument of the wrong type; ``content_timestamp`` without ``tsa``.
    """
    if content_timestamp and tsa is None:
        raise TypeError("content_timestamp needs a time-stamping authority (tsa=)")
    if tsa is not None and not isinstance(tsa, TimestampAuthority):
        raise TypeError("tsa must have a timestamp(digest) method")
    payload = _payload(credential)
    chain = _chain(certificate_chain)
    private = _load_key(key)
    alg = _algorithm(private, algorithm)
    when = _signing_time(signing_time)
    _check_certificate(chain[0], private, when)
    payload_bytes = payload.encode("utf-8")
    ado = None
    if content_timestamp and tsa is not None:
        ado = _timestamp(tsa, payload_bytes, "content time-stamp (adoTst)")
    header = protected_header(chain, alg, when, ado)
    protected = _b64url(json.dumps(header, separators=(",", ":")).encode("ascii"))
    signature = _b64url(_sign(private, alg, protected.encode("ascii") + b"." + payload_bytes))
    entry: dict[str, Any] = {"protected": protected}
    if tsa is not None:
        token = _timestamp(tsa, signature.encode("ascii"), "signature time-stamp (sigTst)")
        element = json.dumps({"sigTst": _tst(token)}, separators=(",", ":"))
        entry["header"] = {"etsiU": [_b64url(element.encode("ascii"))]}
    entry["signature"] = signature
    return {"payload": payload, "signatures": [entry]}


# ---------------------------------------------------------------------------------------
# RFC 3161 over HTTP


class HttpTsa:
    """A time-stamping authority asked over HTTP (RFC 3161 clause 3.4: a ``TimeStampReq``
    POSTed as ``application/timestamp-query``). Building one is the caller's opt-in to the
    network; nothing else in the seal goes online.

    Args:
        url: the authority's URL (``https``, or plain ``http``, which RFC 3161 authorities
            commonly serve: the token is signed, its integrity does not rest on TLS).
        policy: the TSA policy OID to ask for (default: the authority's own).
        fetcher: the network client (default: a :class:`~microcred.net.HttpsFetcher` for
            that URL's scheme, with its address and size rules).
        max_bytes: the largest answer read.
    """

    def __init__(
        self,
        url: str,
        *,
        policy: str | None = None,
        fetcher: HttpsFetcher | None = None,
        max_bytes: int = MAX_TOKEN_BYTES,
    ) -> None:
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise ValueError("a time-stamping authority's URL is http(s)://...")
        if fetcher is None:
            from ..net import HttpsFetcher

            fetcher = HttpsFetcher(allow_http=url.startswith("http://"))
        self.url = url
        self.policy = policy
        self._fetcher = fetcher
        self._max_bytes = max_bytes

    def request(self, digest: bytes, nonce: int) -> bytes:
        """The DER ``TimeStampReq`` for a SHA-256 ``digest`` (certificate asked for)."""
        from asn1crypto import tsp

        fields: dict[str, Any] = {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
        if self.policy is not None:
            fields["req_policy"] = self.policy
        return bytes(tsp.TimeStampReq(fields).dump())

    def timestamp(self, digest: bytes) -> bytes:
        """Ask the authority for a token over ``digest`` (SHA-256).

        Raises:
            TimestampAuthorityError: the request failed, the authority refused (status other
                than granted), the answer is not a ``TimeStampResp`` or answers another
                nonce.
            NetworkPolicyError: the fetcher does not allow the URL.
        """
        nonce = secrets.randbits(63)
        answer = self._fetcher.post(
            self.url,
            self.request(digest, nonce),
            content_type="application/timestamp-query",
            accept="application/timestamp-reply",
            max_bytes=self._max_bytes,
        )
        return _granted_token(answer, nonce, self.url)


def _granted_token(answer: bytes, nonce: int, url: str) -> bytes:
    """The token of a granted ``TimeStampResp`` that answers ``nonce`` (the status is read
    first: a refusal carries no token)."""
    from asn1crypto import cms, core, tsp

    try:
        response = core.Sequence.load(answer, strict=True)
        status_info = tsp.PKIStatusInfo.load(response[0].dump())
        status = status_info["status"].native
        if status not in ("granted", "granted_with_mods"):
            text = status_info["status_string"].native
            raise TimestampAuthorityError(
                f"the time-stamping authority {url} refused: {status}"
                + (f" ({'; '.join(text)[:200]})" if text else "")
            )
        token = cms.ContentInfo.load(response[1].dump(), strict=True)
        info = token["content"]["encap_content_info"]["content"]
        raw = info.native if isinstance(info.native, bytes) else info.contents
        answered = tsp.TSTInfo.load(raw)["nonce"].native
        der = bytes(token.dump())
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise TimestampAuthorityError(
            f"the time-stamping authority {url} did not answer with a time-stamp: {exc}"
        ) from None
    if answered != nonce:
        raise TimestampAuthorityError(
            f"the time-stamping authority {url} answered another request (nonce differs)"
        )
    return der
