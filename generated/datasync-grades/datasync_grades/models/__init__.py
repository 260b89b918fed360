"""Contains all the data models used in inputs/outputs"""

from .assignment import Assignment
from .batch_context_data import BatchContextData
from .batch_context_data_envelope import BatchContextDataEnvelope
from .batch_exchange import BatchExchange
from .batch_exchange_error_code_known import BatchExchangeErrorCodeKnown
from .batch_exchange_error_create import BatchExchangeErrorCreate
from .batch_exchange_error_envelope import BatchExchangeErrorEnvelope
from .batch_exchange_list import BatchExchangeList
from .condition_scope_by_known import ConditionScopeByKnown
from .condition_scope_known import ConditionScopeKnown
from .consumer import Consumer
from .data_error_code_known import DataErrorCodeKnown
from .error_info import ErrorInfo
from .error_response import ErrorResponse
from .exchange import Exchange
from .exchange_create import ExchangeCreate
from .exchange_data import ExchangeData
from .exchange_envelope import ExchangeEnvelope
from .exchange_error import ExchangeError
from .exchange_error_code_known import ExchangeErrorCodeKnown
from .exchange_error_create import ExchangeErrorCreate
from .exchange_error_envelope import ExchangeErrorEnvelope
from .exchange_error_list import ExchangeErrorList
from .exchange_list import ExchangeList
from .exchange_query import ExchangeQuery
from .exchange_query_condition import ExchangeQueryCondition
from .exchange_query_type_known import ExchangeQueryTypeKnown
from .exchange_state_known import ExchangeStateKnown
from .key_value_map import KeyValueMap
from .metadata_type_0 import MetadataType0
from .object_ref import ObjectRef
from .paging import Paging
from .resolved_id import ResolvedId
from .run_schedule_body import RunScheduleBody
from .schedule import Schedule
from .schedule_list import ScheduleList
from .schedule_metadata import ScheduleMetadata
from .schedule_type_known import ScheduleTypeKnown
from .schedule_update import ScheduleUpdate
from .score import Score
from .score_type_known import ScoreTypeKnown
from .summary import Summary
from .summary_type_known import SummaryTypeKnown
from .sync_status_known import SyncStatusKnown
from .sys import Sys

__all__ = (
    "Assignment",
    "BatchContextData",
    "BatchContextDataEnvelope",
    "BatchExchange",
    "BatchExchangeErrorCodeKnown",
    "BatchExchangeErrorCreate",
    "BatchExchangeErrorEnvelope",
    "BatchExchangeList",
    "ConditionScopeByKnown",
    "ConditionScopeKnown",
    "Consumer",
    "DataErrorCodeKnown",
    "ErrorInfo",
    "ErrorResponse",
    "Exchange",
    "ExchangeCreate",
    "ExchangeData",
    "ExchangeEnvelope",
    "ExchangeError",
    "ExchangeErrorCodeKnown",
    "ExchangeErrorCreate",
    "ExchangeErrorEnvelope",
    "ExchangeErrorList",
    "ExchangeList",
    "ExchangeQuery",
    "ExchangeQueryCondition",
    "ExchangeQueryTypeKnown",
    "ExchangeStateKnown",
    "KeyValueMap",
    "MetadataType0",
    "ObjectRef",
    "Paging",
    "ResolvedId",
    "RunScheduleBody",
    "Schedule",
    "ScheduleList",
    "ScheduleMetadata",
    "ScheduleTypeKnown",
    "ScheduleUpdate",
    "Score",
    "ScoreTypeKnown",
    "Summary",
    "SummaryTypeKnown",
    "SyncStatusKnown",
    "Sys",
)
