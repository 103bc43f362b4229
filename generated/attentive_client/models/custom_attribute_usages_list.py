from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CustomAttributeUsagesList")


@_attrs_define
class CustomAttributeUsagesList:
    """The list of journeys and segments using this attribute

    Attributes:
        total_usages (int | Unset):
        journey_usages (list[str] | Unset):
        segment_usages (list[str] | Unset):
    """

    total_usages: int | Unset = UNSET
    journey_usages: list[str] | Unset = UNSET
    segment_usages: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total_usages = self.total_usages

        journey_usages: list[str] | Unset = UNSET
        if not isinstance(self.journey_usages, Unset):
            journey_usages = self.journey_usages

        segment_usages: list[str] | Unset = UNSET
        if not isinstance(self.segment_usages, Unset):
            segment_usages = self.segment_usages

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if total_usages is not UNSET:
            field_dict["totalUsages"] = total_usages
        if journey_usages is not UNSET:
            field_dict["journeyUsages"] = journey_usages
        if segment_usages is not UNSET:
            field_dict["segmentUsages"] = segment_usages

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total_usages = d.pop("totalUsages", UNSET)

        journey_usages = cast(list[str], d.pop("journeyUsages", UNSET))

        segment_usages = cast(list[str], d.pop("segmentUsages", UNSET))

        custom_attribute_usages_list = cls(
            total_usages=total_usages,
            journey_usages=journey_usages,
            segment_usages=segment_usages,
        )

        custom_attribute_usages_list.additional_properties = d
        return custom_attribute_usages_list

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
