"""Tree-walking interpreter for checked BPMN sources, counting steps and watching the clock."""

from __future__ import annotations

import ast
import copy
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .restricted_builtins import (
    ALLOCATING,
    BUILTINS,
    COLLECTIONS,
    COMPARE,
    COMPARING,
    MAX_ALLOCATION,
    MAX_COMPARED_UNITS,
    MAX_INT_BITS,
    MAX_INT_DIGITS,
    MAX_SEQUENCE,
    SAFE_EXACT,
    SAFE_TYPES,
    UNARY,
    arithmetic,
    check_storable,
    collection,
    fail,
    find_method,
    kind,
    measure,
    short_repr,
    shorten,
)
from .restricted_check import ExpressionError, ExpressionFailed

__all__ = ["Interpreter"]

_TIME_CHECK_SHIFT = 6
"""Look at the clock every 2**6 = 64 steps; monotonic() is cheap but not free."""

_CONTAINERS = (list, tuple, dict, set)


class Interpreter:
    """Runs one checked tree against task data, counting every node visited as a step."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]], *,
                 max_steps: int, timeout: float) -> None:
        self._functions = functions
        self._scopes: tuple[Mapping[str, Any], ...] = ()
        self._store: dict[str, Any] = {}
        self._max_steps = max_steps
        self._timeout = timeout
        self._deadline = time.monotonic() + timeout
        self._steps = 0
        self._allocated = 0
        self._line: int | None = None

    def run_expression(self, tree: ast.Expression, names: Mapping[str, Any]) -> Any:
        """Evaluate an expression and insist its result could be stored as JSON."""
        self._scopes = (names,)
        with self._translated():
            value = self._eval(tree.body)
            check_storable(value, "expression result", self._deadline)
            return value

    def run_script(self, tree: ast.Module, data: dict[str, Any], external: Mapping[str, Any] | None) -> None:
        """Run statements on a copy of the task data, committed only if the run and its result are fine.

        A failed script thus never leaves half its assignments, a cycle or a huge value behind.
        """
        with self._translated():
            self._store = copy.deepcopy(data)
            self._scopes = (self._store,) if external is None else (self._store, copy.deepcopy(external))
            self._block(tree.body)
            self._line = None
            check_storable(self._store, "task data", self._deadline)
        _commit(self._store, data)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Give every escaping error the current script line, as an ExpressionError."""
        try:
            yield
        except ExpressionError as err:
            if err.line is None:
                err.line = self._line
            raise
        except Exception as err:  # a Python error from an operation is the source's failure
            raise ExpressionFailed(shorten(_describe(err)), line=self._line) from err

    def _tick(self, count: int = 1) -> None:
        """Count steps and look at the clock whenever a multiple of 64 steps is passed."""
        before = self._steps
        self._steps += count
        if self._steps > self._max_steps:
            raise fail(f"step limit exceeded ({self._max_steps} steps)")
        crossed = before >> _TIME_CHECK_SHIFT != self._steps >> _TIME_CHECK_SHIFT
        if crossed and time.monotonic() > self._deadline:
            raise fail(f"time limit exceeded ({self._timeout:g} s)")

    def _allocate(self, value: Any) -> Any:
        """Charge a newly built value against the per-value and per-run size limits."""
        if isinstance(value, COLLECTIONS):
            size = len(value)
            if size > MAX_SEQUENCE:
                raise fail(f"result too large (more than {MAX_SEQUENCE} elements/characters)")
            self._allocated += size
            if self._allocated > MAX_ALLOCATION:
                raise fail(f"allocation limit exceeded ({MAX_ALLOCATION} elements/characters)")
        return value

    def _bill(self, *values: Any) -> None:
        """Bound C-level work over whole containers and count it as steps (1 per 1024 units)."""
        units = sum(measure(v, MAX_COMPARED_UNITS, "values to compare") for v in values
                    if isinstance(v, _CONTAINERS))
        if units:
            self._tick(1 + (units >> 10))

    @staticmethod
    def _checked(value: Any) -> Any:
        """Let only plain data values flow through the interpreter."""
        if type(value) not in SAFE_EXACT and not isinstance(value, SAFE_TYPES):
            raise fail(f"values of type {kind(value)} are not allowed")
        if type(value) is int and value.bit_length() > MAX_INT_BITS:
            raise fail(f"integer too large (more than {MAX_INT_DIGITS} digits)")
        return value

    def _eval(self, node: ast.expr) -> Any:
        self._tick()
        return self._checked(_EXPRESSIONS[type(node)](self, node))

    def _constant(self, node: ast.Constant) -> Any:
        return node.value

    def _name(self, node: ast.Name) -> Any:
        for scope in self._scopes:
            if node.id in scope:
                return scope[node.id]
        raise fail(f"name '{node.id}' is not defined")

    def _bool_op(self, node: ast.BoolOp) -> Any:
        want = isinstance(node.op, ast.Or)
        value: Any = None
        for part in node.values:
            value = self._eval(part)
            if bool(value) is want:
                return value
        return value

    def _bin_op(self, node: ast.BinOp) -> Any:
        return self._allocate(arithmetic(node.op, self._eval(node.left), self._eval(node.right)))

    def _unary_op(self, node: ast.UnaryOp) -> Any:
        return UNARY[type(node.op)](self._eval(node.operand))

    def _compare(self, node: ast.Compare) -> bool:
        left = self._eval(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self._eval(comparator)
            hashed = isinstance(op, ast.In | ast.NotIn) and isinstance(right, dict | set)
            self._bill(left, None if hashed else right)
            if not COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def _if_exp(self, node: ast.IfExp) -> Any:
        return self._eval(node.body if self._eval(node.test) else node.orelse)

    def _subscript(self, node: ast.Subscript) -> Any:
        container = self._eval(node.value)
        if not isinstance(container, dict | list | tuple | str):
            raise fail(f"values of type {kind(container)} cannot be subscripted")
        if isinstance(node.slice, ast.Slice):
            return self._allocate(container[self._slice(node.slice)])
        return container[self._eval(node.slice)]

    def _slice(self, node: ast.Slice) -> slice:
        self._tick()
        parts = (node.lower, node.upper, node.step)
        return slice(*(None if part is None else self._eval(part) for part in parts))

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        if isinstance(func, ast.Name):
            name, args = func.id, []
            function = self._functions.get(name) or BUILTINS.get(name)
            if function is None:
                raise fail(f"call to unknown function '{name}'")
        else:
            assert isinstance(func, ast.Attribute)
            receiver = self._eval(func.value)
            name, args, function = func.attr, [receiver], find_method(receiver, func.attr)
        args.extend(self._eval(arg) for arg in node.args)
        kwargs = {str(kw.arg): self._eval(kw.value) for kw in node.keywords}
        if name in COMPARING:
            self._bill(*args, *kwargs.values())
        result = _invoke(name, function, args, kwargs)
        if name in ALLOCATING or name in self._functions:
            self._allocate(result)
        return result

    def _display(self, node: ast.List | ast.Tuple | ast.Set) -> Any:
        items = [self._eval(element) for element in node.elts]
        build = {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)]
        return self._allocate(build(items))

    def _dict_display(self, node: ast.Dict) -> dict[Any, Any]:
        pairs = zip(node.keys, node.values, strict=True)
        return self._allocate({self._eval(key): self._eval(value) for key, value in pairs})

    def _joined_str(self, node: ast.JoinedStr) -> str:
        parts = [p.value if isinstance(p, ast.Constant) else self._formatted(p) for p in node.values]
        return self._allocate("".join(parts))

    def _formatted(self, node: ast.FormattedValue) -> str:
        self._tick()
        value = self._eval(node.value)
        measure(value, MAX_SEQUENCE)
        if node.conversion in _CONVERSIONS:
            value = _CONVERSIONS[node.conversion](value)
        spec = "" if node.format_spec is None else "".join(str(c.value) for c in node.format_spec.values)
        return format(value, spec)

    def _block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self._line = statement.lineno
            self._tick()
            _STATEMENTS[type(statement)](self, statement)

    def _expr_statement(self, node: ast.Expr) -> None:
        self._eval(node.value)

    def _pass(self, node: ast.Pass) -> None:
        """Nothing to do; the step was already counted."""

    def _assign_statement(self, node: ast.Assign) -> None:
        value = self._eval(node.value)
        for target in node.targets:
            self._assign(target, value)

    def _assign(self, target: ast.expr, value: Any) -> None:
        """Bind a name in the task data, or set an item of a dict or list."""
        self._tick()
        if isinstance(target, ast.Name):
            self._store[target.id] = self._checked(value)
        elif isinstance(target, ast.Subscript):
            container = self._target_container(target)
            container[self._eval(target.slice)] = self._checked(value)
        else:
            assert isinstance(target, ast.Tuple | ast.List)
            self._unpack(target.elts, value)

    def _unpack(self, targets: list[ast.expr], value: Any) -> None:
        if not isinstance(value, list | tuple):
            raise fail(f"cannot unpack a value of type {kind(value)}")
        if len(value) != len(targets):
            raise fail(f"cannot unpack {len(value)} values into {len(targets)} targets")
        for target, item in zip(targets, value, strict=True):
            self._assign(target, item)

    def _target_container(self, target: ast.Subscript) -> dict[Any, Any] | list[Any]:
        container = self._eval(target.value)
        if not isinstance(container, dict | list):
            raise fail(f"cannot assign items of a value of type {kind(container)}")
        return container

    def _aug_assign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Name):
            current = self._name(target)
            self._store[target.id] = self._combine(node.op, current, self._eval(node.value))
            return
        assert isinstance(target, ast.Subscript)
        container = self._target_container(target)
        key = self._eval(target.slice)
        current = self._checked(container[key])
        container[key] = self._combine(node.op, current, self._eval(node.value))

    def _combine(self, op: ast.operator, current: Any, operand: Any) -> Any:
        """Compute x op= y as x = x op y, so lists are never grown in place."""
        self._tick()
        return self._checked(self._allocate(arithmetic(op, current, operand)))

    def _if(self, node: ast.If) -> None:
        self._block(node.body if self._eval(node.test) else node.orelse)

    def _for(self, node: ast.For) -> None:
        for item in collection(self._eval(node.iter)):
            self._line = node.lineno
            self._assign(node.target, self._checked(item))
            self._block(node.body)


