"""`make_pipeline`: cache before shuffle and augmentation, reshuffling, determinism, remainders."""

import time

import numpy as np
import pytest
import tensorflow as tf

from course.data import Split, make_pipeline, repeated_draws

N, BATCH = 20, 6


@pytest.fixture()
def arrays():
    x = np.arange(N * 4, dtype="float32").reshape(N, 2, 2, 1)
    y = np.arange(N, dtype="int64")
    return x, y


def epochs(ds, n=2):
    return [[(bx.copy(), by.copy()) for bx, by in ds.as_numpy_iterator()] for _ in range(n)]


def test_augmented_data_is_never_cached():
    import keras

    x = np.linspace(0, 1, 800, dtype="float32").reshape(200, 2, 2, 1)
    y = np.arange(200)
    noise = keras.layers.GaussianNoise(0.5, seed=0)
    plain = epochs(make_pipeline(x, y, BATCH, shuffle=False, cache=True))
    noisy = epochs(make_pipeline(x, y, BATCH, augment=noise, shuffle=False, cache=True), n=3)
    for (a, _), (b, _) in zip(*plain):
        np.testing.assert_array_equal(a, b)  # cached, un-augmented: identical epochs
    for (a, la), (b, lb) in zip(noisy[0], noisy[1]):
        assert not np.allclose(a, b)  # fresh augmentation on each epoch
        np.testing.assert_array_equal(la, lb)
    for epoch in noisy:  # one dose of noise on the clean data each epoch, never a cached dose
        residual = np.concatenate([b for b, _ in epoch]) - x
        assert abs(residual.std() - 0.5) < 0.06 and abs(residual.mean()) < 0.07  # two doses: 0.71


def test_random_layer_draws_a_fresh_seed_per_batch_and_repeats_across_runs():
    """Parallel calls race on a layer's seed state (repeated draws); the default in-order map must
    not."""
    import keras

    x, y = np.zeros((320, 2, 2, 1), "float32"), np.arange(320)

    def draws():
        noise = keras.layers.GaussianNoise(0.5, seed=0)
        ds = make_pipeline(x, y, 32, augment=noise, shuffle=False)
        return [bx.ravel() for epoch in epochs(ds, n=5) for bx, _ in epoch]

    first, second = draws(), draws()
    assert len({d.tobytes() for d in first}) == len(first) == 50  # no batch reuses another's noise
    for a, b in zip(first, second):  # a fresh layer with the same seed replays the same run
        np.testing.assert_array_equal(a, b)


def test_preprocess_runs_once_and_augment_every_epoch(arrays):
    x, y = arrays
    calls = {"preprocess": 0, "augment": 0}

    def count(name):
        def bump(value):
            calls[name] += 1
            return value

        return bump

    def preprocess(image, label):
        return tf.py_function(count("preprocess"), [image], tf.float32), label

    def augment(images):
        return tf.py_function(count("augment"), [images], tf.float32)

    ds = make_pipeline(
        x, y, BATCH, augment=augment, preprocess=preprocess, shuffle=True, cache=True
    )
    epochs(ds, n=3)
    assert calls["preprocess"] == N  # deterministic work: first epoch only, then the cache
    assert calls["augment"] == 3 * int(np.ceil(N / BATCH))  # random work: every batch, every epoch


def test_shuffle_before_cache_freezes_the_order_and_our_pipeline_does_not():
    frozen = tf.data.Dataset.range(N).shuffle(N, seed=1).cache()
    orders = [list(frozen.as_numpy_iterator()) for _ in range(3)]
    assert orders[0] == orders[1] == orders[2]  # why make_pipeline caches before shuffling
    x, y = np.zeros((N, 1), "float32"), np.arange(N)
    ds = make_pipeline(x, y, N, shuffle=True, cache=True, seed=1)
    labels = [by for _ in range(3) for _, by in ds.as_numpy_iterator()]
    assert len({tuple(o) for o in labels}) == 3
    assert all(sorted(o) == list(range(N)) for o in labels)


