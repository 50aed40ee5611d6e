"""Error analysis: perturbations against closed forms and Keras, sweeps, confusion, the report."""

import keras
import numpy as np
import pytest
from scipy.ndimage import gaussian_filter
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from course.analysis import (
    PERTURBATIONS,
    add_noise,
    blur,
    compare_robustness,
    confusion_matrix,
    error_report,
    most_confused,
    occlude,
    per_class_accuracy,
    predict_labels,
    recommend,
    robustness_sweeps,
    sweep,
    translate,
)
from course.data import load_digits


@pytest.mark.parametrize("name", list(PERTURBATIONS))
def test_severity_zero_is_the_identity(shape_images, name):
    np.testing.assert_array_equal(PERTURBATIONS[name].apply(shape_images, 0, seed=1), shape_images)


def test_blur_matches_scipy_gaussian_filter(shape_images):
    expected = gaussian_filter(shape_images, sigma=(0, 1.0, 1.0, 0), mode="mirror", truncate=3.0)
    np.testing.assert_allclose(blur(shape_images, 1.0), expected, atol=1e-5)


def test_occlusion_area_position_and_seed():
    ones = np.ones((50, 20, 20, 1), "float32")
    out = np.asarray(occlude(ones, 0.25, seed=0))
    np.testing.assert_array_equal((out == 0).sum(axis=(1, 2, 3)), 100)  # a 10x10 patch each
    np.testing.assert_array_equal(out, occlude(ones, 0.25, seed=0))
    assert not np.array_equal(out, occlude(ones, 0.25, seed=1))
    assert len({tuple(np.argwhere(o[..., 0] == 0)[0]) for o in out}) > 10  # patches move


def test_noise_std_clip_and_seed():
    grey = np.full((20, 16, 16, 3), 0.5, "float32")
    out = np.asarray(add_noise(grey, 0.1, seed=0))
    assert abs((out - grey).std() - 0.1) < 0.005 and abs((out - grey).mean()) < 0.005
    np.testing.assert_array_equal(out, add_noise(grey, 0.1, seed=0))
    wide = np.asarray(add_noise(grey, 2.0, seed=0))
    assert wide.min() == 0.0 and wide.max() == 1.0


def test_confusion_and_per_class_accuracy_match_sklearn():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    cm = confusion_matrix(y_true, y_pred, 4)
    np.testing.assert_array_equal(cm, sk_confusion_matrix(y_true, y_pred, labels=range(4)))
    np.testing.assert_allclose(per_class_accuracy(y_true, y_pred, 4), np.diag(cm) / cm.sum(axis=1))
    assert np.isnan(per_class_accuracy(np.array([0, 0]), np.array([0, 1]), 3)[2])
    pairs = most_confused(np.array([[5, 1, 0], [7, 3, 2], [0, 4, 9]]), ["a", "b", "c"], k=2)
    assert pairs == [("b", "a", 7), ("c", "b", 4)]


# --- model-level checks on small constructed problems -------------------------------------------


def centroid_model(split):
    """Nearest class centroid: a real classifier with no training loop, as a plain callable."""
    centroids = np.stack([split.x_train[split.y_train == c].mean(axis=0) for c in range(10)])

    def scores(x):
        return -((np.asarray(x)[:, None] - centroids[None]) ** 2).sum(axis=(2, 3, 4))

    return scores


@pytest.fixture(scope="module")
def digits():
    return load_digits(image_size=16, max_samples=400)


def test_sweeps_at_severity_zero_equal_the_clean_accuracy(digits):
    model = centroid_model(digits)
    clean = np.mean(predict_labels(model, digits.x_test) == digits.y_test)
    results = robustness_sweeps(model, digits.x_test, digits.y_test, num_classes=10)
    assert set(results) == {name for name, spec in PERTURBATIONS.items() if spec.default}
    for result in results.values():
        assert result.severities[0] == 0
        assert result.accuracy[0] == pytest.approx(clean) == result.clean_accuracy
        assert result.per_class.shape == (len(result.severities), 10)
    assert results["rotation"].accuracy[-2] < clean - 0.3  # 90 degrees breaks a template matcher


