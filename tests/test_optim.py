"""From-scratch optimizers follow Keras' trajectories, mirror its configs and reject bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course import optim
from course.keras_compat import learning_rate_object
from course.optim import schedules
from course.optim.parity import regression_trajectory

STEPS = 200
CASES = [
    ("SGD", {"learning_rate": 0.05}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.5, "weight_decay": 0.01}),
    ("RMSprop", {"learning_rate": 0.01}),
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.5}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.3, "centered": True}),
    ("Adam", {"learning_rate": 0.05}),
    ("Adam", {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}),
    ("Adam", {"learning_rate": 0.05, "amsgrad": True}),
    ("AdamW", {"learning_rate": 0.05}),
    ("AdamW", {"learning_rate": 0.05, "weight_decay": 0.1, "amsgrad": True}),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw in CASES]


def trajectory(optimizer, steps=STEPS, seed=0):
    """Parameters after each step of a small non-convex regression (the library's parity path)."""
    return regression_trajectory(optimizer, steps, seed)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_same_trajectory_as_keras(name, kwargs):
    ours = trajectory(getattr(optim, name)(**kwargs))
    theirs = trajectory(getattr(keras.optimizers, name)(**kwargs))
    assert np.abs(ours[-1] - ours[0]).max() > 0.1  # the parameters really moved
    np.testing.assert_allclose(ours, theirs, atol=1e-6, rtol=0)


SCHEDULED = ["SGD", "RMSprop", "Adam", "AdamW"]


def _pair(name, ours, theirs):
    kwargs = {"momentum": 0.9} if name == "SGD" else {}
    a = trajectory(getattr(optim, name)(learning_rate=ours, **kwargs))
    b = trajectory(getattr(keras.optimizers, name)(learning_rate=theirs, **kwargs))
    np.testing.assert_allclose(a, b, atol=1e-6, rtol=0)


@pytest.mark.parametrize("name", SCHEDULED)
def test_same_trajectory_as_keras_with_cosine_decay(name):
    _pair(
        name,
        schedules.CosineDecay(0.05, 150, alpha=0.1),
        keras.optimizers.schedules.CosineDecay(0.05, 150, alpha=0.1),
    )


@pytest.mark.parametrize("name", SCHEDULED)
def test_same_trajectory_as_keras_with_warmup_and_one_cycle(name):
    """Same schedule object on both sides: the optimizers must treat it identically.

    (Against Keras' own warmup-cosine the rates agree to a float32 ulp, see
    test_optim_schedules, but this chaotic problem amplifies an ulp to ~1e-6 in 200 steps.)
    """
    warm = schedules.LinearWarmup(schedules.CosineDecay(0.05, 150, alpha=0.1), 30, 0.005)
    _pair(name, warm, warm)
    cycle = schedules.OneCycle(0.05, 200)
    _pair(name, cycle, cycle)


def test_same_trajectory_with_clipping_and_weight_decay_exclusions():
    def make(module, **clip):
        opt = module.Adam(0.05, weight_decay=0.05, **clip)
        opt.exclude_from_weight_decay(var_names=["bias"])
        return opt

    for clip in ({"global_clipnorm": 0.5}, {"clipnorm": 0.3}, {"clipvalue": 0.05}):
        ours, theirs = trajectory(make(optim, **clip)), trajectory(make(keras.optimizers, **clip))
        np.testing.assert_allclose(ours, theirs, atol=1e-6, rtol=0)


def test_adam_matches_the_textbook_formula_with_rescaled_epsilon():
    """Keras' eps is the paper's eps_hat: textbook Adam with eps / sqrt(1 - beta_2^t) next to
    sqrt(v_hat)."""
    g = np.array([0.3, -2.0, 1e-4], "float32")
    var = keras.Variable(np.zeros(3, "float32"))
    opt = optim.Adam(0.1, epsilon=1e-3)
    w, m, v = np.zeros(3), np.zeros(3), np.zeros(3)
    for t in range(1, 6):
        opt.apply_gradients([(tf.constant(g * t), var)])
        gt = g * t
        m = 0.9 * m + 0.1 * gt
        v = 0.999 * v + 0.001 * gt**2
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        w = w - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-3 / np.sqrt(1 - 0.999**t))
    np.testing.assert_allclose(var.numpy(), w, rtol=1e-5)


def test_notes_momentum_is_keras_momentum_with_the_sign_flipped():
    """Notes: v <- gamma v + eta g; w <- w - v.  Keras: v <- mu v - lr g; w <- w + v."""
    var = keras.Variable(np.array([1.0, -2.0], "float32"))
    opt = optim.SGD(0.1, momentum=0.8)
    w, v = np.array([1.0, -2.0]), np.zeros(2)
    for _ in range(10):
        grad = 2 * var.numpy()  # loss = |w|^2
        opt.apply_gradients([(tf.constant(grad), var)])
        v = 0.8 * v + 0.1 * (2 * w)
        w = w - v
    np.testing.assert_allclose(var.numpy(), w, rtol=1e-5)
    np.testing.assert_allclose(opt.momentums[0].numpy(), -v, rtol=1e-5)


