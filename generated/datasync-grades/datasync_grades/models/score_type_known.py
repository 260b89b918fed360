from enum import StrEnum


class ScoreTypeKnown(StrEnum):
    RAW = "raw"

    def __str__(self) -> str:
        return str(self.value)
