"""Seeds trained together in one graph: each stacked seed ends where that seed trained alone with
Keras' own `train_on_batch` ends, on the same initial weights, data order and optimizer."""

import keras
import numpy as np
import pytest

from course.analysis import compare
from course.data import load_digits
from course.models import mlp
from course.train.seed_batch import StackedDense, continue_seeds, epoch_order, train_seeds

SEEDS = (3, 7)
EPOCHS = 3
BATCH = 32  # 210 training images: 6 full batches and a last one of 18


@pytest.fixture(scope="module")
def digits():
    return load_digits(max_samples=300, seed=0)


def _build(digits, **options):
    return lambda: mlp(digits.input_shape, 10, hidden=(32, 16), **options)


def _alone(build, x, y, seed, optimizer, order_seed=None, phases=None):
    """Seed `seed` trained by itself: Keras' `train_on_batch` over the batches of its order.

    `phases` [(optimizer, epochs), ...] recompiles with each fresh optimizer in turn (the model
    keeps its weights), over consecutive epochs of the order; by default one phase of EPOCHS."""
    keras.utils.set_random_seed(seed)
    model = build()
    phases = phases or [(optimizer, EPOCHS)]
    orders = epoch_order(
        seed if order_seed is None else order_seed, len(x), sum(n for _, n in phases)
    )
    done = 0
    for phase_optimizer, epochs in phases:
        model.compile(phase_optimizer, keras.losses.SparseCategoricalCrossentropy())
        for order in orders[done : done + epochs]:
            for start in range(0, len(x), BATCH):
                batch = order[start : start + BATCH]
                model.train_on_batch(x[batch], y[batch])
        done += epochs
    return model


@pytest.mark.parametrize(
    "make_optimizer",
    [lambda: keras.optimizers.Adam(1e-3), lambda: keras.optimizers.SGD(0.05, momentum=0.9)],
    ids=["adam", "sgd-momentum"],
)
def test_each_stacked_seed_equals_that_seed_trained_alone(digits, make_optimizer):
    build, x, y = _build(digits), digits.x_train, digits.y_train
    run = train_seeds(
        build, x, y, SEEDS, EPOCHS, batch_size=BATCH, optimizer=make_optimizer(), learning_rate=None
    )
    predictions = run.predict(digits.x_val)
    for k, seed in enumerate(SEEDS):
        alone = _alone(build, x, y, seed, make_optimizer())
        for ours, theirs in zip(run.model(seed).get_weights(), alone.get_weights()):
            np.testing.assert_allclose(ours, theirs, atol=1e-5)
        expected = alone.predict(digits.x_val, verbose=0)
        np.testing.assert_allclose(predictions[k], expected, atol=1e-5)
    # The check can fail: the same seed on another seed's data order ends elsewhere.
    shuffled = _alone(build, x, y, SEEDS[0], make_optimizer(), order_seed=SEEDS[1])
    gap = np.abs(shuffled.predict(digits.x_val, verbose=0) - predictions[0]).max()
    assert gap > 1e-3


def test_a_continued_seed_equals_that_seed_switched_alone_and_leaves_the_run_unchanged(digits):
    build, x, y = _build(digits), digits.x_train, digits.y_train
    run = train_seeds(build, x, y, SEEDS, 2, batch_size=BATCH, learning_rate=1e-2)
    before = [w.copy() for w in run.stacked.get_weights()]
    switched = continue_seeds(run, x, y, 1, batch_size=BATCH, optimizer="sgd", learning_rate=0.05)
    for seed in SEEDS:
        alone = _alone(
            build,
            x,
            y,
            seed,
            None,
            phases=[
                (keras.optimizers.Adam(1e-2), 2),
                (keras.optimizers.SGD(0.05), 1),
            ],
        )
        for ours, theirs in zip(switched.model(seed).get_weights(), alone.get_weights()):
            np.testing.assert_allclose(ours, theirs, atol=1e-5)
    assert switched.epochs == 3 and run.epochs == 2
    for kept, now in zip(before, run.stacked.get_weights()):
        np.testing.assert_array_equal(kept, now)
    # The check can fail: the switch moved the weights.
    assert any(np.abs(a - b).max() > 1e-3 for a, b in zip(before, switched.stacked.get_weights()))


@pytest.mark.parametrize("head", ["softmax", None], ids=["probabilities", "logits"])
def test_losses_are_keras_per_item_cross_entropy(digits, head):
    build = _build(digits, output_activation=head)
    run = train_seeds(build, digits.x_train, digits.y_train, SEEDS, 1)
    losses = run.losses(digits.x_val, digits.y_val)
    assert losses.shape == (len(SEEDS), len(digits.y_val))
    keras_loss = keras.losses.SparseCategoricalCrossentropy(
        from_logits=head is None, reduction=None
    )
    for k, seed in enumerate(SEEDS):
        outputs = run.model(seed).predict(digits.x_val, verbose=0)
        np.testing.assert_allclose(losses[k], keras_loss(digits.y_val, outputs), rtol=1e-4)


