"""`Split`: a fixed train/validation/test partition as NumPy arrays, with tf.data views."""

from dataclasses import dataclass

import numpy as np

from course.validation import check_number, check_same_length, check_sized, check_type


@dataclass
class Split:
    """Arrays of one dataset, already partitioned; `class_names` label the integer targets."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple = ()

    @property
    def num_classes(self):
        return len(self.class_names) or int(np.max(self.y_train)) + 1

    @property
    def input_shape(self):
        return tuple(self.x_train.shape[1:])

    @property
    def sizes(self):
        """(train, val, test) sample counts."""
        return len(self.x_train), len(self.x_val), len(self.x_test)

    def datasets(self, batch_size=32, shuffle_seed=0, augment=None):
        """(train, val, test) `tf.data.Dataset`s; only the training set is shuffled and augmented.

        Built with `course.data.make_pipeline`, so `augment` (a Keras layer or a batch function)
        runs after batching, every epoch.
        """
        from course.data.pipeline import make_pipeline

        check_number("batch_size", batch_size, 1, integer=True)
        train = make_pipeline(
            self.x_train,
            self.y_train,
            batch_size,
            augment=augment,
            shuffle=True,
            cache=False,
            seed=shuffle_seed,
        )
        val = make_pipeline(self.x_val, self.y_val, batch_size, shuffle=False, cache=False)
        test = make_pipeline(self.x_test, self.y_test, batch_size, shuffle=False, cache=False)
        return train, val, test


def check_split(name, value):
    """Raise TypeError unless `value` is a `Split` (train, validation and test parts)."""
    return check_type(name, value, Split, "a course.data.Split (e.g. from load_digits())")


def _check_fractions(val_fraction, test_fraction):
    check_number("val_fraction", val_fraction, 0, 1, low_open=True, high_open=True)
    check_number("test_fraction", test_fraction, 0, 1, low_open=True, high_open=True)
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            f"val_fraction + test_fraction must be < 1, got {val_fraction + test_fraction}"
        )


def train_test(x, y, test_fraction=0.25, seed=0, stratify=False):
    """A seeded random split (x_train, y_train, x_test, y_test), the one two-way split.

    stratify: keep each class's share in both parts (integer labels; not for multi-hot targets).
    """
    from sklearn.model_selection import train_test_split

    check_number("test_fraction", test_fraction, 0, 1, low_open=True, high_open=True)
    check_sized("x", x)
    check_sized("y", y)
    check_same_length("x", x=x, y=y)
    if len(x) < 2:
        raise ValueError(f"x must hold at least two examples to split, got {len(x)}")
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y if stratify else None
    )
    return x_train, y_train, x_test, y_test


def split_arrays(x, y, val_fraction, test_fraction, seed, class_names=()):
    """Stratified, seeded train/validation/test split of (x, y) into a `Split`."""
    _check_fractions(val_fraction, test_fraction)
    x_rest, y_rest, x_test, y_test = train_test(x, y, test_fraction, seed, stratify=True)
    x_train, y_train, x_val, y_val = train_test(
        x_rest, y_rest, val_fraction / (1 - test_fraction), seed, stratify=True
    )
    return Split(x_train, y_train, x_val, y_val, x_test, y_test, tuple(class_names))


def split_train_val(train, test, val_fraction, seed, class_names=()):
    """A `Split` from a dataset's own (x, y) train and test parts: validation is carved from
    train."""
    check_number("val_fraction", val_fraction, 0, 1, low_open=True, high_open=True)
    (x, y), (x_test, y_test) = train, test
    x_train, y_train, x_val, y_val = train_test(x, y, val_fraction, seed, stratify=True)
    return Split(x_train, y_train, x_val, y_val, x_test, y_test, tuple(class_names))
