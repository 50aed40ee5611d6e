"""Overfitting toolkit: penalties equal Keras', k-fold partitions the data, remedies behave."""
import math

import keras
import numpy as np
import pytest

from course import layers, overfitting
from course.overfitting import L1L2, kfold_evaluate

RNG = np.random.default_rng(0)


@pytest.mark.parametrize(("l1", "l2"), [(0.01, 0.0), (0.0, 0.02), (0.003, 0.05)])
def test_l1l2_equals_keras_regularizer(l1, l2):
    w = RNG.normal(size=(7, 5)).astype("float32")
    ours = float(L1L2(l1, l2)(keras.ops.convert_to_tensor(w)))
    theirs = float(keras.regularizers.L1L2(l1, l2)(w))
    assert ours == pytest.approx(theirs, rel=1e-6)
    assert ours == pytest.approx(l1 * np.abs(w).sum() + l2 * (w**2).sum(), rel=1e-5)


def test_l1l2_is_serializable_and_checks_its_arguments():
    clone = keras.regularizers.deserialize(keras.regularizers.serialize(L1L2(0.1, 0.2)))
    assert isinstance(clone, L1L2) and (clone.l1, clone.l2) == (0.1, 0.2)
    with pytest.raises(ValueError, match="l2"):
        L1L2(l2=-1.0)


def test_penalty_is_added_to_the_model_loss():
    model = overfitting.build_mlp((4,), 3, hidden=(6,), regularizer=lambda: L1L2(l2=0.5))
    model(np.zeros((1, 4), "float32"))
    kernel = model.layers[1].kernel.numpy()
    assert float(sum(model.losses)) == pytest.approx(0.5 * (kernel**2).sum(), rel=1e-5)


def test_build_mlp_uses_course_dropout_and_batchnorm():
    model = overfitting.build_mlp((8, 8, 1), 10, hidden=(16, 16), dropout=0.3, batchnorm=True)
    kinds = [type(layer) for layer in model.layers]
    assert kinds.count(layers.Dropout) == 2 and kinds.count(layers.BatchNorm) == 2
    assert model.output_shape == (None, 10)


def _linear_model(learning_rate):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(learning_rate),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
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


@pytest.mark.parametrize(("kwargs", "arg"), [({"k": 1}, "k"), ({"k": 41}, "k"), ({"epochs": 0}, "epochs")])
def test_kfold_rejects_bad_arguments(kwargs, arg):
    x, y = np.zeros((40, 3), "float32"), np.repeat(np.arange(4), 10)
    with pytest.raises(ValueError, match=arg):
        kfold_evaluate(lambda: _linear_model(0.0), x, y, **kwargs)
    with pytest.raises(ValueError, match="same length"):
        kfold_evaluate(lambda: _linear_model(0.0), x, y[:-1])


@pytest.fixture(scope="module")
def digits():
    from course.data import load_digits

    return load_digits(max_samples=1797)


def test_big_model_on_few_samples_overfits_and_early_stopping_restores_the_best(digits):
    x, y = overfitting.small_training_set(digits, 100)
    base, stop = [overfitting.train_remedy(remedy, x, y, digits.x_val, digits.y_val, 10,
                                           epochs=20, passes=4)
                  for remedy in (overfitting.Remedy("baseline", ""),
                                 overfitting.Remedy("stop", "", early_stopping=True))]
    assert base.train_loss < 0.05 and base.gap > 0.2  # memorised
    assert base.history["val_loss"][-1] > min(base.history["val_loss"]) + 0.01  # curves diverge
    assert stop.epochs < 20
    assert stop.val_loss == pytest.approx(min(stop.history["val_loss"]), rel=1e-4)
    table = overfitting.results_table([base, stop])
    header = ["remedy", "train", "loss", "val", "loss", "gap", "val", "acc", "epochs"]
    assert table.splitlines()[0].split() == header
    assert len(table.splitlines()) == 3


def test_default_remedies_cover_the_notes_toolkit():
    names = {r.name for r in overfitting.default_remedies()}
    assert {"baseline", "L1 penalty", "L2 penalty", "weight decay", "early stopping", "smaller model",
            "dropout", "batchnorm", "augmentation"} <= names


def test_augmenter_keeps_shape_and_changes_images(digits):
    batch = digits.x_train[:16]
    out = np.asarray(overfitting.augmenter(seed=1)(batch, training=True))
    assert out.shape == batch.shape and not np.allclose(out, batch)
