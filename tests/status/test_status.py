"""Status lists (microcred.status): decoding, building, and the status check in verify()."""

from __future__ import annotations

import gzip
import json
import random
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import microcred as mc
from microcred import Limits, keys, status
from microcred.errors import InputTooLargeError, MalformedInputError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
REVOKE_URL = "https://status.example/lists/revocation/1"
SUSPEND_URL = "https://status.example/lists/suspension/1"
# Fact from the Bitstring Status List specification's example: an empty 131,072-bit list.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def test_spec_example_list_decodes_empty() -> None:
    bits = status.Bitstring(bytearray(status.decode_list(SPEC_EMPTY_LIST)))
    assert bits.entries == status.MIN_LIST_BITS
    assert not any(bits.data)


def test_1edtech_test_list_has_exactly_index_23(shared_standards: Path) -> None:
    path = shared_standards / "examples" / "validator-fixtures" / "ob30" / "bit-string-list"
    listed = json.loads((path / "testlist").read_text())
    bits = status.Bitstring(
        bytearray(status.decode_list(listed["credentialSubject"]["encodedList"]))
    )
    assert [i for i in range(bits.entries) if bits.get(i)] == [23]


def test_builder_round_trip_with_multi_bit_entries() -> None:
    bits = status.Bitstring.new(1000, status_size=2)
    bits.set(5, 3)
    bits.set(999, 2)
    again = status.Bitstring(bytearray(status.decode_list(bits.encode())), 2)
    assert (again.get(5), again.get(999), again.get(6)) == (3, 2, 0)
    with pytest.raises(ValueError, match="fit"):
        bits.set(1, 4)
    with pytest.raises(IndexError):
        bits.get(again.entries)


def test_decompression_is_bounded_and_garbage_is_malformed() -> None:
    bomb = "u" + __import__("base64").urlsafe_b64encode(
        gzip.compress(b"\0" * 2_000_000)
    ).decode().rstrip("=")
    with pytest.raises(InputTooLargeError):
        status.decode_list(bomb, limits=Limits(max_status_list_bytes=1_000_000))
    for junk in ("u!!!", "uAAAA", "", 42):
        with pytest.raises(MalformedInputError):
            status.decode_list(junk)


@cache
def issuer() -> keys.KeyPair:
    return keys.generate("Ed25519")


def _signed_list(
    url: str, purpose: str, bits: status.Bitstring, key: keys.KeyPair | None = None
) -> dict[str, Any]:
    key = key or issuer()
    return mc.issue(
        status.status_list_credential(
            key.did, url, bits, purpose=purpose, valid_from="2026-01-01T00:00:00Z"
        ),
        key,
        suite="eddsa-jcs-2022",
    )


def _credential(index: int) -> dict[str, Any]:
    return mc.issue(
        {
            "@context": [VC_V2],
            "type": ["VerifiableCredential"],
            "issuer": issuer().did,
            "credentialSubject": {"id": "did:example:learner"},
            "credentialStatus": [
                status.status_entry(REVOKE_URL, index, "revocation"),
                status.status_entry(SUSPEND_URL, index, "suspension"),
            ],
        },
        issuer(),
        suite="eddsa-jcs-2022",
    )


def test_100_random_indexes_get_the_right_verdict() -> None:
    rng = random.Random(20261125)
    revoked = set(rng.sample(range(5000), 40))
    suspended = set(rng.sample(range(5000), 40))
    revocation, suspension = status.Bitstring.new(5000), status.Bitstring.new(5000)
    for i in revoked:
        revocation.set(i, 1)
    for i in suspended:
        suspension.set(i, 1)
    lists = status.StaticStatusLists(
        {
            REVOKE_URL: _signed_list(REVOKE_URL, "revocation", revocation),
            SUSPEND_URL: _signed_list(SUSPEND_URL, "suspension", suspension),
        }
    )
    picks = rng.sample(sorted(revoked | suspended), 40) + rng.sample(range(5000), 60)
    for index in picks:
        report = mc.verify(_credential(index), status=lists)
        messages = " ".join(c.message for c in report.failed)
        assert report.verified == (index not in revoked and index not in suspended), index
        assert ("revoked" in messages) == (index in revoked)
        assert ("suspended" in messages) == (index in suspended)


def test_without_a_list_status_is_indeterminate_unless_the_caller_opts_out() -> None:
    """A credential with a credentialStatus whose status was not checked is not verified
    (docs/verification.md, "Status by default"); the opt-out is a warning in the report."""
    credential = _credential(1)
    report = mc.verify(credential)
    assert report.outcome == "indeterminate"
    check = report.check("status")
    assert check is not None
    assert check.status == "error"
    assert "no status list was given" in check.message
    assert mc.verify(credential, require_status=True).outcome == "indeterminate"
    opted_out = mc.verify(credential, check_status=False)
    assert opted_out.verified
    assert [w.id for w in opted_out.warnings] == ["status"]
    assert "not checked" in opted_out.warnings[0].message
    with pytest.raises(ValueError, match="contradicts"):
        mc.verify(credential, check_status=False, require_status=True)


