"""Data and held-out scoring for the modelling tasks (train on what students get, grade on the rest).

Students get the train and validation splits; the visible check scores the validation split and
the hidden (grading) run the test split, which no task function hands out.
"""
import numpy as np


def _digits():
    from course.data import load_digits

    return load_digits(max_samples=1797, seed=0)  # the full set, also in fast mode


def digits_task():
    """(x_train, y_train, x_val, y_val): 8x8x1 digit images in [0, 1] and integer labels."""
    split = _digits()
    return split.x_train, split.y_train, split.x_val, split.y_val


def transfer_task():
    """(x_train, y_train, x_val, y_val): digits 5-9 as 32x32 RGB, relabelled 0-4, for fine-tuning."""
    from course.data import digits_rgb

    split = digits_rgb(classes=range(5, 10))
    return split.x_train, split.y_train, split.x_val, split.y_val


def _accuracy(model, x, y):
    predictions = np.asarray(model.predict(x, verbose=0))
    if predictions.ndim != 2 or predictions.shape[0] != len(y):
        raise AssertionError(f"the model must output one score per class for each of the {len(y)} "
                             f"images (shape ({len(y)}, classes)); it output shape {predictions.shape}")
    return float(np.mean(predictions.argmax(axis=1) == y))


def held_out_accuracy(model, threshold, hidden, task="digits"):
    """Assert the model's accuracy on the held-out test split reaches `threshold`."""
    if not hasattr(model, "predict"):
        raise AssertionError(f"expected a trained Keras model, got {type(model).__name__}")
    if task == "digits":
        split = _digits()
    else:
        from course.data import digits_rgb

        split = digits_rgb(classes=range(5, 10))
    x, y, name = (split.x_test, split.y_test, "test") if hidden else (split.x_val, split.y_val, "validation")
    accuracy = _accuracy(model, x, y)
    assert accuracy >= threshold, f"{name} accuracy {accuracy:.3f} is below the required {threshold:.2f}"
    print(f"{name} accuracy {accuracy:.3f} (required {threshold:.2f})")
