"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .cloud import Cloud
from .cloud_env import CloudEnv
from .error_info import ErrorInfo
from .error_response import ErrorResponse
from .integration import Integration
from .license_ import License
from .paging import Paging
from .scoping_course import ScopingCourse
from .scoping_course_envelope import ScopingCourseEnvelope
from .scoping_course_list import ScopingCourseList
from .scoping_courses_create import ScopingCoursesCreate
from .scoping_school import ScopingSchool
from .scoping_school_envelope import ScopingSchoolEnvelope
from .scoping_school_list import ScopingSchoolList
from .scoping_schools_create import ScopingSchoolsCreate
from .tenant_auth import TenantAuth
from .tenant_info import TenantInfo
from .tenant_info_envelope import TenantInfoEnvelope
from .tenant_info_list import TenantInfoList
from .tenant_status import TenantStatus

__all__ = (
    "Account",
    "Cloud",
    "CloudEnv",
    "ErrorInfo",
    "ErrorResponse",
    "Integration",
    "License",
    "Paging",
    "ScopingCourse",
    "ScopingCourseEnvelope",
    "ScopingCourseList",
    "ScopingCoursesCreate",
    "ScopingSchool",
    "ScopingSchoolEnvelope",
    "ScopingSchoolList",
    "ScopingSchoolsCreate",
    "TenantAuth",
    "TenantInfo",
    "TenantInfoEnvelope",
    "TenantInfoList",
    "TenantStatus",
)
