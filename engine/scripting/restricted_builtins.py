"""Values, operators and builtin functions the restricted interpreter allows, each with its size limit."""

from __future__ import annotations

import ast
import operator
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from .restricted_check import ExpressionFailed

__all__ = [
    "ALLOCATING",
    "BUILTINS",
    "COLLECTIONS",
    "COMPARE",
    "COMPARING",
    "MAX_ALLOCATION",
    "MAX_COMPARED_UNITS",
    "MAX_EXPONENT",
    "MAX_INT_BITS",
    "MAX_INT_DIGITS",
    "MAX_INT_STR_DIGITS",
    "MAX_SEQUENCE",
    "MAX_STORED_UNITS",
    "MAX_VALUE_DEPTH",
    "METHODS",
    "SAFE_EXACT",
    "SAFE_TYPES",
    "UNARY",
    "arithmetic",
    "check_storable",
        "collection",
    "fail",
    "find_method",
    "kind",
    "measure",
    "short_repr",
    "shorten",
]

MAX_SEQUENCE = 100_000
"""Most elements or characters in one string, list, tuple, dict or set an expression builds."""

MAX_ALLOCATION = 2_000_000
"""Most elements or characters all newly built values of one run may add up to."""

MAX_COMPARED_UNITS = 1_000_000
"""Largest containers (characters plus elements) one comparison, sort, min/max or search may cover."""

MAX_INT_DIGITS = 10_000
"""Most decimal digits of any integer; beyond this arithmetic gets slow."""

MAX_EXPONENT = 1000
"""Largest integer exponent of '**' between integers."""

MAX_INT_STR_DIGITS = 4300
"""Longest string int() parses, as Python's own default limit."""

MAX_STORED_UNITS = 10_000_000
"""Largest task data (elements plus characters, shared references counted each time) a script may leave."""

MAX_VALUE_DEPTH = 100
"""Deepest nesting of a result or of task data; deeper data breaks deepcopy and JSON later."""

MAX_INT_BITS = int(MAX_INT_DIGITS * 3.3219280948873626)  # log2(10) bits per digit
_MAX_NDIGITS = 100

SAFE_TYPES = (type(None), bool, int, float, str, list, tuple, dict, set, datetime, timedelta)
SAFE_EXACT = frozenset(SAFE_TYPES)
_STORABLE_SCALARS = (type(None), bool, int, float, str, datetime, timedelta)
_KEY_TYPES = (type(None), bool, int, float, str)
COLLECTIONS = (str, list, tuple, dict, set)
_SEQUENCES = (str, list, tuple)
_NUMBERS = (int, float)
_MISSING = object()


def shorten(message: str) -> str:
    """Keep messages short enough for an error page."""
    return message if len(message) <= 300 else message[:297] + "..."


def fail(message: str) -> ExpressionFailed:
    """Build a failure with a short message."""
    return ExpressionFailed(shorten(message))


def kind(value: object) -> str:
    """Name a value's type for messages."""
    return type(value).__name__


def collection(value: Any) -> Any:
    """Accept only our own container types as iterables."""
    if not isinstance(value, COLLECTIONS):
        raise fail(f"value of type {kind(value)} is not iterable")
    return value


def _bounded(value: Any) -> Any:
    """Refuse to copy a container longer than any expression may build."""
    if len(collection(value)) > MAX_SEQUENCE:
        raise fail(f"result too large (more than {MAX_SEQUENCE} elements/characters)")
    return value


def measure(value: Any, limit: int, what: str = "text") -> int:
    """Estimate the length of str(value) without building it, failing once it exceeds limit.

    The estimate doubles as the cost of C-level work over a whole value (sorting, comparing).
    """
    units, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_VALUE_DEPTH:
            raise fail(f"value nested more than {MAX_VALUE_DEPTH} levels deep")
        children: Any = ()
        if isinstance(item, str):
            units += len(item) + 2
        elif isinstance(item, int):
            units += item.bit_length() // 3 + 2
        elif isinstance(item, dict):
            units += 2 + 4 * len(item)
            children = (part for pair in item.items() for part in pair)
        elif isinstance(item, list | tuple | set):
            units += 2 + 2 * len(item)
            children = item
        else:
            units += 32
        if units > limit:
            raise fail(f"{what} too large (more than {limit} characters/elements)")
        stack.extend((child, depth + 1) for child in children)
    return units


def short_repr(value: Any) -> str:
    """Repr a value for an error message without risking a huge or failing repr."""
    try:
        measure(value, 200)
        return repr(value)
    except (ExpressionFailed, ValueError):
        return f"<{kind(value)}>"


