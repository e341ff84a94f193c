"""Multibase (base58btc) + multicodec encoding of keys, as Multikey and did:key use it."""

from __future__ import annotations

import base58

from ..errors import InvalidKeyError, UnsupportedKeyTypeError

__all__ = ["CODECS", "decode_multikey", "encode_multikey"]

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
    return "z" + base58.b58encode(_varint(CODECS[codec]) + raw).decode("ascii")


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
    try:
        data: bytes = base58.b58decode(value[1:])
    except ValueError:
        raise InvalidKeyError("Multikey value is not valid base58btc") from None
    code, length = _read_varint(data)
    name = _NAMES.get(code)
    if name is None:
        raise UnsupportedKeyTypeError(f"unsupported multicodec 0x{code:x}")
    return name, data[length:]
