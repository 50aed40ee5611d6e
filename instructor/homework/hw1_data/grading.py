"""Hidden cases of hw1_data and their references (scikit-learn's StandardScaler, TensorFlow's image
ops, Keras' CenterCrop, closed forms). The grader imports this file from the sources; it never
reaches students, the wheel or a sandbox. `hidden=False` draws the visible cases that
`scripts/build_homework_visible_cases.py` stores in the wheel."""

import numpy as np

from course.homework import specs
from course.homework.engine import Case
from course.homework.hw1_data import TRANSFORMS, tta_model
from course.homework.tasks import held_out


def _images(rng, hidden):
    for _ in range(3 if hidden else 1):
        n, h, w, c = (
            rng.integers(1, 4),
            rng.integers(5, 10),
            rng.integers(5, 10),
            rng.integers(1, 4),
        )
        yield rng.random((n, h, w, c))


def _standardize(rng, hidden=True):
    from sklearn.preprocessing import StandardScaler

    for _ in range(3 if hidden else 1):
        train = rng.normal(rng.normal(0, 5, size=4), rng.uniform(0.5, 3, size=4), size=(20, 4))
        test = rng.normal(size=(6, 4))
        scaler = StandardScaler().fit(train)
        yield Case(
            (train, test),
            (scaler.transform(train), scaler.transform(test)),
            "(train, test) standardised with the training mean and std",
        )


def _one_hot(rng, hidden=True):
    for _ in range(3 if hidden else 1):
        k = int(rng.integers(2, 8))
        y = rng.integers(0, k, size=9)
        yield Case(
            (y, k),
            (y[:, None] == np.arange(k)[None, :]).astype("float64"),
            f"one-hot of {y} with {k} classes",
        )


def _hflip(rng, hidden=True):
    import tensorflow as tf

    for x in _images(rng, hidden):
        yield Case(
            (x,),
            tf.image.flip_left_right(x).numpy(),
            f"horizontal flip of a batch of shape {x.shape}",
        )


def _center_crop(rng, hidden=True):
    import keras

    for i, x in enumerate(_images(rng, hidden)):
        size = int(rng.integers(2, min(x.shape[1:3]) + 1))
        if (
            i == 0 and (x.shape[1] - size) % 2 == 0
        ):  # an odd margin, where rounding the offset matters
            size -= 1
        expected = np.asarray(keras.layers.CenterCrop(size, size)(x.astype("float32")))
        yield Case((x, size), expected, f"center crop to {size}x{size} of shape {x.shape}")


def _mixup(rng, hidden=True):
    for _ in range(3 if hidden else 1):
        lam = float(rng.uniform(0, 1))
        x1, x2 = rng.random((2, 4, 4, 1)), rng.random((2, 4, 4, 1))
        y1, y2 = np.eye(3)[rng.integers(0, 3, 2)], np.eye(3)[rng.integers(0, 3, 2)]
        yield Case(
            (x1, y1, x2, y2, lam),
            (lam * x1 + (1 - lam) * x2, lam * y1 + (1 - lam) * y2),
            f"(mixed images, mixed labels) for lambda={lam:.3f}",
        )


def _tta_average(rng, hidden=True):
    names = sorted(TRANSFORMS)
    for _ in range(3 if hidden else 1):
        x, weights = rng.normal(size=(5, 3, 4)), rng.normal(size=(12, 3))
        chosen = [
            names[i] for i in rng.choice(4, size=int(rng.integers(2, 5)), replace=False)
        ]  # one would hide the mean
        expected = np.mean([tta_model(weights)(TRANSFORMS[t](x)) for t in chosen], axis=0)
        yield Case(
            (
                specs.spec("tta_model", weights=weights),
                x,
                [specs.spec("tta_transform", name=t) for t in chosen],
            ),
            expected,
            f"TTA over {len(chosen)} transforms (average the predictions)",
        )


def _digits_classifier(rng, hidden=True):
    return held_out("digits", 0.95, rng, hidden)


HIDDEN = {
    "data.standardize": _standardize,
    "data.one_hot": _one_hot,
    "data.hflip": _hflip,
    "data.center_crop": _center_crop,
    "data.mixup": _mixup,
    "data.tta_average": _tta_average,
    "data.digits_classifier": _digits_classifier,
}
