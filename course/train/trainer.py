"""`Trainer`: fit and evaluate any `keras.Model` with graph loops of several steps per call.

One code path for one CPU, several GPUs, several machines and TPUs (through `tf.distribute`),
with mixed precision and XLA where they pay off, gradient clipping, callbacks, checkpoint and
resume, and NaN/Inf detection. A model that defines its own ``train_step``/``test_step`` (GAN,
VAE, diffusion) is driven through those instead of the built-in supervised step.
"""
import warnings

import keras
import numpy as np
import tensorflow as tf

from course.train import distribution, precision
from course.train.callbacks import CallbackList, ProgressBar, TensorBoard, nonfinite_message
from course.train.steps import (ModelSteps, SupervisedSteps, is_sparse, make_eval_loop, make_train_loop,
                                overrides_train_step, per_example_loss, resolve_metrics)
from course.validation import check_choice, check_number


class Trainer:
    """Train `model` with `optimizer` on `loss`, reporting `metrics`.

    ``steps_per_execution`` steps run inside one graph call. ``mixed_precision`` and
    ``jit_compile`` default to on only where they help (a recent GPU / any GPU); a model with
    its own ``train_step`` gets mixed precision only when asked (``mixed_precision=True``, which
    also wraps each optimizer it holds: its step must call ``optimizer.scale_loss``). ``clipvalue``,
    ``clipnorm`` (per tensor) and ``global_clipnorm`` clip gradients. ``strategy`` defaults to
    the one the model was built under. ``log_dir`` adds TensorBoard logs. On a NaN/Inf loss the
    run stops with a diagnosis (``on_nonfinite="stop"``, a warning) or raises
    ``FloatingPointError`` (``"raise"``).
    """

    def __init__(self, model, optimizer=None, loss=None, metrics=None, *, learning_rate=None,
                 steps_per_execution=16, callbacks=(), clipvalue=None, clipnorm=None, global_clipnorm=None,
                 mixed_precision=None, jit_compile=None, strategy=None, log_dir=None, verbose=1,
                 on_nonfinite="stop"):
        if not isinstance(model, keras.Model):
            raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
        check_number("steps_per_execution", steps_per_execution, 1, integer=True)
        for name, value in (("clipvalue", clipvalue), ("clipnorm", clipnorm), ("global_clipnorm", global_clipnorm)):
            if value is not None:
                check_number(name, value, 0, low_open=True)
        if learning_rate is not None:
            check_number("learning_rate", learning_rate, 0, low_open=True)
        check_choice("verbose", verbose, (0, 1, 2))
        check_choice("on_nonfinite", on_nonfinite, ("stop", "raise"))
        self.model, self.steps_per_execution, self.verbose = model, steps_per_execution, verbose
        self.strategy = distribution.strategy_for(model, strategy)
        self.mixed_precision, self.jit_compile = precision.resolve(mixed_precision, jit_compile)
        self.callbacks, self.log_dir, self.on_nonfinite = list(callbacks), log_dir, on_nonfinite
        self.custom_step = overrides_train_step(model)
        if self.custom_step and mixed_precision is None:
            self.mixed_precision = precision.uses_float16(model)
        if self.mixed_precision and not precision.uses_float16(model):
            precision.apply_policy(model)
        with self.strategy.scope():
            if self.custom_step:
                self.optimizer = self._compile_custom(optimizer, loss, metrics, learning_rate)
                if self.mixed_precision:
                    precision.wrap_model_optimizers(model)
                    self.optimizer = getattr(model, "optimizer", None)
                self.steps = ModelSteps(model)
            else:
                self.optimizer = self._make_optimizer(optimizer, learning_rate)
                self.steps = SupervisedSteps(model, self.optimizer, per_example_loss(loss), [],
                                             (clipvalue, clipnorm, global_clipnorm))
        self._metric_specs = metrics
        self.position_variable = tf.Variable(0, dtype=tf.int64, trainable=False, name="position")
        self.steps_per_epoch = 0
        self.trace_count = {"train": 0, "evaluate": 0}
        self.stop_reason = None
        self._train_loop = self._eval_loop = self._checked_spec = None

    # -- set-up ---------------------------------------------------------------------------
    def _make_optimizer(self, optimizer, learning_rate):
        if optimizer is None or isinstance(optimizer, str):
            config = {} if learning_rate is None else {"learning_rate": learning_rate}
            optimizer = keras.optimizers.get({"class_name": optimizer or "adam", "config": config})
        elif not isinstance(optimizer, keras.optimizers.Optimizer):
            raise TypeError(f"optimizer must be a name or a keras.optimizers.Optimizer, got {optimizer!r}")
        elif getattr(optimizer, "_distribution_strategy", self.strategy) is not self.strategy:
            if optimizer.built:
                raise ValueError("optimizer was built outside the strategy scope; create it inside "
                                 "`with strategy.scope():` or pass an unused optimizer")
            optimizer = type(optimizer).from_config(optimizer.get_config())
        elif learning_rate is not None:
            optimizer.learning_rate = learning_rate
        _check_learning_rate(optimizer)
        if self.mixed_precision:
            optimizer = precision.wrap_optimizer(optimizer)
        return optimizer

    def _compile_custom(self, optimizer, loss, metrics, learning_rate):
        if optimizer is not None and getattr(self.model, "optimizer", None) is None:
            self.model.compile(optimizer=self._make_optimizer(optimizer, learning_rate), loss=loss, metrics=metrics)
        model_optimizer = getattr(self.model, "optimizer", None)
        if model_optimizer is not None:
            _check_learning_rate(model_optimizer)
        return model_optimizer

    def _prepare(self, dataset):
        """Check the data against the model, create metrics and optimizer state, build loops."""
        if not self.custom_step and dataset.element_spec != self._checked_spec:
            with self.strategy.scope():
                y_true_shape, y_pred_shape = _check_data(self.model, dataset.element_spec, self.steps.loss)
                if not self.steps.metrics and self._metric_specs:
                    self.steps.metrics = resolve_metrics(self._metric_specs, y_true_shape, y_pred_shape)
                if not self.optimizer.built:
                    self.optimizer.build(self.model.trainable_variables)
            self._checked_spec = dataset.element_spec
        if self._train_loop is None:
            self._train_loop = make_train_loop(self.strategy, self.steps, self.jit_compile,
                                               lambda: self._count_trace("train"))
            self._eval_loop = make_eval_loop(self.strategy, self.steps, self.jit_compile,
                                             lambda: self._count_trace("evaluate"))

    def _count_trace(self, name):
        self.trace_count[name] += 1

    @property
    def position(self):
        """Steps done in the current `fit` run (restored by a `Checkpointer`)."""
        return int(self.position_variable.numpy())

    # -- training -------------------------------------------------------------------------
    def fit(self, data, epochs=1, validation_data=None, steps_per_epoch=None, batch_size=32, verbose=None):
        """Train for `epochs` epochs and return a `keras.callbacks.History`.

        `data` is a batched `tf.data.Dataset` (or an ``(x, y)`` tuple of arrays, batched by
        `batch_size` in order). A `Checkpointer` callback resumes an interrupted run.
        """
        check_number("epochs", epochs, 1, integer=True)
        verbose = self.verbose if verbose is None else check_choice("verbose", verbose, (0, 1, 2))
        train = _as_dataset(data, batch_size, "data")
        val = None if validation_data is None else _as_dataset(validation_data, batch_size, "validation_data")
        self.steps_per_epoch = _steps_per_epoch(train, steps_per_epoch)
        self._prepare(train)
        history = keras.callbacks.History()
        extra = [history] + ([ProgressBar(verbose)] if verbose else [])
        extra += [TensorBoard(self.log_dir)] if self.log_dir else []
        callbacks = CallbackList(self.callbacks + extra, self)
        callbacks.set_params({"epochs": epochs, "steps": self.steps_per_epoch, "verbose": verbose})
        self.model.stop_training, self.stop_reason = False, None
        self.position_variable.assign(0)
        callbacks.on_train_begin()
        start, total, spe = self.position, epochs * self.steps_per_epoch, self.steps_per_epoch
        source = train.repeat()
        iterator = iter(distribution.distribute(self.strategy, source.skip(start) if start else source))
        losses, logs = [], {}
        while self.position < total and not self.model.stop_training:
            epoch, in_epoch = divmod(self.position, spe)
            if in_epoch == 0 or self.position == start:
                if in_epoch == 0:
                    self.steps.reset()
                callbacks.on_epoch_begin(epoch)
            n = min(self.steps_per_execution, spe - in_epoch)
            ran, bad, last, finite = self._train_loop(iterator, tf.constant(n, tf.int32))
            first_step = self.position + 1
            self.position_variable.assign_add(int(ran))
            losses += [v for out in finite for v in _first_value(out) if np.isfinite(v)]
            logs = _numpy(self.steps.results() if not self.custom_step else last)
            if int(bad) >= 0:
                self._nonfinite(first_step + int(bad), epoch, losses[-20:])
                break
            callbacks.on_train_batch_end(in_epoch + int(ran) - 1, logs)
            if self.position % spe == 0:
                if val is not None:
                    logs.update({f"val_{k}": v for k, v in self.evaluate(val).items()})
                callbacks.on_epoch_end(epoch, logs)
        callbacks.on_train_end(logs)
        history.trainer = self
        return history

    def _nonfinite(self, step, epoch, losses):
        rate = None
        if self.optimizer is not None:
            rate = float(keras.ops.convert_to_numpy(self.optimizer.learning_rate))
        self.stop_reason = nonfinite_message(step, epoch, losses, rate)
        self.model.stop_training = True
        if self.on_nonfinite == "raise":
            raise FloatingPointError(self.stop_reason)
        warnings.warn(self.stop_reason, RuntimeWarning, stacklevel=3)

    def evaluate(self, data, batch_size=32):
        """Loss and metrics over all of `data` (a batched dataset or an ``(x, y)`` tuple)."""
        dataset = _as_dataset(data, batch_size, "data")
        self._prepare(dataset)
        self.steps.reset()
        iterator = iter(distribution.distribute(self.strategy, dataset))
        n = tf.constant(self.steps_per_execution, tf.int32)
        while int(self._eval_loop(iterator, n)) == self.steps_per_execution:
            pass
        return _numpy(self.steps.results())


