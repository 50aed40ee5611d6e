"""The `tf.data` input pipeline builder: preprocess -> cache -> shuffle -> batch -> augment ->
prefetch.

Deterministic work (decoding, resizing, scaling) runs once and is cached; random work
(augmentation) runs after the cache on every epoch, so no epoch ever replays a cached augmented
sample. The cache also comes before the shuffle: a shuffle upstream of `cache()` is read only in
the first epoch, after which every epoch replays that one order.

Random augmentation should come from Keras layers or a `tf.random.Generator` (seed state that
advances across epochs): a stateful `tf.random.*` op in a `map` under a global seed may restart
its sequence on every pass and replay the same values each epoch. That seed state is read and
then advanced in two steps, so parallel calls of one augmentation race on it: two batches can
draw the same seed (a repeated augmentation) and runs stop being repeatable. The augment map
therefore runs in order unless the caller opts into parallel calls.
"""

import os
from pathlib import Path

from course.validation import check_number, check_same_length, check_sized


def make_pipeline(
    x,
    y=None,
    batch_size=32,
    augment=None,
    shuffle=True,
    cache=True,
    deterministic=None,
    seed=0,
    drop_remainder=False,
    preprocess=None,
    shuffle_buffer=None,
    with_labels=False,
    parallel_augment=False,
):
    """A batched, prefetched `tf.data.Dataset` of (x, y) built in the safe order.

    x, y: arrays (or tensors) of equal length, or `x` a `tf.data.Dataset` of (x, y) pairs with
    `y=None`. preprocess: per-example deterministic function (x, y) -> (x, y), applied before the
    cache. cache: True (memory), a file path, or False. augment: a Keras layer (called with
    `training=True`) or a function of an image batch returning images or an (images, labels)
    pair; mapped over whole batches, in order. with_labels: the augmentation also sees the labels
    (mixing: MixUp, CutMix): a layer gets `{"images", "labels"}` and returns that dict, a
    function gets (images, labels) and returns a pair. deterministic: None keeps tf.data's default;
    True or False fixes the output order of the parallel preprocess map. seed: the shuffle seed.
    drop_remainder: drop the last short batch so the batch dimension is static.
    parallel_augment: run the augment map with parallel calls: faster for slow augmentations, but
    calls racing on a layer's seed state may repeat a draw and the run is not repeatable; safe for
    augmentations without random state.
    """
    import tensorflow as tf

    check_number("batch_size", batch_size, 1, integer=True)
    check_number("seed", seed, 0, integer=True)
    if not isinstance(parallel_augment, bool):
        raise TypeError(f"parallel_augment must be True or False, got {parallel_augment!r}")
    ds = _source(tf, x, y)
    if deterministic is not None:
        options = tf.data.Options()
        options.deterministic = bool(deterministic)
        ds = ds.with_options(options)
    if preprocess is not None:
        ds = ds.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE, deterministic=deterministic)
    if cache:
        ds = ds.cache() if cache is True else ds.cache(_cache_path(cache))
    if shuffle:
        ds = ds.shuffle(
            _buffer_size(tf, ds, shuffle_buffer), seed=seed, reshuffle_each_iteration=True
        )
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if augment is not None:
        ds = ds.map(
            _batch_augmenter(augment, with_labels),
            num_parallel_calls=tf.data.AUTOTUNE if parallel_augment else None,
            deterministic=deterministic,
        )
    return ds.prefetch(tf.data.AUTOTUNE)


def _source(tf, x, y):
    if isinstance(x, tf.data.Dataset):
        if y is not None:
            raise ValueError(
                "y must be None when x is a tf.data.Dataset of (x, y) pairs, "
                f"got y of type {type(y).__name__}"
            )
        return x
    check_sized("x", x, "an array, a tensor or a tf.data.Dataset of (x, y) pairs")
    if y is None:
        raise ValueError(
            "y is required when x is an array (pass labels, or a Dataset of pairs as x)"
        )
    check_sized("y", y, "an array or a tensor of labels")
    check_same_length("x", x=x, y=y)
    if len(x) == 0:
        raise ValueError("x must hold at least one example, got 0 (and y 0 labels)")
    return tf.data.Dataset.from_tensor_slices((x, y))


def _cache_path(cache):
    """A cache file path whose folder exists (tf.data only notices a missing one when iterating)."""
    if not isinstance(cache, (str, os.PathLike)):
        raise TypeError(
            f"cache must be True, False or a file path, got {type(cache).__name__} {cache!r}"
        )
    folder = Path(cache).parent
    if not folder.is_dir():
        raise ValueError(
            f"cache {str(cache)!r}: its folder {str(folder)!r} does not exist; create it first"
        )
    return str(cache)


def _buffer_size(tf, ds, shuffle_buffer):
    """A full-dataset buffer (a perfect shuffle) unless the caller chose one."""
    if shuffle_buffer is not None:
        return check_number("shuffle_buffer", shuffle_buffer, 1, integer=True)
    size = int(ds.cardinality())
    if size < 1:
        raise ValueError(
            "shuffle_buffer is required when the dataset size is unknown "
            f"(cardinality {size}); pass shuffle_buffer=N"
        )
    return size


def _batch_augmenter(augment, with_labels):
    """Wrap `augment` as a map function over (images, labels) batches."""
    import keras

    if not callable(augment):
        raise TypeError(
            f"augment must be a Keras layer or a callable, got {type(augment).__name__}"
        )
    is_layer = isinstance(augment, keras.layers.Layer)

    def apply(images, labels):
        if not with_labels:
            out = augment(images, training=True) if is_layer else augment(images)
            return tuple(out) if isinstance(out, (tuple, list)) else (out, labels)
        if is_layer:
            out = augment({"images": images, "labels": labels}, training=True)
            return out["images"], out["labels"]
        return tuple(augment(images, labels))

    return apply


def repeated_draws(augment, batches=20, batch_size=32, epochs=5, parallel_augment=False):
    """(repeats, total): how many augmented batches repeat a random draw an earlier batch had.

    All-zero inputs go through `make_pipeline` with `augment` (a random Keras layer such as
    `GaussianNoise`), so two batches are equal exactly when they received the same draw. With
    ``parallel_augment=True`` the calls race on the layer's seed state and repeats appear; in
    order there are none.
    """
    import numpy as np

    check_number("batches", batches, 1, integer=True)
    check_number("batch_size", batch_size, 1, integer=True)
    check_number("epochs", epochs, 1, integer=True)
    n = batches * batch_size
    ds = make_pipeline(
        np.zeros((n, 4), "float32"),
        np.arange(n),
        batch_size,
        augment=augment,
        shuffle=False,
        parallel_augment=parallel_augment,
    )
    draws = [bx.tobytes() for _ in range(epochs) for bx, _ in ds.as_numpy_iterator()]
    return len(draws) - len(set(draws)), len(draws)
