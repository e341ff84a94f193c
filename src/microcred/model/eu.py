"""The EU micro-credential in the Recommendation's own terms (Council Recommendation
2022/C 243/02, Annex I), and its Open Badges 3.0 form.

:class:`MicroCredential` reads and writes the *Annex I form* (a plain JSON object whose field
names are part of microcred's contract; see ``docs/annex-i.md``). It accepts partial data, so
that a template or an incomplete record can be inspected: :attr:`MicroCredential.missing`
names every mandatory element that is absent, and :meth:`MicroCredential.to_ob3` refuses to
build a credential until none is.

The Open Badges 3.0 form keeps every element. Elements OB 3.0 has a property for go there
(title → ``achievement.name``, workload in ECTS → ``creditsAvailable``, grade → ``result``,
...). The others go into the node ``achievement.euMicroCredential`` defined by microcred's
JSON-LD extension context (:data:`EU_CONTEXT`), and level and learning outcomes are mirrored
as ``alignment`` entries with the EU vocabulary URIs, so that plain OB 3.0 consumers see them.
:meth:`MicroCredential.from_ob3` reads it back: ``from_ob3(m.to_ob3(...))`` equals ``m``
except for the learner's national identity number and e-mail address, which by default go into
no credential at all (an issuer may opt in to a keyed or a salted hash:
:mod:`microcred.model.identity`).

:meth:`MicroCredential.to_sd_jwt_vc` writes the same elements, in the same OB 3.0 shape, as an
SD-JWT VC for EUDI wallets (the learner's identities always selectively disclosable, the grade
and dates by default), and :meth:`MicroCredential.from_sd_jwt_vc` reads back what a holder
disclosed (``docs/eu-sd-jwt-vc.md``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from pydantic import (
    ValidationError,
)

from ..errors import FormError, IncompleteMicroCredentialError
from ._elm_mapping import elm_form, to_elm
from ._form import (
    _READING,
    _UNIDENTIFIED,
    MANDATORY_ELEMENTS,
    OPTIONAL_ELEMENTS,
    AnnexIForm,
    Assessment,
    AwardingBody,
    Grade,
    Issuer,
    Learner,
    LearnerIdentifier,
    LearningOutcome,
    Level,
    NationalId,
    QualityAssurance,
    Stackability,
    Workload,
    _Form,
    _form_class,
    _member_problem,
)
from ._ns import EU_CONTEXT
from ._ob3_mapping import from_ob3, to_ob3
from ._sdjwt_mapping import (
    SD_JWT_VC_TYPE,
    disclosable_pointers,
    from_sd_jwt_vc_claims,
    to_sd_jwt_vc_claims,
    type_metadata_integrity,
)
from .identity import IdentityPolicy, is_unidentified
from .ob3 import AchievementCredential

if TYPE_CHECKING:
    from ..keys import KeyPair

__all__ = [
    "EU_CONTEXT",
    "MANDATORY_ELEMENTS",
    "OPTIONAL_ELEMENTS",
    "Assessment",
    "AwardingBody",
    "FormError",
    "Grade",
    "IncompleteMicroCredentialError",
    "Issuer",
    "Learner",
    "LearnerIdentifier",
    "LearningOutcome",
    "Level",
    "MicroCredential",
    "NationalId",
    "QualityAssurance",
    "Stackability",
    "Workload",
    "check_form",
    "now_iso",
    "read_any",
]


class MicroCredential(AnnexIForm):
    """One micro-credential in the terms of Annex I (the *Annex I form*).

    Construct it from the form's JSON (``MicroCredential.model_validate(form)``) or with
    keywords. Missing mandatory elements do not raise here: see :attr:`missing`.
    """

    def to_ob3(
        self,
        *,
        issuer_id: str | None = None,
        credential_id: str | None = None,
        salt: str | None = None,
        today: date | None = None,
        identity: IdentityPolicy | None = None,
    ) -> AchievementCredential:
        """The Open Badges 3.0 ``OpenBadgeCredential`` (unsigned) for this micro-credential.

        Args:
            issuer_id: the issuer's id (a DID or URL) when the form's ``issuer.id`` is not set,
                typically the signing key's controller (``key.did``).
            credential_id: the credential's ``id`` (default: a fresh ``urn:uuid``).
            salt: the salt of the identifiers ``identity`` writes ``"salted"`` (default: a
                fresh random salt); unused otherwise.
            today: reference date for reading two-digit-year personal numbers.
            identity: which of the learner's national id and e-mail go in, and how (default
                ``IdentityPolicy()``: neither; the learner is identified by name, the form's
                identifiers and ``id``). See :mod:`microcred.model.identity`.

        Warns:
            ReversibleIdentityWarning: ``identity`` writes a salted hash of one of them.

        Raises:
            IncompleteMicroCredentialError: a mandatory element is missing, or only the left
                out national id or e-mail would identify the learner.
            ValueError: an element's value is not valid (e.g. a personal number's check digit).
        """
        policy = identity or IdentityPolicy()
        chosen_issuer = issuer_id or (self.issuer.id if self.issuer else None)
        self.require_complete(policy, issuer_id_needed=not chosen_issuer)
        assert chosen_issuer is not None
        document = to_ob3(
            self,
            issuer_id=chosen_issuer,
            credential_id=credential_id or f"urn:uuid:{uuid.uuid4()}",
            salt=salt,
            today=today,
            identity=policy,
        )
        return AchievementCredential.from_json(document)

    def to_elm(
        self,
        *,
        issuer_id: str | None = None,
        credential_id: str | None = None,
        include_email: bool = False,
    ) -> dict[str, Any]:
        """The ELM v3 European Digital Credential (JSON-LD, unsigned) for this micro-credential.

        The national identity number is always left out (ELM would carry it in clear), and
        so is the e-mail address unless ``include_email`` (then in clear, as the learner's
        ``contactPoint``).

        Raises:
            IncompleteMicroCredentialError: a mandatory element is missing, or only the left
                out national id or e-mail would identify the learner.
        """
        missing = self.missing
        if (
            self.learner is not None
            and self.learner.identified
            and not (include_email and self.learner.email)
            and is_unidentified(self.learner, IdentityPolicy(), elm=True)
        ):
            missing = [*missing, _UNIDENTIFIED]
        if missing:
            raise IncompleteMicroCredentialError(missing)
        return to_elm(
            self,
            issuer_id=issuer_id or (self.issuer.id if self.issuer else None),
            credential_id=credential_id or f"urn:uuid:{uuid.uuid4()}",
            include_email=include_email,
        )

    @classmethod
    def from_ob3(cls, credential: AchievementCredential | Mapping[str, Any]) -> MicroCredential:
        """Read the Annex I elements back from an OB 3.0 credential (signed or not).

        Elements the credential does not carry stay unset (see :attr:`missing`). Hashed
        identities are kept as ``learner.identity_objects``; they cannot be reversed.
        """
        document = (
            credential.to_json() if isinstance(credential, AchievementCredential) else credential
        )
        return cls.model_validate(from_ob3(document), context=_READING)

    # ------------------------------------------------------------------ SD-JWT VC

    def to_sd_jwt_vc(
        self,
        key: KeyPair,
        *,
        holder_jwk: Mapping[str, Any] | None = None,
        disclosable: Iterable[str] | None = None,
        vct: str = SD_JWT_VC_TYPE,
        issued_at: datetime | None = None,
        expires: datetime | None = None,
        status: Mapping[str, Any] | None = None,
        salt: Callable[[], str] | None = None,
        identity: IdentityPolicy | None = None,
        today: date | None = None,
        decoys: int = 0,
        vct_integrity: bool | str = False,
    ) -> str:
        """This micro-credential as an SD-JWT VC (``typ: dc+sd-jwt``), signed with ``key``.

        The claims are :func:`~microcred.model._sdjwt_mapping.to_sd_jwt_vc_claims` (OB 3.0's
        shape; ``docs/eu-sd-jwt-vc.md`` has the table); ``iss`` is the key's controller and
        the JWS ``kid`` its verification method. The learner's identities are always
        selectively disclosable; the rest of ``disclosable`` says what else is.

        Args:
            key: the issuer's signing key (its DID is ``iss`` and ``issuer.id``).
            holder_jwk: the holder's public JWK, written as ``cnf.jwk`` (key binding).
            disclosable: JSON Pointers into the claims to make selectively disclosable
                (``*``: every element of an array); default
                :data:`~microcred.model._sdjwt_mapping.DEFAULT_DISCLOSABLE`. With microcred's
                ``vct`` each must be a claim its Type Metadata lets be disclosable.
            vct: the credential type (default microcred's
                :data:`~microcred.model._sdjwt_mapping.SD_JWT_VC_TYPE`; DC4EU wallets know
                ``urn:eudi:micro_credential:1``).
            issued_at: ``iat`` (default: now).
            expires: ``exp`` (default: none; a micro-credential does not expire).
            status: the ``status`` claim (e.g. a Token Status List reference).
            salt: the disclosures' salt source (for deterministic tests only).
            identity: which of the national id and e-mail go in, and how (default: neither).
            today: reference date for reading two-digit-year personal numbers.
            decoys: decoy digests added to every ``_sd`` array (RFC 9901 §4.2.5), so that the
                number of hidden claims does not tell a verifier whether there is a grade.
            vct_integrity: the ``vct#integrity`` claim: a W3C SRI string, or ``True`` for that
                of microcred's Type Metadata document
                (:func:`~microcred.model._sdjwt_mapping.type_metadata_integrity`; only with
                microcred's ``vct``).

        Returns:
            The SD-JWT (compact, ending with ``~``) with every disclosure.

        Warns:
            ReversibleIdentityWarning: ``identity`` writes a salted hash of one of them.

        Raises:
            IncompleteMicroCredentialError: a mandatory element is missing.
            ValueError: an element's value is not valid, or a pointer of ``disclosable`` is
                not one the type allows or selects no claim.
            MicrocredError: the key cannot sign.
        """
        from ..sdjwt import issue_sd_jwt_vc

        integrity: str | None = None
        if vct_integrity is True:
            if vct != SD_JWT_VC_TYPE:
                raise ValueError(
                    "vct_integrity=True is the integrity of microcred's own type metadata: "
                    "give the SRI string of your type's document"
                )
            integrity = type_metadata_integrity()
        elif isinstance(vct_integrity, str):
            integrity = vct_integrity

        claims = to_sd_jwt_vc_claims(
            self, issuer_id=key.did, identity=identity, salt=None, today=today
        )
        pointers = disclosable_pointers(claims, disclosable, vct=vct)
        return issue_sd_jwt_vc(
            claims,
            key,
            vct=vct,
            disclosable=pointers,
            holder_jwk=holder_jwk,
            issued_at=issued_at,
            expires=expires,
            status=status,
            salt=salt,
            decoys=decoys,
            vct_integrity=integrity,
        )

    @classmethod
    def from_sd_jwt_vc(cls, source: str | Mapping[str, Any]) -> MicroCredential:
        """Read the Annex I elements back from an EU micro-credential SD-JWT VC: its text
        (an SD-JWT or a presentation of one; parsed, **not verified**, see
        :func:`microcred.verify`) or the claims a verifier got (``report.document``).

        Only what was disclosed is read: an element whose claims stayed hidden is unset
        (see :attr:`missing`).

        Raises:
            SdJwtError: (a :class:`~microcred.errors.MicrocredError`) the text is not an
                SD-JWT, or its Disclosures break RFC 9901's processing rules (one given twice,
                one that matches no digest, ...); ``error.check`` names the rule.
            ValueError: the claims do not make an Annex I form.
            TypeError: ``source`` is neither a string nor a JSON object.
        """
        if isinstance(source, str):
            from ..sdjwt import decode_sd_jwt

            claims: Mapping[str, Any] = decode_sd_jwt(source).processed()
        elif isinstance(source, Mapping):
            claims = source
        else:
            raise TypeError(f"an SD-JWT VC is its text or its claims, not {type(source).__name__}")
        return cls.model_validate(from_sd_jwt_vc_claims(claims), context=_READING)


def _member_problems(cls: type[_Form], data: Mapping[str, Any], path: str) -> list[str]:
    """Every member of ``data`` and of the form objects inside it that the form does not
    have, with its path (``awarding_bodies[0].contry``)."""
    problems: list[str] = []
    for key, value in data.items():
        problem = _member_problem(cls, key, path, top=cls is MicroCredential)
        if problem is not None:
            problems.append(problem)
            continue
        field = cls.model_fields.get(str(key))
        inner, many = _form_class(field.annotation) if field is not None else (None, False)
        if inner is None:
            continue
        where = f"{path}.{key}" if path else str(key)
        if many and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    problems += _member_problems(inner, item, f"{where}[{index}]")
        elif not many and isinstance(value, Mapping):
            problems += _member_problems(inner, value, where)
    return problems


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part.startswith(("function-", "str", "dict[", "list[")) or not text:
            text += f".{part}" if text else part
    return text


def check_form(form: Mapping[str, Any], *, without_learner: bool = False) -> None:
    """Check that ``form`` is an Annex I form ready to issue, and name every problem at once.

    The checks:

    * every member of the form and of each object in it (``learner``, ``issuer``,
      ``awarding_bodies[]``, ``learning_outcomes[]``, ``workload``, ``level``, ``grade``, ...)
      is a member of the Annex I form; an unknown one is named with its path and the nearest
      known name (``learner.nme: unknown member of the Annex I form; did you mean 'name'?``);
      a member of an OB 3.0 credential (``credentialStatus``, ``proof``, ``@context``, ...)
      is named as not part of the form, with what to do instead;
    * every value is valid (dates, participation, supervision, EQF level, countries, ...),
      and a grade on a scale microcred knows is a grade of that scale (see :class:`Grade`);
    * every mandatory Annex I element is present.

    With ``without_learner=True`` the form is a template for :func:`microcred.batch.issue_many`:
    it must not have a ``learner`` (each roster row gives one), the identification of the
    learner and the date of issuing are not required (the batch gives them), and its
    ``grade`` may have a ``scale`` and no ``value``.

    The issuer's id is not required: the signing key gives it.

    Raises:
        FormError: one line per problem, in :attr:`FormError.problems`.
    """
    if not isinstance(form, Mapping):
        raise FormError([f"the Annex I form must be a JSON object, not {type(form).__name__}"])
    problems = _member_problems(MicroCredential, form, "")
    data = dict(form)
    if without_learner:
        if "learner" in data:
            problems.append("learner: a template has no learner; each roster row gives one")
            del data["learner"]
        grade = data.get("grade")
        if isinstance(grade, Mapping) and "value" not in grade:
            del data["grade"]  # the roster gives the value; an unknown scale is kept as given
    try:
        micro = MicroCredential.model_validate(data, context={"members_checked": True})
    except ValidationError as exc:
        for error in exc.errors():
            message = error["msg"].removeprefix("Value error, ")
            where = _location(error["loc"])
            problems.append(f"{where}: {message}" if where else message)
    else:
        not_needed = (
            {"identification of the learner", "date of issuing"} if without_learner else set()
        )
        missing = [name for name in micro.missing if name not in not_needed]
        if missing:
            problems.append("missing mandatory Annex I element(s): " + ", ".join(missing))
    if problems:
        raise FormError(problems)


def read_any(document: Mapping[str, Any]) -> MicroCredential:
    """The micro-credential in any form microcred reads: the Annex I form
    (``"type": "MicroCredential"``), an ELM European Digital Credential, or an OB 3.0
    credential.

    An Annex I form is read strictly: a member the form does not have raises
    :class:`FormError` naming each one with its path (see :func:`check_form`); it may be
    incomplete (see :attr:`MicroCredential.missing`). A credential is read for what it carries.

    Raises:
        FormError: an Annex I form with members the form does not have.
        ValueError: the document is none of these, or a value is not valid
            (``pydantic.ValidationError`` and :class:`FormError` are ValueErrors).
    """
    if not isinstance(document, Mapping):
        raise ValueError("not a JSON object: an Annex I form or a credential is one")
    kinds = document.get("type")
    types = {k for k in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(k, str)}
    if "MicroCredential" in types and "VerifiableCredential" not in types:
        problems = _member_problems(MicroCredential, document, "")
        if problems:
            raise FormError(problems)
        return MicroCredential.model_validate(document)
    if "EuropeanDigitalCredential" in types:
        return MicroCredential.model_validate(elm_form(document), context=_READING)
    if types & {"OpenBadgeCredential", "AchievementCredential"}:
        return MicroCredential.from_ob3(document)
    raise ValueError(
        "not an Annex I form, an ELM European Digital Credential or an OB 3.0 credential"
    )


def now_iso() -> str:
    """The current time as an ISO 8601 UTC date-time without fractions (for ``issued``)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
