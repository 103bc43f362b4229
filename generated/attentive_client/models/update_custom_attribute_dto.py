from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.update_custom_attribute_dto_property_type import UpdateCustomAttributeDtoPropertyType
from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateCustomAttributeDto")


@_attrs_define
class UpdateCustomAttributeDto:
    """Properties of a custom attribute to update

    Attributes:
        name (str | Unset): The name of the attribute
        property_type (UpdateCustomAttributeDtoPropertyType | Unset): The data type of the attribute
        enum_property_values (list[str] | Unset): If the type provided is 'enum', the list of acceptable values.
    """

    name: str | Unset = UNSET
    property_type: UpdateCustomAttributeDtoPropertyType | Unset = UNSET
    enum_property_values: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        property_type: str | Unset = UNSET
        if not isinstance(self.property_type, Unset):
            property_type = self.property_type.value

        enum_property_values: list[str] | Unset = UNSET
        if not isinstance(self.enum_property_values, Unset):
            enum_property_values = self.enum_property_values

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if property_type is not UNSET:
            field_dict["propertyType"] = property_type
        if enum_property_values is not UNSET:
            field_dict["enumPropertyValues"] = enum_property_values

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _property_type = d.pop("propertyType", UNSET)
        property_type: UpdateCustomAttributeDtoPropertyType | Unset
        if isinstance(_property_type, Unset):
            property_type = UNSET
        else:
            property_type = UpdateCustomAttributeDtoPropertyType(_property_type)

        enum_property_values = cast(list[str], d.pop("enumPropertyValues", UNSET))

        update_custom_attribute_dto = cls(
            name=name,
            property_type=property_type,
            enum_property_values=enum_property_values,
        )

        update_custom_attribute_dto.additional_properties = d
        return update_custom_attribute_dto

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
