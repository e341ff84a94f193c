"""The EU micro-credential as SD-JWT VC: the claims (OB 3.0's shape), the default disclosable
set, microcred's Type Metadata document, the round trip, and acceptance 3 of issue 20 (only
the title, ECTS and issuer disclosed; the hidden claims are absent from what is verified)."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import microcred as mc
from microcred.model import IncompleteMicroCredentialError, MicroCredential
from microcred.model._sdjwt_mapping import (
    ALWAYS_DISCLOSABLE,
    DC4EU_MICRO_CREDENTIAL_VCT,
    DEFAULT_DISCLOSABLE,
    SD_JWT_VC_TYPE,
    disclosable_pointers,
    from_sd_jwt_vc_claims,
    to_sd_jwt_vc_claims,
    type_metadata,
)
from microcred.model.identity import IdentityPolicy
from microcred.sdjwt import decode_sd_jwt, present_sd_jwt, verify_sd_jwt

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted((ROOT / "examples" / "data").glob("annex-i-*.json"))
FORM = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
KEY = mc.keys.generate("Ed25519")
HOLDER = mc.keys.generate("P-256")
LADOK_UID = FORM["learner"]["identifiers"][0]["value"]
PERSONAL_NUMBER = FORM["learner"]["national_id"]["value"]


#: acceptance 3: what the holder shows
TITLE_ECTS_ISSUER = [
    "/credentialSubject/achievement/name",
    "/credentialSubject/achievement/creditsAvailable",
    "/credentialSubject/achievement/ECTS",
    "/issuer",
]


def _full_form() -> dict[str, Any]:
    """The example form with every optional part the mapping can write."""
    form = json.loads(json.dumps(FORM))
    form["learner"]["id"] = "did:example:learner-1"
    form["awarding_bodies"] = [{"name": "Partneruniversitetet", "country": "FI"}]
    form["level"]["seqf"] = 6
    form["assessment"]["description"] = "A four-hour written examination."
    return form


def _claims(form: dict[str, Any], **options: Any) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return to_sd_jwt_vc_claims(form, **options)


def _leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    if isinstance(value, dict):
        found: set[tuple[Any, ...]] = set()
        for key, inner in value.items():
            found |= _leaf_paths(inner, (*path, key))
        return found or {path}
    if isinstance(value, list):
        found = set()
        for inner in value:
            found |= _leaf_paths(inner, (*path, None))
        return found or {path}
    return {path}


def _path(pointer: str) -> tuple[Any, ...]:
    return tuple(None if t.isdigit() or t == "*" else t for t in pointer[1:].split("/"))


# ------------------------------------------------------------------------------ the claims


def test_the_claims_have_ob3_shape_and_every_annex_i_element() -> None:
    claims = _claims(FORM, issuer_id=KEY.did)
    subject = claims["credentialSubject"]
    achievement = subject["achievement"]
    ext = achievement["euMicroCredential"]
    assert "@context" not in claims
    assert "proof" not in claims
    assert "type" not in claims
    assert claims["name"] == achievement["name"] == "Grundläggande maskininlärning"
    assert claims["issuer"]["id"] == KEY.did
    assert claims["issuer"]["name"] == "Exempeluniversitetet"
    assert claims["issuer"]["address"]["addressCountryCode"] == "SE"
    assert claims["validFrom"] == FORM["issued"]
    assert claims["awardedDate"] == "2026-06-10T00:00:00Z"
    # ECTS where OB 3.0 puts it and where DC4EU's type names it
    assert achievement["creditsAvailable"] == achievement["ECTS"] == 7.5
    assert subject["result"][0]["value"] == "VG"
    assert ext["eqfLevel"] == "http://data.europa.eu/snb/eqf/6"
    assert [o["text"] for o in ext["learningOutcome"]] == [
        o["text"] for o in FORM["learning_outcomes"]
    ]
    for member in ("assessmentType", "formOfParticipation", "qualityAssurance", "supervision"):
        assert member in ext, member
    assert ext["prerequisites"] == FORM["prerequisites"]
    assert ext["stackable"] is True
    assert ext["partOf"] == FORM["stackability"]["part_of"]
    # the personal identity number and e-mail go nowhere by default (IdentityPolicy)
    text = json.dumps(claims, ensure_ascii=False)
    assert PERSONAL_NUMBER not in text
    assert "19121212" not in text
    assert FORM["learner"]["email"] not in text


def test_without_an_issuer_id_iss_names_the_issuer() -> None:
    claims = _claims(FORM)
    assert "id" not in claims["issuer"]


def test_an_incomplete_form_is_refused_naming_the_element() -> None:
    form = json.loads(json.dumps(FORM))
    del form["learning_outcomes"]
    with pytest.raises(IncompleteMicroCredentialError, match="learning outcomes"):
        _claims(form)


@pytest.mark.parametrize("path", FORMS, ids=[p.name for p in FORMS])
def test_every_example_form_round_trips(path: Path) -> None:
    form = json.loads(path.read_text())
    m = MicroCredential.model_validate(form)
    back = MicroCredential.model_validate(from_sd_jwt_vc_claims(_claims(form, issuer_id=KEY.did)))
    expected = m.to_json()
    expected["issuer"]["id"] = KEY.did
    expected["learner"].pop("national_id")
    expected["learner"].pop("email")
    assert back.to_json() == expected


def _test_eu_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "_test_eu_forms", Path(__file__).with_name("test_eu.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_TEST_EU = _test_eu_module()


def _selects(claims: Any, path: tuple[Any, ...]) -> bool:
    if not path:
        return True
    head, rest = path[0], path[1:]
    if head is None:
        return isinstance(claims, list) and any(_selects(item, rest) for item in claims)
    return isinstance(claims, dict) and head in claims and _selects(claims[head], rest)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=_TEST_EU.forms())
def test_generated_forms_round_trip_through_a_signed_sd_jwt_vc(form: dict[str, Any]) -> None:
    micro = MicroCredential.model_validate(form)
    text = micro.to_sd_jwt_vc(KEY, today=_TEST_EU.TODAY)
    processed = verify_sd_jwt(text, KEY)
    # every claim the type metadata says is mandatory is there
    for claim in type_metadata()["claims"]:
        if claim.get("mandatory"):
            assert _selects(processed.claims, tuple(claim["path"])), claim["path"]
    back = MicroCredential.from_sd_jwt_vc(processed.claims)
    expected = _TEST_EU._expected_after_credential(micro.to_json(), KEY.did)
    assert back.to_json() == expected


def test_reading_hostile_claims_never_raises_anything_but_a_value_error() -> None:
    hostile: list[dict[str, Any]] = [
        {},
        {"credentialSubject": "x", "issuer": 5},
        {"credentialSubject": {"achievement": "x", "identifier": "x", "result": 7}},
        {"credentialSubject": {"achievement": {"euMicroCredential": [1], "criteria": "x"}}},
        {"issuer": {"address": "x", "otherIdentifier": {"a": 1}}, "validFrom": 5},
        {"credentialSubject": {"achievement": {"ECTS": "many", "alignment": {"x": 1}}}},
        {"iss": ["x"], "name": {"a": 1}, "awardedDate": []},
    ]
    for claims in hostile:
        with contextlib.suppress(ValueError):
            MicroCredential.from_sd_jwt_vc(claims)


def test_reading_a_broken_sd_jwt_names_the_rule() -> None:
    """RFC 9901 §7.1 step 4: each digest is used once; a Disclosure matching none is refused."""
    from microcred.errors import MicrocredError
    from microcred.sdjwt import SdJwtError

    text = MicroCredential.model_validate(FORM).to_sd_jwt_vc(KEY)
    head, first, *rest = text.split("~")
    with pytest.raises(SdJwtError) as twice:
        MicroCredential.from_sd_jwt_vc("~".join([head, first, first, *rest]))
    assert twice.value.check == "sdjwt.disclosures"
    with pytest.raises(SdJwtError) as unmatched:
        MicroCredential.from_sd_jwt_vc(head + "~WyJzYWx0IiwibmFtZSIsInZhbHVlIl0~")
    assert unmatched.value.check == "sdjwt.digest"
    assert isinstance(unmatched.value, MicrocredError)
    with pytest.raises(TypeError):
        MicroCredential.from_sd_jwt_vc(5)  # type: ignore[arg-type]


# ------------------------------------------------------------------- disclosable by default


def test_the_default_set_expands_against_the_claims() -> None:
    claims = _claims(_full_form(), issuer_id=KEY.did)
    pointers = disclosable_pointers(claims)
    identities = len(claims["credentialSubject"]["identifier"])
    assert pointers == [
        "/credentialSubject/id",
        *(f"/credentialSubject/identifier/{i}" for i in range(identities)),
        "/credentialSubject/result",
        "/validFrom",
        "/awardedDate",
    ]


def test_a_default_pointer_to_an_absent_claim_is_skipped_any_other_is_an_error() -> None:
    form = json.loads(json.dumps(FORM))
    del form["grade"]
    claims = _claims(form)
    assert "/credentialSubject/result" not in disclosable_pointers(claims)
    with pytest.raises(ValueError, match="selects no claim"):
        disclosable_pointers(claims, ["/credentialSubject/grade"])
    with pytest.raises(ValueError, match="JSON Pointer"):
        disclosable_pointers(claims, ["credentialSubject"])


def test_the_identities_are_disclosable_whatever_the_issuer_asks() -> None:
    claims = _claims(FORM)
    assert disclosable_pointers(claims, []) == [
        f"/credentialSubject/identifier/{i}" for i in range(3)
    ]
    text = MicroCredential.model_validate(FORM).to_sd_jwt_vc(KEY, disclosable=[])
    payload = json.dumps(decode_sd_jwt(text).payload, ensure_ascii=False)
    assert "Tolvan" not in payload
    assert LADOK_UID not in payload
    assert '"VG"' in payload  # the grade in clear, as asked


def test_a_claim_the_type_keeps_in_clear_cannot_be_made_disclosable() -> None:
    """draft-ietf-oauth-sd-jwt-vc, Claim Selective Disclosure Metadata: ``never``: "The
    Issuer MUST NOT make the claim selectively disclosable"."""
    claims = _claims(FORM)
    with pytest.raises(ValueError, match="not selectively disclosable in the type"):
        disclosable_pointers(claims, ["/credentialSubject/achievement/name"])
    # a type of the issuer's own has its own rules
    assert "/credentialSubject/achievement/name" in disclosable_pointers(
        claims, ["/credentialSubject/achievement/name"], vct="https://issuer.example/vct/mc"
    )


