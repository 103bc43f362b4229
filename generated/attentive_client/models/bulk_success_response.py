from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BulkSuccessResponse")


@_attrs_define
class BulkSuccessResponse:
    """
    Attributes:
        batch_job_id (str): A unique identifier representing the submitted batch job. Use this ID to query the job's
            status, retrieve results, or diagnose any errors related to the job. This ID is returned upon successful job
            submission and required for all follow-up actions related to the batch.
        message (str | Unset): A human-readable message confirming that the bulk job was successfully submitted.
    """

    batch_job_id: str
    message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        batch_job_id = self.batch_job_id

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "batchJobId": batch_job_id,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        batch_job_id = d.pop("batchJobId")

        message = d.pop("message", UNSET)

        bulk_success_response = cls(
            batch_job_id=batch_job_id,
            message=message,
        )

        bulk_success_response.additional_properties = d
        return bulk_success_response

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
