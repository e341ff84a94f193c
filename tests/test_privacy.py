"""The learner's personal identity number cannot be recovered from any default output.

The attacker knows the learner's birth date (1912-12-12) and tries every personal number of
that day: serials 000-999 with their Luhn check digit, in the 12- and 10-digit spellings, with
and without the separator. Against each output it looks for a candidate (and the learner's
e-mail address, guessable from the name) in clear, hex- or base64-encoded, and for the
SHA-256 or MD5 of a candidate with any string of the output appended or prepended (a salt
sits beside its hash in OB 3.0). Every default output: the OB 3.0 credential as Data
Integrity JSON and as JWT, the ELM export, ``microcred convert`` (ob3, elm, annex-i) and
``microcred demo`` (its printout and every file it writes). The salted opt-in is attacked the
same way and must fall (so the attack can fail); the keyed opt-in must not, without the key.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

import microcred as mc
from microcred import baking
from microcred.cli import main
from microcred.model import MicroCredential
from microcred.model.identity import (
    IdentityPolicy,
    ReversibleIdentityWarning,
    new_identity_key,
)
from microcred.model.presets import se

pytestmark = pytest.mark.slow  # about 15 s of hashing in all

ROOT = Path(__file__).resolve().parents[1]
FORM_PATH = ROOT / "examples" / "data" / "annex-i-da123a.json"
FORM = json.loads(FORM_PATH.read_text(encoding="utf-8"))
PERSONAL_NUMBER = FORM["learner"]["national_id"]["value"]  # 19121212-1212
EMAIL = FORM["learner"]["email"]
TODAY = date(2026, 11, 25)
KEY = mc.keys.generate("Ed25519")


def _luhn_digit(nine: str) -> str:
    total = 0
    for position, char in enumerate(nine):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def _candidates(born: str = "19121212") -> dict[str, str]:
    """Every spelling of every personal number of the birth date → its canonical form."""
    found: dict[str, str] = {}
    short = born[2:]
    for serial in range(1000):
        tail = f"{serial:03d}" + _luhn_digit(short + f"{serial:03d}")
        canonical = born + tail
        for spelling in (born + tail, f"{born}-{tail}", short + tail, f"{short}-{tail}",
                         f"{short}+{tail}"):  # fmt: skip
            found[spelling] = canonical
    found[EMAIL] = EMAIL
    found[EMAIL.upper()] = EMAIL
    return found


CANDIDATES = _candidates()
assert PERSONAL_NUMBER in CANDIDATES
assert len(CANDIDATES) == 5002


def _decoded(token: str) -> Iterable[str]:
    """The texts a base64, base64url or hex token may hide."""
    for decode in (
        lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)),
        lambda t: base64.b64decode(t + "=" * (-len(t) % 4)),
        bytes.fromhex,
    ):
        try:
            raw = decode(token)
        except (binascii.Error, ValueError):
            continue
        yield raw.decode("latin-1")


_TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{8,}")
_STRING = re.compile(r'"((?:[^"\\]|\\.){0,200})"')


def _texts(output: str) -> list[str]:
    """The output and what its encoded tokens decode to (a JWT's parts, baked text ...)."""
    texts = [output]
    for token in set(_TOKEN.findall(output)):
        texts.extend(_decoded(token.strip("=")))
    return texts


def attack(*outputs: str) -> set[str]:
    """The canonical values the attacker recovers from ``outputs`` (empty: nothing found).

    Several outputs are attacked together: every string of one is tried as the salt of a
    hash in any other, so nothing found in all of them means nothing found in each one.
    """
    texts = [text for output in outputs for text in _texts(output)]
    found: set[str] = set()
    # in clear, in a decoded token, or as a hex/base64 spelling of a candidate
    for candidate, canonical in CANDIDATES.items():
        raw = candidate.encode()
        spellings = (
            candidate,
            raw.hex(),
            raw.hex().upper(),
            base64.b64encode(raw).decode().rstrip("="),
            base64.urlsafe_b64encode(raw).decode().rstrip("="),
        )
        if any(s in text for s in spellings for text in texts):
            found.add(canonical)
    # a SHA-256 / MD5 of a candidate with any string of the outputs beside it; a digest may
    # be written in hex or base64: every token that decodes to 16 or 32 bytes counts as hex
    tokens = {t.lower() for text in texts for t in re.split(r"[^A-Za-z0-9+/_=-]+", text) if t}
    for token in list(tokens):
        for decoded in _decoded(token.rstrip("=")):
            if len(decoded) in (16, 32):
                tokens.add(decoded.encode("latin-1").hex())
    strings = {""}
    for text in texts:
        for found_string in _STRING.findall(text):
            try:
                strings.add(json.loads(f'"{found_string}"'))
            except ValueError:  # a decoded token that only looks like a JSON string
                strings.add(found_string)
    salts = [s.encode() for s in strings if len(s) <= 64]
    for candidate, canonical in CANDIDATES.items():
        raw = candidate.encode()
        for algorithm in (hashlib.sha256, hashlib.md5):
            if not tokens.isdisjoint(algorithm(raw + s).hexdigest() for s in salts):
                found.add(canonical)
            if not tokens.isdisjoint(algorithm(s + raw).hexdigest() for s in salts):
                found.add(canonical)
    return found


def _micro() -> MicroCredential:
    return MicroCredential.model_validate(copy.deepcopy(FORM))


def _default_outputs() -> dict[str, str]:
    unsigned = _micro().to_ob3(issuer_id=KEY.did, today=TODAY).to_json()
    return {
        "OB 3.0 Data Integrity": json.dumps(mc.issue(unsigned, KEY), ensure_ascii=False),
        "OB 3.0 JWT": mc.issue(unsigned, KEY, format="jwt"),
        "ELM": json.dumps(_micro().to_elm(issuer_id=KEY.did), ensure_ascii=False),
    }


def test_the_attack_finds_a_number_in_clear_and_salted_hashed() -> None:
    """The attacker works: it finds the number when it is there (so its silence means
    something)."""
    assert attack(f"learner {PERSONAL_NUMBER[2:]}") == {"191212121212"}
    salted = se.personal_number_identity(PERSONAL_NUMBER, salt="pepparkaka")
    assert attack(json.dumps(salted)) == {"191212121212"}
    hidden = base64.urlsafe_b64encode(json.dumps({"n": PERSONAL_NUMBER}).encode()).decode()
    assert attack(f"x.{hidden}.y") == {"191212121212"}
    assert attack(json.dumps({"m": hashlib.md5(EMAIL.encode()).hexdigest()})) == {EMAIL}


def test_no_default_output_gives_the_personal_number_or_email_away() -> None:
    outputs = _default_outputs()
    assert attack(*outputs.values()) == set()
    subject = json.loads(outputs["OB 3.0 Data Integrity"])["credentialSubject"]
    kinds = [i["identityType"] for i in subject["identifier"]]
    assert kinds == ["name", "sisSourcedId", "ext:ESI"]  # name, Ladok UID, ESI: in clear


def test_the_salted_opt_in_falls_to_the_attack_and_warns() -> None:
    salted = IdentityPolicy(national_id="salted", email="salted")
    with pytest.warns(ReversibleIdentityWarning, match="personal identity number and e-mail"):
        unsigned = _micro().to_ob3(issuer_id=KEY.did, today=TODAY, identity=salted).to_json()
    assert attack(json.dumps(mc.issue(unsigned, KEY))) == {"191212121212", EMAIL}
    assert attack(mc.issue(unsigned, KEY, format="jwt")) == {"191212121212", EMAIL}
    assert attack(json.dumps(_micro().to_elm(issuer_id=KEY.did))) == set()  # ELM: never


def test_the_keyed_opt_in_resists_the_attack_without_the_key() -> None:
    secret = new_identity_key()
    keyed = IdentityPolicy(national_id="hmac", email="hmac", key=secret)
    unsigned = _micro().to_ob3(issuer_id=KEY.did, today=TODAY, identity=keyed).to_json()
    signed = mc.issue(unsigned, KEY)
    assert attack(json.dumps(signed), mc.issue(unsigned, KEY, format="jwt")) == set()
    # the issuer, who holds the key, recovers it the same way
    (identity,) = [
        i
        for i in signed["credentialSubject"]["identifier"]
        if i["identityType"] == "nationalIdentityNumber"
    ]
    recovered = {
        canonical
        for candidate, canonical in CANDIDATES.items()
        if candidate.isdigit() and se.identity_matches(identity, candidate, key=secret)
    }
    assert recovered == {"191212121212"}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


def test_convert_writes_nothing_to_attack_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "key.json"
    assert _run(["keygen", "--type", "Ed25519", "-o", str(key)], capsys)[0] == 0
    written = []
    for target in ("ob3", "elm", "annex-i"):
        argv = ["convert", str(FORM_PATH), "--to", target]
        code, out, err = _run([*argv, "--issuer-key", str(key)], capsys)
        assert code == 0, err
        written += [out, err]
    assert attack(*written) == set()
    # a credential that carried a salted hash is not passed on either
    salted = tmp_path / "salted.json"
    code, out, err = _run(
        ["convert", str(FORM_PATH), "--to", "ob3", "--issuer-key", str(key),
         "--include-national-id", "salted", "-o", str(salted)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert err.startswith("microcred: warning: the credential carries a salted SHA-256 hash")
    assert attack(salted.read_text()) == {"191212121212"}
    code, out, err = _run(["convert", str(salted), "--to", "ob3"], capsys)
    assert code == 0, err
    assert attack(out) == set()


def test_the_demo_writes_and_prints_nothing_to_attack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["demo", "--dir", str(tmp_path)], capsys)
    assert code == 0, out + err
    assert "left out (no hash either)" in out
    assert "salted SHA-256 hash only" not in out
    files = sorted(tmp_path.iterdir())
    assert {p.name for p in files} >= {"annex-i.json", "credential.json", "credential.jwt",
                                       "credential.elm.json", "badge.png"}  # fmt: skip
    texts = [out, err]
    for path in files:
        data = path.read_bytes()
        texts.append(baking.unbake(data) if path.suffix == ".png" else data.decode("utf-8"))
    assert attack(*texts) == set()


def test_batch_issue_writes_nothing_to_attack_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``batch-issue``'s credentials (JSON and JWT), manifest, status list and log: nothing to
    attack by default; the salted opt-in falls (warned once, not per row), hmac does not."""
    key = tmp_path / "key.json"
    assert _run(["keygen", "--type", "Ed25519", "-o", str(key)], capsys)[0] == 0
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Namn;Personnummer;E-post;ExterntUID;Betyg\r\n"
        f"Alva Berg;{PERSONAL_NUMBER};{EMAIL};8f0f7c3e-1d2a-11ee-9c5b-0242ac120002;VG\r\n",
        encoding="utf-8",
    )
    template = ROOT / "examples" / "data" / "template-da123a.json"

    def batch(out: str, *extra: str) -> list[str]:
        argv = ["batch-issue", str(roster), "--template", str(template), "--key", str(key),
                "--out-dir", str(tmp_path / out), *extra]  # fmt: skip
        code, stdout, err = _run(argv, capsys)
        assert code == 0, err
        return [stdout, err, *(p.read_text() for p in sorted((tmp_path / out).iterdir()))]

    assert attack(*batch("di", "--status-list", "https://uni.example/status/1")) == set()
    assert attack(*batch("jwt", "--format", "jwt")) == set()
    salted = batch("salted", "--include-national-id", "salted")
    assert salted[1].count("microcred: warning: every credential of the batch carries") == 1
    assert attack(*salted) == {"191212121212"}
    secret = tmp_path / "identity.key"
    secret.write_bytes(new_identity_key())
    keyed = batch("hmac", "--include-national-id", "hmac", "--identity-key", str(secret))
    assert attack(*keyed) == set()
    credential = json.loads(next(p for p in (tmp_path / "hmac").glob("0*.json")).read_text())
    (identity,) = [i for i in credential["credentialSubject"]["identifier"]
                   if i["identityType"] == "nationalIdentityNumber"]  # fmt: skip
    assert se.identity_matches(identity, PERSONAL_NUMBER, key=secret.read_bytes())
