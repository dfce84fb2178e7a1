"""A script worker process: runs model scripts, expressions and instruction templates under OS limits.

Started by `app.engine.isolation` as ``python -I <this file>`` with an empty environment. It loads
only the standard library, Jinja and, by path, `sandbox.py` and `isolation_wire.py` (never the
application, its settings or its database). Before every request it sets its own limits:
``RLIMIT_AS`` (its address space at start plus the request's memory budget) and ``RLIMIT_CPU``
(the CPU seconds used so far plus the request's budget), so a runaway script dies or gets a
``MemoryError`` here, while the application kills the process at the wall-clock deadline
anyway. Script helpers (working-day functions, the clock) are called back in the application
over the same pipe, so they see its calendar and its clock.
"""
from __future__ import annotations

import builtins
import importlib.util
import json
import math
import os
import resource
import sys
import traceback
from functools import lru_cache

from jinja2.sandbox import SandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name: str, filename: str):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, filename))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


sandbox = _load("satupintu_sandbox", "sandbox.py")
wire = _load("satupintu_isolation_wire", "isolation_wire.py")

_BUILTIN_ERRORS = {name: getattr(builtins, name) for name in
                   ("Exception", "ValueError", "TypeError", "KeyError", "IndexError", "LookupError",
                    "ZeroDivisionError", "ArithmeticError", "OverflowError", "NameError", "AttributeError",
                    "RecursionError", "RuntimeError", "UnicodeError", "AssertionError", "StopIteration")}
_BUILTIN_ERRORS.update(ScriptTimeout=sandbox.ScriptTimeout, ResourceLimit=sandbox.ResourceLimit,
                       SandboxViolation=sandbox.SandboxViolation)


class _Channel:
    """The worker's end of the pipe pair (private descriptors; fd 0 and 1 point to /dev/null)."""

    def __init__(self) -> None:
        self.in_fd = os.dup(0)
        self.out_fd = os.dup(1)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.close(devnull)
        self.codec: wire.Codec | None = None

    def receive_raw(self) -> bytes | None:
        return wire.read_frame(lambda n: os.read(self.in_fd, min(n, 1 << 20)))

    def send_raw(self, payload: bytes) -> None:
        view = memoryview(wire.frame(payload))
        while view:
            view = view[os.write(self.out_fd, view):]

    def receive(self):
        payload = self.receive_raw()
        if payload is None:
            os._exit(0)  # the application went away
        return self.codec.loads(payload)

    def send(self, message) -> None:
        self.send_raw(self.codec.dumps(message))


CHANNEL: _Channel | None = None
_BASELINE_AS = 0
_HARD_AS = resource.RLIM_INFINITY
_HARD_CPU = resource.RLIM_INFINITY


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 512 * 2**20


def _apply_limits(limits: dict) -> None:
    memory = int(limits.get("memory") or 0)
    if memory > 0:
        soft = _BASELINE_AS + memory
        if _HARD_AS != resource.RLIM_INFINITY:
            soft = min(soft, _HARD_AS)
        resource.setrlimit(resource.RLIMIT_AS, (soft, _HARD_AS))
    cpu = float(limits.get("cpu") or 0)
    if cpu > 0:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        soft = math.ceil(usage.ru_utime + usage.ru_stime + cpu) + 1
        if _HARD_CPU != resource.RLIM_INFINITY:
            soft = min(soft, _HARD_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, _HARD_CPU))


def _rebuild(error: dict) -> Exception:
    """An exception the application sent back from a helper, as a local one the script may catch."""
    cls = _BUILTIN_ERRORS.get(error.get("type")) or Exception
    args = error.get("args") or []
    try:
        return cls(*args)
    except Exception:  # noqa: BLE001
        return Exception(*args)


def _helper(name: str):
    def helper(*args, **kwargs):
        CHANNEL.send({"helper": name, "args": list(args), "kwargs": kwargs})
        reply = CHANNEL.receive()
        if "error" in reply:
            raise _rebuild(reply["error"])
        return reply.get("ok")

    helper.__name__ = name
    return helper


@lru_cache(maxsize=64)
def _helpers(names: tuple[str, ...]) -> dict:
    return {name: _helper(name) for name in names}


def _evaluate(request: dict):
    code = sandbox.compile_restricted(request["src"], "eval")
    scope = sandbox.run_globals(_helpers(tuple(request.get("helpers") or ())))
    scope.update(request.get("ext") or {})
    scope.update(request.get("ctx") or {})
    return {"ok": eval(code, scope)}  # noqa: S307 - checked by the sandbox AST allow-list


