"""Attachment storage: a local directory and S3-compatible object storage (moto), one contract."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from icpflow.adapters.storage.local import LocalStorage
from icpflow.adapters.storage.s3 import S3Storage
from icpflow.bootstrap import build_storage
from icpflow.config import Settings
from icpflow.domain.errors import NotFound
from icpflow.services.attachments import Storage

PNG = b"\x89PNG\r\n\x1a\n" + b"not really a png, the store does not care"
BUCKET = "icpflow-attachments"


@pytest.fixture
def s3() -> Iterator[S3Storage]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        client.create_bucket(Bucket=BUCKET)
        yield S3Storage(BUCKET, client=client)


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "attachments")
    found: Storage = request.getfixturevalue("s3")
    return found


def test_a_stored_file_comes_back_byte_for_byte(storage: Storage) -> None:
    object_id = storage.put(PNG, content_type="image/png")
    assert storage.get(object_id) == PNG
    assert storage.exists(object_id)


def test_the_object_id_is_the_sha256_of_the_content_so_the_same_bytes_are_stored_once(storage: Storage) -> None:
    first = storage.put(PNG, content_type="image/png")
    again = storage.put(PNG, content_type="image/png")
    other = storage.put(PNG + b"!", content_type="image/png")
    assert first == again == hashlib.sha256(PNG).hexdigest()
    assert other != first


def test_an_unknown_object_is_not_found(storage: Storage) -> None:
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not storage.exists(missing)
    with pytest.raises(NotFound):
        storage.get(missing)


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "/etc/passwd", "..", "", "ab/../../secret",
                                    "A" * 64, "0" * 63, "0" * 65, "0" * 64 + "/x", "%2e%2e%2fsecret"])
def test_an_id_that_is_not_a_sha256_names_no_object_so_no_path_can_be_reached(storage: Storage, bad_id: str) -> None:
    assert not storage.exists(bad_id)
    with pytest.raises(NotFound):
        storage.get(bad_id)


def test_local_files_are_fanned_out_by_hash_prefix_and_readable_only_by_the_owner(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "attachments")
    object_id = storage.put(PNG, content_type="image/png")
    path = tmp_path / "attachments" / object_id[:2] / object_id[2:4] / object_id
    assert path.read_bytes() == PNG
    assert path.stat().st_mode & 0o077 == 0
    assert [p.name for p in path.parent.iterdir()] == [object_id]  # no temporary file left behind


def test_a_local_read_never_leaves_the_root_even_when_a_file_sits_where_a_traversal_would_point(
    tmp_path: Path,
) -> None:
    (tmp_path / "secret").write_bytes(b"outside the store")
    storage = LocalStorage(tmp_path / "attachments")
    storage.put(PNG, content_type="image/png")
    for bad_id in ("../secret", "../../secret", str(tmp_path / "secret")):
        with pytest.raises(NotFound):
            storage.get(bad_id)


def test_s3_objects_carry_their_content_type_under_the_prefix(s3: S3Storage) -> None:
    object_id = s3.put(PNG, content_type="image/png")
    head = s3.client.head_object(Bucket=BUCKET, Key=f"attachments/{object_id}")
    assert head["ContentType"] == "image/png"
    assert head["ContentLength"] == len(PNG)


def test_settings_choose_the_local_directory_by_default_and_s3_when_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = build_storage(Settings(data_dir=tmp_path))
    assert isinstance(local, LocalStorage) and local.root == tmp_path / "attachments"
    with mock_aws():
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        remote = build_storage(Settings(data_dir=tmp_path, storage="s3", s3_bucket=BUCKET))
        assert isinstance(remote, S3Storage)
        assert remote.get(remote.put(PNG, content_type="image/png")) == PNG


def test_s3_storage_without_a_bucket_is_refused_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ICPFLOW_S3_BUCKET"):
        Settings(data_dir=tmp_path, storage="s3")