def test_a_national_id_an_issuer_opts_in_to_is_disclosable_and_hashed() -> None:
    m = MicroCredential.model_validate(FORM)
    key = b"k" * 32
    text = m.to_sd_jwt_vc(KEY, identity=IdentityPolicy(national_id="hmac", key=key))
    assert PERSONAL_NUMBER not in text
    assert "191212121212" not in text
    sd = decode_sd_jwt(text)
    assert "nationalIdentityNumber" not in json.dumps(sd.payload)
    kinds = [d.value.get("identityType") for d in sd.disclosures if isinstance(d.value, dict)]
    assert "nationalIdentityNumber" in kinds


# ---------------------------------------------------------------------------- type metadata


def test_the_type_metadata_names_the_vct_and_speaks_swedish_and_english() -> None:
    document = type_metadata()
    assert document["vct"] == SD_JWT_VC_TYPE
    assert document["extends"] == DC4EU_MICRO_CREDENTIAL_VCT
    assert document["name"]
    assert document["description"]
    assert {d["locale"] for d in document["display"]} == {"sv", "en"}
    for claim in document["claims"]:
        assert claim["sd"] in ("always", "allowed", "never")
        assert {d["locale"] for d in claim["display"]} == {"sv", "en"}, claim["path"]
        assert all(d["label"] for d in claim["display"])
    paths = [tuple(c["path"]) for c in document["claims"]]
    assert len(paths) == len(set(paths))
    assert type_metadata() is not type_metadata()  # a fresh copy each time


