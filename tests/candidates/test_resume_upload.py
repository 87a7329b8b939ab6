"""Résumés: PDF or DOCX by content, at most 5 MB, stored privately under random names."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from candidates import services
from candidates.models import Profile
from candidates.validators import detect_resume_kind
from tests.candidates.factories import (
    docx_bytes,
    docx_upload,
    pdf_bytes,
    pdf_upload,
)

DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def upload(client, name, content, content_type="application/pdf"):
    return client.post(
        reverse("candidates:resume"),
        {"resume": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def check(content: bytes):
    return detect_resume_kind(io.BytesIO(content), len(content))


@pytest.mark.django_db
def test_a_pdf_is_stored_privately_under_a_random_name(owner_client, owner):
    response = upload(owner_client, "Olivia Owner CV.pdf", pdf_bytes())
    assert response.status_code == 302
    profile = Profile.objects.get(user=owner)
    assert profile.resume_kind == "pdf"
    assert profile.resume_original_name == "Olivia Owner CV.pdf"
    path = Path(profile.resume.path)
    assert path.is_relative_to(settings.PRIVATE_STORAGE_ROOT)
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert "Olivia" not in path.name and path.suffix == ".pdf"
    assert len(path.stem) >= 30
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == pdf_bytes()


@pytest.mark.django_db
def test_a_docx_is_accepted_and_served_back_as_word(owner_client, owner):
    assert upload(owner_client, "cv.docx", docx_bytes(), "application/msword").status_code == 302
    profile = Profile.objects.get(user=owner)
    assert profile.resume_kind == "docx"
    response = owner_client.get(reverse("candidates:resume_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert b"".join(response.streaming_content) == docx_bytes()


@pytest.mark.django_db
def test_the_type_is_read_from_the_content_not_the_name(owner_client, owner):
    # a real DOCX called .pdf is stored as what it is
    assert upload(owner_client, "cv.pdf", docx_bytes()).status_code == 302
    profile = Profile.objects.get(user=owner)
    assert profile.resume_kind == "docx" and profile.resume.name.endswith(".docx")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "PDF or a Word (DOCX)"),
        (b"MZ\x90\x00\x03" + b"\x00" * 200, "PDF or a Word (DOCX)"),  # a Windows executable
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PDF or a Word (DOCX)"),
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "incomplete or damaged"),  # truncated
        (
            pdf_bytes().replace(
                b"/Type /Catalog",
                b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
            ),
            "scripts or embedded files",
        ),
        (docx_bytes(document=False), "PDF or a Word (DOCX)"),  # a zip, but no document
        (docx_bytes(main_type=DOCM_MAIN), "PDF or a Word (DOCX)"),  # macro-enabled
        (b"PK\x03\x04" + b"\x00" * 64, "PDF or a Word (DOCX)"),  # a broken zip
    ],
    ids=["html", "exe", "png", "truncated-pdf", "pdf-with-js", "zip", "docm", "broken-zip"],
)
def test_wrong_types_named_pdf_are_refused_with_a_clear_message(
    owner_client, owner, content, message
):
    response = upload(owner_client, "resume.pdf", content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Profile.objects.get(user=owner).resume


@pytest.mark.django_db
def test_an_empty_file_is_refused(owner_client, owner):
    response = upload(owner_client, "resume.pdf", b"")
    assert response.status_code == 200
    assert "The file is empty" in response.content.decode()


@pytest.mark.django_db
def test_a_file_over_5_mb_is_refused_before_it_is_stored(owner_client, owner):
    big = pdf_bytes(pad=settings.RESUME_MAX_BYTES)
    assert len(big) > settings.RESUME_MAX_BYTES
    response = upload(owner_client, "resume.pdf", big)
    assert response.status_code == 200
    assert "larger than 5.0" in response.content.decode()
    assert not Profile.objects.get(user=owner).resume
    assert not any((settings.PRIVATE_STORAGE_ROOT / "resumes").glob("*")) or all(
        p.stat().st_size < settings.RESUME_MAX_BYTES
        for p in (settings.PRIVATE_STORAGE_ROOT / "resumes").glob("*")
    )


@pytest.mark.django_db
def test_a_file_just_under_the_limit_is_accepted(owner_client, owner):
    content = pdf_bytes(pad=settings.RESUME_MAX_BYTES - 2000)
    assert len(content) <= settings.RESUME_MAX_BYTES
    assert upload(owner_client, "resume.pdf", content).status_code == 302


def test_a_zip_bomb_is_refused_without_inflating_it():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("word/document.xml", "")
        archive.writestr("word/padding.bin", b"\x00" * (120 * 1024 * 1024))
    with pytest.raises(ValidationError):
        check(out.getvalue())


def test_a_password_protected_docx_is_refused():
    content = bytearray(docx_bytes())
    # set the "encrypted" flag on the first local header and central directory entries
    content[6] |= 0x1
    central = content.find(b"PK\x01\x02")
    while central != -1:
        content[central + 8] |= 0x1
        central = content.find(b"PK\x01\x02", central + 4)
    with pytest.raises(ValidationError) as excinfo:
        check(bytes(content))
    assert "password" in str(excinfo.value)


@pytest.mark.django_db
def test_replacing_the_resume_deletes_the_old_file(owner, django_capture_on_commit_callbacks):
    profile = services.profile_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_replace(profile=profile, upload=pdf_upload())
    first = Path(profile.resume.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_replace(profile=profile, upload=docx_upload())
    assert not first.exists()
    assert Path(profile.resume.path).exists()


@pytest.mark.django_db
def test_deleting_the_resume_removes_the_file(
    owner_client, owner, django_capture_on_commit_callbacks
):
    upload(owner_client, "cv.pdf", pdf_bytes())
    path = Path(Profile.objects.get(user=owner).resume.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("candidates:resume_delete"))
    assert response.status_code == 302
    assert not path.exists()
    assert not Profile.objects.get(user=owner).resume
    assert owner_client.get(reverse("candidates:resume_download")).status_code == 404


@pytest.mark.django_db
def test_deleting_needs_a_post(owner_client, owner_profile):
    assert owner_client.get(reverse("candidates:resume_delete")).status_code == 405
    owner_profile.refresh_from_db()
    assert owner_profile.resume


@pytest.mark.django_db
def test_the_upload_needs_a_csrf_token(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = upload(client, "cv.pdf", pdf_bytes())
    assert response.status_code == 403
    assert not Profile.objects.filter(user=owner).exclude(resume="").exists()


@given(content=st.binary(max_size=4096), name=st.sampled_from(["cv.pdf", "cv.docx", "cv"]))
@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_bytes_are_refused_or_accepted_for_a_reason(content, name):
    try:
        kind = check(content)
    except ValidationError as exc:
        assert exc.messages and all(m.strip() for m in exc.messages)
    else:
        assert (kind == "pdf" and b"%PDF-" in content[:1024] and b"%%EOF" in content) or (
            kind == "docx" and content.startswith(b"PK\x03\x04")
        )


@given(prefix=st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04"]), tail=st.binary(max_size=2048))
@hsettings(max_examples=200, deadline=None)
def test_files_that_only_start_like_a_resume_never_crash_the_check(prefix, tail):
    content = prefix + tail
    try:
        kind = check(content)
    except ValidationError as exc:
        assert exc.messages
    else:
        assert kind in ("pdf", "docx")
