"""Issuing status lists (microcred.status): index allocation, entries, the signed list, and
revoking / suspending one credential, checked through the verifier."""

from __future__ import annotations

import copy
from collections import Counter
from functools import cache
from typing import Any

import pytest

import microcred as mc
from microcred import keys, status
from microcred.errors import MalformedInputError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
REVOKE_URL = "https://uni.example/status/revocation"
SUSPEND_URL = "https://uni.example/status/suspension"
LIST_START = "2026-01-01T00:00:00Z"


@cache
def issuer() -> keys.KeyPair:
    return keys.generate("Ed25519")


# --- allocation -------------------------------------------------------------------------


def test_allocation_never_gives_a_used_index_and_covers_the_free_ones() -> None:
    used = {0, 2, 4, 6}
    drawn = Counter(status.allocate_index(used, size=8) for _ in range(4000))
    assert set(drawn) == {1, 3, 5, 7}
    # uniform-ish: each of the 4 free indexes is drawn about 1000 times (far from 0 or 4000)
    assert all(700 < n < 1300 for n in drawn.values()), drawn


def test_allocation_in_a_nearly_full_list_finds_the_last_free_index() -> None:
    size = 1000
    assert status.allocate_index([i for i in range(size) if i != 777], size) == 777


def test_allocation_fills_a_list_then_says_it_is_full() -> None:
    used: set[int] = set()
    for _ in range(16):
        used.add(status.allocate_index(used, size=16))
    assert used == set(range(16))
    with pytest.raises(ValueError, match="full"):
        status.allocate_index(used, size=16)
    with pytest.raises(ValueError, match="positive"):
        status.allocate_index((), size=0)


def test_default_allocation_spans_the_whole_minimum_list() -> None:
    drawn = [status.allocate_index(()) for _ in range(200)]
    assert all(0 <= i < status.MIN_LIST_BITS for i in drawn)
    # random, not sequential: 200 draws from 131,072 spread over both halves of the list
    assert min(drawn) < status.MIN_LIST_BITS // 2 < max(drawn)
    assert len(set(drawn)) > 190


# --- entries and the signed list --------------------------------------------------------


def test_status_entries_are_bitstring_entries_at_one_index() -> None:
    revocation, suspension = status.status_entries(42, REVOKE_URL, SUSPEND_URL)
    assert revocation == {
        "id": f"{REVOKE_URL}#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": REVOKE_URL,
    }
    assert (suspension["statusPurpose"], suspension["statusListIndex"]) == ("suspension", "42")
    assert status.status_entries(1, REVOKE_URL) == [status.status_entry(REVOKE_URL, 1)]
    with pytest.raises(ValueError, match="another list"):
        status.status_entries(1, REVOKE_URL, REVOKE_URL)
    with pytest.raises(ValueError, match="http"):
        status.status_entries(1, "file:///tmp/list.json")


def test_signed_list_has_the_spec_shape_and_verifies() -> None:
    signed = status.signed_status_list(
        REVOKE_URL, issuer(), purpose="revocation", valid_from=LIST_START, ttl=3_600_000
    )
    assert signed["id"] == REVOKE_URL
    assert signed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert signed["issuer"] == issuer().controller
    assert signed["validFrom"] == LIST_START
    subject = signed["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"], subject["ttl"]) == (
        "BitstringStatusList",
        "revocation",
        3_600_000,
    )
    assert subject["encodedList"].startswith("u")
    bits = status.decode_list(subject["encodedList"])
    assert len(bits) * 8 == status.MIN_LIST_BITS
    assert not any(bits)
    assert mc.verify(signed).verified


def test_signed_list_refuses_what_the_specification_does_not_allow() -> None:
    with pytest.raises(ValueError, match="131072"):
        status.signed_status_list(REVOKE_URL, issuer(), purpose="revocation", size=1024)
    with pytest.raises(ValueError, match="1-bit"):
        status.signed_status_list(REVOKE_URL, issuer(), purpose="message")
    with pytest.raises(ValueError, match="outside"):
        status.signed_status_list(
            REVOKE_URL, issuer(), purpose="revocation", set_indexes=[status.MIN_LIST_BITS]
        )
    with pytest.raises(ValueError, match="fragment"):
        status.signed_status_list(REVOKE_URL + "#x", issuer(), purpose="revocation")


