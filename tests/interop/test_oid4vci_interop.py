"""Interop: two independent OpenID4VCI wallet clients redeem microcred's credential offers.

``@openid4vc/openid4vci`` 0.4.6 with ``@openid4vc/oauth2`` (the TypeScript library behind
Credo) and ``@sphereon/oid4vci-client`` 0.20.1 (its OpenID4VCI draft 15 client, the draft 1.0
was finalised from), pinned in ``tests/interop/oid4vci_node``, each redeem an offer made by a
running ``microcred serve`` (pre-authorized code, with and without a transaction code) with an
ES256 holder key, and receive the EU micro-credential SD-JWT VC and the Open Badges 3.0
credential (JWT and Data Integrity); microcred's verifier then verifies each, bound to the key
the wallet proved.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from microcred.jose import decode_unverified
from microcred.keys import generate
from microcred.oid4vci import UrllibHttp
from microcred.verify import verify

from ..server.conftest import serving
from .conftest import NodeStack, node_helper

FORM = json.loads(
    (Path(__file__).resolve().parents[2] / "src/microcred/cli/demo_form.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def wallets() -> Iterator[NodeStack]:
    with node_helper(
        "oid4vci_node", "OpenID4VCI interop (@openid4vc/openid4vci, @sphereon/oid4vci-client)"
    ) as stack:
        yield stack


@pytest.fixture(scope="module")
def issuer_url() -> Iterator[str]:
    from microcred.server import ServerConfig
    from microcred.server._oid4vci import Oid4vciSettings

    with serving(ServerConfig.ephemeral(oid4vci=Oid4vciSettings())) as url:
        yield url


def _offer(url: str, **options: Any) -> dict[str, Any]:
    body = json.dumps({"form": FORM, **options}).encode()
    status, answer = UrllibHttp()(
        "POST", f"{url}/oid4vci/offers", headers={"Content-Type": "application/json"}, body=body
    )
    assert status == 201, answer
    result: dict[str, Any] = json.loads(answer)
    return result


def _check_bound(configuration: str, credential: Any, holder_jwk: dict[str, Any]) -> None:
    report = verify(credential)
    assert report.verified, [c.message for c in report.failed]
    if configuration.endswith("sd_jwt"):
        payload = decode_unverified(credential.split("~")[0])[1]
        assert payload["cnf"]["jwk"] == holder_jwk
    else:
        document = credential if isinstance(credential, dict) else None
        if document is None:
            document = decode_unverified(credential)[1]
        subject = document["credentialSubject"]["id"]
        assert subject.startswith("did:jwk:")


@pytest.mark.parametrize("client", ["openid4vc", "sphereon"])
@pytest.mark.parametrize("tx_code", [False, True], ids=["no-tx-code", "tx-code"])
def test_wallet_redeems_an_offer(
    wallets: NodeStack, issuer_url: str, client: str, tx_code: bool
) -> None:
    holder = generate("P-256")
    offer = _offer(issuer_url, tx_code=tx_code, by_reference=client == "sphereon")
    answer = wallets(
        client=client,
        offer=offer["uri"],
        txCode=offer.get("tx_code"),
        holderPrivateJwk=holder.private_jwk(),
    )
    received = {c["configuration"]: c["credential"] for c in answer["credentials"]}
    assert set(received) == {
        "eu_micro_credential_dc_sd_jwt",
        "ob3_micro_credential_jwt_vc_json",
        "ob3_micro_credential_ldp_vc",
    }
    if client == "openid4vc":  # it read our metadata as OpenID4VCI 1.0, not a draft
        assert answer["version"] == "V1"
    for configuration, credential in received.items():
        _check_bound(configuration, credential, holder.public_jwk())


def test_wallet_with_a_wrong_tx_code_gets_nothing(wallets: NodeStack, issuer_url: str) -> None:
    offer = _offer(issuer_url, tx_code=True)
    wrong = "0" * len(offer["tx_code"]) if offer["tx_code"] != "000000" else "111111"
    with pytest.raises(RuntimeError, match="invalid_grant"):
        wallets(
            client="openid4vc",
            offer=offer["uri"],
            txCode=wrong,
            holderPrivateJwk=generate("P-256").private_jwk(),
        )
