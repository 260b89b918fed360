from enum import StrEnum


class ConditionScopeKnown(StrEnum):
    COURSE = "course"

    def __str__(self) -> str:
        return str(self.value)