def _one(check_for: dict[str, Any], lists: status.StaticStatusLists) -> mc.VerificationReport:
    return mc.verify(check_for, status=lists)


def test_index_out_of_range_is_invalid() -> None:
    small = status.Bitstring.new(10)
    lists = status.StaticStatusLists(
        {
            REVOKE_URL: _signed_list(REVOKE_URL, "revocation", small),
            SUSPEND_URL: _signed_list(SUSPEND_URL, "suspension", small),
        }
    )
    report = _one(_credential(small.entries + 5), lists)
    assert report.outcome == "invalid"
    assert any("outside the list" in c.message for c in report.failed)


def test_gzip_bomb_list_is_rejected_with_a_named_check() -> None:
    bomb = status.Bitstring(bytearray(20_000_000))
    lists = status.StaticStatusLists(
        {
            REVOKE_URL: _signed_list(REVOKE_URL, "revocation", bomb),
            SUSPEND_URL: _signed_list(SUSPEND_URL, "suspension", status.Bitstring.new(10)),
        }
    )
    report = _one(_credential(3), lists)
    assert report.outcome == "invalid"
    check = next(c for c in report.failed if c.id == "status")
    assert "more than" in check.message


def test_list_from_another_issuer_or_tampered_or_missing() -> None:
    other = keys.generate("Ed25519")
    foreign = status.StaticStatusLists(
        {
            REVOKE_URL: _signed_list(REVOKE_URL, "revocation", status.Bitstring.new(10), other),
            SUSPEND_URL: _signed_list(SUSPEND_URL, "suspension", status.Bitstring.new(10)),
        }
    )
    assert "issued by" in " ".join(c.message for c in _one(_credential(1), foreign).failed)

    tampered_list = _signed_list(REVOKE_URL, "revocation", status.Bitstring.new(10))
    altered = status.Bitstring.new(10)
    altered.set(7, 1)
    tampered_list["credentialSubject"]["encodedList"] = altered.encode()
    tampered = status.StaticStatusLists(
        {
            REVOKE_URL: tampered_list,
            SUSPEND_URL: _signed_list(SUSPEND_URL, "suspension", status.Bitstring.new(10)),
        }
    )
    report = _one(_credential(1), tampered)
    assert not report.verified
    assert any(c.status == "error" and "does not verify" in c.message for c in report.failed)

    missing = _one(_credential(1), status.StaticStatusLists({}))
    assert missing.outcome == "indeterminate"


OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
REVOCATION_LIST_URL = "https://uni.example/revocations/1"


def _with_revocation_list(credential_id: str) -> dict[str, Any]:
    return mc.issue(
        {
            "@context": [VC_V2, OB3_EXTENSIONS],
            "id": credential_id,
            "type": ["VerifiableCredential"],
            "issuer": issuer().did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner"},
            "credentialStatus": status.revocation_list_entry(REVOCATION_LIST_URL),
        },
        issuer(),
        suite="eddsa-jcs-2022",
    )


def _revocation_check(credential: dict[str, Any], listed: Any) -> mc.Check:
    report = mc.verify(credential, status=status.StaticStatusLists({REVOCATION_LIST_URL: listed}))
    (check,) = [c for c in report.checks if c.id == "status"]
    return check


def test_1edtech_revocation_list_revoked_and_not() -> None:
    listed = status.revocation_list(
        REVOCATION_LIST_URL, issuer().did, {"urn:uuid:revoked": "awarded in error"}
    )
    revoked = _revocation_check(_with_revocation_list("urn:uuid:revoked"), listed)
    assert (revoked.status, "awarded in error" in revoked.message) == ("failed", True)
    fine = _revocation_check(_with_revocation_list("urn:uuid:fine"), listed)
    assert fine.status == "passed"


def test_1edtech_revocation_list_from_another_issuer_or_malformed() -> None:
    other = status.revocation_list(REVOCATION_LIST_URL, "did:example:someone-else")
    assert _revocation_check(_with_revocation_list("urn:uuid:x"), other).status == "failed"
    for junk in ("not a list", {"revokedCredentials": "nope"}):
        assert _revocation_check(_with_revocation_list("urn:uuid:x"), junk).status == "error"
    report = mc.verify(_with_revocation_list("urn:uuid:x"), status=status.StaticStatusLists({}))
    assert report.outcome == "indeterminate"


def test_1edtech_revoked_fixture(shared_standards: Path) -> None:
    path = shared_standards / "examples" / "validator-fixtures" / "ob30"
    document = json.loads((path / "credential-status-revoked.json").read_text())
    url = document["credentialStatus"]["id"]
    unreachable = mc.verify(document, status=status.StaticStatusLists({}))
    assert [c.status for c in unreachable.checks if c.id == "status"] == ["error"]
    listed = {"id": url, "revokedCredentials": [{"id": document["id"]}]}
    revoked = mc.verify(document, status=status.StaticStatusLists({url: listed}))
    assert [c.status for c in revoked.checks if c.id == "status"] == ["failed"]
    assert revoked.outcome == "invalid"