def test_keras_model_and_callable_give_the_same_sweep(digits):
    model = centroid_model(digits)
    centroids = np.stack([digits.x_train[digits.y_train == c].mean(axis=0) for c in range(10)])
    flat = keras.ops.convert_to_tensor(centroids.reshape(10, -1))
    as_keras = keras.Sequential(
        [
            keras.Input((16, 16, 1)),
            keras.layers.Flatten(),
            keras.layers.Lambda(
                lambda x: -keras.ops.sum((x[:, None, :] - flat[None]) ** 2, axis=-1)
            ),
        ]
    )
    a = sweep(model, digits.x_test, digits.y_test, "blur", (0, 1.0))
    b = sweep(as_keras, digits.x_test, digits.y_test, "blur", (0, 1.0))
    np.testing.assert_array_equal(a.accuracy, b.accuracy)


def side_data(n=200, size=16, seed=0):
    """Class 0: a bright blob in the left half; class 1: in the right half."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = np.zeros((n, size, size, 1), "float32")
    for i, label in enumerate(y):
        row = rng.integers(3, size - 6)
        col = rng.integers(1, size // 2 - 4) + (size // 2 + 2 if label else 0)
        x[i, row : row + 3, col : col + 3] = 1.0
    return x, y


def left_or_right(x):
    half = x.shape[2] // 2
    mass = np.asarray(x)[..., 0]
    return np.stack(
        [mass[:, :, :half].sum(axis=(1, 2)), mass[:, :, half:].sum(axis=(1, 2))], axis=1
    )


def channel_data(n=150, size=12, seed=0):
    """Class k: channel k carries a bright random texture, the other channels a dim one."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    x = rng.uniform(0.0, 0.3, (n, size, size, 3)).astype("float32")
    x[np.arange(n), ..., y] = rng.uniform(0.5, 1.0, (n, size, size))
    return x, y


def channel_means(x):
    """Invariant to rotation, blur, scale and occlusion by construction: only channel means
    count."""
    return np.asarray(x).mean(axis=(1, 2))


def test_invariant_model_gets_no_recommendation():
    x, y = channel_data()
    report = error_report(channel_means, x, y)
    assert report.clean_accuracy == 1.0
    assert report.recommendations == [] and report.worst is None
    assert "recommendations: none" in str(report)
    for result in report.sweeps.values():
        np.testing.assert_array_equal(result.accuracy, 1.0)


def test_report_names_the_perturbation_that_hurts_most_and_the_cure():
    x, y = side_data()
    report = error_report(left_or_right, x, y, class_names=("left", "right"))
    assert report.clean_accuracy == 1.0
    assert report.worst == "rotation"
    assert report.sweeps["rotation"].worst == (180, 1.0)  # left and right swap
    first = report.recommendations[0]
    assert first.perturbation == "rotation" and "RandomRotation" in first.layer
    assert first.drop >= 0.1 and first.augment_name == "rotation"
    assert not any(r.perturbation in ("blur", "scale") for r in report.recommendations)  # side kept
    text = str(report)
    assert "hurts most: rotation" in text and "-> add keras.layers.RandomRotation(" in text


def test_recommendation_uses_the_mildest_failing_severity():
    x, y = side_data()
    results = robustness_sweeps(left_or_right, x, y, grids={"rotation": (0, 10, 90, 180)})
    (only,) = recommend(results, threshold=0.3)
    assert only.severity == 90 and only.layer == "keras.layers.RandomRotation(0.25)"
    assert recommend(results, threshold=1.0)[0].severity == 180
    with pytest.raises(ValueError, match="threshold"):
        recommend(results, threshold=0)


def test_bad_perturbation_name():
    with pytest.raises(ValueError, match="perturbation"):
        sweep(left_or_right, *side_data(10), "jpeg")


# --- shift and comparisons under perturbations ---------------------------------------------------


