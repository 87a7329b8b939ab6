"""Faults of the embedded servers a test run owns: Redis killed, PostgreSQL restarted."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from django.conf import settings


def kill_redis() -> None:
    """SIGKILL the test run's Redis, as a crash would (no save, no clean shutdown)."""
    import redis

    from jobboard import embedded

    _, sock, _ = embedded._redis_paths(Path(settings.DATA_DIR))
    pid = int(redis.Redis(unix_socket_path=str(sock)).info("server")["process_id"])
    os.kill(pid, signal.SIGKILL)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # not our child: wait for it to be gone
        from tests.support.waiting import wait_until

        wait_until(lambda: not embedded._alive(pid), timeout=10)


def start_redis() -> None:
    from jobboard import embedded

    embedded.ensure_redis(Path(settings.DATA_DIR))
    forget_broker_connections()


def forget_broker_connections() -> None:
    """Forget this process's pooled broker connections (they died with the server)."""
    from kombu import pools

    from jobboard.celery import app

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def restart_postgres() -> None:
    """Restart the test run's PostgreSQL (fast shutdown: every session is cut)."""
    from django.db import connections
    from pgserver._commands import pg_ctl

    pgdata = (Path(settings.DATA_DIR) / "postgres").resolve()
    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=pgdata, user=user, timeout=60)
    for connection in connections.all():
        connection.close()  # this process's sessions were cut too
