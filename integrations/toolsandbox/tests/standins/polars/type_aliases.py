from typing import Any

IntoExprColumn = Any
