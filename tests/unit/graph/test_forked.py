"""A call in a forked worker: its value, its exception, a worker killed before answering."""

from __future__ import annotations

import os
import signal
import time

import pytest

from graph import forked


def _slow() -> int:
    time.sleep(60)
    return 1


def _fail() -> None:
    raise ValueError("bad parameter")


def test_the_value_comes_from_another_process() -> None:
    call = forked.start(lambda a, b: (os.getpid(), a + b), 2, 3)
    assert call is not None  # CI machines have two cores and fork
    pid, total = call.result()
    assert total == 5
    assert pid == call.pid
    assert pid != os.getpid()


def test_the_exception_is_raised_here() -> None:
    call = forked.start(_fail)
    assert call is not None
    with pytest.raises(ValueError, match="bad parameter"):
        call.result()


def test_a_killed_worker_is_reported() -> None:
    call = forked.start(_slow)
    assert call is not None
    assert call.pid is not None
    os.kill(call.pid, signal.SIGKILL)
    with pytest.raises(forked.WorkerLostError, match="exit code -9"):
        call.result()


def test_cancel_ends_the_worker() -> None:
    call = forked.start(_slow)
    assert call is not None
    assert call.pid is not None
    call.cancel()
    with pytest.raises(ProcessLookupError):
        os.kill(call.pid, 0)
