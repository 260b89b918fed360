from enum import StrEnum


class BatchExchangeErrorCodeKnown(StrEnum):
    INTEGRATION_ERROR = "integration_error"

    def __str__(self) -> str:
        return str(self.value)
