from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.create_user_attributes_request_dto_v2 import CreateUserAttributesRequestDtoV2


T = TypeVar("T", bound="UserAttributes")


@_attrs_define
class UserAttributes:
    """Up to 256 user upserts submitted as one asynchronous bulk job.

    Attributes:
        users (list[CreateUserAttributesRequestDtoV2]):
    """

    users: list[CreateUserAttributesRequestDtoV2]

    def to_dict(self) -> dict[str, Any]:
        users = []
        for users_item_data in self.users:
            users_item = users_item_data.to_dict()
            users.append(users_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "users": users,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_user_attributes_request_dto_v2 import CreateUserAttributesRequestDtoV2  # noqa: PLC0415

        d = dict(src_dict)
        users = []
        _users = d.pop("users")
        for users_item_data in _users:
            users_item = CreateUserAttributesRequestDtoV2.from_dict(users_item_data)

            users.append(users_item)

        user_attributes = cls(
            users=users,
        )

        return user_attributes
