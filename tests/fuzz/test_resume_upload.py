"""/me/resume/ with hostile files: random bytes, truncated PDFs, PDFs with the wrong
magic, DOCX zip bombs, DOCX with parts missing or damaged, oversize files.

For every example: no 5xx; a refused file is answered by the form again with a reason,
and neither the profile nor private storage changes; an accepted one is stored byte for
byte as sent.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from hypothesis import event, example, given
from hypothesis import strategies as st

from candidates.models import Profile
from candidates.storage import private_storage
from candidates.validators import detect_resume_kind
from tests.candidates.factories import docx_bytes, pdf_bytes
from tests.fuzz import files
from tests.fuzz.conftest import stored_resumes
from tests.fuzz.strategies import FUZZ, NASTY

pytestmark = pytest.mark.django_db

ACCEPT, REFUSE, EITHER = "accept", "refuse", "either"
PDF = pdf_bytes()
DOCX = docx_bytes()


@dataclass(frozen=True)
class Sample:
    """A file to upload and what must become of it (a short repr: bombs are big)."""

    label: str
    content: bytes
    expected: str

    def __repr__(self) -> str:
        return f"<{self.label}: {len(self.content)} bytes, {self.expected}>"


def sample(label: str, expected: str, build: Callable[..., bytes], *args) -> Sample:
    return Sample(label, build(*args), expected)


def _flip(at: int, value: int) -> bytes:
    at %= len(DOCX)
    return DOCX[:at] + bytes([DOCX[at] ^ (value or 1)]) + DOCX[at + 1 :]


def _over_the_limit(extra: int) -> bytes:
    return pdf_bytes(pad=settings.RESUME_MAX_BYTES + extra)  # read when drawn


FILES = st.one_of(
    st.binary(max_size=4096).map(lambda b: Sample(f"random {b[:24]!r}", b, EITHER)),
    st.just(Sample("pdf", PDF, ACCEPT)),
    st.just(Sample("docx", DOCX, ACCEPT)),
    # a PDF cut short loses its %%EOF trailer
    st.integers(0, len(PDF) - 7).map(lambda n: Sample(f"pdf[:{n}]", PDF[:n], REFUSE)),
    # the magic damaged, or pushed out of the first kilobyte
    st.sampled_from([b"%PDX-", b"%pdf-", b"PDF-", b"\x00%PDF", b"%PD"]).map(
        lambda magic: Sample(f"magic {magic!r}", magic + PDF[5:], REFUSE)
    ),
    st.just(Sample("magic after 1100 spaces", b" " * 1100 + PDF, REFUSE)),
    st.just(
        Sample(
            "pdf with a script",
            PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction 9 0 R /JS (x)"),
            REFUSE,
        )
    ),
    # zip bombs: a 300 MB part, a header that lies about its size, thousands of parts
    st.builds(sample, st.just("docx bomb 300 MB"), st.just(REFUSE), st.just(files.docx_bomb)),
    st.builds(sample, st.just("lying docx bomb"), st.just(REFUSE), st.just(files.docx_lying_bomb)),
    st.builds(
        sample, st.just("docx of 2500 parts"), st.just(REFUSE), st.just(files.docx_of_many_parts)
    ),
    # parts missing or damaged; without _rels/.rels the check still finds the document
    st.sampled_from(["[Content_Types].xml", "word/document.xml"]).map(
        lambda part: sample(f"docx without {part}", REFUSE, files.docx_missing, part)
    ),
    st.builds(
        sample,
        st.just("docx without _rels/.rels"),
        st.just(EITHER),
        st.just(files.docx_missing),
        st.just("_rels/.rels"),
    ),
    st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]).map(
        lambda method: sample(
            f"docx with damaged types ({method})", REFUSE, files.docx_with_damaged_types, method
        )
    ),
    st.tuples(st.integers(0, 10**6), st.integers(0, 255)).map(
        lambda f: sample(f"docx with byte {f[0]} ^ {f[1]}", EITHER, _flip, *f)
    ),
    # one byte over the limit, and a little more
    st.integers(1, 2048).map(lambda n: sample(f"limit + {n}", REFUSE, _over_the_limit, n)),
)
NAMES = st.one_of(st.sampled_from(["cv.pdf", "cv.docx", "cv", "cv.exe", "../../etc/passwd"]), NASTY)
BOUNDARY = b"fuzz-boundary-7MA4YWxkTrZu0gW"
TYPES = st.sampled_from(["application/pdf", "application/octet-stream", "text/html", ""])


def plain_name(name: str) -> bool:
    """A file name any parser keeps as it is (for others, refusing the file is fine:
    Django drops a name with nothing printable left, and quotes or line breaks in it
    break the part's headers)."""
    printable = name.strip(". ") and all(c.isprintable() for c in name)
    return bool(printable) and not set(name) & set('"\\/;%&')


def post_file(client, name: str, content: bytes, content_type: str):
    """POST the file as a browser would, the name as sent (no client-side cleaning)."""
    body = b"".join(
        [
            b"--" + BOUNDARY + b"\r\n",
            b'Content-Disposition: form-data; name="resume"; filename="',
            name.encode(),
            b'"\r\nContent-Type: ' + content_type.encode() + b"\r\n\r\n",
            content,
            b"\r\n--" + BOUNDARY + b"--\r\n",
        ]
    )
    return client.post(
        "/me/resume/", body, content_type=f"multipart/form-data; boundary={BOUNDARY.decode()}"
    )


def resume_state(profile: Profile) -> tuple:
    return (
        Profile.objects.filter(pk=profile.pk)
        .values_list("resume", "resume_kind", "resume_original_name", "resume_uploaded_at")
        .get()
    )


def refused(response) -> bool:
    assert response.status_code < 500, response.status_code
    if response.status_code == 302:
        return False
    if response.status_code == 400 and response.context is None:
        # a body the multipart parser cannot read (a name that breaks its headers)
        assert b"Bad Request" in response.content
        return True
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].errors.get("resume")
    assert errors and all(message.strip() for message in errors)
    assert escape(errors[0]) in response.content.decode()
    return True


