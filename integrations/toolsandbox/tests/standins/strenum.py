"""Stand-in for the StrEnum package: members are their own names, as upstream's `auto()` values are."""
import enum


class StrEnum(str, enum.Enum):
    @staticmethod
    def _generate_next_value_(name, start, count, last_values):  # noqa: ANN001, ANN205
        return name

    def __str__(self) -> str:
        return str(self.value)
