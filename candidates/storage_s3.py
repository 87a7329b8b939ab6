"""Résumés in a private S3-compatible bucket (PRIVATE_STORAGE_URL=s3://…), by django-storages.

Imported only when that URL is set, so a filesystem deployment never loads boto3.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage

from candidates.storage import NoPublicUrl


@contextmanager
def _as_oserror(action: str, name: str) -> Iterator[None]:
    # The callers handle a disk's errors (OSError, FileNotFoundError); S3's are made
    # to look the same, so a failed delete after commit is logged, not a 500.
    try:
        yield
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        kind = {404: FileNotFoundError, 403: PermissionError}.get(status, OSError)
        raise kind(f"S3 {action} of {name!r} failed: {exc}") from exc
    except BotoCoreError as exc:
        raise OSError(f"S3 {action} of {name!r} failed: {exc}") from exc


class PrivateS3Storage(NoPublicUrl, S3Storage):
    """Objects written with the `private` canned ACL, never overwritten, never linked.

    A download is read into memory (a résumé is at most RESUME_MAX_BYTES; no temporary
    file on the server's disk) and streamed to the client by the permission-checked view.
    """

    def __init__(self, **options) -> None:
        options.setdefault("default_acl", "private")
        # Names are random; should two ever meet, the second gets a new one.
        options.setdefault("file_overwrite", False)
        # 0: the download buffer never spills to a temporary file.
        options.setdefault("max_memory_size", 0)
        super().__init__(**options)

    def _open(self, name, mode="rb"):
        with _as_oserror("read", name):
            return super()._open(name, mode)

    def _save(self, name, content):
        with _as_oserror("write", name):
            return super()._save(name, content)

    def delete(self, name) -> None:
        with _as_oserror("delete", name):
            super().delete(name)

    def exists(self, name) -> bool:
        with _as_oserror("lookup", name):
            return super().exists(name)

    def size(self, name) -> int:
        with _as_oserror("lookup", name):
            return super().size(name)
