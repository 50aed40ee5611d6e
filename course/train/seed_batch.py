"""Seeds that cost little: K seeds of a small dense model trained together in one graph.

A `StackedDense` layer holds K independent kernels with a leading seed axis and applies them with
one `einsum`, so a step of K seeds is one step of a K-times-wider batch of tiny matrix products:
on a CPU a step of the digits MLP is dominated by per-step overhead, which K seeds then share.
The loss is the sum of the seeds' own mean losses, so seed k's gradient is exactly its own
model's gradient; Keras' optimizers update element by element (SGD, momentum, Adam, RMSprop...),
so one optimizer over the stacked weights is K independent optimizers.

`train_seeds(build_model, x, y, seeds, epochs)` builds ``build_model()`` after
``keras.utils.set_random_seed(seed)`` for each seed, exactly as a single run would, stacks those
initial weights, and trains every seed on its own minibatch order (`epoch_order`), over its own
rows of `x` when `rows` gives them (a bootstrap resample, a training draw). Each seed then ends
where that seed trained alone on the same rows and order ends (tests/test_seed_batch.py proves
it). A kernel penalty that adds up over seeds (L1, L2) is summed into the loss like the seeds'
losses, so each seed gets its own penalty's gradient. Dropout draws independent masks per seed,
but not the masks a single run would draw. `continue_seeds(run, x, y, epochs)` trains a finished
run further with a fresh optimizer (a switch of optimizer or of rate from one shared point), each
seed on the next epochs of its order.
"""

from dataclasses import dataclass

import keras
import numpy as np
from keras import ops

from course.validation import check_number

SUPPORTED = (
    "Input, Flatten, Dense (with an additive kernel penalty or none), Activation and Dropout "
    "(Keras' or course.layers')"
)


@keras.saving.register_keras_serializable(package="course")
class StackedDense(keras.layers.Layer):
    """`stack` independent Dense layers at once: (stack, batch, in) -> (stack, batch, units).

    Args:
        units: output width of every member.
        stack: the number of members K (one per seed).
        activation: a Keras activation, applied on the last axis.
        use_bias: add one bias per member.
        kernel_regularizer: a penalty on the stacked kernel (in `losses`); to act as one penalty
            per member it must add up over members, as L1 and L2 do.
    """

    def __init__(
        self, units, stack, activation=None, use_bias=True, kernel_regularizer=None, **kwargs
    ):
        check_number("units", units, 1, integer=True)
        check_number("stack", stack, 1, integer=True)
        super().__init__(**kwargs)
        self.units, self.stack, self.use_bias = units, stack, bool(use_bias)
        self.activation = keras.activations.get(activation)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[0] not in (None, self.stack):
            raise ValueError(
                f"StackedDense expects inputs of shape (stack={self.stack}, batch, features), "
                f"got {tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            shape=(self.stack, input_shape[-1], self.units),
            initializer="glorot_uniform",
            regularizer=self.kernel_regularizer,
        )
        self.bias = (
            self.add_weight(shape=(self.stack, self.units), initializer="zeros")
            if self.use_bias
            else None
        )

    def call(self, inputs):
        outputs = ops.einsum("kbi,kio->kbo", inputs, self.kernel)
        if self.bias is not None:
            outputs = outputs + self.bias[:, None, :]
        return self.activation(outputs)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "stack": self.stack,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
        }


def _dropout_rate(layer):
    from course.layers import Dropout

    if isinstance(layer, keras.layers.Dropout):
        return layer.rate
    if isinstance(layer, Dropout):
        if not layer.inverted or layer.mc or layer.noise_shape is not None:
            raise ValueError(
                "build_model's course.layers.Dropout must be inverted, without mc or noise_shape "
                "to be stacked"
            )
        return layer.rate
    return None


def _additive_penalty(layer, kernels):
    """`layer`'s kernel penalty, checked to add up over the members' kernels (stacked: what the
    summed loss needs so each seed feels only its own penalty); None when it has none."""
    penalty = layer.kernel_regularizer
    if penalty is None:
        return None
    each = sum(float(ops.convert_to_numpy(penalty(ops.convert_to_tensor(k)))) for k in kernels)
    try:
        together = float(ops.convert_to_numpy(penalty(ops.convert_to_tensor(np.stack(kernels)))))
    except Exception:  # a penalty that needs a 2-D kernel (e.g. orthogonality) cannot be stacked
        together = None
    if together is None or not np.isclose(together, each, rtol=1e-4, atol=1e-6):
        raise ValueError(
            f"build_model's Dense kernel penalties must add up over seeds (L1, L2) to be "
            f"stacked; the one on {layer.name} does not"
        )
    return penalty