def test_same_seed_same_order_and_deterministic_parallel_map(arrays):
    x, y = arrays

    delays = np.random.default_rng(0)

    def sleep_then_return(value):
        time.sleep(delays.uniform(0, 0.002))
        return value

    def slow(image, label):  # parallel calls that finish out of order
        return tf.py_function(sleep_then_return, [image], tf.float32), label

    def order(seed):
        ds = make_pipeline(x, y, BATCH, preprocess=slow, seed=seed, deterministic=True)
        return np.concatenate([by for _, by in ds.as_numpy_iterator()])

    np.testing.assert_array_equal(order(3), order(3))
    assert not np.array_equal(order(3), order(4))


def test_drop_remainder_gives_static_batches(arrays):
    x, y = arrays
    ds = make_pipeline(x, y, BATCH, drop_remainder=True)
    assert ds.element_spec[0].shape[0] == BATCH
    assert [len(by) for _, by in ds.as_numpy_iterator()] == [BATCH] * (N // BATCH)
    loose = make_pipeline(x, y, BATCH)
    assert loose.element_spec[0].shape[0] is None
    assert sum(len(by) for _, by in loose.as_numpy_iterator()) == N


def test_keras_layers_run_in_training_mode_and_mixing_sees_labels():
    import keras

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(16, 8, 8, 3)).astype("float32")
    flipped = make_pipeline(
        x, np.zeros(16), 16, augment=keras.layers.RandomFlip("horizontal", seed=1), shuffle=False
    )
    images = next(iter(flipped))[0].numpy()
    assert not np.allclose(images, x)
    assert all(np.allclose(a, b) or np.allclose(a, b[:, ::-1]) for a, b in zip(images, x))
    onehot = np.eye(4, dtype="float32")[rng.integers(0, 4, 16)]
    mixed = make_pipeline(
        x,
        onehot,
        16,
        augment=keras.layers.MixUp(alpha=0.4, seed=1),
        shuffle=False,
        with_labels=True,
    )
    _, labels = next(iter(mixed))
    np.testing.assert_allclose(labels.numpy().sum(axis=1), 1.0, atol=1e-5)
    assert not np.allclose(labels.numpy(), onehot)


def test_dataset_input_and_file_cache(arrays, tmp_path):
    x, y = arrays
    source = tf.data.Dataset.from_tensor_slices((x, y))
    ds = make_pipeline(source, None, BATCH, shuffle=False, cache=tmp_path / "cache")
    got = np.concatenate([bx for bx, _ in ds.as_numpy_iterator()])
    np.testing.assert_array_equal(got, x)
    assert any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"batch_size": 0}, "batch_size"),
        ({"y": None}, "y is required"),
        ({"y": np.zeros(3)}, "y must have one entry per row of x"),
        ({"augment": 3}, "augment"),
        ({"parallel_augment": "yes"}, "parallel_augment"),
    ],
)
def test_bad_arguments_raise(arrays, kwargs, match):
    x, y = arrays
    args = {"x": x, "y": y, "batch_size": BATCH, **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        make_pipeline(**args)


def test_split_datasets_keep_their_old_order(arrays):
    x, y = arrays
    split = Split(x, y, x[:4], y[:4], x[:4], y[:4], ())
    train, val, _ = split.datasets(batch_size=BATCH, shuffle_seed=5)
    old = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(
        N, seed=5, reshuffle_each_iteration=True
    )
    old = old.batch(BATCH)
    for (_, la), (_, lb) in zip(train.as_numpy_iterator(), old.as_numpy_iterator()):
        np.testing.assert_array_equal(la, lb)
    assert [len(by) for _, by in val.as_numpy_iterator()] == [4]


def test_repeated_draws_counts_batches_equal_to_an_earlier_one():
    """Closed cases: a deterministic augmentation repeats every batch after the first; a random
    Keras layer mapped in order repeats none."""
    import keras

    assert repeated_draws(lambda images: images + 1.0, batches=4, epochs=2) == (7, 8)
    assert repeated_draws(keras.layers.GaussianNoise(1.0, seed=0), batches=10, epochs=3) == (0, 30)
    with pytest.raises(ValueError, match="epochs"):
        repeated_draws(keras.layers.GaussianNoise(1.0, seed=0), epochs=0)
