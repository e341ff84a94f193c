"""The names of the validation profiles of :func:`microcred.validate`.

A leaf module: the CLI's options and :class:`~microcred.verify.VerifyOptions` check a profile's
name without loading the validators (their schemas and models load when a document is
validated).
"""

from __future__ import annotations

from typing import Literal

__all__ = ["PROFILES", "Profile"]

Profile = Literal["auto", "ob3", "clr", "eu-microcredential", "elm"]
PROFILES: tuple[str, ...] = ("auto", "ob3", "clr", "eu-microcredential", "elm")