def test_every_claim_the_mapping_writes_has_metadata() -> None:
    """Each leaf claim has a claim metadata entry of its own or of a claim it is inside."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        claims = _claims(
            _full_form(),
            issuer_id=KEY.did,
            identity=IdentityPolicy(national_id="salted", email="salted"),
        )
    described = {tuple(c["path"]) for c in type_metadata()["claims"]}
    for leaf in _leaf_paths(claims):
        assert any(leaf[:n] in described for n in range(1, len(leaf) + 1)), leaf


def test_the_sd_rules_agree_with_the_default_disclosable_set() -> None:
    rules = {tuple(c["path"]): c["sd"] for c in type_metadata()["claims"]}
    default = {_path(p) for p in DEFAULT_DISCLOSABLE}
    always = {_path(p) for p in ALWAYS_DISCLOSABLE}
    assert always <= default
    assert {p for p, sd in rules.items() if sd == "always"} == always
    assert {p for p, sd in rules.items() if sd in ("always", "allowed")} == default
    # nothing is described below a disclosable claim (its Disclosure carries it whole)
    for path in rules:
        assert not any(path[: len(d)] == d and path != d for d in default), path


def test_dc4eu_claims_are_written_and_never_disclosable() -> None:
    """DC4EU's ``urn:eudi:micro_credential:1`` (SUNET ``vctm_microcredential.json``) names
    ``credentialSubject.achievement.name``, ``.description``, ``.criteria.narrative`` and
    ``.ECTS``, each ``"sd": "never"``; microcred's type extends it, so it keeps them."""
    claims = _claims(FORM)
    achievement = claims["credentialSubject"]["achievement"]
    rules = {tuple(c["path"]): c["sd"] for c in type_metadata()["claims"]}
    for member in ("name", "description", "ECTS"):
        assert achievement[member]
        assert rules[("credentialSubject", "achievement", member)] == "never"
    assert achievement["criteria"]["narrative"]
    pointers = disclosable_pointers(claims)
    assert not [p for p in pointers if p.startswith("/credentialSubject/achievement")]


