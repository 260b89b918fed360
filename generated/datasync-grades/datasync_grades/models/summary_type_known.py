from enum import StrEnum


class SummaryTypeKnown(StrEnum):
    FINAL = "final"

    def __str__(self) -> str:
        return str(self.value)
