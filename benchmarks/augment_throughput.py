"""Augmentation throughput on CPU: the same geometric policy three ways, in one run.

Policy: horizontal flip (p=0.5), rotation +-15 deg, zoom +-10 %, translation +-10 %,
shear slope +-0.1. Compared, each as a tf.data pipeline over uint8 images:
  ours         course.augment.FusedGeometric, one XLA gather warp per batch (uint8 kept)
  ours (tf)    the same layer with resampler="tf" (TensorFlow's ImageProjectiveTransformV3)
  keras        stacked keras.layers Random{Flip,Rotation,Zoom,Translation,Shear} (5 resamples)
  albument.    albumentations HorizontalFlip + Affine, per image via tf.numpy_function
Rounds are interleaved and the best of each is kept, so background load hits all alike.
Run: python benchmarks/augment_throughput.py [--rounds 3]  (about 2-4 minutes on 2 cores)
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import albumentations as A  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from course.augment import AlbumentationsAdapter, FusedGeometric  # noqa: E402

BATCH = 64
ROTATION_DEG, ZOOM, SHIFT, SHEAR = 15.0, 0.1, 0.1, 0.1


def ours(resampler):
    return FusedGeometric(
        flip="horizontal",
        rotation=ROTATION_DEG / 180,
        zoom=ZOOM / 0.5,
        translation=SHIFT / 0.5,
        shear=SHEAR,
        fill_mode="constant",
        resampler=resampler,
        value_range=(0, 255),
        seed=0,
    )


def stacked():
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=0),
            keras.layers.RandomRotation(ROTATION_DEG / 360, fill_mode="constant", seed=0),
            keras.layers.RandomZoom(ZOOM, fill_mode="constant", seed=0),
            keras.layers.RandomTranslation(SHIFT, SHIFT, fill_mode="constant", seed=0),
            keras.layers.RandomShear(SHEAR, SHEAR, fill_mode="constant", seed=0),
        ]
    )


def albumentations_compose():
    import math

    shear_deg = math.degrees(math.atan(SHEAR))
    return A.Compose(
        [
            A.HorizontalFlip(p=0.5),
            A.Affine(
                rotate=(-ROTATION_DEG, ROTATION_DEG),
                scale=(1 - ZOOM, 1 + ZOOM),
                translate_percent=(-SHIFT, SHIFT),
                shear=(-shear_deg, shear_deg),
                p=1.0,
            ),
        ]
    )


def pipelines(images):
    base = tf.data.Dataset.from_tensor_slices(images)
    auto = tf.data.AUTOTUNE
    layer_tf, layer_xla, keras_stack = ours("tf"), ours("xla"), stacked()
    return {
        "ours (fused, xla)": base.batch(BATCH)
        .map(lambda x: layer_xla(x, training=True), auto)
        .prefetch(auto),
        "ours (fused, tf kernel)": base.batch(BATCH)
        .map(lambda x: layer_tf(x, training=True), auto)
        .prefetch(auto),
        "stacked keras.layers": base.batch(BATCH)
        .map(lambda x: keras_stack(x, training=True), auto)
        .prefetch(auto),
        "albumentations": base.map(AlbumentationsAdapter(albumentations_compose()), auto)
        .batch(BATCH)
        .prefetch(auto),
    }


def throughput(dataset, n):
    start = time.perf_counter()
    for _ in dataset:
        pass
    return n / (time.perf_counter() - start)


def measure(size, n, rounds):
    images = np.random.default_rng(0).integers(0, 256, (n, size, size, 3), dtype=np.uint8)
    found = pipelines(images)
    for dataset in found.values():  # warm-up: tracing, XLA compilation, thread pools
        for _ in dataset.take(2):
            pass
    best = dict.fromkeys(found, 0.0)
    for _ in range(rounds):
        for name, dataset in found.items():
            best[name] = max(best[name], throughput(dataset, n))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = {32: 8192, 224: 768}
    results = {size: measure(size, n, args.rounds) for size, n in sizes.items()}
    print(f"CPU cores: {os.cpu_count()}, batch {BATCH}, best of {args.rounds} interleaved rounds\n")
    header = f"{'pipeline':26}" + "".join(
        f"{f'{s}x{s} img/s':>14}{'vs alb.':>9}{'vs keras':>10}" for s in sizes
    )
    print(header)
    print("-" * len(header))
    for name in results[32]:
        row = f"{name:26}"
        for size in sizes:
            r = results[size]
            row += (
                f"{r[name]:14.0f}{r[name] / r['albumentations']:8.2f}x"
                f"{r[name] / r['stacked keras.layers']:9.2f}x"
            )
        print(row)


if __name__ == "__main__":
    main()
