"""The institution signs as itself: ``keygen --did web:...`` / ``--controller``, ``did-document``,
``issue`` and ``serve`` with the key file's verification method, ``verify --controller-doc``;
the OB 3.0 specification's signed example reproduced through ``microcred issue``."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from microcred.cli import main

VC_V2 = "https://www.w3.org/ns/credentials/v2"
PRIVATE = ("d", "p", "q", "dp", "dq", "qi")
JWT = ("--format", "jwt")
OBJECT = ("--proof-form", "object")
SPEC = "examples/spec-extracted/impl__linked-data-proof-ob__0{}.json"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _keygen(tmp_path: Path, name: str, *args: str, key_type: str = "Ed25519") -> Path:
    path = tmp_path / name
    assert main(["keygen", "--type", key_type, *args, "-o", str(path)]) == 0
    return path


def _credential(tmp_path: Path, issuer: str) -> Path:
    path = tmp_path / "unsigned.json"
    path.write_text(
        json.dumps(
            {
                "@context": [VC_V2],
                "type": ["VerifiableCredential"],
                "issuer": {"id": issuer, "name": "Exempeluniversitetet"},
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:learner"},
            }
        )
    )
    return path


def _members(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {m for v in value.values() for m in _members(v)}
    if isinstance(value, list):
        return {m for v in value for m in _members(v)}
    return set()


@pytest.mark.parametrize(
    ("args", "kid", "where"),
    [
        (
            ["--did", "web:uni.example.se", "--key-id", "key-1"],
            "did:web:uni.example.se#key-1",
            "https://uni.example.se/.well-known/did.json",
        ),
        (
            ["--did", "web:uni.example.se:issuers:2026", "--key-id", "key-1"],
            "did:web:uni.example.se:issuers:2026#key-1",
            "https://uni.example.se/issuers/2026/did.json",
        ),
        (
            ["--did", "web:localhost%3A8443", "--key-id", "key-1"],
            "did:web:localhost%3A8443#key-1",
            "https://localhost:8443/.well-known/did.json",
        ),
        (
            ["--controller", "https://uni.example.se/issuer", "--key-id", "key-1"],
            "https://uni.example.se/issuer#key-1",
            "https://uni.example.se/issuer",
        ),
    ],
)
def test_keygen_did_document_issue_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], kid: str, where: str
) -> None:
    code, _, err = _run(
        ["keygen", "--type", "Ed25519", *args, "-o", str(tmp_path / "k.json")], capsys
    )
    assert code == 0, err
    assert kid in err
    assert where in err  # keygen says where the document will go
    jwk = json.loads((tmp_path / "k.json").read_text())
    assert jwk["kid"] == kid
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "k.json").stat().st_mode) == 0o600
    controller = kid.split("#")[0]

    code, out, err = _run(["did-document", str(tmp_path / "k.json")], capsys)
    assert code == 0, err
    document = json.loads(out)
    assert document["id"] == controller
    assert document["assertionMethod"] == [kid]
    assert f"publish it at {where}" in err
    (tmp_path / "did.json").write_text(out)

    unsigned = _credential(tmp_path, controller)
    signed_path = tmp_path / "signed.json"
    code, _, err = _run(
        ["issue", str(unsigned), "--key", str(tmp_path / "k.json"), "-o", str(signed_path)], capsys
    )
    assert code == 0, err
    signed = json.loads(signed_path.read_text())
    assert signed["proof"]["verificationMethod"] == kid

    code, out, _ = _run(
        ["verify", str(signed_path), "--controller-doc", str(tmp_path / "did.json"), "--json"],
        capsys,
    )
    assert code == 0
    assert json.loads(out)["outcome"] == "verified"
    # without the document, offline: nothing to check the key against, so not verified
    code, out, _ = _run(["verify", str(signed_path), "--json"], capsys)
    assert code == 1
    result = json.loads(out)
    assert result["outcome"] == "indeterminate"
    method = next(c for c in result["checks"] if c["id"] == "proof.method")
    assert method["status"] == "error"
    assert kid in method["message"]

    token_path = tmp_path / "token.jwt"
    code, _, err = _run(
        ["issue", str(unsigned), "--key", str(tmp_path / "k.json"), *JWT, "-o", str(token_path)],
        capsys,
    )
    assert code == 0, err
    header = json.loads(base64.urlsafe_b64decode(token_path.read_text().split(".")[0] + "=="))
    assert header["kid"] == kid
    code, out, _ = _run(
        ["verify", str(token_path), "--controller-doc", str(tmp_path / "did.json"), "--json"],
        capsys,
    )
    assert (code, json.loads(out)["outcome"]) == (0, "verified")


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384", "RSA"])
def test_keygen_default_key_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key_type: str
) -> None:
    path = _keygen(tmp_path, "k.json", "--did", "web:uni.example.se", key_type=key_type)
    capsys.readouterr()
    kid = json.loads(path.read_text())["kid"]
    controller, _, fragment = kid.partition("#")
    assert controller == "did:web:uni.example.se"
    code, out, _ = _run(["did-document", str(path)], capsys)
    assert code == 0
    method = json.loads(out)["verificationMethod"][0]
    if key_type == "RSA":
        assert method["type"] == "JsonWebKey2020"
        assert len(fragment) == 43  # base64url SHA-256 thumbprint
    else:
        assert method["type"] == "Multikey"
        assert fragment == method["publicKeyMultibase"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--did", "web:"], "needs a host"),
        (["--did", "web:192.0.2.1"], "IP address"),
        (["--did", "web:uni.example.se/x"], "no '/'"),
        (["--did", "web:uni.example.se::x"], "empty path segment"),
        (["--did", "web:uni.example.se%3Ahttp"], "port"),
        (["--did", "ion"], "use key, jwk, or web:HOST"),
        (["--controller", "http://uni.example.se/issuer"], "https://"),
        (["--controller", "https://uni.example.se/issuer#k"], "fragment"),
        (["--controller", "https://uni.example.se/i", "--did", "jwk"], "give one"),
        (["--key-id", "key-1"], "--key-id names a key under"),
        (["--did", "web:uni.example.se", "--key-id", "a#b"], "key id"),
        (["--did", "key"], "RSA keys have no did:key"),
    ],
)
def test_keygen_refuses_bad_identifiers_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    key_type = "RSA" if args == ["--did", "key"] else "Ed25519"
    code, _, err = _run(["keygen", "--type", key_type, *args, "-o", str(tmp_path / "k")], capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "k").exists()


def test_did_document_lists_every_key_public_parts_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    web = ["--did", "web:uni.example.se"]
    paths = [
        _keygen(tmp_path, "ed.json", *web, "--key-id", "ed"),
        _keygen(tmp_path, "p256.json", *web, "--key-id", "p256", key_type="P-256"),
        _keygen(tmp_path, "rsa.json", *web, "--key-id", "rsa", key_type="RSA"),
    ]
    capsys.readouterr()
    out_path = tmp_path / "did.json"
    code, _, err = _run(["did-document", *map(str, paths), "-o", str(out_path)], capsys)
    assert code == 0, err
    assert "3 keys" in err
    text = out_path.read_text()
    document = json.loads(text)
    ids = [f"did:web:uni.example.se#{n}" for n in ("ed", "p256", "rsa")]
    assert [m["id"] for m in document["verificationMethod"]] == ids
    assert document["assertionMethod"] == ids
    assert document["authentication"] == ids
    assert document["@context"][0] == "https://www.w3.org/ns/did/v1"
    assert not _members(document) & set(PRIVATE)
    for path in paths:
        private = json.loads(path.read_text())
        for member in PRIVATE:
            if member in private:
                assert private[member] not in text
    # a public copy of a key file gives the same document
    public = {k: v for k, v in json.loads(paths[0].read_text()).items() if k not in PRIVATE}
    (tmp_path / "public.json").write_text(json.dumps(public))
    code, out, _ = _run(["did-document", str(tmp_path / "public.json")], capsys)
    assert code == 0
    assert json.loads(out)["verificationMethod"] == [document["verificationMethod"][0]]
    code, out, _ = _run(["did-document", str(paths[0]), "--no-authentication"], capsys)
    assert code == 0
    assert "authentication" not in json.loads(out)


def test_did_document_refuses_what_it_cannot_publish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uni = _keygen(tmp_path, "uni.json", "--did", "web:uni.example.se")
    other = _keygen(tmp_path, "other.json", "--controller", "https://other.example.se/issuer")
    own = _keygen(tmp_path, "own.json")
    capsys.readouterr()
    code, out, err = _run(["did-document", str(uni), str(other)], capsys)
    assert code == 2
    assert out == ""
    assert "did:web:uni.example.se" in err
    assert "https://other.example.se/issuer" in err
    assert "different controllers" in err
    code, _, err = _run(["did-document", str(own)], capsys)
    assert code == 2
    assert "nothing to publish" in err
    no_kid = {k: v for k, v in json.loads(uni.read_text()).items() if k != "kid"}
    (tmp_path / "nokid.json").write_text(json.dumps(no_kid))
    code, _, err = _run(["did-document", str(tmp_path / "nokid.json")], capsys)
    assert code == 2
    assert "has no kid" in err
    (tmp_path / "junk.json").write_text("[1, 2]")
    code, _, err = _run(["did-document", str(tmp_path / "junk.json")], capsys)
    assert code == 2
    assert "JWK" in err
    code, _, err = _run(["did-document", str(tmp_path / "missing.json")], capsys)
    assert code == 2
    assert "cannot read" in err


def test_issue_still_requires_the_issuer_to_be_the_controller(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = _keygen(tmp_path, "k.json", "--did", "web:uni.example.se")
    capsys.readouterr()
    unsigned = _credential(tmp_path, "did:web:other.example.se")
    code, _, err = _run(["issue", str(unsigned), "--key", str(key)], capsys)
    assert code == 2
    assert "not the key's controller 'did:web:uni.example.se'" in err
    assert "--issuer-mismatch-ok signs anyway" in err
    code, out, _ = _run(["issue", str(unsigned), "--key", str(key), "--issuer-mismatch-ok"], capsys)
    assert code == 0
    assert json.loads(out)["proof"]["verificationMethod"].startswith("did:web:uni.example.se#")


def test_a_key_file_with_a_kid_that_is_no_verification_method_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = _keygen(tmp_path, "k.json")
    jwk = json.loads(key.read_text())
    unsigned = _credential(tmp_path, jwk["kid"].split("#")[0])
    for kid in ("key-1", "did:web:uni.example.se", "http://uni.example.se/i#k"):
        key.write_text(json.dumps({**jwk, "kid": kid}))
        code, _, err = _run(["issue", str(unsigned), "--key", str(key)], capsys)
        assert code == 2
        assert "kid" in err
        assert "Traceback" not in err


# --- the OB 3.0 specification's signed example, through the CLI -----------------------------


def _spec_key_file(shared_standards: Path, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    vector = shared_standards / "examples" / "spec-test-vectors" / "ob-ldp-test-vector-keys.json"
    if not vector.exists():
        pytest.skip("the OB 3.0 test vector key is not in ../shared/standards")
    data = json.loads(vector.read_text())

    def b64(hex_value: str) -> str:
        return base64.urlsafe_b64encode(bytes.fromhex(hex_value)).rstrip(b"=").decode()

    # the spec publishes the Ed25519 private key as seed || public key (hex)
    seed = data["privateKeyHex_seed_plus_public"][:64]
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64(data["publicKeyHex"]),
        "d": b64(seed),
        "kid": data["verificationMethod"],
    }
    path = tmp_path / "spec-key.json"
    path.write_text(json.dumps(jwk))
    return path, data


def test_the_ob3_spec_example_is_reproduced_through_the_cli(
    shared_standards: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, data = _spec_key_file(shared_standards, tmp_path)
    unsigned = shared_standards / SPEC.format("1__Credential")
    expected = json.loads((shared_standards / SPEC.format("2__Signed-credential")).read_text())
    out = tmp_path / "signed.json"
    created = ("--created", data["proofCreated"])
    code, _, err = _run(
        ["issue", str(unsigned), "--key", str(key), *created, *OBJECT, "-o", str(out)], capsys
    )
    assert code == 0, err
    text = out.read_text()
    ours = json.loads(text)
    assert ours == expected  # every member and value, the proofValue byte for byte
    assert ours["proof"]["proofValue"] == data["proofValue"]
    # and the bytes: the spec's document as the CLI writes JSON (indent 2), with the proof's
    # members in the order of the W3C Data Integrity vectors (type, cryptosuite, created, ...)
    order = ["type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue"]
    assert list(ours["proof"]) == order
    expected["proof"] = {name: expected["proof"][name] for name in order}
    assert text == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"

    # its controller document, from the same key file, verifies the spec's own signed file
    code, out_doc, _ = _run(["did-document", str(key)], capsys)
    assert code == 0
    (tmp_path / "controller.json").write_text(out_doc)
    assert json.loads(out_doc)["id"] == data["controller"]
    spec_signed = shared_standards / SPEC.format("2__Signed-credential")
    code, report, _ = _run(
        [
            "verify",
            str(spec_signed),
            "--controller-doc",
            str(tmp_path / "controller.json"),
            "--json",
        ],
        capsys,
    )
    assert (code, json.loads(report)["outcome"]) == (0, "verified")
    code, report, _ = _run(["verify", str(spec_signed), "--json"], capsys)
    assert (code, json.loads(report)["outcome"]) == (1, "indeterminate")


def test_the_default_proof_form_is_an_array_for_open_badges(
    shared_standards: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, data = _spec_key_file(shared_standards, tmp_path)
    unsigned = shared_standards / SPEC.format("1__Credential")
    code, out, _ = _run(
        ["issue", str(unsigned), "--key", str(key), "--created", data["proofCreated"]], capsys
    )
    assert code == 0
    proof = json.loads(out)["proof"]
    assert isinstance(proof, list)
    assert proof[0]["proofValue"] == data["proofValue"]
    code, _, err = _run(
        ["issue", str(unsigned), "--key", str(key), "--format", "jwt", "--proof-form", "object"],
        capsys,
    )
    assert code == 2
    assert "--format di only" in err


# --- serve signs with the key file's verification method ------------------------------------


def test_serve_signs_as_the_key_files_verification_method(tmp_path: Path) -> None:
    pytest.importorskip("starlette", reason="the [server] extra is not installed")
    pytest.importorskip("httpx2", reason="httpx2 (the ASGI test client's HTTP library) is absent")
    from starlette.testclient import TestClient

    import microcred as mc
    from microcred.server import create_app, load_config

    key = _keygen(tmp_path, "web.json", "--did", "web:uni.example.se", "--key-id", "key-1")
    assert main(["did-document", str(key), "-o", str(tmp_path / "did.json")]) == 0
    config_path = tmp_path / "serve.json"
    config_path.write_text(json.dumps({"keys": ["web.json"], "controller_documents": ["did.json"]}))
    config = load_config(config_path)
    credential = json.loads(_credential(tmp_path, "did:web:uni.example.se").read_text())
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        listed = client.get("/issuers").json()["issuers"]
        assert listed[0]["issuer"] == "did:web:uni.example.se"
        assert listed[0]["verificationMethod"] == "did:web:uni.example.se#key-1"
        response = client.post("/credentials/issue", json={"credential": credential})
        assert response.status_code == 201, response.text
        signed = response.json()["verifiableCredential"]
        assert signed["proof"]["verificationMethod"] == "did:web:uni.example.se#key-1"
        verified = client.post("/credentials/verify", json={"verifiableCredential": signed})
        assert verified.json()["verified"] is True
    document = json.loads((tmp_path / "did.json").read_text())
    assert mc.verify(signed, resolver=mc.keys.StaticResolver([document])).verified


def test_batch_issue_signs_as_the_institution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(__file__).resolve().parents[2]
    key = _keygen(tmp_path, "k.json", "--did", "web:uni.example.se", "--key-id", "key-1")
    assert main(["did-document", str(key), "-o", str(tmp_path / "did.json")]) == 0
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,ladok_uid,grade,awarded\n"
        "Alva Berg,8f0f7c3e-1d2a-11ee-9c5b-0242ac120002,VG,2026-06-10\n"
        "Nils Holm,9a1e8d4f-1d2a-11ee-9c5b-0242ac120002,G,2026-06-10\n"
    )
    out = tmp_path / "out"
    template = root / "examples" / "data" / "template-da123a.json"
    options = ("--template", str(template), "--key", str(key), "--out-dir", str(out))
    code = main(["batch-issue", str(roster), *options, "--workers", "2"])
    assert code == 0, capsys.readouterr().err
    issued = sorted(p for p in out.glob("*.json") if p.name != "manifest.json")
    assert len(issued) == 2
    for path in issued:
        credential = json.loads(path.read_text())
        assert credential["issuer"]["id"] == "did:web:uni.example.se"
        assert credential["proof"][0]["verificationMethod"] == "did:web:uni.example.se#key-1"
    capsys.readouterr()
    verify = ["verify", *map(str, issued), "--controller-doc", str(tmp_path / "did.json")]
    assert main(verify) == 0
    assert main(["verify", *map(str, issued)]) == 1  # offline, without the document
