"""The offline transfer tasks: digits as 32x32 RGB images, split by class.

The backbone in data/ is pretrained on digits 0-4; digits 5-9 are a small, similar target and
synthetic shapes (`course.data.load_shapes`) a small, different one.
"""
import numpy as np

from course.data import load_digits
from course.data.split import split_arrays


def digits_rgb(classes=range(10), max_samples=None, seed=0):
    """Digits of the given classes, upsampled to 32x32 and repeated to RGB, relabelled 0..k-1."""
    classes = list(classes)
    full = load_digits(image_size=32, max_samples=max_samples, seed=seed, val_fraction=0.1, test_fraction=0.1)
    x = np.concatenate([full.x_train, full.x_val, full.x_test])
    y = np.concatenate([full.y_train, full.y_val, full.y_test])
    keep = np.isin(y, classes)
    relabel = {c: i for i, c in enumerate(classes)}
    x = np.repeat(x[keep], 3, axis=-1)
    y = np.array([relabel[v] for v in y[keep]], dtype="int64")
    return split_arrays(x, y, 0.15, 0.15, seed, class_names=[str(c) for c in classes])
