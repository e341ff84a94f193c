"""Multibase (base58btc) + multicodec encoding of keys, as Multikey and did:key use it.

Base58btc is the ``base58`` package's (the Bitcoin alphabet). Decoded and encoded Multikey
values are remembered (bounded), since every verification with a did:key reads the same few
keys: a verification decodes its key once per process, not once per call.
"""

from __future__ import annotations

import functools

import base58

from ..errors import InvalidKeyError, UnsupportedKeyTypeError

__all__ = ["CODECS", "b58decode", "b58encode", "decode_multikey", "encode_multikey"]

#: multicodec name -> code (https://github.com/multiformats/multicodec table values)
CODECS: dict[str, int] = {
    "ed25519-pub": 0xED,
    "x25519-pub": 0xEC,
    "p256-pub": 0x1200,
    "p384-pub": 0x1201,
    "ed25519-priv": 0x1300,
    "p256-priv": 0x1306,
    "p384-priv": 0x1307,
}
_NAMES = {code: name for name, code in CODECS.items()}

_CACHE_SIZE = 1024


def b58encode(data: bytes) -> str:
    """Base58btc (Bitcoin alphabet) of ``data``: each leading zero byte is a ``1``."""
    return str(base58.b58encode(data).decode("ascii"))


_B58_ALPHABET = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
#: byte -> its base58 digit, 0xFF for a byte outside the alphabet
_B58_DIGITS = bytes(
    _B58_ALPHABET.index(byte) if byte in _B58_ALPHABET else 0xFF for byte in range(256)
)


def b58decode(text: str) -> bytes:
    """The bytes of a base58btc string (trailing whitespace ignored, as the ``base58``
    package does; the same bytes and errors as its ``b58decode``, without its byte-by-byte
    conversion: a proofValue is decoded on every verification).

    Raises:
        ValueError: a character outside the base58btc alphabet.
    """
    text.encode("ascii")  # UnicodeEncodeError is a ValueError
    raw = text.rstrip().encode("ascii")
    digits = raw.translate(_B58_DIGITS)
    if 0xFF in digits:
        raise ValueError(f"Invalid character {chr(raw[digits.index(0xFF)])!r}")
    significant = digits.lstrip(b"\0")  # each leading "1" is a zero byte
    value = 0
    for digit in significant:
        value = value * 58 + digit
    return b"\0" * (len(digits) - len(significant)) + value.to_bytes(
        (value.bit_length() + 7) // 8, "big"
    )


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes) -> tuple[int, int]:
    value = shift = 0
    for index, byte in enumerate(data[:4]):
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, index + 1
        shift += 7
    raise InvalidKeyError("malformed multicodec prefix")


def encode_multikey(codec: str, raw: bytes) -> str:
    """``z`` + base58btc(varint(codec) + raw)."""
    if codec not in CODECS:
        raise ValueError(f"unknown multicodec {codec!r}")
    return _encoded(codec, bytes(raw))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _encoded(codec: str, raw: bytes) -> str:
    return "z" + b58encode(_varint(CODECS[codec]) + raw)


def decode_multikey(value: object) -> tuple[str, bytes]:
    """Decode a multibase base58btc multicodec key into ``(codec name, raw bytes)``.

    Raises:
        InvalidKeyError: not a ``z``-prefixed base58btc string, or malformed.
        UnsupportedKeyTypeError: a multicodec this library does not handle.
    """
    if not isinstance(value, str) or len(value) < 3 or not value.startswith("z"):
        raise InvalidKeyError("a Multikey value must be a multibase base58btc string ('z...')")
    if len(value) > 2000:
        raise InvalidKeyError("Multikey value is too long")
    return _decoded(value)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _decoded(value: str) -> tuple[str, bytes]:
    """The decoding of a checked Multikey string (errors are raised, and not remembered)."""
    try:
        data = b58decode(value[1:])
    except ValueError:
        raise InvalidKeyError("Multikey value is not valid base58btc") from None
    code, length = _read_varint(data)
    name = _NAMES.get(code)
    if name is None:
        raise UnsupportedKeyTypeError(f"unsupported multicodec 0x{code:x}")
    return name, data[length:]
