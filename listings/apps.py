from django.apps import AppConfig


class ListingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "listings"
    verbose_name = "Job postings"

    def ready(self) -> None:
        from listings import signals  # noqa: F401 - connects the receivers
