"""Model code runs in a warm pool of worker processes whose limits the operating system enforces.

A script can catch any exception and a single C-level call (``''.join``, ``%``-formatting,
``str.replace``, ``sum`` of lists) never returns to a trace function, so the limits of model code
cannot live in the process that runs it. Each worker (`isolation_worker.py`, a separate Python
started with an empty environment) sets ``RLIMIT_AS`` and ``RLIMIT_CPU`` on itself before every
call; here the caller's thread waits with a wall-clock deadline and kills the worker that
overruns it, dies, or answers more than the result budget (its reply is length-prefixed JSON,
refused unread when too long). A killed worker is replaced on the next call. The timeout is
therefore not an exception inside the script: the process that ran it is gone.

One pool per process (created lazily, so after a fork in gunicorn or the scheduler; forgotten in
a forked child; shut down at exit), shared by every app and thread of the process. Helpers that
scripts call (`now()`, `add_working_days(...)`) run here, in the caller's thread, when the worker
calls back: they see the application's calendar and its clock (`clock.frozen_at`), and each call
counts against the same deadline and a per-call number of helper calls.
"""
from __future__ import annotations

import atexit
import builtins
import json
import logging
import os
import secrets
import select
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import isolation_wire as wire
from . import sandbox

WORKER_SCRIPT = Path(__file__).with_name("isolation_worker.py")
START_SECONDS = 30.0    # a cold interpreter on a loaded machine; paid once per worker
FRAME_SLACK = 4096      # reply envelope around the result data
DEFAULT_WORKERS = 2
log = logging.getLogger(__name__)

_ERRORS: dict[str, type[BaseException]] = {
    name: getattr(builtins, name)
    for name in ("Exception", "ValueError", "TypeError", "KeyError", "IndexError", "LookupError",
                 "ZeroDivisionError", "ArithmeticError", "OverflowError", "NameError", "AttributeError",
                 "RecursionError", "RuntimeError", "UnicodeError", "AssertionError", "StopIteration", "SyntaxError")
}
_ERRORS.update(ScriptTimeout=sandbox.ScriptTimeout, ResourceLimit=sandbox.ResourceLimit,
               SandboxViolation=sandbox.SandboxViolation)


@dataclass(frozen=True)
class Limits:
    """What one evaluation, script or template render may use."""

    seconds: float = 1.0              # wall clock, helpers included (the worker's CPU limit follows it)
    max_result_bytes: int = 1_000_000  # JSON size of what comes back (a script: the whole task data)
    memory_mb: int = 256               # address space a worker may add to what it started with
    max_helper_calls: int = 1_000

    def wire(self) -> dict[str, Any]:
        """The limits as the worker reads them."""
        return {"cpu": self.seconds, "memory": self.memory_mb * 2**20, "max_bytes": self.max_result_bytes}


class _Overrun(Exception):
    """The deadline passed while waiting for the worker."""


class _Died(Exception):
    """The worker's pipe closed."""


