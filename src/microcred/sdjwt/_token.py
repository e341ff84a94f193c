"""Reading an SD-JWT (RFC 9901 §4, §7): the compact form, the Disclosures, and processing.

:func:`decode_sd_jwt` splits ``<Issuer-signed JWT>~<Disclosure 1>~...~<Disclosure N>~<KB-JWT>``
and reads every part WITHOUT checking a signature; :meth:`SdJwt.process` applies the
Disclosures to the payload with every check of RFC 9901 §7.1 steps 3 to 5 (each digest once, no
Disclosure left unused, ``_sd`` an array of strings, ``...`` placeholders, claim name
collisions, reserved names), bounded in size, count and depth.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import MicrocredError
from ..jose._jwt import _read_compact, _signing_input
from ..limits import DEFAULT_LIMITS, Limits
from ._disclosure import DEFAULT_SD_ALG, HASH_ALGORITHMS, Disclosure, SdJwtError, digest_of

__all__ = ["MAX_DISCLOSURES", "KeyBinding", "Processed", "SdJwt", "decode_sd_jwt", "pointer"]

#: Most Disclosures one SD-JWT may carry (each costs a hash and a JSON parse).
MAX_DISCLOSURES = 4096


@dataclass(frozen=True)
class KeyBinding:
    """A Key Binding JWT (RFC 9901 §4.3), read without checking its signature.

    Attributes:
        token: the compact KB-JWT.
        header, payload: its decoded header and payload.
        signing_input: the bytes its signature covers.
        signature: its signature bytes.
    """

    token: str
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


@dataclass(frozen=True)
class Processed:
    """The payload with the Disclosures applied (RFC 9901 §7.1 step 3).

    Attributes:
        claims: the processed claims (no ``_sd``, no ``_sd_alg``, no ``...`` placeholders).
        disclosed: RFC 6901 pointers, into ``claims``, of every disclosed member or element,
            in document order.
        hidden: how many digests no Disclosure matched (withheld claims and decoys: a
            verifier cannot tell them apart).
        pointers: the pointer of each Disclosure by its digest.
        parents: the digest of the Disclosure each Disclosure is nested in (``None``: in the
            issuer-signed payload itself), by digest.
    """

    claims: dict[str, Any]
    disclosed: list[str]
    hidden: int
    pointers: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)


def pointer(tokens: list[str]) -> str:
    """An RFC 6901 JSON Pointer from its reference tokens."""
    return "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)


@dataclass(frozen=True)
class SdJwt:
    """An SD-JWT or an SD-JWT+KB, read but not verified.

    Attributes:
        text: the whole compact form.
        issuer_jwt: the issuer-signed JWT.
        header, payload: its decoded header and payload.
        signing_input, signature: what the issuer's signature covers, and the signature.
        disclosures: the Disclosures in the order given.
        key_binding: the KB-JWT, or ``None`` (the form ends with ``~``).
        sd_alg: the ``_sd_alg`` of the payload (``sha-256`` when absent).
    """

    text: str
    issuer_jwt: str
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes
    disclosures: tuple[Disclosure, ...]
    key_binding: KeyBinding | None
    sd_alg: str
    limits: Limits = DEFAULT_LIMITS

    @property
    def presentation_prefix(self) -> str:
        """The string ``sd_hash`` covers: the issuer-signed JWT and the Disclosures up to and
        including the last ``~`` (RFC 9901 §4.3.1)."""
        return self.text[: self.text.rindex("~") + 1]

    def sd_hash(self) -> str:
        """The ``sd_hash`` this presentation's KB-JWT must carry (RFC 9901 §4.3.1)."""
        return digest_of(self.presentation_prefix, self.sd_alg)

    def processed(self) -> dict[str, Any]:
        """The claims with the Disclosures applied (see :meth:`process`).

        Raises:
            SdJwtError: as :meth:`process`.
        """
        return self.process().claims

    def process(self) -> Processed:
        """Apply the Disclosures to the payload (RFC 9901 §7.1 steps 3 to 5).

        Raises:
            SdJwtError: (``sdjwt.digest``) ``_sd`` not an array of strings, a malformed ``...``
                placeholder, a digest found twice, a Disclosure no digest refers to, an array
                element Disclosure referred to from ``_sd`` or the other way round, a
                disclosed claim name already present at its level; (``sdjwt.disclosures``) a
                Disclosure given twice; (``sdjwt.format``) nesting deeper than the limit.
        """
        by_digest: dict[str, Disclosure] = {}
        for disclosure in self.disclosures:
            if disclosure.digest in by_digest:
                raise SdJwtError(
                    "sdjwt.disclosures",
                    "the same disclosure is given twice (RFC 9901 §7.1 step 4: each digest "
                    "is used once)",
                )
            by_digest[disclosure.digest] = disclosure
        walker = _Walker(by_digest, self.limits.max_json_depth)
        payload = {k: v for k, v in self.payload.items() if k != "_sd_alg"}
        claims = walker.walk(payload, [], 0, None)
        unused = [d for d in self.disclosures if d.digest not in walker.used]
        if unused:
            raise SdJwtError(
                "sdjwt.digest",
                f"{len(unused)} disclosure(s) match no digest in the SD-JWT (RFC 9901 §7.1 step 5)",
            )
        assert isinstance(claims, dict)
        return Processed(claims, walker.disclosed, walker.hidden, walker.pointers, walker.parents)


