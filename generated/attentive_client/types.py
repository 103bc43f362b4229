"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from enum import StrEnum
from http import HTTPStatus
from typing import IO, BinaryIO, Generic, Literal, Self, TypeVar

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


class OpenStrEnum(StrEnum):
    """Base of every generated string enum: it also accepts values the spec did not declare.

    A value the vendor added after this client was generated (a new job status, say) must not fail the whole call:
    it becomes a member that is not one of the declared ones (``is_known`` is False). Requests are still checked
    against the declared values before they are sent.
    """

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
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


__all__ = ["UNSET", "File", "FileTypes", "OpenStrEnum", "RequestFiles", "Response", "Unset"]
