"""Steps per second of `course.train.Trainer` against `model.fit`, a plain one-step tf.function
loop and an eager loop, on the same models and data, measured in one run; plus the cost of the
trainer's NaN/Inf weight check (and of ``check_data``), and trace counts.

Two workloads: the digits MLP the notebooks train (Python and per-step overhead dominate) and a
small digits CNN (compute dominates). Every runner of both workloads runs once per round, many
short rounds interleaved; each ratio is the median over rounds of the two rates measured in the
same round (best-of rates are printed too), so a load change on a shared machine cancels out.
A timing is 400 MLP steps or 160 CNN steps (about a quarter of a second): on a 2-core VM, timings
of 60 ms (the earlier 3-epoch default) swung by 15% from round to round, more than the gap measured.

Run: ``python benchmarks/train_loop.py [--rounds N] [--steps-per-execution K] [--mixed-precision]
[--jit-compile]``; the last two apply to the Trainer and to ``model.fit`` alike (equal settings;
both pay off on a GPU only).
"""

import argparse
import os
import statistics
import time
from unittest import mock

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

import course  # noqa: E402
from course.train import Trainer, health  # noqa: E402

LOSS = "sparse_categorical_crossentropy"
EAGER_STEPS = 10  # the eager loop is ~100x slower: a few steps measure it


def mlp(seed=0):
    """The digits MLP the session notebooks train (8x8 inputs, 10 classes)."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def cnn(seed=0):
    """A small digits CNN: two 3x3 convolutions, max-pooling and a dense head."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.Conv2D(64, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def measure(runners, rounds):
    """Steps/s of every runner in every round; the runners run one after another in each round,
    rounds interleaved, so a load change on a shared machine hits all of them alike."""
    rates = {name: [] for name in runners}
    for _ in range(rounds):
        for name, (run, n) in runners.items():
            start = time.perf_counter()
            run()
            rates[name].append(n / (time.perf_counter() - start))
    return rates


def paired_ratio(rates, a, b):
    """Median over rounds of rate(a) / rate(b) taken in the same round: robust to load swings
    that best-of alone does not remove when the machine is shared."""
    return statistics.median(x / y for x, y in zip(rates[a], rates[b]))


SETTINGS = {"mixed_precision": False, "jit_compile": False}  # set from the command line in main


def trainer_runner(build, ds, epochs, spe, weight_check=True, check_data=False):
    """The course Trainer; ``weight_check=False`` traces its loop without the NaN/Inf weight
    check."""
    trainer = Trainer(
        build(),
        optimizer="adam",
        loss=LOSS,
        metrics=["accuracy"],
        steps_per_execution=spe,
        verbose=0,
        check_data=check_data,
        **SETTINGS,
    )
    with mock.patch.object(
        health, "watched_variables", health.watched_variables if weight_check else lambda m: []
    ):
        trainer.fit(ds, epochs=1)  # trace once
    return (lambda: trainer.fit(ds, epochs=epochs)), trainer


def keras_runner(build, ds, epochs, spe=1):
    # Layers take the global policy when they are created; compile then adds loss scaling.
    keras.mixed_precision.set_global_policy(
        "mixed_float16" if SETTINGS["mixed_precision"] else "float32"
    )
    model = build()
    keras.mixed_precision.set_global_policy("float32")
    model.compile(
        optimizer="adam",
        loss=LOSS,
        metrics=["accuracy"],
        steps_per_execution=spe,
        jit_compile=SETTINGS["jit_compile"],
    )
    model.fit(ds, epochs=1, verbose=0)
    return lambda: model.fit(ds, epochs=epochs, verbose=0)


def loop_runner(build, ds, epochs, compiled):
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


