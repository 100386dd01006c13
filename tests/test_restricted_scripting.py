"""Tests for the sandboxed BPMN expression/script interpreter and its SpiffWorkflow script engine."""

from __future__ import annotations

import time
from typing import Any

import pytest

from engine.scripting import (
    ExpressionError,
    ExpressionFailed,
    ExpressionRefused,
    check_expression,
    check_script,
    evaluate,
    execute,
)
from engine.scripting.restricted_builtins import BUILTINS, METHODS
from engine.scripting.restricted_check import BUILTIN_NAMES, METHOD_NAMES


def _workdays(n: int) -> str:
    """Stand-in for the runtime's workdays(): a recognisable, deterministic string."""
    return f"deadline+{n}"


def _fmt(a: Any, b: Any, sep: str = ",") -> str:
    return f"{a}{sep}{b}"


FUNCTIONS = {"workdays": _workdays, "fmt": _fmt}


def _names() -> dict[str, Any]:
    return {
        "x": {"a": 1},
        "decision": "approve",
        "project": {"investment": 6e7, "name": "Bridge", "tags": ["road", "river"]},
        "data": {"x": 5},
        "items": [1, 2, 3],
        "name": "Zhang San",
        "n": 7,
        "nothing": None,
    }


# ---------------------------------------------------------------- (a) sandbox escapes

EXPRESSION_ESCAPES = [
    ("__import__('os')", "__import__"),
    ("().__class__.__base__.__subclasses__()", "__class__"),
    ("[].__class__", "__class__"),
    ("getattr(x, '__class__')", "getattr"),
    ("eval('1')", "eval"),
    ("exec('x')", "exec"),
    ("open('/etc/passwd').read()", "open"),
    ("globals()", "globals"),
    ("locals()", "locals"),
    ("vars()", "vars"),
    ("(lambda: 1)()", "lambda"),
    ("type(1)", "type"),
    ("x.__dict__", "__dict__"),
    ("''.join.__self__", "__self__"),
    ("'{0.__class__}'.format(1)", "format"),
    ("(y := 1)", ":="),
    ("[c for c in ().__class__.__bases__]", "推导式"),
    ("(c for c in [1])", "生成器"),
    ("{k: 1 for k in 'ab'}", "推导式"),
    ("x.mro()", "mro"),
    ("breakpoint()", "breakpoint"),
    ("compile('1', '', 'eval')", "compile"),
    ("f'{x.__class__}'", "__class__"),
    ("dict.get.__globals__", "__globals__"),
    ("x.get", "调用方法"),
    ("setattr(x, 'a', 1)", "setattr"),
    ("print(1)", "print"),
    ("super()", "super"),
    ("'a'.__add__('b')", "__add__"),
    ("x._private", "'_'"),
    ("len(*items)", "星号"),
    ("len(**x)", "'**'"),
    ("{**x}", "'**'"),
    ("1 << 100000", "<<"),
    ("~1", "~"),
    ("b'bytes'", "bytes"),
    ("...", "ellipsis"),
    ("x is 1", "None"),
    ("f'{n:{n}}'", "格式说明符"),
    ("f'{n:>999999999}'", "格式说明符"),
    ("workdays", "只能调用"),
    ("__builtins__", "__builtins__"),
    ("await x", "await"),
    ("items[0](1)", "只能调用已提供的函数"),
]

SCRIPT_ESCAPES = [
    ("import os", "import"),
    ("from os import path", "import"),
    ("while True:\n    pass", "while"),
    ("@decorator\ndef f():\n    pass", "函数定义"),
    ("def f():\n    return 1", "函数定义"),
    ("class A:\n    pass", "类定义"),
    ("del x", "del"),
    ("try:\n    pass\nexcept Exception:\n    pass", "try"),
    ("with open('f') as f:\n    pass", "with"),
    ("raise SystemExit", "raise"),
    ("global x", "global"),
    ("assert False", "assert"),
    ("x.y = 1", "访问属性"),
    ("items[0:0] = items", "切片赋值"),
    ("y: int = 1", "类型注解"),
    ("for i in items:\n    break", "break"),
    ("for i in items:\n    pass\nelse:\n    pass", "for-else"),
    ("y = 1\nz = ().__class__", "第 2 行"),
]


