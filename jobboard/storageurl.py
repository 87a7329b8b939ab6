"""PRIVATE_STORAGE_URL: where résumés are kept, as a STORAGES entry.

Unset: a directory (DATA_DIR/private). Else a private S3-compatible bucket:

    s3://BUCKET[/PREFIX][?region=R&endpoint_url=URL&addressing_style=path|virtual|auto
                          &sse=AES256|aws:kms&kms_key_id=ID&acl=private|none]

Objects get the `private` canned ACL unless acl=none, for buckets that refuse ACL headers
(AWS's "bucket owner enforced" ownership, the default for new buckets): S3 objects
without an ACL are the owner's only anyway.

Credentials never go in the URL: boto3 finds them (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, a profile, or the instance's or task's role).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

FILESYSTEM_BACKEND = "candidates.storage.PrivateFileSystemStorage"
S3_BACKEND = "candidates.storage_s3.PrivateS3Storage"

_OPTIONS = ("region", "endpoint_url", "addressing_style", "sse", "kms_key_id", "acl")
_ACL = ("private", "none")
_SSE = ("AES256", "aws:kms")
_ADDRESSING = ("auto", "path", "virtual")
# S3's rules: 3-63 characters, lower-case letters, digits, dots and hyphens.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PREFIX = re.compile(r"[A-Za-z0-9!_.*'()/-]*")
_REGION = re.compile(r"[A-Za-z0-9-]{1,64}")


def private_storage(raw: str, *, root: Path) -> dict:
    """The STORAGES["private"] entry for a PRIVATE_STORAGE_URL value ('' for a directory).

    Raises ValueError saying what is wrong; ImproperlyConfigured, without echoing the
    value, when it carries credentials."""
    if not raw:
        return {"BACKEND": FILESYSTEM_BACKEND, "OPTIONS": {"location": str(root)}}
    parts = urlsplit(raw)
    if parts.scheme != "s3":
        raise ValueError(
            "expected s3://bucket/prefix?region=… (or unset, for files under DATA_DIR/private)"
        )
    if "@" in parts.netloc:
        raise ImproperlyConfigured(
            "Environment variable PRIVATE_STORAGE_URL must not carry credentials: set "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give the machine a role."
        )
    bucket = parts.netloc
    if not _BUCKET.fullmatch(bucket):
        raise ValueError(f"{bucket!r} is not an S3 bucket name (3-63 of a-z 0-9 . -)")
    prefix = parts.path.strip("/")
    if not _PREFIX.fullmatch(prefix) or ".." in prefix.split("/"):
        raise ValueError(f"{prefix!r} is not a usable key prefix")
    if parts.fragment:
        raise ValueError("a fragment (#…) means nothing here")

    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - set(_OPTIONS))
    if unknown:
        raise ValueError(f"unknown option {', '.join(unknown)}; known: {', '.join(_OPTIONS)}")
    repeated = sorted(k for k, v in query.items() if len(v) > 1)
    if repeated:
        raise ValueError(f"option {', '.join(repeated)} given twice")
    given = {k: v[0] for k, v in query.items()}
    empty = sorted(k for k, v in given.items() if not v)
    if empty:
        raise ValueError(f"option {', '.join(empty)} is empty")

    options: dict = {"bucket_name": bucket, "location": prefix}
    if "region" in given:
        if not _REGION.fullmatch(given["region"]):
            raise ValueError(f"region {given['region']!r} is not a region name")
        options["region_name"] = given["region"]
    if "endpoint_url" in given:
        endpoint = urlsplit(given["endpoint_url"])
        if endpoint.scheme not in ("http", "https") or not endpoint.hostname:
            raise ValueError("endpoint_url must be an http:// or https:// URL")
        options["endpoint_url"] = given["endpoint_url"]
    if "addressing_style" in given:
        if given["addressing_style"] not in _ADDRESSING:
            raise ValueError(f"addressing_style must be one of {', '.join(_ADDRESSING)}")
        options["addressing_style"] = given["addressing_style"]
    if "acl" in given:
        if given["acl"] not in _ACL:
            raise ValueError(f"acl must be one of {', '.join(_ACL)}")
        options["default_acl"] = None if given["acl"] == "none" else given["acl"]
    object_parameters = {}
    if "sse" in given:
        if given["sse"] not in _SSE:
            raise ValueError(f"sse must be one of {', '.join(_SSE)}")
        object_parameters["ServerSideEncryption"] = given["sse"]
    if "kms_key_id" in given:
        if given.get("sse") != "aws:kms":
            raise ValueError("kms_key_id needs sse=aws:kms")
        object_parameters["SSEKMSKeyId"] = given["kms_key_id"]
    if object_parameters:
        options["object_parameters"] = object_parameters
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