def stack_models(models):
    """One `keras.Sequential` of `StackedDense`/`Dropout` holding every model's weights.

    `models` are built Sequential models of the same architecture made of `SUPPORTED` layers; the
    stacked model maps flattened inputs (K, batch, features) to (K, batch, outputs).
    """
    first = models[0]
    if not first.built:
        raise ValueError("build_model must return a built model: start it with keras.Input(shape)")
    layers = []
    for i, layer in enumerate(first.layers):
        peers = [m.layers[i] for m in models]
        if isinstance(layer, keras.layers.Dense):
            if layer.bias_regularizer is not None or layer.activity_regularizer is not None:
                raise ValueError(
                    f"build_model's Dense layers must have no bias or activity regularizer to be "
                    f"stacked, got one on {layer.name}"
                )
            kernels = [ops.convert_to_numpy(p.kernel) for p in peers]
            stacked = StackedDense(
                layer.units,
                len(models),
                keras.activations.serialize(layer.activation),
                layer.use_bias,
                _additive_penalty(layer, kernels),
            )
            stacked.build((len(models), None, layer.kernel.shape[0]))
            stacked.kernel.assign(np.stack(kernels))
            if layer.use_bias:
                stacked.bias.assign(np.stack([ops.convert_to_numpy(p.bias) for p in peers]))
            layers.append(stacked)
        elif isinstance(layer, keras.layers.Activation):
            layers.append(keras.layers.Activation(layer.activation))
        elif _dropout_rate(layer) is not None:
            layers.append(keras.layers.Dropout(_dropout_rate(layer), seed=len(layers)))
        elif not isinstance(layer, keras.layers.Flatten):
            raise ValueError(
                f"build_model must return a model made of {SUPPORTED}; got a "
                f"{type(layer).__name__} layer ({layer.name})"
            )
    return keras.Sequential(layers)


def epoch_order(seed, n, epochs):
    """The order seed `seed` visits `n` training examples: one permutation per epoch, shape
    (epochs, n), from ``numpy.random.default_rng(seed)``. A single run trained on the same
    batches of this order is the reference each stacked seed equals."""
    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(n) for _ in range(epochs)])


@dataclass(frozen=True, eq=False)
class SeedRun:
    """K trained seeds: the stacked model and the builder, to predict or rebuild one seed;
    `epochs` trained so far (where `continue_seeds` picks up each seed's order) and whether the
    outputs are logits."""

    seeds: tuple
    stacked: keras.Model
    build_model: object
    epochs: int
    from_logits: bool

    def predict(self, x, batch_size=1024):
        """Every seed's outputs on `x`: shape (seeds, items, outputs)."""
        x = np.asarray(x, dtype="float32").reshape(len(x), -1)
        parts = []
        for start in range(0, len(x), batch_size):
            chunk = np.broadcast_to(
                x[start : start + batch_size],
                (len(self.seeds),) + x[start : start + batch_size].shape,
            )
            parts.append(ops.convert_to_numpy(self.stacked(chunk, training=False)))
        return np.concatenate(parts, axis=1)

    def correct(self, x, y):
        """Per-item correctness (seeds, items) of the argmax prediction: `compare`'s input."""
        y = _labels(x, y)
        return self.predict(x).argmax(axis=-1) == y[None, :]

    def losses(self, x, y):
        """Per-item cross-entropy (seeds, items) of every seed on (x, y): `compare`'s input for
        a loss (``kind="score", higher_is_better=False``)."""
        y = _labels(x, y)
        out = self.predict(x)
        labels = np.broadcast_to(y, out.shape[:2])
        return ops.convert_to_numpy(
            keras.losses.sparse_categorical_crossentropy(labels, out, from_logits=self.from_logits)
        )

    def model(self, seed):
        """Seed `seed` as a stand-alone model of `build_model`'s architecture, with its weights
        (built after ``keras.utils.set_random_seed(seed)``, which resets the global seed)."""
        if seed not in self.seeds:
            raise ValueError(
                f"seed must be one of the trained seeds {list(self.seeds)}, got {seed!r}"
            )
        k = self.seeds.index(seed)
        keras.utils.set_random_seed(seed)
        model = self.build_model()
        stacked = iter(layer for layer in self.stacked.layers if isinstance(layer, StackedDense))
        for layer in model.layers:
            if isinstance(layer, keras.layers.Dense):
                source = next(stacked)
                layer.kernel.assign(source.kernel[k])
                if layer.use_bias:
                    layer.bias.assign(source.bias[k])
        return model


