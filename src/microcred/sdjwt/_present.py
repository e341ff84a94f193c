"""Presenting an SD-JWT (RFC 9901 §4.3, §6): choose the Disclosures, add a Key Binding JWT."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from ..jose._jwt import _algorithm, _sign
from ..keys import KeyPair
from ._disclosure import digest_of
from ._issue import parse_pointer
from ._token import decode_sd_jwt, pointer

__all__ = ["present_sd_jwt"]


def _within(inner: str, outer: str) -> bool:
    return inner == outer or inner.startswith(outer + "/")


def present_sd_jwt(
    sd_jwt: str,
    disclose: Iterable[str],
    *,
    holder_key: KeyPair | None = None,
    nonce: str | None = None,
    audience: str | None = None,
    issued_at: datetime | None = None,
    algorithm: str | None = None,
) -> str:
    """A presentation of ``sd_jwt`` that discloses only what ``disclose`` names.

    Args:
        sd_jwt: the SD-JWT as issued (with all its Disclosures; a KB-JWT it ends with is
            dropped).
        disclose: RFC 6901 pointers into the claims as the issuer made them (every Disclosure
            applied). Each keeps the Disclosure of the claim it names, of every disclosable
            claim inside it, and of every disclosable claim it is inside (a nested claim
            cannot be shown without its parent).
        holder_key: the holder's private key: adds a Key Binding JWT (``typ: kb+jwt``) with
            ``iat``, ``aud``, ``nonce`` and ``sd_hash``; then ``nonce`` and ``audience`` are
            required and the key must be the one in the SD-JWT's ``cnf.jwk``.
        nonce, audience: the verifier's nonce and identifier, for the KB-JWT.
        issued_at: the KB-JWT's ``iat`` (default: now).
        algorithm: the KB-JWT's ``alg`` (default: the holder key's).

    Returns:
        ``<JWT>~<chosen Disclosures>~`` (original order kept), then the KB-JWT if any.

    Raises:
        ValueError: a pointer that names no claim of the SD-JWT; a KB-JWT asked for without
            nonce/audience, or with a key that is not the SD-JWT's ``cnf.jwk``.
        SdJwtError: ``sd_jwt`` is not a well-formed SD-JWT.
    """
    if isinstance(disclose, str):
        raise TypeError("disclose is a list of JSON Pointers, not one string")
    token = decode_sd_jwt(sd_jwt)
    processed = token.process()
    wanted = [pointer(parse_pointer(p)) for p in disclose]
    for text in wanted:
        node: object = processed.claims
        for part in parse_pointer(text):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise ValueError(f"the pointer {text!r} names no claim of this SD-JWT")
    keep = {
        digest
        for digest, where in processed.pointers.items()
        if any(_within(where, w) or _within(w, where) for w in wanted)
    }
    # every ancestor of a kept disclosure is kept (the pointer rule gives them, this makes sure)
    for digest in list(keep):
        parent = processed.parents.get(digest)
        while parent is not None:
            keep.add(parent)
            parent = processed.parents.get(parent)
    chosen = [d for d in token.disclosures if d.digest in keep]
    text = token.issuer_jwt + "~" + "".join(d.encoded + "~" for d in chosen)
    if holder_key is None:
        if nonce is not None or audience is not None:
            raise ValueError("nonce and audience go into a Key Binding JWT: pass holder_key")
        return text
    if not nonce or not audience:
        raise ValueError("a Key Binding JWT needs a nonce and an audience")
    cnf = token.payload.get("cnf")
    bound = cnf.get("jwk") if isinstance(cnf, dict) else None
    if not isinstance(bound, dict):
        raise ValueError("the SD-JWT carries no cnf.jwk: it is not bound to a holder key")
    from ._verify import holder_key_of

    if holder_key_of(token.payload).public_jwk() != holder_key.public_jwk():
        raise ValueError("holder_key is not the key the SD-JWT is bound to (cnf.jwk)")
    moment = issued_at or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    alg = _algorithm(holder_key, algorithm)
    kb = _sign(
        {"alg": alg, "typ": "kb+jwt"},
        {
            "iat": int(moment.timestamp()),
            "aud": audience,
            "nonce": nonce,
            "sd_hash": digest_of(text, token.sd_alg),
        },
        holder_key,
    )
    return text + kb
