"""Contains some shared types for properties"""

import datetime
from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar
from uuid import UUID, SafeUUID

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


_new_object = object.__new__
_SAFE_UUID_UNKNOWN = SafeUUID.unknown
_set_uuid_int = UUID.__dict__["int"].__set__
_set_uuid_is_safe = UUID.__dict__["is_safe"].__set__


def parse_uuid(value: Any) -> UUID:
    """UUID(value): the same UUID, or an exception of the same kind, for every JSON value but null."""
    digits = value.replace("-", "")
    if len(digits) != 32:
        return UUID(value)
    number = int(digits, 16)
    uuid = _new_object(UUID)
    _set_uuid_int(uuid, number)
    _set_uuid_is_safe(uuid, _SAFE_UUID_UNKNOWN)
    return uuid


def format_uuid(value: UUID) -> str:
    """str(value)."""
    if type(value) is UUID:
        octets = value.int.to_bytes(16, "big")
        return f"{octets[:4].hex()}-{octets[4:10].hex('-', 2)}-{octets[10:].hex()}"
    return str(value)


_UTC = datetime.UTC
_datetime = datetime.datetime
_TWO_DIGITS = tuple(f"{number:02d}" for number in range(100))


def format_datetime(value: datetime.datetime) -> str:
    """value.isoformat()."""
    if type(value) is _datetime and not value.microsecond:
        year = value.year
        tzinfo = value.tzinfo
        if year >= 1000 and (tzinfo is _UTC or tzinfo is None):
            return (
                f"{year}-{_TWO_DIGITS[value.month]}-{_TWO_DIGITS[value.day]}T{_TWO_DIGITS[value.hour]}:"
                f"{_TWO_DIGITS[value.minute]}:{_TWO_DIGITS[value.second]}{'' if tzinfo is None else '+00:00'}"
            )
    return value.isoformat()


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "RequestFiles",
    "Response",
    "Unset",
    "format_datetime",
    "format_uuid",
    "parse_uuid",
]
