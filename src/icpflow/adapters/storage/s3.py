"""Attachments in S3-compatible object storage (AWS S3, MinIO, Aliyun OSS, Tencent COS …) via boto3.

Keys are `<prefix><id>`; the content type is stored with the object. The client is built by the caller
(`bootstrap.build_storage`): credentials come from boto3's usual sources (environment, profile, role),
never from icpflow's settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from ...domain.errors import NotFound
from . import checked_id, is_object_id, object_id

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


class S3Storage:
    def __init__(self, bucket: str, *, client: S3Client, prefix: str = "attachments/") -> None:
        self.bucket = bucket
        self.client = client
        self.prefix = prefix

    def _key(self, oid: str) -> str:
        return self.prefix + checked_id(oid)

    def put(self, data: bytes, *, content_type: str) -> str:
        oid = object_id(data)
        if not self.exists(oid):
            self.client.put_object(Bucket=self.bucket, Key=self._key(oid), Body=data, ContentType=content_type)
        return oid

    def get(self, oid: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(oid))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise NotFound("附件", oid) from None
            raise
        return response["Body"].read()

    def exists(self, oid: str) -> bool:
        if not is_object_id(oid):
            return False
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(oid))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True
