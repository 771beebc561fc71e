"""Evidence in an S3-compatible object store (MinIO, Ceph, AWS S3), for several workers or
machines sharing the files.

The same contract as `storage.evidence.LocalEvidenceStore`: an object is named by the SHA-256
of its bytes (`<prefix>ab/cd/<sha256>`), so writing the same bytes twice is a no-op, and an
object once written is never overwritten: `put` asks first (HEAD) and then writes with
`If-None-Match: *`, so of two workers writing the same file at once the second is refused by the
store (412) and takes that as done. Bytes read back are checked against their name.

boto3 is blocking: like the local store's, these methods are called off the event loop
(`asyncio.to_thread` at every caller); a boto3 client is safe to share between threads.
"""

from __future__ import annotations

import hashlib
from typing import Any

from storage.evidence import CheckedFile

_ALREADY_THERE = {"412", "PreconditionFailed", "ConditionalRequestConflict"}
_MISSING = {"404", "NoSuchKey", "NotFound"}
_UNSUPPORTED = {"NotImplemented", "501"}


class EvidenceMissing(FileNotFoundError):
    """No object under that name (as the local store's missing file)."""


class S3EvidenceStore:
    """Evidence files in one bucket, content-addressed under `prefix`."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None,
                 region: str = "us-east-1", access_key_id: str | None = None,
                 secret_access_key: str | None = None, prefix: str = "evidence/",
                 client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.session.Session().client(
                "s3", endpoint_url=endpoint_url, region_name=region,
                aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
                config=Config(retries={"max_attempts": 5, "mode": "standard"},
                              connect_timeout=5, read_timeout=30,
                              s3={"addressing_style": "path"}))
        self.client = client

    def key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as error:
            if _code(error) in _MISSING:
                return False
            raise
        return True

    def put(self, checked: CheckedFile) -> str:
        from botocore.exceptions import ClientError, ParamValidationError

        if self.exists(checked.sha256):
            return checked.sha256
        fields: dict[str, Any] = {
            "Bucket": self.bucket, "Key": self.key(checked.sha256), "Body": checked.data,
            "ContentType": checked.mime,
            "ChecksumAlgorithm": "SHA256"}  # the store refuses bytes damaged on the way
        try:
            self.client.put_object(**fields, IfNoneMatch="*")
        except ClientError as error:
            code = _code(error)
            if code in _UNSUPPORTED:  # an older store without conditional writes
                self.client.put_object(**fields)
            elif code not in _ALREADY_THERE:  # else another worker wrote it meanwhile
                raise
        except ParamValidationError:  # a botocore older than S3's conditional writes
            self.client.put_object(**fields)  # the same bytes at worst: the name is the hash
        return checked.sha256

    def get(self, sha256: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as error:
            if _code(error) in _MISSING:
                raise EvidenceMissing(sha256) from error
            raise
        data = answer["Body"].read()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise OSError(f"evidence {sha256[:12]}… came back altered")
        return bytes(data)

    def ensure_bucket(self) -> None:
        """Create the bucket if it is not there (first install, tests)."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            if _code(error) not in _MISSING:
                raise
            self.client.create_bucket(Bucket=self.bucket)

    def ready(self) -> bool:
        """The bucket answers (for /readyz)."""
        self.client.head_bucket(Bucket=self.bucket)
        return True


def _code(error: Any) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
