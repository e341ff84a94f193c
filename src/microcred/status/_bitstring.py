"""Bitstring status lists (W3C Bitstring Status List v1.0 and StatusList2021).

A list is a GZIP-compressed bitstring; entry *i* occupies ``status_size`` bits starting at bit
``i * status_size``, bit 0 being the most significant bit of the first byte. Bitstring Status
List encodes it as multibase base64url (``u`` prefix), StatusList2021 as plain base64url.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from dataclasses import dataclass

from ..errors import InputTooLargeError, MalformedInputError
from ..limits import DEFAULT_LIMITS, Limits

__all__ = ["MIN_LIST_BITS", "Bitstring", "decode_list", "encode_list", "inflate_bounded"]

#: The smallest list the specification allows (16 KiB), for herd privacy.
MIN_LIST_BITS = 131_072


def inflate_bounded(
    compressed: bytes, *, wbits: int, limits: Limits, what: str, stream: str
) -> bytes:
    """Decompress one complete ``stream`` (GZIP, RFC 1952, for ``wbits`` ``16 + MAX_WBITS``;
    ZLIB, RFC 1950, for ``MAX_WBITS``), never producing more than
    ``limits.max_status_list_bytes``: the shared bound of every status list format.

    Raises:
        MalformedInputError: not such a stream, truncated, or bytes after it.
        InputTooLargeError: it decompresses to more than the limit (a decompression bomb);
            decompression stops at the limit, so the work is bounded too.
    """
    inflater = zlib.decompressobj(wbits)
    try:
        data = inflater.decompress(compressed, limits.max_status_list_bytes + 1)
    except zlib.error as exc:
        raise MalformedInputError(f"{what} is not {stream} data: {exc}") from None
    if len(data) > limits.max_status_list_bytes or inflater.unconsumed_tail:
        raise InputTooLargeError(
            f"status list decompresses to more than {limits.max_status_list_bytes} bytes"
        )
    if not inflater.eof:
        raise MalformedInputError(f"{what} is a truncated {stream} stream")
    if inflater.unused_data:
        raise MalformedInputError(
            f"{what} has {len(inflater.unused_data)} byte(s) after the {stream} stream "
            f"(one {stream}-compressed list is all it may hold)"
        )
    return data


def decode_list(encoded: object, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Decode an ``encodedList`` (with or without the multibase ``u`` prefix).

    Decompression is bounded by ``limits.max_status_list_bytes``.

    Raises:
        MalformedInputError: not base64url, not one complete GZIP stream (truncated, or bytes
            after it), or empty.
        InputTooLargeError: it decompresses to more than the limit (a decompression bomb).
    """
    if not isinstance(encoded, str) or not encoded:
        raise MalformedInputError("encodedList must be a non-empty string")
    text = encoded[1:] if encoded.startswith("u") else encoded
    if len(text) > limits.max_input_bytes:
        raise InputTooLargeError("encodedList is over the input size limit")
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise MalformedInputError("encodedList is not base64url") from None
    data = inflate_bounded(
        compressed, wbits=16 + zlib.MAX_WBITS, limits=limits, what="encodedList", stream="GZIP"
    )
    if not data:
        raise MalformedInputError("status list is empty")
    return data


def encode_list(data: bytes, *, multibase: bool = True) -> str:
    """GZIP-compress and base64url-encode ``data`` (``u``-prefixed when ``multibase``)."""
    text = base64.urlsafe_b64encode(gzip.compress(data, mtime=0)).rstrip(b"=").decode("ascii")
    return "u" + text if multibase else text


@dataclass
class Bitstring:
    """A status list held in memory: read and set entries of ``status_size`` bits."""

    data: bytearray
    status_size: int = 1

    @classmethod
    def new(cls, entries: int = MIN_LIST_BITS, status_size: int = 1) -> Bitstring:
        """An all-zero list with room for at least ``entries`` entries (and 16 KiB at least)."""
        if entries <= 0 or status_size <= 0:
            raise ValueError("entries and status_size must be positive")
        bits = max(entries * status_size, MIN_LIST_BITS)
        return cls(bytearray((bits + 7) // 8), status_size)

    @property
    def entries(self) -> int:
        """How many entries fit in the list."""
        return len(self.data) * 8 // self.status_size

    def get(self, index: int) -> int:
        """The status value at ``index``.

        Raises:
            IndexError: ``index`` is outside the list.
        """
        if not 0 <= index < self.entries:
            raise IndexError(f"status index {index} is outside the list (0..{self.entries - 1})")
        value = 0
        start = index * self.status_size
        for bit in range(start, start + self.status_size):
            value = (value << 1) | ((self.data[bit // 8] >> (7 - bit % 8)) & 1)
        return value

    def set(self, index: int, value: int) -> None:
        """Set the status value at ``index`` (``0 <= value < 2**status_size``)."""
        if not 0 <= value < 2**self.status_size:
            raise ValueError(f"status value {value} does not fit in {self.status_size} bits")
        self.get(index)  # bounds check
        start = index * self.status_size
        for offset in range(self.status_size):
            bit = start + offset
            mask = 1 << (7 - bit % 8)
            if (value >> (self.status_size - 1 - offset)) & 1:
                self.data[bit // 8] |= mask
            else:
                self.data[bit // 8] &= ~mask

    def encode(self, *, multibase: bool = True) -> str:
        """The ``encodedList`` value."""
        return encode_list(bytes(self.data), multibase=multibase)
