"""`course.train.Trainer` on one CPU: agreement with `model.fit`, no retracing, clipping,
bad input, NaN diagnosis, early stopping, custom ``train_step`` models, logs."""

import glob

import keras
import numpy as np
import pytest
import tensorflow as tf

import course
from course.train import EarlyStopping, Trainer

# model.fit on a Dataset warns that its default shuffle=True is ignored: expected here.
pytestmark = pytest.mark.filterwarnings("ignore:`shuffle=True` was passed:UserWarning")

SCCE = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def make_data(n=70, features=6, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (x @ rng.normal(size=(features, classes))).argmax(1).astype("int64")
    return x, y


def build(features=6, classes=4, seed=0):
    model = keras.Sequential(
        [
            keras.Input((features,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(classes),
        ]
    )
    model.set_weights(
        [
            np.random.default_rng(seed + i).normal(0, 0.4, w.shape).astype("float32")
            for i, w in enumerate(model.get_weights())
        ]
    )
    return model


def dataset(x, y, batch=16):
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)  # 70 = 4 x 16 + a partial 6


def assert_weights_close(a, b, atol=1e-5):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=atol)


def test_defaults_on_cpu_are_plain_float32_without_xla():
    trainer = Trainer(build(), loss=SCCE)
    assert (trainer.mixed_precision, trainer.jit_compile) == (False, False)
    assert not isinstance(trainer.optimizer, keras.mixed_precision.LossScaleOptimizer)


def test_matches_keras_fit_and_evaluate():
    x, y = make_data()
    ours, ref = build(), build()
    trainer = Trainer(
        ours,
        optimizer=keras.optimizers.SGD(0.1),
        loss=SCCE,
        metrics=["accuracy"],
        steps_per_execution=3,
        verbose=0,
    )
    history = trainer.fit(dataset(x, y), epochs=3)
    ref.compile(optimizer=keras.optimizers.SGD(0.1), loss=SCCE, metrics=["accuracy"])
    ref_history = ref.fit(dataset(x, y), epochs=3, verbose=0)
    assert_weights_close(ours, ref)
    np.testing.assert_allclose(history.history["loss"], ref_history.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(history.history["accuracy"], ref_history.history["accuracy"])
    ours_eval, ref_eval = (
        trainer.evaluate(dataset(x, y)),
        ref.evaluate(dataset(x, y), verbose=0, return_dict=True),
    )
    np.testing.assert_allclose(ours_eval["loss"], ref_eval["loss"], rtol=1e-5)
    np.testing.assert_allclose(ours_eval["accuracy"], ref_eval["accuracy"])


def test_one_trace_across_epochs_partial_batches_and_fit_calls():
    x, y = make_data()
    trainer = Trainer(build(), loss=SCCE, metrics=["accuracy"], steps_per_execution=3, verbose=0)
    trainer.fit(dataset(x, y), epochs=3, validation_data=dataset(x[:20], y[:20], batch=8))
    trainer.fit(dataset(x, y), epochs=2)
    trainer.evaluate(dataset(x, y))
    assert trainer.trace_count == {"train": 1, "evaluate": 1}


def test_steps_per_execution_does_not_change_the_result():
    x, y = make_data()
    models = [build(), build()]
    for model, spe in zip(models, (1, 4)):
        Trainer(model, optimizer="adam", loss=SCCE, steps_per_execution=spe, verbose=0).fit(
            dataset(x, y), epochs=2
        )
    assert_weights_close(*models, atol=1e-6)


@pytest.mark.parametrize("clip", [{"clipvalue": 0.05}, {"clipnorm": 0.1}, {"global_clipnorm": 0.1}])
def test_clipping_matches_keras_optimizer_clipping(clip):
    x, y = make_data()
    ours, ref = build(), build()
    Trainer(ours, optimizer=keras.optimizers.SGD(0.5), loss=SCCE, verbose=0, **clip).fit(
        dataset(x, y), epochs=2
    )
    ref.compile(optimizer=keras.optimizers.SGD(0.5, **clip), loss=SCCE)
    ref.fit(dataset(x, y), epochs=2, verbose=0)
    assert_weights_close(ours, ref)
    unclipped = build()
    Trainer(unclipped, optimizer=keras.optimizers.SGD(0.5), loss=SCCE, verbose=0).fit(
        dataset(x, y), epochs=2
    )
    assert not np.allclose(unclipped.get_weights()[0], ours.get_weights()[0], atol=1e-3)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"clipvalue": 0.0}, "clipvalue"),
        ({"clipnorm": -1.0}, "clipnorm"),
        ({"global_clipnorm": 0}, "global_clipnorm"),
        ({"steps_per_execution": 0}, "steps_per_execution"),
        ({"learning_rate": -0.1}, "learning_rate"),
        ({"optimizer": keras.optimizers.SGD(learning_rate=-0.01)}, "learning_rate"),
    ],
)
def test_invalid_hyperparameters_name_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        Trainer(build(), loss=SCCE, **kwargs)


