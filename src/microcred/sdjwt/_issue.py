"""Issuing SD-JWTs (RFC 9901 §4, §5) and SD-JWT VCs (draft-ietf-oauth-sd-jwt-vc §3)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from ..jose._jwt import _algorithm, _sign
from ..jsonld import DocumentLoader
from ..keys import KeyPair
from ..limits import DEFAULT_LIMITS
from ._disclosure import DEFAULT_SD_ALG, HASH_ALGORITHMS, RESERVED_NAMES, Disclosure, new_salt

__all__ = [
    "SD_JWT_VC_NEVER_DISCLOSABLE",
    "issue_sd_jwt",
    "issue_sd_jwt_vc",
    "parse_pointer",
]

#: Claims of an SD-JWT VC that are never selectively disclosable (SD-JWT VC §3.2.2: ``iss``,
#: ``nbf``, ``exp``, ``cnf``, ``vct``, ``status`` MUST NOT be; ``iat`` is kept in clear too,
#: as the time checks need it).
SD_JWT_VC_NEVER_DISCLOSABLE = frozenset(
    {"iss", "iat", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"}
)
#: Claims an SD-JWT itself keeps in clear: the holder's key (RFC 9901 §4.1.2) and ``_sd_alg``.
_ALWAYS_CLEAR = frozenset({"cnf", "_sd_alg"})


def parse_pointer(text: str) -> list[str]:
    """The reference tokens of an RFC 6901 JSON Pointer (``/a/b~1c`` → ``["a", "b/c"]``).

    Raises:
        ValueError: not a JSON Pointer, or the whole document (``""``).
    """
    if not isinstance(text, str) or not text.startswith("/"):
        raise ValueError(f"{text!r} is not a JSON Pointer to a claim (RFC 6901: '/name/...')")
    tokens = []
    for raw in text[1:].split("/"):
        if "~" in raw.replace("~0", "").replace("~1", ""):
            raise ValueError(f"{text!r}: '~' must be written ~0 or ~1 (RFC 6901 §3)")
        tokens.append(raw.replace("~1", "/").replace("~0", "~"))
    return tokens


def _resolve(claims: Any, tokens: list[str], text: str) -> None:
    node = claims
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif (
            isinstance(node, list)
            and token.isdigit()
            and (token == "0" or not token.startswith("0"))
            and int(token) < len(node)
        ):
            node = node[int(token)]
        else:
            raise ValueError(f"the pointer {text!r} names no claim")


def _check_names(node: Any) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for name, value in item.items():
                if name in RESERVED_NAMES:
                    raise ValueError(f"a claim may not be named {name!r} (RFC 9901 §4.2.4)")
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


class _Builder:
    def __init__(
        self, disclosable: set[tuple[str, ...]], sd_alg: str, salt: Callable[[], str], decoys: int
    ) -> None:
        self.disclosable = disclosable
        self.sd_alg = sd_alg
        self.salt = salt
        self.decoys = decoys
        self.disclosures: list[Disclosure] = []

    def _decoy(self) -> str:
        return Disclosure.create(secrets.token_urlsafe(16), "decoy", None, self.sd_alg).digest

    def build(self, node: Any, path: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            digests: list[str] = []
            for name, value in node.items():
                child = (*path, name)
                built = self.build(value, child)
                if child in self.disclosable:
                    disclosure = Disclosure.create(self.salt(), name, built, self.sd_alg)
                    self.disclosures.append(disclosure)
                    digests.append(disclosure.digest)
                else:
                    out[name] = built
            if digests:
                digests += [self._decoy() for _ in range(self.decoys)]
                out["_sd"] = sorted(digests)  # RFC 9901 §4.2.4.1: hides the claims' order
            return out
        if isinstance(node, list):
            items: list[Any] = []
            for index, value in enumerate(node):
                child = (*path, str(index))
                built = self.build(value, child)
                if child in self.disclosable:
                    disclosure = Disclosure.create(self.salt(), None, built, self.sd_alg)
                    self.disclosures.append(disclosure)
                    items.append({"...": disclosure.digest})
                else:
                    items.append(built)
            return items
        return node


def issue_sd_jwt(
    claims: Mapping[str, Any],
    key: KeyPair,
    *,
    disclosable: Iterable[str] = (),
    typ: str | None = None,
    holder_jwk: Mapping[str, Any] | None = None,
    decoys: int = 0,
    algorithm: str | None = None,
    salt: Callable[[], str] | None = None,
    sd_alg: str = DEFAULT_SD_ALG,
    header: Mapping[str, Any] | None = None,
) -> str:
    """Issue an SD-JWT (RFC 9901): the compact form ``<JWT>~<Disclosure>~...~``.

    Args:
        claims: the claims (never mutated). No member may be named ``_sd`` or ``...``.
        key: the issuer's key (signs with its own signer; ``kid`` = its verification method).
        disclosable: RFC 6901 JSON Pointers into ``claims``: a pointer to an object member
            makes it a selectively disclosable member, to an array element a selectively
            disclosable element; a pointer below another one gives a recursive disclosure.
        typ: the JOSE ``typ`` header (``None``: none).
        holder_jwk: the holder's public JWK, carried as ``cnf.jwk`` (RFC 7800) in clear.
        decoys: decoy digests added to every ``_sd`` array (RFC 9901 §4.2.5).
        algorithm: the JWS ``alg`` (default: the key's, as :func:`microcred.jose.issue_jwt`).
        salt: makes each salt (default: 128 random bits); inject for deterministic tests.
        sd_alg: the ``_sd_alg`` (``sha-256``, ``sha-384`` or ``sha-512``).
        header: further JOSE header parameters (e.g. ``x5c``); ``alg`` and ``typ`` stay ours,
            ``kid`` defaults to the key's verification method (``"kid": None`` leaves it out,
            e.g. for an issuer known by its ``x5c`` certificate).

    Returns:
        The SD-JWT with every Disclosure, ending with ``~``.

    Raises:
        ValueError: a pointer that names no claim, names ``cnf``/``_sd_alg``, or is the whole
            document; a reserved claim name; a private ``holder_jwk``; an unknown ``sd_alg``;
            an algorithm that does not fit the key; a negative ``decoys``; a claim that is not
            JSON (``NaN``, infinities, unpaired surrogates).
        TypeError: ``claims`` is not a mapping, or holds a value JSON has no form for.
    """
    if not isinstance(claims, Mapping):
        raise TypeError("claims must be a JSON object")
    if sd_alg not in HASH_ALGORITHMS:
        raise ValueError(f"sd_alg must be one of {', '.join(HASH_ALGORITHMS)}")
    if isinstance(decoys, bool) or not isinstance(decoys, int) or decoys < 0:
        raise ValueError("decoys is a number of decoy digests (0 or more)")
    body: dict[str, Any] = dict(claims)
    if holder_jwk is not None:
        if not isinstance(holder_jwk, Mapping) or any(
            m in holder_jwk for m in ("d", "p", "q", "k")
        ):
            raise ValueError("holder_jwk must be a public JWK")
        KeyPair.from_jwk({k: v for k, v in holder_jwk.items() if k != "kid"})  # usable
        body["cnf"] = {"jwk": dict(holder_jwk)}
    _check_names(body)
    try:  # what the JWT will carry must be JSON, as a verifier reads it
        json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a claim holds a string that is not valid Unicode") from None
    if isinstance(disclosable, str):
        raise TypeError("disclosable is a list of JSON Pointers, not one string")
    chosen: set[tuple[str, ...]] = set()
    for text in disclosable:
        tokens = parse_pointer(text)
        if len(tokens) == 1 and tokens[0] in _ALWAYS_CLEAR:
            raise ValueError(f"{text!r} is never selectively disclosable")
        _resolve(body, tokens, text)
        chosen.add(tuple(tokens))
    alg = _algorithm(key, algorithm)
    builder = _Builder(chosen, sd_alg, salt or new_salt, decoys)
    payload = builder.build(body, ())
    payload["_sd_alg"] = sd_alg
    jose: dict[str, Any] = dict(header or {})
    jose.update(alg=alg)
    if typ is not None:
        jose["typ"] = typ
    jose.setdefault("kid", key.verification_method)
    if jose.get("kid") is None:
        del jose["kid"]
    token = _sign(jose, payload, key)
    return token + "~" + "".join(d.encoded + "~" for d in builder.disclosures)


def _numeric(moment: datetime | None, name: str) -> int | None:
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def issue_sd_jwt_vc(
    claims: Mapping[str, Any],
    key: KeyPair,
    *,
    vct: str,
    disclosable: Iterable[str] = (),
    holder_jwk: Mapping[str, Any] | None = None,
    issued_at: datetime | None = None,
    not_before: datetime | None = None,
    expires: datetime | None = None,
    status: Mapping[str, Any] | None = None,
    typ: str = "dc+sd-jwt",
    decoys: int = 0,
    algorithm: str | None = None,
    salt: Callable[[], str] | None = None,
    vct_integrity: str | None = None,
    header: Mapping[str, Any] | None = None,
) -> str:
    """Issue an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3): typ ``dc+sd-jwt``, claims ``iss``
    (the key's controller unless ``claims`` has one), ``vct``, ``iat`` (default: now), ``nbf``,
    ``exp``, ``cnf`` and ``status`` in clear (never disclosable), and the rest as ``claims``
    gives them, the ``disclosable`` ones selectively disclosable.

    Args:
        claims: the credential's claims (never mutated).
        key: the issuer's key (``kid`` = its verification method).
        vct: the credential type (a URI or URN).
        vct_integrity: the ``vct#integrity`` claim (W3C SRI of the type metadata), if any.
        issued_at, not_before, expires: ``iat``, ``nbf``, ``exp``.
        status: the ``status`` claim (e.g. ``{"status_list": {"idx": 3, "uri": ...}}``).
        typ: ``dc+sd-jwt`` (or the older ``vc+sd-jwt``).
        disclosable, holder_jwk, decoys, algorithm, salt, header: as :func:`issue_sd_jwt`.

    Returns:
        The SD-JWT VC, ending with ``~``.

    Raises:
        ValueError: a pointer to a claim that is never disclosable, an empty ``vct``, or as
            :func:`issue_sd_jwt`.
    """
    if not isinstance(vct, str) or not vct:
        raise ValueError("vct must be a non-empty string")
    if typ not in ("dc+sd-jwt", "vc+sd-jwt"):
        raise ValueError("typ must be 'dc+sd-jwt' (or the older 'vc+sd-jwt')")
    if isinstance(disclosable, str):
        raise TypeError("disclosable is a list of JSON Pointers, not one string")
    pointers = list(disclosable)
    for text in pointers:
        tokens = parse_pointer(text)
        if tokens[0] in SD_JWT_VC_NEVER_DISCLOSABLE:
            raise ValueError(
                f"{text!r}: {tokens[0]} is never selectively disclosable in an SD-JWT VC"
            )
    body: dict[str, Any] = {"iss": key.controller}
    body.update(claims)
    body["vct"] = vct
    if vct_integrity is not None:
        body["vct#integrity"] = vct_integrity
    body["iat"] = _numeric(issued_at or datetime.now(timezone.utc), "issued_at")
    for name, moment in (("nbf", not_before), ("exp", expires)):
        value = _numeric(moment, name)
        if value is not None:
            body[name] = value
    if status is not None:
        body["status"] = dict(status)
    return issue_sd_jwt(
        body,
        key,
        disclosable=pointers,
        typ=typ,
        holder_jwk=holder_jwk,
        decoys=decoys,
        algorithm=algorithm,
        salt=salt,
        header=header,
    )


#: Members of a VC 2.0 credential that stay in clear in ``vc+sd-jwt``: what a verifier needs to
#: read what it is and who issued it, and when it is valid.
VC_NEVER_DISCLOSABLE = frozenset(
    {
        "@context",
        "type",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialStatus",
        "credentialSchema",
    }
)


def issue_vc_sd_jwt(
    credential: Mapping[str, Any],
    key: KeyPair,
    *,
    disclosable: Iterable[str] = (),
    holder_jwk: Mapping[str, Any] | None = None,
    decoys: int = 0,
    algorithm: str | None = None,
    salt: Callable[[], str] | None = None,
    loader: DocumentLoader | None = None,
    allow_inline_contexts: bool = False,
) -> str:
    """A W3C VC 2.0 credential secured with SD-JWT (VC JOSE-COSE §3.2: ``typ: vc+sd-jwt``,
    ``cty: vc``; the payload is the credential, with ``_sd`` digests where members were made
    selectively disclosable).

    ``@context``, ``type``, ``issuer``, ``validFrom``, ``validUntil``, ``credentialStatus`` and
    ``credentialSchema`` stay in clear.

    Before signing, the whole credential is read as :func:`microcred.verify` will read it
    (the VC base context first, JSON-LD safe mode, the strict reading rule), as
    :func:`microcred.issue` does: what a verifier would refuse is never signed.

    Raises:
        ValueError: a pointer to a member that stays in clear, the base context missing, or
            as :func:`issue_sd_jwt`.
        JsonLdError: the credential cannot be read (an unknown context, a term no context
            defines, the strict reading rule).
    """
    from .._issue import read_strictly

    if not isinstance(credential, Mapping):
        raise TypeError("credential must be a JSON object")
    read_strictly(
        credential,
        loader=loader,
        limits=DEFAULT_LIMITS,
        allow_inline_contexts=allow_inline_contexts,
    )
    if isinstance(disclosable, str):
        raise TypeError("disclosable is a list of JSON Pointers, not one string")
    pointers = list(disclosable)
    for text in pointers:
        tokens = parse_pointer(text)
        if tokens[0] in VC_NEVER_DISCLOSABLE:
            raise ValueError(f"{text!r}: {tokens[0]} stays in clear in a vc+sd-jwt credential")
    return issue_sd_jwt(
        credential,
        key,
        disclosable=pointers,
        typ="vc+sd-jwt",
        holder_jwk=holder_jwk,
        decoys=decoys,
        algorithm=algorithm,
        salt=salt,
        header={"cty": "vc"},
    )
