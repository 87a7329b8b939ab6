"""The Celery application: configured from Django settings (CELERY_*), tasks found per app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")

app = Celery("jobboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="jobboard.ping")
def ping(value: str = "pong") -> str:
    """Echo a value back: proves a worker is consuming from the broker."""
    return value
