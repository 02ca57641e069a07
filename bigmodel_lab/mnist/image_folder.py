"""Images in class folders, read with PIL: the parts of torchvision that 002 §3.3 uses.

*New business models in the age of large models* §3.3 reads an image-classification data set
with ``torchvision.datasets.ImageFolder`` and the transforms ``Resize``, ``ToTensor`` and
``Normalize``. torchvision cannot be installed beside our pinned torch, so this module provides
the same behaviour on PIL and torch alone:

- :class:`ImageFolder`: ``root/<class>/<image>``; classes are the sub-folder names in sorted
  order, numbered from 0; each image is opened with PIL and converted to RGB, as torchvision's
  default loader does, so a grey-level PNG comes back with three equal channels.
- :class:`Resize` (bilinear, to ``(height, width)``), :class:`ToTensor` (an (H, W, C) image of
  bytes to a float tensor (C, H, W) in [0, 1]), :class:`Normalize` ((x − mean_c) / std_c per
  channel) and :class:`Compose`.
- :func:`write_class_folders`: writes arrays of images into that layout, as PNG files.

An :class:`ImageFolder` is a ``torch.utils.data.Dataset``, so ``torch.utils.data.DataLoader``
batches it as the script does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image

#: File name endings read as images (torchvision's list, less the rarer formats).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def _size_pair(size) -> tuple[int, int]:
    if isinstance(size, int) and not isinstance(size, bool):
        size = (size, size)
    if (
        not isinstance(size, (tuple, list))
        or len(size) != 2
        or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in size)
    ):
        raise ValueError(
            f"size: expected a positive integer or a pair (height, width) of them, got {size!r}."
        )
    return int(size[0]), int(size[1])


class Resize:
    """Resize a PIL image to ``size`` = (height, width) (or a square side), bilinearly.

    Unlike torchvision, an integer means a square of that side, not "shorter side to n".
    """

    def __init__(self, size):
        self.size = _size_pair(size)

    def __call__(self, image: Image.Image) -> Image.Image:
        if not isinstance(image, Image.Image):
            raise TypeError(f"Resize: expected a PIL image, got {type(image).__name__}.")
        height, width = self.size
        return image.resize((width, height), Image.BILINEAR)

    def __repr__(self) -> str:
        return f"Resize({self.size})"


class ToTensor:
    """A PIL image (or a uint8 array (H, W) or (H, W, C)) to a float32 tensor (C, H, W) in [0, 1]."""

    def __call__(self, image) -> torch.Tensor:
        array = np.asarray(image)
        if array.dtype != np.uint8:
            raise TypeError(
                f"ToTensor: expected an image of bytes (uint8), got dtype {array.dtype}."
            )
        if array.ndim == 2:
            array = array[:, :, None]
        if array.ndim != 3:
            raise ValueError(
                f"ToTensor: expected an image (H, W) or (H, W, C), got shape {array.shape}."
            )
        return torch.from_numpy(array.copy()).permute(2, 0, 1).float().div_(255.0)

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize:
    """(x − mean_c) / std_c for each channel c of a tensor (C, H, W)."""

    def __init__(self, mean: Sequence[float], std: Sequence[float]):
        self.mean = torch.as_tensor(mean, dtype=torch.float32).reshape(-1)
        self.std = torch.as_tensor(std, dtype=torch.float32).reshape(-1)
        if self.mean.shape != self.std.shape:
            raise ValueError(
                f"mean and std: expected one value each per channel, got {self.mean.numel()} "
                f"and {self.std.numel()}."
            )
        if not bool((self.std > 0).all()):
            raise ValueError(f"std: expected positive standard deviations, got {std!r}.")

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or x.ndim != 3:
            raise ValueError(
                "Normalize: expected a tensor (C, H, W) (apply ToTensor first), got "
                f"{type(x).__name__} of shape {tuple(getattr(x, 'shape', ()))}."
            )
        if x.shape[0] != self.mean.numel():
            raise ValueError(
                f"Normalize: the image has {x.shape[0]} channels, but mean and std give "
                f"{self.mean.numel()}."
            )
        return (x - self.mean[:, None, None]) / self.std[:, None, None]

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean.tolist()}, std={self.std.tolist()})"


class Compose:
    """Apply ``transforms`` in order."""

    def __init__(self, transforms: Sequence[Callable]):
        self.transforms = list(transforms)
        for t in self.transforms:
            if not callable(t):
                raise TypeError(f"Compose: expected callables, got {t!r}.")

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self) -> str:
        return f"Compose({self.transforms})"


class ImageFolder(torch.utils.data.Dataset):
    """The images under ``root/<class>/``, labelled by their folder: (transform(image), label).

    ``classes`` are the sub-folder names sorted, ``class_to_idx`` numbers them from 0, and
    ``samples`` lists (path, label) sorted by class, then by file name.
    """

    def __init__(self, root, transform: Callable | None = None):
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(
                f"ImageFolder: {self.root} is not a folder; expected root/<class>/<image> files."
            )
        self.classes = sorted(p.name for p in self.root.iterdir() if p.is_dir())
        if not self.classes:
            raise FileNotFoundError(
                f"ImageFolder: {self.root} has no class sub-folders; expected root/<class>/<image>."
            )
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}
        self.samples = []
        for name in self.classes:
            files = sorted(
                p
                for p in (self.root / name).iterdir()
                if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
            )
            if not files:
                raise FileNotFoundError(
                    f"ImageFolder: class folder {self.root / name} holds no image "
                    f"({', '.join(IMAGE_SUFFIXES)}); remove it or add images."
                )
            self.samples.extend((p, self.class_to_idx[name]) for p in files)
        self.targets = [label for _, label in self.samples]
        self.transform = transform

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int):
        path, label = self.samples[index]
        with Image.open(path) as image:
            image = image.convert("RGB")
        if self.transform is not None:
            image = self.transform(image)
        return image, label


def write_class_folders(root, images, labels, *, class_names=None) -> int:
    """Write each image (uint8, (N, H, W) or (N, H, W, 3)) as ``root/<class>/<index>.png``.

    ``class_names[label]`` names a label's folder (default: the label itself, as text).
    Returns the number of files written.
    """
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.dtype != np.uint8 or images.ndim not in (3, 4):
        raise ValueError(
            f"images: expected uint8 images (N, H, W) or (N, H, W, 3), got dtype {images.dtype} "
            f"and shape {images.shape}."
        )
    if labels.shape != (images.shape[0],):
        raise ValueError(
            f"labels: expected one label per image, {images.shape[0]}, got shape {labels.shape}."
        )
    root = Path(root)
    for i, (image, label) in enumerate(zip(images, labels, strict=True)):
        name = str(label) if class_names is None else class_names[int(label)]
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(folder / f"{i:05d}.png")
    return int(images.shape[0])
