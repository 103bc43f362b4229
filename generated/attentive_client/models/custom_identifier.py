from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CustomIdentifier")


@_attrs_define
class CustomIdentifier:
    """An object containing custom identifiers to associate with an incoming user

    Attributes:
        key (str): The name of the custom identifier. Example: loyalty_points_id.
        value (str): The value of the custom identifier. Example: ADFK4D7D.
    """

    key: str
    value: str

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        value = d.pop("value")

        custom_identifier = cls(
            key=key,
            value=value,
        )

        return custom_identifier
