from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.segment_member import SegmentMember


T = TypeVar("T", bound="SegmentMembers")


@_attrs_define
class SegmentMembers:
    """
    Attributes:
        segment_id (str): The unique identifier of the segment. Example: loyalty_gold_2025.
        members (list[SegmentMember]): Array of segment members to add or remove (up to 1000 members).
    """

    segment_id: str
    members: list[SegmentMember]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        segment_id = self.segment_id

        members = []
        for members_item_data in self.members:
            members_item = members_item_data.to_dict()
            members.append(members_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "segmentId": segment_id,
                "members": members,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.segment_member import SegmentMember  # noqa: PLC0415

        d = dict(src_dict)
        segment_id = d.pop("segmentId")

        members = []
        _members = d.pop("members")
        for members_item_data in _members:
            members_item = SegmentMember.from_dict(members_item_data)

            members.append(members_item)

        segment_members = cls(
            segment_id=segment_id,
            members=members,
        )

        segment_members.additional_properties = d
        return segment_members

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
