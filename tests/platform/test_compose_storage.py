"""docker-compose.yml keeps résumés on a named volume that web and worker share, at the
path the settings compute from those containers' own environment.

Read from `docker compose config --format json` (v2), else `docker-compose config` (v1),
else from the YAML file itself when no client is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.platform.test_compose import COMPOSE

BASE_DIR = Path(__file__).resolve().parents[2]
COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
READERS = ("web", "worker")  # the services that read or write résumés


def compose_config() -> dict:
    if COMPOSE is None:
        return yaml.safe_load(COMPOSE_FILE.read_text())  # PyYAML resolves the <<: merges
    v2 = COMPOSE[-1] == "compose"
    args = [*COMPOSE, "-f", str(COMPOSE_FILE), "config", *(["--format", "json"] if v2 else [])]
    result = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=BASE_DIR)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if v2 else yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def config() -> dict:
    return compose_config()


def mounts(service: dict) -> list[dict]:
    """A service's volumes in the long form, whichever form the file or client gave."""
    found = []
    for entry in service.get("volumes", []):
        if isinstance(entry, str):
            source, _, rest = entry.partition(":")
            target = rest.split(":")[0]
            kind = "bind" if source.startswith((".", "/", "~")) else "volume"
            entry = {"type": kind, "source": source, "target": target}
        found.append(entry)
    return found


def settings_in(environment: dict[str, str]) -> dict:
    """STORAGES["private"] and PRIVATE_STORAGE_ROOT as jobboard.settings computes them
    from this environment (and nothing of this machine's but PATH)."""
    code = (
        "import json, jobboard.settings as s;"
        "print(json.dumps({'root': str(s.PRIVATE_STORAGE_ROOT), 'private': s.STORAGES['private']}))"
    )
    env = {"PATH": os.environ["PATH"], **{k: str(v) for k, v in environment.items()}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def private_mount(service: dict) -> dict:
    [mount] = [m for m in mounts(service) if m["target"] == "/data/private"]
    return mount


def test_web_and_worker_mount_the_same_named_volume_for_private_files(config):
    web, worker = (private_mount(config["services"][name]) for name in READERS)
    assert web["type"] == worker["type"] == "volume"
    assert web["source"] == worker["source"] == "private-files"
    assert not web.get("read_only") and not worker.get("read_only")
    assert "private-files" in config["volumes"]


def test_beat_reads_no_private_files_and_mounts_none(config):
    targets = [m["target"] for m in mounts(config["services"]["beat"])]
    assert "/data/private" not in targets


@pytest.mark.parametrize("name", READERS)
def test_the_volume_is_where_the_settings_keep_private_files_in_that_container(config, name):
    service = config["services"][name]
    environment = service["environment"]
    if isinstance(environment, list):  # KEY=value form
        environment = dict(item.split("=", 1) for item in environment)
    assert "PRIVATE_STORAGE_URL" not in environment  # the volume, not a bucket, by default
    computed = settings_in(environment)
    assert computed["root"] == private_mount(service)["target"]
    assert computed["private"] == {
        "BACKEND": "candidates.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": private_mount(service)["target"]},
    }


def test_the_image_gives_the_mount_point_to_the_app_user():
    # A new named volume copies the owner and mode of the image's directory; without it
    # the volume would be root's and the app could not write a résumé.
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "mkdir -p /data/private" in dockerfile
    assert "chown -R app /data" in dockerfile
    assert "chmod 700 /data/private" in dockerfile
    assert dockerfile.index("chown -R app /data") < dockerfile.index("USER app")
