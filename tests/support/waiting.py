"""Waiting on observable state instead of sleeping a fixed time."""

from __future__ import annotations

import time


def wait_until(predicate, timeout: float = 30, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