def _optimizer(optimizer, learning_rate):
    """A fresh copy of `optimizer` (a name or an unused instance) at `learning_rate`."""
    if isinstance(optimizer, str):
        optimizer = keras.optimizers.get(optimizer)
    elif not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(
            f"optimizer must be a Keras optimizer name or an unused keras.optimizers.Optimizer, "
            f"got {type(optimizer).__name__}"
        )
    elif optimizer.built:
        raise ValueError("optimizer must be unused (not built): its state would mix with ours")
    config = optimizer.get_config()
    for key in ("clipnorm", "global_clipnorm"):
        if config.get(key) is not None:
            raise ValueError(
                f"optimizer must not set {key}: a norm over the stacked weights mixes the seeds"
            )
    if learning_rate is not None:
        config["learning_rate"] = check_number("learning_rate", learning_rate, 0, low_open=True)
    return type(optimizer).from_config(config)


def _from_logits(model):
    last = model.layers[-1]
    activation = getattr(last, "activation", None)
    if activation is keras.activations.softmax:
        return False
    if activation is keras.activations.linear:
        return True
    raise ValueError(
        "build_model's last layer must be a Dense with softmax (probabilities) or no activation "
        f"(logits), got {getattr(activation, '__name__', activation)}"
    )


def _labels(x, y):
    """`y` as an array, checked to label every item of `x`."""
    y = np.asarray(y)
    if len(y) != len(x):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    return y


def _rows(rows, n_seeds, n_x):
    """Each seed's training rows of x, (K, n): all of x for every seed when `rows` is None."""
    if rows is None:
        return np.tile(np.arange(n_x), (n_seeds, 1))
    rows = np.asarray(rows)
    if (
        rows.ndim != 2
        or rows.shape[0] != n_seeds
        or rows.shape[1] < 1
        or rows.dtype.kind not in "iu"
    ):
        raise ValueError(
            f"rows must be integer row indices of shape (seeds={n_seeds}, n >= 1), one row set "
            f"per seed, got {rows.dtype} {rows.shape}"
        )
    if rows.min() < 0 or rows.max() >= n_x:
        raise ValueError(
            f"rows must index x (0 to {n_x - 1}), got values from {rows.min()} to {rows.max()}"
        )
    return rows


