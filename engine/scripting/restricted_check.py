"""Static whitelist check of untrusted BPMN expressions and scripts, done once per source text."""

from __future__ import annotations

import ast
import re
import textwrap
from functools import lru_cache

__all__ = [
    "BUILTIN_NAMES",
    "MAX_NESTING",
    "MAX_SOURCE_CHARS",
    "METHOD_NAMES",
    "ExpressionError",
    "ExpressionFailed",
    "ExpressionRefused",
    "ExpressionSyntaxError",
    "checked_tree",
    "find_problems",
]

MAX_SOURCE_CHARS = 100_000
"""Longest accepted source text; diagrams carry short conditions and scripts."""

MAX_NESTING = 100
"""Deepest accepted syntax tree, so the recursive interpreter never runs out of stack."""

MAX_PROBLEMS = 20
"""Stop listing problems after this many; one is enough to refuse."""

BUILTIN_NAMES = frozenset({
    "len", "min", "max", "abs", "round", "int", "float", "str", "bool",
    "sum", "any", "all", "sorted", "list", "dict",
})
"""Functions callable in every expression; implemented as wrappers by the interpreter."""

METHOD_NAMES = frozenset({
    "get", "keys", "values", "items",
    "lower", "upper", "strip", "startswith", "endswith", "split", "replace",
    "count", "index",
})
"""Method names that may appear in calls; the interpreter matches them to the receiver's type."""