def check_storable(value: Any, label: str, deadline: float) -> None:
    """Refuse values JSON state storage cannot hold: sets, odd keys, cycles, deep or huge data."""
    units, visits, stack = 0, 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        visits += 1
        if not visits & 4095 and time.monotonic() > deadline:
            raise fail(f"time limit exceeded while checking {label}")
        if depth > MAX_VALUE_DEPTH:
            raise fail(f"{label} is nested more than {MAX_VALUE_DEPTH} levels deep or contains itself")
        children: Any = ()
        if isinstance(item, dict):
            _check_keys(item, label)
            units += len(item) + sum(len(k) for k in item if isinstance(k, str))
            children = item.values()
        elif isinstance(item, list | tuple):
            units += len(item) + 1
            children = item
        elif isinstance(item, _STORABLE_SCALARS):
            units += len(item) if isinstance(item, str) else 1
        else:
            raise fail(f"{label} contains a value of type {kind(item)}, which cannot be stored")
        if units > MAX_STORED_UNITS:
            raise fail(f"{label} is too large (more than {MAX_STORED_UNITS} elements/characters)")
        stack.extend((child, depth + 1) for child in children)


def _check_keys(mapping: dict[Any, Any], label: str) -> None:
    """Refuse dict keys JSON cannot represent."""
    for key in mapping:
        if not isinstance(key, _KEY_TYPES):
            raise fail(f"{label} has a dict key of type {kind(key)}; use strings or numbers")


def _check_add(a: Any, b: Any) -> None:
    """Bound concatenation, which a loop could otherwise double every step."""
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES) and len(a) + len(b) > MAX_SEQUENCE:
        raise fail(f"result too large (more than {MAX_SEQUENCE} elements/characters)")


def _check_multiply(a: Any, b: Any) -> None:
    """Bound integer products and sequence repetition before computing them."""
    if isinstance(a, int) and isinstance(b, int):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise fail(f"integer too large (more than {MAX_INT_DIGITS} digits)")
    elif isinstance(a, _SEQUENCES) and isinstance(b, int) or isinstance(b, _SEQUENCES) and isinstance(a, int):
        sequence, times = (a, b) if isinstance(a, _SEQUENCES) else (b, a)
        if len(sequence) * max(times, 0) > MAX_SEQUENCE:
            raise fail(f"sequence repetition too large (more than {MAX_SEQUENCE} elements/characters)")


def _check_modulo(a: Any, b: Any) -> None:
    """Refuse printf-style formatting, whose width field builds strings of any size."""
    if isinstance(a, str):
        raise fail("string formatting with '%' is not allowed; use an f-string")


def _check_power(base: Any, exponent: Any) -> None:
    """Bound integer powers, the classic 10**10**10 denial of service."""
    if isinstance(base, int) and isinstance(exponent, int):
        if exponent > MAX_EXPONENT:
            raise fail(f"exponent too large (maximum {MAX_EXPONENT})")
        if exponent > 0 and abs(base).bit_length() * exponent > MAX_INT_BITS:
            raise fail(f"integer too large (more than {MAX_INT_DIGITS} digits)")


_ARITHMETIC: dict[type, tuple[Callable[[Any, Any], Any], Callable[[Any, Any], None] | None]] = {
    ast.Add: (operator.add, _check_add),
    ast.Sub: (operator.sub, None),
    ast.Mult: (operator.mul, _check_multiply),
    ast.Div: (operator.truediv, None),
    ast.FloorDiv: (operator.floordiv, None),
    ast.Mod: (operator.mod, _check_modulo),
    ast.Pow: (operator.pow, _check_power),
}

COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in collection(b), ast.NotIn: lambda a, b: a not in collection(b),
}

UNARY: dict[type, Callable[[Any], Any]] = {
    ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos,
}


def arithmetic(op: ast.operator, a: Any, b: Any) -> Any:
    """Apply a binary operator after its size check."""
    function, check = _ARITHMETIC[type(op)]
    if check is not None:
        check(a, b)
    return function(a, b)


# Safe builtins: wrappers that take only our value types and never hand out a Python object.

def _len(value: Any) -> int:
    """Length of our own containers only."""
    return len(collection(value))


def _extreme(pick: Callable[..., Any], args: tuple[Any, ...], default: Any) -> Any:
    """Shared body of min() and max()."""
    if len(args) == 1:
        collection(args[0])
    return pick(*args) if default is _MISSING else pick(*args, default=default)


def _min(*args: Any, default: Any = _MISSING) -> Any:
    """min() without key=, which would need a callable."""
    return _extreme(min, args, default)


def _max(*args: Any, default: Any = _MISSING) -> Any:
    """max() without key=, which would need a callable."""
    return _extreme(max, args, default)


def _abs(value: Any) -> Any:
    """abs() of numbers and durations only."""
    if not isinstance(value, int | float | timedelta):
        raise fail(f"abs() of a value of type {kind(value)}")
    return abs(value)