@pytest.fixture
def one_megabyte_limit(settings):
    # oversize examples stay cheap; the 5 MB limit itself is tested in tests/candidates
    settings.RESUME_MAX_BYTES = 1024 * 1024


@FUZZ
@given(file=FILES, name=NAMES, content_type=TYPES)
@example(
    file=Sample("damaged", files.docx_with_damaged_types(), REFUSE), name="cv", content_type=""
)
@example(file=Sample("pdf", PDF, ACCEPT), name="C\x00V\r\n.pdf", content_type="text/html")
@example(file=sample("bomb", REFUSE, files.docx_bomb), name="cv.docx", content_type="")
@example(file=sample("lying bomb", REFUSE, files.docx_lying_bomb), name="cv.docx", content_type="")
def test_the_resume_upload_survives_any_file(
    candidate_client, profile, one_megabyte_limit, file, name, content_type
):
    before, stored = resume_state(profile), stored_resumes()
    response = post_file(candidate_client, name, file.content, content_type)
    if refused(response):
        assert file.expected != ACCEPT or not plain_name(name), "a good résumé was refused"
        assert resume_state(profile) == before
        assert stored_resumes() == stored
        event("refused")
        return
    assert file.expected != REFUSE, "a bad file was accepted"
    profile.refresh_from_db()
    assert resume_state(profile) != before
    (added,) = stored_resumes() - stored  # the old file goes once the transaction commits
    assert profile.resume.name == f"resumes/{added}"
    with private_storage().open(profile.resume.name, "rb") as fh:
        assert fh.read() == file.content
    assert profile.resume_kind == ("docx" if file.content.startswith(b"PK") else "pdf")
    event("stored")


@FUZZ
@given(form=st.dictionaries(st.sampled_from(["resume", "next", "x"]), NASTY, max_size=3))
def test_a_resume_post_without_a_file_saves_nothing(candidate_client, profile, form):
    before, stored = resume_state(profile), stored_resumes()
    response = candidate_client.post("/me/resume/", form)
    assert refused(response)
    assert resume_state(profile) == before
    assert stored_resumes() == stored


def test_a_docx_whose_part_does_not_decompress_is_refused_not_a_500(candidate_client, profile):
    """Regression: zipfile lets zlib.error and LZMAError through from a damaged part;
    the check caught neither, so such a file made the upload answer 500."""
    for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA):
        upload = SimpleUploadedFile("cv.docx", files.docx_with_damaged_types(method))
        response = candidate_client.post("/me/resume/", {"resume": upload})
        assert response.status_code == 200
        assert "PDF or a Word (DOCX)" in response.content.decode()


def test_a_lying_header_cannot_make_the_check_inflate_a_bomb():
    """Regression: [Content_Types].xml was read whole. Its header may claim 200 bytes
    while its data inflates to gigabytes, and zipfile inflates a whole read in one go
    before it cuts to the claimed size: a 1 MB upload cost the web process 2 GB."""
    bomb = files.docx_lying_bomb(64)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError):
            detect_resume_kind(io.BytesIO(bomb), len(bomb))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * files.MB, f"the check held {peak // files.MB} MB"
