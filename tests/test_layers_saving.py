"""The course layers are Keras citizens: Sequential, functional, fit, and `.keras` round trip."""

import keras
import numpy as np

from course.layers import BatchNorm, Dropout, GroupNorm, LayerNorm


def _model():
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    x = BatchNorm(momentum=0.9)(x)
    x = GroupNorm(groups=2)(x)
    x = keras.layers.Flatten()(x)
    x = Dropout(0.25, inverted=False, seed=1)(x)
    x = LayerNorm()(x)
    return keras.Model(inputs, keras.layers.Dense(3)(x))


def test_fit_then_save_and_load_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    model = _model()
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 8, 8, 1)).astype("float32"), rng.integers(0, 3, 32)
    before = [w.copy() for w in model.get_layer(index=2).get_weights()]
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    after = model.get_layer(index=2).get_weights()
    assert not np.allclose(before[2], after[2])  # moving mean moved during fit
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0), atol=1e-6)
    config = loaded.layers[5].get_config()
    assert (config["rate"], config["inverted"], config["seed"]) == (0.25, False, 1)


def test_sequential_use():
    model = keras.Sequential([keras.Input((4,)), BatchNorm(), Dropout(0.1), keras.layers.Dense(1)])
    assert model(np.zeros((2, 4), "float32")).shape == (2, 1)


def test_renorm_batchnorm_round_trips_with_its_statistics(tmp_path):
    norm = BatchNorm(renorm=True, renorm_clipping={"rmax": 2.0, "dmax": 1.0}, renorm_momentum=0.8)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3), norm, keras.layers.Dense(1)]
    )
    model.compile("sgd", "mse")
    x = np.random.default_rng(1).normal(3.0, 2.0, size=(32, 4)).astype("float32")
    model.fit(x, x[:, :1], epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "renorm.keras")
    loaded = keras.models.load_model(tmp_path / "renorm.keras").layers[1]
    assert loaded.get_config() == norm.get_config()
    for name in ("moving_mean", "moving_variance", "moving_stddev", "renorm_mean", "renorm_stddev"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(norm, name))
    assert not np.allclose(norm.renorm_stddev, 1.0)  # the statistics did move during fit
