"""Test-time augmentation: average a model's predictions over augmented copies of each input
(the untouched input is always one of the copies)."""

import numpy as np

from course.validation import check_examples, check_model, check_number, check_same_length


def default_tta_transform(seed=0):
    """Mild geometric jitter (no flip: it would change digits): +-9 deg, +-5 % zoom and shift."""
    from course.augment.geometric import FusedGeometric

    return FusedGeometric(
        flip=None, rotation=0.05, zoom=0.1, translation=0.1, fill_mode="nearest", seed=seed
    )


def tta_predict(model, x, n=8, transforms=None, batch_size=256, seed=0):
    """Mean predicted probabilities over `n` copies: the identity plus n - 1 augmented ones.

    `transforms` is one random layer (applied n - 1 times with fresh draws) or a list of layers
    (each used once, so n = len(list) + 1, e.g. deterministic flips); None uses
    `default_tta_transform`. The model must output probabilities.
    """
    check_number("n", n, 1, integer=True)
    check_number("batch_size", batch_size, 1, integer=True)
    check_model("model", model)
    x = np.asarray(check_examples("x", x, ndim=4, allow_empty=True))
    if len(x) == 0:
        raise ValueError(f"x must be a non-empty batch of images, got shape {x.shape}")
    if transforms is None:
        transforms = default_tta_transform(seed)
    layers = list(transforms) if isinstance(transforms, (list, tuple)) else [transforms] * (n - 1)
    for layer in layers:
        if not callable(layer):
            raise TypeError(
                "transforms must be None, a random layer or a list of layers (callables), "
                f"got {type(layer).__name__} {layer!r}"
            )
    total = np.asarray(model.predict(x, batch_size=batch_size, verbose=0), dtype="float64")
    for layer in layers:
        copies = np.concatenate(
            [
                np.asarray(layer(x[i : i + batch_size], training=True))
                for i in range(0, len(x), batch_size)
            ]
        )
        total += model.predict(copies.astype(x.dtype), batch_size=batch_size, verbose=0)
    return (total / (len(layers) + 1)).astype("float32")


def tta_gain(model, x, y, n=8, transforms=None, seed=0):
    """(plain accuracy, TTA accuracy) on integer labels `y`."""
    check_model("model", model)
    x = check_examples("x", x, ndim=4)
    y = check_examples("y", y, ndim=(1, 2)).reshape(-1)  # (n,) or (n, 1) integer labels
    check_same_length("x", x=x, y=y)
    plain = float(np.mean(np.argmax(model.predict(x, verbose=0), axis=-1) == y))
    tta = float(np.mean(np.argmax(tta_predict(model, x, n, transforms, seed=seed), axis=-1) == y))
    return plain, tta
