from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "candidates"
    verbose_name = "Candidates"

    def ready(self) -> None:
        from candidates import stats
        from candidates.viewer import profile_viewer
        from listings.stats import register_daily_source
        from listings.viewer import register_viewer
        from outbox import kinds

        register_viewer(profile_viewer)  # /jobs/ and /salaries/ show a candidate's side

        register_daily_source("applications", stats.applications_on)
        register_daily_source("saves", stats.saves_on)

        # verification and password-reset links are secrets: erased once sent
        kinds.register(kinds.Kind.ACCOUNT, sensitive=True)
