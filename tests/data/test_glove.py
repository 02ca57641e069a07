"""GloVe loading: the packaged 50-d set, and GloVe text files generated here."""

import importlib.metadata
import shlex
import subprocess
import sys

import numpy as np
import pytest

from bigmodel_lab.data import DataFileError, chinese, glove


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_text_file_is_read_with_its_dimension_and_word_filter(tmp_path, rng):
    words = ["the", "film", ",", "o'neill", "naïve"]
    matrix = rng.normal(size=(len(words), 4)).astype(np.float32)
    path = _write(
        tmp_path / "g.txt",
        [" ".join([w, *map(repr, map(float, row))]) for w, row in zip(words, matrix, strict=True)],
    )
    vectors = glove.load_glove(path)
    assert vectors.words == words and vectors.dim == 4
    np.testing.assert_array_equal(vectors.vectors, matrix)
    np.testing.assert_array_equal(vectors["naïve"], matrix[4])
    kept = glove.load_glove(path, words={"film", "naïve", "absent"})
    assert kept.words == ["film", "naïve"]
    np.testing.assert_array_equal(kept.vectors, matrix[[1, 4]])
    with pytest.raises(KeyError, match="absent"):
        kept["absent"]


def test_words_containing_spaces_keep_their_last_dim_fields_as_numbers(tmp_path):
    path = _write(tmp_path / "g.txt", ["a 1 2", "new york 3 4"])
    vectors = glove.load_glove(path)
    assert vectors.words == ["a", "new york"]
    np.testing.assert_array_equal(vectors["new york"], [3.0, 4.0])


@pytest.mark.parametrize(
    "lines, dim, message",
    [
        (["a 1 2", "b 3"], None, "line 2 has 1 number"),
        (["a 1 2", "b x 3"], None, "line 2 .*not a number"),
        (["a 1 2"], 3, "line 1 has 2 number"),
    ],
)
def test_malformed_files_are_reported_with_the_line(tmp_path, lines, dim, message):
    with pytest.raises(DataFileError, match=message):
        glove.load_glove(_write(tmp_path / "g.txt", lines), dim=dim)


def test_missing_file_and_impossible_dimension_are_clear_errors(tmp_path):
    with pytest.raises(DataFileError, match="not a file.*glove.6B.zip"):
        glove.load_glove(tmp_path / "glove.6B.100d.txt")
    with pytest.raises(ValueError, match="dim: the packaged GloVe set is 50-d"):
        glove.load_glove(dim=100)


def test_the_packaged_vectors_verify_and_behave_like_glove():
    glove.verify_packaged()
    vectors = glove.load_glove(words={"king", "queen", "banana", "good", "great", "terrible"})
    assert vectors.dim == glove.PACKAGED_DIM and vectors.vectors.dtype == np.float32

    def cos(a, b):
        u, v = vectors[a], vectors[b]
        return float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))

    assert cos("king", "queen") > cos("king", "banana") + 0.3
    assert cos("good", "great") > cos("good", "banana")


def test_a_corrupt_packaged_file_names_the_reinstall(monkeypatch, tmp_path):
    fake = tmp_path / "glove_6B_50d_emb.npy"
    fake.write_bytes(b"not the file")
    real = glove.packaged_paths()
    monkeypatch.setattr(glove, "packaged_paths", lambda: {**real, fake.name: fake})
    with pytest.raises(DataFileError, match="checksum mismatch.*pip install --force-reinstall"):
        glove.load_glove()


@pytest.mark.parametrize("module", [glove, chinese], ids=["glove", "snownlp"])
def test_the_restore_hint_is_a_command_that_reinstalls_into_this_environment(module):
    # before: "(or `make install`)", which does nothing once .venv/.installed exists
    assert "make install" not in module.RESTORE
    command = module.RESTORE.partition(": ")[2]
    argv = shlex.split(command)
    assert argv[:4] == [sys.executable, "-m", "pip", "install"]
    assert "--force-reinstall" in argv and "--no-deps" in argv
    name, _, version = argv[-1].partition("==")
    assert importlib.metadata.version(name) == version  # the pin is what is installed
    pip = subprocess.run(argv[:3] + ["--version"], capture_output=True, text=True, timeout=120)
    assert pip.returncode == 0 and sys.prefix in pip.stdout
