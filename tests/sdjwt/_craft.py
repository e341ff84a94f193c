"""Crafting SD-JWTs by hand (hostile ones included) for the tests: a payload signed as given."""

from __future__ import annotations

import base64
import json
from typing import Any

from microcred.jose._jwt import _sign
from microcred.keys import KeyPair
from microcred.sdjwt import Disclosure


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def raw_disclosure(items: Any) -> str:
    """The base64url Disclosure of any JSON value (well-formed or not)."""
    return b64(json.dumps(items).encode("utf-8"))


def member(salt: str, name: str, value: Any) -> Disclosure:
    return Disclosure.create(salt, name, value)


def element(salt: str, value: Any) -> Disclosure:
    return Disclosure.create(salt, None, value)


def sign(
    payload: dict[str, Any],
    key: KeyPair,
    disclosures: list[str] | list[Disclosure] = (),  # type: ignore[assignment]
    *,
    header: dict[str, Any] | None = None,
) -> str:
    """``<JWT>~<d1>~...~`` with ``payload`` signed as given (default header: typ dc+sd-jwt)."""
    jose = {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": key.verification_method}
    jose.update(header or {})
    token = _sign(jose, payload, key)
    encoded = [d.encoded if isinstance(d, Disclosure) else d for d in disclosures]
    return token + "~" + "".join(e + "~" for e in encoded)