def test_continue_seeds_refuses_what_is_not_a_run(digits):
    with pytest.raises(TypeError, match="run must be a SeedRun"):
        continue_seeds("run", digits.x_train, digits.y_train, 1)


def test_each_seed_trains_on_its_own_rows_with_its_own_kernel_penalty(digits):
    """`rows` gives seed k its own training rows (here a bootstrap resample) and an L1 + L2
    kernel penalty adds up over seeds: each seed still equals Keras' `train_on_batch` run on
    exactly its rows, whose loss adds that one model's penalty (`model.losses`)."""
    penalty = keras.regularizers.L1L2(l1=1e-3, l2=1e-2)
    build, x, y = _build(digits, kernel_regularizer=penalty), digits.x_train, digits.y_train
    rows = np.random.default_rng(0).integers(0, len(x), size=(len(SEEDS), 150))
    run = train_seeds(build, x, y, SEEDS, EPOCHS, batch_size=BATCH, rows=rows)
    for k, seed in enumerate(SEEDS):
        alone = _alone(build, x[rows[k]], y[rows[k]], seed, keras.optimizers.Adam(1e-3))
        for ours, theirs in zip(run.model(seed).get_weights(), alone.get_weights()):
            np.testing.assert_allclose(ours, theirs, atol=1e-5)
    # The check can fail: without its penalty the same seed on the same rows ends elsewhere.
    plain = _alone(_build(digits), x[rows[0]], y[rows[0]], SEEDS[0], keras.optimizers.Adam(1e-3))
    gap = max(
        np.abs(a - b).max() for a, b in zip(plain.get_weights(), run.model(SEEDS[0]).get_weights())
    )
    assert gap > 1e-3


def test_correct_feeds_compare_and_dropout_trains_every_seed(digits):
    build = _build(digits, dropout=0.2)
    run = train_seeds(build, digits.x_train, digits.y_train, (0, 1, 2), 5, learning_rate=1e-2)
    correct = run.correct(digits.x_val, digits.y_val)
    assert correct.shape == (3, len(digits.y_val)) and correct.dtype == bool
    assert correct.mean() > 0.5  # well above chance (0.1) after 5 epochs
    assert not np.array_equal(correct[0], correct[1])  # independent seeds
    assert (
        compare({"mlp": correct, "again": correct.copy()}).difference("mlp", "again").p_value == 1
    )


def test_stacked_dense_round_trips_its_config():
    layer = StackedDense(4, 3, activation="relu", use_bias=False)
    clone = StackedDense.from_config(layer.get_config())
    assert (clone.units, clone.stack, clone.use_bias) == (4, 3, False)
    assert clone(np.ones((3, 2, 5), "float32")).shape == (3, 2, 4)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"build": lambda d: _build(d, norm="batch")}, ValueError, "BatchNorm"),
        ({"optimizer": keras.optimizers.Adam(clipnorm=1.0)}, ValueError, "clipnorm"),
        ({"optimizer": 3}, TypeError, "optimizer"),
        ({"seeds": (1, 1)}, ValueError, "seeds"),
        ({"seeds": ()}, ValueError, "seeds"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"y": np.zeros(5)}, ValueError, "same length"),
        ({"y": lambda d: d.y_train.astype("float32")}, ValueError, "integer class labels"),
        ({"build": lambda d: _build(d, output_activation="sigmoid")}, ValueError, "softmax"),
        (  # (sum w)^2 over the stacked kernels is not the sum of each seed's penalty
            {"build": lambda d: _build(d, kernel_regularizer=lambda w: keras.ops.sum(w) ** 2)},
            ValueError,
            "add up over seeds",
        ),
        ({"rows": np.zeros((3, 4), "int64")}, ValueError, "seeds=2"),
        ({"rows": np.zeros((2, 4))}, ValueError, "integer row indices"),
        ({"rows": np.full((2, 4), 10_000)}, ValueError, "must index x"),
    ],
)
def test_bad_input_is_refused(digits, kwargs, error, message):
    build = kwargs.pop("build", _build)(digits)
    kwargs = {k: v(digits) if callable(v) else v for k, v in kwargs.items()}
    args = {"x": digits.x_train, "y": digits.y_train, "seeds": (0, 1), "epochs": 1, **kwargs}
    with pytest.raises(error, match=message):
        train_seeds(build, **args)
