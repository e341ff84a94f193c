"""The Data Integrity route and the JWT route agree: the same credential, key and resolver give
the same outcome and the same shared checks, whatever the securing mechanism.

Only the route's own checks differ (``proof.*`` against ``jwt.*``); everything after the route
is one implementation, and this test holds it to that.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import microcred as mc
from microcred import keys, status

from .conftest import ISSUER, NOW, badge

#: The checks every route shares (run once, after the route).
SHARED = ("issuer", "subject", "validity.valid_from", "validity.valid_until", "status", "schema")
LIST_URL = "https://uni.example/status/agree"
HTTPS_ISSUER = "https://uni.example/issuers/agree"
OTHER = keys.generate("Ed25519")


def _lists(revoked: int | None = None) -> status.StaticStatusLists:
    bits = status.Bitstring.new()
    if revoked is not None:
        bits.set(revoked, 1)
    listed = status.status_list_credential(
        ISSUER.did, LIST_URL, bits, valid_from="2026-01-01T00:00:00Z"
    )
    return status.StaticStatusLists({LIST_URL: mc.issue(listed, ISSUER)})


_LISTING = keys.StaticResolver(
    [{"id": HTTPS_ISSUER, "assertionMethod": [ISSUER.verification_method]}]
)

#: name → (credential members, verify() options)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "valid": ({}, {}),
    "expired": ({"validUntil": "2026-07-01T00:00:00Z"}, {}),
    "not yet valid": ({"validFrom": "2027-01-01T00:00:00Z"}, {}),
    "no time zone": ({"validFrom": "2026-01-01T00:00:00"}, {}),
    "status, no list": ({"credentialStatus": status.status_entry(LIST_URL, 4)}, {}),
    "status, opted out": (
        {"credentialStatus": status.status_entry(LIST_URL, 4)},
        {"check_status": False},
    ),
    "status, not revoked": (
        {"credentialStatus": status.status_entry(LIST_URL, 4)},
        {"status": _lists(revoked=9)},
    ),
    "status, revoked": (
        {"credentialStatus": status.status_entry(LIST_URL, 4)},
        {"status": _lists(revoked=4)},
    ),
    "https issuer listing the key": ({"issuer": HTTPS_ISSUER}, {"resolver": _LISTING}),
    "https issuer, nothing ties it": ({"issuer": HTTPS_ISSUER}, {}),
    "another issuer's key": ({"issuer": OTHER.did}, {}),
    "schema not known offline": (
        {"credentialSchema": {"id": "https://uni.example/schema.json", "type": "JsonSchema"}},
        {},
    ),
    "profile": ({}, {"profile": "ob3"}),
}


def _unsigned(members: dict[str, Any]) -> dict[str, Any]:
    issuer = members.pop("issuer", ISSUER.did)
    return badge(issuer=issuer, **members)


def _shared(report: mc.VerificationReport) -> list[tuple[str, str]]:
    return [(c.id, c.status) for c in report.checks if c.id in SHARED or c.id == "profile"]


@pytest.mark.parametrize("jwt_form", ["ob3", "vc-jwt", "vc+jwt"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_both_routes_give_the_same_outcome_and_shared_checks(case: str, jwt_form: str) -> None:
    members, options = CASES[case]
    unsigned = _unsigned(dict(members))
    as_di = mc.issue(unsigned, ISSUER, allow_issuer_mismatch=True)
    as_jwt = mc.issue(unsigned, ISSUER, format="jwt", jwt_form=jwt_form, allow_issuer_mismatch=True)
    di = mc.verify(as_di, now=NOW, **options)
    jwt = mc.verify(as_jwt, now=NOW, **options)
    assert (di.format, jwt.format) == (
        "data-integrity",
        "vc+jwt" if jwt_form == "vc+jwt" else "jwt",
    )
    assert di.outcome == jwt.outcome, (case, di.failed, jwt.failed)
    assert _shared(di) == _shared(jwt), case
    assert [(w.id, w.message) for w in di.warnings] == [(w.id, w.message) for w in jwt.warnings]


def test_the_cases_cover_every_outcome() -> None:
    """So agreement is tested on invalid and indeterminate credentials too, not only valid."""
    outcomes = set()
    for members, options in CASES.values():
        report = mc.verify(
            mc.issue(_unsigned(dict(members)), ISSUER, allow_issuer_mismatch=True),
            now=NOW,
            **options,
        )
        outcomes.add(report.outcome)
    assert outcomes == {"verified", "invalid", "indeterminate"}


def _secured(route: str) -> tuple[Any, str]:
    """A credential secured by ``route`` and the check under which that route reports its key."""
    from microcred.sdjwt import issue_sd_jwt_vc

    if route == "data-integrity":
        return mc.issue(badge(), ISSUER), "proof.method"
    if route == "jwt":
        return mc.issue(badge(), ISSUER, format="jwt"), "jwt.key"
    token = issue_sd_jwt_vc(
        {"name": "Data Science"},
        ISSUER,
        vct="urn:eudi:micro_credential:1",
        disclosable=[],
        issued_at=NOW - timedelta(days=1),
    )
    return token, "sdjwt.issuer-key"


@pytest.mark.parametrize("route", ["data-integrity", "jwt", "sd-jwt-vc"])
def test_every_route_finds_its_key_with_resolve_method(
    route: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each route's verification-method lookup is :func:`microcred.keys.resolve_method`: the
    one it calls is the one the route uses, and what it raises is the route's key check."""
    from microcred.errors import DidResolutionError
    from microcred.proofs import _engine
    from microcred.verify import _jwt

    secured, check = _secured(route)
    calls: list[str] = []

    def counting(vm_id: str, resolver: Any) -> keys.ResolvedMethod:
        calls.append(vm_id)
        return keys.resolve_method(vm_id, resolver)

    for module in (_engine, _jwt):
        monkeypatch.setattr(module, "resolve_method", counting)
    report = mc.verify(secured, now=NOW)
    assert report.outcome == "verified", report.failed
    assert calls == [ISSUER.verification_method]

    def refusing(vm_id: str, resolver: Any) -> keys.ResolvedMethod:
        raise DidResolutionError("resolve_method refused it")

    for module in (_engine, _jwt):
        monkeypatch.setattr(module, "resolve_method", refusing)
    report = mc.verify(secured, now=NOW)
    assert report.outcome == "indeterminate"
    assert any(c.id == check and "resolve_method refused it" in c.message for c in report.checks), [
        (c.id, c.message) for c in report.checks
    ]
