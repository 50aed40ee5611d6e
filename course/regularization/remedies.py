"""Overfitting made visible, and each remedy of the notes measured on the same data over seeds.

A big MLP (`course.models.mlp` with the `BASELINE` arguments) trained on a few hundred digits
memorises them: training loss goes to ~0 while validation loss turns back up (`train_remedy`,
one run with its curves). `compare_remedies` trains every remedy (penalties, weight decay, early
stopping, a smaller model, dropout, BatchNorm, augmentation) once per seed: seed s draws its own
training images, the same for every remedy, and every model starts from seed s. Each run reports
its final training and validation loss (inference mode) and its per-item results on the same
test items, which `course.analysis.compare` turns into verdicts with intervals.

Every remedy gets the same labelled images: early stopping holds out part of them to choose its
epoch on, so it is judged against a baseline that trained on all of them, and on items it did
not choose on.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from course.data.split import check_split
from course.regularization.penalties import L1L2
from course.table import Table
from course.validation import check_number, check_type

BASELINE = {"hidden": (512, 512), "output_activation": None}  # `course.models.mlp` arguments


def augmenter(translate=0.15, rotate=0.05, seed=0):
    """Small random shifts and rotations for 8x8 digits (labels unchanged), for the input
    pipeline."""
    import keras

    check_number("translate", translate, 0, 1)
    check_number("rotate", rotate, 0, 1)

    return keras.Sequential(
        [
            keras.layers.RandomTranslation(translate, translate, fill_mode="constant", seed=seed),
            keras.layers.RandomRotation(rotate, fill_mode="constant", seed=seed + 1),
        ]
    )


@dataclass(frozen=True)
class Remedy:
    """One way of training the model: what to change relative to the overfitting baseline."""

    name: str
    description: str
    model: dict = field(default_factory=dict)  # `course.models.mlp` overrides of BASELINE
    optimizer: Callable | None = None  # () -> optimizer; Adam(1e-3) by default
    early_stopping: bool = False
    augment: bool = False


def default_remedies():
    """The notes' toolkit (section 4.2), each as a change to the baseline."""
    from course.optim import AdamW

    return [
        Remedy("baseline", "big MLP (2 x 512), nothing else"),
        Remedy(
            "L2 penalty", "1e-3 * sum(w^2) per kernel", model={"kernel_regularizer": L1L2(l2=1e-3)}
        ),
        Remedy(
            "L1 penalty", "1e-4 * sum|w| per kernel", model={"kernel_regularizer": L1L2(l1=1e-4)}
        ),
        Remedy(
            "weight decay",
            "AdamW, weight_decay=0.5 (decoupled)",
            optimizer=lambda: AdamW(1e-3, weight_decay=0.5),
        ),
        Remedy(
            "early stopping",
            "hold out 20% of the images; stop when their loss has not improved for 3 epochs, "
            "restore best",
            early_stopping=True,
        ),
        Remedy("smaller model", "one hidden layer of 32", model={"hidden": (32,)}),
        Remedy(
            "dropout", "course.layers.Dropout(0.5) after each hidden layer", model={"dropout": 0.5}
        ),
        Remedy("batchnorm", "course.layers.BatchNorm before each ReLU", model={"norm": "batch"}),
        Remedy("augmentation", "random shifts (+/-15%) and rotations (+/-18 deg)", augment=True),
    ]


@dataclass(frozen=True)
class RemedyResult:
    """One run: final losses (inference mode, cross-entropy without any penalty), the logged
    epochs it ran and its per-epoch history.

    Early stopping's history ``val_loss`` is the loss on the images it held out and chose its
    epoch on; its `val_loss` field, like every other remedy's, is measured on the validation
    split, which it did not choose on. `test_loss`/`test_accuracy` come from the test split.
    """

    name: str
    train_loss: float
    val_loss: float
    val_accuracy: float
    epochs: int
    history: dict
    test_loss: float | None = None
    test_accuracy: float | None = None

    @property
    def gap(self):
        """Validation minus training loss: how much the model fits the training set specifically."""
        return self.val_loss - self.train_loss


@dataclass(frozen=True, eq=False)
class RemedyRuns:
    """One remedy over seeds: per-seed final losses and per-item results on the test items.

    `test_correct` (seeds, items) and `test_loss` (seeds, items, per-item cross-entropy) are
    `course.analysis.compare`'s input; every remedy of one `compare_remedies` call shares the
    seeds, the training draws and the test items.
    """

    name: str
    seeds: tuple
    train_loss: np.ndarray  # (seeds,) on the images the seed trained on
    val_loss: np.ndarray  # (seeds,) on the validation split
    epochs: np.ndarray  # (seeds,) logged epochs run
    test_correct: np.ndarray  # (seeds, items)
    test_loss: np.ndarray  # (seeds, items)

    @property
    def gap(self):
        """Validation minus training loss per seed."""
        return self.val_loss - self.train_loss


