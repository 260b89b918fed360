"""Contains shared errors types that can be raised from API functions"""

from collections.abc import Mapping
from typing import Any

from .types import UNSET


class UnexpectedStatus(Exception):
    """Raised by api functions when the response status an undocumented status and Client.raise_on_unexpected_status is True"""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class ModelParseError(ValueError):
    """A model's from_dict was given data that does not have the shape of the model's schema.

    Raised for a required property that is missing, or null where the schema does not allow null, and for a
    value of the wrong type (or a string that is not a UUID or a date-time where the schema says so). An
    optional property that is null although its schema does not allow null is not an error: it parses as UNSET.

    ``field`` is the path of the offending value from the top of the parsed data, such as ``data[3].id``
    (empty when the data itself is not an object); ``value`` is that value (UNSET when the property is
    missing); ``reason`` says what was expected.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        super().__init__(field, value, reason)
        self.field = field
        self.value = value
        self.reason = reason

    def __str__(self) -> str:
        message = f"{self.field}: {self.reason}" if self.field else self.reason
        if self.value is UNSET:
            return message
        shown = repr(self.value)
        return f"{message}, got {shown if len(shown) <= 80 else shown[:77] + '...'}"

    @classmethod
    def required(cls, field: str, src_dict: Mapping[str, Any]) -> "ModelParseError":
        """The error for a required property that src_dict lacks or holds as null."""
        if field in src_dict:
            return cls(field, None, "required and not nullable")
        return cls(field, UNSET, "required but missing")

    def inside(self, prefix: str) -> "ModelParseError":
        """The same error, its path prefixed with where the failing value sits (a property or ``name[index]``)."""
        if not self.field:
            field = prefix
        elif self.field.startswith("["):
            field = prefix + self.field
        else:
            field = f"{prefix}.{self.field}"
        return ModelParseError(field, self.value, self.reason)


__all__ = ["ModelParseError", "UnexpectedStatus"]
