from enum import StrEnum


class SyncStatusKnown(StrEnum):
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
