"""A class-per-subfolder image directory read by a `keras.utils.PyDataset`: the Keras
counterpart of a PyTorch `Dataset` (`__len__`/`__getitem__`) plus `DataLoader` (batching,
shuffling, worker threads or processes)."""

import math
import os
from pathlib import Path

import keras
import numpy as np

from course.data._sizes import size_pair
from course.validation import (
    check_choice,
    check_examples,
    check_number,
    check_same_length,
    check_type,
)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def write_image_folder(root, x, y, class_names=None, fmt="png"):
    """Write images x (N, H, W[, C]) in [0, 1] as ``root/<class>/<index>.<fmt>``; returns root.

    The counterpart of `ImageFolderDataset` (and of `keras.utils.image_dataset_from_directory`).
    """
    from PIL import Image

    check_choice("fmt", fmt, ("png", "jpg", "bmp"))
    check_type("root", root, (str, os.PathLike), "a folder path (str or os.PathLike)")
    x = check_examples("x", x, ndim=(3, 4))
    y = check_examples("y", y, ndim=1)
    check_same_length("x", x=x, y=y)
    names = (
        list(class_names) if class_names is not None else [str(c) for c in range(int(y.max()) + 1)]
    )
    root = Path(root)
    for index, (image, label) in enumerate(zip(x, y)):
        folder = root / names[int(label)]
        folder.mkdir(parents=True, exist_ok=True)
        pixels = np.round(np.clip(image, 0.0, 1.0) * 255).astype("uint8")
        pixels = pixels[..., 0] if pixels.ndim == 3 and pixels.shape[-1] == 1 else pixels
        Image.fromarray(pixels).save(folder / f"{index:05d}.{fmt}")
    return root


class ImageFolderDataset(keras.utils.PyDataset):
    """Batches (images float32 in [0, 1], int labels) from ``root/<class>/*.png``.

    Classes are the sorted subfolder names. `__len__` is the number of batches, `__getitem__`
    loads one batch from disk, `on_epoch_end` reshuffles (seeded) when `shuffle` is set.
    `workers`/`use_multiprocessing`/`max_queue_size` go to `PyDataset`: `model.fit` then loads
    batches in parallel threads or processes, like `DataLoader(num_workers=...)`.
    """

    def __init__(
        self,
        root,
        batch_size=32,
        image_size=None,
        color_mode="rgb",
        shuffle=True,
        seed=0,
        workers=1,
        use_multiprocessing=False,
        max_queue_size=10,
    ):
        check_number("batch_size", batch_size, 1, integer=True)
        check_choice("color_mode", color_mode, ("rgb", "grayscale"))
        check_type("root", root, (str, os.PathLike), "a folder path (str or os.PathLike)")
        if not Path(root).is_dir():
            raise ValueError(f"root must be an existing directory, got {str(root)!r}")
        super().__init__(
            workers=workers, use_multiprocessing=use_multiprocessing, max_queue_size=max_queue_size
        )
        self.color_mode, self.root = color_mode, Path(root)
        self.class_names = tuple(sorted(p.name for p in self.root.iterdir() if p.is_dir()))
        if not self.class_names:
            raise ValueError(f"root {str(root)!r} has no class subfolders")
        self.paths, labels = [], []
        for label, name in enumerate(self.class_names):
            files = sorted(
                p for p in (self.root / name).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
            )
            self.paths += files
            labels += [label] * len(files)
        self.labels = np.asarray(labels, dtype="int64")
        self.batch_size = batch_size
        self.image_size = None if image_size is None else size_pair(image_size)
        self.shuffle = shuffle
        self._rng = np.random.default_rng(seed)
        self.order = (
            self._rng.permutation(len(self.paths)) if shuffle else np.arange(len(self.paths))
        )

    def __len__(self):
        return math.ceil(len(self.paths) / self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        images = np.stack([self._load(self.paths[i]) for i in rows])
        return images, self.labels[rows]

    def on_epoch_end(self):
        if self.shuffle:
            self.order = self._rng.permutation(len(self.paths))

    def _load(self, path):
        from PIL import Image

        with Image.open(path) as image:
            image = image.convert("RGB" if self.color_mode == "rgb" else "L")
            if self.image_size is not None and image.size != self.image_size[::-1]:
                image = image.resize(self.image_size[::-1], Image.Resampling.BILINEAR)
            pixels = np.asarray(image, dtype="float32") / 255.0
        return pixels if pixels.ndim == 3 else pixels[..., None]
