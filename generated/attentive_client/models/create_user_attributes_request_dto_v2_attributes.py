from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_user_attributes_request_dto_v2_attributes_custom import (
        CreateUserAttributesRequestDtoV2AttributesCustom,
    )
    from ..models.create_user_attributes_request_dto_v2_attributes_demographic import (
        CreateUserAttributesRequestDtoV2AttributesDemographic,
    )
    from ..models.create_user_attributes_request_dto_v2_attributes_locale import (
        CreateUserAttributesRequestDtoV2AttributesLocale,
    )
    from ..models.create_user_attributes_request_dto_v2_attributes_location import (
        CreateUserAttributesRequestDtoV2AttributesLocation,
    )


T = TypeVar("T", bound="CreateUserAttributesRequestDtoV2Attributes")


@_attrs_define
class CreateUserAttributesRequestDtoV2Attributes:
    """Personal details about the user. These attributes will take priority over custom properties. All fields are
    considered optional.

        Attributes:
            first_name (str | Unset): The user's first name. Example: John.
            last_name (str | Unset): The user's last name. Example: Smith.
            demographic (CreateUserAttributesRequestDtoV2AttributesDemographic | Unset): An object containing additional
                personal and professional details.
            location (CreateUserAttributesRequestDtoV2AttributesLocation | Unset): An object containing the user's address
                and geographical details.
            locale (CreateUserAttributesRequestDtoV2AttributesLocale | Unset): An object representing the user's locale
                information.
            custom (CreateUserAttributesRequestDtoV2AttributesCustom | Unset): A key-value object for custom attributes.
                Please use the correct primitive type for the value. DateTime strings must adhere to ISO-8601 format for proper
                recognition.
                The key will be assigned a type corresponding to the type seen of the first value. For example, if 'Age' is
                passed with the first value of '24', 'Age' will be typed as a 'Number'. There is no need to pass strings in
                double quotes. Both object keys and object values are case sensitive. "Favorite color" and "Favorite Color"
                would be considered different custom attributes.
                 Example: {'lucky number': 6, 'favorite color': 'green', 'has pets': True}.
    """

    first_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    demographic: CreateUserAttributesRequestDtoV2AttributesDemographic | Unset = UNSET
    location: CreateUserAttributesRequestDtoV2AttributesLocation | Unset = UNSET
    locale: CreateUserAttributesRequestDtoV2AttributesLocale | Unset = UNSET
    custom: CreateUserAttributesRequestDtoV2AttributesCustom | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        first_name = self.first_name

        last_name = self.last_name

        demographic: dict[str, Any] | Unset = UNSET
        if not isinstance(self.demographic, Unset):
            demographic = self.demographic.to_dict()

        location: dict[str, Any] | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location.to_dict()

        locale: dict[str, Any] | Unset = UNSET
        if not isinstance(self.locale, Unset):
            locale = self.locale.to_dict()

        custom: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom, Unset):
            custom = self.custom.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if first_name is not UNSET:
            field_dict["firstName"] = first_name
        if last_name is not UNSET:
            field_dict["lastName"] = last_name
        if demographic is not UNSET:
            field_dict["demographic"] = demographic
        if location is not UNSET:
            field_dict["location"] = location
        if locale is not UNSET:
            field_dict["locale"] = locale
        if custom is not UNSET:
            field_dict["custom"] = custom

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_user_attributes_request_dto_v2_attributes_custom import (
            CreateUserAttributesRequestDtoV2AttributesCustom,  # noqa: PLC0415
        )
        from ..models.create_user_attributes_request_dto_v2_attributes_demographic import (
            CreateUserAttributesRequestDtoV2AttributesDemographic,  # noqa: PLC0415
        )
        from ..models.create_user_attributes_request_dto_v2_attributes_locale import (
            CreateUserAttributesRequestDtoV2AttributesLocale,  # noqa: PLC0415
        )
        from ..models.create_user_attributes_request_dto_v2_attributes_location import (
            CreateUserAttributesRequestDtoV2AttributesLocation,  # noqa: PLC0415
        )

        d = dict(src_dict)
        first_name = d.pop("firstName", UNSET)

        last_name = d.pop("lastName", UNSET)

        _demographic = d.pop("demographic", UNSET)
        demographic: CreateUserAttributesRequestDtoV2AttributesDemographic | Unset
        if isinstance(_demographic, Unset):
            demographic = UNSET
        else:
            demographic = CreateUserAttributesRequestDtoV2AttributesDemographic.from_dict(_demographic)

        _location = d.pop("location", UNSET)
        location: CreateUserAttributesRequestDtoV2AttributesLocation | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = CreateUserAttributesRequestDtoV2AttributesLocation.from_dict(_location)

        _locale = d.pop("locale", UNSET)
        locale: CreateUserAttributesRequestDtoV2AttributesLocale | Unset
        if isinstance(_locale, Unset):
            locale = UNSET
        else:
            locale = CreateUserAttributesRequestDtoV2AttributesLocale.from_dict(_locale)

        _custom = d.pop("custom", UNSET)
        custom: CreateUserAttributesRequestDtoV2AttributesCustom | Unset
        if isinstance(_custom, Unset):
            custom = UNSET
        else:
            custom = CreateUserAttributesRequestDtoV2AttributesCustom.from_dict(_custom)

        create_user_attributes_request_dto_v2_attributes = cls(
            first_name=first_name,
            last_name=last_name,
            demographic=demographic,
            location=location,
            locale=locale,
            custom=custom,
        )

        return create_user_attributes_request_dto_v2_attributes
