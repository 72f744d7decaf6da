"""The storage interface (marketplace.storage) behaves the same on the local disk, in memory and in
an S3-compatible bucket (moto's server on loopback), and keeps every name inside the store."""

from __future__ import annotations

import stat

import pytest

from marketplace.storage import (
    LocalStorage,
    MemoryStorage,
    S3Storage,
    StorageError,
    checked_name,
    parse_s3_url,
    storage_from_config,
)
from tests.s3server import running_s3_server


@pytest.fixture(scope="module")
def s3():
    with running_s3_server() as server:
        yield server


@pytest.fixture(params=["local", "memory", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "uploads")
    if request.param == "memory":
        return MemoryStorage()
    s3 = request.getfixturevalue("s3")
    return S3Storage(s3.make_bucket(), "site/", s3.client())


def test_put_get_open_exists_list_and_delete(storage):
    assert storage.get("ab/abc-card.webp") is None and storage.open("ab/abc-card.webp") is None
    assert not storage.exists("ab/abc-card.webp")
    storage.put("ab/abc-card.webp", b"card")
    storage.put("ab/abc-detail.webp", b"detail" * 100_000)
    storage.put("cd/cde-card.webp", b"other")
    assert storage.get("ab/abc-card.webp") == b"card"
    with storage.open("ab/abc-detail.webp") as file:  # read in pieces, as a response streams it
        assert file.read(6) == b"detail" and len(file.read()) == 6 * 100_000 - 6
    assert storage.exists("ab/abc-card.webp")
    assert list(storage.list()) == ["ab/abc-card.webp", "ab/abc-detail.webp", "cd/cde-card.webp"]
    assert list(storage.list("ab/")) == ["ab/abc-card.webp", "ab/abc-detail.webp"]

    storage.put("ab/abc-card.webp", b"replaced")
    assert storage.get("ab/abc-card.webp") == b"replaced"
    storage.delete("ab/abc-card.webp")
    storage.delete("ab/abc-card.webp")  # gone already: no error
    assert storage.get("ab/abc-card.webp") is None and not storage.exists("ab/abc-card.webp")
    assert list(storage.list()) == ["ab/abc-detail.webp", "cd/cde-card.webp"]


def test_a_folder_within_is_a_store_of_its_own(storage):
    evidence = storage.within("evidence")
    evidence.put("ab/key.pdf", b"%PDF")
    storage.put("ab/key-card.webp", b"photo")
    assert storage.get("evidence/ab/key.pdf") == b"%PDF"
    assert list(evidence.list()) == ["ab/key.pdf"]
    assert evidence.get("ab/key-card.webp") is None


@pytest.mark.parametrize("name", ["../secret", "..", "a/../b", "/etc/passwd", "a//b", "", "a\\b", "./a", "a\x00"])
def test_names_that_could_leave_the_store_are_refused(storage, tmp_path, name):
    (tmp_path / "secret").write_bytes(b"secret")
    assert checked_name(name) is None
    assert storage.get(name) is None and storage.open(name) is None and not storage.exists(name)
    storage.delete(name)  # quietly nothing
    with pytest.raises(ValueError):
        storage.put(name, b"x")
    assert (tmp_path / "secret").read_bytes() == b"secret"


def test_local_files_keep_the_upload_dir_layout_and_private_ones_are_private(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put("ab/key-card.webp", b"public")
    storage.within("evidence").put("ab/key.pdf", b"private", private=True)
    assert (tmp_path / "ab" / "key-card.webp").read_bytes() == b"public"
    assert stat.S_IMODE((tmp_path / "ab" / "key-card.webp").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "evidence" / "ab" / "key.pdf").stat().st_mode) == 0o600
    (tmp_path / "ab" / ".upload-half").write_bytes(b"half")  # a write that was cut short
    assert list(storage.list()) == ["ab/key-card.webp", "evidence/ab/key.pdf"]


def test_upload_dir_chooses_the_store(tmp_path, s3):
    assert storage_from_config({"UPLOAD_DIR": "memory://"}) is None
    local = storage_from_config({"UPLOAD_DIR": str(tmp_path)})
    assert isinstance(local, LocalStorage) and local.root == tmp_path
    bucket = s3.make_bucket()
    remote = storage_from_config({"UPLOAD_DIR": f"s3://{bucket}/chq/photos", **s3.settings})
    assert isinstance(remote, S3Storage) and (remote.bucket, remote.prefix) == (bucket, "chq/photos/")
    remote.put("ab/x", b"x")
    assert [item["Key"] for item in s3.client().list_objects_v2(Bucket=bucket)["Contents"]] == ["chq/photos/ab/x"]
    assert "testing-secret-key" not in repr(remote)
    assert parse_s3_url(f"s3://{bucket}") == (bucket, "")
    for wrong in ("s3:///nobucket", "http://bucket/x", "s3://bucket/../x"):
        with pytest.raises(ValueError):
            parse_s3_url(wrong)


def test_an_unreachable_bucket_is_a_storage_error(s3):
    missing = S3Storage("no-such-bucket", "", s3.client())
    for call in (lambda: missing.put("a", b"x"), lambda: list(missing.list())):
        with pytest.raises(StorageError):
            call()
    down = S3Storage("bucket", "", storage_from_config(
        {"UPLOAD_DIR": "s3://bucket", **s3.settings, "S3_ENDPOINT_URL": "http://127.0.0.1:9"}).client)
    with pytest.raises(OSError):  # handled where a full disk is
        down.get("a")
