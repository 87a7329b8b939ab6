"""The Celery app of the alerts benchmark: the board's own app, with every task enqueued
on the benchmark's queue, which only the benchmark's worker reads.

The worker runs it (`celery -A benchmarks._alerts_worker worker -Q alerts-benchmark`),
so the outbox sends that its compose tasks enqueue stay on that queue; benchmarks/
alerts.py imports it too. Nothing here reads the settings: importing it before the
bench database is chosen is safe.
"""

from __future__ import annotations

from jobboard.celery import app

QUEUE = "alerts-benchmark"

app.conf.task_default_queue = QUEUE

__all__ = ["QUEUE", "app"]
