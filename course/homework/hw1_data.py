"""Questions of assignment hw1_data: data preparation, augmentation and test-time augmentation.

References: scikit-learn's StandardScaler, TensorFlow's image ops, closed forms.
"""
import numpy as np

from course.homework import specs
from course.homework.engine import Case, question
from course.homework.tasks import held_out


def _images(rng, hidden):
    for _ in range(3 if hidden else 1):
        n, h, w, c = rng.integers(1, 4), rng.integers(5, 10), rng.integers(5, 10), rng.integers(1, 4)
        yield rng.random((n, h, w, c))


@question("data.standardize", points=2, scratch=True, blocked=("sklearn",))
def _standardize(rng, hidden):
    from sklearn.preprocessing import StandardScaler

    for _ in range(3 if hidden else 1):
        train = rng.normal(rng.normal(0, 5, size=4), rng.uniform(0.5, 3, size=4), size=(20, 4))
        test = rng.normal(size=(6, 4))
        scaler = StandardScaler().fit(train)
        yield Case((train, test), (scaler.transform(train), scaler.transform(test)),
                   "(train, test) standardised with the training mean and std")


@question("data.one_hot", points=1, scratch=True)
def _one_hot(rng, hidden):
    for _ in range(3 if hidden else 1):
        k = int(rng.integers(2, 8))
        y = rng.integers(0, k, size=9)
        yield Case((y, k), (y[:, None] == np.arange(k)[None, :]).astype("float64"), f"one-hot of {y} with {k} classes")


@question("data.hflip", points=1, scratch=True)
def _hflip(rng, hidden):
    import tensorflow as tf

    for x in _images(rng, hidden):
        yield Case((x,), tf.image.flip_left_right(x).numpy(), f"horizontal flip of a batch of shape {x.shape}")


@question("data.center_crop", points=2, scratch=True)
def _center_crop(rng, hidden):
    import keras

    for i, x in enumerate(_images(rng, hidden)):
        size = int(rng.integers(2, min(x.shape[1:3]) + 1))
        if i == 0 and (x.shape[1] - size) % 2 == 0:  # an odd margin, where rounding the offset matters
            size -= 1
        expected = np.asarray(keras.layers.CenterCrop(size, size)(x.astype("float32")))
        yield Case((x, size), expected, f"center crop to {size}x{size} of shape {x.shape}")


@question("data.mixup", points=2, scratch=True)
def _mixup(rng, hidden):
    for _ in range(3 if hidden else 1):
        lam = float(rng.uniform(0, 1))
        x1, x2 = rng.random((2, 4, 4, 1)), rng.random((2, 4, 4, 1))
        y1, y2 = np.eye(3)[rng.integers(0, 3, 2)], np.eye(3)[rng.integers(0, 3, 2)]
        yield Case((x1, y1, x2, y2, lam), (lam * x1 + (1 - lam) * x2, lam * y1 + (1 - lam) * y2),
                   f"(mixed images, mixed labels) for lambda={lam:.3f}")


@specs.builder("tta_model")
def _tta_model(weights):
    """A linear softmax classifier on flattened images: the `predict` that TTA averages."""
    weights = np.asarray(weights)

    def predict(x):
        logits = np.asarray(x).reshape(len(x), -1) @ weights
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return predict


TRANSFORMS = {"identity": lambda x: x, "flip_width": lambda x: x[:, :, ::-1],
              "roll_height": lambda x: np.roll(x, 1, axis=1), "flip_height": lambda x: x[:, ::-1]}


@specs.builder("tta_transform")
def _tta_transform(name):
    """One of the TTA transforms, by name."""
    return TRANSFORMS[name]


@question("data.tta_average", points=2, scratch=True)
def _tta_average(rng, hidden):
    names = sorted(TRANSFORMS)
    for _ in range(3 if hidden else 1):
        x, weights = rng.normal(size=(5, 3, 4)), rng.normal(size=(12, 3))
        chosen = [names[i] for i in rng.choice(4, size=int(rng.integers(2, 5)), replace=False)]  # one would hide the mean
        expected = np.mean([_tta_model(weights)(TRANSFORMS[t](x)) for t in chosen], axis=0)
        yield Case((specs.spec("tta_model", weights=weights), x,
                    [specs.spec("tta_transform", name=t) for t in chosen]),
                   expected, f"TTA over {len(chosen)} transforms (average the predictions)")


@question("data.digits_classifier", points=4, probe="model")
def _digits_classifier(rng, hidden):
    return held_out("digits", 0.95, rng, hidden)
