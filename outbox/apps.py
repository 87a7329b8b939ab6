from django.apps import AppConfig


class OutboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outbox"
    verbose_name = "Outgoing email"

    def ready(self) -> None:
        from outbox import tasks  # noqa: F401 - services enqueue outbox.send by name
