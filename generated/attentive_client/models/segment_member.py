from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SegmentMember")


@_attrs_define
class SegmentMember:
    """A segment member identified by email, phone, and/or clientUserId. At least one identifier must be provided.

    Attributes:
        email (str | Unset): The member's email address. At least one of email, phone, or clientUserId must be provided
            to identify the user. Example: user1@example.com.
        phone (str | Unset): The member's phone number in E.164 format. At least one of email, phone, or clientUserId
            must be provided to identify the user. Example: +14155551234.
        client_user_id (str | Unset): The client user identifier. At least one of email, phone, or clientUserId must be
            provided to identify the user.
             Example: client-user-123.
    """

    email: str | Unset = UNSET
    phone: str | Unset = UNSET
    client_user_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        phone = self.phone

        client_user_id = self.client_user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if client_user_id is not UNSET:
            field_dict["clientUserId"] = client_user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email", UNSET)

        phone = d.pop("phone", UNSET)

        client_user_id = d.pop("clientUserId", UNSET)

        segment_member = cls(
            email=email,
            phone=phone,
            client_user_id=client_user_id,
        )

        segment_member.additional_properties = d
        return segment_member

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
