from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SubscriptionLocale")


@_attrs_define
class SubscriptionLocale:
    """The locale used to resolve exactly one API sign-up unit when no signUpSourceId is given.

    Attributes:
        language (str): The language in ISO 639-1 format (two lower-case letters). Example: en.
        country (str): The country in ISO 3166-1 alpha-2 format (two upper-case letters). Example: US.
    """

    language: str
    country: str

    def to_dict(self) -> dict[str, Any]:
        language = self.language

        country = self.country

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "language": language,
                "country": country,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        language = d.pop("language")

        country = d.pop("country")

        subscription_locale = cls(
            language=language,
            country=country,
        )

        return subscription_locale
