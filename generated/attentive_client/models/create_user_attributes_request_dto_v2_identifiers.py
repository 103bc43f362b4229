from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.custom_identifier import CustomIdentifier


T = TypeVar("T", bound="CreateUserAttributesRequestDtoV2Identifiers")


@_attrs_define
class CreateUserAttributesRequestDtoV2Identifiers:
    """Contains various identifiers used to uniquely identify the user.

    Notes:
    - Sending duplicate values could lead to unintentionally bridging users together.
    - Don't use customIdentifiers to send attributes (e.g., first name, last name). To send those types of attributes,
    add to the attributes payload.
    - Avoid sending null values or empty strings. If you don't have a valid identifier, you should omit the field from
    the payload.

        Attributes:
            email (str | Unset): The user's email address. Example: jsmith@attentive.com.
            phone (str | Unset): The user's phone number. Example: +15008675309.
            shopify_id (str | Unset): The user's Shopify ID, if applicable. Example: 345678901.
            klaviyo_id (str | Unset): The user's Klaviyo ID, if applicable. Example: a1b2c3d4e5f6a7b8c9d0e1f2.
            client_user_id (str | Unset): Your own unique identifier to be associated with a user to be associated with a
                user through a phone, email, shopify id, klaviyo id, or custom identifier. Please do NOT put Shopify IDs or
                Klaviyo IDs here, there are dedicated fields for those identifiers. There is a 100-character limit.
                 Example: freeform-client-id.
            custom_identifiers (list[CustomIdentifier] | Unset):
    """

    email: str | Unset = UNSET
    phone: str | Unset = UNSET
    shopify_id: str | Unset = UNSET
    klaviyo_id: str | Unset = UNSET
    client_user_id: str | Unset = UNSET
    custom_identifiers: list[CustomIdentifier] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        phone = self.phone

        shopify_id = self.shopify_id

        klaviyo_id = self.klaviyo_id

        client_user_id = self.client_user_id

        custom_identifiers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.custom_identifiers, Unset):
            custom_identifiers = []
            for custom_identifiers_item_data in self.custom_identifiers:
                custom_identifiers_item = custom_identifiers_item_data.to_dict()
                custom_identifiers.append(custom_identifiers_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if shopify_id is not UNSET:
            field_dict["shopifyId"] = shopify_id
        if klaviyo_id is not UNSET:
            field_dict["klaviyoId"] = klaviyo_id
        if client_user_id is not UNSET:
            field_dict["clientUserId"] = client_user_id
        if custom_identifiers is not UNSET:
            field_dict["customIdentifiers"] = custom_identifiers

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.custom_identifier import CustomIdentifier  # noqa: PLC0415

        d = dict(src_dict)
        email = d.pop("email", UNSET)

        phone = d.pop("phone", UNSET)

        shopify_id = d.pop("shopifyId", UNSET)

        klaviyo_id = d.pop("klaviyoId", UNSET)

        client_user_id = d.pop("clientUserId", UNSET)

        _custom_identifiers = d.pop("customIdentifiers", UNSET)
        custom_identifiers: list[CustomIdentifier] | Unset = UNSET
        if _custom_identifiers is not UNSET:
            custom_identifiers = []
            for custom_identifiers_item_data in _custom_identifiers:
                custom_identifiers_item = CustomIdentifier.from_dict(custom_identifiers_item_data)

                custom_identifiers.append(custom_identifiers_item)

        create_user_attributes_request_dto_v2_identifiers = cls(
            email=email,
            phone=phone,
            shopify_id=shopify_id,
            klaviyo_id=klaviyo_id,
            client_user_id=client_user_id,
            custom_identifiers=custom_identifiers,
        )

        return create_user_attributes_request_dto_v2_identifiers
