"""The holder's side, for tests, examples and a small wallet: read an OpenID4VP request (by
value, or by reference with its signed Request Object checked against its ``x5c``
certificate), and answer it from held credentials with presentations bound to its nonce and
client identifier."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..errors import OAuthError
from ..keys import KeyPair
from . import _jwe
from ._dcql import CredentialQuery, DcqlQuery
from ._request import REQUEST_TYP, certificate_dns_names, host_of

__all__ = ["answer_request", "read_request"]

#: The largest Request Object a wallet reads.
MAX_REQUEST_OBJECT = 256 * 1024


def _fail(message: str) -> OAuthError:
    return OAuthError("invalid_request", message)


def read_request(uri: str, *, fetch: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The parameters of the request ``uri`` (``openid4vp://?...``).

    Args:
        uri: the URI a QR code or link holds.
        fetch: GETs a ``request_uri`` and returns the Request Object (needed by reference;
            nothing is fetched otherwise).

    Raises:
        OAuthError: ``invalid_request``: a malformed URI or Request Object, a signature that
            does not verify with its ``x5c`` leaf, a leaf that does not name the client's
            host, a ``client_id`` other than the URI's.
    """
    query = dict(parse_qsl(urlsplit(uri).query, max_num_fields=32))
    if "request_uri" not in query:
        params: dict[str, Any] = dict(query)
        for name in ("dcql_query", "client_metadata"):
            if name in params:
                try:
                    params[name] = json.loads(params[name])
                except ValueError:
                    raise _fail(f"{name} is not JSON") from None
        if not str(params.get("client_id", "")).startswith("redirect_uri:"):
            raise _fail("an unsigned request must use the redirect_uri client identifier prefix")
        return params
    if fetch is None:
        raise ValueError("a request by reference needs fetch")
    token = fetch(query["request_uri"])
    if len(token) > MAX_REQUEST_OBJECT:
        raise _fail("the Request Object is too large")
    params = _verified_request_object(token)
    if params.get("client_id") != query.get("client_id"):
        raise _fail("the Request Object's client_id is not the URI's")
    return params


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _verified_request_object(token: str) -> dict[str, Any]:
    from cryptography import x509

    try:
        protected, body, signature = token.split(".")
        header, params = json.loads(_unb64(protected)), json.loads(_unb64(body))
        leaf_der = base64.b64decode(header["x5c"][0])
        leaf = x509.load_der_x509_certificate(leaf_der)
        key = KeyPair.from_cryptography(leaf.public_key())  # type: ignore[arg-type]
        valid = key.verifier(header["alg"]).verify(
            f"{protected}.{body}".encode(), _unb64(signature)
        )
    except (ValueError, KeyError, TypeError, IndexError):
        raise _fail("the Request Object is not a JWT signed with an x5c certificate") from None
    if not valid or header.get("typ") != REQUEST_TYP or not isinstance(params, dict):
        raise _fail("the Request Object's signature or typ is wrong")
    client_id = str(params.get("client_id", ""))
    host = client_id.removeprefix("x509_san_dns:")
    if not client_id.startswith("x509_san_dns:") or host not in certificate_dns_names(leaf_der):
        raise _fail("the certificate does not name the client identifier's host")
    if host_of(str(params.get("response_uri", ""))) != host:
        raise _fail("response_uri is not on the client identifier's host")
    return params


def _pointers(query: CredentialQuery) -> list[str]:
    """What to disclose for ``query``: each claims path as a pointer (up to a ``null``, which
    selects every element: the whole array is disclosed)."""
    found = []
    for claim in query.claims:
        parts = []
        for element in claim.path:
            if element is None:
                break
            parts.append(str(element).replace("~", "~0").replace("/", "~1"))
        found.append("/" + "/".join(parts))
    return found


def answer_request(
    request: Mapping[str, Any],
    credentials: Mapping[str, str | Mapping[str, Any]],
    holder_key: KeyPair,
    *,
    disclose: Mapping[str, list[str]] | None = None,
) -> dict[str, str]:
    """The Authorization Response to ``request`` (its parameters, :func:`read_request`), as
    the form to POST to its ``response_uri``.

    Args:
        request: the request's parameters.
        credentials: per credential query id, the credential to present: an SD-JWT VC
            (``dc+sd-jwt``), a credential object (``ldp_vc``) or a compact JWT
            (``jwt_vc_json``).
        holder_key: the holder's key (the SD-JWT's ``cnf.jwk``; the presentations' signer).
        disclose: per query id, the pointers to disclose instead of the requested claims
            (to test what a verifier does with too much or too little).

    Returns:
        ``{"vp_token": <JSON>, "state": ...}``, or for ``direct_post.jwt`` ``{"response":
        <JWE>}`` encrypted to the key in ``client_metadata.jwks``.

    Raises:
        OAuthError: ``invalid_request``: the request's DCQL query is invalid, or a
            credential is given for no query of it.
        ValueError: a credential that cannot be presented so.
    """
    dcql = DcqlQuery.parse(request.get("dcql_query"))
    nonce, client_id = str(request["nonce"]), str(request["client_id"])
    vp_token: dict[str, list[Any]] = {}
    for query_id, credential in credentials.items():
        query = dcql.query(query_id)
        if query is None:
            raise _fail(f"the request has no credential query {query_id!r}")
        wanted = (disclose or {}).get(query_id, _pointers(query))
        vp_token[query_id] = [_present(query, credential, wanted, holder_key, nonce, client_id)]
    payload: dict[str, Any] = {"vp_token": vp_token, "state": request.get("state")}
    if request.get("response_mode") != "direct_post.jwt":
        return {"vp_token": json.dumps(vp_token), "state": str(request.get("state"))}
    metadata = request.get("client_metadata") or {}
    keys = (metadata.get("jwks") or {}).get("keys") or []
    if not keys:
        raise _fail("direct_post.jwt without a key in client_metadata.jwks")
    enc = (metadata.get("encrypted_response_enc_values_supported") or ["A128GCM"])[0]
    return {"response": _jwe.encrypt(payload, keys[0], enc=enc)}


def _present(
    query: CredentialQuery,
    credential: str | Mapping[str, Any],
    disclose: list[str],
    holder_key: KeyPair,
    nonce: str,
    client_id: str,
) -> Any:
    if query.format == "dc+sd-jwt":
        from ..sdjwt import present_sd_jwt

        if not isinstance(credential, str):
            raise ValueError("a dc+sd-jwt credential is an SD-JWT string")
        return present_sd_jwt(
            credential, disclose, holder_key=holder_key, nonce=nonce, audience=client_id
        )
    if query.format == "jwt_vc_json":
        from ..jose import present_jwt

        return present_jwt([credential], holder_key, audience=client_id, nonce=nonce)
    from .._issue import present

    return present([credential], holder_key, challenge=nonce, domain=client_id)
