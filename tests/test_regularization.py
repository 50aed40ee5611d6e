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
    # Early stopping chose on its own held-out images (its history's val_loss): Keras stops
    # `patience` (3) epochs after the best one, whose weights it restores.
    assert stop.epochs < 20
    assert int(np.argmin(stop.history["val_loss"])) == stop.epochs - 1 - 3
    # ... and its figures on the validation split, which it did not choose on, are not that curve
    assert min(abs(stop.val_loss - v) for v in stop.history["val_loss"]) > 1e-4
    assert stop.test_loss != stop.val_loss and 0 < stop.test_accuracy <= 1


def test_remedies_over_seeds_share_draws_and_test_items(all_digits):
    """Stacked (baseline) and fitted (early stopping) remedies: one row per seed on the same
    held-out items, none of which any seed trained on; the baseline memorises its own draw."""
    remedies = [
        regularization.Remedy("baseline", ""),
        regularization.Remedy("stop", "", early_stopping=True),
    ]
    seeds, n_train = (0, 1), 100
    runs = regularization.compare_remedies(
        all_digits, seeds, remedies, n_train=n_train, epochs=8, passes=4, holdout=20
    )
    x_items, y_items = regularization.held_out_items(all_digits, seeds, n_train)
    drawn = np.concatenate(
        [regularization.small_training_set(all_digits, n_train, s)[0] for s in seeds]
    )
    flat = drawn.reshape(len(drawn), -1)
    extra = x_items[len(all_digits.x_test) :].reshape(len(x_items) - len(all_digits.x_test), -1)
    assert len(extra) > 0 and not (extra[:, None, :] == flat[None]).all(axis=-1).any()
    for r in runs.values():
        assert r.test_correct.shape == r.test_loss.shape == (2, len(y_items))
        assert r.train_loss.shape == r.val_loss.shape == (2,)
    base, stop = runs["baseline"], runs["stop"]
    # trained on exactly the draw its train loss is measured on: memorised, unlike held-out items
    assert (base.train_loss < 0.05).all() and (base.test_loss.mean(axis=1) > 0.1).all()
    assert not np.array_equal(base.test_correct[0], base.test_correct[1])  # seeds differ
    assert (stop.epochs <= 8).all() and (base.epochs == 8).all()
    table = regularization.results_table(runs)
    assert table.column("remedy") == ["baseline", "stop"]
    assert table.row("remedy", "stop")["test acc"] == pytest.approx(stop.test_correct.mean())
    # per-item cross-entropy and correctness describe the same prediction of the same item: a
    # loss below log 2 means p(true class) > 1/2, so the argmax is right; a wrong item has p <= 1/2
    for r in (base, stop):
        assert r.test_correct[r.test_loss < np.log(2)].all()
        assert (r.test_loss[~r.test_correct] >= np.log(2) - 1e-6).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"seeds": (0,)}, "seeds"), ({"seeds": (1, 1)}, "seeds"), ({"holdout": 0}, "holdout")],
)
def test_compare_remedies_refuses_bad_seeds_and_holdout(all_digits, kwargs, message):
    with pytest.raises(ValueError, match=message):
        regularization.compare_remedies(all_digits, **{"seeds": (0, 1), **kwargs})


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
