"""The base of every model: spec names as aliases, unknown terms kept, lossless dumps."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar, Union

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator
from pydantic.alias_generators import to_camel

__all__ = ["Node", "OneOrMany"]

T = TypeVar("T")
#: A property that the specifications allow as one value or an array (kept as given).
OneOrMany = Union[T, list[T]]  # noqa: UP007 - a generic alias, subscripted later

_N = TypeVar("_N", bound="Node")


class Node(BaseModel):
    """A JSON-LD node of a credential.

    * Python names are snake_case; the JSON names of the specifications are the aliases
      (``credential_subject`` ↔ ``credentialSubject``); either may be used to construct.
    * Terms the model does not know are kept (``extra="allow"``) and written back unchanged.
    * Only what was given (or set) is written: ``from_json(d).to_json() == d`` for any
      document the model accepts. Dates stay in their lexical form (strings).
    * Fields listed in ``_always`` (e.g. ``type``) are written even when left at their
      default when a model is built in code, so that it is complete; a document loaded with
      :meth:`from_json` is written back as it was.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=to_camel,
        validate_assignment=True,
        protected_namespaces=(),
    )

    _always: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _mark_defaults(self, info: ValidationInfo) -> Any:
        if not (info.context or {}).get("loading"):  # built in code: write the defaults
            for name in self._always:
                self.model_fields_set.add(name)
        return self

    def to_json(self) -> dict[str, Any]:
        """The JSON object, with the specifications' property names."""
        data: dict[str, Any] = self.model_dump(by_alias=True, exclude_unset=True, mode="json")
        return data

    @classmethod
    def from_json(cls: type[_N], data: Any) -> _N:
        """Load a JSON object as it is (defaults are not added to what is written back).

        Raises:
            pydantic.ValidationError: a property has a type its class does not allow.
        """
        return cls.model_validate(data, context={"loading": True})
