"""``inspect``, ``convert``, ``validate``, ``bake``/``unbake`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import microcred as mc
from microcred import baking
from microcred.cli import main

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "examples" / "data" / "annex-i-da123a.json"
MISSING = ["country of the issuer", "learning outcomes", "form of participation"]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    return code, out, err


def _key(folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = folder / "key.json"
    assert _run(["keygen", "--type", "Ed25519", "-o", str(path)], capsys)[0] == 0
    return path


def test_inspect_names_exactly_the_missing_elements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = _key(tmp_path, capsys)
    complete = tmp_path / "complete.json"
    assert (
        _run(
            ["convert", str(FORM), "--to", "ob3", "--issuer-key", str(key), "-o", str(complete)],
            capsys,
        )[0]
        == 0
    )
    code, out, _ = _run(["inspect", str(complete)], capsys)
    assert code == 0
    assert "MISSING" not in out
    assert "Grundläggande maskininlärning" in out

    credential = json.loads(complete.read_text())
    ext = credential["credentialSubject"]["achievement"]["euMicroCredential"]
    del credential["issuer"]["address"]
    del ext["learningOutcome"]
    del ext["formOfParticipation"]
    credential["credentialSubject"]["achievement"]["alignment"] = [
        a
        for a in credential["credentialSubject"]["achievement"]["alignment"]
        if a["targetType"] != "ext:ESCOSkill"
    ]
    credential["credentialSubject"]["achievement"]["criteria"] = {"id": "https://uni.example/c"}
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(credential))
    code, out, _ = _run(["inspect", "--json", str(broken)], capsys)
    assert code == 1
    assert json.loads(out)["missing"] == MISSING
    code, out, _ = _run(["inspect", str(broken)], capsys)
    assert code == 1
    assert out.count("MISSING") == 3
    code, out, _ = _run(
        ["validate", "--profile", "eu-microcredential", "--json", str(broken)], capsys
    )
    problems = json.loads(out)["problems"]
    assert code == 1
    annex = sorted(
        p["message"].split(": ", 1)[1] for p in problems if p["rule"].startswith("annex-i#")
    )
    assert annex == sorted(MISSING)


def test_convert_to_every_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = _key(tmp_path, capsys)
    signed = tmp_path / "signed.json"
    assert (
        _run(
            ["convert", str(FORM), "--to", "ob3", "--issuer-key", str(key), "-o", str(signed)],
            capsys,
        )[0]
        == 0
    )
    assert _run(["verify", str(signed), "--profile", "eu-microcredential"], capsys)[0] == 0
    code, out, _ = _run(["convert", str(signed), "--to", "elm"], capsys)
    assert code == 0
    assert mc.validate(json.loads(out), "elm").valid
    code, out, _ = _run(["convert", str(signed), "--to", "annex-i"], capsys)
    assert code == 0
    assert json.loads(out)["code"] == "DA123A"
    assert "19121212" not in signed.read_text()
    code, _, err = _run(["convert", str(FORM), "--to", "ob3"], capsys)
    assert code == 2
    assert "--issuer-key" in err
    again = ["convert", str(FORM), "--to", "ob3", "--issuer-key", str(key), "-o", str(signed)]
    code, _, err = _run(again, capsys)
    assert code == 2
    assert "--force" in err
    incomplete = tmp_path / "incomplete.json"
    incomplete.write_text(json.dumps({"type": "MicroCredential", "title": "x"}))
    code, _, err = _run(["convert", str(incomplete), "--to", "elm"], capsys)
    assert code == 1
    assert "learning outcomes" in err
    code, _, err = _run(["inspect", str(tmp_path / "nope.json")], capsys)
    assert code == 2


def test_bake_unbake_round_trips_and_verify_reads_images(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = mc.keys.generate("Ed25519")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    (tmp_path / "badge.png").write_bytes(baking.tiny_png())
    (tmp_path / "badge.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    )
    (tmp_path / "cred.json").write_text(json.dumps(mc.issue(credential, key)))
    (tmp_path / "cred.jwt").write_text(mc.issue(credential, key, format="jwt"))
    for image in ("badge.png", "badge.svg"):
        for cred in ("cred.json", "cred.jwt"):
            out = tmp_path / f"baked-{cred}-{image}"
            assert (
                _run(["bake", str(tmp_path / image), str(tmp_path / cred), "-o", str(out)], capsys)[
                    0
                ]
                == 0
            )
            code, text, _ = _run(["unbake", str(out)], capsys)
            assert code == 0
            original = (tmp_path / cred).read_text().strip()
            assert text.strip() == (json.dumps(json.loads(original), separators=(",", ":"))
                                    if cred.endswith(".json") else original)  # fmt: skip
            code, line, _ = _run(["verify", "--json", str(out)], capsys)
            assert code == 0
            assert json.loads(line)["outcome"] == "verified"
    assert _run(["unbake", str(tmp_path / "cred.json")], capsys)[0] == 2


def test_baked_fixtures_unbake_to_the_embedded_credential(
    shared_standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = shared_standards / "examples" / "validator-fixtures" / "ob30"
    for image in sorted(folder.glob("simple-*.png")) + sorted(folder.glob("simple-*.svg")):
        text = baking.unbake(image.read_bytes())
        from_image = mc.verify(image.read_bytes())
        from_text = mc.verify(text)
        assert from_image.outcome == from_text.outcome
        assert [c.id for c in from_image.checks[1:]] == [c.id for c in from_text.checks[1:]]
        assert from_image.checks[0].message.endswith(f"baked {image.suffix[1:].upper()}")


def test_convert_includes_the_national_id_only_when_asked_and_as_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from microcred.model.presets import se

    key = _key(tmp_path, capsys)
    base = ["convert", str(FORM), "--to", "ob3", "--issuer-key", str(key)]
    code, out, _ = _run(base, capsys)
    kinds = [i["identityType"] for i in json.loads(out)["credentialSubject"]["identifier"]]
    assert code == 0
    assert kinds == ["name", "sisSourcedId", "ext:ESI"]

    secret = tmp_path / "identity.key"
    secret.write_bytes(bytes(range(32)))
    code, out, err = _run([*base, "--include-national-id", "hmac", "--identity-key", str(secret)],
                          capsys)  # fmt: skip
    assert code == 0
    assert err == ""
    (identity,) = [
        i
        for i in json.loads(out)["credentialSubject"]["identifier"]
        if i["identityType"] == "nationalIdentityNumber"
    ]
    assert identity["identityHash"].startswith("hmac-sha256$")
    assert se.identity_matches(identity, "19121212-1212", key=secret.read_bytes())

    code, out, err = _run([*base, "--include-national-id", "salted", "--include-email", "salted"],
                          capsys)  # fmt: skip
    assert code == 0
    assert err.count("microcred: warning:") == 1
    assert "salted SHA-256 hash of the learner's personal identity number and e-mail" in err
    assert "anyone holding it can recover the value" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--include-national-id", "hmac"], "hmac needs the issuer's secret: give --identity-key"),
        (["--include-email", "hmac", "--identity-key", "short.key"],
         "identity key {dir}/short.key: the identity key is too short: 5 bytes, at least 32"),
        (["--include-national-id", "hmac", "--identity-key", "absent.key"],
         "cannot read identity key {dir}/absent.key"),
        (["--identity-key", "short.key"], "--identity-key is used only with"),
        (["--include-national-id", "salted", "--to", "elm"], "apply to --to ob3 only"),
    ],
)  # fmt: skip
def test_convert_refuses_an_identity_opt_in_it_cannot_honour(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "short.key").write_bytes(b"12345")
    argv = ["convert", str(FORM), "--to", "ob3", "--issuer-key", str(_key(tmp_path, capsys))]
    extra = [str(tmp_path / a) if a.endswith(".key") else a for a in extra]
    code, out, err = _run([*argv, *extra], capsys)
    assert code == 2
    assert out == ""
    assert message.format(dir=tmp_path) in err


def test_convert_to_annex_i_leaves_the_personal_data_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["convert", str(FORM), "--to", "annex-i"], capsys)
    learner = json.loads(out)["learner"]
    assert code == 0
    assert "national_id" not in learner
    assert "email" not in learner
    assert learner["name"] == "Tolvan Tolvansson"
