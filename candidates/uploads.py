"""An upload handler that drops files over the résumé limit while they stream in."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class MaxSizeUploadHandler(FileUploadHandler):
    """Stops reading a file part once it passes `limit` bytes; the form then says so.

    Other handlers (memory, temporary file) keep doing the storing; this one only
    counts, so a 2 GB upload never lands on disk."""

    def __init__(self, limit: int, request=None):
        super().__init__(request)
        self.limit = limit
        self.oversized_fields: set[str] = set()
        self._received = 0

    def new_file(
        self,
        field_name,
        file_name,
        content_type,
        content_length,
        charset=None,
        content_type_extra=None,
    ):
        super().new_file(
            field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        self._received = 0
        if content_length is not None and content_length > self.limit:
            self.oversized_fields.add(field_name)
            raise SkipFile()

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > self.limit:
            self.oversized_fields.add(self.field_name)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None
