"""SD-JWT VC interop, both ways, with two independent implementations from the registries:

* the IETF's reference implementation ``sd-jwt`` 0.10.4 (PyPI; in the ``[test]`` extra), and
* the OpenWallet Foundation's ``@sd-jwt/sd-jwt-vc`` + ``@sd-jwt/core`` +
  ``@sd-jwt/crypto-nodejs`` 0.19.0 (npm; installed by the fixture into ``.interop/``).

microcred-issued SD-JWT VCs with key binding verify there; theirs verify in microcred; a
tampered disclosure and re-ordered disclosures under a Key Binding JWT are refused by both.
On re-ordering: RFC 9901 §7.1 matches Disclosures by digest, so their order carries no
meaning for the claims; but ``sd_hash`` (§4.3.1) is computed over the presentation exactly as
sent, so re-ordering the Disclosures of a presentation whose KB-JWT was made over another
order breaks the binding, and every implementation must refuse it.

Skips with the reason when Node/npm or the ``sd-jwt`` package are absent; with ``CI=true`` a
missing stack is a failure.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

import microcred as mc
from microcred import keys
from microcred.sdjwt import decode_sd_jwt, issue_sd_jwt_vc, present_sd_jwt

from .conftest import NodeStack, node_helper

pytestmark = pytest.mark.interop


ISSUER = keys.generate("P-256")
HOLDER = keys.generate("P-256")
NONCE = "nonce-4711"
AUD = "https://verifier.example.org"
CLAIMS = {
    "given_name": "Ann",
    "family_name": "Svensson",
    "credentialSubject": {"achievement": {"name": "Data Science", "ECTS": 7.5}, "grade": "A"},
}
DISCLOSABLE = ["/given_name", "/family_name", "/credentialSubject/grade"]


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must run the SD-JWT interop tests)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def node() -> Iterator[NodeStack]:
    """The @sd-jwt stack, installed once (``npm ci`` from the lock file) and started once."""
    with node_helper(
        "sdjwt_node", "SD-JWT interop with @sd-jwt/sd-jwt-vc", node_required_in_ci=True
    ) as stack:
        yield stack


@pytest.fixture(scope="module")
def reference() -> Any:
    """The ``sd-jwt`` reference implementation (PyPI), from the ``[test]`` extra."""
    try:
        import sd_jwt.holder
        import sd_jwt.issuer
        import sd_jwt.verifier
    except ImportError:
        _missing("the sd-jwt package (0.10.4, the [test] extra) is not installed")
    return sd_jwt


def _jwcrypto(key: keys.KeyPair, *, private: bool) -> Any:
    from jwcrypto.jwk import JWK

    jwk = key.private_jwk() if private else key.public_jwk()
    return JWK(**{k: v for k, v in jwk.items() if k != "kid"})


def _private(key: keys.KeyPair) -> dict[str, Any]:
    return {k: v for k, v in key.private_jwk().items() if k != "kid"}


def _ours(**kwargs: Any) -> str:
    return issue_sd_jwt_vc(
        CLAIMS,
        ISSUER,
        vct="urn:eudi:micro_credential:1",
        disclosable=DISCLOSABLE,
        holder_jwk=HOLDER.public_jwk(),
        decoys=1,
        **kwargs,
    )


def _ours_presented() -> str:
    return present_sd_jwt(
        _ours(),
        ["/given_name", "/credentialSubject/grade"],
        holder_key=HOLDER,
        nonce=NONCE,
        audience=AUD,
    )


def _reordered(presentation: str) -> str:
    jwt, *disclosures, kb = presentation.split("~")
    assert len(disclosures) >= 2
    return "~".join([jwt, *reversed(disclosures), kb])


def _tampered(presentation: str) -> str:
    """A disclosure whose value was changed (same salt and name, another value)."""
    token = decode_sd_jwt(presentation)
    victim = next(d for d in token.disclosures if d.name == "grade")
    from microcred.sdjwt import Disclosure

    forged = Disclosure.create(victim.salt, "grade", "A+").encoded
    return presentation.replace(victim.encoded, forged)


def _verify_ours(text: str) -> mc.VerificationReport:
    return mc.verify(text, nonce=NONCE, audience=AUD)


# -- microcred → @sd-jwt (Node) ----------------------------------------------------------------


def test_ours_verify_in_node(node: NodeStack) -> None:
    answer = node(
        op="verify",
        token=_ours_presented(),
        issuerPublicJwk=ISSUER.public_jwk(),
        nonce=NONCE,
        aud=AUD,
        currentDate=int(time.time()),
    )
    assert answer["verified"], answer
    claims = answer["claims"]
    assert claims["given_name"] == "Ann"
    assert claims["credentialSubject"]["grade"] == "A"
    assert "family_name" not in claims


@pytest.mark.parametrize("attack", [_reordered, _tampered])
def test_node_refuses_our_tampered_or_reordered(node: NodeStack, attack: Any) -> None:
    answer = node(
        op="verify",
        token=attack(_ours_presented()),
        issuerPublicJwk=ISSUER.public_jwk(),
        nonce=NONCE,
        aud=AUD,
        currentDate=int(time.time()),
    )
    assert not answer["verified"], answer


# -- @sd-jwt (Node) → microcred ----------------------------------------------------------------


def _theirs_node(node: NodeStack) -> str:
    issued = node(
        op="issue",
        claims={
            "iss": ISSUER.did,
            "iat": int(time.time()),
            "vct": "urn:eudi:micro_credential:1",
            "cnf": {"jwk": HOLDER.public_jwk()},
            **CLAIMS,
        },
        frame={"_sd": ["given_name", "family_name"], "credentialSubject": {"_sd": ["grade"]}},
        header={"kid": ISSUER.verification_method},
        issuerPrivateJwk=_private(ISSUER),
    )["token"]
    return str(
        node(
            op="present",
            token=issued,
            frame={"given_name": True, "credentialSubject": {"grade": True}},
            holderPrivateJwk=_private(HOLDER),
            nonce=NONCE,
            aud=AUD,
            iat=int(time.time()),
        )["token"]
    )


def test_node_issued_verify_in_microcred(node: NodeStack) -> None:
    report = _verify_ours(_theirs_node(node))
    assert report.verified, report.failed
    assert report.format == "sd-jwt-vc"
    assert report.document is not None
    assert report.document["given_name"] == "Ann"
    assert report.document["credentialSubject"]["grade"] == "A"
    assert "family_name" not in report.document
    assert sorted(report.disclosed or []) == ["/credentialSubject/grade", "/given_name"]


@pytest.mark.parametrize(
    ("attack", "check"), [(_reordered, "sdjwt.kb"), (_tampered, "sdjwt.digest")]
)
def test_microcred_refuses_node_tampered_or_reordered(
    node: NodeStack, attack: Any, check: str
) -> None:
    report = _verify_ours(attack(_theirs_node(node)))
    assert report.outcome == "invalid"
    assert report.failed[0].id == check


# -- microcred → sd-jwt (Python reference) -----------------------------------------------------


def _reference_verify(reference: Any, text: str) -> dict[str, Any]:
    verifier = reference.verifier.SDJWTVerifier(
        text,
        lambda _iss, _header: _jwcrypto(ISSUER, private=False),
        expected_aud=AUD,
        expected_nonce=NONCE,
    )
    payload: dict[str, Any] = verifier.get_verified_payload()
    return payload


def test_ours_verify_in_the_reference(reference: Any) -> None:
    payload = _reference_verify(reference, _ours_presented())
    assert payload["given_name"] == "Ann"
    assert payload["credentialSubject"]["grade"] == "A"
    assert "family_name" not in payload


@pytest.mark.parametrize("attack", [_reordered, _tampered])
def test_reference_refuses_our_tampered_or_reordered(reference: Any, attack: Any) -> None:
    text = attack(_ours_presented())
    try:
        payload = _reference_verify(reference, text)
    except Exception:  # the reference raises plain exceptions (ValueError, JWS errors)
        return
    # sd-jwt 0.10.4 ignores a Disclosure that matches no digest (older than RFC 9901 §7.1
    # step 5): the forged value must at least not be read
    assert attack is _tampered
    assert payload["credentialSubject"].get("grade") != "A+"


# -- sd-jwt (Python reference) → microcred -----------------------------------------------------


def _theirs_reference(reference: Any) -> str:
    from sd_jwt.common import SDObj

    claims = {
        "iss": ISSUER.did,
        "iat": int(time.time()),
        "vct": "urn:eudi:micro_credential:1",
        SDObj("given_name"): "Ann",
        SDObj("family_name"): "Svensson",
        "credentialSubject": {
            "achievement": {"name": "Data Science", "ECTS": 7.5},
            SDObj("grade"): "A",
        },
    }
    issuer = reference.issuer.SDJWTIssuer(
        claims,
        _jwcrypto(ISSUER, private=True),
        holder_key=_jwcrypto(HOLDER, private=False),
        sign_alg="ES256",
        extra_header_parameters={"typ": "dc+sd-jwt", "kid": ISSUER.verification_method},
    )
    holder = reference.holder.SDJWTHolder(issuer.sd_jwt_issuance)
    holder.create_presentation(
        {"given_name": True, "credentialSubject": {"grade": True}},
        nonce=NONCE,
        aud=AUD,
        holder_key=_jwcrypto(HOLDER, private=True),
        sign_alg="ES256",
    )
    return str(holder.sd_jwt_presentation)


def test_reference_issued_verify_in_microcred(reference: Any) -> None:
    report = _verify_ours(_theirs_reference(reference))
    assert report.verified, report.failed
    assert report.document is not None
    assert report.document["given_name"] == "Ann"
    assert report.document["credentialSubject"]["grade"] == "A"
    assert "family_name" not in report.document
    assert report.hidden_count is not None
    assert report.hidden_count >= 1


@pytest.mark.parametrize(
    ("attack", "check"), [(_reordered, "sdjwt.kb"), (_tampered, "sdjwt.digest")]
)
def test_microcred_refuses_reference_tampered_or_reordered(
    reference: Any, attack: Any, check: str
) -> None:
    report = _verify_ours(attack(_theirs_reference(reference)))
    assert report.outcome == "invalid"
    assert report.failed[0].id == check


def test_reference_holder_key_is_the_cnf(reference: Any) -> None:
    """The reference library writes cnf.jwk as microcred reads it (RFC 7800 §3.2)."""
    token = decode_sd_jwt(_theirs_reference(reference))
    assert token.payload["cnf"]["jwk"]["x"] == HOLDER.public_jwk()["x"]
    assert datetime.fromtimestamp(token.payload["iat"], tz=timezone.utc) <= datetime.now(
        timezone.utc
    )
