"""The IMDb loader on a tiny aclImdb-shaped tree generated here; the "download" is a file://
URL to a generated archive, so the network is never touched."""

import hashlib
import io
import tarfile

import pytest

from bigmodel_lab.data import DataFileError, imdb

TREE = {
    ("train", "pos"): {
        "3_8.txt": "Great.<br /><br />Loved it",
        "10_9.txt": "superb",
        "7_7.txt": "ok",
    },
    ("train", "neg"): {"2_1.txt": "awful", "11_3.txt": "bad", "5_2.txt": "meh"},
    ("test", "pos"): {"0_10.txt": "wow", "1_7.txt": "nice", "4_8.txt": "fun"},
    ("test", "neg"): {"9_4.txt": "boring", "6_1.txt": "worst", "8_2.txt": "dull"},
}


def _make_tree(root):
    for (split, sub), files in TREE.items():
        folder = root / "aclImdb" / split / sub
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    return root


def _make_archive(path, with_top=True):
    with tarfile.open(path, "w:gz") as tar:
        for (split, sub), files in TREE.items():
            for name, text in files.items():
                data = text.encode()
                prefix = "aclImdb/" if with_top else ""
                info = tarfile.TarInfo(f"{prefix}{split}/{sub}/{name}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def test_load_orders_by_id_and_reads_labels_and_ratings(tmp_path):
    _make_tree(tmp_path)
    data = imdb.load_imdb("train", tmp_path, expected_per_class=3)
    # negatives first, each class in order of the numeric id (2 < 5 < 11, 3 < 7 < 10)
    assert data.texts == ["awful", "meh", "bad", "Great.<br /><br />Loved it", "ok", "superb"]
    assert data.labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert data.info["ratings"].tolist() == [1, 2, 3, 8, 7, 9]
    assert (data.info["ratings"][data.labels == 1] >= 7).all()


def test_an_incomplete_tree_is_refused_with_the_fetch_command(tmp_path):
    _make_tree(tmp_path)
    with pytest.raises(DataFileError, match="3 reviews, expected 12500.*fetch --imdb"):
        imdb.load_imdb("test", tmp_path)
    (tmp_path / "aclImdb" / "test" / "neg" / "notes.md").write_text("x")
    with pytest.raises(DataFileError, match="unexpected file name"):
        imdb.load_imdb("test", tmp_path, expected_per_class=None)
    with pytest.raises(DataFileError, match="folder is missing"):
        imdb.load_imdb("train", tmp_path / "elsewhere", expected_per_class=None)
    with pytest.raises(ValueError, match="split: expected one of"):
        imdb.load_imdb("unsup", tmp_path)


def test_fetch_verifies_unpacks_and_skips_when_present(tmp_path, monkeypatch):
    archive, digest = _make_archive(tmp_path / "source.tar.gz")
    root = tmp_path / "cache"
    target = imdb.fetch_imdb(root, url=archive.as_uri(), expected_sha256=digest)
    assert target == root / "aclImdb" and (target / imdb.MARKER).is_file()
    assert len(imdb.load_imdb("test", root, expected_per_class=3)) == 6

    def no_network(url, dest):
        raise AssertionError("fetch_imdb downloaded although the tree is complete")

    monkeypatch.setattr(imdb, "_download", no_network)
    assert imdb.fetch_imdb(root, url=archive.as_uri(), expected_sha256=digest) == target


def test_a_download_with_the_wrong_checksum_is_deleted(tmp_path):
    archive, _ = _make_archive(tmp_path / "source.tar.gz")
    root = tmp_path / "cache"
    with pytest.raises(DataFileError, match="sha256 .* expected 0{64}; it was deleted"):
        imdb.fetch_imdb(root, url=archive.as_uri(), expected_sha256="0" * 64)
    assert not (root / "aclImdb_v1.tar.gz").exists()
    assert not (root / "aclImdb").exists()


def test_an_archive_without_the_top_folder_leaves_nothing_behind(tmp_path):
    archive, digest = _make_archive(tmp_path / "source.tar.gz", with_top=False)
    root = tmp_path / "cache"
    with pytest.raises(DataFileError, match="no top-level aclImdb"):
        imdb.fetch_imdb(root, url=archive.as_uri(), expected_sha256=digest)
    assert not (root / "aclImdb").exists()
    assert [p.name for p in root.iterdir()] == ["aclImdb_v1.tar.gz"]


def test_an_unreachable_url_gives_a_clear_error(tmp_path):
    with pytest.raises(DataFileError, match="could not download"):
        imdb.fetch_imdb(tmp_path, url=(tmp_path / "absent.tar.gz").as_uri())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("modern", [True, False])
def test_members_escaping_the_folder_are_refused(tmp_path, monkeypatch, modern):
    if not modern:
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    path = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    dest = tmp_path / "dest"
    dest.mkdir()
    with tarfile.open(path) as tar, pytest.raises((DataFileError, tarfile.TarError)):
        imdb._safe_extract(tar, dest)
    assert not (tmp_path / "outside.txt").exists()


def test_a_tree_the_project_did_not_unpack_is_never_deleted(tmp_path, monkeypatch):
    archive, digest = _make_archive(tmp_path / "source.tar.gz")
    root = _make_tree(tmp_path / "cache")  # unpacked by hand: no marker file
    notes = root / "aclImdb" / "my_notes.txt"
    notes.write_text("three weeks of annotations")

    def no_network(url, dest):
        raise AssertionError("fetch_imdb downloaded before refusing")

    monkeypatch.setattr(imdb, "_download", no_network)
    for force in (False, True):
        with pytest.raises(DataFileError, match=r"was not unpacked by bigmodel_lab.*mv .*\.mine"):
            imdb.fetch_imdb(root, url=archive.as_uri(), expected_sha256=digest, force=force)
    assert notes.read_text() == "three weeks of annotations"
    assert len(imdb.load_imdb("train", root, expected_per_class=3)) == 6


def test_force_replaces_a_tree_the_project_unpacked(tmp_path):
    archive, digest = _make_archive(tmp_path / "source.tar.gz")
    root = tmp_path / "cache"
    target = imdb.fetch_imdb(root, url=archive.as_uri(), expected_sha256=digest)
    (target / "train" / "pos" / "3_8.txt").write_text("tampered")
    assert imdb.fetch_imdb(root, url=archive.as_uri(), expected_sha256=digest, force=True) == target
    assert (target / "train" / "pos" / "3_8.txt").read_text() == "Great.<br /><br />Loved it"
    assert sorted(p.name for p in root.iterdir()) == ["aclImdb", "aclImdb_v1.tar.gz"]