class _Walker:
    """One pass over the payload, applying Disclosures (RFC 9901 §7.1 step 3)."""

    def __init__(self, by_digest: Mapping[str, Disclosure], max_depth: int) -> None:
        self.by_digest = by_digest
        self.max_depth = max_depth
        self.seen: set[str] = set()
        self.used: set[str] = set()
        self.disclosed: list[str] = []
        self.pointers: dict[str, str] = {}
        self.parents: dict[str, str | None] = {}
        self.hidden = 0

    def _lookup(self, digest: str) -> Disclosure | None:
        if digest in self.seen:
            raise SdJwtError(
                "sdjwt.digest",
                "a digest appears more than once in the SD-JWT (RFC 9901 §7.1 step 4)",
            )
        self.seen.add(digest)
        found = self.by_digest.get(digest)
        if found is None:
            self.hidden += 1
        return found

    def _record(self, disclosure: Disclosure, path: list[str], parent: str | None) -> None:
        self.used.add(disclosure.digest)
        where = pointer(path)
        self.disclosed.append(where)
        self.pointers[disclosure.digest] = where
        self.parents[disclosure.digest] = parent

    def walk(self, node: Any, path: list[str], depth: int, parent: str | None) -> Any:
        if depth > self.max_depth:
            raise SdJwtError(
                "sdjwt.format", f"the claims nest deeper than the limit of {self.max_depth}"
            )
        if isinstance(node, dict):
            return self._object(node, path, depth, parent)
        if isinstance(node, list):
            return self._array(node, path, depth, parent)
        return node

    def _object(
        self, node: dict[str, Any], path: list[str], depth: int, parent: str | None
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in node.items():
            if name == "_sd":
                continue
            out[name] = self.walk(value, [*path, name], depth + 1, parent)
        if "_sd" not in node:
            return out
        digests = node["_sd"]
        if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
            raise SdJwtError(
                "sdjwt.digest",
                "_sd must be an array of digest strings (RFC 9901 §4.2.4.1)",
                path=_json_path(path),
            )
        for digest in digests:
            disclosure = self._lookup(digest)
            if disclosure is None:
                continue
            if disclosure.name is None:
                raise SdJwtError(
                    "sdjwt.digest",
                    "an array element disclosure (2 elements) is referred to from _sd, which "
                    "needs an object member disclosure (RFC 9901 §7.1 step 3.3.2.1)",
                    path=_json_path(path),
                )
            if disclosure.name in out:
                raise SdJwtError(
                    "sdjwt.digest",
                    f"the disclosed claim name {disclosure.name!r} already exists at its level "
                    "(RFC 9901 §7.1 step 3.3.2.3)",
                    path=_json_path(path),
                )
            child = [*path, disclosure.name]
            self._record(disclosure, child, parent)
            out[disclosure.name] = self.walk(disclosure.value, child, depth + 1, disclosure.digest)
        return out

    def _array(self, node: list[Any], path: list[str], depth: int, parent: str | None) -> list[Any]:
        out: list[Any] = []
        for element in node:
            if isinstance(element, dict) and "..." in element:
                digest = element["..."]
                if len(element) != 1 or not isinstance(digest, str):
                    raise SdJwtError(
                        "sdjwt.digest",
                        "an array element placeholder is an object with the single member "
                        '"..." holding a digest string (RFC 9901 §4.2.4.2)',
                        path=_json_path(path),
                    )
                disclosure = self._lookup(digest)
                if disclosure is None:
                    continue  # RFC 9901 §7.1 step 3.4: removed
                if disclosure.name is not None:
                    raise SdJwtError(
                        "sdjwt.digest",
                        "an object member disclosure (3 elements) is referred to from an array "
                        "element, which needs an array element disclosure (RFC 9901 §7.1 "
                        "step 3.3.3.1)",
                        path=_json_path(path),
                    )
                child = [*path, str(len(out))]
                self._record(disclosure, child, parent)
                out.append(self.walk(disclosure.value, child, depth + 1, disclosure.digest))
            else:
                out.append(self.walk(element, [*path, str(len(out))], depth + 1, parent))
        return out


def _json_path(tokens: list[str]) -> str:
    return "$" + "".join(f"[{t}]" if t.isdigit() else f".{t}" for t in tokens)


def decode_sd_jwt(
    text: str, *, max_bytes: int = 1024 * 1024, limits: Limits = DEFAULT_LIMITS
) -> SdJwt:
    """Read an SD-JWT (``...~``) or an SD-JWT+KB (``...~<KB-JWT>``) WITHOUT verifying it.

    Args:
        text: the compact form (surrounding white space is ignored).
        max_bytes: the largest form accepted.
        limits: JSON limits for each part (size, depth).

    Returns:
        The :class:`SdJwt`; call :meth:`SdJwt.processed` for the claims with the Disclosures
        applied (which runs RFC 9901's processing checks).

    Raises:
        SdJwtError: (``sdjwt.format``) not the SD-JWT form, too large, too many Disclosures,
            a malformed JWT; (``sdjwt.disclosures``) a malformed Disclosure; (``sdjwt.digest``)
            an unsupported ``_sd_alg``.
    """
    if not isinstance(text, str):
        raise TypeError("an SD-JWT is a string")
    text = text.strip()
    if len(text) > max_bytes:
        raise SdJwtError(
            "sdjwt.format", f"the SD-JWT is {len(text)} bytes, over the limit of {max_bytes}"
        )
    if not text.isascii():
        raise SdJwtError("sdjwt.format", "an SD-JWT is written in ASCII only")
    parts = text.split("~")
    if len(parts) < 2:
        raise SdJwtError("sdjwt.format", "an SD-JWT is a JWS followed by '~' (RFC 9901 §4)")
    if len(parts) - 2 > MAX_DISCLOSURES:
        raise SdJwtError("sdjwt.format", f"more than {MAX_DISCLOSURES} disclosures in one SD-JWT")
    issuer_jwt, encoded, last = parts[0], parts[1:-1], parts[-1]
    try:
        header, payload, segments = _read_compact(issuer_jwt, max_bytes=max_bytes)
        signing_input = _signing_input(issuer_jwt, segments, header)
    except MicrocredError as exc:
        raise SdJwtError("sdjwt.format", f"the issuer-signed JWT is malformed: {exc}") from None
    sd_alg = payload.get("_sd_alg", DEFAULT_SD_ALG)
    if not isinstance(sd_alg, str) or sd_alg not in HASH_ALGORITHMS:
        raise SdJwtError(
            "sdjwt.digest",
            f"_sd_alg {sd_alg!r} is not supported (supported: {', '.join(HASH_ALGORITHMS)})",
        )
    if any(not item for item in encoded):
        raise SdJwtError("sdjwt.format", "an empty disclosure ('~~') in the SD-JWT")
    disclosures = tuple(Disclosure.parse(item, sd_alg, limits=limits) for item in encoded)
    key_binding = None
    if last:
        try:
            kb_header, kb_payload, kb_segments = _read_compact(last, max_bytes=max_bytes)
            kb_input = _signing_input(last, kb_segments, kb_header)
        except MicrocredError as exc:
            raise SdJwtError("sdjwt.kb", f"the key binding JWT is malformed: {exc}") from None
        key_binding = KeyBinding(last, kb_header, kb_payload, kb_input, kb_segments[2])
    return SdJwt(
        text,
        issuer_jwt,
        header,
        payload,
        signing_input,
        segments[2],
        disclosures,
        key_binding,
        sd_alg,
        limits,
    )
