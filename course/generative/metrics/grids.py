"""Sample grids written to PNG, once or every few epochs of training."""

import os
from pathlib import Path

import keras
import numpy as np

from course.generative.metrics.reference import check_images
from course.validation import check_number, check_type


def save_image_grid(images, path, labels=None, ncols=8, title=None):
    """Write images (in [0, 1]) as one PNG grid headed by `title`; returns the path."""
    import matplotlib.pyplot as plt

    from course.viz import image_grid

    fig = image_grid(check_images(images), labels=labels, ncols=ncols, title=title)
    for ax in fig.axes:
        for img in ax.get_images():
            img.set_clim(0.0, 1.0)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


class SampleGridCallback(keras.callbacks.Callback):
    """Draw samples every `every` epochs: kept in `samples` ({epoch: images}, to show how they
    change over training) and saved as a PNG grid (``epoch_003.png``, ...) under `directory`
    unless it is None.

    `sample_fn(model)` returns images in [0, 1]; by default the model's
    ``generate(num_samples, labels=labels, seed=seed)`` is called, the convention the course's
    generative models follow. The same seed every epoch shows one fixed set of latent vectors
    evolving. `paths` lists the files written.
    """

    def __init__(
        self, directory, every=1, num_samples=16, labels=None, seed=0, sample_fn=None, ncols=8
    ):
        super().__init__()
        check_number("every", every, 1, integer=True)
        check_number("num_samples", num_samples, 1, integer=True)
        self.labels = None if labels is None else np.asarray(labels).reshape(-1)
        if self.labels is not None and len(self.labels) != num_samples:
            raise ValueError(
                f"labels must hold num_samples={num_samples} entries, got {len(self.labels)}"
            )
        if directory is not None:
            check_type("directory", directory, (str, os.PathLike), "None or a folder path")
        self.directory = None if directory is None else Path(directory)
        self.every, self.num_samples, self.seed, self.ncols = every, num_samples, seed, ncols
        self.sample_fn = sample_fn
        self.paths, self.samples = [], {}

    def _samples(self):
        if self.sample_fn is not None:
            return self.sample_fn(self.model)
        if not hasattr(self.model, "generate"):
            raise TypeError(f"{type(self.model).__name__} has no generate(); pass sample_fn")
        kwargs = {"seed": self.seed}
        if self.labels is not None:
            kwargs["labels"] = self.labels
        return self.model.generate(self.num_samples, **kwargs)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        images = self.samples[epoch + 1] = np.asarray(self._samples())
        if self.directory is not None:
            path = self.directory / f"epoch_{epoch + 1:03d}.png"
            self.paths.append(
                save_image_grid(images, path, self.labels, self.ncols, f"epoch {epoch + 1}")
            )