class ExpressionError(Exception):
    """Base of every refusal and failure, so callers can catch a single type."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class ExpressionRefused(ExpressionError):
    """The source uses a construct outside the whitelist and is never run."""


class ExpressionSyntaxError(ExpressionRefused):
    """The source is not valid Python syntax; kept apart so DMN can tell it from a refusal."""


class ExpressionFailed(ExpressionError):
    """A checked source failed while running: bad name, bad type, or a resource limit."""


_ALLOWED = frozenset({
    ast.Expression, ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.For, ast.Pass,
    ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Call, ast.keyword,
    ast.Constant, ast.Name, ast.Subscript, ast.Slice, ast.List, ast.Tuple, ast.Dict, ast.Set,
    ast.JoinedStr, ast.FormattedValue, ast.Attribute, ast.Load, ast.Store, ast.And, ast.Or,
    ast.Not, ast.UAdd, ast.USub, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
})

_ARITHMETIC = frozenset({ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow})

_SYMBOLS = {
    ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>",
    ast.MatMult: "@", ast.Invert: "~",
}

_CONSTANT_TYPES = (type(None), bool, int, float, str)

_REFUSED = {
    "Import": "import 语句", "ImportFrom": "import 语句", "Lambda": "lambda 函数",
    "ListComp": "推导式", "SetComp": "推导式", "DictComp": "推导式",
    "GeneratorExp": "生成器表达式", "Starred": "星号（*）解包",
    "Global": "global 语句", "Nonlocal": "nonlocal 语句", "While": "while 循环",
    "With": "with 语句", "AsyncWith": "with 语句", "Try": "try 语句",
    "TryStar": "try 语句", "Raise": "raise 语句", "FunctionDef": "函数定义",
    "AsyncFunctionDef": "函数定义", "ClassDef": "类定义",
    "Delete": "del 语句", "Await": "await 表达式", "Yield": "yield 表达式",
    "YieldFrom": "yield 表达式", "NamedExpr": "赋值表达式（:=）",
    "Assert": "assert 语句", "AnnAssign": "带类型注解的赋值", "Return": "return 语句",
    "Break": "break 语句", "Continue": "continue 语句", "AsyncFor": "async for 循环",
    "Match": "match 语句",
}

# Format specs with at most 3-digit width and precision: fill+align, sign, #, 0, width, grouping, .prec, type.
_SAFE_SPEC = re.compile(r"(.?[<>=^])?[+\- ]?#?0?\d{0,3}[,_]?(\.\d{1,3})?[bcdeEfFgGnosxX%]?", re.DOTALL)


def _refusal(node: ast.AST) -> str:
    """Name a construct outside the whitelist in words a diagram author understands."""
    name = type(node).__name__
    phrase = _REFUSED.get(name)
    if not phrase:
        return f"不允许使用 {name}"
    return f"不允许使用 {phrase}" if phrase[0].isascii() else f"不允许使用{phrase}"


class _Checker:
    """Collects whitelist violations over a whole tree in one breadth-first pass."""

    def __init__(self, functions: frozenset[str], script: bool) -> None:
        self.functions = functions
        self.callable = functions | BUILTIN_NAMES
        self.script = script
        self.callees: set[int] = set()
        self.problems: list[str] = []

    def run(self, tree: ast.AST) -> tuple[str, ...]:
        """Check every node; parents come first, so call sites are known before their callees."""
        for node in ast.walk(tree):
            if len(self.problems) >= MAX_PROBLEMS:
                break
            self.check(node)
        return tuple(self.problems)

    def report(self, node: ast.AST, message: str) -> None:
        """Record a problem once, with its line for scripts."""
        line = getattr(node, "lineno", None)
        if self.script and line:
            message = f"第 {line} 行：{message}"
        if message not in self.problems:
            self.problems.append(message)

    def check(self, node: ast.AST) -> None:
        """Refuse unknown node types and apply the per-type rule of known ones."""
        if type(node) not in _ALLOWED:
            # Operators, contexts, arguments etc. are reported through their parent node.
            if isinstance(node, ast.stmt | ast.expr | ast.excepthandler):
                self.report(node, _refusal(node))
            return
        rule = _RULES.get(type(node))
        if rule is not None:
            rule(self, node)

    def constant(self, node: ast.Constant) -> None:
        """Allow only JSON-like literals (no bytes, complex numbers or Ellipsis)."""
        if not isinstance(node.value, _CONSTANT_TYPES):
            self.report(node, f"不允许使用 {type(node.value).__name__} 类型的常量")

    def name(self, node: ast.Name) -> None:
        """Keep dunder names out and stop functions from being handed around as values."""
        if node.id.startswith("__"):
            self.report(node, f"不允许使用以 '__' 开头的名称：{node.id}")
        elif node.id in self.functions and id(node) not in self.callees:
            self.report(node, f"函数 {node.id} 只能调用，不能当作值使用")

    def attribute(self, node: ast.Attribute) -> None:
        """Allow attributes only as whitelisted method calls, never private ones."""
        if node.attr.startswith("_"):
            self.report(node, f"不允许使用以 '_' 开头的属性名：{node.attr}")
        elif id(node) not in self.callees:
            self.report(node, f"只有调用方法时才能访问属性：.{node.attr}")
        elif node.attr not in METHOD_NAMES:
            self.report(node, f"不允许调用方法 {node.attr}")

    def call(self, node: ast.Call) -> None:
        """Allow calls to provided functions, safe builtins and whitelisted methods only."""
        func = node.func
        self.callees.add(id(func))
        if isinstance(func, ast.Name):
            if func.id not in self.callable:
                self.report(node, f"未知的函数：{func.id}")
        elif not isinstance(func, ast.Attribute):
            self.report(node, "只能调用已提供的函数和允许的方法")

    def keyword(self, node: ast.keyword) -> None:
        """Refuse f(**mapping), which would hide the argument names."""
        if node.arg is None:
            self.report(node, "不允许用 '**' 解包参数")

    def dict_display(self, node: ast.Dict) -> None:
        """Refuse {**mapping} for symmetry with calls."""
        if any(key is None for key in node.keys):
            self.report(node, "字典中不允许使用 '**' 解包")

    def operator(self, node: ast.BinOp | ast.AugAssign | ast.UnaryOp) -> None:
        """Allow arithmetic, not, unary +/-; bit operators can build huge numbers cheaply."""
        op = type(node.op)
        if op not in _ARITHMETIC and op not in (ast.Not, ast.UAdd, ast.USub):
            self.report(node, f"不允许使用运算符 {_SYMBOLS.get(op, op.__name__)}")

    def compare(self, node: ast.Compare) -> None:
        """Allow identity tests only against None, where they cannot leak object identity."""
        lefts = [node.left, *node.comparators[:-1]]
        for op, left, right in zip(node.ops, lefts, node.comparators, strict=True):
            if isinstance(op, ast.Is | ast.IsNot) and not (_is_none(left) or _is_none(right)):
                self.report(node, "'is' 和 'is not' 只能用于与 None 比较")

    def formatted(self, node: ast.FormattedValue) -> None:
        """Allow only constant, bounded format specs in f-strings."""
        spec = node.format_spec
        if spec is None:
            return
        if not isinstance(spec, ast.JoinedStr) or not all(isinstance(v, ast.Constant) for v in spec.values):
            self.report(node, "格式说明符不能是计算出来的")
            return
        text = "".join(str(v.value) for v in spec.values)
        if not _SAFE_SPEC.fullmatch(text):
            self.report(node, f"不允许的格式说明符：{text[:40]!r}")

    def subscript(self, node: ast.Subscript) -> None:
        """Refuse slice assignment, which can grow a list without a repetition check."""
        if isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Slice):
            self.report(node, "不允许切片赋值")

    def for_loop(self, node: ast.For) -> None:
        """Refuse for-else, which is rarely meant and easily misread."""
        if node.orelse:
            self.report(node, "不允许使用 for-else")


def _is_none(node: ast.AST) -> bool:
    """Say whether a node is the literal None."""
    return isinstance(node, ast.Constant) and node.value is None


_RULES = {
    ast.Constant: _Checker.constant, ast.Name: _Checker.name, ast.Attribute: _Checker.attribute,
    ast.Call: _Checker.call, ast.keyword: _Checker.keyword, ast.Dict: _Checker.dict_display,
    ast.BinOp: _Checker.operator, ast.AugAssign: _Checker.operator, ast.UnaryOp: _Checker.operator,
    ast.Compare: _Checker.compare, ast.FormattedValue: _Checker.formatted,
    ast.Subscript: _Checker.subscript, ast.For: _Checker.for_loop,
}


def _too_deep(tree: ast.AST) -> bool:
    """Measure nesting iteratively, because a recursive walk is what we are protecting against."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return True
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False


