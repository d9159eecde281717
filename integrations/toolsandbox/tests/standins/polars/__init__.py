"""A row-based stand-in for the small part of polars that ToolSandbox's context, tools and evaluation use.

Debian ships no polars, so the loader's tests run upstream's code on this. It follows polars' semantics where upstream
relies on them (schemas kept through filter/select, `pl.len()`, `map_rows` -> "map", anti/inner joins); joins and
`equals` treat nulls as equal, as upstream's null-filled diffs expect.
"""

from __future__ import annotations

import builtins
import math
from typing import Any, Callable, Iterable

from . import exceptions  # noqa: F401


class DataType:
    def __init__(self, *args: Any) -> None:
        self.args = args

    def __eq__(self, other: object) -> bool:
        if isinstance(other, type) and issubclass(other, DataType):
            return type(self) is other
        return type(self) is type(other) and repr(self.args) == repr(getattr(other, "args", None))

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self.args!r}"


class Int32(DataType): ...
class Int64(DataType): ...
class Float32(DataType): ...
class Float64(DataType): ...
class String(DataType): ...
class Boolean(DataType): ...
class Null(DataType): ...
class Enum(DataType): ...
class List(DataType): ...


Utf8 = String


def _dtype(value: Any) -> Any:
    return value() if isinstance(value, type) else value


class Series(list):
    def __init__(self, name: Any = "", values: Iterable[Any] = (), dtype: Any = None) -> None:
        if not isinstance(name, str):
            name, values = "", name
        super().__init__(values)
        self.name = name

    def __getitem__(self, index: Any) -> Any:
        value = super().__getitem__(index)
        if isinstance(index, slice):
            return Series(self.name, value)
        return Series(self.name, value) if isinstance(value, list) else value

    def to_list(self) -> list:
        return list(self)

    def is_empty(self) -> bool:
        return _len(self) == 0

    def max(self) -> Any:
        values = [v for v in self if v is not None]
        return max(values) if values else None

    def unique(self) -> "Series":
        seen: list = []
        for v in self:
            if v not in seen:
                seen.append(v)
        return Series(self.name, seen)

    def sort(self) -> "Series":
        return Series(self.name, sorted(self))

    def to_numpy(self) -> Any:
        import numpy

        return numpy.array(list(self), dtype=float)


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


class Expr:
    def __init__(self, fn: Callable[[dict, "DataFrame"], Any], name: str, aggregate: bool = False, dtype: Any = None):
        self.fn = fn
        self.name = name
        self.aggregate = aggregate
        self.dtype = dtype

    def _map(self, op: Callable[[Any], Any], dtype: Any = None) -> "Expr":
        return Expr(lambda r, f: op(self.fn(r, f)), self.name, self.aggregate, dtype)

    def _bin(self, other: Any, op: Callable[[Any, Any], Any], dtype: Any = None) -> "Expr":
        o = other if isinstance(other, Expr) else lit(other)
        return Expr(lambda r, f: op(self.fn(r, f), o.fn(r, f)), self.name, self.aggregate, dtype)

    def alias(self, name: str) -> "Expr":
        return Expr(self.fn, name, self.aggregate, self.dtype)

    def eq(self, other: Any) -> "Expr":
        return self._bin(other, lambda a, b: None if a is None or b is None else _eq(a, b), Boolean())

    __eq__ = eq  # type: ignore[assignment]

    def __ne__(self, other: Any) -> "Expr":  # type: ignore[override]
        return self._bin(other, lambda a, b: None if a is None or b is None else not _eq(a, b), Boolean())

    def __le__(self, other: Any) -> "Expr":
        return self._bin(other, lambda a, b: None if a is None or b is None else a <= b, Boolean())

    def __lt__(self, other: Any) -> "Expr":
        return self._bin(other, lambda a, b: None if a is None or b is None else a < b, Boolean())

    def __ge__(self, other: Any) -> "Expr":
        return self._bin(other, lambda a, b: None if a is None or b is None else a >= b, Boolean())

    def __gt__(self, other: Any) -> "Expr":
        return self._bin(other, lambda a, b: None if a is None or b is None else a > b, Boolean())

    def __and__(self, other: Any) -> "Expr":
        return self._bin(other, lambda a, b: bool(a) and bool(b), Boolean())

    def __or__(self, other: Any) -> "Expr":
        return self._bin(other, lambda a, b: bool(a) or bool(b), Boolean())

    def __invert__(self) -> "Expr":
        return self._map(lambda a: None if a is None else not a, Boolean())

    def __neg__(self) -> "Expr":
        return self._map(lambda a: None if a is None else -a)

    def mul(self, other: Any) -> "Expr":
        return self._bin(other, lambda a, b: None if a is None or b is None else a * b)

    def and_(self, *others: "Expr") -> "Expr":
        expr = self
        for other in others:
            expr = expr & other
        return expr

    def is_null(self) -> "Expr":
        return self._map(lambda a: a is None, Boolean())

    def cast(self, dtype: Any) -> "Expr":
        def convert(a: Any) -> Any:
            if a is None:
                return None
            if _dtype(dtype) in (Float32(), Float64()):
                return float(a)
            if _dtype(dtype) in (Int32(), Int64()):
                return int(a)
            return a

        return self._map(convert, _dtype(dtype))

    def log(self) -> "Expr":
        return self._map(lambda a: -math.inf if a == 0 else math.log(a), Float64())

    def is_in(self, values: Iterable[Any]) -> "Expr":
        values = list(values)
        return self._map(lambda a: a in values, Boolean())

    @property
    def str(self) -> "_StrNamespace":
        return _StrNamespace(self)