def test_input_shape_mismatch_fails_before_the_first_step():
    x, y = make_data(features=5)
    model = build(features=6)
    before = model.get_weights()
    trainer = Trainer(model, loss=SCCE, verbose=0)
    with pytest.raises(ValueError, match=r"shape mismatch.*\(None, 6\).*\(None, 5\)"):
        trainer.fit(dataset(x, y))
    assert trainer.trace_count["train"] == 0
    np.testing.assert_array_equal(before[0], model.get_weights()[0])


def test_target_shape_mismatch_fails_clearly():
    x, y = make_data()
    one_hot = np.eye(3, dtype="float32")[y % 3]  # 3 columns, the model outputs 4
    trainer = Trainer(build(), loss="categorical_crossentropy", verbose=0)
    with pytest.raises(ValueError, match=r"shape mismatch.*outputs \(None, 4\).*\(None, 3\)"):
        trainer.fit(dataset(x, one_hot))


def test_subclassed_model_without_input_shape_is_checked_by_a_dry_call():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(4)
            self.dense.build((None, 6))

        def call(self, x):
            return self.dense(x)

    x, y = make_data(features=7)
    with pytest.raises(ValueError, match=r"shape mismatch.*\(None, 7\)"):
        Trainer(Net(), loss=SCCE, verbose=0).fit(dataset(x, y))


def test_nan_from_a_too_high_learning_rate_stops_and_names_step_and_cause():
    x, y = make_data()
    x[:, 0] *= 1e3
    trainer = Trainer(
        build(), optimizer=keras.optimizers.SGD(1e3), loss=SCCE, steps_per_execution=4, verbose=0
    )
    with pytest.warns(RuntimeWarning, match=r"non-finite.*at step \d+"):
        history = trainer.fit(dataset(x, y), epochs=50)
    assert "learning rate" in trainer.stop_reason
    assert len(history.history.get("loss", [])) < 50


def test_nan_in_one_batch_is_located_exactly():
    x, y = make_data()
    x[40, 2] = np.nan  # example 40 is in batch 3 (16 per batch): step 3
    trainer = Trainer(
        build(), loss=SCCE, steps_per_execution=4, verbose=0, on_nonfinite="raise", check_data=False
    )  # the loss check, not the data check (on in fast mode)
    with pytest.raises(FloatingPointError, match=r"at step 3 \(epoch 1\)"):
        trainer.fit(dataset(x, y), epochs=2)
    assert trainer.position == 3


def test_nonfinite_message_distinguishes_causes():
    diverging = course.train.nonfinite_message(9, 0, [1.0, 5.0, 80.0], learning_rate=3.0)
    assert (
        "step 9" in diverging and "learning rate is likely too high (learning rate 3)" in diverging
    )
    sudden = course.train.nonfinite_message(12, 1, [2.0, 1.2, 0.9])
    assert "log of zero" in sudden and "epoch 2" in sudden
    assert "inputs for NaN" in course.train.nonfinite_message(1, 0, [])


