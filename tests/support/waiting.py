"""Waiting on observable state instead of sleeping a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(predicate: Callable[[], object], timeout: float = 30, interval: float = 0.1) -> bool:
    """True as soon as `predicate()` is true; False if it is still false after `timeout`
    seconds (polled every `interval`; 0 polls again at once, for a predicate that waits
    itself)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if interval:
            time.sleep(interval)
    return bool(predicate())


def sessions_waiting_on_a_lock(*, pid: int | None = None, statement: str | None = None) -> int:
    """How many sessions of the test database wait for a lock now: all, the backend `pid`,
    or those running a statement LIKE `statement` (case-insensitive)."""
    from django.db import connection

    sql = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    params: list = []
    if pid is not None:
        sql += " AND pid = %s"
        params.append(pid)
    if statement is not None:
        sql += " AND query ILIKE %s"
        params.append(statement)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
