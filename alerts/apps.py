from django.apps import AppConfig


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"
    verbose_name = "Job alerts"

    def ready(self) -> None:
        # signals connects the receivers; tasks registers what services enqueue by name
        from alerts import services, signals, stats, tasks  # noqa: F401
        from listings.stats import register_daily_source
        from outbox import kinds

        register_daily_source("alert_emails", stats.alert_emails_on)

        kinds.register(
            kinds.Kind.ALERT,
            bulk=True,
            on_sent=services.alert_emails_sent,
            on_failed=services.alert_emails_failed,
        )
        kinds.register(kinds.Kind.ALERT_CONFIRMATION)
