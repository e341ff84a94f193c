"""Swedish presets: credits, levels, grading scales, personal numbers, identifiers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.model.presets import se

TODAY = date(2026, 11, 25)


def _luhn_digit(nine: str) -> int:
    total = sum(
        (lambda p: p // 10 + p % 10)(int(c) * (2 if i % 2 == 0 else 1)) for i, c in enumerate(nine)
    )
    return (10 - total % 10) % 10


def test_credits_and_levels() -> None:
    assert se.hp_to_ects("7,5") == Decimal("7.5") == se.hp_to_ects(7.5)
    assert se.hp_to_ects(15) == Decimal(15)
    for bad in ("-1", "abc", "1001", True):
        with pytest.raises(ValueError, match=r"number|credits"):
            se.hp_to_ects(bad)  # type: ignore[arg-type]
    assert (se.level_from_se("Grundnivå").eqf, se.level_from_se("grundniva").cycle) == (6, 1)
    assert se.level_from_se("avancerad nivå").eqf == 7
    assert se.level_from_se("A1F").cycle == 2
    assert se.level_from_se("forskarnivå").eqf == 8
    assert se.level_from_se("g2e").eqf == 6
    assert se.level_from_seqf(5) == se.Level(5, None, "SeQF-nivå 5", "SeQF level 5")
    with pytest.raises(ValueError, match="accepted"):
        se.level_from_se("gymnasienivå")


def test_grading_scales() -> None:
    assert se.check_grade(" vg ", "U/G/VG") == "VG"
    assert se.is_pass("G", "U/G/VG")
    assert not se.is_pass("U", "U/G/VG")
    assert se.scale("A–F").ects_equivalent is not None
    assert se.scale("U/G/VG").ects_equivalent is None
    assert se.check_grade("fx", "A-F") == "FX"
    assert not se.is_pass("Fx", "A-F")
    assert se.is_pass("3", "U/3/4/5")
    with pytest.raises(ValueError, match="not on the U/G/VG scale"):
        se.check_grade("A", "U/G/VG")


def test_personal_and_coordination_numbers() -> None:
    number = se.parse_personal_number("19121212-1212", today=TODAY)
    assert number.canonical == "191212121212"
    assert number.birth_date == date(1912, 12, 12)
    assert "1212" not in repr(number)
    assert "1212" not in str(number)
    assert se.parse_personal_number("121212+1212", today=TODAY).canonical == "191212121212"
    coordination = "701063-" + "238" + str(_luhn_digit("701063238"))
    parsed = se.parse_personal_number(coordination, today=TODAY)
    assert parsed.kind == "samordningsnummer"
    assert parsed.birth_date == date(1970, 10, 3)
    for bad in ("19121212-1213", "19121312-1212", "1212", "abcdefgh-ijkl"):
        with pytest.raises(ValueError, match="personal identity number") as error:
            se.parse_personal_number(bad, today=TODAY)
        assert bad not in str(error.value)


@st.composite
def personal_numbers(draw: st.DrawFn) -> tuple[str, str]:
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31)))
    serial = draw(st.integers(0, 999))
    nine = f"{born:%y%m%d}{serial:03d}"
    ten = nine + str(_luhn_digit(nine))
    return f"{born.year:04d}{ten[2:]}", ten


@given(personal_numbers(), st.sampled_from(["long-dash", "long", "short-dash", "short"]))
def test_any_spelling_canonicalises_the_same(pair: tuple[str, str], spelling: str) -> None:
    canonical, ten = pair
    text = {
        "long-dash": f"{canonical[:8]}-{canonical[8:]}",
        "long": canonical,
        "short-dash": f"{ten[:6]}{'+' if int(canonical[:4]) <= TODAY.year - 100 else '-'}{ten[6:]}",
        "short": ten,
    }[spelling]
    if spelling == "short" and int(canonical[:4]) <= TODAY.year - 100:
        return  # without '+', a 100-year-old's short form means someone born a century later
    assert se.parse_personal_number(text, today=TODAY).canonical == canonical
    identity = se.personal_number_identity(text, salt="s", today=TODAY)
    assert se.identity_matches(identity, canonical, today=TODAY)


@given(personal_numbers(), st.integers(0, 11), st.integers(1, 9))
def test_a_changed_digit_is_refused_and_never_echoed(
    pair: tuple[str, str], position: int, delta: int
) -> None:
    canonical, _ = pair
    digits = list(canonical)
    index = 2 + position % 10
    digits[index] = str((int(digits[index]) + delta) % 10)
    changed = "".join(digits)
    try:
        parsed = se.parse_personal_number(changed, today=TODAY)
    except ValueError as error:
        message = str(error)
        parsed = None
    else:
        message = ""
    assert changed not in message
    assert changed[2:] not in message
    if parsed is not None:  # a change that keeps the check digit right is another number
        assert parsed.canonical != canonical


def test_identity_objects() -> None:
    one = se.identity_object("x@example.org", identity_type="emailAddress")
    two = se.identity_object("x@example.org", identity_type="emailAddress")
    assert one["salt"] != two["salt"]
    assert one["identityHash"] != two["identityHash"]
    assert se.identity_matches(one, "x@example.org")
    assert not se.identity_matches(one, "y@x")
    md5 = {
        "hashed": True,
        "identityHash": "md5$" + __import__("hashlib").md5(b"abcs").hexdigest(),
        "salt": "s",
    }
    assert se.identity_matches(md5, "abc")
    assert se.identity_matches({"hashed": False, "identityHash": "Ada"}, "Ada")


def test_identifiers() -> None:
    assert (
        se.ladok_uid("8F0F7C3E-1D2A-11EE-9C5B-0242AC120002")
        == "8f0f7c3e-1d2a-11ee-9c5b-0242ac120002"
    )
    assert se.esi_for("abc123") == "urn:schac:personalUniqueCode:int:esi:se:abc123"
    assert (
        se.esi("URN:SCHAC:personalUniqueCode:int:esi:SE:x")
        == "urn:schac:personalUniqueCode:int:esi:se:x"
    )
    assert se.course_code(" da123a ") == "DA123A"
    for call, bad in ((se.ladok_uid, "nope"), (se.esi, "urn:x"), (se.course_code, "A B")):
        with pytest.raises(ValueError, match="not a"):
            call(bad)
