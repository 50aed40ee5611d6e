"""07/10's optimizer experiments on a small classifier, every run over several seeds trained
together (`course.train.train_seeds`), so each comparison can go to `course.analysis.compare`.

- `learning_rate_sweep`: each optimizer at every rate of one log grid; the rate is chosen per
  optimizer on the validation split, then the optimizers are scored on the test split at their
  own rates. Comparing them each at one hand-picked rate would confound method and step size.
- `switch_runs`: Adam, then SGD + momentum at a reduced rate, against the control that takes
  the same drop in rate but stays with Adam, from the same switch point and on the same batches.
- `warmup_runs`: Adam on a cosine decay with and without a linear warmup, after one epoch and at
  the end.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from course.table import Table
from course.validation import check_callable, check_number


@dataclass(frozen=True, eq=False)
class Sweep:
    """A learning-rate sweep: validation accuracy and loss per optimizer, shape (rates, seeds),
    the rate chosen per optimizer, and each optimizer's test correctness (seeds, items) at it."""

    rates: tuple
    accuracy: dict
    loss: dict
    chosen: dict
    test: dict

    def table(self):
        """One row per optimizer: mean validation accuracy (mean loss) over seeds at each rate,
        and the chosen rate."""
        rows = []
        for name in self.accuracy:
            row = {"optimizer": name}
            for rate, accuracy, loss in zip(self.rates, self.accuracy[name], self.loss[name]):
                row[f"lr {rate:g}"] = f"{accuracy.mean():.3f} ({loss.mean():.2f})"
            rows.append({**row, "chosen lr": f"{self.chosen[name]:g}"})
        return Table(tuple(rows))

    def at_edge(self):
        """The optimizers whose chosen rate is the smallest or largest of the grid: their best
        rate may lie outside it."""
        edges = (min(self.rates), max(self.rates))
        return [name for name, rate in self.chosen.items() if rate in edges]


def _rates(rates):
    if not isinstance(rates, Sequence) or isinstance(rates, str) or len(rates) < 2:
        raise ValueError(f"rates must be a sequence of at least 2 learning rates, got {rates!r}")
    for rate in rates:
        check_number("rates", rate, 0, low_open=True)
    if len(set(rates)) != len(rates):
        raise ValueError(f"rates must be different from each other, got {list(rates)}")
    return tuple(sorted(rates))


def choose_rate(rates, accuracy, loss):
    """The rate with the highest mean validation accuracy over seeds; among equal accuracies,
    the lowest mean validation loss (then the first). `accuracy`, `loss`: (rates, seeds)."""
    means = [(float(np.mean(a)), -float(np.mean(v))) for a, v in zip(accuracy, loss)]
    return rates[max(range(len(rates)), key=means.__getitem__)]


def learning_rate_sweep(optimizers, rates, split, build_model, seeds, epochs, *, batch_size=32):
    """Train every optimizer at every rate over `seeds`; choose each one's rate on validation.

    Args:
        optimizers: {name: make(learning_rate) -> an unused Keras optimizer}.
        rates: the learning rates to try (at least 2, > 0), the same grid for every optimizer.
        split: a `course.data.Split` (train, validation and test arrays).
        build_model: zero-argument builder of a small dense classifier (see `train_seeds`).
        seeds, epochs, batch_size: as in `course.train.train_seeds`.

    The rate is chosen by `choose_rate` on the validation split; test items are scored only at
    the chosen rate. Returns a `Sweep`.
    """
    from course.train import train_seeds

    if not isinstance(optimizers, Mapping) or not optimizers:
        raise TypeError(
            "optimizers must be a non-empty dict of name -> make(learning_rate), "
            f"got {optimizers!r}"
        )
    for name, make in optimizers.items():
        check_callable(f"optimizers[{name!r}]", make, "a callable make(learning_rate)")
    rates = _rates(rates)
    accuracy, loss, chosen, test = {}, {}, {}, {}
    for name, make in optimizers.items():
        runs = [
            train_seeds(
                build_model,
                split.x_train,
                split.y_train,
                seeds,
                epochs,
                batch_size=batch_size,
                optimizer=make(rate),
                learning_rate=rate,
            )
            for rate in rates
        ]
        accuracy[name] = np.stack([run.correct(split.x_val, split.y_val).mean(1) for run in runs])
        loss[name] = np.stack([run.losses(split.x_val, split.y_val).mean(1) for run in runs])
        chosen[name] = choose_rate(rates, accuracy[name], loss[name])
        test[name] = runs[rates.index(chosen[name])].correct(split.x_test, split.y_test)
    return Sweep(rates, accuracy, loss, chosen, test)


