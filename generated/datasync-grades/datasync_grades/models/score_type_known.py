from enum import StrEnum


class ScoreTypeKnown(StrEnum):
    PERCENTAGE = "percentage"
    RAW = "raw"

    def __str__(self) -> str:
        return str(self.value)
