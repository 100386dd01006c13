"""Read JSON request bodies within limits, so no body can crash a worker or store what JSON cannot carry.

Python's parser recurses per nesting level (a body of 100,000 brackets raises RecursionError, a 500),
and it accepts NaN, Infinity and 1e999, which PostgreSQL refuses and browsers cannot read back. Every
JSON body, public ones included, goes through `load_json_text`: nesting depth checked before parsing,
numbers finite and of sane length; a violation is a 400 that says what is wrong.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

from flask.json.provider import DefaultJSONProvider

__all__ = ["MAX_DEPTH", "MAX_NUMBER_DIGITS", "JsonBodyError", "LimitedJSONProvider", "load_json_text"]

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects a body may have; real requests need fewer than ten."""

MAX_NUMBER_DIGITS = 64
"""Longest number literal accepted (Python would refuse ints past 4,300 digits with an error of its own)."""

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonBodyError(ValueError):
    """A body that is JSON but outside the limits; the message is shown to the client as is."""


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays/objects in `text`, brackets inside strings not counted."""
    outside_strings = _STRING.sub('""', text)
    return max(accumulate(_STEP[b] for b in _BRACKETS.findall(outside_strings)), default=0)


def _refuse_constant(name: str) -> Any:
    raise JsonBodyError(f"JSON 中不能有 {name}：只接受有限的数值")


def _finite_float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_DIGITS:
        raise JsonBodyError(f"数值 {literal[:20]}… 过长（最多 {MAX_NUMBER_DIGITS} 个字符）")
    value = float(literal)
    if not math.isfinite(value):
        raise JsonBodyError(f"数值 {literal} 超出范围：只接受有限的数值")
    return value


def _bounded_int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_DIGITS:
        raise JsonBodyError(f"整数 {literal[:20]}… 过长（最多 {MAX_NUMBER_DIGITS} 位）")
    return int(literal)


def load_json_text(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse `text` as JSON within the limits; raise JsonBodyError (limits) or ValueError (not JSON)."""
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JsonBodyError(f"JSON 嵌套 {depth} 层，超过上限 {max_depth} 层")
    return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                      parse_int=_bounded_int)


class LimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with the same limits, for bodies read through `request.get_json()`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse within the limits (the keyword arguments of json.loads are not taken)."""
        text = s.decode("utf-8") if isinstance(s, bytes) else s
        return load_json_text(text)
