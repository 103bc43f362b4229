from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.custom_event_properties import CustomEventProperties
    from ..models.custom_event_user import CustomEventUser


T = TypeVar("T", bound="CustomEvent")


@_attrs_define
class CustomEvent:
    """ 
        Attributes:
            type_ (str): The type of event. This name is case sensitive.
                "Order shipped" and "Order Shipped" would be considered different event types.

                The Custom Event type cannot contain any of the following special characters:
                * double quote "
                * single quote '
                * parentheses ( )
                * curly braces { }
                * square brackets [ ]
                * backslash \\
                * vertical bar |
                * commas ,
                 Example: Order Shipped.
            user (CustomEventUser): User associated with the event. At least one identifier (phone or email) must be
                provided.
            properties (CustomEventProperties | Unset): Any metadata associated with the event.

                Object keys are expected to be strings, and cannot contain any of the following special characters:
                * double quote "
                * curly braces { }
                * square brackets [ ]
                * backslash \\
                * vertical bar |

                Object values can be any type. Note that both object keys and object values are case sensitive.
                There is a maximum of 200 object keys per custom event type.
                 Example: {'orderStatusURL': 'https://example.com/orderstatus/54321', 'delivery_date': 'May 10', 'Order Id':
                '54321'}.
            external_event_id (str | Unset): A unique identifier representing this specific event. A UUID is recommended.
                Example: 37fb97a9-6cfd-4983-bd65-68d104d53b70.
            occurred_at (datetime.datetime | Unset): Timestamp of when the action occurred in ISO 8601 format. If the
                timestamp is older than 12 hours, it will not trigger any relevant Journeys. If no timestamp is provided, it is
                assumed the event occurred when the endpoint is called.
                 Example: 2021-03-30T14:38:29+0000.
     """

    type_: str
    user: CustomEventUser
    properties: CustomEventProperties | Unset = UNSET
    external_event_id: str | Unset = UNSET
    occurred_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        user = self.user.to_dict()

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        external_event_id = self.external_event_id

        occurred_at: str | Unset = UNSET
        if not isinstance(self.occurred_at, Unset):
            occurred_at = self.occurred_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "user": user,
            }
        )
        if properties is not UNSET:
            field_dict["properties"] = properties
        if external_event_id is not UNSET:
            field_dict["externalEventId"] = external_event_id
        if occurred_at is not UNSET:
            field_dict["occurredAt"] = occurred_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.custom_event_properties import CustomEventProperties  # noqa: PLC0415
        from ..models.custom_event_user import CustomEventUser  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        user = CustomEventUser.from_dict(d.pop("user"))

        _properties = d.pop("properties", UNSET)
        properties: CustomEventProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = CustomEventProperties.from_dict(_properties)

        external_event_id = d.pop("externalEventId", UNSET)

        _occurred_at = d.pop("occurredAt", UNSET)
        occurred_at: datetime.datetime | Unset
        if isinstance(_occurred_at, Unset):
            occurred_at = UNSET
        else:
            occurred_at = datetime.datetime.fromisoformat(_occurred_at)

        custom_event = cls(
            type_=type_,
            user=user,
            properties=properties,
            external_event_id=external_event_id,
            occurred_at=occurred_at,
        )

        custom_event.additional_properties = d
        return custom_event

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
