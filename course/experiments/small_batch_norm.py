"""BatchNorm vs LayerNorm vs GroupNorm at small batch sizes (section 11.4), using `course.layers`.

BatchNorm normalises each feature with statistics of the current batch during training and
with running averages at inference. With 2 examples the batch statistics are mostly noise (each
normalised feature is +-1, up to epsilon, whatever the input), so an example's output depends on
its batch mates and differs from the inference output. LayerNorm and GroupNorm use statistics of
each example alone: no dependence on the batch, identical in training and inference.
"""

import keras
import numpy as np

from course.models.dense import NORMS, mlp, norm_layer
from course.profiles import profile
from course.validation import check_choice, check_number

KINDS = NORMS


def make_norm(kind, groups=4, momentum=0.9):
    """A `course.layers` normaliser: "batch" (BatchNorm), "layer" (LayerNorm), "group"
    (GroupNorm)."""
    check_choice("kind", kind, KINDS)
    options = {"batch": {"momentum": momentum}, "layer": {}, "group": {"groups": groups}}[kind]
    return norm_layer(kind, **options)


def _batches(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


def batch_dependence(kind, x, batch_size, trials=20, seed=0):
    """How much example 0's training-mode output changes with its batch mates.

    Example 0 is normalised in `trials` batches with different random companions; returns the
    standard deviation across trials, averaged over features (0 = independent of the batch).
    """
    check_number("batch_size", batch_size, 2, integer=True)
    rng = np.random.default_rng(seed)
    layer = make_norm(kind)
    outputs = []
    for _ in range(trials):
        mates = rng.choice(np.arange(1, len(x)), size=batch_size - 1, replace=False)
        outputs.append(np.asarray(layer(x[np.r_[0, mates]], training=True))[0])
    return float(np.mean(np.std(outputs, axis=0)))


def train_inference_gap(kind, x, batch_size, updates=100, seed=0):
    """Mean |training-mode output - inference-mode output| after the running stats settle.

    The layer first sees `updates` random batches in training mode (the same number for every
    batch size, enough for momentum 0.9 to forget its start); the gap is then measured batch by
    batch. At batch size n BatchNorm's batch variance is biased by (n - 1) / n, so with n = 2
    even the running variance is about half the true one.
    """
    check_number("batch_size", batch_size, 2, integer=True)
    check_number("updates", updates, 1, integer=True)
    rng = np.random.default_rng(seed)
    layer = make_norm(kind)
    for _ in range(updates):
        layer(x[rng.choice(len(x), size=batch_size, replace=False)], training=True)
    gaps = [
        np.mean(
            np.abs(
                np.asarray(layer(x[idx], training=True)) - np.asarray(layer(x[idx], training=False))
            )
        )
        for idx in _batches(len(x), batch_size, rng)
    ]
    return float(np.mean(gaps))


def small_batch_table(x, batch_sizes=(2, 64), kinds=KINDS, seed=0):
    """Rows {kind, batch_size, batch_dependence, train_inference_gap} for every combination."""
    return [
        {
            "kind": kind,
            "batch_size": b,
            "batch_dependence": batch_dependence(kind, x, b, seed=seed),
            "train_inference_gap": train_inference_gap(kind, x, b, seed=seed),
        }
        for kind in kinds
        for b in batch_sizes
    ]


def norm_mlp(n_inputs, num_classes, kind, width=64, seed=0):
    """`course.models.mlp`: Dense -> `make_norm(kind)` -> ReLU, twice, then a softmax layer.

    Every Dense keeps its bias, so the three kinds differ only in the normaliser.
    """
    check_choice("kind", kind, KINDS)
    for name, size in (("n_inputs", n_inputs), ("num_classes", num_classes), ("width", width)):
        check_number(name, size, 1, integer=True)
    init = keras.initializers.GlorotUniform
    return mlp(
        n_inputs,
        num_classes,
        hidden=(width, width),
        norm=lambda: make_norm(kind),
        use_bias=True,
        kernel_initializer=[init(seed + i) for i in range(3)],
    )


def train_with_norm(
    kind, x_train, y_train, x_val, y_val, batch_size, steps=None, seed=0, learning_rate=1e-3
):
    """Train `norm_mlp` with mini-batches of `batch_size`; returns validation accuracies.

    "inference": the usual evaluation (BatchNorm uses its running averages);
    "batch_stats": the same model evaluated in training mode on batches of `batch_size`, i.e.
    with the statistics it saw while training (for LayerNorm/GroupNorm the two are equal);
    "correct": the usual evaluation's per-example correctness on all of `x_val`, in order, so
    that runs of any batch size and seed are scored on the same items (`course.analysis.compare`).
    """
    import tensorflow as tf

    steps = profile().small_batch_norm.steps if steps is None else steps
    check_number("steps", steps, 1, integer=True)
    keras.utils.set_random_seed(seed)
    num_classes = int(y_train.max()) + 1
    model = norm_mlp(x_train.shape[1], num_classes, kind, seed=seed)
    optimizer = keras.optimizers.Adam(learning_rate)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)

    rng = np.random.default_rng(seed)
    for _ in range(steps):
        idx = rng.choice(len(x_train), size=batch_size, replace=False)
        step(tf.constant(x_train[idx]), tf.constant(y_train[idx]))
    batches = _batches(len(x_val), batch_size, rng)  # full batches only: the same examples
    seen = np.concatenate(batches)  # are scored both ways
    inference = np.argmax(np.asarray(model(x_val[seen], training=False)), axis=1) == y_val[seen]
    hits = [
        np.argmax(np.asarray(model(x_val[idx], training=True)), axis=1) == y_val[idx]
        for idx in batches
    ]
    return {
        "inference": float(np.mean(inference)),
        "batch_stats": float(np.mean(np.concatenate(hits))),
        "correct": np.argmax(np.asarray(model(x_val, training=False)), axis=1) == y_val,
    }
