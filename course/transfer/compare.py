"""The notes' transfer strategies measured side by side, and the Keras 3 BatchNorm pitfall shown.

`compare_strategies` trains each strategy (from scratch, frozen backbone + head, fine-tuning
the top block, fine-tuning everything, features + SVM) once per seed on the same few labelled
examples of a task, stops each Keras run early on the task's validation accuracy (keeping the
best weights), and records which test items each run gets right, so that
`course.analysis.comparison.compare` can judge the strategies on the same items. `bn_drift`
shows that `base(x, training=False)` alone does not keep BatchNorm's moving statistics fixed
once the base is trainable.
"""

from dataclasses import dataclass

import numpy as np

from course.validation import check_choice, check_number

STRATEGIES = (
    "from scratch",
    "freeze + train head",
    "fine-tune top block",
    "fine-tune everything",
    "features + SVM",
)
# The usual recipe in two phases: train the head on the frozen backbone, then unfreeze the top
# block at a 100x smaller learning rate and go on (`unfreeze`). Not in STRATEGIES, the notes'
# table, but accepted by `compare_strategies`.
TWO_PHASE = "head, then fine-tune top block"
FINE_TUNE_LEARNING_RATE = 1e-4  # the second phase of TWO_PHASE
BATCHNORM = ("trained", "frozen")
HEAD_LEARNING_RATE = 1e-2  # only the head trains: a convex problem on fixed features
LEARNING_RATE = 1e-3  # any convolution trains


@dataclass(frozen=True, eq=False)
class StrategyRuns:
    """One strategy trained once per seed.

    correct: per-item test correctness, shape (seeds, test items), `compare`'s input.
    histories: each seed's logs per epoch (loss and accuracy on the training batches and on the
    validation split); None for features + SVM, which has no epochs. best_epochs: the epoch whose
    weights each seed kept (the first with the best validation accuracy); None for the SVM.
    """

    strategy: str
    seeds: tuple
    correct: np.ndarray
    histories: tuple
    best_epochs: tuple


def compare_strategies(
    task,
    n_labelled,
    seeds,
    strategies=STRATEGIES,
    *,
    max_epochs,
    patience,
    steps_per_epoch=8,
    batchnorm="trained",
    backbone=None,
    fine_tune_from="conv3",
):
    """Train each of `strategies` on the first `n_labelled` training examples of `task` once per
    seed; return {strategy: StrategyRuns}, every run scored on the task's whole test split.

    task: a `course.data.Split`. seeds: distinct ints. Each Keras strategy sees shuffled batches
    of 32 of the labelled examples; an epoch here is `steps_per_epoch` steps, whatever
    `n_labelled` is, so a small and a large label budget get the same number of updates and
    checks. After each epoch the validation accuracy is measured (accuracy, not loss: the loss
    keeps creeping down as the model grows confident long after its predictions have settled);
    training stops after `patience` epochs without improvement (or `max_epochs`) and keeps the
    weights of the best epoch.

    batchnorm: how every Keras arm treats BatchNorm, the same in all of them: "trained" (gamma,
    beta and moving statistics learn from the target's batches, also under a frozen backbone)
    or "frozen" (inference mode with the statistics the backbone has: the source's, or mean 0
    and variance 1 for a network trained from scratch, which then does not normalise at all).
    features + SVM never trains the backbone: its features use the source statistics.
    backbone: a zero-argument callable returning a fresh pretrained backbone (default
    `pretrained_digits_backbone`); "from scratch" clones its architecture with new weights
    drawn from the seed. The head trains at `HEAD_LEARNING_RATE` when the convolutions are
    frozen and at `LEARNING_RATE` otherwise; `TWO_PHASE` then fine-tunes from `fine_tune_from`
    at `FINE_TUNE_LEARNING_RATE`, with its own early stopping (its history holds both phases).
    """
    from course.transfer.backbones import pretrained_digits_backbone

    check_number("n_labelled", n_labelled, 1, len(task.x_train), integer=True)
    check_number("max_epochs", max_epochs, 1, integer=True)
    check_number("patience", patience, 0, integer=True)
    check_number("steps_per_epoch", steps_per_epoch, 1, integer=True)
    check_choice("batchnorm", batchnorm, BATCHNORM)
    seeds = tuple(seeds)
    for seed in seeds:
        check_number("seeds", seed, 0, integer=True)
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be one or more different ints, got {list(seeds)}")
    unknown = [name for name in strategies if name not in (*STRATEGIES, TWO_PHASE)]
    if unknown:
        raise ValueError(
            f"unknown strategies {unknown}; valid names: {', '.join((*STRATEGIES, TWO_PHASE))}"
        )
    backbone = backbone or pretrained_digits_backbone
    x, y = task.x_train[:n_labelled], task.y_train[:n_labelled]
    if len(np.unique(y)) < 2:
        raise ValueError(
            f"n_labelled must take examples of at least two classes from the task's training "
            f"split; its first {n_labelled} are all of class {y[0]}"
        )
    training = {
        "max_epochs": max_epochs,
        "patience": patience,
        "steps_per_epoch": steps_per_epoch,
        "batchnorm": batchnorm,
        "fine_tune_from": fine_tune_from,
    }
    results = {}
    for name in strategies:
        if name == "features + SVM":
            runs = [_features_svm(task, x, y, backbone, seed) for seed in seeds]
        else:
            runs = [_keras_strategy(task, x, y, name, backbone, seed, **training) for seed in seeds]
        correct, histories, best = zip(*runs)
        results[name] = StrategyRuns(name, seeds, np.stack(correct), histories, best)
    return results


