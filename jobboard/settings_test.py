"""Test settings: the real settings, with a private embedded PostgreSQL and Redis.

Each test run gets its own data directory (so two runs never share a database),
unless DATABASE_URL / REDIS_URL point at servers of their own. The test session
owns the embedded servers and stops them at the end (tests/conftest.py).
"""

import os
import tempfile

if not os.environ.get("DATA_DIR"):
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="jobboard-test-")
    os.environ["JOBBOARD_TEST_OWNS_DATA_DIR"] = "1"
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from jobboard.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
