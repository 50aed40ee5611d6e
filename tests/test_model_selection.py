"""k-fold cross-validation partitions the data, stratifies it, and scores what a model learns."""

import math

import keras
import numpy as np
import pytest

from course.model_selection import kfold_evaluate

RNG = np.random.default_rng(0)


def _linear_model(learning_rate):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, kernel_initializer="zeros")])
    model.compile(
        keras.optimizers.SGD(learning_rate),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def test_kfold_partitions_the_data_and_is_stratified():
    x = RNG.normal(size=(40, 3)).astype("float32")
    y = np.repeat(np.arange(4), 10)
    result = kfold_evaluate(lambda: _linear_model(0.0), x, y, k=5, epochs=1)
    validated = np.sort(np.concatenate(result.folds))
    np.testing.assert_array_equal(validated, np.arange(40))  # each sample validated exactly once
    for fold in result.folds:
        np.testing.assert_array_equal(np.bincount(y[fold], minlength=4), [2, 2, 2, 2])
    # a model that cannot learn predicts the uniform distribution: loss log(4) in every fold
    np.testing.assert_allclose(result.scores["loss"], math.log(4), rtol=1e-6)
    assert result.std() == pytest.approx(0.0, abs=1e-6)
    assert "5-fold" in str(result)


def test_kfold_of_a_learning_model_beats_chance():
    x = RNG.normal(size=(60, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + 2 * (x[:, 1] > 0)
    result = kfold_evaluate(lambda: _linear_model(0.5), x, y, k=3, epochs=30, batch_size=20)
    assert result.mean() < 0.8 * math.log(4)


@pytest.mark.parametrize(
    ("kwargs", "arg"), [({"k": 1}, "k"), ({"k": 41}, "k"), ({"epochs": 0}, "epochs")]
)
def test_kfold_rejects_bad_arguments(kwargs, arg):
    x, y = np.zeros((40, 3), "float32"), np.repeat(np.arange(4), 10)
    with pytest.raises(ValueError, match=arg):
        kfold_evaluate(lambda: _linear_model(0.0), x, y, **kwargs)
    with pytest.raises(ValueError, match="y must have one entry per row of x"):
        kfold_evaluate(lambda: _linear_model(0.0), x, y[:-1])