def fit(model, data, epochs=1, validation_data=None, **trainer_kwargs):
    """Shortcut: ``Trainer(model, **trainer_kwargs).fit(data, epochs, validation_data)``.

    The returned History has the trainer as ``history.trainer``.
    """
    return Trainer(model, **trainer_kwargs).fit(data, epochs=epochs, validation_data=validation_data)


def _check_learning_rate(optimizer):
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a LossScaleOptimizer's own rate is unused
    rate = getattr(optimizer, "_learning_rate", None)
    if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule) or rate is None:
        return
    check_number("learning_rate", float(keras.ops.convert_to_numpy(rate)), 0, low_open=True)


def _as_dataset(data, batch_size, name):
    if isinstance(data, tf.data.Dataset):
        if data.element_spec is None or not tf.nest.flatten(data.element_spec):
            raise ValueError(f"{name} yields no tensors")
        return data
    if isinstance(data, tuple) and all(hasattr(a, "shape") for a in data):
        check_number("batch_size", batch_size, 1, integer=True)
        return tf.data.Dataset.from_tensor_slices(data).batch(batch_size)
    raise TypeError(f"{name} must be a batched tf.data.Dataset or an (x, y) tuple of arrays, "
                    f"got {type(data).__name__}")


def _steps_per_epoch(dataset, steps_per_epoch):
    if steps_per_epoch is not None:
        return check_number("steps_per_epoch", steps_per_epoch, 1, integer=True)
    cardinality = int(dataset.cardinality())
    if cardinality == tf.data.INFINITE_CARDINALITY:
        raise ValueError("steps_per_epoch must be given for an infinite (repeated) dataset")
    if cardinality == tf.data.UNKNOWN_CARDINALITY:
        cardinality = int(dataset.reduce(np.int64(0), lambda count, _: count + 1))
    if cardinality == 0:
        raise ValueError("data is empty: the dataset yields no batches")
    return cardinality


