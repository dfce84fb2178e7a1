"""The restricted Python in which BPMN scripts, conditions, timer and DMN expressions run.

Removing builtins is not a sandbox (``().__class__.__base__.__subclasses__()`` still
works), so every source text is parsed and checked against an AST allow-list before it
is compiled:

- no imports, ``global``/``nonlocal``, classes, ``async``, ``yield``, ``with`` or decorators;
- no name or attribute that starts with an underscore (dunders and private state);
- no attribute from a deny-list of introspection handles (frames, code objects,
  ``format``/``format_map`` whose field syntax reaches attributes);
- ``*``, ``**``, ``<<`` and ``+`` (and their augmented forms) go through size-checked
  helpers, so ``"a" * 10**10`` or a doubling loop fails early; ``range`` is capped.

These rules are defence in depth. The limits themselves (time, memory, size of what comes
back) are enforced by the operating system around the worker processes that run model code
(`app.engine.isolation`): a script can catch an exception and a single C-level call never
returns to Python, so neither an exception nor a trace function can bound it. Only
`is_simple_expression` texts (names, constants, comparisons, boolean logic: work linear in
the data) are evaluated in the application's own process.
Only a small allow-list of builtins and the documented helpers are visible.
"""
from __future__ import annotations

import ast
import builtins as _builtins
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

MAX_SEQUENCE = 100_000      # elements of a list/str/tuple a script may build by * or +
MAX_POW_BITS = 4_096        # size of an integer result of **
MAX_SHIFT = 4_096
MAX_RANGE = 100_000


class SandboxViolation(Exception):
    """Source text uses a construct the sandbox forbids."""

    def __init__(self, message: str, lineno: int | None = None):
        super().__init__(message if lineno is None else f"{message} (baris {lineno})")
        self.lineno = lineno


class ScriptTimeout(Exception):
    """A script or expression ran past its time budget."""


class ResourceLimit(Exception):
    """A script tried to build an oversized value, or its worker ran out of memory or died."""


class ScriptError(Exception):
    """A script failed with an error of a kind the application does not rebuild (reported by name)."""


_FORBIDDEN_NODES: dict[type, str] = {
    ast.Import: "import tidak diizinkan",
    ast.ImportFrom: "import tidak diizinkan",
    ast.Global: "global tidak diizinkan",
    ast.Nonlocal: "nonlocal tidak diizinkan",
    ast.ClassDef: "definisi class tidak diizinkan",
    ast.AsyncFunctionDef: "async tidak diizinkan",
    ast.AsyncFor: "async tidak diizinkan",
    ast.AsyncWith: "async tidak diizinkan",
    ast.Await: "await tidak diizinkan",
    ast.Yield: "yield tidak diizinkan",
    ast.YieldFrom: "yield tidak diizinkan",
    ast.With: "with tidak diizinkan",
}
if hasattr(ast, "TryStar"):
    _FORBIDDEN_NODES[ast.TryStar] = "except* tidak diizinkan"

DENIED_ATTRIBUTES = frozenset({
    "format", "format_map", "mro", "gi_frame", "gi_code", "gi_yieldfrom", "gi_running", "gi_suspended",
    "cr_frame", "cr_code", "cr_await", "ag_frame", "ag_code", "ag_await", "f_globals", "f_locals",
    "f_builtins", "f_back", "f_code", "f_trace", "tb_frame", "tb_next", "func_globals", "func_code",
    "co_code", "co_consts", "im_func", "im_self", "im_class", "exc_info", "with_traceback", "throw",
    "send", "close", "register", "ljust", "rjust", "center", "zfill", "expandtabs",
})


class _Checker(ast.NodeVisitor):
    def generic_visit(self, node: ast.AST) -> None:
        reason = _FORBIDDEN_NODES.get(type(node))
        if reason:
            raise SandboxViolation(reason, getattr(node, "lineno", None))
        super().generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id.startswith("_"):
            raise SandboxViolation(f"nama '{node.id}' tidak diizinkan", node.lineno)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("_") or node.attr in DENIED_ATTRIBUTES:
            raise SandboxViolation(f"atribut '{node.attr}' tidak diizinkan", node.lineno)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.decorator_list:
            raise SandboxViolation("dekorator tidak diizinkan", node.lineno)
        if node.name.startswith("_"):
            raise SandboxViolation(f"nama '{node.name}' tidak diizinkan", node.lineno)
        self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> None:
        if node.arg.startswith("_"):
            raise SandboxViolation(f"nama '{node.arg}' tidak diizinkan", node.lineno)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg and node.arg.startswith("_"):
            raise SandboxViolation(f"nama '{node.arg}' tidak diizinkan", node.value.lineno)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name and node.name.startswith("_"):
            raise SandboxViolation(f"nama '{node.name}' tidak diizinkan", node.lineno)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.AST) -> None:
        raise SandboxViolation("match tidak diizinkan", getattr(node, "lineno", None))

    visit_Match = visit_MatchAs