@pytest.mark.parametrize(("source", "fragment"), EXPRESSION_ESCAPES)
def test_expression_escape_is_refused_statically(source: str, fragment: str) -> None:
    problems = check_expression(source, FUNCTIONS)
    assert problems, source
    assert fragment in " ".join(problems)


@pytest.mark.parametrize(("source", "fragment"), EXPRESSION_ESCAPES)
def test_expression_escape_is_refused_at_runtime(source: str, fragment: str) -> None:
    with pytest.raises(ExpressionRefused) as info:
        evaluate(source, _names(), FUNCTIONS)
    assert fragment in str(info.value)


@pytest.mark.parametrize(("source", "fragment"), SCRIPT_ESCAPES)
def test_script_escape_is_refused_statically(source: str, fragment: str) -> None:
    problems = check_script(source, FUNCTIONS)
    assert problems, source
    assert fragment in " ".join(problems)


@pytest.mark.parametrize(("source", "fragment"), SCRIPT_ESCAPES)
def test_script_escape_is_refused_at_runtime(source: str, fragment: str) -> None:
    data = _names()
    with pytest.raises(ExpressionRefused) as info:
        execute(source, data, FUNCTIONS)
    assert fragment in str(info.value)
    assert data == _names()


@pytest.mark.parametrize("source", [source for source, _ in EXPRESSION_ESCAPES])
def test_expression_escapes_are_refused_as_scripts_too(source: str) -> None:
    assert check_script(source, FUNCTIONS)


def test_messages_name_the_construct() -> None:
    assert check_expression("x.__class__", FUNCTIONS) == [
        "不允许使用以 '_' 开头的属性名：__class__"]
    assert check_expression("open('f')", FUNCTIONS) == ["未知的函数：open"]
    assert check_script("y = 1\nimport os", FUNCTIONS) == ["第 2 行：不允许使用 import 语句"]


def test_syntax_errors_are_problems_with_a_line_number() -> None:
    assert check_expression("x >", FUNCTIONS)[0].startswith("第 1 行有语法错误")
    problems = check_script("y = 1\nif y\n    z = 2", FUNCTIONS)
    assert problems[0].startswith("第 2 行有语法错误")
    with pytest.raises(ExpressionRefused, match="语法错误"):
        evaluate("x >", _names(), FUNCTIONS)


def test_values_from_data_cannot_be_used_to_reach_python_objects() -> None:
    with pytest.raises(ExpressionFailed, match="no method 'get'"):
        evaluate("items.get(0)", _names(), FUNCTIONS)
    with pytest.raises(ExpressionFailed, match="not defined"):
        evaluate("dict.get(x, 'a')", _names(), FUNCTIONS)
    with pytest.raises(ExpressionFailed, match="not allowed"):
        evaluate("thing", {"thing": object()}, FUNCTIONS)
    with pytest.raises(ExpressionFailed, match="complex"):
        evaluate("(-8) ** 0.5", {}, FUNCTIONS)


def test_functions_are_never_values() -> None:
    with pytest.raises(ExpressionFailed, match="not defined"):
        evaluate("len", {}, FUNCTIONS)
    with pytest.raises(ExpressionFailed, match="values of type function are not allowed"):
        evaluate("f", {"f": _workdays}, FUNCTIONS)


# ---------------------------------------------------------------- (b) denial of service


def _fails_fast(run: Any, error: type[ExpressionError] = ExpressionError, match: str | None = None) -> None:
    started = time.perf_counter()
    with pytest.raises(error, match=match):
        run()
    # The abuse itself would run for minutes or exhaust memory; refused, it takes milliseconds. The
    # bound is loose so that a loaded machine cannot fail it.
    assert time.perf_counter() - started < 5.0


LONG = "a" * 99_999

