"""docker-compose.yml is proven with `docker compose config` (no engine runs here).

`docker compose` (v2 plugin) is used where present, else Debian's `docker-compose`.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


COMPOSE = compose_command()


@pytest.mark.skipif(
    COMPOSE is None, reason="no docker compose client installed: compose not checked"
)
def test_compose_file_is_valid_and_wires_every_service():
    result = subprocess.run(
        [*COMPOSE, "-f", str(BASE_DIR / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"web", "worker", "beat", "db", "redis", "mail"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert env["EMAIL_URL"].startswith("smtp://mail")
        assert set(services[name]["depends_on"]) == {"db", "redis"}
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "beat" in services["beat"]["command"]
    assert "worker" in services["worker"]["command"]