_GUARDED_OPS = {ast.Mult: "_sp_mul", ast.Pow: "_sp_pow", ast.LShift: "_sp_lshift", ast.Add: "_sp_add"}


class _Guard(ast.NodeTransformer):
    """Route size-sensitive arithmetic through checked helpers."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        helper = _GUARDED_OPS.get(type(node.op))
        if helper is None:
            return node
        return ast.copy_location(ast.Call(ast.Name(helper, ast.Load()), [node.left, node.right], []), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        helper = _GUARDED_OPS.get(type(node.op))
        if helper is None:
            return node
        load_target = _as_load(node.target)
        call = ast.Call(ast.Name(helper, ast.Load()), [load_target, node.value], [])
        return ast.copy_location(ast.Assign([node.target], call), node)


def _as_load(target: ast.expr) -> ast.expr:
    clone = ast.parse(ast.unparse(target), mode="eval").body
    return clone


def _size(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 0


def _sp_mul(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, (str, bytes, list, tuple)):
        a, b = b, a
    if isinstance(a, (str, bytes, list, tuple)) and isinstance(b, int) and _size(a) * max(b, 0) > MAX_SEQUENCE:
        raise ResourceLimit("hasil perkalian terlalu besar")
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_POW_BITS:
        raise ResourceLimit("bilangan terlalu besar")
    return a * b


def _sp_pow(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        if a.bit_length() * b > MAX_POW_BITS:
            raise ResourceLimit("pangkat terlalu besar")
    return a ** b


def _sp_lshift(a: Any, b: Any) -> Any:
    if isinstance(b, int) and b > MAX_SHIFT:
        raise ResourceLimit("geser bit terlalu besar")
    return a << b


def _sp_add(a: Any, b: Any) -> Any:
    if isinstance(a, (str, bytes, list, tuple)) and _size(a) + _size(b) > MAX_SEQUENCE:
        raise ResourceLimit("hasil penjumlahan terlalu besar")
    return a + b


def _safe_range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise ResourceLimit("range terlalu besar")
    return r


SAFE_BUILTINS: dict[str, Any] = {}
for _name in ("abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float", "int",
              "isinstance", "len", "list", "map", "max", "min", "reversed", "round", "set", "sorted",
              "str", "sum", "tuple", "zip", "Exception", "ValueError", "KeyError", "TypeError",
              "ZeroDivisionError", "True", "False", "None"):
    SAFE_BUILTINS[_name] = getattr(_builtins, _name)
SAFE_BUILTINS["range"] = _safe_range

GUARD_HELPERS: dict[str, Callable] = {"_sp_mul": _sp_mul, "_sp_pow": _sp_pow,
                                      "_sp_lshift": _sp_lshift, "_sp_add": _sp_add}


def check(source: str, mode: str = "exec") -> ast.AST:
    """Parse and check source text; raise SyntaxError or SandboxViolation."""
    tree = ast.parse(source, filename="<string>", mode=mode)
    _Checker().visit(tree)
    return tree


@lru_cache(maxsize=4096)
def compile_restricted(source: str, mode: str = "exec"):
    """Check, guard and compile source text (cached by text)."""
    tree = check(source, mode)
    tree = ast.fix_missing_locations(_Guard().visit(tree))
    return compile(tree, "<string>", mode)


_SIMPLE_NODES = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Compare, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp,
    ast.Not, ast.USub, ast.UAdd, ast.IfExp, ast.Subscript, ast.Tuple, ast.List,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
)


@lru_cache(maxsize=4096)
def is_simple_expression(source: str) -> bool:
    """True for expressions without calls, arithmetic, slices or loops (safe to evaluate in process)."""
    try:
        tree = check(source, "eval")
    except (SyntaxError, SandboxViolation, ValueError):
        return False
    return all(isinstance(node, _SIMPLE_NODES) for node in ast.walk(tree))


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Abort Python code running in this thread after `seconds` of wall-clock time (in-process baseline only).

    Not a limit on model code: a script may catch the exception, after which CPython drops the
    trace function, and C-level calls never reach it. Model code runs in `app.engine.isolation`.
    """
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def tracer(frame, event, arg):  # noqa: ARG001
        if time.monotonic() > deadline:
            raise ScriptTimeout(f"skrip melebihi batas waktu {seconds:g} detik")
        return tracer

    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)


def run_globals(helpers: dict[str, Callable]) -> dict[str, Any]:
    """A fresh globals dict for one evaluation: safe builtins, guards and helpers."""
    g: dict[str, Any] = {"__builtins__": SAFE_BUILTINS}
    g.update(GUARD_HELPERS)
    g.update(helpers)
    return g