def _normalise(source: object, mode: str) -> str:
    """Strip an expression like eval() does, and dedent scripts indented inside BPMN XML."""
    if not isinstance(source, str):
        raise ExpressionRefused(f"表达式须为文本，不能是 {type(source).__name__}")
    return source.strip() if mode == "eval" else textwrap.dedent(source)


# Python's parser messages a designer meets most, in words; any other reads as 写法无效.
_SYNTAX_WORDS = (("never closed", "括号没有闭合"), ("unmatched", "括号不成对"),
                 ("unterminated string", "字符串缺少结束引号"), ("indent", "缩进不正确"),
                 ("invalid decimal literal", "数字写法无效"), ("Maybe you meant '==' ", "比较请写 =="))


def _syntax_words(message: str) -> str:
    return next((words for mark, words in _SYNTAX_WORDS if mark in message), "写法无效")


def _parse(source: str, mode: str) -> ast.AST:
    """Parse with every parser failure turned into a refusal instead of a crash."""
    if len(source) > MAX_SOURCE_CHARS:
        raise ExpressionRefused(f"表达式过长（{len(source)} 个字符，上限为 {MAX_SOURCE_CHARS}）")
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as err:
        example = 'decision == "approve"' if mode == "eval" else "s1_decision = decision"
        message = (f"第 {err.lineno} 行有语法错误：{_syntax_words(err.msg)}。请按 Python 写法书写，"
                   f"例如 {example}；数据键名称只能由字母、数字和下划线组成，不能含空格")
        raise ExpressionSyntaxError(message, line=err.lineno) from None
    except (RecursionError, MemoryError):
        raise ExpressionRefused(f"嵌套层数过多（最多 {MAX_NESTING} 层）") from None
    except ValueError as err:
        raise ExpressionSyntaxError(f"语法错误：{err}") from None
    if _too_deep(tree):
        raise ExpressionRefused(f"嵌套层数过多（最多 {MAX_NESTING} 层）")
    return tree


_Analysis = tuple[ast.AST | None, tuple[str, ...], bool]


@lru_cache(maxsize=2048)
def _analyse(source: str, mode: str, functions: frozenset[str]) -> _Analysis:
    """Parse and check once per (source, mode, function names); the tree is never mutated."""
    try:
        tree = _parse(source, mode)
    except ExpressionRefused as err:
        return None, (str(err),), isinstance(err, ExpressionSyntaxError)
    return tree, _Checker(functions, script=mode == "exec").run(tree), False


def find_problems(source: str, mode: str, functions: frozenset[str]) -> tuple[str, ...]:
    """List the static problems of a source; mode is 'eval' (expression) or 'exec' (script)."""
    try:
        return _analyse(_normalise(source, mode), mode, functions)[1]
    except ExpressionRefused as err:
        return (str(err),)


def checked_tree(source: str, mode: str, functions: frozenset[str]) -> ast.AST:
    """Return the checked tree of a source or raise ExpressionRefused naming every problem."""
    tree, problems, syntax = _analyse(_normalise(source, mode), mode, functions)
    if problems:
        error = ExpressionSyntaxError if syntax else ExpressionRefused
        raise error("；".join(problems))
    assert tree is not None  # no problems implies a parsed tree
    return tree
