"""The SD-JWT route: an SD-JWT VC (``dc+sd-jwt``) or a VC 2.0 credential secured with
SD-JWT (``vc+sd-jwt``), with or without a Key Binding JWT.

In order (each a named check): ``sdjwt.format`` (the compact form, RFC 9901 §4),
``sdjwt.header`` (``typ``: ``dc+sd-jwt``; ``vc+sd-jwt`` read as the older name of an SD-JWT
VC when the payload has a ``vct`` and no ``@context``, else as W3C VC JOSE-COSE §3.2),
``sdjwt.alg`` (the caller's allowlist, never ``none`` or HMAC), ``sdjwt.issuer-key`` (by
``x5c`` against the caller's trust anchors, by ``kid`` through the DID resolvers as the JWT
route does, or by JWT VC Issuer Metadata through the caller's fetcher), ``sdjwt.signature``,
``sdjwt.disclosures`` and ``sdjwt.digest`` (RFC 9901 §7.1 steps 3 to 5), ``sdjwt.kb`` (§7.3
step 5), ``sdjwt.iat``/``sdjwt.nbf``/``sdjwt.exp`` (§7.1 step 6); for an SD-JWT VC
``sdjwt.claims`` (claims that are never selectively disclosable), ``sdjwt.vct`` (type
metadata through the caller's fetcher, its integrity by ``vct#integrity``) and ``issuer``.
For ``vc+sd-jwt`` the ``contexts`` check, then the pipeline's shared steps as for ``vc+jwt``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from datetime import timezone
from typing import Any
from urllib.parse import urlsplit

from .. import _json
from .._vc import types_of
from ..errors import MicrocredError
from ..jose import KEY_ALGORITHMS
from ..keys import KeyPair, Verifier
from ..report import VerificationReport
from ..sdjwt import SdJwt, SdJwtError, check_key_binding, decode_sd_jwt
from ..sdjwt._token import pointer
from ..sdjwt._verify import check_alg, time_checks
from . import _jwt
from ._binding import check_binding
from ._contexts import check_contexts
from ._options import VerifyOptions
from ._secured import Secured, Signature

__all__ = ["issuer_metadata_url", "looks_like_sd_jwt", "route"]

_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+~")
#: SD-JWT VC claims that MUST NOT be selectively disclosable (draft-ietf-oauth-sd-jwt-vc §3.2.2).
_NEVER_DISCLOSED = ("iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status")
_SRI = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
_METADATA_BYTES = 256 * 1024


def looks_like_sd_jwt(text: str) -> bool:
    """Whether ``text`` has the SD-JWT shape: a compact JWS followed by ``~``."""
    return bool(_SHAPE.match(text.strip()))


def route(report: VerificationReport, text: str, options: VerifyOptions) -> Secured | None:
    """Verify the SD-JWT (or SD-JWT+KB) ``text`` into ``report``.

    Returns:
        The processed claims as the secured document (``report.format`` says which form),
        or ``None`` when verification stops (the report says why).
    """
    report.format = "sd-jwt"
    try:
        token = decode_sd_jwt(text, max_bytes=options.limits.max_jwt_bytes, limits=options.limits)
    except SdJwtError as exc:
        _refused(report, exc)
        return None
    report.add(
        "sdjwt.format",
        "passed",
        f"SD-JWT with {len(token.disclosures)} disclosure(s)"
        + (" and a key binding JWT" if token.key_binding else ""),
    )
    vc = _form(report, token)
    if vc is None:
        return None
    try:
        alg = check_alg(token.header.get("alg"), options.algorithms, "sdjwt.alg")
    except SdJwtError as exc:
        report.add("sdjwt.alg", "failed", str(exc))
        return None
    report.add("sdjwt.alg", "passed", alg)
    found = _issuer_key(report, token, alg, vc, options)
    if found is None:
        return None
    verifier, signature = found
    if verifier is None or not verifier.verify(token.signing_input, token.signature):
        report.add("sdjwt.signature", "failed", "the issuer's signature does not match the SD-JWT")
        return None
    report.add(
        "sdjwt.signature", "passed", f"signature verified with {signature.verification_method}"
    )
    try:
        processed = token.process()
    except SdJwtError as exc:
        _refused(report, exc)
        return None
    report.add(
        "sdjwt.disclosures",
        "passed",
        f"{len(processed.disclosed)} claim(s) disclosed, {processed.hidden} digest(s) not "
        "disclosed (withheld claims or decoys)",
    )
    report.add("sdjwt.digest", "passed", f"every digest used once ({token.sd_alg})")
    document = processed.claims
    report.document = document
    report.disclosed = list(processed.disclosed)
    report.hidden_count = processed.hidden
    report.kind = "credential"
    _key_binding(report, token, options)
    for check, status, message in time_checks(document, options.moment, options.max_clock_skew):
        report.add(check, "failed" if status == "failed" else "passed", message)
    if signature.controller is None:
        return None  # a key nothing ties to the issuer: sdjwt.issuer-key said so
    if vc == "sd-jwt-vc":
        _check_vc_claims(report, document, processed.disclosed)
        _type_metadata(report, document, options, processed.disclosed)
        _issuer_binding(report, document, signature, token, options)
        return Secured(document, "credential", [signature])
    if "VerifiableCredential" not in types_of(document):
        report.add("format", "failed", "a vc+sd-jwt token that carries no VerifiableCredential")
        return None
    if check_contexts(report, document, options, signed_as_json=True) is None:
        return None
    return Secured(document, "credential", [signature])


def _refused(report: VerificationReport, exc: SdJwtError) -> None:
    """The failed check an :class:`SdJwtError` of reading or processing names (each id
    written out, so that every id this route reports can be read from its source)."""
    for check_id in ("sdjwt.disclosures", "sdjwt.digest", "sdjwt.kb"):
        if exc.check == check_id:
            report.add(check_id, "failed", exc.message, exc.path)
            return
    report.add("sdjwt.format", "failed", exc.message, exc.path)


def _form(report: VerificationReport, token: SdJwt) -> str | None:
    """``sd-jwt-vc`` or ``vc+sd-jwt`` by ``typ`` and payload; ``None`` after a failed check."""
    header, payload = token.header, token.payload
    if "crit" in header:
        report.add(
            "sdjwt.header",
            "failed",
            f"unsupported critical header parameters: {repr(header['crit'])[:120]}",
        )
        return None
    typ = header.get("typ")
    media = typ.lower().removeprefix("application/") if isinstance(typ, str) else None
    if media == "dc+sd-jwt" or (
        media == "vc+sd-jwt" and "vct" in payload and "@context" not in payload
    ):
        form = "sd-jwt-vc"
    elif media == "vc+sd-jwt":
        form = "vc+sd-jwt"
        cty = header.get("cty")
        if cty is not None and (
            not isinstance(cty, str) or cty.lower() not in ("vc", "application/vc")
        ):
            report.add(
                "sdjwt.header", "failed", f"cty {repr(cty)[:80]} does not fit typ vc+sd-jwt (vc)"
            )
            return None
        if "vc" in payload or "vp" in payload:
            report.add(
                "sdjwt.header",
                "failed",
                "a vc+sd-jwt token carries a vc or vp claim (VC JOSE-COSE §3.1.1: MUST NOT)",
            )
            return None
    else:
        report.add(
            "sdjwt.header",
            "failed",
            f"typ {repr(typ)[:80]}: an SD-JWT credential is typed dc+sd-jwt (SD-JWT VC) or "
            "vc+sd-jwt (VC 2.0); other SD-JWTs are read with microcred.sdjwt.verify_sd_jwt",
        )
        return None
    report.format = form
    report.add("sdjwt.header", "passed", f"typ {typ} ({form})")
    return form


def _issuer_key(
    report: VerificationReport, token: SdJwt, alg: str, form: str, options: VerifyOptions
) -> tuple[Verifier | None, Signature] | None:
    """The issuer's key: ``x5c``, then JWT VC Issuer Metadata (an https ``iss`` when a
    fetcher is given and ``kid`` is no DID URL), then ``kid`` as the JWT route resolves it."""
    header, payload = token.header, token.payload
    if "x5c" in header:
        return _x5c_key(report, header["x5c"], payload, alg, options)
    iss = payload.get("iss")
    kid = header.get("kid")
    kid_is_did = isinstance(kid, str) and kid.startswith("did:")
    if (
        form == "sd-jwt-vc"
        and isinstance(iss, str)
        and iss.startswith("https://")
        and options.metadata_fetcher is not None
        and not kid_is_did
    ):
        return _metadata_key(report, iss, kid, alg, options)
    if (
        form == "sd-jwt-vc"
        and isinstance(iss, str)
        and iss.startswith("https://")
        and not (isinstance(kid, str) and kid.startswith(("did:", "https://", "#")))
    ):
        # a kid no DID resolver can use, of an https issuer: its key is in its JWT VC Issuer
        # Metadata, which the caller did not let be fetched
        where = issuer_metadata_url(iss) if _is_issuer_url(iss) else iss
        report.add(
            "sdjwt.issuer-key",
            "error",
            f"the key of the https issuer {iss} is in its JWT VC Issuer Metadata ({where}), "
            "which is fetched only with a metadata_fetcher (--allow-network)",
        )
        return None
    # the JWT route's key resolution, its checks reported under this route's name
    scratch = VerificationReport()
    shim = {"issuer": iss} if form == "sd-jwt-vc" else payload
    found = _jwt._key(scratch, header, payload, shim, "credential", alg, options)
    for check in scratch.checks:
        check_id = "sdjwt.issuer-key" if check.id == "jwt.key" else check.id
        report.add(check_id, check.status, check.message, check.path)
    return found


def _is_issuer_url(iss: str) -> bool:
    try:
        issuer_metadata_url(iss)
    except ValueError:
        return False
    return True


def _x5c_key(
    report: VerificationReport,
    x5c: Any,
    payload: Mapping[str, Any],
    alg: str,
    options: VerifyOptions,
) -> tuple[Verifier | None, Signature] | None:
    """The leaf of an ``x5c`` chain (RFC 7515 §4.1.6), validated to the caller's anchors
    with ``cryptography``'s X.509 path validation; for an https ``iss`` the leaf must name
    it as a URI or DNS subject alternative name (SD-JWT VC, X.509-based issuer keys)."""
    from cryptography import x509
    from cryptography.x509.verification import (
        ExtensionPolicy,
        PolicyBuilder,
        Store,
        VerificationError,
    )

    check = "sdjwt.issuer-key"
    if (
        not isinstance(x5c, list)
        or not x5c
        or len(x5c) > 10
        or not all(isinstance(c, str) for c in x5c)
    ):
        report.add(check, "failed", "x5c must be a non-empty array of base64 certificates")
        return None
    try:
        chain = [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in x5c]
    except (binascii.Error, ValueError) as exc:
        report.add(check, "failed", f"x5c holds a certificate that cannot be read: {exc}")
        return None
    if not options.trust_anchors:
        report.add(
            check,
            "error",
            "the issuer's key is an x5c certificate chain, and no trust anchors were given "
            "(trust_anchors=, --trust-anchor): it cannot be trusted",
        )
        return None
    try:
        store = Store([x509.load_der_x509_certificate(der) for der in options.trust_anchors])
        verifier = (
            PolicyBuilder()
            .store(store)
            .time(options.moment.astimezone(timezone.utc).replace(tzinfo=None))
            .extension_policies(
                ca_policy=ExtensionPolicy.webpki_defaults_ca(),
                ee_policy=ExtensionPolicy.permit_all(),
            )
            .build_client_verifier()
        )
        validated = verifier.verify(chain[0], chain[1:])
    except (VerificationError, ValueError) as exc:
        report.add(check, "failed", f"the x5c chain does not validate to a trust anchor: {exc}")
        return None
    leaf = chain[0]
    try:
        key = KeyPair.from_cryptography(leaf.public_key(), did_method="jwk")  # type: ignore[arg-type]
    except (MicrocredError, TypeError) as exc:
        report.add(check, "failed", f"the x5c leaf's key is unusable: {exc}")
        return None
    if alg not in KEY_ALGORITHMS.get(key.key_type, frozenset()):
        report.add(check, "failed", f"alg {alg} does not fit the x5c leaf's {key.key_type} key")
        return None
    subject = leaf.subject.rfc4514_string()[:200]
    iss = payload.get("iss")
    controller: str | None = iss if isinstance(iss, str) else subject
    if isinstance(iss, str) and not _san_names(leaf, iss):
        # an https iss must match a SAN (SD-JWT VC); any other iss the certificate does
        # not name is not tied to it either (the certificate would vouch for no one)
        report.add(
            check,
            "failed",
            f"the x5c leaf ({subject}) names the issuer {iss[:120]} in no subject alternative "
            "name (SD-JWT VC, X.509-based issuer keys: the iss must match a SAN of the leaf)",
        )
        return None
    report.add(check, "passed", f"x5c leaf {subject} ({key.key_type}), chain to a trust anchor")
    # for the trust step: the anchor the chain ended at, and the name the leaf certifies
    anchor = validated.chain[-1].subject.rfc4514_string()[:200]
    return key.verifier(alg), Signature(
        "$", f"x5c:{subject}", controller, "assertionMethod", anchor, _certified_name(leaf)
    )


def _certified_name(leaf: Any) -> str | None:
    """The leaf certificate's subject organizationName, else its commonName."""
    from cryptography.x509.oid import NameOID

    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        values = leaf.subject.get_attributes_for_oid(oid)
        if values and isinstance(values[0].value, str) and values[0].value.strip():
            return str(values[0].value).strip()[:200]
    return None