def _draw(n_pool, n_train, seed):
    """The rows of seed `seed`'s training draw: the first `n_train` of a seeded permutation."""
    return np.random.default_rng(seed).permutation(n_pool)[:n_train]


def small_training_set(split, n_train=150, seed=0):
    """The first `n_train` training samples of a `Split` after a seeded shuffle (x, y)."""
    check_split("split", split)
    check_number("n_train", n_train, 10, len(split.x_train), integer=True)
    keep = _draw(len(split.x_train), n_train, seed)
    return split.x_train[keep], split.y_train[keep]


def _item_losses(logits, y):
    """Per-item cross-entropy of logits (..., items, classes) against labels (items,)."""
    from scipy.special import logsumexp

    logits = np.asarray(logits, dtype="float64")
    picked = np.take_along_axis(logits, np.broadcast_to(y[:, None], logits.shape[:-1] + (1,)), -1)
    return logsumexp(logits, axis=-1) - picked[..., 0]


def _logits(model, x):
    """A fitted model's logits on `x`, in inference mode."""
    return model.predict(x, verbose=0, batch_size=1024)


def _fit(
    remedy, x, y, num_classes, *, epochs, passes, batch_size, seed, patience, holdout, monitor
):
    """Train one remedy's model with `model.fit` from seed `seed`; returns (model, history,
    rows trained on). Early stopping trains on all but the last `holdout` of (x, y) and chooses
    its epoch on those; the others log `monitor` (an (x, y) pair, or None) as their validation."""
    import keras
    import tensorflow as tf

    from course.models import mlp
    from course.models.compiling import build_optimizer
    from course.optim import Adam

    if remedy.early_stopping:
        check_number("holdout", holdout, 1, len(x) - 1, integer=True)
        x, y, monitor = x[:-holdout], y[:-holdout], (x[-holdout:], y[-holdout:])
    keras.utils.set_random_seed(seed)
    model = mlp(x.shape[1:], num_classes, **{**BASELINE, **remedy.model})
    optimizer = remedy.optimizer() if remedy.optimizer else Adam(1e-3)
    model.compile(
        optimizer,
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        steps_per_execution=8,
        jit_compile=False,
    )
    build_optimizer(optimizer, model.trainable_variables)
    data = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=seed)
        .batch(batch_size)
        .repeat(passes)
    )
    if remedy.augment:
        augment = augmenter(seed=seed)
        # In order: parallel calls would race on the layer's seed state (see course.data.pipeline).
        data = data.map(lambda a, b: (augment(a, training=True), b))
    callbacks = (
        [keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)]
        if remedy.early_stopping
        else []
    )
    history = model.fit(
        data.prefetch(tf.data.AUTOTUNE),
        epochs=epochs,
        verbose=0,
        shuffle=False,
        validation_data=monitor,
        callbacks=callbacks,
    )
    return model, history.history, (x, y)


def train_remedy(
    remedy,
    x,
    y,
    x_val,
    y_val,
    num_classes,
    epochs=30,
    passes=5,
    batch_size=32,
    seed=0,
    patience=3,
    test=None,
    holdout=30,
):
    """Train one remedy's model from the same seed and return its `RemedyResult`.

    Each logged epoch is `passes` passes over the (small) training set, so a long run costs
    few of `fit`'s per-epoch overheads; `patience` counts logged epochs. Early stopping holds
    out the last `holdout` images of (x, y) to choose on; the other remedies log (x_val, y_val)
    in their history. `test`, an ``(x_test, y_test)`` pair, adds the test loss and accuracy.
    """
    settings = {"epochs": epochs, "passes": passes, "batch_size": batch_size, "seed": seed}
    model, history, (x_fit, y_fit) = _fit(
        remedy,
        x,
        y,
        num_classes,
        patience=patience,
        holdout=holdout,
        monitor=(x_val, y_val),
        **settings,
    )

    def scores(xs, ys):
        logits = _logits(model, xs)
        return float(_item_losses(logits, ys).mean()), float((logits.argmax(-1) == ys).mean())

    val_loss, val_accuracy = scores(x_val, y_val)
    test_loss, test_accuracy = (None, None) if test is None else scores(*test)
    return RemedyResult(
        remedy.name,
        scores(x_fit, y_fit)[0],
        val_loss,
        val_accuracy,
        len(history["loss"]),
        history,
        test_loss,
        test_accuracy,
    )


def _stackable(remedy):
    """True when the remedy's model is Dense and Dropout layers trained plainly: its seeds can
    train together in one graph (`course.train.seed_batch.train_seeds`)."""
    return not (remedy.early_stopping or remedy.augment or remedy.model.get("norm"))


def held_out_items(split, seeds, n_train=150):
    """(x, y) of the items every arm of `compare_remedies` is scored on: the test split, then
    the training images that no seed's draw contains (no run trained or chose on them)."""
    check_split("split", split)
    drawn = np.concatenate([_draw(len(split.x_train), n_train, s) for s in seeds])
    unused = np.setdiff1d(np.arange(len(split.x_train)), drawn)
    return (
        np.concatenate([split.x_test, split.x_train[unused]]),
        np.concatenate([split.y_test, split.y_train[unused]]),
    )


