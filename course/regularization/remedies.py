"""Overfitting made visible, and each remedy of the notes measured on the same data.

A big MLP (`course.models.mlp` with the `BASELINE` arguments) trained on a few hundred digits
memorises them: training loss goes to ~0 while validation loss turns back up. `compare_remedies`
retrains it once per remedy (penalties, weight decay, early stopping, a smaller model, dropout,
BatchNorm, augmentation) and reports
the final training and validation loss (both in inference mode) and their gap.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from course.data.split import check_split
from course.regularization.penalties import L1L2
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
            "stop when val loss has not improved for 3 epochs, restore best",
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
    """Final losses (inference mode) of one run, the epochs it ran and its per-epoch history.

    `test_loss`/`test_accuracy` are measured on data no choice was made on: early stopping picks
    its epoch by the validation loss, so its validation figures flatter it and only the test
    figures compare it fairly with the other remedies.
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


def small_training_set(split, n_train=150, seed=0):
    """The first `n_train` training samples of a `Split` after a seeded shuffle (x, y)."""
    check_split("split", split)
    check_number("n_train", n_train, 10, len(split.x_train), integer=True)
    keep = np.random.default_rng(seed).permutation(len(split.x_train))[:n_train]
    return split.x_train[keep], split.y_train[keep]


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
):
    """Train one remedy's model from the same seed and return its `RemedyResult`.

    Each logged epoch is `passes` passes over the (small) training set, so a long run costs
    few of `fit`'s per-epoch overheads; `patience` counts logged epochs. `test`, an
    ``(x_test, y_test)`` pair, adds the test loss and accuracy.
    """
    import keras
    import tensorflow as tf

    from course.models import mlp
    from course.models.compiling import build_optimizer
    from course.optim import Adam

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
        validation_data=(x_val, y_val),
        callbacks=callbacks,
    )
    train = model.evaluate(x, y, verbose=0, return_dict=True)
    val = model.evaluate(x_val, y_val, verbose=0, return_dict=True)
    tested = {} if test is None else model.evaluate(*test, verbose=0, return_dict=True)
    return RemedyResult(
        remedy.name,
        float(train["loss"]),
        float(val["loss"]),
        float(val["accuracy"]),
        len(history.history["loss"]),
        history.history,
        float(tested["loss"]) if tested else None,
        float(tested["accuracy"]) if tested else None,
    )


def compare_remedies(split, remedies=None, n_train=150, epochs=30, passes=5, seed=0, verbose=False):
    """Train the baseline and each remedy on `n_train` samples of `split`; a list of results,
    each scored on the validation split and on the untouched test split."""
    x, y = small_training_set(split, n_train, seed)
    results = []
    for remedy in remedies or default_remedies():
        results.append(
            train_remedy(
                remedy,
                x,
                y,
                split.x_val,
                split.y_val,
                split.num_classes,
                epochs=epochs,
                passes=passes,
                seed=seed,
                test=(split.x_test, split.y_test),
            )
        )
        if verbose:
            print(f"trained {remedy.name}: {results[-1].epochs} epochs")
    return results


def results_table(results):
    """A fixed-width text table: final train/val loss, their gap, val accuracy, epochs run and,
    when measured, test loss and accuracy."""
    if not isinstance(results, (list, tuple)) or not results:
        raise TypeError(
            f"results must be a non-empty list of RemedyResult, got {type(results).__name__} "
            f"{results!r}"
        )
    for r in results:
        check_type("results", r, RemedyResult, "a list of RemedyResult (from compare_remedies)")
    tested = all(r.test_loss is not None for r in results)
    header = (
        f"{'remedy':<16}{'train loss':>11}{'val loss':>10}{'gap':>8}{'val acc':>9}{'epochs':>8}"
    )
    lines = [header + (f"{'test loss':>11}{'test acc':>10}" if tested else "")]
    for r in results:
        row = (
            f"{r.name:<16}{r.train_loss:>11.3f}{r.val_loss:>10.3f}{r.gap:>8.3f}"
            f"{r.val_accuracy:>9.3f}{r.epochs:>8d}"
        )
        lines.append(row + (f"{r.test_loss:>11.3f}{r.test_accuracy:>10.3f}" if tested else ""))
    return "\n".join(lines)