@pytest.mark.parametrize("dx, dy", [(2, 0), (0, -3), (1, 2), (-2, -1)])
def test_translate_by_whole_pixels_is_slicing_an_edge_padded_image(shape_images, dx, dy):
    pad = 4
    padded = np.pad(shape_images, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="edge")
    height, width = shape_images.shape[1:3]
    expected = padded[:, pad - dy : pad - dy + height, pad - dx : pad - dx + width]
    np.testing.assert_allclose(translate(shape_images, dx, dy, fill_mode="nearest"), expected)


def test_shift_moves_content_right_and_down_by_a_fraction_of_the_side():
    dot = np.zeros((1, 20, 20, 1), "float32")
    dot[0, 5, 8] = 1.0
    out = PERTURBATIONS["shift"].apply(dot, 0.1)
    assert tuple(np.argwhere(out[0, ..., 0] > 0.5)[0]) == (7, 10)  # 10 % of 20 px = 2 px


def test_shift_is_swept_only_when_asked_for(digits):
    model = centroid_model(digits)
    default = robustness_sweeps(model, digits.x_test, digits.y_test)
    assert "shift" not in default and set(default) == set(PERTURBATIONS) - {"shift"}
    asked = robustness_sweeps(model, digits.x_test, digits.y_test, grids={"shift": (0, 0.25)})
    assert set(asked) == {"shift"} and asked["shift"].accuracy[1] < asked["shift"].accuracy[0]


def test_compare_robustness_scores_each_arm_on_the_same_perturbed_items():
    x, y = side_data()

    def right_or_left(images):  # always the other side: wrong on clean images
        return left_or_right(images)[:, ::-1]

    arms = {"reads sides": [left_or_right] * 2, "swaps sides": [right_or_left] * 2}
    results = compare_robustness(arms, x, y, [("rotation", 0), ("rotation", 180)], fast=True)
    clean, turned = results[("rotation", 0)], results[("rotation", 180)]
    # A half turn swaps left and right exactly (x[:, ::-1, ::-1]): the closed-form accuracies.
    half_turn = np.mean(left_or_right(x[:, ::-1, ::-1]).argmax(axis=1) == y)
    assert half_turn == 0.0
    assert clean.arm("reads sides").mean == 1.0 and clean.arm("swaps sides").mean == 0.0
    assert turned.arm("reads sides").mean == half_turn and turned.arm("swaps sides").mean == 1.0
    assert clean.verdict("reads sides", "swaps sides").startswith("reads sides beats swaps sides")
    assert turned.verdict("reads sides", "swaps sides").startswith("swaps sides beats reads sides")
    assert "2 seeds, fast mode" in clean.verdict("reads sides", "swaps sides")
    same = compare_robustness(
        {"a": [left_or_right] * 2, "b": [left_or_right] * 2}, x, y, [("noise", 0.1)]
    )
    assert "a and b are within noise (difference 0.000" in same[("noise", 0.1)].verdict("a", "b")


def test_compare_robustness_refuses_uneven_arms_and_unknown_perturbations():
    x, y = side_data(10)
    with pytest.raises(ValueError, match="same number of models"):
        compare_robustness(
            {"a": [left_or_right] * 2, "b": [left_or_right] * 3}, x, y, [("blur", 1)]
        )
    with pytest.raises(ValueError, match=r"conditions\[1\] perturbation"):
        compare_robustness(
            {"a": [left_or_right] * 2, "b": [left_or_right] * 2}, x, y, [("blur", 1), ("jpeg", 1)]
        )


def test_a_recommendation_prints_the_worst_drop_that_orders_the_list():
    from course.analysis.report import Recommendation

    rec = Recommendation("rotation", 30.0, 0.9, 0.57, 0.36, 0.9, "RandomRotation(0.08)", "rotate")
    text = str(rec)
    assert "drops 36%" in text and "at worst 90% over the sweep" in text
    assert text.endswith("-> add RandomRotation(0.08)")
