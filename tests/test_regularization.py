"""Regularization: penalties equal Keras', the penalty reaches the loss, remedies behave."""

import keras
import numpy as np
import pytest

from course import regularization
from course.models import mlp
from course.regularization import L1L2

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
    model = mlp((4,), 3, hidden=(6,), kernel_regularizer=L1L2(l2=0.5))
    model(np.zeros((1, 4), "float32"))
    kernel = model.layers[0].kernel.numpy()
    assert float(sum(model.losses)) == pytest.approx(0.5 * (kernel**2).sum(), rel=1e-5)


def test_big_model_on_few_samples_overfits_and_early_stopping_restores_the_best(all_digits):
    x, y = regularization.small_training_set(all_digits, 100)
    base, stop = [
        regularization.train_remedy(
            remedy,
            x,
            y,
            all_digits.x_val,
            all_digits.y_val,
            10,
            epochs=20,
            passes=4,
            test=(all_digits.x_test, all_digits.y_test),
        )
        for remedy in (
            regularization.Remedy("baseline", ""),
            regularization.Remedy("stop", "", early_stopping=True),
        )
    ]
    assert base.train_loss < 0.05 and base.gap > 0.2  # memorised
    assert base.history["val_loss"][-1] > min(base.history["val_loss"]) + 0.01  # curves diverge
    assert stop.epochs < 20
    assert stop.val_loss == pytest.approx(min(stop.history["val_loss"]), rel=1e-4)
    table = regularization.results_table([base, stop])
    header = ["remedy", "train", "loss", "val", "loss", "gap", "val", "acc", "epochs"]
    assert table.splitlines()[0].split() == header + ["test", "loss", "test", "acc"]
    assert len(table.splitlines()) == 3
    # the test figures are the model's own on the test split, not a copy of the validation ones
    assert stop.test_loss != stop.val_loss and 0 < stop.test_accuracy <= 1


def test_default_remedies_cover_the_notes_toolkit():
    names = {r.name for r in regularization.default_remedies()}
    assert {
        "baseline",
        "L1 penalty",
        "L2 penalty",
        "weight decay",
        "early stopping",
        "smaller model",
        "dropout",
        "batchnorm",
        "augmentation",
    } <= names


def test_augmenter_keeps_shape_and_changes_images(all_digits):
    batch = all_digits.x_train[:16]
    out = np.asarray(regularization.augmenter(seed=1)(batch, training=True))
    assert out.shape == batch.shape and not np.allclose(out, batch)
