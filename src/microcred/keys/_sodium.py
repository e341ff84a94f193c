"""Ed25519 verification by libsodium (PyNaCl), when it is installed: an accelerator only.

``cryptography`` (OpenSSL) verifies an Ed25519 signature in about 0.10 ms on the project's
2-core machine, libsodium in about 0.05 ms; every Data Integrity and EdDSA JWT verification
does one. :func:`verify` is used first; a ``False`` from it is never final: the caller asks
OpenSSL, so a signature's verdict is the one OpenSSL gives, with or without PyNaCl.
(libsodium accepts a subset of what OpenSSL accepts: both check RFC 8032's equation without
the cofactor and ``S < L``; libsodium also refuses small-order and non-canonical points.)

PyNaCl's compiled module is imported directly (``nacl._sodium``, about 1 ms) rather than
``nacl.bindings`` (20-60 ms, every binding), to keep the CLI's cold start; if that module is
absent or not as expected, the accelerator is off and nothing else changes.
"""

from __future__ import annotations

from typing import Any

__all__ = ["available", "verify"]

_LIB: list[Any] = []  # [ffi, lib] once loaded; [None, None] when PyNaCl is not usable


def _load() -> tuple[Any, Any]:
    if not _LIB:
        try:
            from nacl._sodium import ffi, lib  # type: ignore[import-not-found,unused-ignore]

            if lib.sodium_init() < 0 or not hasattr(lib, "crypto_sign_open"):
                raise ImportError("libsodium did not initialise")
            _LIB.extend((ffi, lib))
        except Exception:  # ImportError, or a PyNaCl of another shape
            _LIB.extend((None, None))
    return _LIB[0], _LIB[1]


def available() -> bool:
    """Whether libsodium verification is in use."""
    return _load()[1] is not None


def verify(public_key: bytes, signature: bytes, data: bytes) -> bool:
    """Whether libsodium accepts the Ed25519 ``signature`` of ``data`` by the 32-byte
    ``public_key``; ``False`` also when libsodium is not available (then ask OpenSSL)."""
    ffi, lib = _load()
    if lib is None or len(public_key) != 32 or len(signature) != 64:
        return False
    signed = signature + data
    message = ffi.new("unsigned char[]", len(signed))
    length = ffi.new("unsigned long long *")
    return bool(lib.crypto_sign_open(message, length, signed, len(signed), public_key) == 0)
