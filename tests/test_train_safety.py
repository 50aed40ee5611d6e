"""Training safety in `course.train`: NaN/Inf in weights or data is caught and located, bad
arguments are refused before anything changes, and a checkpoint resumes only the run that
wrote it (another optimizer or learning rate is refused before any weight is restored)."""

import os
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from course.train import Checkpointer, Trainer

LOSS = "sparse_categorical_crossentropy"


def images(bad_example=None, n=64, seed=0):
    """Random 8x8 images with labels; one NaN pixel in `bad_example` (batch bad_example // 16)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 8, 8, 1)).astype("float32")
    if bad_example is not None:
        x[bad_example, 3, 4, 0] = np.nan
    return tf.data.Dataset.from_tensor_slices((x, rng.integers(0, 10, n))).batch(16)


def small_cnn(seed=0):
    """Max-pooling drops a NaN activation, so a NaN pixel leaves the prediction (and loss)
    finite."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax", name="head"),
        ]
    )


def test_a_nan_pixel_gives_a_finite_loss_but_a_nan_kernel_gradient():
    """The premise of the next test, checked with Keras alone."""
    model = small_cnn()
    x, y = next(iter(images(bad_example=37).skip(2)))
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    assert np.isfinite(float(loss))
    assert not np.isfinite(grads[0].numpy()).all()  # conv kernel: NaN x 0 is NaN


@pytest.mark.parametrize(
    "kwargs",
    [
        {"steps_per_execution": 1},
        {"steps_per_execution": 4},
        {"steps_per_execution": 4, "clipvalue": 0.1},
    ],
    ids=["spe1", "spe4", "clipvalue"],
)
def test_nan_weights_stop_training_naming_the_variable_and_the_step(kwargs):
    """A NaN gradient reaches the weights at the same step, clipped or not (NaN passes every
    clip)."""
    model = small_cnn()
    trainer = Trainer(model, loss=LOSS, verbose=0, check_data=False, **kwargs)
    with pytest.warns(
        RuntimeWarning, match=r"weight 'sequential\S*/conv/kernel' became non-finite .* at step 3 "
    ):
        trainer.fit(images(bad_example=37), epochs=3)
    assert trainer.position == 3 and "still finite" in trainer.stop_reason
    assert model.stop_training


def test_nan_weights_raise_when_asked():
    trainer = Trainer(small_cnn(), loss=LOSS, verbose=0, check_data=False, on_nonfinite="raise")
    with pytest.raises(FloatingPointError, match="conv/kernel"):
        trainer.fit(images(bad_example=37))


def test_check_data_names_the_batch_and_trains_nothing_on_it():
    model = small_cnn()
    reference = small_cnn()
    Trainer(reference, loss=LOSS, steps_per_execution=4, verbose=0, check_data=False).fit(
        images().take(2)
    )
    trainer = Trainer(model, loss=LOSS, steps_per_execution=4, verbose=0, check_data=True)
    with pytest.raises(
        ValueError, match=r"batch 2 .* NaN/Inf in data inputs at step 3 \(epoch 1\)"
    ):
        trainer.fit(images(bad_example=37))
    assert trainer.position == 2  # the two clean batches before it were trained on, not the bad one
    for ours, ref in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(ours, ref, atol=1e-6)


def test_check_data_covers_evaluation_and_validation_data():
    trainer = Trainer(small_cnn(), loss=LOSS, verbose=0, check_data=True)
    with pytest.raises(ValueError, match=r"batch 1 .* NaN/Inf in data inputs"):
        trainer.evaluate(images(bad_example=20))
    with pytest.raises(ValueError, match=r"batch 3 .* NaN/Inf"):
        trainer.fit(images(), validation_data=images(bad_example=50))


def test_check_data_is_off_by_default_in_both_modes(monkeypatch):
    """The default no longer depends on COURSE_FAST: the tests run what students run."""
    for flag in ("1", "0"):
        monkeypatch.setenv("COURSE_FAST", flag)
        assert Trainer(small_cnn(), loss=LOSS).check_data is False


