"""Interop with a wallet built on ``@openid4vc/openid4vp`` 0.4.6 (the OpenID4VP library behind
Credo; pinned in ``oid4vp_node/``): it scans a microcred request (``openid4vp://`` with a
``request_uri``), fetches and verifies the signed Request Object (``x509_san_dns``, the
certificate's DNS name checked by the library), answers the DCQL query with an SD-JWT VC
presented by ``@sd-jwt/sd-jwt-vc`` (Key Binding JWT with the request's nonce and client
identifier), posts it (``direct_post``, or ``direct_post.jwt`` encrypted with ``jose``) to a
running ``microcred serve``, and microcred verifies it. The other way round, the library's
verifier side reads the answers microcred's holder helper makes (``dc+sd-jwt``, ``ldp_vc``,
``jwt_vc_json``; a ``direct_post.jwt`` JWE decrypted by ``jose``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("uvicorn", reason="the [server] extra is not installed")

from tests.oid4vp._fixtures import HOLDER, JWT_VC, LDP_VC, SD_JWT_VC, ob3_query
from tests.server.conftest import serving

from microcred.oid4vp import (
    MICRO_CREDENTIAL_QUERY,
    Verifier,
    VerifierConfig,
    answer_request,
    read_request,
)
from microcred.oid4vp._jwe import decrypt
from microcred.server import ServerConfig, bind
from microcred.server._oid4vp import ephemeral_settings

from .conftest import NodeStack, node_helper

pytestmark = pytest.mark.interop


@dataclass
class Service:
    base: str  # the URL its requests name (http://localhost:PORT)
    wallet: NodeStack

    def create(self, **body: Any) -> dict[str, Any]:
        import urllib.request

        request = urllib.request.Request(
            f"{self.base}/oid4vp/requests",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            created: dict[str, Any] = json.load(answer)
        return created

    def result(self, created: dict[str, Any]) -> dict[str, Any]:
        import urllib.request

        with urllib.request.urlopen(created["result_uri"], timeout=30) as answer:
            result: dict[str, Any] = json.load(answer)
        return result

    def answer(self, created: dict[str, Any], **override: Any) -> dict[str, Any]:
        return self.wallet(
            op="answer",
            uri=created["uri"],
            credential=SD_JWT_VC,
            holderPrivateJwk=HOLDER.private_jwk(),
            override=override,
        )


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    with node_helper("oid4vp_node", "interop with an @openid4vc/openid4vp wallet") as wallet:
        sock = bind("127.0.0.1", 0)
        base = f"http://localhost:{sock.getsockname()[1]}"
        config = ServerConfig.ephemeral(oid4vp=ephemeral_settings(base), page=False)
        with serving(config, sock=sock):
            yield Service(base, wallet)


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
def test_the_wallet_answers_a_microcred_dcql_request_and_it_is_verified(
    service: Service, mode: str
) -> None:
    created = service.create(response_mode=mode)
    answer = service.answer(created)
    assert answer["prefix"] == "x509_san_dns"
    assert answer["signed"] is True
    assert answer["clientId"] == "x509_san_dns:localhost"
    assert answer["version"] == 100  # the library reads the request as OpenID4VP 1.0 final
    assert answer["responseMode"] == mode
    assert answer["status"] == 200, answer["body"]
    result = service.result(created)
    assert result["status"] == "verified", result["errors"]
    (entry,) = result["credentials"]["micro_credential"]
    assert entry["verified"]
    assert entry["format"] == "dc+sd-jwt"
    values = {tuple(c["path"]): c["value"] for c in entry["claims"]}
    assert values[("issuer", "name")] == "Exempeluniversitetet"
    assert values[("credentialSubject", "achievement", "name")] == "Grundläggande maskininlärning"


def test_the_wallet_cannot_answer_twice(service: Service) -> None:
    created = service.create()
    assert service.answer(created)["status"] == 200
    with pytest.raises(RuntimeError, match="invalid_request_uri"):  # used up once answered
        service.answer(created)
    assert service.result(created)["status"] == "verified"


@pytest.mark.parametrize(
    ("override", "check"),
    [({"nonce": "another-nonce"}, "nonce"), ({"aud": "x509_san_dns:other.example"}, "aud")],
)
def test_an_answer_for_another_nonce_or_audience_is_refused(
    service: Service, override: dict[str, str], check: str
) -> None:
    created = service.create()
    answer = service.answer(created, **override)
    assert answer["status"] == 400
    body = json.loads(answer["body"])
    assert body["error"] == "invalid_request"
    assert "sdjwt.kb" in body["error_description"]
    assert check in body["error_description"]
    result = service.result(created)
    assert result["status"] == "rejected"
    assert not result["verified"]


def test_an_unrequested_disclosure_from_the_wallet_is_refused(service: Service) -> None:
    created = service.create()
    frame = {"credentialSubject": {"identifier": {"0": True}}}
    answer = service.answer(created, frame=frame)
    assert answer["status"] == 400
    assert "was disclosed but not requested" in json.loads(answer["body"])["error_description"]
    assert service.result(created)["status"] == "rejected"


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
@pytest.mark.parametrize(
    ("query", "credential"),
    [
        (MICRO_CREDENTIAL_QUERY, SD_JWT_VC),
        (ob3_query("ldp_vc"), LDP_VC),
        (ob3_query("jwt_vc_json"), JWT_VC),
    ],
    ids=["dc+sd-jwt", "ldp_vc", "jwt_vc_json"],
)
def test_the_library_s_verifier_side_reads_microcred_s_answer(
    service: Service, mode: str, query: dict[str, Any], credential: Any
) -> None:
    """The holder helper's answer, as the library's verifier side parses it (the JWE of
    direct_post.jwt decrypted by jose): the state, and per credential query id the
    presentation microcred's verifier accepts."""
    verifier = Verifier(VerifierConfig.ephemeral("https://verifier.example"))
    request = verifier.create_request(query, response_mode=mode)
    params = read_request(request.uri, fetch=lambda url: verifier.request_object(request.id))
    query_id = query["credentials"][0]["id"]
    form = answer_request(params, {query_id: credential}, HOLDER)
    record = verifier.store.get("oid4vp.request", request.id)
    assert record is not None
    private = json.loads(record.value)["key"]
    parsed = service.wallet(op="parse_response", request=params, response=form, privateJwk=private)
    assert parsed["type"] == "dcql"
    assert parsed["state"] == request.state
    assert parsed["encrypted"] is (mode == "direct_post.jwt")
    (presentation,) = parsed["presentations"][query_id]
    # the presentation the library read is the one microcred's verifier accepts
    if mode == "direct_post":
        sent = json.loads(form["vp_token"])
    else:
        sent = decrypt(form["response"], private, max_bytes=1 << 20)["vp_token"]
    assert sent == {query_id: [presentation]}
    result = verifier.receive(form)
    assert result.verified, result.errors