def _execute(request: dict):
    code = sandbox.compile_restricted(request["src"], "exec")
    context = request.get("ctx") or {}
    scope = sandbox.run_globals(_helpers(tuple(request.get("helpers") or ())))
    scope.update(request.get("ext") or {})
    injected = set(scope)
    context.update(scope)
    try:
        exec(code, context)  # noqa: S102 - checked by the sandbox AST allow-list
    finally:
        for key in list(context):
            if key in injected or callable(context[key]):
                context.pop(key, None)
    return {"ok": True, "ctx": context}


_jinja = SandboxedEnvironment(autoescape=False)  # plain text: the page showing it escapes it


@lru_cache(maxsize=512)
def _template(source: str):
    return _jinja.from_string(source)


def _render(request: dict):
    return {"ok": str(_template(request["src"]).render(**(request.get("ctx") or {})))}


OPERATIONS = {"eval": _evaluate, "exec": _execute, "render": _render}


def _script_line(exc: BaseException) -> int | None:
    line = getattr(exc, "lineno", None) if isinstance(exc, SyntaxError) else None
    for summary in traceback.extract_tb(exc.__traceback__):
        if summary.filename == "<string>":
            line = summary.lineno
    return line


def _error(exc: BaseException) -> dict:
    args = [a if isinstance(a, (str, int, float, bool)) or a is None else str(a) for a in exc.args]
    if isinstance(exc, sandbox.SandboxViolation):
        args = [str(exc)]
    return {"type": exc.__class__.__name__, "args": args[:4], "lineno": _script_line(exc)}


SCALAR_BYTES = 24  # a number, a boolean, null or a tagged date counts as this many bytes of JSON


def _check_size(value, max_bytes: int) -> None:
    """ResourceLimit once the value's JSON would exceed `max_bytes`, found before encoding it.

    A shared reference counts every time it appears (as it would be encoded), and the walk stops as
    soon as the budget is spent, so a 50 MB structure built from one list costs microseconds, not
    the time to encode it.
    """
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + len(item)
            for key, inner in item.items():
                total += len(key) + 3 if isinstance(key, str) else SCALAR_BYTES
                stack.append(inner)
        elif isinstance(item, (list, tuple)):
            total += 2 + len(item)
            stack.extend(item)
        else:
            total += SCALAR_BYTES
        if total > max_bytes:
            raise sandbox.ResourceLimit(f"hasil skrip melebihi {max_bytes} bita")


def _answer(request: dict) -> bytes:
    """The encoded reply to one request, never larger than its byte budget."""
    limits = request.get("limits") or {}
    max_bytes = int(limits.get("max_bytes") or wire.MAX_FRAME)
    try:
        _apply_limits(limits)
        reply = OPERATIONS[request["op"]](request)
        _check_size(reply, max_bytes)
        payload = CHANNEL.codec.dumps(reply)
        if len(payload) > max_bytes:
            del payload
            raise sandbox.ResourceLimit(f"hasil skrip melebihi {max_bytes} bita")
        return payload
    except MemoryError:
        reply = {"error": {"type": "ResourceLimit", "args": ["skrip melampaui batas memori"]}, "recycle": True}
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the application
        reply = {"error": _error(exc)}
    finally:
        request.clear()
    return CHANNEL.codec.dumps(reply)


def main() -> None:
    """Serve requests until the application closes the pipe."""
    global CHANNEL, _BASELINE_AS, _HARD_AS, _HARD_CPU
    CHANNEL = _Channel()
    hello = CHANNEL.receive_raw()
    if hello is None:
        return
    CHANNEL.codec = wire.Codec(json.loads(hello)["nonce"])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    try:
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    except (ValueError, OSError):
        pass
    try:
        os.nice(5)  # a runaway script yields the cores to the web threads
    except OSError:
        pass
    # Warm up once (compile caches, allocator arenas) before measuring the address space we start from.
    _answer({"op": "eval", "src": "len([1, 2]) > 1", "ctx": {}, "ext": {}})
    _answer({"op": "render", "src": "{{ x }}", "ctx": {"x": 1}})
    _BASELINE_AS = _address_space()
    _HARD_AS = resource.getrlimit(resource.RLIMIT_AS)[1]
    _HARD_CPU = resource.getrlimit(resource.RLIMIT_CPU)[1]
    CHANNEL.send({"ready": os.getpid()})
    while True:
        request = CHANNEL.receive()
        CHANNEL.send_raw(_answer(request))
        del request


if __name__ == "__main__":
    main()
