"""Open Badges 3.0 JWT interop with openbadgeslib (PyPI), an independent OB 3.0 implementation.

openbadgeslib 4.6.3 reads the OB 3.0 §8.2 form ("the JWT payload IS the credential": its
members at the top level, ``iss``/``nbf`` required and ``sub``/``jti`` matched), so a token
microcred issues by default for an OB 3.0 credential verifies there, and one openbadgeslib
signs verifies in microcred. It is installed into a test-only virtual environment under the
git-ignored ``.interop/`` folder (never into microcred's own environment): the tests skip
with the reason when it cannot be installed, except under ``CI=true``, where that is an error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jwcrypto import jwk

import microcred as mc
from microcred import keys

from .test_di_interop import microcredential

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".interop" / "openbadgeslib"
VERSION = "4.6.3"
NOW = datetime.now(timezone.utc)  # openbadgeslib judges validity at the wall clock

#: Runs inside the test-only environment: one JSON request per line on stdin, one answer per
#: line on stdout. Only openbadgeslib's public API is called.
HELPER = """
import json, sys
from openbadgeslib.ob3 import OB3Signer, OB3Verifier, OB3VerificationError

for line in sys.stdin:
    request = json.loads(line)
    try:
        if request["op"] == "verify":
            verifier = OB3Verifier(request["pem"], issuer_did=request["did"])
            credential = verifier.verify(request["token"])
            answer = {"verified": True, "issuer": credential.issuer.id}
        else:
            signer = OB3Signer(request["pem"], algorithm=request["alg"])
            answer = {"token": signer.sign_payload(request["payload"])}
    except OB3VerificationError as exc:
        answer = {"verified": False, "error": str(exc)}
    print(json.dumps(answer), flush=True)
"""


def _install() -> Path:
    python = VENV / "bin" / "python"
    marker = VENV / f".installed-{VERSION}"
    if python.exists() and marker.exists():
        return python
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True, timeout=300
        )
        result = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"openbadgeslib=={VERSION}"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        result = subprocess.CompletedProcess([], 1, "", str(exc))
    if result.returncode != 0:
        last = (str(result.stderr).strip().splitlines() or ["pip install failed"])[-1]
        if os.environ.get("CI") == "true":
            pytest.fail(f"openbadgeslib {VERSION} could not be installed in CI: {last}")
        pytest.skip(f"openbadgeslib {VERSION} could not be installed (offline?): {last}")
    marker.write_text(VERSION)
    return python


class Openbadgeslib:
    """The helper process in the test-only environment."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the openbadgeslib helper exited")
        answer: dict[str, Any] = json.loads(line)
        return answer


@pytest.fixture(scope="module")
def obl() -> Iterator[Openbadgeslib]:
    python = _install()
    helper = VENV / "microcred_helper.py"
    helper.write_text(HELPER)
    process = subprocess.Popen(
        [str(python), str(helper)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        yield Openbadgeslib(process)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


KEYS = [("EdDSA", "Ed25519"), ("ES256", "P-256"), ("RS256", "RSA")]


@cache
def key_of(key_type: str) -> keys.KeyPair:
    return keys.generate(key_type, did_method="jwk" if key_type == "RSA" else "key")


def pem(key: keys.KeyPair, *, private: bool) -> str:
    material = key.private_jwk() if private else key.public_jwk()
    exported: bytes = jwk.JWK(**{k: v for k, v in material.items() if k != "kid"}).export_to_pem(
        private_key=private, password=None
    )
    return exported.decode("ascii")


@pytest.mark.parametrize(("alg", "key_type"), KEYS, ids=[a for a, _ in KEYS])
def test_microcred_ob3_jwt_verifies_in_openbadgeslib(
    obl: Openbadgeslib, alg: str, key_type: str
) -> None:
    key = key_of(key_type)
    token = mc.issue(microcredential(key.did), key, format="jwt", algorithm=alg)
    answer = obl.request(
        {"op": "verify", "token": token, "pem": pem(key, private=False), "did": key.did}
    )
    assert answer == {"verified": True, "issuer": key.did}


def test_the_vc_claim_form_is_not_what_openbadgeslib_reads(obl: Openbadgeslib) -> None:
    """Why the default changed: the VC 1.1 ``vc``-claim form is refused by a current OB 3.0
    verifier (the payload is not a credential)."""
    key = key_of("Ed25519")
    token = mc.issue(microcredential(key.did), key, format="jwt", jwt_form="vc-jwt")
    answer = obl.request(
        {"op": "verify", "token": token, "pem": pem(key, private=False), "did": key.did}
    )
    assert answer["verified"] is False


def test_a_tampered_microcred_token_fails_in_openbadgeslib(obl: Openbadgeslib) -> None:
    key = key_of("Ed25519")
    token = mc.issue(microcredential(key.did), key, format="jwt")
    head, _body, signature = token.split(".")
    other = mc.issue({**microcredential(key.did), "name": "Another"}, key, format="jwt")
    forged = f"{head}.{other.split('.')[1]}.{signature}"
    answer = obl.request(
        {"op": "verify", "token": forged, "pem": pem(key, private=False), "did": key.did}
    )
    assert answer["verified"] is False
    assert "signature" in answer["error"].lower()


@pytest.mark.parametrize(("alg", "key_type"), KEYS, ids=[a for a, _ in KEYS])
def test_openbadgeslib_tokens_verify_in_microcred(
    obl: Openbadgeslib, alg: str, key_type: str
) -> None:
    """openbadgeslib signs with its own JOSE header (an embedded ``jwk``, no ``kid``): microcred
    accepts that key when the caller allows embedded keys and it is the issuer's own
    did:key / did:jwk, and otherwise says why not (indeterminate)."""
    key = key_of(key_type)
    credential = microcredential(key.did)
    nbf = int(datetime(2024, 6, 12, 10, tzinfo=timezone.utc).timestamp())
    claims = {"iss": key.did, "sub": "did:example:learner", "nbf": nbf, "jti": credential["id"]}
    token = obl.request(
        {
            "op": "sign",
            "alg": alg,
            "pem": pem(key, private=True),
            "payload": {**credential, **claims},
        }
    )["token"]
    report = mc.verify(token, now=NOW, allow_embedded_jwk=True)
    assert report.verified, report.failed
    assert report.document == credential
    assert mc.verify(token, now=NOW).outcome == "indeterminate"  # the key is not trusted
    other = key_of("P-256" if key_type == "Ed25519" else "Ed25519")
    forged = obl.request(
        {
            "op": "sign",
            "alg": "ES256" if key_type == "Ed25519" else "EdDSA",
            "pem": pem(other, private=True),
            "payload": {**credential, **claims},
        }
    )["token"]
    refused = mc.verify(forged, now=NOW, allow_embedded_jwk=True)
    assert not refused.verified
    assert any(c.id == "jwt.key" for c in refused.checks if c.status in ("failed", "error"))