_MODES = {
    "from scratch": "full",
    "freeze + train head": "feature_extraction",
    "fine-tune top block": "fine_tune",
    "fine-tune everything": "full",
    TWO_PHASE: "feature_extraction",
}


def _keras_strategy(
    task,
    x,
    y,
    name,
    backbone,
    seed,
    *,
    max_epochs,
    patience,
    steps_per_epoch,
    batchnorm,
    fine_tune_from,
):
    """(test correctness, history, best epoch) of one Keras strategy trained from `seed`."""
    import keras
    import tensorflow as tf

    from course.models import compile_classifier
    from course.train.callbacks import EarlyStopping
    from course.transfer.builder import build_transfer_model
    from course.transfer.freezing import train_batchnorm, unfreeze

    keras.utils.set_random_seed(seed)
    base = backbone()
    if name == "from scratch":
        base = keras.models.clone_model(base)  # the architecture, new weights from the seed
    mode = _MODES[name]
    model = build_transfer_model(
        base, task.num_classes, mode=mode, fine_tune_from=fine_tune_from
    )  # every BN layer frozen
    if batchnorm == "trained":
        train_batchnorm(base)
    compile_classifier(model, HEAD_LEARNING_RATE if mode == "feature_extraction" else LEARNING_RATE)
    batches = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        .repeat()
        .batch(32)
    )
    fit = {
        "epochs": max_epochs,
        "steps_per_epoch": steps_per_epoch,
        "validation_data": (task.x_val, task.y_val),
        "shuffle": False,  # the dataset shuffles, seeded
        "verbose": 0,
    }
    stop = EarlyStopping("val_accuracy", patience=patience, restore_best_weights=True)
    history = model.fit(batches, callbacks=[stop], **fit).history
    best = stop.best_epoch
    if name == TWO_PHASE:  # go on from the best head with the top block trainable
        head_accuracy, head_weights = stop.best, model.get_weights()
        unfreeze(model, from_layer=fine_tune_from, recompile=False)  # freezes BN again
        if batchnorm == "trained":
            train_batchnorm(base)
        compile_classifier(model, FINE_TUNE_LEARNING_RATE)
        stop = EarlyStopping("val_accuracy", patience=patience, restore_best_weights=True)
        second = model.fit(batches, callbacks=[stop], **fit).history
        if stop.best > head_accuracy:  # else the head alone stays the best epoch
            best = len(history["loss"]) + stop.best_epoch
        else:
            model.set_weights(head_weights)
        history = {key: history[key] + second[key] for key in history}
    predicted = model.predict(task.x_test, batch_size=256, verbose=0).argmax(axis=-1)
    return predicted == task.y_test, history, best


def _features_svm(task, x, y, backbone, seed):
    """(test correctness, None, None) of an SVM on the frozen backbone's pooled features."""
    from course.transfer.features import extract_features, fit_feature_classifier

    base = backbone()
    svm = fit_feature_classifier(extract_features(base, x), y, kind="svm", seed=seed)
    return svm.predict(extract_features(base, task.x_test)) == task.y_test, None, None


def bn_drift(x, y, freeze_bn, layer="bn1", backbone=None, learning_rate=1e-4):
    """Largest change of `layer`'s moving mean after one epoch of training a trainable backbone.

    The backbone is always called with ``training=False``; with `freeze_bn` its BatchNorm
    layers are also set ``trainable=False`` (`course.transfer.freeze_batchnorm`). In Keras 3
    only the latter keeps the statistics fixed. `y` holds integer labels.
    """
    import keras

    from course.models import compile_classifier
    from course.transfer.backbones import pretrained_digits_backbone
    from course.transfer.freezing import freeze_batchnorm

    backbone = backbone or pretrained_digits_backbone
    base = backbone()
    reference = np.array(base.get_layer(layer).moving_mean)
    inputs = keras.Input(base.input_shape[1:])
    features = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
    model = keras.Model(
        inputs, keras.layers.Dense(int(np.max(y)) + 1, activation="softmax")(features)
    )
    base.trainable = True
    if freeze_bn:
        freeze_batchnorm(base)
    compile_classifier(model, learning_rate).fit(x, y, epochs=1, batch_size=32, verbose=0)
    return float(np.abs(np.array(base.get_layer(layer).moving_mean) - reference).max())
