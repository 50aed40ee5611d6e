"""Checkpoint and resume: a run killed mid-epoch and resumed in a fresh Trainer (fresh model,
fresh dataset) ends with the same weights as an uninterrupted run; a checkpoint of another
model is refused and left untouched."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from course.train import Checkpointer, Trainer


class Killed(Exception):
    pass


class KillAt(keras.callbacks.Callback):
    """Simulate a crash: raise once the run has done `step` steps."""

    def __init__(self, trainer_step):
        super().__init__()
        self.step, self.trainer = trainer_step, None

    def set_trainer(self, trainer):
        self.trainer = trainer

    def on_train_batch_end(self, batch, logs=None):
        if self.trainer.position >= self.step:
            raise Killed(f"killed at step {self.trainer.position}")


def fresh_dataset():
    """A seeded pipeline that reshuffles every epoch, rebuilt as a restarted program would."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 3))).argmax(1).astype("int64")
    return (
        tf.data.Dataset.from_tensor_slices((x, y)).shuffle(60, seed=3).batch(16).prefetch(2)
    )  # 4 steps/epoch


def fresh_trainer(directory, units=16, scramble=False):
    """A restarted program: same global seed (it also seeds the data shuffle), new objects."""
    keras.utils.set_random_seed(7)
    model = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(3),
        ]
    )
    if scramble:  # different initial weights, so only a restore can bring back the right ones
        model.set_weights([w + 1.0 for w in model.get_weights()])
    callbacks = [Checkpointer(directory, save_every=3)]
    return Trainer(
        model,
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        steps_per_execution=3,
        callbacks=callbacks,
        verbose=0,
    )


def test_killed_run_resumes_to_the_same_weights(tmp_path):
    reference = fresh_trainer(tmp_path / "reference")
    reference_history = reference.fit(fresh_dataset(), epochs=4)

    crashing = fresh_trainer(tmp_path / "run")
    crashing.callbacks.append(KillAt(7))
    with pytest.raises(Killed):
        crashing.fit(fresh_dataset(), epochs=4)
    assert tf.train.latest_checkpoint(str(tmp_path / "run")).endswith(
        "ckpt-7"
    )  # saved (every 3 steps since the epoch-end save at 4) just before the crash: mid epoch 2

    resumed = fresh_trainer(tmp_path / "run", scramble=True)
    history = resumed.fit(fresh_dataset(), epochs=4)
    assert resumed.callbacks[0].restored_from.endswith("ckpt-7")
    for a, b in zip(resumed.model.get_weights(), reference.model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert len(history.history["loss"]) == 3  # epochs 2 (finished), 3 and 4
    np.testing.assert_allclose(
        history.history["loss"], reference_history.history["loss"][1:], rtol=1e-5
    )


def test_finished_run_is_not_repeated(tmp_path):
    fresh_trainer(tmp_path).fit(fresh_dataset(), epochs=1)
    again = fresh_trainer(tmp_path, scramble=True)
    before = again.model.get_weights()
    again.fit(fresh_dataset(), epochs=1)
    assert again.trace_count["train"] == 0
    assert not np.allclose(
        before[0], again.model.get_weights()[0]
    )  # weights come from the checkpoint


def test_checkpoint_of_another_model_is_refused_and_left_untouched(tmp_path):
    fresh_trainer(tmp_path, units=16).fit(fresh_dataset(), epochs=1)
    files = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    other = fresh_trainer(tmp_path, units=8)
    before = other.model.get_weights()
    with pytest.raises(
        ValueError, match=r"different model.*shape \(5, 16\) in the checkpoint but \(5, 8\)"
    ):
        other.fit(fresh_dataset(), epochs=2)
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)} == files
    for a, b in zip(before, other.model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_checkpointer_refuses_an_unbuilt_custom_model(tmp_path):
    x = np.zeros((8, 5), "float32")
    data = tf.data.Dataset.from_tensor_slices((x, x[:, :1])).batch(4)
    trainer = Trainer(TwoOptimizers(), callbacks=[Checkpointer(tmp_path)], verbose=0)
    with pytest.raises(ValueError, match="no variables yet"):
        trainer.fit(data)


def test_checkpointer_validates_arguments(tmp_path):
    with pytest.raises(ValueError, match="save_every"):
        Checkpointer(tmp_path, save_every=0)
    with pytest.raises(ValueError, match="max_to_keep"):
        Checkpointer(tmp_path, max_to_keep=0)


class TwoOptimizers(keras.Model):
    """A GAN-shaped model: two parts, each trained by its own optimizer in its own train_step."""

    def __init__(self):
        super().__init__()
        self.first, self.second = keras.layers.Dense(4), keras.layers.Dense(1)
        self.opt_first, self.opt_second = keras.optimizers.Adam(0.01), keras.optimizers.Adam(0.02)
        self.tracker = keras.metrics.Mean(name="loss")

    def call(self, x):
        return self.second(self.first(x))

    @property
    def metrics(self):
        return [self.tracker]

    def train_step(self, data):
        x, y = data
        for part, optimizer in ((self.first, self.opt_first), (self.second, self.opt_second)):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(self(x) - y))
            grads = tape.gradient(loss, part.trainable_variables)
            optimizer.apply_gradients(zip(grads, part.trainable_variables))
        self.tracker.update_state(loss)
        return {"loss": self.tracker.result()}


def test_custom_step_model_with_two_optimizers_resumes_exactly(tmp_path):
    def run(directory, kill=None, scramble=False):
        keras.utils.set_random_seed(11)
        model = TwoOptimizers()
        rng = np.random.default_rng(0)
        x = rng.normal(size=(48, 5)).astype("float32")
        model(x[:1])  # the optimizers stay unbuilt until the first step
        if scramble:
            model.set_weights([w + 1.0 for w in model.get_weights()])
        data = tf.data.Dataset.from_tensor_slices((x, x[:, :1] * 2.0)).shuffle(48, seed=1).batch(8)
        callbacks = [Checkpointer(directory, save_every=2)] + ([KillAt(kill)] if kill else [])
        trainer = Trainer(model, steps_per_execution=2, callbacks=callbacks, verbose=0)
        trainer.fit(data, epochs=3)
        return model

    reference = run(tmp_path / "reference")
    with pytest.raises(Killed):
        run(tmp_path / "run", kill=9)
    resumed = run(tmp_path / "run", scramble=True)
    for a, b in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
