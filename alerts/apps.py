from django.apps import AppConfig


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"
    verbose_name = "Job alerts"

    def ready(self) -> None:
        from alerts import signals  # noqa: F401 - connects the receivers
