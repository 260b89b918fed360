from enum import StrEnum


class ExchangeErrorCodeKnown(StrEnum):
    PRODUCER_ERROR = "producer_error"
    PRODUCER_FAILURE = "producer_failure"
    QUERY_CONDITIONS_NOT_SUPPORTED = "query_conditions_not_supported"
    QUERY_TYPE_NOT_SUPPORTED = "query_type_not_supported"

    def __str__(self) -> str:
        return str(self.value)
