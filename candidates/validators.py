"""Checks on what candidates send us: résumé files by their content, never by their name.

A file is accepted as a PDF when it starts like one and ends like one, and as a DOCX
when it is a well-formed ZIP holding a Word main document (word/document.xml declared
as such in [Content_Types].xml). The name and the browser's Content-Type are ignored.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from candidates.choices import ResumeKind

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# A DOCX whose parts would inflate past this is a zip bomb, not a résumé.
DOCX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
DOCX_MAX_ENTRIES = 2000
# [Content_Types].xml is a few kilobytes; it is read no further than this, whatever its
# header claims (a header may lie, and inflating is what a bomb is for).
DOCX_MAX_CONTENT_TYPES = 256 * 1024
# What a damaged member raises when it is read: zipfile lets the decompressors' own
# errors through (zlib.error for deflate, LZMAError for LZMA; bz2 raises OSError).
_DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,  # an exotic compression method
)
# Active content a recruiter's PDF reader might run.
PDF_ACTIVE_MARKERS = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/EmbeddedFile")

WRONG_TYPE = "Upload your résumé as a PDF or a Word (DOCX) document."


def resume_max_bytes() -> int:
    return settings.RESUME_MAX_BYTES


def too_large_message() -> str:
    return f"The file is larger than {filesizeformat(resume_max_bytes())}; upload a smaller one."


def detect_resume_kind(fh: IO[bytes], size: int) -> ResumeKind:
    """The kind of résumé in `fh` (read from the start), or ValidationError with the reason."""
    if size <= 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > resume_max_bytes():
        raise ValidationError(too_large_message(), code="too_large")
    fh.seek(0)
    head = fh.read(1024)
    if head.startswith(ZIP_MAGIC):
        _check_docx(fh)
        return ResumeKind.DOCX
    if PDF_MAGIC in head:
        _check_pdf(fh, size)
        return ResumeKind.PDF
    raise ValidationError(WRONG_TYPE, code="wrong_type")


def _check_pdf(fh: IO[bytes], size: int) -> None:
    fh.seek(max(0, size - 2048))
    if b"%%EOF" not in fh.read():
        raise ValidationError(
            "This PDF looks incomplete or damaged; export it again and upload it.",
            code="damaged",
        )
    fh.seek(0)
    data = fh.read()
    if any(marker in data for marker in PDF_ACTIVE_MARKERS):
        raise ValidationError(
            "This PDF contains scripts or embedded files; save it as a plain PDF and upload it.",
            code="active_content",
        )


def _check_docx(fh: IO[bytes]) -> None:
    fh.seek(0)
    try:
        with zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
            if len(infos) > DOCX_MAX_ENTRIES:
                raise ValidationError(WRONG_TYPE, code="wrong_type")
            if sum(info.file_size for info in infos) > DOCX_MAX_UNCOMPRESSED:
                raise ValidationError(WRONG_TYPE, code="wrong_type")
            if any(info.flag_bits & 0x1 for info in infos):
                raise ValidationError(
                    "This document is password-protected; upload a copy without a password.",
                    code="encrypted",
                )
            names = {info.filename for info in infos}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise ValidationError(WRONG_TYPE, code="wrong_type")
            with archive.open("[Content_Types].xml") as part:
                content_types = part.read(DOCX_MAX_CONTENT_TYPES + 1)
    except _DAMAGED as exc:
        raise ValidationError(WRONG_TYPE, code="wrong_type") from exc
    if len(content_types) > DOCX_MAX_CONTENT_TYPES:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    if DOCX_MAIN_TYPE.encode() not in content_types:
        # .docm (macros), .dotx (templates) and other OOXML files are not résumés we accept
        raise ValidationError(WRONG_TYPE, code="wrong_type")
