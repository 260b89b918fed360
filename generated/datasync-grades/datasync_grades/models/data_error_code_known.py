from enum import StrEnum


class DataErrorCodeKnown(StrEnum):
    ASSIGNMENT_GROUP_MISSING_NAME = "assignment_group_missing_name"

    def __str__(self) -> str:
        return str(self.value)
