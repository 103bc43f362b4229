from enum import StrEnum


class BulkJobStatusResponseStatus(StrEnum):
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    IN_PROGRESS = "IN_PROGRESS"
    PENDING = "PENDING"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> "BulkJobStatusResponseStatus | None":
        # A value the vendor added after this client was generated (a new job status, say) must not fail the
        # whole call: it becomes a member that is not one of the declared ones (is_known is False).
        # Requests are still checked against the declared values before they are sent.
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """Whether this value is one the spec declared when the client was generated."""
        return self._value_ in type(self)._value2member_map_