def _credential(index: int) -> dict[str, Any]:
    return mc.issue(
        {
            "@context": [VC_V2],
            "type": ["VerifiableCredential"],
            "issuer": issuer().did,
            "validFrom": LIST_START,
            "credentialSubject": {"id": f"did:example:learner-{index}"},
            "credentialStatus": status.status_entries(index, REVOKE_URL, SUSPEND_URL),
        },
        issuer(),
        suite="eddsa-jcs-2022",
    )


def _outcomes(credentials: list[dict[str, Any]], revocation: Any, suspension: Any) -> list[str]:
    lists = status.StaticStatusLists({REVOKE_URL: revocation, SUSPEND_URL: suspension})
    return [mc.verify(c, status=lists).outcome for c in credentials]


def test_set_and_clear_round_trip_through_the_verifiers_decoder() -> None:
    listed = status.signed_status_list(REVOKE_URL, issuer(), purpose="suspension")

    def set_bits(credential: dict[str, Any]) -> list[int]:
        encoded = credential["credentialSubject"]["encodedList"]
        data = status.decode_list(encoded)  # what the verifier decodes
        assert len(data) * 8 == status.MIN_LIST_BITS
        return [
            n * 8 + b for n, byte in enumerate(data) if byte for b in range(8) if byte << b & 128
        ]

    for index in (0, 7, 8, 65_535, status.MIN_LIST_BITS - 1):
        changed = status.set_status(listed, index, True)
        assert "proof" not in changed
        assert set_bits(changed) == [index]
        assert status.read_status_list(changed).get(index) == 1
        assert set_bits(status.set_status(changed, index, False)) == []


def test_python_end_to_end_revoke_suspend_unsuspend() -> None:
    used: set[int] = set()
    indexes = []
    for _ in range(3):
        indexes.append(status.allocate_index(used))
        used.add(indexes[-1])
    credentials = [_credential(i) for i in indexes]
    revocation = status.signed_status_list(REVOKE_URL, issuer(), purpose="revocation")
    suspension = status.signed_status_list(SUSPEND_URL, issuer(), purpose="suspension")
    assert _outcomes(credentials, revocation, suspension) == ["verified"] * 3

    second = status.status_index(credentials[1], REVOKE_URL)
    assert second == indexes[1]
    revocation = status.update_status(revocation, second, True, issuer())
    assert mc.verify(revocation).verified
    assert _outcomes(credentials, revocation, suspension) == ["verified", "invalid", "verified"]
    lists = status.StaticStatusLists({REVOKE_URL: revocation, SUSPEND_URL: suspension})
    report = mc.verify(credentials[1], status=lists)
    assert [c.id for c in report.failed] == ["status"]
    assert "revoked" in report.failed[0].message

    third = status.status_index(credentials[2], SUSPEND_URL)
    suspension = status.update_status(suspension, third, True, issuer())
    assert _outcomes(credentials, revocation, suspension) == ["verified", "invalid", "invalid"]
    report = mc.verify(
        credentials[2],
        status=status.StaticStatusLists({REVOKE_URL: revocation, SUSPEND_URL: suspension}),
    )
    assert "suspended" in report.failed[0].message
    suspension = status.update_status(suspension, third, False, issuer())
    assert _outcomes(credentials, revocation, suspension) == ["verified", "invalid", "verified"]


def test_update_keeps_id_issuer_purpose_suite_and_the_validity_period() -> None:
    listed = status.signed_status_list(
        REVOKE_URL,
        issuer(),
        purpose="revocation",
        valid_from=LIST_START,
        valid_until="2026-01-08T00:00:00Z",
        ttl=86_400_000,
        suite="eddsa-jcs-2022",
    )
    updated = status.update_status(listed, 5, True, issuer(), valid_from="2026-03-01T12:00:00Z")
    assert (updated["id"], updated["issuer"]) == (listed["id"], listed["issuer"])
    assert updated["credentialSubject"]["statusPurpose"] == "revocation"
    assert updated["credentialSubject"]["ttl"] == 86_400_000
    assert updated["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert (updated["validFrom"], updated["validUntil"]) == (
        "2026-03-01T12:00:00Z",
        "2026-03-08T12:00:00Z",
    )
    assert listed["credentialSubject"]["encodedList"] != updated["credentialSubject"]["encodedList"]
    assert "proof" in listed  # the input is not modified
    assert status.read_status_list(listed).get(5) == 0