def _san_names(leaf: Any, iss: str) -> bool:
    from cryptography import x509

    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    uris = san.get_values_for_type(x509.UniformResourceIdentifier)
    if iss in uris or iss.rstrip("/") in uris:
        return True
    if not iss.startswith("https://"):
        return False
    host = (urlsplit(iss).hostname or "").lower()
    return bool(host) and host in (d.lower() for d in san.get_values_for_type(x509.DNSName))


def issuer_metadata_url(iss: str) -> str:
    """The JWT VC Issuer Metadata URL of an https ``iss`` (SD-JWT VC §5.1): the well-known
    segment ``/.well-known/jwt-vc-issuer`` inserted between host and path, a trailing ``/``
    of the path removed first.

    Raises:
        ValueError: ``iss`` is not an https URL with a host, or has a query or fragment.
    """
    parts = urlsplit(iss)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"{iss[:120]!r} is not an https issuer identifier")
    return f"https://{parts.netloc}/.well-known/jwt-vc-issuer{parts.path.rstrip('/')}"


def _fetch_json(url: str, options: VerifyOptions) -> tuple[bytes, Any]:
    assert options.metadata_fetcher is not None
    data = options.metadata_fetcher.fetch(url, accept="application/json", max_bytes=_METADATA_BYTES)
    return data, _json.loads(data, limits=options.limits)


