"""Wall time of K seeds of the digits MLP trained together in one graph
(`course.train.seed_batch.train_seeds`) against one seed trained alone, same epochs, in one run.

Each timing trains from scratch, as a notebook does: build, compile/trace, then the epochs. The
runners run one after another in every round, rounds interleaved; a ratio is the median over
rounds of the two times measured in the same round, so a load change on a shared machine hits
both. Target: 5 seeds together take at most 2x one seed alone (`model.fit`) on 2 cores. The
load average is printed, since the machine may be shared.

Run: ``python benchmarks/seed_batching.py [--seeds K] [--epochs N] [--rounds R]``
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

import course  # noqa: E402
from course.models import compile_classifier, mlp  # noqa: E402
from course.train.seed_batch import train_seeds  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    course.setup(0, verbose=False)
    split = course.data.load_digits(max_samples=1797)
    x, y = split.x_train, split.y_train

    def build():
        """The digits MLP of the notebooks: 64 -> 128 -> 64 -> 10, ReLU, dropout 0.1, softmax."""
        return mlp(split.input_shape, 10, hidden=(128, 64), dropout=0.1)

    def alone(seed):
        keras.utils.set_random_seed(seed)
        model = compile_classifier(build(), 1e-3, metrics=())
        model.fit(x, y, epochs=args.epochs, batch_size=args.batch_size, verbose=0)
        return model

    def together(seeds):
        return train_seeds(build, x, y, seeds, args.epochs, batch_size=args.batch_size)

    seeds = tuple(range(args.seeds))
    runners = {
        "1 seed alone (model.fit)": lambda: alone(0),
        "1 seed (train_seeds)": lambda: together(seeds[:1]),
        f"{args.seeds} seeds together (train_seeds)": lambda: together(seeds),
        f"{args.seeds} seeds one after another (model.fit)": lambda: [alone(s) for s in seeds],
    }
    together(seeds[:1])  # first-call costs (imports, kernels) out of the timings
    alone(0)
    times = {name: [] for name in runners}
    load_before = os.getloadavg()
    for _ in range(args.rounds):
        for name, run in runners.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    load_after = os.getloadavg()

    print(
        f"digits MLP, {len(x)} training images, batch {args.batch_size}, {args.epochs} epochs per "
        f"seed; {args.rounds} interleaved rounds; {os.cpu_count()} CPU cores; TF {tf.__version__}, "
        f"Keras {keras.__version__}; load average (1, 5, 15 min) before "
        f"{', '.join(f'{v:.2f}' for v in load_before)}, after "
        f"{', '.join(f'{v:.2f}' for v in load_after)}"
    )
    base = "1 seed alone (model.fit)"
    print(f"\n{'':48} median s   / 1 seed alone (median of paired rounds)")
    for name, values in times.items():
        ratio = statistics.median(t / b for t, b in zip(values, times[base]))
        print(f"  {name:<46} {statistics.median(values):7.2f}   {ratio:6.2f}x")
    batched = f"{args.seeds} seeds together (train_seeds)"
    ratio = statistics.median(t / b for t, b in zip(times[batched], times[base]))
    print(f"\n{args.seeds} seeds together / 1 seed alone: {ratio:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