class ScriptedScore(keras.callbacks.Callback):
    """Logs a fixed 'score' per epoch and remembers the weights at each epoch end."""

    def __init__(self, scores):
        super().__init__()
        self.scores, self.weights = scores, []

    def on_epoch_end(self, epoch, logs=None):
        logs["score"] = self.scores[epoch]
        self.weights.append(self.model.get_weights())


def test_early_stopping_stops_after_patience_and_restores_best_weights():
    x, y = make_data()
    script = ScriptedScore([3.0, 2.0, 4.0, 5.0, 1.0, 0.5])
    stopper = EarlyStopping(monitor="score", patience=1)
    model = build()
    history = Trainer(model, loss=SCCE, callbacks=[script, stopper], verbose=0).fit(
        dataset(x, y), epochs=6
    )
    assert len(history.history["loss"]) == 4 and stopper.best_epoch == 1
    for restored, best in zip(model.get_weights(), script.weights[1]):
        np.testing.assert_array_equal(restored, best)
    assert not np.allclose(script.weights[3][0], script.weights[1][0])


def test_early_stopping_rejects_a_missing_monitor():
    x, y = make_data()
    trainer = Trainer(build(), loss=SCCE, callbacks=[EarlyStopping()], verbose=0)
    with pytest.raises(ValueError, match="val_loss"):
        trainer.fit(dataset(x, y))


