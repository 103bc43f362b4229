from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.bulk_job_status_response_status import BulkJobStatusResponseStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="BulkJobStatusResponse")


@_attrs_define
class BulkJobStatusResponse:
    """
    Attributes:
        bulk_job_id (str): A unique identifier representing the submitted batch job. Use this ID to query the job's
            status, retrieve results, or diagnose any errors related to the job. This ID is returned upon successful job
            submission and required for all follow-up actions related to the batch.
        status (BulkJobStatusResponseStatus): The current state of the batch job. Common values include:

              - `IN_PROGRESS` – The job has been accepted and is waiting to be processed.

              - `COMPLETED` – The job finished successfully.
        total_records (int | Unset): The total number of records included in the batch job. This represents the full
            count of items submitted for processing, regardless of whether they ultimately succeeded or failed.
        url (str | Unset): A direct URL to download the results of the batch job, when available. This field is
            typically populated once the job has completed successfully. The file will contain per-record results in a JSON
            Lines (.jsonl) file.
    """

    bulk_job_id: str
    status: BulkJobStatusResponseStatus
    total_records: int | Unset = UNSET
    url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bulk_job_id = self.bulk_job_id

        status = self.status.value

        total_records = self.total_records

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bulkJobId": bulk_job_id,
                "status": status,
            }
        )
        if total_records is not UNSET:
            field_dict["totalRecords"] = total_records
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bulk_job_id = d.pop("bulkJobId")

        status = BulkJobStatusResponseStatus(d.pop("status"))

        total_records = d.pop("totalRecords", UNSET)

        url = d.pop("url", UNSET)

        bulk_job_status_response = cls(
            bulk_job_id=bulk_job_id,
            status=status,
            total_records=total_records,
            url=url,
        )

        bulk_job_status_response.additional_properties = d
        return bulk_job_status_response

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