DOS_EXPRESSIONS = [
    ("10**10**10", "exponent"),
    ("(10**1000)**1000", "integer too large"),
    ("'a'*10**9", "repetition"),
    ("[0]*10**8", "repetition"),
    ("v * v * v", "integer too large"),
    ("int('1' * 5000)", "4300"),
    ("round(5, -10**8)", "round"),
    ("'%0999999999d' % 1", "'%'"),
    ("s.replace('a', s)", "too large"),
    ("str([s] * 100000)", "too large"),
    ("f'{[s] * 100000}'", "too large"),
    ("sorted(([s] + [s + 'b']) * 50000)", "compare"),
    ("[s] * 100000 == [s + 'b'] * 100000", "compare"),
    ("s + s + s", "too large"),
    ("1 / 0", "division by zero"),
    ("items[10]", "index out of range"),
    ("x['missing']", "key 'missing' not found"),
    ("undefined_name", "name 'undefined_name' is not defined"),
    ("1 + 'a'", "TypeError"),
]


@pytest.mark.parametrize(("source", "fragment"), DOS_EXPRESSIONS)
def test_expression_resource_abuse_fails_fast(source: str, fragment: str) -> None:
    names = {**_names(), "s": LONG, "v": 10**4000}
    _fails_fast(lambda: evaluate(source, names, FUNCTIONS), ExpressionFailed, fragment)


DOS_SCRIPTS = [
    ("x = 0\nfor i in [1]*50000:\n    x = x + 1", r"step limit exceeded \(10000 steps\)"),
    ("t = 'ab'\nfor i in [0]*100:\n    t = t + t", "too large"),
    ("v = 10**1000\nfor i in [0]*20:\n    v = v * v", "integer too large"),
    ("d = {}\nfor i in [0]*1000:\n    d[len(d)] = s", "task data is too large"),
    ("a = [0]\nfor i in [0]*5000:\n    a = [a, a]", "deep|step"),
    ("d = {}\nd['self'] = d", "contains itself"),
    ("k = {1, 2}", "set"),
    ("d = {}\nd[(1, 2)] = 1", "key of type tuple"),
    ("t = ''\nfor i in [0]*9000:\n    t = s[:90000] + 'x'", "allocation limit"),
]


@pytest.mark.parametrize(("source", "fragment"), DOS_SCRIPTS)
def test_script_resource_abuse_fails_fast_and_leaves_data_alone(source: str, fragment: str) -> None:
    data = {**_names(), "s": LONG}
    before = repr(data)
    _fails_fast(lambda: execute(source, data, FUNCTIONS), ExpressionFailed, fragment)
    assert repr(data) == before


@pytest.mark.parametrize("source", [
    "(" * 500 + "1" + ")" * 500,
    "-" * 5000 + "1",
    "1" + "+1" * 5000,
    "[" * 150 + "]" * 150,
    "not " * 20000 + "x",
    "x" * 200_000,
])
def test_deeply_nested_or_huge_source_is_refused_cleanly(source: str) -> None:
    assert check_expression(source, FUNCTIONS)
    _fails_fast(lambda: evaluate(source, _names(), FUNCTIONS), ExpressionRefused)


def test_wall_clock_timeout_stops_slow_runs() -> None:
    def nap() -> int:
        time.sleep(0.002)
        return 1

    source = "t = 0\nfor i in [0]*5000:\n    t = t + nap()"
    _fails_fast(lambda: execute(source, {}, {"nap": nap}, timeout=0.05), ExpressionFailed, "time limit")


def test_custom_step_limit() -> None:
    assert evaluate("1 + 1", {}, {}, max_steps=3) == 2
    with pytest.raises(ExpressionFailed, match=r"step limit exceeded \(2 steps\)"):
        evaluate("1 + 1", {}, {}, max_steps=2)


def test_failures_carry_the_script_line() -> None:
    with pytest.raises(ExpressionFailed) as info:
        execute("y = 1\nz = y / 0", {}, FUNCTIONS)
    assert info.value.line == 2


def test_errors_of_provided_functions_become_failures() -> None:
    def broken(n: int) -> str:
        raise LookupError("no calendar data")

    with pytest.raises(ExpressionFailed, match="workdays\\(\\) failed: LookupError: no calendar data"):
        evaluate("workdays(3)", {}, {"workdays": broken})


# ---------------------------------------------------------------- (c) what must keep working


