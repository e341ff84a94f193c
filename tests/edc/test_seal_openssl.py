"""A second, independent check of microcred's seals with OpenSSL's command line (no JAdES
verifier can run here: none is packaged on PyPI, npm or Debian; the EU's DSS is on Maven
Central only). OpenSSL checks, each on its own: the JWS signature over the RFC 7797
unencoded signing input, the RFC 3161 signature time-stamp (``openssl ts -verify``) over
the digest ETSI TS 119 182-1 clause 5.3.4 names, with its TSA certificate chain, the
``x5t#S256`` digest, and the ``kid`` IssuerSerial's serial number."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from tests.edc._pki import NOW, cert_pem, seal_pki
from tests.edc._tsa import LocalTsa

from microcred.edc import seal

OPENSSL = shutil.which("openssl")
pytestmark = pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _openssl(*args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    return subprocess.run(
        [OPENSSL, *args], input=data, capture_output=True, timeout=60, check=False
    )


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Any, LocalTsa, Path]:
    pki = seal_pki(kind="rsa")
    tsa = LocalTsa()
    document = seal({"name": "Åsa", "n": [1, 2]}, pki.key, pki.chain, signing_time=NOW, tsa=tsa)
    return document, pki, tsa, tmp_path_factory.mktemp("openssl")


def test_openssl_verifies_the_signature_over_the_unencoded_payload(sealed: Any) -> None:
    document, pki, _, folder = sealed
    entry = document["signatures"][0]
    (folder / "input").write_bytes((entry["protected"] + "." + document["payload"]).encode())
    (folder / "sig").write_bytes(_unb64(entry["signature"]))
    public = pki.certificate.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )
    (folder / "pub.pem").write_bytes(public)
    args = [
        "dgst",
        "-sha256",
        "-verify",
        str(folder / "pub.pem"),
        "-signature",
        str(folder / "sig"),
    ]
    result = _openssl(*args, str(folder / "input"))
    assert result.returncode == 0, result.stderr
    assert b"Verified OK" in result.stdout
    (folder / "changed").write_bytes(
        (entry["protected"] + "." + document["payload"][:-1] + " }").encode()
    )
    assert _openssl(*args, str(folder / "changed")).returncode != 0


def test_openssl_verifies_the_signature_time_stamp(sealed: Any) -> None:
    document, _, tsa, folder = sealed
    entry = document["signatures"][0]
    element = json.loads(_unb64(entry["header"]["etsiU"][0]))
    (folder / "token.der").write_bytes(base64.b64decode(element["sigTst"]["tstTokens"][0]["val"]))
    (folder / "tsa-root.pem").write_bytes(cert_pem(tsa.pki.root))
    digest = hashlib.sha256(entry["signature"].encode("ascii")).hexdigest()
    base = [
        "ts",
        "-verify",
        "-in",
        str(folder / "token.der"),
        "-token_in",
        "-CAfile",
        str(folder / "tsa-root.pem"),
    ]
    result = _openssl(*base, "-digest", digest)
    assert result.returncode == 0, result.stderr
    assert b"Verification: OK" in result.stdout
    other = hashlib.sha256(document["payload"].encode()).hexdigest()
    assert _openssl(*base, "-digest", other).returncode != 0


def test_openssl_agrees_on_x5t_and_kid(sealed: Any) -> None:
    document, pki, _, folder = sealed
    header = json.loads(_unb64(document["signatures"][0]["protected"]))
    leaf = base64.b64decode(header["x5c"][0])
    result = _openssl("dgst", "-sha256", "-binary", data=leaf)
    assert base64.urlsafe_b64encode(result.stdout).rstrip(b"=").decode() == header["x5t#S256"]
    (folder / "kid.der").write_bytes(base64.b64decode(header["kid"]))
    parsed = _openssl("asn1parse", "-inform", "DER", "-in", str(folder / "kid.der")).stdout.decode()
    serial = f"{pki.certificate.serial_number:X}"
    assert f":{serial}" in parsed.replace(" ", "")
    assert "cont [ 4 ]" in parsed  # the issuer as a directoryName GeneralName