class _StrNamespace:
    def __init__(self, expr: Expr) -> None:
        self.expr = expr

    def contains_any(self, patterns: list) -> Expr:
        return self.expr._map(lambda a: None if a is None else any(p in a for p in patterns), Boolean())

    def contains(self, pattern: str, literal: bool = False) -> Expr:
        import re

        return self.expr._map(
            lambda a: None if a is None else (pattern in a if literal else re.search(pattern, a) is not None),
            Boolean(),
        )


def col(name: str) -> Expr:
    return Expr(lambda r, f: r.get(name), name)


def lit(value: Any, dtype: Any = None) -> Expr:
    if isinstance(value, Series):
        return Expr(lambda r, f: list(value[0]) if _len(value) == 1 and isinstance(value[0], list) else value[0], value.name or "literal")
    return Expr(lambda r, f: value, "literal", dtype=_dtype(dtype) if dtype is not None else None)


def len() -> Expr:  # noqa: A001 - polars' name
    return Expr(lambda r, f: f.height, "len", aggregate=True, dtype=Int64())


_len = builtins.len


class _When:
    def __init__(self, condition: Expr) -> None:
        self.condition = condition

    def then(self, value: Any) -> Expr:
        v = value if isinstance(value, Expr) else lit(value)
        c = self.condition
        return Expr(lambda r, f: v.fn(r, f) if c.fn(r, f) else None, "literal")


def when(condition: Expr) -> _When:
    return _When(condition)


def mean_horizontal(*names: Any) -> Expr:
    columns = [n.name if isinstance(n, Expr) else n for n in names]
    return Expr(lambda r, f: sum(r[c] for c in columns) / _len(columns), "mean", dtype=Float64())


def _as_exprs(items: tuple) -> list[Expr]:
    exprs: list[Expr] = []
    for item in items:
        if isinstance(item, (list, tuple)):
            exprs.extend(_as_exprs(tuple(item)))
        elif isinstance(item, str):
            exprs.append(col(item))
        else:
            exprs.append(item)
    return exprs


