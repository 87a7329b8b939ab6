from django.apps import AppConfig


class ListingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "listings"
    verbose_name = "Job postings"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from listings import signals

        post_migrate.connect(signals.sync_site_from_settings, sender=self)

        from outbox import kinds

        # an invitation's body carries its link's secret: erased once sent or given up
        kinds.register(kinds.Kind.INVITATION, sensitive=True)
