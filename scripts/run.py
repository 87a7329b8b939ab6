"""`make run`: one supervisor for the whole development stack.

It owns the embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL point
elsewhere), migrates, prepares demo data once, then runs the web server, a Celery
worker and Celery beat in the foreground. Ctrl-C or SIGTERM stops the three
children and then the embedded servers, in that order.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from jobboard import embedded  # noqa: E402

PYTHON = sys.executable


class Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise Stop(signal.Signals(signum).name)


def _say(message: str) -> None:
    print(f"[run] {message}", flush=True)


def main() -> int:
    data_dir = Path(os.environ.get("DATA_DIR") or BASE_DIR / ".data").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("DEBUG", "true")
    env["DATA_DIR"] = str(data_dir)
    port = env.get("PORT", "8000")
    host = env.get("HOST", "127.0.0.1")
    env.setdefault("SITE_URL", f"http://localhost:{port}")

    own_postgres = own_redis = False
    status = 0
    children: list[tuple[str, subprocess.Popen]] = []
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        if not env.get("DATABASE_URL"):
            _say(f"starting embedded PostgreSQL in {data_dir / 'postgres'}")
            env["DATABASE_URL"] = embedded.ensure_postgres(data_dir).url
            own_postgres = True
        if not env.get("REDIS_URL"):
            _say(f"starting embedded Redis in {data_dir / 'redis'}")
            env["REDIS_URL"] = embedded.ensure_redis(data_dir).url
            own_redis = True

        manage = [PYTHON, str(BASE_DIR / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, cwd=BASE_DIR)
        subprocess.run([*manage, "demo_setup"], env=env, check=True, cwd=BASE_DIR)

        celery = [PYTHON, "-m", "celery", "-A", "jobboard"]
        commands = {
            "web": [*manage, "runserver", f"{host}:{port}"],
            "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2", "-n", "worker@%h"],
            "beat": [
                *celery,
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(data_dir / "celerybeat-schedule"),
                "--pidfile=",
            ],
        }
        for name, command in commands.items():
            children.append((name, subprocess.Popen(command, env=env, cwd=BASE_DIR)))
        time.sleep(1.5)
        _say(f"site:  http://localhost:{port}/   (admin: http://localhost:{port}/admin/)")
        _say(f"mail:  {env.get('EMAIL_URL') or data_dir / 'mail'}")
        _say("press Ctrl-C to stop everything")
        while True:
            for name, proc in children:
                if proc.poll() is not None:
                    raise Stop(f"{name} exited with status {proc.returncode}")
            time.sleep(0.5)
    except Stop as why:
        _say(f"stopping ({why})")
    except subprocess.CalledProcessError as exc:
        _say(f"failed: {' '.join(map(str, exc.cmd[1:3]))} exited with {exc.returncode}")
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for _name, proc in children:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, proc in children:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if own_redis:
            _say("stopping embedded Redis")
            embedded.stop_redis(data_dir)
        if own_postgres:
            _say("stopping embedded PostgreSQL")
            embedded.stop_postgres(data_dir)
        _say("stopped")
    return status


if __name__ == "__main__":
    sys.exit(main())
