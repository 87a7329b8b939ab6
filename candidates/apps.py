from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "candidates"
    verbose_name = "Candidates"

    def ready(self) -> None:
        from outbox import kinds

        # verification and password-reset links are secrets: erased once sent
        kinds.register(kinds.Kind.ACCOUNT, sensitive=True)
