"""Solutions to the exercises of notebooks/session02/02_augmentation_and_tta.ipynb, each written as
a test that asserts the outcome the exercise asks the student to predict or find."""

import keras
import numpy as np
import pytest

from course import augment, data
from course.models import compile_classifier, small_cnn
from course.profiles import profile


def tta_by_hand(model, x, n, transform):
    """The notebook's inline TTA, extended by exercise 4: `transform` may be a list of layers."""
    layers = list(transform) if isinstance(transform, (list, tuple)) else [transform] * (n - 1)
    total = model.predict(x, verbose=0).astype("float64")
    for layer in layers:
        total += model.predict(np.asarray(layer(x, training=True)), verbose=0)
    return total / (len(layers) + 1)


@pytest.fixture(scope="module")
def split():
    return data.load_digits(image_size=16)


@pytest.fixture(scope="module")
def baseline(split):
    """The notebook's section-4 baseline (fast-mode epochs)."""
    keras.utils.set_random_seed(0)
    model = compile_classifier(small_cnn(split.input_shape, split.num_classes), learning_rate=3e-3)
    model.fit(
        split.x_train,
        split.y_train,
        epochs=profile().augmentation_tta.epochs,
        batch_size=32,
        verbose=0,
    )
    return model


@pytest.mark.parametrize("size, crop, outcomes", [(3, 2, 4), (4, 2, 9), (5, 3, 9), (4, 1, 16)])
def test_exercise1_a_random_crop_has_one_outcome_per_position(size, crop, outcomes):
    image = np.arange(size * size, dtype="float32").reshape(1, size, size, 1)
    layer = keras.layers.RandomCrop(crop, crop, seed=0)
    drawn = {np.asarray(layer(image, training=True)).tobytes() for _ in range(200)}
    assert len(drawn) == outcomes == (size - crop + 1) ** 2


def test_exercise2_one_test_image_is_worth_100_over_n_points():
    assert profile().digits.max_samples == 600  # the root conftest sets COURSE_FAST=1
    fast = data.load_digits(image_size=16).sizes[2]
    full = data.load_digits(image_size=16, max_samples=1797).sizes[2]
    assert (fast, full) == (90, 270)  # 15 % of 600 and of 1,797
    assert 100 / fast == pytest.approx(1.11, abs=0.01) and 100 / full == pytest.approx(
        0.37, abs=0.01
    )
    standard_error = {n: 100 * np.sqrt(0.95 * 0.05 / n) for n in (fast, full)}
    assert standard_error[fast] == pytest.approx(2.3, abs=0.05)
    assert standard_error[full] == pytest.approx(1.33, abs=0.01)


def test_exercise3_mirrored_digits_break_the_model_identity_copies_change_nothing(split, baseline):
    def accuracy(x):
        return float(np.mean(baseline.predict(x, verbose=0).argmax(-1) == split.y_test))

    clean, mirrored = accuracy(split.x_test), accuracy(split.x_test[:, :, ::-1])
    assert clean > 0.85 and mirrored < clean - 0.3  # a mirrored digit is mostly not the same digit
    plain, tta = augment.tta_gain(
        baseline, split.x_test, split.y_test, transforms=[keras.layers.Identity()] * 3
    )
    assert (
        tta == plain == pytest.approx(clean)
    )  # four identical copies average to the plain prediction


def test_exercise4_tta_by_hand_with_a_list_matches_the_library(split, baseline):
    shifts = [augment.FusedGeometric(flip=None, translation=(t, t)) for t in (0.125, -0.125)]
    x = split.x_test
    ours = tta_by_hand(baseline, x, 3, shifts)
    np.testing.assert_allclose(ours, augment.tta_predict(baseline, x, transforms=shifts), atol=1e-5)
    # the shifts are one pixel each way, and they do change the average
    one = np.zeros((1, 16, 16, 1), "float32")
    one[0, 8, 8, 0] = 1.0
    assert [tuple(np.argwhere(np.asarray(s(one))[0, ..., 0] > 0.5)[0]) for s in shifts] == [
        (9, 9),
        (7, 7),
    ]
    assert not np.allclose(ours, baseline.predict(x, verbose=0), atol=1e-3)
