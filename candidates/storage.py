"""Where résumés live: the `private` storage of settings.STORAGES, which no URL maps to.

Either a directory (DATA_DIR/private, files readable by this user only; a volume shared
by the web and worker containers) or a private S3 bucket (candidates/storage_s3.py),
chosen by PRIVATE_STORAGE_URL. Both refuse to make URLs: permission-checked views
stream the files.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE_ALIAS = "private"


class NoPublicUrl:
    """A storage mixin: private files have no URL, public or signed."""

    def url(self, name, *args, **kwargs):
        raise NotImplementedError("Private files have no URL; use the résumé views.")


class PrivateFileSystemStorage(NoPublicUrl, FileSystemStorage):
    """Files outside MEDIA_ROOT, mode 0600 in 0700 directories."""

    def __init__(self, location=None, **kwargs) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(
            location=location or settings.PRIVATE_STORAGE_ROOT, base_url=None, **kwargs
        )


class _PrivateStorageProxy(LazyObject):
    # Resolved on each use rather than once at import (model fields keep the object they
    # get), so a test's override of STORAGES reaches the fields too; like default_storage.
    def _setup(self) -> None:
        self._wrapped = storages[PRIVATE_ALIAS]


_private = _PrivateStorageProxy()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage() -> Storage:
    # A callable, so migrations do not freeze a machine's path or a bucket.
    return _private


def random_resume_name(extension: str) -> str:
    """An unguessable file name; the candidate's own file name is never used on disk."""
    return f"resumes/{secrets.token_urlsafe(24)}.{extension}"
