"""Résumés in an S3-compatible bucket (PRIVATE_STORAGE_URL=s3://…), proven against a real
local S3 server (moto's, over HTTP) through the same form, views and services as on disk."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import uuid
from urllib.parse import urlencode

import boto3
import pytest
from botocore.config import Config
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from candidates.models import Application, Profile
from candidates.storage import private_storage
from jobboard import storageurl
from tests.candidates.factories import ProfileFactory, pdf_bytes
from tests.conftest import BASE_DIR, child_env
from tests.factories import PASSWORD
from tests.support.clients import client_for
from tests.support.smtp import free_port

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    # never ask an instance-metadata endpoint or read a developer's ~/.aws
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on a free local port, for this module's tests."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


class Bucket:
    def __init__(self, endpoint: str, name: str, prefix: str):
        self.name = name
        self.prefix = prefix
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.url = self.url_at(endpoint)

    def url_at(self, endpoint: str) -> str:
        """The PRIVATE_STORAGE_URL of this bucket on the server at `endpoint`."""
        query = {
            "endpoint_url": endpoint,
            "region": "eu-west-1",
            "addressing_style": "path",
            "sse": "AES256",
        }
        return f"s3://{self.name}/{self.prefix}?{urlencode(query)}"

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def read(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=self.key(name))["Body"].read()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket, made the `private` storage the way PRIVATE_STORAGE_URL makes it."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = Bucket(s3_endpoint, f"cx-private-{uuid.uuid4().hex[:12]}", "resumes-store")
    bucket.client.create_bucket(
        Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "private": storageurl.private_storage(bucket.url, root=settings.PRIVATE_STORAGE_ROOT),
    }
    return bucket


def upload(client: Client, content: bytes, name: str = "Olivia Owner CV.pdf"):
    return client.post(
        reverse("candidates:resume"),
        {"resume": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


@pytest.fixture
def uploaded(bucket, owner):
    """Olivia's résumé, uploaded through the form into the bucket."""
    ProfileFactory(user=owner, full_name="Olivia Owner")
    assert upload(client_for(owner), pdf_bytes("Olivia Owner")).status_code == 302
    return Profile.objects.get(user=owner)