def _metadata_key(
    report: VerificationReport, iss: str, kid: Any, alg: str, options: VerifyOptions
) -> tuple[Verifier | None, Signature] | None:
    """The key from the issuer's JWT VC Issuer Metadata (``jwks`` or ``jwks_uri``), by
    ``kid`` (or the only key)."""
    check = "sdjwt.issuer-key"
    try:
        url = issuer_metadata_url(iss)
        _, metadata = _fetch_json(url, options)
        if not isinstance(metadata, dict) or metadata.get("issuer") != iss:
            report.add(check, "failed", f"the issuer metadata at {url} is not {iss}'s (issuer)")
            return None
        jwks = metadata.get("jwks")
        if jwks is None and isinstance(metadata.get("jwks_uri"), str):
            _, jwks = _fetch_json(metadata["jwks_uri"], options)
        keys = jwks.get("keys") if isinstance(jwks, dict) else None
        if not isinstance(keys, list):
            report.add(check, "failed", f"the issuer metadata at {url} has no jwks with keys")
            return None
    except ValueError as exc:
        report.add(check, "failed", str(exc))
        return None
    except MicrocredError as exc:
        report.add_error(check, exc, f"issuer metadata of {iss} cannot be had: {exc.message}")
        return None
    candidates = [k for k in keys if isinstance(k, dict) and (kid is None or k.get("kid") == kid)]
    if len(candidates) != 1:
        report.add(
            check,
            "failed",
            f"the issuer metadata has {len(candidates)} key(s) for kid {repr(kid)[:80]} "
            "(one is needed)",
        )
        return None
    jwk = candidates[0]
    if any(m in jwk for m in ("d", "p", "q", "k")):
        report.add(check, "failed", "the issuer metadata's key is not a public JWK")
        return None
    try:
        key = KeyPair.from_jwk(
            {k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y", "n", "e")},
            did_method="jwk",
        )
    except MicrocredError as exc:
        report.add(check, "failed", f"the issuer metadata's key is unusable: {exc}")
        return None
    if alg not in KEY_ALGORITHMS.get(key.key_type, frozenset()):
        report.add(check, "failed", f"alg {alg} does not fit the issuer's {key.key_type} key")
        return None
    report.add(check, "passed", f"key {kid or '(the only one)'} from {iss}'s issuer metadata")
    return key.verifier(alg), Signature(
        "$", f"{iss} jwks {kid or ''}".strip(), iss, "assertionMethod"
    )


def _key_binding(report: VerificationReport, token: SdJwt, options: VerifyOptions) -> None:
    nonce, audience = options.kb_nonce, options.kb_audience
    required = options.require_key_binding or nonce is not None or audience is not None
    if token.key_binding is None and not required:
        report.add("sdjwt.kb", "skipped", "no key binding JWT presented, none required")
        if isinstance(token.payload.get("cnf"), dict):
            report.warn(
                "sdjwt.kb",
                "the credential is bound to a holder key (cnf) but was presented without key "
                "binding: anyone holding it could have presented it",
            )
        return
    try:
        summary = check_key_binding(
            token,
            nonce=nonce,
            audience=audience,
            now=options.moment,
            max_clock_skew=options.max_clock_skew,
            max_age=options.kb_max_age,
            algorithms=options.algorithms,
        )
    except SdJwtError as exc:
        report.add("sdjwt.kb", "failed", exc.message)
        return
    report.add("sdjwt.kb", "passed", summary)
    if nonce is None:
        report.warn("sdjwt.kb", "the caller expected no nonce: the presentation could be a replay")


def _check_vc_claims(
    report: VerificationReport, document: Mapping[str, Any], disclosed: list[str]
) -> None:
    problems = [
        f"{name} is selectively disclosed"
        for name in _NEVER_DISCLOSED
        if f"/{name.replace('~', '~0').replace('/', '~1')}" in disclosed
    ]
    if not isinstance(document.get("vct"), str) or not document["vct"]:
        problems.append("vct is missing or not a string")
    if "iss" in document and not isinstance(document["iss"], str):
        problems.append("iss is not a string")
    for name in ("cnf", "status"):
        if name in document and not isinstance(document[name], dict):
            problems.append(f"{name} is not an object")
    if "vct#integrity" in document and not isinstance(document["vct#integrity"], str):
        problems.append("vct#integrity is not a string")
    if problems:
        report.add(
            "sdjwt.claims",
            "failed",
            "; ".join(problems) + " (draft-ietf-oauth-sd-jwt-vc §3.2.2)",
        )
    else:
        report.add("sdjwt.claims", "passed", "SD-JWT VC claims as the specification requires")


def sri_matches(integrity: str, data: bytes) -> bool:
    """Whether ``data`` matches the W3C Subresource Integrity metadata ``integrity``
    (``sha256-``/``sha384-``/``sha512-`` base64, several separated by spaces: the strongest
    algorithm given decides, any of its values may match)."""
    entries = []
    for item in integrity.split():
        name, _, value = item.partition("-")
        if name in _SRI and value:
            entries.append((name, value.split("?")[0]))
    if not entries:
        return False
    order = ["sha256", "sha384", "sha512"]
    strongest = max(order.index(name) for name, _ in entries)
    for name, value in entries:
        if order.index(name) != strongest:
            continue
        expected = base64.b64encode(hashlib.new(_SRI[name], data).digest()).decode("ascii")
        if value == expected:
            return True
    return False


#: How many ``extends`` steps type metadata may take (each one a fetch).
_MAX_EXTENDS = 5


def _select(document: Any, path: list[Any]) -> list[str]:
    """The RFC 6901 pointers of what a claim path (SD-JWT VC, "Claim Path": strings select
    members, ``null`` every element of an array, integers an element) selects in
    ``document``."""
    found: list[tuple[list[str], Any]] = [([], document)]
    for step in path:
        following: list[tuple[list[str], Any]] = []
        for tokens, node in found:
            if isinstance(step, str) and isinstance(node, dict) and step in node:
                following.append(([*tokens, step], node[step]))
            elif step is None and isinstance(node, list):
                following += [([*tokens, str(i)], v) for i, v in enumerate(node)]
            elif (
                isinstance(step, int)
                and not isinstance(step, bool)
                and isinstance(node, list)
                and 0 <= step < len(node)
            ):
                following.append(([*tokens, str(step)], node[step]))
        found = following
    return [pointer(tokens) for tokens, _ in found]


def _sd_rules(
    metadata: Mapping[str, Any], document: Mapping[str, Any], disclosed: list[str]
) -> list[str]:
    """Where the credential breaks the ``sd`` rule of its type metadata's claim metadata
    (``never``: not selectively disclosed; ``always``: not in clear)."""
    problems: list[str] = []
    claims = metadata.get("claims")
    if not isinstance(claims, list):
        return problems
    shown = set(disclosed)
    for entry in claims[:1000]:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), list):
            continue
        rule = entry.get("sd")
        if rule not in ("always", "never"):
            continue
        for where in _select(document, entry["path"][:64]):
            if rule == "never" and where in shown:
                problems.append(f"{where[:80]} is selectively disclosed (type metadata: sd never)")
            elif rule == "always" and where not in shown:
                problems.append(f"{where[:80]} is in clear (type metadata: sd always)")
    return problems


