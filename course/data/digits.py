"""scikit-learn's handwritten digits (1797 real 8x8 images, shipped with scikit-learn): the
course's default dataset, because it needs no download and trains in seconds on a CPU."""
import numpy as np

from course import config
from course.data.split import split_arrays
from course.validation import check_number


def load_digits(image_size=8, val_fraction=0.15, test_fraction=0.15, seed=0, max_samples=None):
    """Digits as float32 images in [0, 1] of shape (image_size, image_size, 1), integer labels.

    `image_size` > 8 upsamples bilinearly (e.g. 28 to stand in for MNIST). In fast mode
    `max_samples` defaults to 600 so notebooks train quickly; pass it to override.
    """
    from sklearn.datasets import load_digits as sk_load_digits

    check_number("image_size", image_size, 8, integer=True)
    bunch = sk_load_digits()
    x = (bunch.images / 16.0).astype("float32")[..., None]
    y = bunch.target.astype("int64")
    limit = max_samples if max_samples is not None else config.pick(None, 600)
    if limit is not None:
        check_number("max_samples", limit, 30, integer=True)
        keep = np.random.default_rng(seed).permutation(len(x))[:limit]
        x, y = x[keep], y[keep]
    if image_size != 8:
        import tensorflow as tf

        x = tf.image.resize(x, (image_size, image_size), method="bilinear").numpy()
    return split_arrays(x, y, val_fraction, test_fraction, seed, class_names=[str(d) for d in range(10)])