@pytest.mark.django_db
def test_an_uploaded_resume_lands_in_the_bucket_private_and_encrypted(bucket, uploaded):
    name = uploaded.resume.name
    assert name.startswith("resumes/") and name.endswith(".pdf") and "Olivia" not in name
    assert bucket.keys() == [bucket.key(name)]
    assert bucket.read(name) == pdf_bytes("Olivia Owner")
    head = bucket.client.head_object(Bucket=bucket.name, Key=bucket.key(name))
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "application/pdf"
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=bucket.key(name))["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert not {g["Grantee"].get("URI") for g in grants} & PUBLIC_GRANTEES
    # nothing of it on the web server's disk, and no URL to hand out
    assert not (django_settings.PRIVATE_STORAGE_ROOT / name).exists()
    with pytest.raises(NotImplementedError):
        uploaded.resume.url  # noqa: B018


@pytest.mark.django_db
def test_the_candidate_downloads_it_back_through_the_checked_view(uploaded, owner):
    for url in [
        reverse("candidates:resume_download"),
        reverse("candidates:profile_resume", args=[uploaded.pk]),
    ]:
        response = client_for(owner).get(url)
        assert response.status_code == 200
        assert response.streaming  # the view streams it; no redirect to the bucket
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "private, no-store"
        assert int(response["Content-Length"]) == len(pdf_bytes("Olivia Owner"))
        assert b"".join(response.streaming_content) == pdf_bytes("Olivia Owner")


@pytest.mark.django_db
def test_another_candidate_and_a_visitor_get_404(uploaded, outsider, listing, owner):
    application = client_for(owner).post(reverse("candidates:apply", args=[listing.slug]))
    assert application.status_code == 302
    sent = Application.objects.get(candidate=owner)
    for url in [
        reverse("candidates:profile_resume", args=[uploaded.pk]),
        reverse("candidates:application_resume", args=[sent.pk]),
    ]:
        assert client_for(outsider).get(url).status_code == 404
        assert Client().get(url).status_code == 404


@pytest.mark.django_db
def test_the_copy_sent_with_an_application_is_its_own_object_the_recruiter_can_read(
    bucket, uploaded, owner, listing, recruiter
):
    assert client_for(owner).post(reverse("candidates:apply", args=[listing.slug])).status_code
    sent = Application.objects.get(candidate=owner)
    assert sent.resume.name != uploaded.resume.name
    assert bucket.keys() == sorted([bucket.key(uploaded.resume.name), bucket.key(sent.resume.name)])
    response = client_for(recruiter).get(reverse("candidates:application_resume", args=[sent.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes("Olivia Owner")


@pytest.mark.django_db
def test_replacing_and_deleting_the_resume_delete_the_objects(
    bucket, uploaded, owner, django_capture_on_commit_callbacks
):
    first = uploaded.resume.name
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client_for(owner), pdf_bytes("Olivia, new")).status_code == 302
    second = Profile.objects.get(user=owner).resume.name
    assert bucket.keys() == [bucket.key(second)] and second != first
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(owner).post(reverse("candidates:resume_delete")).status_code == 302
    assert bucket.keys() == []
    assert client_for(owner).get(reverse("candidates:resume_download")).status_code == 404


@pytest.mark.django_db
def test_deleting_the_account_deletes_every_copy_in_the_bucket(
    bucket, uploaded, owner, listing, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    assert client.post(reverse("candidates:apply", args=[listing.slug])).status_code == 302
    assert len(bucket.keys()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("candidates:account_delete"), {"password": PASSWORD, "confirm": "on"}
        )
    assert response.status_code == 302
    assert bucket.keys() == []


@pytest.mark.django_db
def test_a_missing_object_is_a_404_not_a_500(bucket, uploaded, owner):
    bucket.client.delete_object(Bucket=bucket.name, Key=bucket.key(uploaded.resume.name))
    assert client_for(owner).get(reverse("candidates:resume_download")).status_code == 404


@pytest.mark.django_db
def test_a_bucket_that_cannot_be_reached_leaves_account_deletion_working(
    bucket, uploaded, owner, settings, django_capture_on_commit_callbacks, caplog
):
    # The files go after the commit; S3 failing then is logged, as a disk's error is.
    unreachable = storageurl.private_storage(
        bucket.url_at(f"http://127.0.0.1:{free_port()}"), root=settings.PRIVATE_STORAGE_ROOT
    )
    unreachable["OPTIONS"]["client_config"] = Config(
        s3={"addressing_style": "path"}, connect_timeout=1, retries={"max_attempts": 1}
    )
    settings.STORAGES = {**settings.STORAGES, "private": unreachable}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            reverse("candidates:account_delete"), {"password": PASSWORD, "confirm": "on"}
        )
    assert response.status_code == 302
    assert not Profile.objects.filter(user_id=owner.pk).exists()
    assert "could not delete private file" in caplog.text
    assert len(bucket.keys()) == 1  # left behind, and said so in the log


@pytest.mark.django_db
def test_a_separate_worker_process_reads_the_resume_from_the_bucket(bucket, uploaded, tmp_path):
    # What the worker container does: same PRIVATE_STORAGE_URL, its own (empty) disk.
    code = (
        "import sys, hashlib, django; django.setup()\n"
        "from candidates.storage import private_storage\n"
        "storage = private_storage()\n"
        "with storage.open(sys.argv[1], 'rb') as f: data = f.read()\n"
        "print(type(storage._wrapped).__name__, hashlib.sha256(data).hexdigest())\n"
    )
    env = child_env(PRIVATE_STORAGE_URL=bucket.url, DATA_DIR=str(tmp_path), **CREDENTIALS)
    result = subprocess.run(
        [sys.executable, "-c", code, uploaded.resume.name],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    expected = hashlib.sha256(pdf_bytes("Olivia Owner")).hexdigest()
    assert result.stdout.split() == ["PrivateS3Storage", expected]
    assert private_storage().exists(uploaded.resume.name)