def test_revocation_is_not_reversible() -> None:
    revoked = status.update_status(
        status.signed_status_list(REVOKE_URL, issuer(), purpose="revocation"), 9, True, issuer()
    )
    with pytest.raises(ValueError, match="not reversible"):
        status.set_status(revoked, 9, False)


def test_bad_lists_and_indexes_are_clear_errors() -> None:
    listed = status.signed_status_list(REVOKE_URL, issuer(), purpose="revocation")
    with pytest.raises(ValueError, match="outside the list"):
        status.set_status(listed, status.MIN_LIST_BITS, True)
    with pytest.raises(ValueError, match="outside the list"):
        status.set_status(listed, -1, True)
    not_a_list = copy.deepcopy(listed)
    not_a_list["type"] = ["VerifiableCredential"]
    with pytest.raises(MalformedInputError, match="BitstringStatusListCredential"):
        status.set_status(not_a_list, 1, True)
    short = copy.deepcopy(listed)
    short["credentialSubject"]["encodedList"] = status.encode_list(bytes(16))
    with pytest.raises(MalformedInputError, match="fewer than"):
        status.read_status_list(short)
    garbled = copy.deepcopy(listed)
    garbled["credentialSubject"]["encodedList"] = "u!!!"
    with pytest.raises(MalformedInputError):
        status.set_status(garbled, 1, True)
    other = keys.generate("Ed25519")
    with pytest.raises(ValueError, match="not by the key's controller"):
        status.update_status(listed, 1, True, other)


def test_a_tampered_list_is_reported_by_the_verifier() -> None:
    credentials = [_credential(11)]
    revocation = status.update_status(
        status.signed_status_list(REVOKE_URL, issuer(), purpose="revocation"), 11, True, issuer()
    )
    suspension = status.signed_status_list(SUSPEND_URL, issuer(), purpose="suspension")
    assert _outcomes(credentials, revocation, suspension) == ["invalid"]
    # someone clears the bit without the key: the list no longer verifies
    tampered = copy.deepcopy(revocation)
    tampered["credentialSubject"]["encodedList"] = status.Bitstring.new().encode()
    lists = status.StaticStatusLists({REVOKE_URL: tampered, SUSPEND_URL: suspension})
    report = mc.verify(credentials[0], status=lists)
    assert report.outcome == "indeterminate"
    [check] = [c for c in report.failed if c.id == "status"]
    assert "does not verify" in check.message


def test_the_verifier_refuses_a_list_shorter_than_the_minimum() -> None:
    unsigned = status.status_list_credential(
        issuer().did, REVOKE_URL, status.Bitstring.new(), valid_from=LIST_START
    )
    unsigned["credentialSubject"]["encodedList"] = status.encode_list(bytes(1024))
    short = mc.issue(unsigned, issuer())
    suspension = status.signed_status_list(SUSPEND_URL, issuer(), purpose="suspension")
    lists = status.StaticStatusLists({REVOKE_URL: short, SUSPEND_URL: suspension})
    report = mc.verify(_credential(3), status=lists)
    assert report.outcome == "invalid"
    [check] = [c for c in report.failed if c.id == "status"]
    assert "fewer than the 131072" in check.message


def test_status_index_finds_the_entry_of_a_list() -> None:
    credential = _credential(321)
    assert status.status_index(credential, REVOKE_URL) == 321
    assert status.status_index(credential, SUSPEND_URL + "#list") == 321
    with pytest.raises(ValueError, match="no status entry"):
        status.status_index(credential, "https://elsewhere.example/list")
    broken = {"credentialStatus": {**status.status_entry(REVOKE_URL, 1), "statusListIndex": 1}}
    with pytest.raises(ValueError, match="base-10"):
        status.status_index(broken, REVOKE_URL)


def test_a_list_carries_no_personal_data() -> None:
    listed = status.update_status(
        status.signed_status_list(REVOKE_URL, issuer(), purpose="revocation"), 17, True, issuer()
    )
    subject_keys = set(listed["credentialSubject"])
    assert subject_keys == {"id", "type", "statusPurpose", "encodedList"}
    assert set(listed) == {"@context", "id", "type", "issuer", "validFrom", "credentialSubject",
                           "proof"}  # fmt: skip