def _round(number: Any, ndigits: Any = None) -> Any:
    """round() with bounded digits; round(5, -10**8) would compute 10**10**8."""
    if not isinstance(number, _NUMBERS):
        raise fail(f"round() of a value of type {kind(number)}")
    if ndigits is None:
        return round(number)
    if not isinstance(ndigits, int) or abs(ndigits) > _MAX_NDIGITS:
        raise fail(f"round() digits must be a whole number between -{_MAX_NDIGITS} and {_MAX_NDIGITS}")
    return round(number, ndigits)


def _int(value: Any = 0, base: Any = None) -> int:
    """int() with Python's 4300-digit parsing limit enforced whatever the interpreter setting."""
    if isinstance(value, str) and len(value) > MAX_INT_STR_DIGITS:
        raise fail(f"int() of a string longer than {MAX_INT_STR_DIGITS} digits is not allowed")
    if not isinstance(value, str | int | float):
        raise fail(f"int() of a value of type {kind(value)}")
    return int(value) if base is None else int(value, base)


def _float(value: Any = 0.0) -> float:
    """float() of numbers and strings of bounded length."""
    if not isinstance(value, str | int | float):
        raise fail(f"float() of a value of type {kind(value)}")
    if isinstance(value, str) and len(value) > MAX_SEQUENCE:
        raise fail(f"float() of a string longer than {MAX_SEQUENCE} characters")
    return float(value)


def _str(value: Any = "") -> str:
    """str() whose output size is estimated before it is built."""
    measure(value, MAX_SEQUENCE)
    return str(value)


def _bool(value: Any = False) -> bool:
    """Truthiness of plain values is always safe."""
    return bool(value)


def _sum(values: Any, start: Any = 0) -> Any:
    """sum() of numbers only; sum(lists, []) would concatenate without limits."""
    for item in (start, *collection(values)):
        if not isinstance(item, _NUMBERS):
            raise fail(f"sum() only adds numbers, not {kind(item)}")
    return sum(values, start)


def _any(values: Any) -> bool:
    """any() over our own containers only."""
    return any(collection(values))


def _all(values: Any) -> bool:
    """all() over our own containers only."""
    return all(collection(values))


def _sorted(values: Any, reverse: Any = False) -> list[Any]:
    """sorted() without key=, of bounded size."""
    return sorted(_bounded(values), reverse=bool(reverse))


def _list(values: Any = ()) -> list[Any]:
    """list() copy of bounded size."""
    return list(_bounded(values))


def _dict(*args: Any, **kwargs: Any) -> dict[Any, Any]:
    """dict() from pairs or keywords, of bounded size."""
    for arg in args:
        _bounded(arg)
    return dict(*args, **kwargs)


BUILTINS: dict[str, Callable[..., Any]] = {
    "len": _len, "min": _min, "max": _max, "abs": _abs, "round": _round, "int": _int,
    "float": _float, "str": _str, "bool": _bool, "sum": _sum, "any": _any, "all": _all,
    "sorted": _sorted, "list": _list, "dict": _dict,
}
"""Implementations of restricted_check.BUILTIN_NAMES."""

COMPARING = frozenset({"sorted", "min", "max", "count", "index"})
"""Functions and methods that compare whole containers in C; their cost is billed as steps."""

ALLOCATING = frozenset({"str", "list", "dict", "sorted", "keys", "values", "items",
                        "lower", "upper", "strip", "split", "replace"})
"""Functions and methods whose result is newly built and charged against the allocation limit."""


def _str_method(method: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse copying methods on strings longer than any expression may build."""
    def bounded(text: str, *args: Any, **kwargs: Any) -> Any:
        return method(_bounded(text), *args, **kwargs)
    return bounded


def _replace(text: str, old: Any, new: Any, count: Any = -1) -> str:
    """str.replace with the result length predicted before building it."""
    occurrences = str.count(_bounded(text), old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        occurrences = min(occurrences, count)
    if len(text) + occurrences * (len(new) - len(old)) > MAX_SEQUENCE:
        raise fail(f"result too large (more than {MAX_SEQUENCE} characters)")
    return str.replace(text, old, new, count)


METHODS: dict[type, dict[str, Callable[..., Any]]] = {
    dict: {
        "get": dict.get,
        "keys": lambda d: list(_bounded(d).keys()),
        "values": lambda d: list(_bounded(d).values()),
        "items": lambda d: list(_bounded(d).items()),
    },
    str: {
        "lower": _str_method(str.lower), "upper": _str_method(str.upper),
        "strip": _str_method(str.strip), "split": _str_method(str.split), "replace": _replace,
        "startswith": str.startswith, "endswith": str.endswith,
    },
    list: {"count": list.count, "index": list.index},
}
"""Implementations of restricted_check.METHOD_NAMES per receiver type (views become lists)."""


def find_method(receiver: Any, name: str) -> Callable[..., Any]:
    """Find a whitelisted method by the receiver's base type, never by getattr."""
    for base, table in METHODS.items():
        if isinstance(receiver, base) and name in table:
            return table[name]
    raise fail(f"values of type {kind(receiver)} have no method '{name}'")