_CONVERSIONS: dict[int, Callable[[Any], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}

_EXPRESSIONS: dict[type, Callable[[Interpreter, Any], Any]] = {
    ast.Constant: Interpreter._constant, ast.Name: Interpreter._name, ast.BoolOp: Interpreter._bool_op,
    ast.BinOp: Interpreter._bin_op, ast.UnaryOp: Interpreter._unary_op, ast.Compare: Interpreter._compare,
    ast.IfExp: Interpreter._if_exp, ast.Subscript: Interpreter._subscript, ast.Call: Interpreter._call,
    ast.List: Interpreter._display, ast.Tuple: Interpreter._display, ast.Set: Interpreter._display,
    ast.Dict: Interpreter._dict_display, ast.JoinedStr: Interpreter._joined_str,
}

_STATEMENTS: dict[type, Callable[[Interpreter, Any], None]] = {
    ast.Expr: Interpreter._expr_statement, ast.Pass: Interpreter._pass,
    ast.Assign: Interpreter._assign_statement, ast.AugAssign: Interpreter._aug_assign,
    ast.If: Interpreter._if, ast.For: Interpreter._for,
}


def _commit(work: dict[str, Any], data: dict[str, Any]) -> None:
    """Copy changed top-level values back, keeping the identity of untouched ones."""
    for key, value in work.items():
        if key not in data or data[key] != value:
            data[key] = value


def _invoke(name: str, function: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Call a provided function, builtin wrapper or method, naming it if it fails."""
    try:
        return function(*args, **kwargs)
    except ExpressionError:
        raise
    except Exception as err:  # any failure of the callee is the expression's failure
        raise fail(f"{name}() failed: {type(err).__name__}: {err}") from err


def _describe(err: Exception) -> str:
    """Turn a Python error raised by an operation into a short message."""
    if isinstance(err, ZeroDivisionError):
        return "division by zero"
    if isinstance(err, KeyError):
        return f"key {short_repr(err.args[0]) if err.args else ''} not found"
    if isinstance(err, IndexError):
        return "index out of range"
    if isinstance(err, OverflowError):
        return "number too large"
    if isinstance(err, RecursionError):
        return "value nested too deeply"
    if isinstance(err, MemoryError):
        return "out of memory"
    return f"{type(err).__name__}: {err}"
