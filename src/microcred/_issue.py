"""``issue()`` and ``present()``: sign credentials and presentations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Literal, overload

from ._vc import VC_V1, VC_V2, base_context_problem, format_datetime, issuer_id, types_of
from .jsonld import DocumentLoader, Quad, to_quads
from .keys import KeyPair
from .limits import DEFAULT_LIMITS, Limits
from .proofs import add_proof, suite_by_name
from .proofs._base import Cryptosuite

__all__ = ["IssueFormat", "default_suite", "issue", "present"]

DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
DATA_INTEGRITY_V1 = "https://w3id.org/security/data-integrity/v1"


def _signing_suite(name: str) -> Cryptosuite:
    chosen = suite_by_name(name)
    if chosen.verify_only:
        raise ValueError(f"{name} is a draft suite name microcred verifies but never signs with")
    return chosen


def default_suite(key: KeyPair) -> str:
    """The suite :func:`issue` uses for ``key`` when none is named.

    Ed25519 → ``eddsa-rdfc-2022``; P-256 / P-384 → ``ecdsa-rdfc-2019``.

    Raises:
        ValueError: an RSA key (RSA signs JWTs only; no Data Integrity suite uses it).
    """
    if key.key_type == "Ed25519":
        return "eddsa-rdfc-2022"
    if key.key_type in ("P-256", "P-384"):
        return "ecdsa-rdfc-2019"
    raise ValueError("RSA keys have no Data Integrity cryptosuite; use format='jwt'")


def _contexts(document: Mapping[str, Any]) -> list[Any]:
    context = document.get("@context")
    if context is None:
        return []
    return list(context) if isinstance(context, list) else [context]


def _check_key(key: object) -> KeyPair:
    if not isinstance(key, KeyPair):
        raise TypeError(f"key must be a microcred.keys.KeyPair, not {type(key).__name__}")
    if not key.has_private_key:
        raise ValueError("key has no private part: it cannot sign")
    return key


def read_strictly(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader | None,
    limits: Limits,
    allow_inline_contexts: bool,
) -> list[Quad]:
    """What ``verify()`` will require of the document, before anything is signed: the VC base
    context first, and the document (its existing proofs aside) in safe mode under the strict
    reading rule (``docs/verification.md``). Returns its quads.

    Raises:
        ValueError: the base context is missing or not first.
        JsonLdError: an unknown context, a safe-mode error, or the strict reading refuses it
            (:class:`~microcred.errors.StrictReadingError`).
    """
    problem = base_context_problem(document.get("@context"))
    if problem is not None:
        raise ValueError(f"cannot sign: {problem}")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return to_quads(
        unsecured,
        loader=loader,
        limits=limits,
        strict=True,
        allow_inline_contexts=allow_inline_contexts,
    )


def _created(created: str | datetime | None) -> str:
    if created is None:
        return format_datetime(datetime.now(timezone.utc))
    if isinstance(created, datetime):
        return format_datetime(created)
    return created


#: The formats :func:`issue` signs in.
IssueFormat = Literal["di", "jwt"]


@overload
def issue(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    suite: str | None = None,
    format: Literal["di"] = "di",
    created: str | datetime | None = None,
    allow_issuer_mismatch: bool = False,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
    proof_array: bool | None = None,
    mandatory_pointers: Sequence[str] | None = None,
    allow_inline_contexts: bool = False,
) -> dict[str, Any]: ...


@overload
def issue(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    format: Literal["jwt"],
    allow_issuer_mismatch: bool = False,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
    allow_inline_contexts: bool = False,
    jwt_form: str | None = None,
    algorithm: str | None = None,
    claims: Mapping[str, Any] | None = None,
) -> str: ...


@overload
def issue(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    suite: str | None = None,
    format: str,
    created: str | datetime | None = None,
    allow_issuer_mismatch: bool = False,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
    proof_array: bool | None = None,
    mandatory_pointers: Sequence[str] | None = None,
    allow_inline_contexts: bool = False,
    jwt_form: str | None = None,
    algorithm: str | None = None,
    claims: Mapping[str, Any] | None = None,
) -> dict[str, Any] | str: ...


def issue(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    suite: str | None = None,
    format: str = "di",
    created: str | datetime | None = None,
    allow_issuer_mismatch: bool = False,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
    proof_array: bool | None = None,
    mandatory_pointers: Sequence[str] | None = None,
    allow_inline_contexts: bool = False,
    jwt_form: str | None = None,
    algorithm: str | None = None,
    claims: Mapping[str, Any] | None = None,
) -> dict[str, Any] | str:
    """Sign a credential; return a new signed document (the input is never modified).

    Args:
        document: the unsigned credential (VC 2.0 or VC 1.1 JSON-LD).
        key: the issuer's key pair (with its private key).
        suite: Data Integrity cryptosuite (default by key type: see :func:`default_suite`).
        format: ``"di"`` (embedded Data Integrity proof, returns a dict) or ``"jwt"`` (returns
            a compact JWS string, see :func:`microcred.jose.issue_jwt`). The return type
            follows the format (typed overloads for ``Literal["di"]`` and ``Literal["jwt"]``).
        created: the proof's ``created`` (ISO 8601 string or datetime; default: now, UTC).
        allow_issuer_mismatch: sign even if ``issuer`` is not the key's controller DID.
        loader: JSON-LD document loader (default: the vendored contexts, offline).
        proof_array: write ``proof`` as an array of one proof. Default: yes for Open Badges 3.0
            and CLR 2.0 credentials (their JSON Schemas require an array), no otherwise. A
            document that already has a proof always gets an array (a proof set).
        mandatory_pointers: with ``suite="ecdsa-sd-2023"`` (selective disclosure), JSON
            pointers (RFC 6901) to what every disclosure must reveal, e.g. ``["/issuer"]``.
            The holder then discloses with :func:`microcred.derive`.
        allow_inline_contexts: sign a document with embedded context objects (they must only
            add terms); a verifier must then allow them too.
        jwt_form, algorithm, claims: ``format="jwt"`` only: the JWT form (``"ob3"``,
            ``"vc-jwt"``, ``"vc+jwt"``), the ``alg``, and further claims, as
            :func:`microcred.jose.issue_jwt` takes them.

    Before signing, in every format, the document is read as :func:`microcred.verify` reads
    it (the VC base context first; safe mode; the strict reading rule): what a verifier would
    refuse is never signed.

    A VC 1.1 credential signed with a ``DataIntegrityProof`` gets the Data Integrity context
    appended (VC 1.1's context does not define the proof terms); the legacy
    ``Ed25519Signature2020`` suite appends its own context.

    Raises:
        TypeError / ValueError: misuse (wrong key object, unknown suite or format, key type
            that does not fit the suite, issuer that is not the key's controller, mandatory
            pointers for a suite that is not selective or that match nothing).
        JsonLdError: the credential cannot be processed (unknown context, safe-mode error,
            :class:`~microcred.errors.StrictReadingError`).
    """
    key = _check_key(key)
    if not isinstance(document, Mapping):
        raise TypeError(f"document must be a JSON object (dict), not {type(document).__name__}")
    issuer = issuer_id(document)
    if not allow_issuer_mismatch and issuer is not None and issuer != key.did:
        raise ValueError(
            f"issuer {issuer!r} is not the key's controller {key.did!r} "
            "(pass allow_issuer_mismatch=True to sign anyway)"
        )
    if format == "jwt":
        if mandatory_pointers is not None:
            raise TypeError("mandatory_pointers applies to format='di' with ecdsa-sd-2023")
        from .jose import issue_jwt

        read_strictly(
            document, loader=loader, limits=limits, allow_inline_contexts=allow_inline_contexts
        )
        return issue_jwt(document, key, jwt_form=jwt_form, algorithm=algorithm, claims=claims)
    if format != "di":
        raise ValueError(f"unknown format {format!r}: use 'di' or 'jwt'")
    jwt_only = [
        name
        for name, value in (("jwt_form", jwt_form), ("algorithm", algorithm), ("claims", claims))
        if value is not None
    ]
    if jwt_only:
        raise TypeError(f"unexpected arguments for format='di': {', '.join(jwt_only)}")
    chosen = _signing_suite(suite or default_suite(key))
    unsigned = dict(document)
    contexts = _contexts(unsigned)
    needs_di_context = (
        chosen.proof_type == "DataIntegrityProof"
        and VC_V1 in contexts
        and VC_V2 not in contexts
        and DATA_INTEGRITY_V2 not in contexts
        and DATA_INTEGRITY_V1 not in contexts
    )
    if needs_di_context:
        unsigned["@context"] = [*contexts, DATA_INTEGRITY_V2]
    if mandatory_pointers is not None and not chosen.selective:  # misuse first, then the data
        raise ValueError(f"{chosen.name} does not take mandatory pointers (not selective)")
    if chosen.suite_context is not None and chosen.suite_context not in contexts:
        unsigned["@context"] = [*_contexts(unsigned), chosen.suite_context]
    quads = read_strictly(
        unsigned, loader=loader, limits=limits, allow_inline_contexts=allow_inline_contexts
    )
    signed = add_proof(
        unsigned,
        key.signer(),
        chosen,
        key_type=key.key_type,
        created=_created(created),
        loader=loader,
        limits=limits,
        mandatory_pointers=mandatory_pointers,
        unsecured_quads=quads,
    )
    if proof_array is None:
        proof_array = bool(_ARRAY_PROOF_TYPES & set(types_of(document)))
    if proof_array and isinstance(signed.get("proof"), dict):
        signed["proof"] = [signed["proof"]]
    return signed


#: Credential types whose JSON Schemas require ``proof`` to be an array (OB 3.0, CLR 2.0).
_ARRAY_PROOF_TYPES = frozenset(
    {"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential", "ClrCredential"}
)


def present(
    credentials: Sequence[Mapping[str, Any] | str],
    holder_key: KeyPair,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    suite: str | None = None,
    created: str | datetime | None = None,
    presentation_id: str | None = None,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
    allow_inline_contexts: bool = False,
) -> dict[str, Any]:
    """Wrap ``credentials`` in a VC 2.0 presentation signed by ``holder_key``.

    The proof has ``proofPurpose: "authentication"`` with the given ``challenge`` and
    ``domain`` (a verifier checks both, which stops replay). JWT credentials (strings) are
    carried as ``EnvelopedVerifiableCredential`` data URLs. ``allow_inline_contexts``: the
    credentials may carry embedded context objects (as for :func:`issue`).

    Raises:
        TypeError / ValueError: misuse (a credential that is neither an object nor a JWT, a
            selective disclosure suite for the holder's proof).
        JsonLdError: the presentation cannot be read as a verifier will read it (see
            :func:`issue`).
    """
    key = _check_key(holder_key)
    embedded: list[Any] = []
    for credential in credentials:
        if isinstance(credential, str):
            embedded.append(
                {
                    "@context": VC_V2,
                    "id": f"data:application/vc+jwt,{credential}",
                    "type": "EnvelopedVerifiableCredential",
                }
            )
        elif isinstance(credential, Mapping):
            embedded.append(dict(credential))
        else:
            raise TypeError("credentials must be JSON objects or compact JWT strings")
    presentation: dict[str, Any] = {"@context": [VC_V2], "type": ["VerifiablePresentation"]}
    if presentation_id is not None:
        presentation["id"] = presentation_id
    presentation["holder"] = key.did
    if embedded:
        presentation["verifiableCredential"] = embedded
    chosen = _signing_suite(suite or default_suite(key))
    if chosen.selective:
        raise ValueError(
            f"{chosen.name} is for credentials a holder discloses from; "
            "sign the presentation with another suite"
        )
    if chosen.suite_context is not None:
        presentation["@context"] = [VC_V2, chosen.suite_context]
    quads = read_strictly(
        presentation, loader=loader, limits=limits, allow_inline_contexts=allow_inline_contexts
    )
    return add_proof(
        presentation,
        key.signer(),
        chosen,
        key_type=key.key_type,
        created=_created(created),
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
        loader=loader,
        limits=limits,
        unsecured_quads=quads,
    )
