"""Data and held-out judging for the modelling tasks (train on what students get, grade on the
rest).

Students get the train and validation splits; the visible check scores the validation split. At
grading the grader draws the test split in its own process, shuffles it and adds a little fresh
noise (so a lookup of the public test images finds nothing), sends the images to the sandbox and
keeps the labels: the sandbox returns predictions and the accuracy is computed here.
"""

import numpy as np

from course.homework.engine import Case

NOISE = 0.02  # per-pixel Gaussian noise on hidden test images (pixels in [0, 1])


def _digits():
    from course.data import load_digits

    return load_digits(max_samples=1797, seed=0)  # the full set, also in fast mode


def _transfer():
    from course.data import digits_rgb

    return digits_rgb(classes=range(5, 10))


SPLITS = {"digits": _digits, "transfer": _transfer}


def digits_task():
    """(x_train, y_train, x_val, y_val): 8x8x1 digit images in [0, 1] and integer labels."""
    split = _digits()
    return split.x_train, split.y_train, split.x_val, split.y_val


def transfer_task():
    """(x_train, y_train, x_val, y_val): digits 5-9 as 32x32 RGB, relabelled 0-4, for
    fine-tuning."""
    split = _transfer()
    return split.x_train, split.y_train, split.x_val, split.y_val


def accuracy_at_least(threshold, name):
    """A judge: the probed model's predictions reach `threshold` accuracy on the case's labels."""

    def judge(got, case):
        predictions, labels = np.asarray(got["predictions"]), np.asarray(case.expected)
        if predictions.ndim != 2 or predictions.shape[0] != len(labels):
            raise AssertionError(
                f"the model must output one score per class for each of the {len(labels)} "
                f"images (shape ({len(labels)}, classes)); it output shape {predictions.shape}"
            )
        accuracy = float(np.mean(predictions.argmax(axis=1) == labels))
        assert accuracy >= threshold, (
            f"{name} accuracy {accuracy:.3f} is below the required {threshold:.2f}"
        )

    return judge


def held_out(task, threshold, rng, hidden, judge=None):
    """The one case of a modelling task: validation images (visible) or fresh noisy, shuffled test
    images (hidden); the labels are the expected value and never leave the judging process."""
    split = SPLITS[task]()
    if hidden:
        order = rng.permutation(len(split.x_test))
        noise = rng.normal(0.0, NOISE, size=split.x_test.shape)
        x, y, name = (
            np.clip(split.x_test[order] + noise, 0, 1).astype("float32"),
            split.y_test[order],
            "test",
        )
    else:
        x, y, name = split.x_val, split.y_val, "validation"
    accuracy = accuracy_at_least(threshold, name)

    def both(got, case):
        if judge is not None:
            judge(got, case)
        accuracy(got, case)

    yield Case((x,), y, f"{name} accuracy (required {threshold:.2f})", judge=both)
