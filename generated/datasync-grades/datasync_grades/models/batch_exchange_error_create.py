from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.batch_exchange_error_code_known import BatchExchangeErrorCodeKnown
from ..types import UNSET, Unset

_BATCH_EXCHANGE_ERROR_CODE_KNOWN_VALUES: dict[str, BatchExchangeErrorCodeKnown] = {
    member.value: member for member in BatchExchangeErrorCodeKnown
}
_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "code",
    }
)

T = TypeVar("T", bound="BatchExchangeErrorCreate")


@_attrs_define
class BatchExchangeErrorCreate:
    """Body of `createBatchExchangeError`."""

    code: BatchExchangeErrorCodeKnown | str | Unset = UNSET
    """ Why the producer could not answer a batch exchange. Open enumeration. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        code = self.code
        if code is not UNSET:
            field_dict["code"] = (
                code.value if isinstance(code, BatchExchangeErrorCodeKnown) else code
            )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _code = src_dict.get("code")
        code: BatchExchangeErrorCodeKnown | str | Unset
        if _code is None:
            code = UNSET
        elif isinstance(_code, str):
            code = _BATCH_EXCHANGE_ERROR_CODE_KNOWN_VALUES.get(_code, _code)
        else:
            raise ModelParseError("code", _code, "expected a string")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is BatchExchangeErrorCreate:
            batch_exchange_error_create = _new_object(cls)
            batch_exchange_error_create.code = code
            batch_exchange_error_create.additional_properties = {}
        else:
            batch_exchange_error_create = cls(
                code=code,
            )

        batch_exchange_error_create.additional_properties = d
        return batch_exchange_error_create

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
