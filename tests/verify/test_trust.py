"""The trust step (issue 24): who issued a credential, beside (never inside) the outcome.

Acceptance 1 through the API: a did:key issuer is unconfirmed; a did:web issuer with its DID
document is confirmed by domain; an issuer on a trust list or in a registry file is confirmed
with the list's / registry's name; a mismatching self-asserted name warns ``trust.name``; an
invalid credential is never confirmed; a hostile list or registry is a clear error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import microcred as mc
from microcred import keys
from microcred.errors import TrustSourceError
from microcred.verify import IssuerRegistry, TrustList, load_registry, load_trust_list

from .conftest import ISSUER, NOW, badge, rewritten, signed_badge

WEB = keys.generate("Ed25519", controller="did:web:uni.example")
WEB_DOC = keys.publishable_document([WEB])
SELF_ASSERTED = "self-asserted; the key is not linked to a domain or a trust list"


def _web_badge(**members: Any) -> dict[str, Any]:
    signed: dict[str, Any] = mc.issue(
        badge("did:web:uni.example", **members), WEB, created="2026-06-01T10:00:00Z"
    )
    return signed


def _verify(credential: Any, **options: Any) -> mc.VerificationReport:
    return mc.verify(credential, now=NOW, **options)


def _registry(entries: dict[str, str], **meta: Any) -> dict[str, Any]:
    return {
        "meta": {"created": "2026-01-01T00:00:00Z", **meta},
        "registry": {
            did: {"name": name, "url": "https://uni.example", "location": "Uppsala, Sweden"}
            for did, name in entries.items()
        },
    }


# -- acceptance 1 ---------------------------------------------------------------------------------


def test_a_did_key_issuer_is_unconfirmed_and_its_own_name_is_displayed() -> None:
    report = _verify(signed_badge())
    assert report.verified
    assert report.trust is not None
    assert report.trust.issuer == "unconfirmed"
    assert report.trust.reason == SELF_ASSERTED
    assert report.to_json()["trust"] == {
        "issuer": "unconfirmed",
        "by": None,
        "name": None,
        "source": None,
        "reason": SELF_ASSERTED,
    }
    assert report.issuer_name == "Exempeluniversitetet"  # self-asserted, shown as such
    assert report.check("trust") is None  # trust is no check: it never changes the outcome


def test_a_did_web_issuer_with_its_did_document_is_confirmed_by_domain() -> None:
    report = _verify(_web_badge(), resolver=keys.StaticResolver([WEB_DOC]))
    assert report.verified
    assert report.to_json()["trust"] == {
        "issuer": "confirmed",
        "by": "domain",
        "name": "uni.example",
        "source": "uni.example",
    }
    # a domain confirms the domain, not the profile's name: the names differ, so it warns
    assert [w.id for w in report.warnings] == ["trust.name"]
    assert report.issuer_name == "uni.example"


def test_a_did_web_path_and_port_are_part_of_the_domain() -> None:
    pair = keys.generate("Ed25519", controller="did:web:uni.example%3A8443:issuers:2026")
    signed = mc.issue(
        badge("did:web:uni.example%3A8443:issuers:2026"), pair, created="2026-06-01T10:00:00Z"
    )
    report = _verify(signed, resolver=keys.StaticResolver([keys.publishable_document([pair])]))
    assert report.trust is not None
    assert report.trust.source == "uni.example:8443/issuers/2026"


def test_an_https_issuer_listing_its_did_key_is_confirmed_by_domain() -> None:
    document = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": "https://uni.example/issuer",
        "assertionMethod": [ISSUER.verification_method],
    }
    signed = mc.issue(
        badge("https://uni.example/issuer"),
        ISSUER,
        created="2026-06-01T10:00:00Z",
        allow_issuer_mismatch=True,
    )
    report = _verify(signed, resolver=keys.StaticResolver([document]))
    assert report.verified, report.failed
    assert report.trust == mc.TrustAnswer(
        "confirmed", "domain", "uni.example/issuer", "uni.example/issuer"
    )


def test_an_issuer_on_the_trust_list_is_confirmed_with_the_lists_name() -> None:
    trust_list = {
        "name": "Universitets- och högskolerådet",
        "issuers": [{"id": ISSUER.did, "name": "Exempeluniversitetet"}],
    }
    report = _verify(signed_badge(), trusted_issuers=trust_list)
    assert report.to_json()["trust"] == {
        "issuer": "confirmed",
        "by": "list",
        "name": "Exempeluniversitetet",
        "source": "Universitets- och högskolerådet",
    }
    assert report.warnings == []  # the names agree


def test_a_domain_on_the_trust_list_confirms_the_did_web_issuer_with_the_lists_name() -> None:
    trust_list = {"issuers": [{"domain": "uni.example", "name": "Exempeluniversitetet"}]}
    report = _verify(
        _web_badge(), resolver=keys.StaticResolver([WEB_DOC]), trusted_issuers=trust_list
    )
    assert report.trust == mc.TrustAnswer("confirmed", "list", "Exempeluniversitetet", "trust list")
    assert report.warnings == []


def test_the_domain_entry_does_not_confirm_another_host() -> None:
    trust_list = {"cs.uni.example": "Datavetenskap", "did:web:other.example": "Other"}
    report = _verify(
        _web_badge(), resolver=keys.StaticResolver([WEB_DOC]), trusted_issuers=trust_list
    )
    assert report.trust is not None
    assert report.trust.by == "domain"


def test_an_issuer_in_a_registry_file_is_confirmed_with_the_registrys_name(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(_registry({ISSUER.did: "Exempeluniversitetet"})))
    report = _verify(signed_badge(), registries=[load_registry(path, name="DCC Sandbox Registry")])
    assert report.to_json()["trust"] == {
        "issuer": "confirmed",
        "by": "registry",
        "name": "Exempeluniversitetet",
        "source": "DCC Sandbox Registry",
    }
    # without a name: the file's name (the registry file itself does not name the registry)
    assert _verify(signed_badge(), registries=[path]).trust == mc.TrustAnswer(
        "confirmed", "registry", "Exempeluniversitetet", "registry.json"
    )


def test_precedence_list_then_registry_then_domain() -> None:
    registry = load_registry(_registry({"did:web:uni.example": "Registry Uni"}), name="R")
    trust_list = load_trust_list({"did:web:uni.example": "List Uni"})
    resolver = keys.StaticResolver([WEB_DOC])
    both = _verify(
        _web_badge(), resolver=resolver, trusted_issuers=trust_list, registries=[registry]
    )
    assert both.trust is not None
    assert (both.trust.by, both.trust.name) == ("list", "List Uni")
    registry_only = _verify(_web_badge(), resolver=resolver, registries=[registry])
    assert registry_only.trust is not None
    assert registry_only.trust.by == "registry"
    # the first registry that lists the DID names it (most authoritative first)
    second = load_registry(_registry({"did:web:uni.example": "Other Uni"}), name="S")
    first = _verify(_web_badge(), resolver=resolver, registries=[second, registry])
    assert first.trust is not None
    assert first.trust.source == "S"


def test_a_mismatching_self_asserted_name_warns_and_the_confirmed_name_is_displayed() -> None:
    report = _verify(signed_badge(), trusted_issuers={ISSUER.did: "Riktiga Universitetet"})
    assert report.verified
    assert [w.id for w in report.warnings] == ["trust.name"]
    assert "Exempeluniversitetet" in report.warnings[0].message
    assert report.issuer_name == "Riktiga Universitetet"


@pytest.mark.parametrize(
    "name",
    [
        " exempeluniversitetet ",
        "EXEMPELUNIVERSITETET",
        {"@value": "Exempeluniversitetet", "@language": "sv"},
        [
            {"@value": "Example University", "@language": "en"},
            {"@value": "Exempeluniversitetet", "@language": "sv"},
        ],
    ],
)
def test_a_name_agreeing_in_any_value_case_or_space_does_not_warn(name: Any) -> None:
    unsigned = badge()
    unsigned["issuer"]["name"] = name
    signed = mc.issue(unsigned, ISSUER, created="2026-06-01T10:00:00Z")
    report = _verify(signed, trusted_issuers={ISSUER.did: "Exempeluniversitetet"})
    assert report.trust is not None
    assert report.trust.confirmed
    assert [w.id for w in report.warnings] == []


def test_an_invalid_credential_is_never_confirmed() -> None:
    tampered = rewritten(signed_badge())
    tampered["name"] = "Advanced Swedish"
    report = _verify(tampered, trusted_issuers={ISSUER.did: "Exempeluniversitetet"})
    assert report.outcome == "invalid"
    assert report.trust is not None
    assert report.trust.issuer == "unconfirmed"
    assert report.issuer_name == "Exempeluniversitetet"
    # an indeterminate one neither: a did:web issuer whose document the caller does not give
    unresolved = _verify(_web_badge(), trusted_issuers={"did:web:uni.example": "Uni"})
    assert unresolved.outcome == "indeterminate"
    assert unresolved.trust is not None
    assert not unresolved.trust.confirmed
    # unparseable input: still a trust answer, unconfirmed
    assert _verify(b"{not json").trust == mc.TrustAnswer(
        "unconfirmed", reason="the credential did not verify, so nothing confirms who issued it"
    )


def test_a_listed_issuer_that_does_not_control_the_key_is_not_confirmed() -> None:
    other = keys.generate("Ed25519")
    signed = mc.issue(
        badge(other.did), ISSUER, created="2026-06-01T10:00:00Z", allow_issuer_mismatch=True
    )
    report = _verify(signed, trusted_issuers={other.did: "Listed"})
    assert report.check("issuer") is not None
    assert report.outcome == "invalid"
    assert report.trust is not None
    assert not report.trust.confirmed


def test_each_credential_of_a_presentation_has_its_own_answer() -> None:
    holder = keys.generate("Ed25519")
    presentation = mc.present([signed_badge(), _web_badge()], holder, challenge="c-1")
    report = _verify(
        presentation,
        challenge="c-1",
        resolver=keys.StaticResolver([WEB_DOC]),
        trusted_issuers={ISSUER.did: "Exempeluniversitetet"},
    )
    assert report.verified, report.failed
    assert report.trust is None  # the presentation's own report: its holder is no issuer
    assert [(c.trust.by if c.trust else None) for c in report.credentials] == ["list", "domain"]
    assert "trust" in report.to_json()["credentials"][0]


def test_a_vc_jwt_issuer_gets_the_same_answer() -> None:
    token = mc.issue(badge(), ISSUER, format="jwt")
    report = _verify(token, trusted_issuers={ISSUER.did: "Exempeluniversitetet"})
    assert report.verified, report.failed
    assert report.trust is not None
    assert report.trust.by == "list"


# -- the sources' files ---------------------------------------------------------------------------


def test_trust_list_formats(tmp_path: Path) -> None:
    path = tmp_path / "uhr.json"
    path.write_text(
        json.dumps(
            {
                "issuers": [
                    {"id": "did:web:uni.example", "name": "Uni"},
                    {"domain": "https://Hogskolan.Example/", "name": "Högskolan"},
                ]
            }
        )
    )
    found = load_trust_list(path)
    assert found == TrustList(
        "uhr.json", {"did:web:uni.example": "Uni"}, {"hogskolan.example": "Högskolan"}
    )
    assert found.lookup("did:web:hogskolan.example:issuers:1") == "Högskolan"
    assert found.lookup("https://hogskolan.example/issuer") == "Högskolan"
    assert found.lookup("did:web:evilhogskolan.example") is None
    assert load_trust_list(path.read_bytes()).name == "trust list"
    bare = load_trust_list(b'[{"did": "did:key:z6Mk", "name": "A"}]')
    assert bare == TrustList("trust list", {"did:key:z6Mk": "A"}, {})
    plain = load_trust_list({"did:key:z6Mk": "A", "uni.example/cs": "B"})
    assert plain.lookup("did:web:uni.example:cs:x") == "B"
    assert plain.lookup("did:web:uni.example:csx") is None
    assert plain.lookup("did:web:uni.example") is None


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x00\xff not json", "not JSON"),
        (b"[1, 2]", "entry 0 is not an object"),
        (b'"text"', "JSON object"),
        (b'{"issuers": {"a": 1}}', "name"),
        (b'{"issuers": [{"name": "x"}]}', "one of id or domain"),
        (b'{"issuers": [{"id": "mailto:x", "name": "x"}]}', "neither a DID"),
        (b'{"issuers": [{"domain": "a b", "name": "x"}]}', "not a domain"),
        (b'{"issuers": "x"}', "array"),
        (b'{"a": 1, "a": 2}', "not JSON"),
    ],
)
def test_a_hostile_trust_list_is_a_clear_error(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "list.json"
    path.write_bytes(content)
    with pytest.raises(TrustSourceError, match=words) as caught:
        load_trust_list(path)
    assert caught.value.code == "trust.source"
    with pytest.raises(TrustSourceError):
        mc.verify(signed_badge(), trusted_issuers=path)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<html>", "not JSON"),
        (b'{"meta": {}}', "registry"),
        (b'{"registry": []}', "registry"),
        (b'{"registry": {"did:key:z": "Uni"}}', "not an object"),
        (b'{"registry": {"did:key:z": {"url": "https://x"}}}', "name"),
        (b'{"registry": {"https://x": {"name": "x"}}}', "lists DIDs"),
    ],
)
def test_a_hostile_registry_is_a_clear_error(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "registry.json"
    path.write_bytes(content)
    with pytest.raises(TrustSourceError, match=words):
        load_registry(path)


def test_sources_are_bounded(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (4 * 1024 * 1024 + 1))
    with pytest.raises(TrustSourceError, match="bytes"):
        load_registry(big)
    many = {"registry": {f"did:key:z{i}": {"name": "x"} for i in range(20_001)}}
    with pytest.raises(TrustSourceError, match="at most"):
        load_registry(many)
    with pytest.raises(TrustSourceError, match="cannot be read"):
        load_trust_list(tmp_path / "absent.json")
    with pytest.raises(TypeError):
        load_trust_list(42)


def test_loaded_sources_are_accepted_as_they_are() -> None:
    registry = IssuerRegistry("R", {ISSUER.did: "Uni"})
    report = _verify(signed_badge(), registries=registry)
    assert report.trust is not None
    assert report.trust.source == "R"


# -- trust never changes the outcome (property) ---------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tamper=st.sampled_from([None, "name", "validFrom", "proof"]),
    listed=st.booleans(),
    list_name=st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != ""),
    registry=st.booleans(),
)
def test_trust_never_changes_the_outcome(
    tamper: str | None, listed: bool, list_name: str, registry: bool
) -> None:
    document = rewritten(SIGNED)
    if tamper == "name":
        document["name"] = "Changed"
    elif tamper == "validFrom":
        document["validFrom"] = "2030-01-01T00:00:00Z"
    elif tamper == "proof":
        proof = document["proof"][0] if isinstance(document["proof"], list) else document["proof"]
        proof["proofValue"] = "z" + "1" * 80
    plain = _verify(document)
    options: dict[str, Any] = {}
    if listed:
        options["trusted_issuers"] = {ISSUER.did: list_name}
    if registry:
        options["registries"] = [IssuerRegistry("R", {ISSUER.did: list_name})]
    trusted = _verify(document, **options)
    assert (trusted.outcome, trusted.verified) == (plain.outcome, plain.verified)
    assert [c.to_json() for c in trusted.checks] == [c.to_json() for c in plain.checks]
    assert trusted.trust is not None
    assert trusted.trust.confirmed == ((listed or registry) and plain.verified)


SIGNED = signed_badge()


# -- SD-JWT VC: iss, and x5c chains to the caller's anchors ---------------------------------------


def _x5c_pki() -> tuple[Any, Any, keys.KeyPair]:
    from tests._pki import name, root_and_leaf

    root, leaf, leaf_key = root_and_leaf(
        name("Test Trust Anchor", country="SE"),
        name("issuer.uni.example", organization="Exempeluniversitetet"),
        san="https://uni.example",
        now=NOW,
    )
    return root, leaf, keys.KeyPair.from_cryptography(leaf_key)


def test_an_x5c_chain_to_a_trust_anchor_confirms_by_trusted_list() -> None:
    import base64

    from cryptography.hazmat.primitives.serialization import Encoding

    from microcred.sdjwt import issue_sd_jwt_vc

    root, leaf, pair = _x5c_pki()
    token = issue_sd_jwt_vc(
        {"iss": "https://uni.example"},
        pair,
        vct="urn:x",
        issued_at=NOW,
        disclosable=[],
        header={"x5c": [base64.b64encode(leaf.public_bytes(Encoding.DER)).decode()], "kid": None},
    )
    report = _verify(token, trust_anchors=[root])
    assert report.verified, report.failed
    assert report.to_json()["trust"] == {
        "issuer": "confirmed",
        "by": "trusted-list",
        "name": "Exempeluniversitetet",
        "source": "CN=Test Trust Anchor,C=SE",
    }
    # the caller's own list wins over the certificate
    listed = _verify(token, trust_anchors=[root], trusted_issuers={"uni.example": "Uni (list)"})
    assert listed.trust is not None
    assert (listed.trust.by, listed.trust.name) == ("list", "Uni (list)")
    # no anchor: the key cannot be trusted, nothing is confirmed
    assert _verify(token).trust == mc.TrustAnswer("unconfirmed", reason=NOT_VERIFIED)


def test_an_sd_jwt_vc_iss_gets_the_answer() -> None:
    from microcred.sdjwt import issue_sd_jwt_vc

    token = issue_sd_jwt_vc({"iss": ISSUER.did}, ISSUER, vct="urn:x", issued_at=NOW)
    report = _verify(token)
    assert report.verified, report.failed
    assert report.trust is not None
    assert report.trust.reason == SELF_ASSERTED
    registry = IssuerRegistry("R", {ISSUER.did: "Uni"})
    assert _verify(token, registries=[registry]).trust == mc.TrustAnswer(
        "confirmed", "registry", "Uni", "R"
    )


NOT_VERIFIED = "the credential did not verify, so nothing confirms who issued it"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(value=_JSON)
def test_any_json_is_a_source_or_a_clear_error(value: Any) -> None:
    """Hostile sources: whatever the JSON, a loaded source or TrustSourceError, nothing else."""
    data = json.dumps(value).encode()
    messages = []
    for load in (load_trust_list, load_registry):
        try:
            load(data)
        except TrustSourceError as exc:
            messages.append(exc.message)
    assert all(message.strip() for message in messages)


def test_a_registry_named_in_its_meta(tmp_path: Path) -> None:
    found = load_registry(_registry({ISSUER.did: "Uni"}, name="Sveriges register"))
    assert found.name == "Sveriges register"
    assert load_registry(found, name="Other").name == "Other"
