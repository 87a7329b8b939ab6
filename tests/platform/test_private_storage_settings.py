"""PRIVATE_STORAGE_URL: unset means files under DATA_DIR/private, s3://… a private bucket;
a bad value stops start-up with a message naming the variable."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from jobboard.storageurl import FILESYSTEM_BACKEND, S3_BACKEND, private_storage
from tests.platform.test_settings import PRODUCTION, run_manage

ROOT = Path("/data/private")


def test_unset_means_a_directory_under_data_dir():
    assert private_storage("", root=ROOT) == {
        "BACKEND": FILESYSTEM_BACKEND,
        "OPTIONS": {"location": "/data/private"},
    }


def test_an_s3_url_names_bucket_prefix_endpoint_and_encryption():
    url = (
        "s3://cx-private/prod/resumes?region=eu-west-1&endpoint_url=https://s3.example.net"
        "&addressing_style=path&sse=aws:kms&kms_key_id=alias/resumes&acl=private"
    )
    assert private_storage(url, root=ROOT) == {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": "cx-private",
            "location": "prod/resumes",
            "region_name": "eu-west-1",
            "endpoint_url": "https://s3.example.net",
            "addressing_style": "path",
            "default_acl": "private",
            "object_parameters": {
                "ServerSideEncryption": "aws:kms",
                "SSEKMSKeyId": "alias/resumes",
            },
        },
    }


def test_a_bare_bucket_is_enough():
    config = private_storage("s3://cx-private", root=ROOT)
    assert config["OPTIONS"] == {"bucket_name": "cx-private", "location": ""}


def test_acl_none_sends_no_acl_for_buckets_that_refuse_them():
    config = private_storage("s3://cx-private?acl=none", root=ROOT)
    assert config["OPTIONS"]["default_acl"] is None


def test_the_s3_storage_is_private_and_has_no_urls():
    from candidates.storage_s3 import PrivateS3Storage

    storage = PrivateS3Storage(bucket_name="cx-private", region_name="eu-west-1")
    assert storage.default_acl == "private"
    assert storage.file_overwrite is False
    with pytest.raises(NotImplementedError):
        storage.url("resumes/x.pdf")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("/data/private", "expected s3://"),
        ("gs://cx-private", "expected s3://"),
        ("s3://", "not an S3 bucket name"),
        ("s3://CX_Private", "not an S3 bucket name"),
        ("s3://cx-private:9000", "not an S3 bucket name"),
        ("s3://cx-private/../etc", "not a usable key prefix"),
        ("s3://cx-private/a b", "not a usable key prefix"),
        ("s3://cx-private#x", "fragment"),
        ("s3://cx-private?bucket=x", "unknown option bucket"),
        ("s3://cx-private?region=eu-west-1&region=us-east-1", "given twice"),
        ("s3://cx-private?region=", "region is empty"),
        ("s3://cx-private?region=eu west", "not a region name"),
        ("s3://cx-private?endpoint_url=minio:9000", "endpoint_url must be"),
        ("s3://cx-private?addressing_style=dns", "addressing_style must be"),
        ("s3://cx-private?sse=yes", "sse must be"),
        ("s3://cx-private?sse=AES256&kms_key_id=k", "kms_key_id needs sse=aws:kms"),
        ("s3://cx-private?acl=public-read", "acl must be"),
    ],
)
def test_a_bad_url_is_refused_saying_why(value, says):
    with pytest.raises(ValueError) as refused:
        private_storage(value, root=ROOT)
    assert says in str(refused.value)


def test_credentials_in_the_url_are_refused_without_repeating_them():
    with pytest.raises(ImproperlyConfigured) as refused:
        private_storage("s3://AKIAEXAMPLE:s3cr3t@cx-private/resumes", root=ROOT)
    assert "AWS_ACCESS_KEY_ID" in str(refused.value)
    assert "s3cr3t" not in str(refused.value)


def test_a_bad_value_stops_start_up_naming_the_variable():
    result = run_manage("check", env={**PRODUCTION, "PRIVATE_STORAGE_URL": "ftp://files/cv"})
    assert result.returncode != 0
    last_line = (result.stdout + result.stderr).strip().splitlines()[-1]
    assert last_line.startswith("Configuration error:")
    assert "PRIVATE_STORAGE_URL" in last_line and "expected s3://" in last_line


def test_an_s3_url_in_the_environment_gives_the_s3_storage():
    env = {
        **PRODUCTION,
        "PRIVATE_STORAGE_URL": "s3://cx-private/resumes?region=eu-west-1&sse=AES256",
    }
    code = (
        "from django.core.files.storage import storages;"
        "print(type(storages['private']).__name__, storages['private'].bucket_name)"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["PrivateS3Storage", "cx-private"]
