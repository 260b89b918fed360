from enum import StrEnum


class ConditionScopeKnown(StrEnum):
    COURSE = "course"
    SECTION = "section"

    def __str__(self) -> str:
        return str(self.value)
