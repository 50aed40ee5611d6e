"""Online versus offline augmentation (Session 7 1.3), measured: pre-generate augmented copies
to TFRecord files, then compare epoch time and disk use with augmenting on the fly."""

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course.data.pipeline import make_pipeline
from course.validation import check_number


@dataclass
class OnlineOffline:
    """Measurements of one comparison (seconds, bytes; epochs see the same number of images)."""

    images: int
    copies: int
    generate_seconds: float
    disk_bytes: int
    offline_epoch_seconds: float
    online_epoch_seconds: float
    dataset_bytes: int

    def table(self):
        mib = 1024 * 1024
        return "\n".join(
            [
                f"{'':28}{'online':>12}{'offline':>12}",
                f"{'epoch time (s)':28}{self.online_epoch_seconds:12.3f}"
                f"{self.offline_epoch_seconds:12.3f}",
                f"{'extra disk (MiB)':28}{0:12.2f}{self.disk_bytes / mib:12.2f}",
                f"{'one-off generation (s)':28}{0:12.3f}{self.generate_seconds:12.3f}",
                f"{'distinct versions per image':28}{'unlimited':>12}{self.copies:>12}",
            ]
        )


def _example(image, label):
    import tensorflow as tf

    feature = {
        "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[image.tobytes()])),
        "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)])),
    }
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def write_augmented(x, y, augment, directory, copies=4, batch_size=256):
    """Write `copies` augmented versions of (x, y) to one TFRecord file per copy; return paths."""
    import tensorflow as tf

    check_number("copies", copies, 1, integer=True)
    check_number("batch_size", batch_size, 1, integer=True)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(copies):
        path = directory / f"augmented-{k:03d}.tfrecord"
        with tf.io.TFRecordWriter(str(path)) as writer:
            for i in range(0, len(x), batch_size):
                batch = np.asarray(augment(x[i : i + batch_size], training=True)).astype(x.dtype)
                for image, label in zip(batch, y[i : i + batch_size]):
                    writer.write(_example(image, label))
        paths.append(path)
    return paths


def read_augmented(path, shape, dtype, batch_size=64):
    """A batched dataset of (image, label) from one file written by `write_augmented`."""
    import tensorflow as tf

    spec = {
        "image": tf.io.FixedLenFeature([], tf.string),
        "label": tf.io.FixedLenFeature([], tf.int64),
    }

    def parse(record):
        parsed = tf.io.parse_single_example(record, spec)
        image = tf.reshape(tf.io.decode_raw(parsed["image"], dtype), shape)
        return image, parsed["label"]

    return (
        tf.data.TFRecordDataset(str(path))
        .map(parse, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(batch_size)
        .prefetch(tf.data.AUTOTUNE)
    )


def _epoch_seconds(dataset, step):
    start = time.perf_counter()
    for images, labels in dataset:
        step(images, labels)
    return time.perf_counter() - start


def compare_online_offline(
    x, y, augment, copies=4, epochs=2, batch_size=64, model=None, directory=None
):
    """Measure both strategies on (x, y) with the same `augment` layer.

    Online: `make_pipeline` caches the originals and augments each batch on the fly. Offline:
    write `copies` augmented copies to TFRecords once, then each epoch reads one copy. With a
    compiled `model`, an epoch includes its training steps; otherwise it only drains the pipeline.
    Returns `OnlineOffline` with the best epoch time of each strategy.
    """
    check_number("epochs", epochs, 1, integer=True)
    check_number("copies", copies, 1, integer=True)
    check_number("batch_size", batch_size, 1, integer=True)
    x, y = np.asarray(x), np.asarray(y)
    step = (lambda a, b: model.train_on_batch(a, b)) if model is not None else (lambda a, b: None)
    online = make_pipeline(x, y, batch_size, augment=augment, shuffle=False)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        start = time.perf_counter()
        paths = write_augmented(x, y, augment, tmp, copies)
        generate = time.perf_counter() - start
        disk = sum(os.path.getsize(p) for p in paths)
        offline_times, online_times = [], []
        for epoch in range(epochs + 1):  # epoch 0 warms up both pipelines (tracing, cache fill)
            offline_times.append(
                _epoch_seconds(
                    read_augmented(paths[epoch % copies], x.shape[1:], x.dtype, batch_size), step
                )
            )
            online_times.append(_epoch_seconds(online, step))
    return OnlineOffline(
        len(x), copies, generate, disk, min(offline_times[1:]), min(online_times[1:]), int(x.nbytes)
    )
