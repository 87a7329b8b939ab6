"""Hostile résumé files, built in memory: truncated and disguised PDFs, DOCX zip bombs
(honest and lying headers), DOCX with parts missing or damaged.

The bombs are written by hand (local headers, central directory, end record) so a
member can claim any size and a 300 MB payload costs a few hundred kilobytes and no
300 MB buffer: one deflate block of a megabyte of spaces, repeated.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from tests.candidates.factories import DOCX_CONTENT_TYPES, DOCX_MAIN

STORED, DEFLATED = 0, 8
MB = 1024 * 1024
CONTENT_TYPES = DOCX_CONTENT_TYPES.replace("{main}", DOCX_MAIN).encode()
DOCUMENT = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes  # as stored in the archive (compressed for DEFLATED)
    size: int  # the uncompressed size the headers declare
    crc: int
    method: int = DEFLATED
    flags: int = 0


def member(name: str, content: bytes, *, method: int = DEFLATED) -> Member:
    if method == DEFLATED:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = compressor.compress(content) + compressor.flush()
    else:
        data = content
    return Member(name, data, len(content), zlib.crc32(content), method)


def build_zip(members: list[Member]) -> bytes:
    """A ZIP archive of `members`, headers saying exactly what each Member says."""
    out = io.BytesIO()
    central = io.BytesIO()
    for m in members:
        name = m.name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                *(b"PK\x03\x04", 20, m.flags, m.method, 0, 0x21),
                *(m.crc, len(m.data), m.size, len(name), 0),
            )
        )
        out.write(name)
        out.write(m.data)
        central.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                *(b"PK\x01\x02", 20, 20, m.flags, m.method, 0, 0x21),
                *(m.crc, len(m.data), m.size, len(name), 0, 0, 0, 0, 0, offset),
            )
        )
        central.write(name)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(
        struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), start, 0
        )
    )
    return out.getvalue()


@functools.cache
def _spaces_deflated(megabytes: int) -> tuple[bytes, int]:
    """Raw deflate data of `megabytes` MB of spaces, and its CRC-32."""
    chunk = b" " * MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    # a full flush resets the compressor, so every block after it comes out the same
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return block * megabytes + end, crc


def docx_bomb(megabytes: int = 300) -> bytes:
    """A DOCX whose main document inflates to `megabytes` MB; its headers say so."""
    data, crc = _spaces_deflated(megabytes)
    return build_zip(
        [
            member("[Content_Types].xml", CONTENT_TYPES),
            Member("word/document.xml", data, megabytes * MB, crc),
        ]
    )


def docx_lying_bomb(megabytes: int = 64) -> bytes:
    """A DOCX whose [Content_Types].xml claims 200 bytes but inflates to `megabytes` MB."""
    data, crc = _spaces_deflated(megabytes)
    head = member("[Content_Types].xml", CONTENT_TYPES)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    prefix = compressor.compress(CONTENT_TYPES) + compressor.flush(zlib.Z_FULL_FLUSH)
    return build_zip(
        [
            Member(head.name, prefix + data, 200, crc),
            member("word/document.xml", DOCUMENT),
        ]
    )


def docx_of_many_parts(count: int = 2500) -> bytes:
    """A DOCX of thousands of tiny parts (an entry bomb)."""
    parts = [member("[Content_Types].xml", CONTENT_TYPES), member("word/document.xml", DOCUMENT)]
    parts += [member(f"word/media/{n}.xml", b"", method=STORED) for n in range(count)]
    return build_zip(parts)


def docx_missing(*missing: str) -> bytes:
    """A DOCX without the named parts."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": DOCUMENT,
    }
    return build_zip([member(name, body) for name, body in parts.items() if name not in missing])


def docx_with_damaged_types(method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A DOCX whose [Content_Types].xml does not decompress (garbage in its data)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", DOCUMENT)
    damaged = bytearray(out.getvalue())
    start = 30 + len("[Content_Types].xml")  # no extra field in the first local header
    end = damaged.find(b"PK\x03\x04", start)
    for i in range(start + 4, min(end, start + 40)):
        damaged[i] ^= 0xA5
    return bytes(damaged)
