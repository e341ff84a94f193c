"""Badge baking (OB 3.0 §5.3): PNG iTXt and SVG element, round trips, hostile images."""

from __future__ import annotations

import contextlib
import struct
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import baking
from microcred.errors import BakingError, InputError
from microcred.limits import Limits

JSON_CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
}
JWS = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2lnbmF0dXJl"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4"><rect/></svg>\n'


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", len(body), kind) + body + struct.pack(">I", zlib.crc32(kind + body))


@pytest.mark.parametrize("credential", [JSON_CREDENTIAL, JWS], ids=["json", "jwt"])
@pytest.mark.parametrize("image", [baking.tiny_png(), SVG], ids=["png", "svg"])
def test_round_trip_and_rebake_replaces(image: bytes, credential: object) -> None:
    baked = baking.bake(image, credential)  # type: ignore[arg-type]
    compact = (
        '{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}'
    )
    expected = JWS if credential == JWS else compact
    assert baking.unbake(baked) == expected
    again = baking.bake(baked, "x.y.z")
    assert baking.unbake(again) == "x.y.z"
    if image.startswith(baking.PNG_SIGNATURE):
        assert again.count(baking.PNG_KEYWORD) == 1
    else:
        assert again.count(b"openbadges:credential") == 1  # self-closing element for a JWS
        assert b"<rect/>" in again  # the rest of the document is kept


def test_fixture_images_unbake(shared_standards: Path) -> None:
    folder = shared_standards / "examples" / "validator-fixtures" / "ob30"
    images = sorted(folder.glob("*.png")) + sorted(folder.glob("*.svg"))
    assert len(images) == 6
    for image in images:
        text = baking.unbake(image.read_bytes())
        assert text.startswith("{") or text.count(".") == 2, image.name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a....", "not a PNG or SVG"),
        (baking.PNG_SIGNATURE + b"\x00\x00", "truncated"),
        (baking.tiny_png()[:-6], "truncated|past the end"),
        (baking.tiny_png()[:20] + b"X" + baking.tiny_png()[21:], "bad CRC"),
        (baking.tiny_png(), "no openbadgecredential"),
        (SVG, "no openbadges:credential"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>", "not well-formed"),
    ],
)
def test_malformed_images_give_clear_errors(data: bytes, message: str) -> None:
    with pytest.raises(BakingError, match=message):
        baking.unbake(data)


def test_png_special_cases() -> None:
    png = baking.tiny_png()
    header, rest = png[:33], png[33:]
    compressed = _chunk(b"iTXt", baking.PNG_KEYWORD + b"\0\1\0\0\0" + zlib.compress(b"{}"))
    with pytest.raises(BakingError, match="compressed"):
        baking.unbake(header + compressed + rest)
    twice = header + _chunk(b"iTXt", baking.PNG_KEYWORD + b"\0\0\0\0\0{}") * 2 + rest
    with pytest.raises(BakingError, match="more than one"):
        baking.unbake(twice)
    bad_utf8 = header + _chunk(b"iTXt", baking.PNG_KEYWORD + b"\0\0\0\0\0\xff") + rest
    with pytest.raises(BakingError, match="UTF-8"):
        baking.unbake(bad_utf8)
    with pytest.raises(BakingError, match="limit"):
        baking.unbake(png, limits=Limits(max_input_bytes=10))
    assert issubclass(BakingError, InputError)
    assert BakingError.code == "input.baking"


def test_svg_entity_tricks_are_refused_quickly() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        b"<openbadges:credential>&c;</openbadges:credential></svg>"
    )
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        b"<openbadges:credential>&x;</openbadges:credential></svg>"
    )
    for hostile in (laughs, xxe):
        started = time.monotonic()
        with pytest.raises(BakingError, match="refused"):
            baking.unbake(hostile)
        assert time.monotonic() - started < 1
    undeclared = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        b"<openbadges:credential>&nope;</openbadges:credential></svg>"
    )
    with pytest.raises(BakingError, match="not well-formed"):
        baking.unbake(undeclared)


@settings(max_examples=300)
@given(data=st.binary(max_size=512))
def test_random_bytes_only_ever_raise_baking_errors(data: bytes) -> None:
    for candidate in (data, baking.PNG_SIGNATURE + data, b"<svg" + data):
        with contextlib.suppress(BakingError):
            baking.unbake(candidate)


@settings(max_examples=300)
@given(position=st.integers(0, 10_000), value=st.integers(0, 255), svg=st.booleans())
def test_mutated_baked_images_only_ever_raise_baking_errors(
    position: int, value: int, svg: bool
) -> None:
    baked = bytearray(baking.bake(SVG if svg else baking.tiny_png(), JSON_CREDENTIAL))
    baked[position % len(baked)] = value
    with contextlib.suppress(BakingError):
        baking.unbake(bytes(baked))