# ------------------------------------------------------------------------------ issuing


def test_the_sd_jwt_vc_header_and_envelope() -> None:
    m = MicroCredential.model_validate(FORM)
    text = m.to_sd_jwt_vc(KEY, holder_jwk=HOLDER.public_jwk())
    sd = decode_sd_jwt(text)
    assert sd.header["typ"] == "dc+sd-jwt"
    assert sd.header["kid"] == KEY.verification_method
    assert sd.payload["iss"] == KEY.did
    assert sd.payload["vct"] == SD_JWT_VC_TYPE
    assert sd.payload["cnf"]["jwk"]["crv"] == "P-256"
    assert isinstance(sd.payload["iat"], int)
    assert text.endswith("~")
    assert m.to_sd_jwt_vc(KEY, vct=DC4EU_MICRO_CREDENTIAL_VCT).count("~") > 1


def test_from_the_text_all_disclosed_reads_the_whole_form() -> None:
    m = MicroCredential.model_validate(FORM)
    back = MicroCredential.from_sd_jwt_vc(m.to_sd_jwt_vc(KEY))
    assert back.missing == []
    assert back.grade is not None
    assert back.grade.value == "VG"
    assert back.learner is not None
    assert back.learner.name == "Tolvan Tolvansson"


def test_acceptance_3_only_title_ects_and_issuer_disclosed() -> None:
    """Issue 20, acceptance 3: an EU micro-credential from examples/data/ issued as SD-JWT VC,
    presented with only the title, ECTS and issuer disclosed, verified, with the hidden claims
    (grade, learner name, identifiers, dates) absent from the result."""
    m = MicroCredential.model_validate(FORM)
    issued = m.to_sd_jwt_vc(KEY, holder_jwk=HOLDER.public_jwk())
    shown = present_sd_jwt(
        issued, TITLE_ECTS_ISSUER, holder_key=HOLDER, nonce="n-1", audience="https://v.example"
    )
    report = mc.verify(shown, nonce="n-1", audience="https://v.example")
    assert report.verified, [(c.id, c.message) for c in report.failed]
    assert report.format == "sd-jwt-vc"
    assert {c.id for c in report.checks if c.status == "passed"} >= {
        "sdjwt.signature",
        "sdjwt.kb",
        "sdjwt.digest",
        "issuer",
    }
    assert isinstance(report.document, dict)
    document = report.document
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["name"] == "Grundläggande maskininlärning"
    assert achievement["creditsAvailable"] == 7.5
    assert document["issuer"]["name"] == "Exempeluniversitetet"
    text = json.dumps(document, ensure_ascii=False)
    for secret in ("Tolvan", LADOK_UID, "8f0f7c3e", '"value": "VG"', "2026-06-12", "2026-06-10"):
        assert secret not in text, secret
    assert "result" not in document["credentialSubject"]
    assert document["credentialSubject"].get("identifier", []) == []
    assert report.hidden_count == 6  # 3 identities, the grade, the two dates
    assert report.disclosed == []  # what was shown is never selectively disclosable
    # the holder cannot show a hidden claim to another verifier with this presentation
    assert not mc.verify(shown, nonce="n-2", audience="https://v.example").verified
    # read from the presentation's text (with its KB-JWT) the same elements come back
    assert MicroCredential.from_sd_jwt_vc(shown) == MicroCredential.from_sd_jwt_vc(document)
    back = MicroCredential.from_sd_jwt_vc(document)
    assert back.grade is None
    assert back.issued is None
    assert back.title_in() == "Grundläggande maskininlärning"