class _Worker:
    """One worker process and its pipes; used by one thread at a time."""

    def __init__(self) -> None:
        self.codec = wire.Codec(secrets.token_hex(16))
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and file
            [sys.executable, "-I", str(WORKER_SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env={"LC_ALL": "C.UTF-8"}, close_fds=True, start_new_session=True,
            bufsize=0)
        self.to_fd = self.proc.stdin.fileno()
        self.from_fd = self.proc.stdout.fileno()
        os.set_blocking(self.to_fd, False)
        self._in = select.poll()
        self._in.register(self.from_fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        self._out = select.poll()
        self._out.register(self.to_fd, select.POLLOUT | select.POLLERR)
        self.calls = 0

    def start(self) -> None:
        """Hand the worker its nonce and wait until it is ready."""
        deadline = time.monotonic() + START_SECONDS
        self._send(wire.frame(json.dumps({"nonce": self.codec.nonce}).encode()), deadline)
        ready = self.codec.loads(self._receive(deadline, FRAME_SLACK))
        if not isinstance(ready, dict) or "ready" not in ready:
            raise wire.WireError("worker did not start")

    def call(self, message: dict, limits: Limits, helpers: dict[str, Callable]) -> dict:
        """Send one request, serve its helper calls, return its reply (a dict)."""
        deadline = time.monotonic() + limits.seconds
        self.calls += 1
        self._send(wire.frame(self.codec.dumps(message)), deadline)
        helper_calls = 0
        while True:
            reply = self.codec.loads(self._receive(deadline, limits.max_result_bytes + FRAME_SLACK))
            if not isinstance(reply, dict):
                raise wire.WireError("reply is not an object")
            if "helper" not in reply:
                return reply
            helper_calls += 1
            answer = _run_helper(reply, helpers, over=helper_calls > limits.max_helper_calls)
            if time.monotonic() > deadline:
                raise _Overrun
            self._send(wire.frame(self.codec.dumps(answer)), deadline)

    def _send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            if not self._out.poll(_millis(deadline)):
                raise _Overrun
            try:
                view = view[os.write(self.to_fd, view):]
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError) as exc:
                raise _Died from exc

    def _receive(self, deadline: float, max_bytes: int) -> bytes:
        def read(n: int) -> bytes:
            if not self._in.poll(_millis(deadline)):
                raise _Overrun
            return os.read(self.from_fd, min(n, 1 << 20))

        payload = wire.read_frame(read, max_bytes)
        if payload is None:
            raise _Died
        return payload

    def kill(self) -> int | None:
        """Stop the process now; its exit status."""
        try:
            self.proc.kill()
        except OSError:
            pass
        code = self.proc.wait()
        self.close_pipes()
        return code

    def stop(self, timeout: float = 1.0) -> None:
        """Ask the worker to leave (end of its input), else kill it."""
        self.close_pipes()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def close_pipes(self) -> None:
        """Close this process's ends of the pipes."""
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


def _millis(deadline: float) -> int:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _Overrun
    return max(1, int(remaining * 1000))


def _run_helper(request: dict, helpers: dict[str, Callable], *, over: bool) -> dict:
    name = request.get("helper")
    if over:
        return {"error": {"type": "ResourceLimit", "args": ["terlalu banyak panggilan fungsi bantu"]}}
    helper = helpers.get(name) if isinstance(name, str) else None
    if helper is None:
        return {"error": {"type": "NameError", "args": [f"name {name!r} is not defined"]}}
    args, kwargs = request.get("args"), request.get("kwargs")
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        return {"error": {"type": "TypeError", "args": ["argumen fungsi bantu tidak valid"]}}
    try:
        return {"ok": helper(*args, **kwargs)}
    except Exception as exc:  # noqa: BLE001 - the script sees the helper's error as it always did
        return {"error": {"type": exc.__class__.__name__, "args": [str(a) for a in exc.args][:4]}}


def rebuild_error(error: Any) -> Exception:
    """The exception a worker reported, as a local one of the same kind (builtins and sandbox errors only)."""
    if not isinstance(error, dict):
        return sandbox.ScriptError("kesalahan skrip tidak dikenal")
    name = error.get("type")
    args = [a for a in (error.get("args") or []) if isinstance(a, (str, int, float, bool))][:4]
    cls = _ERRORS.get(name) if isinstance(name, str) else None
    exc: Exception
    try:
        exc = cls(*args) if cls is not None else sandbox.ScriptError(f"{name}: {', '.join(map(str, args))}")
    except Exception:  # noqa: BLE001 - e.g. a class that wants other arguments
        exc = sandbox.ScriptError(f"{name}: {', '.join(map(str, args))}")
    line = error.get("lineno")
    exc.script_lineno = line if isinstance(line, int) and not isinstance(line, bool) else None
    return exc


class WorkerPool:
    """Warm workers handed to one calling thread at a time; a broken or overrun worker is replaced."""

    def __init__(self, size: int = DEFAULT_WORKERS):
        self.size = max(1, size)
        self.stats: Counter[str] = Counter()
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._starting = 0
        self._cond = threading.Condition()
        self._closed = False

    def run(self, message: dict, *, limits: Limits, helpers: dict[str, Callable] | None = None) -> dict:
        """Run one request; its reply, or raise the error it reported or the limit it broke."""
        message["limits"] = limits.wire()
        message["helpers"] = sorted(helpers or ())
        worker = self._acquire()
        keep = False
        try:
            reply = worker.call(message, limits, helpers or {})
            keep = not reply.get("recycle")
        except _Overrun:
            self.stats["timeouts"] += 1
            log.warning("script worker %s killed after %.3g s (%s)", worker.proc.pid, limits.seconds, message["op"])
            worker.kill()
            raise sandbox.ScriptTimeout(f"skrip melebihi batas waktu {limits.seconds:g} detik") from None
        except _Died:
            code = worker.kill()
            if code == -signal.SIGXCPU:
                self.stats["timeouts"] += 1
                raise sandbox.ScriptTimeout(f"skrip melebihi batas waktu {limits.seconds:g} detik") from None
            self.stats["deaths"] += 1
            log.warning("script worker %s died with status %s (%s)", worker.proc.pid, code, message["op"])
            raise sandbox.ResourceLimit(f"proses skrip berhenti (status {code})") from None
        except wire.WireError as exc:
            self.stats["refused"] += 1
            log.warning("script worker %s killed: %s (%s)", worker.proc.pid, exc, message["op"])
            worker.kill()
            raise sandbox.ResourceLimit(f"hasil skrip ditolak: {exc}") from None
        finally:
            self._release(worker, keep)
        if "error" in reply:
            raise rebuild_error(reply["error"])
        return reply

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise RuntimeError("kumpulan pekerja skrip sudah ditutup")
                if self._idle:
                    return self._idle.pop()
                if len(self._all) + self._starting < self.size:
                    self._starting += 1
                    break
                self._cond.wait()
        worker = None
        try:
            worker = _Worker()
            worker.start()
        except (OSError, wire.WireError, _Overrun, _Died) as exc:
            if worker is not None:
                worker.kill()
            raise sandbox.ResourceLimit("pekerja skrip tidak dapat dijalankan") from exc
        finally:
            with self._cond:
                self._starting -= 1
                if worker is not None and worker.proc.poll() is None:
                    self._all.add(worker)
                self._cond.notify()
        self.stats["started"] += 1
        return worker

    def _release(self, worker: _Worker, keep: bool) -> None:
        with self._cond:
            if keep and not self._closed:
                self._idle.append(worker)
            else:
                self._all.discard(worker)
                if worker.proc.poll() is None:
                    worker.kill()
            self._cond.notify()

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        with self._cond:
            return sorted(w.proc.pid for w in self._all)

    def close(self) -> None:
        """Stop every worker (idle ones leave at the end of their input, busy ones are killed)."""
        with self._cond:
            self._closed = True
            idle, busy = list(self._idle), [w for w in self._all if w not in self._idle]
            self._idle.clear()
            self._all.clear()
            self._cond.notify_all()
        for worker in idle:
            worker.stop()
        for worker in busy:
            worker.kill()

    def abandon(self) -> None:
        """In a forked child: drop the parent's workers without touching them."""
        for worker in list(self._all):
            worker.close_pipes()
        self._idle.clear()
        self._all.clear()
        self._closed = True


_pool: WorkerPool | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def pool(size: int | None = None) -> WorkerPool:
    """This process's pool (created on first use; `size` can only grow it)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool, _pool_pid = WorkerPool(size or DEFAULT_WORKERS), os.getpid()
        elif size and size > _pool.size:
            with _pool._cond:
                _pool.size = size
                _pool._cond.notify_all()
        return _pool


def shutdown() -> None:
    """Stop this process's workers (at exit; also for tests)."""
    global _pool
    with _pool_lock:
        current, _pool = (_pool if _pool_pid == os.getpid() else None), None
    if current is not None:
        current.close()


def _after_fork_in_child() -> None:
    global _pool, _pool_lock
    _pool_lock = threading.Lock()
    if _pool is not None:
        _pool.abandon()
    _pool = None


atexit.register(shutdown)
os.register_at_fork(after_in_child=_after_fork_in_child)


# -- what the engine calls ---------------------------------------------------------------------


def evaluate(expression: str, context: dict, external: dict, *, helpers: dict[str, Callable], limits: Limits,
             workers: int | None = None) -> Any:
    """The value of an expression, computed in a worker."""
    return pool(workers).run({"op": "eval", "src": expression, "ctx": context, "ext": external},
                             limits=limits, helpers=helpers).get("ok")


def execute(script: str, context: dict, external: dict, *, helpers: dict[str, Callable], limits: Limits,
            workers: int | None = None) -> dict:
    """The task data after running a script on it in a worker (the input is not changed)."""
    data = pool(workers).run({"op": "exec", "src": script, "ctx": context, "ext": external},
                             limits=limits, helpers=helpers).get("ctx")
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise sandbox.ResourceLimit("hasil skrip ditolak: data proses bukan objek")
    return data


def render(template: str, context: dict, *, limits: Limits, workers: int | None = None) -> str:
    """A Jinja template rendered (sandboxed) to plain text in a worker; whoever shows it escapes it."""
    value = pool(workers).run({"op": "render", "src": template, "ctx": context}, limits=limits).get("ok")
    if not isinstance(value, str):
        raise sandbox.ResourceLimit("hasil templat ditolak")
    return value
