from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.create_user_attributes_request_dto_v2_subscriptions_item_channel import (
    CreateUserAttributesRequestDtoV2SubscriptionsItemChannel,
)
from ..models.create_user_attributes_request_dto_v2_subscriptions_item_subscription_type import (
    CreateUserAttributesRequestDtoV2SubscriptionsItemSubscriptionType,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.subscription_locale import SubscriptionLocale


T = TypeVar("T", bound="CreateUserAttributesRequestDtoV2SubscriptionsItem")


@_attrs_define
class CreateUserAttributesRequestDtoV2SubscriptionsItem:
    """
    Attributes:
        channel (CreateUserAttributesRequestDtoV2SubscriptionsItemChannel): The communication channel the user is
            subscribed to (e.g., TEXT). Supported channels include:
              - TEXT
              - EMAIL
             Example: TEXT.
        subscription_type (CreateUserAttributesRequestDtoV2SubscriptionsItemSubscriptionType): The kind of messages the
            user subscribes to. Example: MARKETING.
        sign_up_source_id (str | Unset): A string identifying the source of the user's sign-up. Example: string.
        single_opt_in (bool | Unset): Opt in subscriber silently (do not send a Reply Y to subscribe text).

            NOTE: This property is disabled (set to false) by default. We strongly recommend maintaining the standard
            double opt-in flow, as it serves important legal and compliance purposes. If you want to enable single opt-in,
            we encourage you to speak with your dedicated Client Strategy Manager (CSM) or our White Glove team
            (whiteglove@attentivemobile.com) before you enable it. If this property is set to true, subscribers will be
            added without receiving the initial “Reply Y” confirmation text message. This setting bypasses only the
            “Reply Y” message. The mandatory legal message will still be sent.
             Example: True.
        locale (SubscriptionLocale | Unset): The locale used to resolve exactly one API sign-up unit when no
            signUpSourceId is given.
    """

    channel: CreateUserAttributesRequestDtoV2SubscriptionsItemChannel
    subscription_type: CreateUserAttributesRequestDtoV2SubscriptionsItemSubscriptionType
    sign_up_source_id: str | Unset = UNSET
    single_opt_in: bool | Unset = UNSET
    locale: SubscriptionLocale | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        channel = self.channel.value

        subscription_type = self.subscription_type.value

        sign_up_source_id = self.sign_up_source_id

        single_opt_in = self.single_opt_in

        locale: dict[str, Any] | Unset = UNSET
        if not isinstance(self.locale, Unset):
            locale = self.locale.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "channel": channel,
                "subscriptionType": subscription_type,
            }
        )
        if sign_up_source_id is not UNSET:
            field_dict["signUpSourceId"] = sign_up_source_id
        if single_opt_in is not UNSET:
            field_dict["singleOptIn"] = single_opt_in
        if locale is not UNSET:
            field_dict["locale"] = locale

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscription_locale import SubscriptionLocale  # noqa: PLC0415

        d = dict(src_dict)
        channel = CreateUserAttributesRequestDtoV2SubscriptionsItemChannel(d.pop("channel"))

        subscription_type = CreateUserAttributesRequestDtoV2SubscriptionsItemSubscriptionType(d.pop("subscriptionType"))

        sign_up_source_id = d.pop("signUpSourceId", UNSET)

        single_opt_in = d.pop("singleOptIn", UNSET)

        _locale = d.pop("locale", UNSET)
        locale: SubscriptionLocale | Unset
        if isinstance(_locale, Unset):
            locale = UNSET
        else:
            locale = SubscriptionLocale.from_dict(_locale)

        create_user_attributes_request_dto_v2_subscriptions_item = cls(
            channel=channel,
            subscription_type=subscription_type,
            sign_up_source_id=sign_up_source_id,
            single_opt_in=single_opt_in,
            locale=locale,
        )

        return create_user_attributes_request_dto_v2_subscriptions_item