def test_adamw_decay_is_decoupled_unlike_an_l2_penalty():
    """With zero gradient, AdamW still shrinks w by (1 - lr * wd) per step; Adam + L2 does not."""
    var = keras.Variable(np.array([2.0, -4.0], "float32"))
    opt = optim.AdamW(0.1, weight_decay=0.5)
    for _ in range(3):
        opt.apply_gradients([(tf.zeros(2), var)])
    np.testing.assert_allclose(var.numpy(), np.array([2.0, -4.0]) * 0.95**3, rtol=1e-6)


def test_sgd_weight_decay_equals_an_l2_penalty_of_half_the_rate():
    """For plain SGD, decoupled decay wd is the same as adding (wd / 2) * |w|^2 to the loss."""
    w0 = np.array([1.5, -0.5], "float32")
    target = tf.constant([0.2, 0.3])
    a, b = keras.Variable(w0), keras.Variable(w0)
    decayed, penalised = optim.SGD(0.1, weight_decay=0.2), optim.SGD(0.1)
    for _ in range(50):
        decayed.apply_gradients([(2 * (a.value - target), a)])
        penalised.apply_gradients([(2 * (b.value - target) + 0.2 * b.value, b)])
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_config_mirrors_keras_and_round_trips(name, kwargs):
    ours = getattr(optim, name)(**kwargs)
    theirs = getattr(keras.optimizers, name)(**kwargs)
    a, b = ours.get_config(), theirs.get_config()
    a.pop("name"), b.pop("name")
    assert a == b
    clone = keras.optimizers.deserialize(keras.optimizers.serialize(ours))
    assert type(clone) is type(ours) and clone.get_config() == ours.get_config()


def test_schedule_survives_optimizer_serialization():
    lr = schedules.LinearWarmup(schedules.CosineDecay(0.1, 100), 10)
    clone = keras.optimizers.deserialize(keras.optimizers.serialize(optim.Adam(lr)))
    assert isinstance(learning_rate_object(clone), schedules.LinearWarmup)
    assert float(learning_rate_object(clone)(50)) == pytest.approx(float(lr(50)))


def test_model_saves_and_loads_with_our_optimizer(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optim.AdamW(0.01, weight_decay=0.01, amsgrad=True), "mse")
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    model.fit(x, x[:, :2], epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.optimizer, optim.AdamW)
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


BAD = [  # the NaN/inf rows were all accepted before course.validation rejected them
    (optim.SGD, {"learning_rate": -0.1}, "learning_rate"),
    (optim.SGD, {"momentum": 1.5}, "momentum"),
    (optim.SGD, {"momentum": -0.1}, "momentum"),
    (optim.SGD, {"weight_decay": -1e-4}, "weight_decay"),
    (optim.SGD, {"clipnorm": 0.0}, "clipnorm"),
    (optim.SGD, {"clipvalue": -1.0}, "clipvalue"),
    (optim.SGD, {"global_clipnorm": 0.0}, "global_clipnorm"),
    (optim.RMSprop, {"rho": 1.0}, "rho"),
    (optim.RMSprop, {"epsilon": 0.0}, "epsilon"),
    (optim.RMSprop, {"momentum": 2.0}, "momentum"),
    (optim.Adam, {"learning_rate": -1e-3}, "learning_rate"),
    (optim.Adam, {"beta_1": 1.0}, "beta_1"),
    (optim.Adam, {"beta_2": -0.1}, "beta_2"),
    (optim.Adam, {"epsilon": -1e-7}, "epsilon"),
    (optim.AdamW, {"weight_decay": -0.01}, "weight_decay"),
    (optim.AdamW, {"weight_decay": None}, "weight_decay"),
    (optim.SGD, {"learning_rate": float("nan")}, "learning_rate"),
    (optim.SGD, {"learning_rate": float("inf")}, "learning_rate"),
    (optim.SGD, {"momentum": float("nan")}, "momentum"),
    (optim.SGD, {"weight_decay": float("nan")}, "weight_decay"),
    (optim.SGD, {"clipnorm": float("inf")}, "clipnorm"),
    (optim.RMSprop, {"rho": float("nan")}, "rho"),
    (optim.RMSprop, {"epsilon": float("inf")}, "epsilon"),
    (optim.Adam, {"beta_1": float("nan")}, "beta_1"),
    (optim.Adam, {"beta_2": float("nan")}, "beta_2"),
    (optim.Adam, {"epsilon": float("nan")}, "epsilon"),
    (optim.AdamW, {"weight_decay": float("inf")}, "weight_decay"),
    (optim.SGD, {"nesterov": "yes"}, "nesterov"),
    (optim.RMSprop, {"centered": 2}, "centered"),
    (optim.Adam, {"amsgrad": "no"}, "amsgrad"),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "arg"), BAD, ids=[f"{c.__name__}-{a}" for c, _, a in BAD]
)
def test_invalid_hyperparameters_raise_naming_the_argument(cls, kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        cls(**kwargs)


def test_non_numeric_learning_rate_is_a_type_error():
    with pytest.raises(TypeError, match="learning_rate"):
        optim.Adam(learning_rate="fast")
