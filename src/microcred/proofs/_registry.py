"""Which suite handles a proof: a fixed mapping from (proof type, cryptosuite) to a suite."""

from __future__ import annotations

from ._base import Cryptosuite
from .ecdsa_jcs_2019 import EcdsaJcs2019
from .ecdsa_rdfc_2019 import EcdsaRdfc2019
from .ecdsa_sd_2023 import EcdsaSd2023
from .ed25519_signature_2020 import Ed25519Signature2020
from .eddsa_2022 import Eddsa2022
from .eddsa_jcs_2022 import EddsaJcs2022
from .eddsa_rdfc_2022 import EddsaRdfc2022
from .jws_2018 import Ed25519Signature2018, JsonWebSignature2020

__all__ = [
    "DEFAULT_SUITES",
    "OPT_IN_SUITES",
    "SIGNING_SUITES",
    "SUITES",
    "UNSUPPORTED_SUITES",
    "suite_by_name",
    "suite_for_proof",
]

SUITES: dict[str, Cryptosuite] = {
    suite.name: suite
    for suite in (
        EddsaRdfc2022(),
        EddsaJcs2022(),
        EcdsaRdfc2019(),
        EcdsaJcs2019(),
        EcdsaSd2023(),
        Ed25519Signature2020(),
        Eddsa2022(),
        Ed25519Signature2018(),
        JsonWebSignature2020(),
    )
}

#: Suites verified only when the caller names them (``verify(..., suites=[...])``): the
#: 2018-generation detached-JWS proofs of VC 1.1 credentials, verify only.
OPT_IN_SUITES: tuple[str, ...] = ("Ed25519Signature2018", "JsonWebSignature2020")

#: Suites a verifier accepts when the caller names none: the recommended set, every suite but
#: :data:`OPT_IN_SUITES`. It keeps the legacy ``Ed25519Signature2020`` and the draft name
#: ``eddsa-2022``: Open Badges 3.0 credentials are signed with them (the OB 3.0 validator's
#: own examples are).
DEFAULT_SUITES: tuple[str, ...] = tuple(n for n in SUITES if n not in OPT_IN_SUITES)


#: Published suites microcred does not implement: a proof in one of them cannot be checked
#: (``error``, indeterminate), whereas an unheard-of suite name is ``failed``.
UNSUPPORTED_SUITES = frozenset(
    {
        "bbs-2023",
        "EcdsaSecp256k1Signature2019",
        "RsaSignature2018",
    }
)

#: Suites microcred can sign with (every suite but the verify-only draft names and legacy
#: JWS proofs).
SIGNING_SUITES: tuple[str, ...] = tuple(n for n, s in SUITES.items() if not s.verify_only)


def suite_by_name(name: str) -> Cryptosuite:
    """The suite called ``name``.

    Raises:
        ValueError: no such suite (the message lists the known ones).
    """
    try:
        return SUITES[name]
    except KeyError:
        raise ValueError(
            f"unknown cryptosuite {name!r}; known: {', '.join(sorted(SUITES))}"
        ) from None


def suite_for_proof(proof_type: object, cryptosuite: object) -> Cryptosuite | None:
    """The suite for a proof's ``type`` and ``cryptosuite`` members, or ``None`` if unknown."""
    for suite in SUITES.values():
        # legacy suites have no cryptosuite member: a proof naming one does not match them
        if suite.proof_type == proof_type and suite.cryptosuite == cryptosuite:
            return suite
    return None
