"""Steps per second of `course.train.Trainer` against `model.fit`, a plain one-step tf.function
loop and an eager loop, on the same model and data, measured in one run; plus trace counts.

Run: ``python benchmarks/train_loop.py [--epochs N] [--steps-per-execution K]``.
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

import course  # noqa: E402
from course.train import Trainer  # noqa: E402

LOSS = "sparse_categorical_crossentropy"


def build(seed=0):
    """The digits MLP the session notebooks train (8x8 inputs, 10 classes)."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.1),
                             keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")])


def best_rate(runners, rounds=5):
    """Steps/s of each runner, best of `rounds` interleaved rounds (so load changes hit all)."""
    best = {name: 0.0 for name in runners}
    for _ in range(rounds):
        for name, (run, n) in runners.items():
            start = time.perf_counter()
            run()
            best[name] = max(best[name], n / (time.perf_counter() - start))
    return best


def trainer_runner(ds, epochs, spe):
    trainer = Trainer(build(), optimizer="adam", loss=LOSS, metrics=["accuracy"], steps_per_execution=spe, verbose=0)
    trainer.fit(ds, epochs=1)  # trace once
    return (lambda: trainer.fit(ds, epochs=epochs)), trainer


def keras_runner(ds, epochs, spe=1):
    model = build()
    model.compile(optimizer="adam", loss=LOSS, metrics=["accuracy"], steps_per_execution=spe)
    model.fit(ds, epochs=1, verbose=0)
    return lambda: model.fit(ds, epochs=epochs, verbose=0)


def loop_runner(ds, epochs, compiled):
    """A hand-written loop, one step per Python iteration, eager or in a tf.function."""
    model, optimizer = build(), keras.optimizers.Adam()
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    accuracy = keras.metrics.SparseCategoricalAccuracy()

    def step(x, y):
        with tf.GradientTape() as tape:
            y_pred = model(x, training=True)
            loss = loss_fn(y, y_pred)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        accuracy.update_state(y, y_pred)
        return loss

    step = tf.function(step) if compiled else step

    def run():
        for _ in range(epochs):
            for x, y in ds:
                step(x, y)
        float(accuracy.result())

    for x, y in ds.take(1):
        step(x, y)
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--steps-per-execution", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    course.setup(0, verbose=False)
    split = course.data.load_digits(max_samples=1797)
    ds = tf.data.Dataset.from_tensor_slices((split.x_train, split.y_train)).shuffle(2000, seed=0)
    ds = ds.batch(args.batch_size).cache().prefetch(tf.data.AUTOTUNE)
    per_epoch = int(ds.cardinality())
    steps = per_epoch * args.epochs
    eager_epochs = 1
    ours, trainer = trainer_runner(ds, args.epochs, args.steps_per_execution)
    spe = args.steps_per_execution
    runners = {
        "course Trainer": (ours, steps),
        "model.fit (default)": (keras_runner(ds, args.epochs), steps),
        f"model.fit (steps_per_execution={spe})": (keras_runner(ds, args.epochs, spe), steps),
        "plain tf.function loop": (loop_runner(ds, args.epochs, True), steps),
        "eager loop": (loop_runner(ds, eager_epochs, False), per_epoch * eager_epochs),
    }
    rates = best_rate(runners, args.rounds)
    print(f"digits MLP, batch {args.batch_size}, {per_epoch} steps/epoch, {args.epochs} epochs per timing, "
          f"best of {args.rounds} interleaved rounds, {os.cpu_count()} CPU cores")
    for name, rate in rates.items():
        print(f"  {name:<40} {rate:9.1f} steps/s")
    ours_rate = rates["course Trainer"]
    print(f"ratio vs model.fit (default):          {ours_rate / rates['model.fit (default)']:.2f}x  (target >= 1.2x)")
    print(f"ratio vs model.fit (same spe):         {ours_rate / rates[f'model.fit (steps_per_execution={spe})']:.2f}x")
    print(f"ratio vs plain tf.function loop:       {ours_rate / rates['plain tf.function loop']:.2f}x")
    print(f"ratio vs eager loop:                   {ours_rate / rates['eager loop']:.2f}x  (target >= 5x)")
    print(f"traces of the train loop after {1 + args.rounds} fit calls: {trainer.trace_count['train']}")


if __name__ == "__main__":
    main()
