from ..types import OpenStrEnum


class BulkJobStatusResponseStatus(OpenStrEnum):
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    IN_PROGRESS = "IN_PROGRESS"
    PENDING = "PENDING"