class DataFrame:
    def __init__(self, data: Any = None, schema: Any = None) -> None:
        schema = dict(schema) if schema is not None else None
        rows: list[dict] = []
        if data is None:
            rows = []
        elif isinstance(data, dict):
            values = {k: (list(v) if isinstance(v, (list, Series)) else [v]) for k, v in data.items()}
            count = max((_len(v) for v in values.values()), default=0)
            rows = [{k: v[i] if _len(v) > 1 else v[0] for k, v in values.items()} for i in range(count)]
            if schema is None:
                schema = {k: _infer(v) for k, v in values.items()}
        else:
            rows = [dict(r) for r in data]
            if schema is None:
                schema = {}
                for r in rows:
                    for k, v in r.items():
                        if k not in schema or schema[k] == Null():
                            schema[k] = _infer([v])
        schema = {k: _dtype(v) for k, v in (schema or {}).items()}
        self._schema = schema
        self._rows = [{k: _coerce(r.get(k), schema[k]) for k in schema} for r in rows]

    @classmethod
    def _make(cls, rows: list[dict], schema: dict) -> "DataFrame":
        frame = cls.__new__(cls)
        frame._schema = dict(schema)
        frame._rows = rows
        return frame

    @property
    def columns(self) -> list[str]:
        return list(self._schema)

    @property
    def schema(self) -> dict:
        return dict(self._schema)

    @property
    def height(self) -> int:
        return _len(self._rows)

    def __len__(self) -> int:
        return self.height

    def is_empty(self) -> bool:
        return self.height == 0

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return Series(key, [r[key] for r in self._rows])
        if isinstance(key, (list, Series)):
            return DataFrame._make([self._rows[i] for i in key], self._schema)
        raise TypeError(f"unsupported index {key!r}")

    def get_column(self, name: str) -> Series:
        return self[name]

    def to_dicts(self) -> list[dict]:
        return [dict(r) for r in self._rows]

    def rows(self) -> list[tuple]:
        return [tuple(r.values()) for r in self._rows]

    def _evaluate(self, exprs: list[Expr]) -> tuple[list[dict], dict]:
        if exprs and all(e.aggregate for e in exprs):
            row = {e.name: e.fn({}, self) for e in exprs}
            return [row], {e.name: e.dtype or _infer([row[e.name]]) for e in exprs}
        rows = [{e.name: e.fn(r, self) for e in exprs} for r in self._rows]
        schema = {}
        for e in exprs:
            known = self._schema.get(e.name) if e.name in self._schema else None
            schema[e.name] = e.dtype or known or _infer([r[e.name] for r in rows])
        return rows, schema

    def select(self, *exprs: Any) -> "DataFrame":
        rows, schema = self._evaluate(_as_exprs(exprs))
        return DataFrame._make(rows, schema)

    def with_columns(self, *exprs: Any) -> "DataFrame":
        new_rows, new_schema = self._evaluate(_as_exprs(exprs))
        schema = dict(self._schema)
        schema.update(new_schema)
        rows = [{**old, **new} for old, new in zip(self._rows, new_rows)]
        return DataFrame._make(rows, schema)

    def filter(self, predicate: Expr) -> "DataFrame":
        return DataFrame._make([r for r in self._rows if predicate.fn(r, self) is True], self._schema)

    def drop(self, *names: Any) -> "DataFrame":
        drop = set(_flatten(names))
        schema = {k: v for k, v in self._schema.items() if k not in drop}
        return DataFrame._make([{k: r[k] for k in schema} for r in self._rows], schema)

    def fill_null(self, value: Any = None, strategy: Any = None) -> "DataFrame":
        def fill(v: Any, dtype: Any) -> Any:
            if v is not None:
                return v
            if strategy == "zero":
                return 0 if dtype in (Int32(), Int64(), Float32(), Float64(), Null()) else None
            return value

        return DataFrame._make([{k: fill(v, self._schema[k]) for k, v in r.items()} for r in self._rows], self._schema)

    def vstack(self, other: "DataFrame") -> "DataFrame":
        return DataFrame._make(self._rows + [{k: r.get(k) for k in self._schema} for r in other._rows], self._schema)

    def join(self, other: "DataFrame", on: Any, how: str = "inner") -> "DataFrame":
        keys = list(_flatten([on]))

        def matches(r: dict) -> list[dict]:
            return [o for o in other._rows if all(_eq(r.get(k), o.get(k)) for k in keys)]

        if how == "anti":
            return DataFrame._make([r for r in self._rows if not matches(r)], self._schema)
        if how == "inner":
            schema = {**self._schema, **{k: v for k, v in other._schema.items() if k not in self._schema}}
            return DataFrame._make([{**o, **r} for r in self._rows for o in matches(r)], schema)
        raise ValueError(f"join how={how!r} is not in this stand-in")

    def equals(self, other: "DataFrame") -> bool:
        return self.columns == other.columns and _len(self._rows) == _len(other._rows) and all(
            all(_eq(a[k], b[k]) for k in self._schema) for a, b in zip(self._rows, other._rows)
        )

    def map_rows(self, function: Callable[[tuple], Any], return_dtype: Any = None) -> "DataFrame":
        return DataFrame._make([{"map": function(tuple(r.values()))} for r in self._rows], {"map": _dtype(return_dtype) or Float64()})

    def unique(self) -> "DataFrame":
        rows: list[dict] = []
        for r in self._rows:
            if not any(all(_eq(r[k], o[k]) for k in self._schema) for o in rows):
                rows.append(r)
        return DataFrame._make(rows, self._schema)

    def clone(self) -> "DataFrame":
        return DataFrame._make([dict(r) for r in self._rows], self._schema)

    def __repr__(self) -> str:
        return f"DataFrame({self.columns}, {self._rows})"


def _flatten(items: Iterable[Any]) -> Iterable[Any]:
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item


def _infer(values: list) -> Any:
    for v in values:
        if isinstance(v, bool):
            return Boolean()
        if isinstance(v, int):
            return Int64()
        if isinstance(v, float):
            return Float64()
        if isinstance(v, str):
            return String()
        if isinstance(v, list):
            return List(String())
    return Null()


def _coerce(value: Any, dtype: Any) -> Any:
    if value is None:
        return None
    if dtype in (Float32(), Float64()) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(dtype, Enum):
        return str(value)
    if isinstance(dtype, List):
        return [str(v) if isinstance(_dtype(dtype.args[0]), Enum) else v for v in value]
    return value


def concat(frames: list[DataFrame], how: str = "vertical") -> DataFrame:
    if how == "horizontal":
        schema: dict = {}
        for f in frames:
            schema.update(f._schema)
        rows = [{k: v for f in frames for k, v in f._rows[i].items()} for i in range(frames[0].height)] if frames else []
        return DataFrame._make(rows, schema)
    result = frames[0]
    for f in frames[1:]:
        result = result.vstack(f)
    return result


def from_dicts(rows: list[dict], schema: Any = None) -> DataFrame:
    return DataFrame(rows, schema=schema)
