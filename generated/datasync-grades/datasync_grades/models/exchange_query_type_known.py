from enum import StrEnum


class ExchangeQueryTypeKnown(StrEnum):
    ASSIGNMENT_SCORES = "assignment_scores"

    def __str__(self) -> str:
        return str(self.value)
