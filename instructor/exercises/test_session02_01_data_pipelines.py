"""Solutions to the exercises of notebooks/session02/01_data_pipelines.ipynb, each written as a
test that asserts the outcome the exercise asks the student to predict or find."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from course.data import load_digits, make_pipeline


class ArrayBatches(keras.utils.PyDataset):
    """The notebook's inline PyDataset, extended by exercise 4 with an `augment` layer."""

    def __init__(self, x, y, batch_size, shuffle=False, seed=0, augment=None, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size, self.shuffle, self.augment = (
            x,
            y,
            batch_size,
            shuffle,
            augment,
        )
        self.order, self.rng = np.arange(len(x)), np.random.default_rng(seed)

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, i):
        rows = self.order[i * self.batch_size : (i + 1) * self.batch_size]
        x = self.x[rows]
        return (np.asarray(self.augment(x, training=True)) if self.augment else x), self.y[rows]

    def on_epoch_end(self):
        if self.shuffle:
            self.rng.shuffle(self.order)


@pytest.fixture(scope="module")
def digits():
    return load_digits(max_samples=600)


def test_exercise1_the_last_batch(digits):
    assert digits.sizes[0] == 420
    sizes = [int(b.shape[0]) for b, _ in make_pipeline(digits.x_train, digits.y_train, 32, seed=0)]
    dropped = [
        int(b.shape[0])
        for b, _ in make_pipeline(digits.x_train, digits.y_train, 32, drop_remainder=True, seed=0)
    ]
    assert (len(sizes), sizes[-1]) == (14, 420 - 13 * 32) == (14, 4)
    assert len(dropped) == 13 and set(dropped) == {32}


def test_exercise2_the_shuffle_buffer():
    for seed in range(20):
        assert list(tf.data.Dataset.range(10).shuffle(1, seed=seed).as_numpy_iterator()) == list(
            range(10)
        )
    firsts = {
        int(next(iter(tf.data.Dataset.range(10).shuffle(2, seed=seed)))) for seed in range(20)
    }
    assert firsts == {0, 1}  # only the first two elements are in the buffer at the first draw


@pytest.mark.parametrize("cached, calls", [(True, 420), (False, 3 * 420)])
def test_exercise3_without_cache_preprocessing_runs_every_epoch(digits, cached, calls):
    count = [0]

    def bump(image):
        count[0] += 1
        return image

    def preprocess(image, label):
        return tf.ensure_shape(tf.py_function(bump, [image], tf.float32), image.shape), label

    ds = tf.data.Dataset.from_tensor_slices((digits.x_train, digits.y_train)).map(preprocess)
    ds = (ds.cache() if cached else ds).batch(64)
    for _ in range(3):
        for _ in ds:
            pass
    assert count[0] == calls


def test_exercise4_augmentation_inside_a_pydataset(digits):
    noise = keras.layers.GaussianNoise(0.1, seed=0)
    batches = ArrayBatches(digits.x_train, digits.y_train, 64, augment=noise)
    (x1, y1), (x2, y2) = batches[0], batches[0]
    assert not np.allclose(x1, x2) and np.array_equal(y1, y2)
    assert (x1 - digits.x_train[:64]).std() == pytest.approx(0.1, rel=0.1)
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(batches, epochs=2, verbose=0)
    assert (
        len(history.history["loss"]) == 2
        and history.history["loss"][1] < history.history["loss"][0]
    )
