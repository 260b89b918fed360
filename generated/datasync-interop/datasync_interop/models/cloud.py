from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cloud_env import CloudEnv
from ..types import UNSET, Unset

_PROPERTY_NAMES = frozenset(
    {
        "id",
        "name",
        "generation",
        "env",
    }
)

T = TypeVar("T", bound="Cloud")


@_attrs_define
class Cloud:
    id: UUID | Unset = UNSET
    name: str | Unset = UNSET
    generation: int | Unset = UNSET
    env: CloudEnv | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        name = self.name

        generation = self.generation

        env: dict[str, Any] | Unset = UNSET
        if not isinstance(self.env, Unset):
            env = self.env.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if generation is not UNSET:
            field_dict["generation"] = generation
        if env is not UNSET:
            field_dict["env"] = env

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        _id = src_dict.get("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        name = src_dict.get("name", UNSET)

        generation = src_dict.get("generation", UNSET)

        _env = src_dict.get("env", UNSET)
        env: CloudEnv | Unset
        if isinstance(_env, Unset):
            env = UNSET
        else:
            env = CloudEnv.from_dict(_env)

        cloud = cls(
            id=id,
            name=name,
            generation=generation,
            env=env,
        )

        if not _PROPERTY_NAMES.issuperset(src_dict):
            cloud.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        return cloud

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
