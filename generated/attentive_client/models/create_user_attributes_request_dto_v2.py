from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_user_attributes_request_dto_v2_attributes import CreateUserAttributesRequestDtoV2Attributes
    from ..models.create_user_attributes_request_dto_v2_identifiers import CreateUserAttributesRequestDtoV2Identifiers
    from ..models.create_user_attributes_request_dto_v2_subscriptions_item import (
        CreateUserAttributesRequestDtoV2SubscriptionsItem,
    )


T = TypeVar("T", bound="CreateUserAttributesRequestDtoV2")


@_attrs_define
class CreateUserAttributesRequestDtoV2:
    """
    Attributes:
        identifiers (CreateUserAttributesRequestDtoV2Identifiers): Contains various identifiers used to uniquely
            identify the user.

            Notes:
            - Sending duplicate values could lead to unintentionally bridging users together.
            - Don't use customIdentifiers to send attributes (e.g., first name, last name). To send those types of
            attributes, add to the attributes payload.
            - Avoid sending null values or empty strings. If you don't have a valid identifier, you should omit the field
            from the payload.
        attributes (CreateUserAttributesRequestDtoV2Attributes | Unset): Personal details about the user. These
            attributes will take priority over custom properties. All fields are considered optional.
        subscriptions (list[CreateUserAttributesRequestDtoV2SubscriptionsItem] | Unset): An array of subscription
            details, defining how the user prefers to receive communications.

            Notes:
            - A legal disclosure is required when a user is opted-in programmatically.
                - For marketing messages, required [legal language](https://docs.attentivemobile.com/pages/legal-docs/legal-
            disclosure-language/) must be included.
               - For transactional messages, you must include a [transactional opt-in
            unit](https://docs.attentivemobile.com/pages/legal-docs/legal-transactional/).

            - By default, if a subscription already exists, it will try and record the attempt to create the subscription
            again. For TEXT subscriptions, this may result in a message being sent to the person indicating that they are
            already subscribed.
            - Requests to opt-in subscribers must contain a sign-up source id.
              - The unique identifier of a sign-up source can be found in the Sign-up Units tab of the Attentive platform in
            the ID column.
              If this value is provided in the request, then this sign-up unit will be used for opting in the user in the
            request.

            - Callers of this endpoint have the option to omit `signUpSourceId` and, instead, provide both a `locale` and a
            `subscriptionType` (see below for field details). Given the locale and subscription type, Attentive will resolve
            any matching API opt-in units. To opt-in a user to a subscription without a `signUpSourceId` and exclusively
            based on locale and subscription type, there must be exactly one API sign-up unit that matches the provided
            locale and subscription type. Conversely, requests that contain a locale and a subscription type that do not
            have a corresponding sign-up unit or that have multiple matching sign-up units will receive a `400` response and
            will not opt a user into a subscription.
            - Phone numbers must be submitted in [e164 format](https://en.wikipedia.org/wiki/E.164).
                - valid examples: `+19148440001`, `+442071838750`, `+551155256325`
                - invalid examples: `19148440001`, `+1---914---844---0001`, `1 () 914 844 0001`
    """

    identifiers: CreateUserAttributesRequestDtoV2Identifiers
    attributes: CreateUserAttributesRequestDtoV2Attributes | Unset = UNSET
    subscriptions: list[CreateUserAttributesRequestDtoV2SubscriptionsItem] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        identifiers = self.identifiers.to_dict()

        attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = self.attributes.to_dict()

        subscriptions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.subscriptions, Unset):
            subscriptions = []
            for subscriptions_item_data in self.subscriptions:
                subscriptions_item = subscriptions_item_data.to_dict()
                subscriptions.append(subscriptions_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identifiers": identifiers,
            }
        )
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if subscriptions is not UNSET:
            field_dict["subscriptions"] = subscriptions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_user_attributes_request_dto_v2_attributes import CreateUserAttributesRequestDtoV2Attributes  # noqa: PLC0415
        from ..models.create_user_attributes_request_dto_v2_identifiers import (
            CreateUserAttributesRequestDtoV2Identifiers,  # noqa: PLC0415
        )
        from ..models.create_user_attributes_request_dto_v2_subscriptions_item import (
            CreateUserAttributesRequestDtoV2SubscriptionsItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        identifiers = CreateUserAttributesRequestDtoV2Identifiers.from_dict(d.pop("identifiers"))

        _attributes = d.pop("attributes", UNSET)
        attributes: CreateUserAttributesRequestDtoV2Attributes | Unset
        if isinstance(_attributes, Unset):
            attributes = UNSET
        else:
            attributes = CreateUserAttributesRequestDtoV2Attributes.from_dict(_attributes)

        _subscriptions = d.pop("subscriptions", UNSET)
        subscriptions: list[CreateUserAttributesRequestDtoV2SubscriptionsItem] | Unset = UNSET
        if _subscriptions is not UNSET:
            subscriptions = []
            for subscriptions_item_data in _subscriptions:
                subscriptions_item = CreateUserAttributesRequestDtoV2SubscriptionsItem.from_dict(
                    subscriptions_item_data
                )

                subscriptions.append(subscriptions_item)

        create_user_attributes_request_dto_v2 = cls(
            identifiers=identifiers,
            attributes=attributes,
            subscriptions=subscriptions,
        )

        return create_user_attributes_request_dto_v2