def _check_data(model, element_spec, loss):
    """Fail before the first step, with both shapes, if the data does not fit the model."""
    x_spec, y_spec, _ = keras.utils.unpack_x_y_sample_weight(element_spec)
    if y_spec is None:
        raise ValueError(f"the dataset yields only inputs {x_spec}; the built-in step needs (x, y) "
                         "pairs (a model without targets must define its own train_step)")
    if getattr(model, "inputs", None):
        for tensor, spec in zip(model.inputs, tf.nest.flatten(x_spec)):
            if not tf.TensorShape(tensor.shape[1:]).is_compatible_with(spec.shape[1:]):
                raise ValueError(f"model/data shape mismatch: the model expects inputs of shape "
                                 f"{tuple(tensor.shape)}, the dataset yields {tuple(spec.shape)}")
    dummy_x = tf.nest.map_structure(_dummy, x_spec)
    try:
        y_pred = model(dummy_x, training=False)
    except Exception as error:  # the model's own message says which layer refused the input
        raise ValueError(f"model/data shape mismatch: the model cannot take inputs of shape "
                         f"{_shapes(x_spec)} from the dataset: {error}") from error
    y_pred = tf.nest.map_structure(lambda t: tf.cast(t, tf.float32), y_pred)
    if not isinstance(y_pred, tf.Tensor) or not isinstance(y_spec, tf.TensorSpec):
        return None, None  # several outputs: the loss checks its own structure at the first step
    y_true_shape, y_pred_shape = tuple(y_spec.shape), tuple(y_pred.shape)
    if not is_sparse(loss) and len(y_true_shape) >= 2 and y_true_shape[-1] not in (None, 1, y_pred_shape[-1]):
        raise ValueError(f"model/data shape mismatch: the model outputs {(None,) + y_pred_shape[1:]}, "
                         f"the targets have shape {y_true_shape} (loss {loss.name})")
    try:
        loss(tf.nest.map_structure(_dummy, y_spec), y_pred)
    except Exception as error:
        raise ValueError(f"model/data shape mismatch: loss {loss.name} cannot compare targets of shape "
                         f"{y_true_shape} with model outputs of shape {(None,) + y_pred_shape[1:]}: {error}") from error
    return y_true_shape, y_pred_shape


def _dummy(spec):
    shape = [2 if d is None else d for d in spec.shape]
    return tf.zeros(shape, spec.dtype)


def _shapes(spec):
    return [tuple(s.shape) for s in tf.nest.flatten(spec)]


def _numpy(logs):
    return {k: float(np.asarray(v)) if np.ndim(v) == 0 else np.asarray(v) for k, v in dict(logs).items()}


def _first_value(outputs):
    """The first logged value of a step's outputs (the loss), as a one-item list."""
    return [float(np.asarray(v)) for v in tf.nest.flatten(outputs)[:1]]
