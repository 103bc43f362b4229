from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GetMeResponseDtoV2")


@_attrs_define
class GetMeResponseDtoV2:
    """
    Attributes:
        application_name (str | Unset): The application name. Example: Pillow Api.
        attentive_domain_name (str | Unset): The Attentive domain name. Example: hudsonivy.attn.tv.
        company_name (str | Unset): The company name in the Attentive platform. Example: Hudson & Ivy.
        contact_email (str | Unset): The contact email associated with the application. Example: name@company.com.
        company_id (str | Unset): The installer company ID Example: MDc6Q29tcGFueTI.
    """

    application_name: str | Unset = UNSET
    attentive_domain_name: str | Unset = UNSET
    company_name: str | Unset = UNSET
    contact_email: str | Unset = UNSET
    company_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_name = self.application_name

        attentive_domain_name = self.attentive_domain_name

        company_name = self.company_name

        contact_email = self.contact_email

        company_id = self.company_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if application_name is not UNSET:
            field_dict["applicationName"] = application_name
        if attentive_domain_name is not UNSET:
            field_dict["attentiveDomainName"] = attentive_domain_name
        if company_name is not UNSET:
            field_dict["companyName"] = company_name
        if contact_email is not UNSET:
            field_dict["contactEmail"] = contact_email
        if company_id is not UNSET:
            field_dict["companyId"] = company_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        application_name = d.pop("applicationName", UNSET)

        attentive_domain_name = d.pop("attentiveDomainName", UNSET)

        company_name = d.pop("companyName", UNSET)

        contact_email = d.pop("contactEmail", UNSET)

        company_id = d.pop("companyId", UNSET)

        get_me_response_dto_v2 = cls(
            application_name=application_name,
            attentive_domain_name=attentive_domain_name,
            company_name=company_name,
            contact_email=contact_email,
            company_id=company_id,
        )

        get_me_response_dto_v2.additional_properties = d
        return get_me_response_dto_v2

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