def workload(name, build, ds, epochs, spe, baselines):
    """The runners of one workload, keyed ``(workload, runner)``; returns them and the trainer."""
    steps = int(ds.cardinality()) * epochs
    ours, trainer = trainer_runner(build, ds, epochs, spe)
    runners = {
        "course Trainer": (ours, steps),
        "course Trainer, no NaN/Inf weight check": (
            trainer_runner(build, ds, epochs, spe, weight_check=False)[0],
            steps,
        ),
        "course Trainer, check_data=True": (
            trainer_runner(build, ds, epochs, spe, check_data=True)[0],
            steps,
        ),
        f"model.fit (steps_per_execution={spe})": (keras_runner(build, ds, epochs, spe), steps),
        "model.fit (default)": (keras_runner(build, ds, epochs), steps),
    }
    if baselines:
        runners["plain tf.function loop"] = (loop_runner(build, ds, epochs, True), steps)
        runners["eager loop"] = (loop_runner(build, ds.take(EAGER_STEPS), 1, False), EAGER_STEPS)
    return {(name, k): v for k, v in runners.items()}, trainer


def report(name, rates, spe):
    rates = {k: v for (w, k), v in rates.items() if w == name}
    same = f"model.fit (steps_per_execution={spe})"
    print(
        f"\n{name}                                  best steps/s   ours / it (median of paired "
        "rounds)"
    )
    for runner, values in rates.items():
        ratio = (
            ""
            if runner == "course Trainer"
            else f"{paired_ratio(rates, 'course Trainer', runner):8.2f}x"
        )
        print(f"  {runner:<42} {max(values):9.1f}   {ratio}")
    print(
        f"  ratio vs {same}: {paired_ratio(rates, 'course Trainer', same):.2f}x paired, "
        f"{max(rates['course Trainer']) / max(rates[same]):.2f}x best-of (target >= 1.0x)"
    )
    check = 1 - 1 / paired_ratio(rates, "course Trainer, no NaN/Inf weight check", "course Trainer")
    data = 1 - paired_ratio(rates, "course Trainer, check_data=True", "course Trainer")
    print(
        f"  NaN/Inf weight check costs {check:+.1%} of throughput (target < 3%); check_data=True "
        f"costs {data:+.1%}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mlp-epochs", type=int, default=10)
    parser.add_argument("--cnn-epochs", type=int, default=4)
    parser.add_argument("--steps-per-execution", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument(
        "--mixed-precision", action="store_true", help="mixed_float16 for both loops"
    )
    parser.add_argument("--jit-compile", action="store_true", help="XLA for both loops")
    args = parser.parse_args()
    SETTINGS.update(mixed_precision=args.mixed_precision, jit_compile=args.jit_compile)
    course.setup(0, verbose=False)
    split = course.data.load_digits(max_samples=1797)
    ds = tf.data.Dataset.from_tensor_slices((split.x_train, split.y_train)).shuffle(2000, seed=0)
    ds = ds.batch(args.batch_size).cache().prefetch(tf.data.AUTOTUNE)
    spe = args.steps_per_execution
    mlp_runners, trainer = workload("digits MLP", mlp, ds, args.mlp_epochs, spe, baselines=True)
    cnn_runners, _ = workload("digits CNN", cnn, ds, args.cnn_epochs, spe, baselines=False)
    rates = measure({**mlp_runners, **cnn_runners}, args.rounds)
    print(
        f"batch {args.batch_size}, {int(ds.cardinality())} steps/epoch; "
        f"{args.mlp_epochs} (MLP) and {args.cnn_epochs} (CNN) epochs per timing; "
        f"{args.rounds} interleaved rounds; "
        f"{os.cpu_count()} CPU cores; TF {tf.__version__}, Keras {keras.__version__}; "
        f"mixed precision {SETTINGS['mixed_precision']}, XLA {SETTINGS['jit_compile']}"
    )
    for name in ("digits MLP", "digits CNN"):
        report(name, rates, spe)
    print(
        f"\ntraces of the MLP train loop after {1 + args.rounds} fit calls: "
        f"{trainer.trace_count['train']}"
    )


if __name__ == "__main__":
    main()
