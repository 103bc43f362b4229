from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateUserAttributesRequestDtoV2AttributesDemographic")


@_attrs_define
class CreateUserAttributesRequestDtoV2AttributesDemographic:
    """An object containing additional personal and professional details.

    Attributes:
        language (str | Unset): The user's preferred language. Example: English/American.
        date_of_birth (datetime.date | Unset): The user's date of birth in YYYY-MM-DD (ISO-8601 format). Example:
            2022-11-08.
        age (int | Unset): The user's age. Example: 29.
        organization (str | Unset): The organization the user is associated with. Example: Acme Sports.
        title (str | Unset): The user's title (e.g., Mr, Ms, Dr). Example: Mr.
        website (str | Unset): The user's website URL. Example: http://johnsmith.com.
    """

    language: str | Unset = UNSET
    date_of_birth: datetime.date | Unset = UNSET
    age: int | Unset = UNSET
    organization: str | Unset = UNSET
    title: str | Unset = UNSET
    website: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        language = self.language

        date_of_birth: str | Unset = UNSET
        if not isinstance(self.date_of_birth, Unset):
            date_of_birth = self.date_of_birth.isoformat()

        age = self.age

        organization = self.organization

        title = self.title

        website = self.website

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if language is not UNSET:
            field_dict["language"] = language
        if date_of_birth is not UNSET:
            field_dict["dateOfBirth"] = date_of_birth
        if age is not UNSET:
            field_dict["age"] = age
        if organization is not UNSET:
            field_dict["organization"] = organization
        if title is not UNSET:
            field_dict["title"] = title
        if website is not UNSET:
            field_dict["website"] = website

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        language = d.pop("language", UNSET)

        _date_of_birth = d.pop("dateOfBirth", UNSET)
        date_of_birth: datetime.date | Unset
        if isinstance(_date_of_birth, Unset):
            date_of_birth = UNSET
        else:
            date_of_birth = datetime.date.fromisoformat(_date_of_birth)

        age = d.pop("age", UNSET)

        organization = d.pop("organization", UNSET)

        title = d.pop("title", UNSET)

        website = d.pop("website", UNSET)

        create_user_attributes_request_dto_v2_attributes_demographic = cls(
            language=language,
            date_of_birth=date_of_birth,
            age=age,
            organization=organization,
            title=title,
            website=website,
        )

        return create_user_attributes_request_dto_v2_attributes_demographic
