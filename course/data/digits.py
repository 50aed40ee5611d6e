"""scikit-learn's handwritten digits (1797 real 8x8 images, shipped with scikit-learn): the
course's default dataset, because it needs no download and trains in seconds on a CPU.

`digits_rgb` is the offline transfer-learning task built from them: 32x32 RGB digits split by
class. The backbone in data/ is pretrained on digits 0-4; digits 5-9 are a small, similar target
and synthetic shapes (`load_shapes`) a small, different one."""

import numpy as np

from course.data.split import split_arrays
from course.profiles import profile
from course.validation import check_number, check_seed


def load_digits(image_size=8, val_fraction=0.15, test_fraction=0.15, seed=0, max_samples=None):
    """Digits as float32 images in [0, 1] of shape (image_size, image_size, 1), integer labels.

    `image_size` > 8 upsamples bilinearly (e.g. 28 to stand in for MNIST). `max_samples`
    defaults to the run profile's ``digits.max_samples`` (all digits; a subset in fast mode, so
    notebooks train quickly); pass it to override.
    """
    from sklearn.datasets import load_digits as sk_load_digits

    check_number("image_size", image_size, 8, integer=True)
    check_seed(seed)
    bunch = sk_load_digits()
    x = (bunch.images / 16.0).astype("float32")[..., None]
    y = bunch.target.astype("int64")
    limit = max_samples if max_samples is not None else profile().digits.max_samples
    if limit is not None:
        check_number("max_samples", limit, 30, integer=True)
        keep = np.random.default_rng(seed).permutation(len(x))[:limit]
        x, y = x[keep], y[keep]
    if image_size != 8:
        import tensorflow as tf

        x = tf.image.resize(x, (image_size, image_size), method="bilinear").numpy()
    return split_arrays(
        x, y, val_fraction, test_fraction, seed, class_names=[str(d) for d in range(10)]
    )


def digits_rgb(classes=range(10), max_samples=None, seed=0):
    """Digits of the given classes, upsampled to 32x32 and repeated to RGB, relabelled 0..k-1."""
    classes = list(classes)
    for digit in classes:
        check_number("classes", digit, 0, 9, integer=True)
    if len(set(classes)) < 2:
        raise ValueError(f"classes must hold at least two different digits, got {classes}")
    full = load_digits(
        image_size=32, max_samples=max_samples, seed=seed, val_fraction=0.1, test_fraction=0.1
    )
    x = np.concatenate([full.x_train, full.x_val, full.x_test])
    y = np.concatenate([full.y_train, full.y_val, full.y_test])
    keep = np.isin(y, classes)
    relabel = {c: i for i, c in enumerate(classes)}
    x = np.repeat(x[keep], 3, axis=-1)
    y = np.array([relabel[v] for v in y[keep]], dtype="int64")
    return split_arrays(x, y, 0.15, 0.15, seed, class_names=[str(c) for c in classes])
