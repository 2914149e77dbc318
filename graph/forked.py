"""One function call in a forked worker process, so it runs on another core while this
process goes on (igraph holds the GIL for the whole of a Leiden run, so a thread would not).

The child is a ``fork`` of this process: it sees the caller's objects (a ten-million-edge
igraph graph) without copying or pickling them, and sends back only the pickled return
value through a pipe. ``os.fork`` itself rather than :mod:`multiprocessing`, whose processes
refuse to be started from a daemonic one (a pool's worker, where jobs run in tests and
benchmarks). Where ``fork`` is missing (Windows) or the machine has one core (nothing would
overlap), :func:`start` returns None and the caller computes in process.

Examples
--------
>>> import os
>>> call = start(os.getpid)
>>> call is None or call.result() != os.getpid()  # the child's pid, not ours
True
"""

from __future__ import annotations

import atexit
import gc
import os
import pickle
import signal
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = ["Forked", "WorkerLostError", "available", "start"]

T = TypeVar("T")

#: Workers not collected yet, ended if this process exits first.
_RUNNING: set[Forked[Any]] = set()


class WorkerLostError(RuntimeError):
    """The worker ended without sending a result (killed, e.g. by the kernel's OOM killer)."""


def available() -> bool:
    """Whether a call can run in a forked process here and overlap with this one."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


class Forked(Generic[T]):
    """A call running in a forked child; :meth:`result` waits for it, :meth:`cancel` ends it."""

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...]) -> None:
        read, write = os.pipe()
        gc.freeze()  # the child must not walk (and so copy) every object in a collection
        try:
            pid = os.fork()
        finally:
            gc.unfreeze()
        if pid == 0:  # the child: answer, then leave without running this process's exits
            os.close(read)
            _answer(write, fn, args)
        os.close(write)
        self.pid = pid
        self._read: int | None = read
        _RUNNING.add(self)

    def result(self) -> T:
        """The call's return value; its exception re-raised here; :class:`WorkerLostError`
        if the worker died without an answer."""
        if self._read is None:
            raise RuntimeError("the worker's result was collected or cancelled already")
        with os.fdopen(self._read, "rb") as pipe:
            self._read = None
            data = pipe.read()
        status = self._reap()
        if not data:
            code = os.waitstatus_to_exitcode(status)
            raise WorkerLostError(f"the worker process ended with exit code {code} and no result")
        ok, value = pickle.loads(data)  # noqa: S301 - our own fork's answer
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """End the worker if it is still running (a job that failed will not need it)."""
        if self._read is None:
            return
        os.close(self._read)
        self._read = None
        os.kill(self.pid, signal.SIGKILL)  # not reaped yet, so the pid is still its own
        self._reap()

    def _reap(self) -> int:
        _RUNNING.discard(self)
        return os.waitpid(self.pid, 0)[1]


def start(fn: Callable[..., T], *args: Any, overlap: bool = True) -> Forked[T] | None:
    """``fn(*args)`` in a forked worker, or None where that is not available (see
    :func:`available`; ``overlap=False``: the call needs a process of its own, not a second
    core, so a one-core machine forks too); ``fn`` must not use locks another thread may
    hold (the child has only the forking thread) and its result must pickle."""
    if available() or (not overlap and hasattr(os, "fork")):
        return Forked(fn, args)
    return None


def _answer(write: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the child: send ``fn(*args)`` (or its exception) and exit at once."""
    code = 0
    try:
        try:
            value: tuple[bool, Any] = (True, fn(*args))
        except Exception as error:  # sent to the parent, which raises it
            value = (False, error)
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
    except BaseException:
        code = 1  # the parent sees no answer: WorkerLostError
    finally:
        os._exit(code)


@atexit.register
def _end_running() -> None:
    for call in list(_RUNNING):
        call.cancel()
