"""The evidence store the settings choose: the local folder, or an S3-compatible bucket."""

from __future__ import annotations

from settings import Settings
from storage.evidence import EvidenceStore, LocalEvidenceStore


def evidence_store(settings: Settings) -> EvidenceStore:
    if settings.evidence_backend == "s3":
        from storage.evidence_s3 import S3EvidenceStore

        def secret(value: object) -> str | None:
            return None if value is None else value.get_secret_value()  # type: ignore[attr-defined]

        return S3EvidenceStore(settings.s3_bucket, endpoint_url=settings.s3_endpoint_url,
                               region=settings.s3_region,
                               access_key_id=secret(settings.s3_access_key_id),
                               secret_access_key=secret(settings.s3_secret_access_key),
                               prefix=settings.s3_prefix)
    return LocalEvidenceStore(settings.evidence_dir)