def _batches(seeds, rows, first, epochs, batch_size):
    """Every step's rows for every seed, (steps, K, batch), and the rows' weights (steps, batch),
    for epochs first .. first + epochs - 1: each epoch's short last batch is padded with weight-0
    rows, so all steps share one shape. Seed k visits its own rows, ``rows[k]``, in
    `epoch_order`."""
    n = rows.shape[1]
    per_epoch = -(-n // batch_size)
    pad = per_epoch * batch_size - n
    orders = np.stack(
        [own[epoch_order(seed, n, first + epochs)[first:]] for seed, own in zip(seeds, rows)],
        axis=1,
    )  # (epochs, K, n)
    orders = np.pad(orders, ((0, 0), (0, 0), (0, pad)))
    batches = orders.reshape(epochs, len(seeds), per_epoch, batch_size).transpose(0, 2, 1, 3)
    weight = np.pad(np.ones(n, "float32"), (0, pad)).reshape(per_epoch, batch_size)
    return (
        batches.reshape(-1, len(seeds), batch_size).astype("int32"),
        np.tile(weight, (epochs, 1)),
    )


def _data(x, y, epochs, batch_size):
    """The training arguments checked; returns (x as float32, y)."""
    check_number("epochs", epochs, 1, integer=True)
    check_number("batch_size", batch_size, 1, integer=True)
    x = np.asarray(x, dtype="float32")
    y = _labels(x, y)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise ValueError(f"y must be integer class labels of shape (n,), got {y.dtype} {y.shape}")
    return x, y


def _fit(stacked, from_logits, x, y, seeds, rows, first, epochs, batch_size, optimizer):
    """Train `stacked` in place, seed k on its `rows` in epochs first .. first + epochs - 1 of its
    order."""
    import tensorflow as tf

    x_all = tf.constant(x.reshape(len(x), -1))
    y_all = tf.constant(y.astype("int32"))
    optimizer.build(stacked.trainable_variables)

    def step(index, weight):  # index: (K, batch) rows of x_all per seed; weight: 0 on padding
        with tf.GradientTape() as tape:
            out = stacked(tf.gather(x_all, index), training=True)
            losses = keras.losses.sparse_categorical_crossentropy(
                tf.gather(y_all, index), out, from_logits=from_logits
            )
            # Each seed's own mean over its real examples, summed: the seeds' gradients stay apart.
            loss = ops.sum(ops.sum(losses * weight, axis=1) / ops.sum(weight))
            if stacked.losses:  # kernel penalties: each adds up its seeds' own penalties
                loss = loss + sum(stacked.losses)
        grads = tape.gradient(loss, stacked.trainable_variables)
        optimizer.apply(grads, stacked.trainable_variables)

    @tf.function
    def run(batches, weights):  # (steps, K, batch), (steps, batch): the whole run in one call
        for i in tf.range(tf.shape(batches)[0]):
            step(batches[i], weights[i])

    run(*_batches(seeds, rows, first, epochs, batch_size))


def _build_all(build_model, seeds):
    """``build_model()`` after ``keras.utils.set_random_seed(seed)``, for each seed."""
    models = []
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        models.append(build_model())
    return models


def train_seeds(
    build_model,
    x,
    y,
    seeds,
    epochs,
    *,
    batch_size=32,
    optimizer="adam",
    learning_rate=1e-3,
    rows=None,
):
    """Train ``build_model()`` once per seed, all seeds together in one graph; return a `SeedRun`.

    Seed s starts from the weights ``build_model()`` gets after ``keras.utils.set_random_seed(s)``
    and sees batches of `batch_size` of its rows in `epoch_order(s, n, epochs)`, with its own
    copy of `optimizer` (a name or an unused instance; `learning_rate` overrides its rate, None
    keeps it) on sparse categorical cross-entropy (from logits when the head has no softmax).

    Args:
        build_model: zero-argument callable returning an uncompiled classifier made of
            Input, Flatten, Dense, Activation and Dropout layers (e.g. `course.models.mlp`
            without norm or preprocessing); Dense kernels may carry an L1/L2 penalty.
        x, y: training inputs and integer labels.
        seeds: distinct non-negative ints.
        epochs: passes over each seed's rows.
        rows: None (every seed trains on all of x) or integer indices of shape (seeds, n):
            seed k trains on ``x[rows[k]]`` (e.g. its bootstrap resample or its own draw).
    """
    if not callable(build_model):
        raise TypeError(f"build_model must be a callable, got {type(build_model).__name__}")
    seeds = tuple(seeds)
    for seed in seeds:
        check_number("seeds", seed, 0, integer=True)
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be one or more different ints, got {list(seeds)}")
    x, y = _data(x, y, epochs, batch_size)
    rows = _rows(rows, len(seeds), len(x))
    optimizer = _optimizer(optimizer, learning_rate)
    models = _build_all(build_model, seeds)
    from_logits = _from_logits(models[0])
    stacked = stack_models(models)
    _fit(stacked, from_logits, x, y, seeds, rows, 0, epochs, batch_size, optimizer)
    return SeedRun(seeds, stacked, build_model, epochs, from_logits)


def continue_seeds(run, x, y, epochs, *, batch_size=32, optimizer="adam", learning_rate=1e-3):
    """Train every seed of `run` for `epochs` more with a fresh `optimizer`; `run` is unchanged.

    Each seed starts from its weights in `run` and sees the next epochs of its order,
    ``epoch_order(s, len(x), run.epochs + epochs)[run.epochs:]``, so two continuations of one run
    (say SGD against Adam at the same rate) start from the same point and see the same batches.
    The optimizer starts with empty slots and its own step count: a switch of optimizer, not a
    resumed one. Arguments as in `train_seeds`; returns a new `SeedRun`.
    """
    if not isinstance(run, SeedRun):
        raise TypeError(f"run must be a SeedRun (from train_seeds), got {type(run).__name__}")
    x, y = _data(x, y, epochs, batch_size)
    optimizer = _optimizer(optimizer, learning_rate)
    stacked = stack_models(_build_all(run.build_model, run.seeds))
    stacked.set_weights(run.stacked.get_weights())
    rows = _rows(None, len(run.seeds), len(x))
    _fit(stacked, run.from_logits, x, y, run.seeds, rows, run.epochs, epochs, batch_size, optimizer)
    return SeedRun(run.seeds, stacked, run.build_model, run.epochs + epochs, run.from_logits)