class ScaledRegression(keras.Model):
    """A Keras-3-style model with its own train/test steps, tracker and step counter."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1)
        self.tracker = keras.metrics.Mean(name="mse")
        self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False, name="calls")

    def call(self, x):
        return self.dense(x)

    @property
    def metrics(self):
        return [self.tracker]

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.cast(self(x), "float32") - y)) * 0.5
            scaled = self.optimizer.scale_loss(loss)  # Keras-3 style: a no-op without loss scaling
        grads = tape.gradient(scaled, self.dense.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.dense.trainable_variables))
        self.tracker.update_state(loss)
        self.calls.assign_add(1.0)
        return {"mse": self.tracker.result(), "half": tf.constant(0.5)}

    def test_step(self, data):
        x, y = data
        self.tracker.update_state(tf.reduce_mean(tf.square(self(x) - y)) * 0.5)
        return {"mse": self.tracker.result()}


def test_models_with_their_own_train_step_are_driven_through_it():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    models = []
    for _ in range(2):
        model = ScaledRegression()
        model(x[:1])
        model.set_weights(
            [
                np.full(w.shape, 0.1, "float32") if w.ndim else np.zeros((), "float32")
                for w in model.get_weights()
            ]
        )
        models.append(model)
    trainer = Trainer(
        models[0], optimizer=keras.optimizers.SGD(0.05), steps_per_execution=3, verbose=0
    )
    history = trainer.fit(data, epochs=3)
    models[1].compile(optimizer=keras.optimizers.SGD(0.05))
    ref = models[1].fit(data, epochs=3, verbose=0)
    assert (
        float(models[0].calls.numpy()) == 15
    )  # 5 batches x 3 epochs, all through model.train_step
    assert_weights_close(models[0], models[1])
    np.testing.assert_allclose(history.history["mse"], ref.history["mse"], rtol=1e-5)
    assert history.history["half"] == [0.5] * 3
    np.testing.assert_allclose(
        trainer.evaluate(data)["mse"],
        models[1].evaluate(data, verbose=0, return_dict=True)["mse"],
        rtol=1e-5,
    )


def test_own_step_model_applies_learning_rate_and_optimizer_when_uncompiled():
    model = ScaledRegression()
    trainer = Trainer(model, optimizer="sgd", learning_rate=0.3, verbose=0)
    assert model.optimizer is trainer.optimizer
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.3)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"learning_rate": 0.1},
        {"optimizer": "adam"},
        {"optimizer": keras.optimizers.SGD(0.1)},
        {"loss": "mse"},
        {"metrics": ["mae"]},
    ],
)
def test_own_step_model_that_holds_an_optimizer_refuses_what_it_would_ignore(kwargs):
    model = ScaledRegression()
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    (name,) = kwargs
    with pytest.raises(
        ValueError, match=rf"^{name}: ScaledRegression .*already holds an optimizer"
    ):
        Trainer(model, verbose=0, **kwargs)
    rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    assert rate == pytest.approx(0.05)  # untouched


@pytest.mark.parametrize("kwargs", [{"learning_rate": 0.1}, {"loss": "mse"}, {"metrics": ["mae"]}])
def test_own_step_model_without_an_optimizer_refuses_arguments_without_one(kwargs):
    (name,) = kwargs
    model = ScaledRegression()
    with pytest.raises(ValueError, match=rf"^{name}: .*holds no optimizer and none is named"):
        Trainer(model, verbose=0, **kwargs)
    assert getattr(model, "optimizer", None) is None  # nothing was compiled


@pytest.mark.parametrize("name", ["clipvalue", "clipnorm", "global_clipnorm"])
def test_own_step_model_refuses_clipping_it_cannot_apply(name):
    with pytest.raises(ValueError, match=rf"^{name}: ScaledRegression has its own train_step"):
        Trainer(ScaledRegression(), optimizer="sgd", verbose=0, **{name: 1.0})


def test_custom_step_models_get_mixed_precision_only_when_asked():
    x = np.random.default_rng(2).normal(size=(32, 3)).astype("float32")
    data = tf.data.Dataset.from_tensor_slices((x, x[:, :1] * 3.0)).batch(8)
    model = ScaledRegression()
    model(x[:1])
    assert not Trainer(model, optimizer="sgd", verbose=0).mixed_precision  # auto: left alone
    model = ScaledRegression()
    model(x[:1])
    trainer = Trainer(model, optimizer=keras.optimizers.SGD(0.05), mixed_precision=True, verbose=0)
    assert isinstance(model.optimizer, keras.mixed_precision.LossScaleOptimizer)
    assert model.dense.compute_dtype == "float16"
    mse = trainer.fit(data, epochs=4).history["mse"]
    assert np.isfinite(mse).all() and mse[-1] < 0.5 * mse[0]


def test_fit_shortcut_progress_bar_and_tensorboard_logs(tmp_path, capsys):
    x, y = make_data()
    history = course.train.fit(
        build(),
        dataset(x, y),
        epochs=2,
        validation_data=dataset(x, y),
        loss=SCCE,
        metrics=["accuracy"],
        log_dir=str(tmp_path),
        verbose=1,
    )
    assert isinstance(history.trainer, Trainer) and len(history.history["val_accuracy"]) == 2
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "5/5" in out and "val_loss" in out
    tags = set()
    for path in glob.glob(str(tmp_path / "*" / "events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            tags.update(f"{path.split('/')[-2]}/{v.tag}" for v in event.summary.value)
    assert {"train/epoch_loss", "train/epoch_accuracy", "validation/epoch_loss"} <= tags


def test_mixed_precision_override_runs_float16_with_loss_scaling():
    x, y = make_data()
    model = build()
    trainer = Trainer(
        model, optimizer="sgd", loss=SCCE, mixed_precision=True, global_clipnorm=1.0, verbose=0
    )
    assert isinstance(trainer.optimizer, keras.mixed_precision.LossScaleOptimizer)
    assert model.layers[0].compute_dtype == "float16" and model.layers[0].kernel.dtype == "float32"
    history = trainer.fit(dataset(x, y), epochs=2)
    assert (
        np.isfinite(history.history["loss"]).all()
        and history.history["loss"][1] < history.history["loss"][0]
    )


def test_xla_override_compiles_the_step_and_matches_the_plain_graph():
    x, y = make_data()
    plain, compiled = build(), build()
    Trainer(plain, optimizer="sgd", loss=SCCE, verbose=0).fit(dataset(x, y), epochs=2)
    trainer = Trainer(compiled, optimizer="sgd", loss=SCCE, jit_compile=True, verbose=0)
    trainer.fit(dataset(x, y), epochs=2)
    assert trainer.jit_compile and trainer.trace_count["train"] == 1
    assert_weights_close(plain, compiled)