def compare_remedies(
    split,
    seeds=None,
    remedies=None,
    n_train=150,
    epochs=30,
    passes=5,
    holdout=30,
    batch_size=32,
    patience=3,
):
    """Train the baseline and each remedy once per seed; {name: `RemedyRuns`}.

    `seeds` (at least 2, distinct) defaults to ``range(profile().regularization.seeds)``. Seed
    s draws its own `n_train` training images of `split` (the same draw for every remedy) and
    starts every model from seed s; all runs are scored on the same `held_out_items`. Remedies
    whose model is Dense and Dropout layers (baseline, penalties, weight decay, smaller model,
    dropout) train all seeds together with `train_seeds` (each seed equal to that seed trained
    alone on the same batches); early stopping, BatchNorm and augmentation run `model.fit`
    once per seed. Both draw each seed's own shuffling of its images.
    """
    from course.models import mlp
    from course.optim import Adam
    from course.profiles import profile
    from course.train.seed_batch import train_seeds

    check_split("split", split)
    seeds = tuple(range(profile().regularization.seeds)) if seeds is None else seeds
    if not isinstance(seeds, (list, tuple, range)) or len(set(seeds)) < max(2, len(seeds)):
        raise ValueError(f"seeds must be at least 2 different ints, got {seeds!r}")
    for seed in seeds:
        check_number("seeds", seed, 0, integer=True)
    check_number("n_train", n_train, 10, len(split.x_train), integer=True)
    check_number("holdout", holdout, 1, n_train - 1, integer=True)
    check_number("epochs", epochs, 1, integer=True)
    check_number("passes", passes, 1, integer=True)
    x_pool, y_pool = split.x_train, split.y_train
    draws = np.stack([_draw(len(x_pool), n_train, s) for s in seeds])
    x_test, y_test = held_out_items(split, seeds, n_train)
    fit = {"num_classes": split.num_classes, "epochs": epochs, "passes": passes}
    fit.update(batch_size=batch_size, patience=patience, holdout=holdout)
    results = {}
    for remedy in remedies or default_remedies():
        if _stackable(remedy):
            run = train_seeds(
                lambda remedy=remedy: mlp(
                    split.input_shape, split.num_classes, **{**BASELINE, **remedy.model}
                ),
                x_pool,
                y_pool,
                tuple(seeds),
                epochs * passes,
                batch_size=batch_size,
                optimizer=remedy.optimizer() if remedy.optimizer else Adam(1e-3),
                learning_rate=None,
                rows=draws,
            )
            train_logits = [run.predict(x_pool[rows])[k] for k, rows in enumerate(draws)]
            train_loss = [_item_losses(t, y_pool[r]).mean() for t, r in zip(train_logits, draws)]
            val_logits, test_logits = run.predict(split.x_val), run.predict(x_test)
            ran = [epochs] * len(seeds)
        else:
            train_loss, val_logits, test_logits, ran = [], [], [], []
            for seed, rows in zip(seeds, draws):
                fitted = _fit(remedy, x_pool[rows], y_pool[rows], seed=seed, monitor=None, **fit)
                model, history, (x_fit, y_fit) = fitted
                train_loss.append(_item_losses(_logits(model, x_fit), y_fit).mean())
                val_logits.append(_logits(model, split.x_val))
                test_logits.append(_logits(model, x_test))
                ran.append(len(history["loss"]))
        results[remedy.name] = RemedyRuns(
            remedy.name,
            tuple(seeds),
            np.asarray(train_loss, dtype="float64"),
            _item_losses(np.asarray(val_logits), split.y_val).mean(axis=1),
            np.asarray(ran),
            np.asarray(test_logits).argmax(-1) == y_test,
            _item_losses(np.asarray(test_logits), y_test),
        )
    return results


def results_table(results):
    """A `Table` of each remedy's means over seeds: training and validation loss, their gap,
    logged epochs run, test loss and test accuracy (`results` from `compare_remedies`)."""
    if not isinstance(results, Mapping):
        raise TypeError(
            f"results must be the dict of name -> RemedyRuns that compare_remedies returns, "
            f"got {type(results).__name__} {results!r}"
        )
    if not results:
        raise ValueError("results must hold at least one remedy, got an empty dict")
    for r in results.values():
        check_type("results", r, RemedyRuns, "a dict of RemedyRuns (from compare_remedies)")
    return Table(
        tuple(
            {
                "remedy": r.name,
                "train loss": float(r.train_loss.mean()),
                "val loss": float(r.val_loss.mean()),
                "gap": float(r.gap.mean()),
                "epochs": float(r.epochs.mean()),
                "test loss": float(r.test_loss.mean()),
                "test acc": float(r.test_correct.mean()),
            }
            for r in results.values()
        )
    )
