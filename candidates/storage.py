"""Where résumés live: a directory no URL maps to, files readable by this user only."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT with no public URL; permission-checked views serve them."""

    def __init__(self) -> None:
        super().__init__(
            location=settings.PRIVATE_STORAGE_ROOT,
            base_url=None,
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
        )

    def url(self, name):  # pragma: no cover - guard against accidental public links
        raise NotImplementedError("Private files have no URL; use the résumé views.")


def private_storage() -> PrivateStorage:
    # A callable, so migrations do not freeze a machine's path and tests get their temp dir.
    return PrivateStorage()


def random_resume_name(extension: str) -> str:
    """An unguessable file name; the candidate's own file name is never used on disk."""
    return f"resumes/{secrets.token_urlsafe(24)}.{extension}"
