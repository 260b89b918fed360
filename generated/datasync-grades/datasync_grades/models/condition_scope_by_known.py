from enum import StrEnum


class ConditionScopeByKnown(StrEnum):
    ID = "id"

    def __str__(self) -> str:
        return str(self.value)
