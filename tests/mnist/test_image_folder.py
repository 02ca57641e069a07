"""The class-folder loader and PIL transforms (bigmodel_lab.mnist.image_folder)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from bigmodel_lab.mnist.image_folder import (
    Compose,
    ImageFolder,
    Normalize,
    Resize,
    ToTensor,
    write_class_folders,
)


def random_digits(n, seed, side=12):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, side, side), dtype=np.uint8), rng.integers(0, 4, n)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_written_images_come_back_exactly_with_their_labels(tmp_path, seed):
    images, labels = random_digits(30, seed)
    assert write_class_folders(tmp_path, images, labels) == 30
    data = ImageFolder(tmp_path, transform=ToTensor())
    assert len(data) == 30
    assert data.classes == sorted({str(v) for v in labels})
    # files are grouped by class, so map each read image back to its written index by name
    for i, (path, label) in enumerate(data.samples):
        k = int(path.stem)
        x, y = data[i]
        assert data.classes[y] == str(labels[k]) and label == y
        assert x.shape == (3, 12, 12) and x.dtype == torch.float32
        expected = torch.from_numpy(images[k]).float() / 255
        for c in range(3):  # grey PNGs are converted to RGB, three equal channels
            assert torch.equal(x[c], expected)


def test_classes_are_sorted_names_and_class_names_name_the_folders(tmp_path):
    images, _ = random_digits(6, 0)
    write_class_folders(tmp_path, images, np.array([1, 0, 1, 0, 1, 1]), class_names=["cat", "dog"])
    data = ImageFolder(tmp_path)
    assert data.classes == ["cat", "dog"] and data.class_to_idx == {"cat": 0, "dog": 1}
    assert data.targets == [0, 0, 1, 1, 1, 1]
    image, label = data[0]
    assert isinstance(image, Image.Image) and image.mode == "RGB" and label == 0


def test_a_data_loader_batches_the_folder(tmp_path):
    images, labels = random_digits(10, 3)
    write_class_folders(tmp_path, images, labels)
    loader = torch.utils.data.DataLoader(
        ImageFolder(tmp_path, transform=ToTensor()), batch_size=4, shuffle=False
    )
    shapes = [tuple(x.shape) for x, _ in loader]
    assert shapes == [(4, 3, 12, 12), (4, 3, 12, 12), (2, 3, 12, 12)]


@pytest.mark.parametrize("size, expected", [(7, (7, 7)), ((5, 9), (5, 9)), ([20, 3], (20, 3))])
def test_resize_gives_height_by_width(size, expected):
    image = Image.fromarray(np.zeros((12, 16), dtype=np.uint8))
    out = ToTensor()(Resize(size)(image))
    assert tuple(out.shape[1:]) == expected


def test_resize_keeps_a_constant_image_constant():
    image = Image.fromarray(np.full((10, 10, 3), 77, dtype=np.uint8))
    out = ToTensor()(Resize(31)(image))
    assert torch.allclose(out, torch.full_like(out, 77 / 255), atol=1e-7)


@pytest.mark.parametrize("seed", [0, 1])
def test_normalize_is_per_channel_standardisation(seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(3, 5, 4, generator=g)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    out = Normalize(mean, std)(x)
    for c in range(3):
        assert torch.allclose(out[c], (x[c] - mean[c]) / std[c], atol=1e-6)


def test_compose_applies_in_order():
    image = Image.fromarray(np.full((4, 4), 255, dtype=np.uint8))
    out = Compose([Resize(2), ToTensor(), Normalize([0.5], [0.5])])(image)
    assert tuple(out.shape) == (1, 2, 2) and torch.allclose(out, torch.ones(1, 2, 2))


def test_bad_input_is_refused_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a folder"):
        ImageFolder(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="no class sub-folders"):
        ImageFolder(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="holds no image"):
        ImageFolder(tmp_path)
    with pytest.raises(ValueError, match="size"):
        Resize(0)
    with pytest.raises(ValueError, match="size"):
        Resize((3, 4, 5))
    with pytest.raises(TypeError, match="PIL image"):
        Resize(3)(np.zeros((4, 4)))
    with pytest.raises(TypeError, match="uint8"):
        ToTensor()(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="one value each per channel"):
        Normalize([0.5, 0.5], [0.2])
    with pytest.raises(ValueError, match="positive"):
        Normalize([0.5], [0.0])
    with pytest.raises(ValueError, match="channels"):
        Normalize([0.5, 0.5, 0.5], [1, 1, 1])(torch.zeros(1, 2, 2))
    with pytest.raises(ValueError, match="labels"):
        write_class_folders(tmp_path / "w", np.zeros((3, 4, 4), np.uint8), [0, 1])
    with pytest.raises(ValueError, match="uint8"):
        write_class_folders(tmp_path / "w", np.zeros((3, 4, 4)), [0, 1, 2])
