from enum import StrEnum


class ExchangeErrorCodeKnown(StrEnum):
    QUERY_TYPE_NOT_SUPPORTED = "query_type_not_supported"

    def __str__(self) -> str:
        return str(self.value)
