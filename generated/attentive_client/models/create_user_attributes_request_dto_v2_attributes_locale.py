from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateUserAttributesRequestDtoV2AttributesLocale")


@_attrs_define
class CreateUserAttributesRequestDtoV2AttributesLocale:
    """An object representing the user's locale information.

    Attributes:
        language (str | Unset): The preferred language in ISO 639-1 format. Example: fr.
        country (str | Unset): The user's country in ISO 3166-1 alpha-2 format. Example: CA.
    """

    language: str | Unset = UNSET
    country: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        language = self.language

        country = self.country

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if language is not UNSET:
            field_dict["language"] = language
        if country is not UNSET:
            field_dict["country"] = country

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        language = d.pop("language", UNSET)

        country = d.pop("country", UNSET)

        create_user_attributes_request_dto_v2_attributes_locale = cls(
            language=language,
            country=country,
        )

        return create_user_attributes_request_dto_v2_attributes_locale
