from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..types import UNSET, Unset


def _hidden(value: object) -> str:
    """How a secret property shows in a repr: ``'***'`` when it is set."""
    return repr(value) if value is UNSET or value is None else "'***'"


_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "type",
        "client_id",
        "client_secret",
        "updated_at",
    }
)

T = TypeVar("T", bound="TenantAuth")


@_attrs_define
class TenantAuth:
    """Credentials the tenant's integration uses. `client_secret` is a secret."""

    type_: str | Unset = UNSET
    client_id: str | Unset = UNSET
    client_secret: str | Unset = _attrs_field(repr=_hidden, default=UNSET)
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        type_ = self.type_
        if type_ is not UNSET:
            field_dict["type"] = type_

        client_id = self.client_id
        if client_id is not UNSET:
            field_dict["client_id"] = client_id

        client_secret = self.client_secret
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret

        updated_at = self.updated_at
        if updated_at is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(updated_at, Unset)
            field_dict["updated_at"] = updated_at.isoformat()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _type_ = src_dict.get("type")
        type_: str | Unset
        if _type_ is None:
            type_ = UNSET
        elif isinstance(_type_, str):
            type_ = _type_
        else:
            raise ModelParseError("type", _type_, "expected a string")

        _client_id = src_dict.get("client_id")
        client_id: str | Unset
        if _client_id is None:
            client_id = UNSET
        elif isinstance(_client_id, str):
            client_id = _client_id
        else:
            raise ModelParseError("client_id", _client_id, "expected a string")

        _client_secret = src_dict.get("client_secret")
        client_secret: str | Unset
        if _client_secret is None:
            client_secret = UNSET
        elif isinstance(_client_secret, str):
            client_secret = _client_secret
        else:
            raise ModelParseError("client_secret", _client_secret, "expected a string")

        _updated_at = src_dict.get("updated_at")
        updated_at: datetime.datetime | Unset
        if _updated_at is None:
            updated_at = UNSET
        else:
            try:
                updated_at = datetime.datetime.fromisoformat(_updated_at)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "updated_at", _updated_at, "expected a date-time string"
                ) from None

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is TenantAuth:
            tenant_auth = _new_object(cls)
            tenant_auth.type_ = type_
            tenant_auth.client_id = client_id
            tenant_auth.client_secret = client_secret
            tenant_auth.updated_at = updated_at
            tenant_auth.additional_properties = {}
        else:
            tenant_auth = cls(
                type_=type_,
                client_id=client_id,
                client_secret=client_secret,
                updated_at=updated_at,
            )

        tenant_auth.additional_properties = d
        return tenant_auth

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
