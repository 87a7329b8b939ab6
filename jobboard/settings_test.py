"""Test settings: the real settings, with a private embedded PostgreSQL and Redis.

Each test run gets its own data directory (so two runs never share a database),
unless DATABASE_URL / REDIS_URL point at servers of their own. The test session
owns the embedded servers and stops them at the end (tests/conftest.py).
"""

import os
import tempfile

# A pytest process owns its directory. Each pytest-xdist worker (which inherits the
# controller's environment) makes one of its own; the processes a test starts (Celery
# workers, gunicorn, manage.py) keep their worker's.
_session = os.environ.get("PYTEST_XDIST_WORKER", "main")
_inherited = (
    os.environ.get("JOBBOARD_TEST_OWNS_DATA_DIR") == "1"
    and os.environ.get("JOBBOARD_TEST_DATA_DIR_FOR") != _session
)
if _inherited:  # the controller's embedded Redis (settings export its URL) is not ours
    for name in ("REDIS_URL", "DATABASE_URL"):
        if os.environ["DATA_DIR"] in os.environ.get(name, ""):
            del os.environ[name]
if not os.environ.get("DATA_DIR") or _inherited:
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="jobboard-test-")
    os.environ["JOBBOARD_TEST_OWNS_DATA_DIR"] = "1"
    os.environ["JOBBOARD_TEST_DATA_DIR_FOR"] = _session
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from jobboard.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
