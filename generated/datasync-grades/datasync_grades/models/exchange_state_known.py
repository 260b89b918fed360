from enum import StrEnum


class ExchangeStateKnown(StrEnum):
    CREATED = "created"

    def __str__(self) -> str:
        return str(self.value)