def switch_runs(
    split,
    build_model,
    seeds,
    epochs,
    then_epochs,
    rate,
    reduced_rate,
    *,
    momentum=0.9,
    batch_size=32,
):
    """Adam for `epochs`, then three continuations from that one point for `then_epochs`,
    each with a fresh optimizer on the same batches; returns {arm: test correctness
    (seeds, items)} in this order:

    - the switch: SGD with `momentum` at `reduced_rate`;
    - the control: Adam at `reduced_rate` (the same drop in rate, no change of method);
    - Adam at `rate` again (no drop), to show what the drop alone does.
    """
    from course.optim import SGD, Adam
    from course.train import continue_seeds, train_seeds

    check_number("rate", rate, 0, low_open=True)
    check_number("reduced_rate", reduced_rate, 0, rate, low_open=True, high_open=True)
    check_number("momentum", momentum, 0, 1, high_open=True)
    data = (split.x_train, split.y_train)
    start = train_seeds(
        build_model,
        *data,
        seeds,
        epochs,
        batch_size=batch_size,
        optimizer=Adam(),
        learning_rate=rate,
    )
    arms = {
        f"Adam, then SGD+momentum {reduced_rate:g}": (SGD(momentum=momentum), reduced_rate),
        f"Adam, then Adam {reduced_rate:g}": (Adam(), reduced_rate),
        f"Adam, then Adam {rate:g}": (Adam(), rate),
    }
    return {
        name: continue_seeds(
            start, *data, then_epochs, batch_size=batch_size, optimizer=opt, learning_rate=lr
        ).correct(split.x_test, split.y_test)
        for name, (opt, lr) in arms.items()
    }


def warmup_runs(split, build_model, seeds, epochs, rate, warmup_steps, *, batch_size=32):
    """Adam on a cosine decay from `rate` over the run's steps, without and with a linear warmup
    of `warmup_steps` in front; returns ({arm: test loss per item after the first epoch},
    {arm: test correctness at the end}), each (seeds, items).

    The first-epoch models are trained for one epoch on the same schedule: the same batches and
    rates as the first epoch of the full run, so they are that run after one epoch.
    """
    from course.optim import Adam
    from course.optim.schedules import CosineDecay, LinearWarmup
    from course.train import train_seeds

    check_number("rate", rate, 0, low_open=True)
    check_number("epochs", epochs, 1, integer=True)
    check_number("batch_size", batch_size, 1, integer=True)
    total = epochs * -(-len(split.x_train) // batch_size)
    check_number("warmup_steps", warmup_steps, 1, total, integer=True)
    schedules = {
        "no warmup": CosineDecay(rate, total),
        f"warmup {warmup_steps}": LinearWarmup(CosineDecay(rate, total), warmup_steps),
    }
    first, final = {}, {}
    for name, schedule in schedules.items():
        runs = [
            train_seeds(
                build_model,
                split.x_train,
                split.y_train,
                seeds,
                n,
                batch_size=batch_size,
                optimizer=Adam(schedule),
                learning_rate=None,
            )
            for n in (1, epochs)
        ]
        first[name] = runs[0].losses(split.x_test, split.y_test)
        final[name] = runs[1].correct(split.x_test, split.y_test)
    return first, final
