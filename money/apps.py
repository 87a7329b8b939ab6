from django.apps import AppConfig


class MoneyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "money"
    verbose_name = "Exchange rates"

    def ready(self) -> None:
        from money import tasks  # noqa: F401 - beat schedules money.refresh_rates by name
