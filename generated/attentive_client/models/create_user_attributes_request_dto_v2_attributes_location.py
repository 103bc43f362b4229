from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateUserAttributesRequestDtoV2AttributesLocation")


@_attrs_define
class CreateUserAttributesRequestDtoV2AttributesLocation:
    """An object containing the user's address and geographical details.

    Attributes:
        address1 (str | Unset): The first line of the address (e.g., street name and number). Example: 456 Elm Avenue.
        address2 (str | Unset): The second line of the address (e.g., apartment or suite). Example: Suite 300.
        city (str | Unset): The city where the user is located. Example: Brooklyn.
        state (str | Unset): The state where the user is located. Example: NY.
        zip_ (str | Unset): The postal or ZIP code. Example: 11222.
        latitude (str | Unset): The geographical latitude. Example: 40.730610.
        longitude (str | Unset): The geographical longitude. Example: -73.935242.
        country (str | Unset): The country of the user provided in ISO-3166-1 format Example: US.
        region (str | Unset): The region of the user in ISO-3166-2 format Example: AU-NSW.
        timezone (str | Unset): The user's timezone (e.g., EST). Example: EST.
    """

    address1: str | Unset = UNSET
    address2: str | Unset = UNSET
    city: str | Unset = UNSET
    state: str | Unset = UNSET
    zip_: str | Unset = UNSET
    latitude: str | Unset = UNSET
    longitude: str | Unset = UNSET
    country: str | Unset = UNSET
    region: str | Unset = UNSET
    timezone: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        address1 = self.address1

        address2 = self.address2

        city = self.city

        state = self.state

        zip_ = self.zip_

        latitude = self.latitude

        longitude = self.longitude

        country = self.country

        region = self.region

        timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if address1 is not UNSET:
            field_dict["address1"] = address1
        if address2 is not UNSET:
            field_dict["address2"] = address2
        if city is not UNSET:
            field_dict["city"] = city
        if state is not UNSET:
            field_dict["state"] = state
        if zip_ is not UNSET:
            field_dict["zip"] = zip_
        if latitude is not UNSET:
            field_dict["latitude"] = latitude
        if longitude is not UNSET:
            field_dict["longitude"] = longitude
        if country is not UNSET:
            field_dict["country"] = country
        if region is not UNSET:
            field_dict["region"] = region
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address1 = d.pop("address1", UNSET)

        address2 = d.pop("address2", UNSET)

        city = d.pop("city", UNSET)

        state = d.pop("state", UNSET)

        zip_ = d.pop("zip", UNSET)

        latitude = d.pop("latitude", UNSET)

        longitude = d.pop("longitude", UNSET)

        country = d.pop("country", UNSET)

        region = d.pop("region", UNSET)

        timezone = d.pop("timezone", UNSET)

        create_user_attributes_request_dto_v2_attributes_location = cls(
            address1=address1,
            address2=address2,
            city=city,
            state=state,
            zip_=zip_,
            latitude=latitude,
            longitude=longitude,
            country=country,
            region=region,
            timezone=timezone,
        )

        return create_user_attributes_request_dto_v2_attributes_location