def _type_metadata(
    report: VerificationReport,
    document: Mapping[str, Any],
    options: VerifyOptions,
    disclosed: list[str] | None = None,
) -> None:
    """``sdjwt.vct``: the type's metadata, when the caller gives a fetcher and ``vct`` is an
    https URL, its integrity by ``vct#integrity``, and the types it ``extends`` (each by its
    ``extends#integrity``, at most five, no cycle) (SD-JWT VC, "Type Metadata"); the ``sd``
    rules of every type's claim metadata (SD-JWT VC, "Claim Metadata") against what was
    disclosed."""
    vct = document.get("vct")
    if not isinstance(vct, str):
        return
    if options.metadata_fetcher is None or not vct.startswith("https://"):
        why = "no metadata fetcher given" if vct.startswith("https://") else "not an https URL"
        report.add("sdjwt.vct", "passed", f"vct {vct} (type metadata not retrieved: {why})")
        return
    chain: list[str] = []
    wanted: str | None = vct
    integrity = document.get("vct#integrity")
    name: Any = None
    problems: list[str] = []
    while wanted is not None:
        if wanted in chain:
            report.add("sdjwt.vct", "failed", f"the type metadata of {vct} extends itself")
            return
        if len(chain) > _MAX_EXTENDS:
            report.add(
                "sdjwt.vct", "failed", f"type metadata extends more than {_MAX_EXTENDS} types"
            )
            return
        if not wanted.startswith("https://"):
            break  # a type named by a URN: its metadata is not retrieved
        try:
            data, metadata = _fetch_json(wanted, options)
        except MicrocredError as exc:
            report.add_error(
                "sdjwt.vct", exc, f"the type metadata of {wanted} cannot be had: {exc.message}"
            )
            return
        if isinstance(integrity, str) and not sri_matches(integrity, data):
            what = "vct#integrity" if not chain else "extends#integrity"
            report.add(
                "sdjwt.vct", "failed", f"the type metadata of {wanted} does not match {what}"
            )
            return
        if not isinstance(metadata, dict) or metadata.get("vct") != wanted:
            report.add(
                "sdjwt.vct",
                "failed",
                f"the document at {wanted} is not the type metadata of {wanted}",
            )
            return
        if not chain:
            name = metadata.get("name")
        problems += _sd_rules(metadata, document, disclosed or [])
        chain.append(wanted)
        extends = metadata.get("extends")
        if extends is not None and not isinstance(extends, str):
            report.add(
                "sdjwt.vct", "failed", f"the type metadata of {wanted}: extends is not a string"
            )
            return
        wanted = extends
        integrity = metadata.get("extends#integrity")
    if problems:
        report.add(
            "sdjwt.vct",
            "failed",
            f"the credential breaks its type metadata ({vct}): " + "; ".join(problems[:5]),
        )
        return
    report.add(
        "sdjwt.vct",
        "passed",
        f"vct {vct}"
        + (f" ({name})" if isinstance(name, str) else "")
        + (", integrity verified" if isinstance(document.get("vct#integrity"), str) else "")
        + (f", extends {' > '.join(chain[1:])}" if len(chain) > 1 else ""),
    )


def _issuer_binding(
    report: VerificationReport,
    document: Mapping[str, Any],
    signature: Signature,
    token: SdJwt,
    options: VerifyOptions,
) -> None:
    """``issuer``: ``iss`` controls the signing key, the shared rule (``check_binding``);
    for an ``x5c`` key without ``iss`` the certificate identifies the issuer."""
    iss = document.get("iss")
    if iss is None and "x5c" in token.header:
        report.add(
            "issuer", "passed", f"the issuer is the x5c certificate's {signature.controller}"
        )
        return
    check_binding(report, Secured({"issuer": iss}, "credential", [signature]), options.resolver)
