from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..types import UNSET, Unset

_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "query",
        "metadata",
    }
)

T = TypeVar("T", bound="ExchangeCreate")


@_attrs_define
class ExchangeCreate:
    """Body of `createExchange`."""

    query: ExchangeQuery | Unset = UNSET
    metadata: MetadataType0 | None | Unset = UNSET
    """ Free-form metadata attached by the creator. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        query = self.query
        if query is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(query, Unset)
            field_dict["query"] = query.to_dict()

        metadata = self.metadata
        if metadata is not UNSET:
            field_dict["metadata"] = (
                metadata.to_dict() if isinstance(metadata, MetadataType0) else metadata
            )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _query = src_dict.get("query")
        query: ExchangeQuery | Unset
        if _query is None:
            query = UNSET
        else:
            try:
                query = ExchangeQuery.from_dict(_query)
            except ModelParseError as error:
                raise error.inside("query") from None

        _metadata = src_dict.get("metadata", UNSET)
        metadata: MetadataType0 | None | Unset
        if _metadata is None:
            metadata = None
        elif isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            try:
                metadata = MetadataType0.from_dict(_metadata)
            except ModelParseError as error:
                raise error.inside("metadata") from None

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ExchangeCreate:
            exchange_create = _new_object(cls)
            exchange_create.query = query
            exchange_create.metadata = metadata
            exchange_create.additional_properties = {}
        else:
            exchange_create = cls(
                query=query,
                metadata=metadata,
            )

        exchange_create.additional_properties = d
        return exchange_create

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


from ..models.exchange_query import ExchangeQuery  # noqa: E402
from ..models.metadata_type_0 import MetadataType0  # noqa: E402