def test_mixed_precision_loss_scaling_skips_are_not_reported_as_nan():
    """A LossScaleOptimizer skips overflowing float16 steps by design; the weights stay finite."""
    model = small_cnn()
    trainer = Trainer(model, optimizer="sgd", loss=LOSS, mixed_precision=True, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        trainer.fit(images(), epochs=2)  # the initial scale 2**15 overflows float16 at first
    assert trainer.stop_reason is None


@pytest.mark.parametrize(
    "data",
    [images().take(0), images().filter(lambda x, y: False)],
    ids=["known-empty", "filtered-empty"],
)
def test_evaluate_on_empty_data_raises_as_fit_does(data):
    trainer = Trainer(small_cnn(), loss=LOSS, verbose=0)
    with pytest.raises(ValueError, match="empty"):
        trainer.evaluate(data)
    with pytest.raises(ValueError, match="empty"):
        trainer.fit(data)


def test_invalid_optimizer_is_refused_before_mixed_precision_is_applied():
    model = small_cnn()
    with pytest.raises(TypeError, match=r"optimizer must be None, a name such as 'adam' .* got 5"):
        Trainer(model, optimizer=5, loss=LOSS, mixed_precision=True)
    assert all(layer.compute_dtype == "float32" for layer in model.layers)


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"optimizer": "adamm"}, ValueError, "optimizer"),
        ({"loss": "crossentropyy"}, ValueError, "loss"),
        ({"loss": 3}, TypeError, "loss"),
        ({"metrics": "accuracy"}, TypeError, "metrics"),
        ({"metrics": [3]}, TypeError, "metrics"),
        ({"callbacks": [print]}, TypeError, "callbacks"),
        ({"callbacks": None}, TypeError, "callbacks"),
        ({"log_dir": 3}, TypeError, "log_dir"),
        ({"check_data": "yes"}, TypeError, "check_data"),
        ({"check_data": None}, TypeError, "check_data"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"strategy": "mirrored"}, TypeError, "strategy"),
    ],
)
def test_every_trainer_argument_is_checked_before_any_state_changes(kwargs, error, name):
    model = small_cnn()
    with pytest.raises(error, match=name):
        Trainer(model, mixed_precision=True, **{"loss": LOSS, **kwargs})
    assert all(layer.compute_dtype == "float32" for layer in model.layers)


def test_a_given_optimizer_is_untouched_when_another_argument_is_bad():
    optimizer = keras.optimizers.SGD(0.5)
    with pytest.raises(ValueError, match="loss"):
        Trainer(small_cnn(), optimizer=optimizer, learning_rate=0.1, loss="crossentropyy")
    assert float(optimizer.learning_rate.numpy()) == 0.5


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"steps_per_epoch": 1.5}, TypeError, "steps_per_epoch"),
        ({"verbose": 3}, ValueError, "verbose"),
        ({"validation_data": [1, 2]}, TypeError, "validation_data"),
    ],
)
def test_fit_arguments_are_checked_before_training(kwargs, error, name):
    model = small_cnn()
    before = model.get_weights()
    trainer = Trainer(model, loss=LOSS, verbose=0)
    with pytest.raises(error, match=name):
        trainer.fit(images(), **kwargs)
    assert trainer.trace_count["train"] == 0
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_checkpointer_refuses_a_missing_directory_instead_of_writing_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError, match="directory must be a directory path"):
        Checkpointer(None)
    with pytest.raises(TypeError, match="resume must be True or False"):
        Checkpointer(tmp_path, resume="yes")
    assert os.listdir(tmp_path) == []


def run(directory, optimizer, epochs=1):
    model = small_cnn()
    trainer = Trainer(
        model, optimizer=optimizer, loss=LOSS, verbose=0, callbacks=[Checkpointer(directory)]
    )
    trainer.fit(images(), epochs=epochs)
    return trainer


@pytest.mark.parametrize(
    "optimizer, message",
    [
        (
            lambda: keras.optimizers.SGD(0.001),
            r"optimizer 0 is Adam in the checkpoint but SGD in this run",
        ),
        (
            lambda: keras.optimizers.Adam(0.01),
            r"learning_rate: 0\.001 in the checkpoint, 0\.01 now",
        ),
    ],
)
def test_resuming_with_another_optimizer_fails_before_any_weight_changes(
    tmp_path, optimizer, message
):
    run(tmp_path, keras.optimizers.Adam(0.001))
    files = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    model = small_cnn(seed=1)
    before = model.get_weights()
    trainer = Trainer(
        model, optimizer=optimizer(), loss=LOSS, verbose=0, callbacks=[Checkpointer(tmp_path)]
    )
    with pytest.raises(ValueError, match=message):
        trainer.fit(images(), epochs=2)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)} == files


def test_resuming_with_the_same_optimizer_settings_continues(tmp_path):
    run(tmp_path, keras.optimizers.Adam(0.001))
    resumed = run(tmp_path, keras.optimizers.Adam(0.001), epochs=2)
    assert resumed.callbacks[0].restored_from.endswith("ckpt-4")
    assert int(resumed.optimizer.iterations.numpy()) == 8
