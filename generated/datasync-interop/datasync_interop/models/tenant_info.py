from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..types import UNSET, Unset

_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "id",
        "name",
        "account",
        "cloud",
        "integration",
        "license",
        "status",
        "sis_status",
        "auth",
    }
)

T = TypeVar("T", bound="TenantInfo")


@_attrs_define
class TenantInfo:
    """One licensed and authorized integration tenant."""

    id: UUID | Unset = UNSET
    name: str | Unset = UNSET
    account: Account | Unset = UNSET
    cloud: Cloud | Unset = UNSET
    integration: Integration | Unset = UNSET
    license_: License | Unset = UNSET
    status: TenantStatus | Unset = UNSET
    sis_status: TenantStatus | Unset = UNSET
    auth: TenantAuth | Unset = UNSET
    """ Credentials the tenant's integration uses. `client_secret` is a secret. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        id = self.id
        if id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(id, Unset)
            field_dict["id"] = str(id)

        name = self.name
        if name is not UNSET:
            field_dict["name"] = name

        account = self.account
        if account is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(account, Unset)
            field_dict["account"] = account.to_dict()

        cloud = self.cloud
        if cloud is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(cloud, Unset)
            field_dict["cloud"] = cloud.to_dict()

        integration = self.integration
        if integration is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(integration, Unset)
            field_dict["integration"] = integration.to_dict()

        license_ = self.license_
        if license_ is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(license_, Unset)
            field_dict["license"] = license_.to_dict()

        status = self.status
        if status is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(status, Unset)
            field_dict["status"] = status.to_dict()

        sis_status = self.sis_status
        if sis_status is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(sis_status, Unset)
            field_dict["sis_status"] = sis_status.to_dict()

        auth = self.auth
        if auth is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(auth, Unset)
            field_dict["auth"] = auth.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _id = src_dict.get("id")
        id: UUID | Unset
        if _id is None:
            id = UNSET
        else:
            try:
                id = UUID(_id)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError("id", _id, "expected a UUID string") from None

        _name = src_dict.get("name")
        name: str | Unset
        if _name is None:
            name = UNSET
        elif isinstance(_name, str):
            name = _name
        else:
            raise ModelParseError("name", _name, "expected a string")

        _account = src_dict.get("account")
        account: Account | Unset
        if _account is None:
            account = UNSET
        else:
            try:
                account = Account.from_dict(_account)
            except ModelParseError as error:
                raise error.inside("account") from None

        _cloud = src_dict.get("cloud")
        cloud: Cloud | Unset
        if _cloud is None:
            cloud = UNSET
        else:
            try:
                cloud = Cloud.from_dict(_cloud)
            except ModelParseError as error:
                raise error.inside("cloud") from None

        _integration = src_dict.get("integration")
        integration: Integration | Unset
        if _integration is None:
            integration = UNSET
        else:
            try:
                integration = Integration.from_dict(_integration)
            except ModelParseError as error:
                raise error.inside("integration") from None

        _license_ = src_dict.get("license")
        license_: License | Unset
        if _license_ is None:
            license_ = UNSET
        else:
            try:
                license_ = License.from_dict(_license_)
            except ModelParseError as error:
                raise error.inside("license") from None

        _status = src_dict.get("status")
        status: TenantStatus | Unset
        if _status is None:
            status = UNSET
        else:
            try:
                status = TenantStatus.from_dict(_status)
            except ModelParseError as error:
                raise error.inside("status") from None

        _sis_status = src_dict.get("sis_status")
        sis_status: TenantStatus | Unset
        if _sis_status is None:
            sis_status = UNSET
        else:
            try:
                sis_status = TenantStatus.from_dict(_sis_status)
            except ModelParseError as error:
                raise error.inside("sis_status") from None

        _auth = src_dict.get("auth")
        auth: TenantAuth | Unset
        if _auth is None:
            auth = UNSET
        else:
            try:
                auth = TenantAuth.from_dict(_auth)
            except ModelParseError as error:
                raise error.inside("auth") from None

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is TenantInfo:
            tenant_info = _new_object(cls)
            tenant_info.id = id
            tenant_info.name = name
            tenant_info.account = account
            tenant_info.cloud = cloud
            tenant_info.integration = integration
            tenant_info.license_ = license_
            tenant_info.status = status
            tenant_info.sis_status = sis_status
            tenant_info.auth = auth
            tenant_info.additional_properties = {}
        else:
            tenant_info = cls(
                id=id,
                name=name,
                account=account,
                cloud=cloud,
                integration=integration,
                license_=license_,
                status=status,
                sis_status=sis_status,
                auth=auth,
            )

        tenant_info.additional_properties = d
        return tenant_info

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


from ..models.account import Account  # noqa: E402
from ..models.cloud import Cloud  # noqa: E402
from ..models.integration import Integration  # noqa: E402
from ..models.license_ import License  # noqa: E402
from ..models.tenant_auth import TenantAuth  # noqa: E402
from ..models.tenant_status import TenantStatus  # noqa: E402