class _TypeMetadataFetcher:
    """Serves microcred's Type Metadata document at its vct (as a registry or cache would)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def fetch(self, url: str, *, accept: str | None = None, max_bytes: int = 0) -> bytes:
        self.asked.append(url)
        return json.dumps(type_metadata()).encode()


def test_the_type_metadata_is_what_a_verifier_retrieves_for_the_vct() -> None:
    text = MicroCredential.model_validate(FORM).to_sd_jwt_vc(KEY)
    fetcher = _TypeMetadataFetcher()
    report = mc.verify(text, metadata_fetcher=fetcher)
    assert report.verified, [(c.id, c.message) for c in report.failed]
    assert fetcher.asked == [SD_JWT_VC_TYPE]
    vct = next(c for c in report.checks if c.id == "sdjwt.vct")
    assert vct.status == "passed"
    assert "EU micro-credential (microcred)" in vct.message


class _BytesFetcher:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def fetch(self, url: str, *, accept: str | None = None, max_bytes: int = 0) -> bytes:
        return self.data


def test_vct_integrity_pins_the_shipped_type_metadata() -> None:
    """draft-ietf-oauth-sd-jwt-vc, Document Integrity: the Consumer MUST verify the integrity
    of the retrieved document against ``vct#integrity`` (W3C SRI)."""
    from microcred.model._sdjwt_mapping import type_metadata_bytes, type_metadata_integrity

    m = MicroCredential.model_validate(FORM)
    text = m.to_sd_jwt_vc(KEY, vct_integrity=True)
    assert decode_sd_jwt(text).payload["vct#integrity"] == type_metadata_integrity()
    assert type_metadata_integrity().startswith("sha256-")
    good = mc.verify(text, metadata_fetcher=_BytesFetcher(type_metadata_bytes()))
    assert good.verified, [(c.id, c.message) for c in good.failed]
    altered = type_metadata_bytes().replace(b"EU-mikromerit", b"EU-mikromerit!")
    bad = mc.verify(text, metadata_fetcher=_BytesFetcher(altered))
    assert [c.id for c in bad.failed] == ["sdjwt.vct"]
    with pytest.raises(ValueError, match="microcred's own type metadata"):
        m.to_sd_jwt_vc(KEY, vct=DC4EU_MICRO_CREDENTIAL_VCT, vct_integrity=True)


def test_decoys_hide_how_many_claims_there_are() -> None:
    """RFC 9901 §4.2.5: decoy digests; a verifier counts them among the hidden claims."""
    m = MicroCredential.model_validate(FORM)
    text = m.to_sd_jwt_vc(KEY, decoys=4)
    processed = decode_sd_jwt(text).process()
    assert len(processed.disclosed) == 6
    # four in each ``_sd`` array: the top level's and credentialSubject's
    assert processed.hidden == 8
