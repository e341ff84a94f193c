"""A local RFC 3161 time-stamping authority for the tests: ``TimeStampToken`` (a CMS
SignedData over a TSTInfo, RFC 3161 clause 2.4.2 and RFC 5652) built with ``asn1crypto`` and
signed with ``cryptography``, and a loopback HTTP server answering ``TimeStampReq`` POSTs.

Import as ``from tests.edc._tsa import LocalTsa, serve_tsa``.
"""

from __future__ import annotations

import hashlib
import http.server
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from tests._http import loopback_server
from tests.edc._pki import TsaPki, tsa_pki

#: The policy the local authority time-stamps under (an arbitrary test arc).
TEST_POLICY = "1.2.3.4.1"


class LocalTsa:
    """A time-stamping authority in the test process.

    Args:
        pki: its certificates and key (default: a fresh :func:`tsa_pki`).
        clock: the genTime of each token (default: now, UTC).
        policy: the TSA policy OID.
        include_certificate: put the TSA's certificate in the token (RFC 3161 certReq).

    Attributes:
        issued: every token made, in order (DER).
        requests: the digests asked for, in order.
        imprint_override: when set, the tokens carry this imprint instead of the digest
            asked (a TSA that answers for other data).
    """

    def __init__(
        self,
        pki: TsaPki | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        policy: str = TEST_POLICY,
        include_certificate: bool = True,
    ) -> None:
        self.pki = pki or tsa_pki()
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.policy = policy
        self.include_certificate = include_certificate
        self.issued: list[bytes] = []
        self.requests: list[bytes] = []
        self.imprint_override: bytes | None = None
        self._serial = 1000

    @property
    def certificate_der(self) -> bytes:
        """The time-stamping unit's certificate (DER)."""
        return bytes(self.pki.certificate.public_bytes(Encoding.DER))

    @property
    def root_der(self) -> bytes:
        """The TSA root's certificate (DER), the anchor a verifier is given."""
        return bytes(self.pki.root.public_bytes(Encoding.DER))

    def tst_info(self, digest: bytes, nonce: int | None = None) -> tsp.TSTInfo:
        """The TSTInfo for a SHA-256 ``digest``."""
        self._serial += 1
        fields: dict[str, Any] = {
            "version": "v1",
            "policy": self.policy,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": self.imprint_override or digest,
            },
            "serial_number": self._serial,
            "gen_time": self.clock().astimezone(timezone.utc),
            "accuracy": {"seconds": 1},
        }
        if nonce is not None:
            fields["nonce"] = nonce
        return tsp.TSTInfo(fields)

    def token(self, info: tsp.TSTInfo) -> bytes:
        """The TimeStampToken (DER ContentInfo) signing ``info``."""
        content = info.dump()
        cert = asn1_x509.Certificate.load(self.certificate_der)
        signed_attrs = cms.CMSAttributes(
            [
                {"type": "content_type", "values": ["tst_info"]},
                {"type": "signing_time", "values": [cms.Time({"utc_time": self.clock()})]},
                {"type": "message_digest", "values": [hashlib.sha256(content).digest()]},
                {
                    "type": "signing_certificate_v2",
                    "values": [
                        {
                            "certs": [
                                {
                                    "hash_algorithm": {"algorithm": "sha256"},
                                    "cert_hash": hashlib.sha256(self.certificate_der).digest(),
                                }
                            ]
                        }
                    ],
                },
            ]
        )
        key = self.pki.key
        if isinstance(key, rsa.RSAPrivateKey):
            signature = key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
            signature_algorithm = "sha256_rsa"
        else:
            signature = key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
            signature_algorithm = "sha256_ecdsa"
        signer = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    {
                        "issuer_and_serial_number": {
                            "issuer": cert.issuer,
                            "serial_number": cert.serial_number,
                        }
                    }
                ),
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "signed_attrs": signed_attrs,
                "signature_algorithm": algos.SignedDigestAlgorithm(
                    {"algorithm": signature_algorithm}
                ),
                "signature": signature,
            }
        )
        signed_data: dict[str, Any] = {
            "version": "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {
                "content_type": "tst_info",
                "content": core.ParsableOctetString(content),
            },
            "signer_infos": [signer],
        }
        if self.include_certificate:
            signed_data["certificates"] = [cert]
        return bytes(
            cms.ContentInfo(
                {"content_type": "signed_data", "content": cms.SignedData(signed_data)}
            ).dump()
        )

    def timestamp(self, digest: bytes) -> bytes:
        """A token over the SHA-256 ``digest`` (what ``microcred.edc.seal`` asks)."""
        self.requests.append(bytes(digest))
        token = self.token(self.tst_info(digest))
        self.issued.append(token)
        return token

    def respond(self, request: bytes) -> bytes:
        """The DER TimeStampResp to a DER TimeStampReq (granted, with the nonce asked)."""
        try:
            asked = tsp.TimeStampReq.load(request, strict=True)
            imprint = asked["message_imprint"]
            if imprint["hash_algorithm"]["algorithm"].native != "sha256":
                raise ValueError("only sha256")
            digest = imprint["hashed_message"].native
            nonce = asked["nonce"].native
        except (ValueError, TypeError, KeyError):
            return refusal("bad request")
        self.requests.append(bytes(digest))
        token = self.token(self.tst_info(digest, nonce))
        self.issued.append(token)
        return bytes(
            tsp.TimeStampResp(
                {"status": {"status": "granted"}, "time_stamp_token": cms.ContentInfo.load(token)}
            ).dump()
        )


def refusal(text: str) -> bytes:
    """A TimeStampResp refusing (status rejection, the free text ``text``, no token)."""
    body = tsp.PKIStatusInfo({"status": "rejection", "status_string": [text]}).dump()
    return b"\x30" + _length(len(body)) + body


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


@contextmanager
def serve_tsa(tsa: LocalTsa) -> Iterator[str]:
    """Serve ``tsa`` over HTTP on loopback (RFC 3161 clause 3.4); yields its URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 1 << 16))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_response(415)
                self.end_headers()
                return
            answer = tsa.respond(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            return

    with loopback_server(Handler) as url:
        yield f"{url}/tsa"