@pytest.mark.parametrize(("source", "expected"), [
    ('decision == "approve" and project["investment"] > 5e7', True),
    ('decision == "approve" and project["investment"] > 1e8', False),
    ('decision != "approve" or n >= 7', True),
    ("not (decision == 'reject')", True),
    ("data.get('x', 0) > 3", True),
    ("data.get('missing', 0) > 3", False),
    ("1 < n <= 7", True),
    ("'big' if n > 5 else 'small'", "big"),
    ("workdays(20)", "deadline+20"),
    ('"P5D"', "P5D"),
    ("fmt(1, 2)", "1,2"),
    ("fmt(1, b=2, sep='-')", "1-2"),
    ("len(items) == 3 and sum(items) == 6 and max(items) == 3", True),
    ("sorted(items, reverse=True)", [3, 2, 1]),
    ("min([4, 2, 9]) + abs(-3) + round(2.567, 2)", 7.57),
    ("int('42') + int(2.9) + float('1.5')", 45.5),
    ("items[-1] + items[0]", 4),
    ("items[1:]", [2, 3]),
    ("name[:5].lower()", "zhang"),
    ("name.upper().startswith('ZHANG') and name.endswith('San')", True),
    ("' a,b '.strip().split(',')", ["a", "b"]),
    ("name.replace(' ', '_')", "Zhang_San"),
    ("sorted(project.keys())", ["investment", "name", "tags"]),
    ("len(project.items()) == len(project.values())", True),
    ("'river' in project['tags'] and 'sea' not in project['tags']", True),
    ("project['tags'].index('river') + project['tags'].count('road')", 2),
    ("nothing is None and decision is not None", True),
    ("f'{n:03d}-{decision!r}-{project[\"name\"]}'", "007-'approve'-Bridge"),
    ("[n, (1, 2), {'k': [1]}]", [7, (1, 2), {"k": [1]}]),
    ("any([0, n]) and not all([0, n])", True),
    ("str(n) + str(True) + str(bool(''))", "7TrueFalse"),
    ("dict(a=1)['a'] + len(list('abc'))", 4),
    ("2 ** 10 - 7 // 2 + 7 % 4 - -1", 1025),
    ("{1, 2} == {2, 1}", True),
    ("  n > 5\n", True),
])
def test_allowed_expressions_give_python_results(source: str, expected: Any) -> None:
    assert check_expression(source, FUNCTIONS) == []
    assert evaluate(source, _names(), FUNCTIONS) == expected


def test_script_assignments_write_into_task_data() -> None:
    data: dict[str, Any] = {"decision": "approve", "d": {}, "total": 10, "items": [1, 2, 3]}
    script = "\n".join([
        "fgw_decision = decision",
        "d['k'] = 1",
        "d['k'] += 2",
        "total += 5",
        "level = 'none'",
        "if total > 100:",
        "    level = 'high'",
        "elif total > 10:",
        "    level = 'medium'",
        "else:",
        "    level = 'low'",
        "s = 0",
        "for i in items:",
        "    s = s + i",
        "pairs = []",
        "for k, v in d.items():",
        "    pairs = pairs + [k]",
        "a, b = 1, 2",
        "pass",
    ])
    assert check_script(script, FUNCTIONS) == []
    inner = data["d"]
    execute(script, data, FUNCTIONS)
    assert data["fgw_decision"] == "approve"
    assert data["d"] == {"k": 3}
    assert data["total"] == 15
    assert data["level"] == "medium"
    assert data["s"] == 6
    assert data["pairs"] == ["k"]
    assert (data["a"], data["b"]) == (1, 2)
    assert data["items"] == [1, 2, 3]
    assert inner == {}  # the run worked on a copy; the changed value was committed as a whole


def test_script_reads_external_names_without_storing_them() -> None:
    data: dict[str, Any] = {}
    execute("y = limit * 2", data, FUNCTIONS, external={"limit": 4})
    assert data == {"y": 8}


def test_script_indented_inside_xml_is_dedented() -> None:
    data = {"x": 2}
    execute("\n        y = x * 2\n        z = y + 1\n", data, FUNCTIONS)
    assert data == {"x": 2, "y": 4, "z": 5}


def test_whitelists_match_their_implementations() -> None:
    assert set(BUILTINS) == BUILTIN_NAMES
    assert set().union(*METHODS.values()) == METHOD_NAMES


def test_repeated_evaluation_uses_the_cache_and_stays_correct() -> None:
    for n in range(50):
        assert evaluate("n * 2", {"n": n}, FUNCTIONS) == n * 2
