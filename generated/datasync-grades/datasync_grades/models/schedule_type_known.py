from enum import StrEnum


class ScheduleTypeKnown(StrEnum):
    UNSPECIFIED = "unspecified"

    def __str__(self) -> str:
        return str(self.value)
