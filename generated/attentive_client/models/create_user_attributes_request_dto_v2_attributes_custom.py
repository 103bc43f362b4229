from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CreateUserAttributesRequestDtoV2AttributesCustom")


@_attrs_define
class CreateUserAttributesRequestDtoV2AttributesCustom:
    """A key-value object for custom attributes. Please use the correct primitive type for the value. DateTime strings must
    adhere to ISO-8601 format for proper recognition.
    The key will be assigned a type corresponding to the type seen of the first value. For example, if 'Age' is passed
    with the first value of '24', 'Age' will be typed as a 'Number'. There is no need to pass strings in double quotes.
    Both object keys and object values are case sensitive. "Favorite color" and "Favorite Color" would be considered
    different custom attributes.

        Example:
            {'lucky number': 6, 'favorite color': 'green', 'has pets': True}

    """

    additional_properties: dict[str, bool | float | str] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        create_user_attributes_request_dto_v2_attributes_custom = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(data: object) -> bool | float | str:
                return cast(bool | float | str, data)

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        create_user_attributes_request_dto_v2_attributes_custom.additional_properties = additional_properties
        return create_user_attributes_request_dto_v2_attributes_custom

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> bool | float | str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: bool | float | str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
