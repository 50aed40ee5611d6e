"""`Trainer`: fit and evaluate any `keras.Model` with graph loops of several steps per call.

One code path for one CPU, several GPUs, several machines and TPUs (through `tf.distribute`),
with mixed precision and XLA where they pay off, gradient clipping, callbacks, checkpoint and
resume, and NaN/Inf detection. A model that defines its own ``train_step``/``test_step`` (GAN,
VAE, diffusion) is driven through those instead of the built-in supervised step.
"""

import contextlib
import os
import warnings

import keras
import numpy as np
import tensorflow as tf

from course.train import distribution, health, precision
from course.train.callbacks import CallbackList, ProgressBar, TensorBoard
from course.train.inputs import as_dataset, check_class_labels, check_fits_model, count_batches
from course.train.loops import make_eval_loop, make_train_loop
from course.train.losses import per_example_loss
from course.train.metrics import check_metrics, resolve_metrics
from course.train.optimizers import check_optimizer, check_optimizer_rate, make_optimizer
from course.train.steps import ModelSteps, SupervisedSteps, overrides_train_step
from course.validation import check_choice, check_learning_rate, check_number


class Trainer:
    """Train `model` with `optimizer` on `loss`, reporting `metrics`.

    ``steps_per_execution`` steps run inside one graph call. ``mixed_precision`` and
    ``jit_compile`` default to on only where they help (a recent GPU / any GPU); a model with
    its own ``train_step`` gets mixed precision only when asked (``mixed_precision=True``, which
    also wraps each optimizer it holds: its step must call ``optimizer.scale_loss``). ``clipvalue``,
    ``clipnorm`` (per tensor) and ``global_clipnorm`` clip gradients. ``strategy`` defaults to
    the one the model was built under. ``log_dir`` adds TensorBoard logs.

    After every step the loss, the model's floating-point variables (and, under ``clipvalue``,
    the gradients) are checked for NaN/Inf; the run stops at the first bad step with a diagnosis
    naming the step and the first non-finite variable (``on_nonfinite="stop"``, a warning) or
    raises ``FloatingPointError`` (``"raise"``). Either way the model's variables (and the
    optimizer's) are first restored to their values at the start of that epoch, the last state
    known to be finite, so no NaN stays in the model. ``check_data=True`` checks every batch for
    NaN/Inf before it is trained on and raises ValueError naming the batch. It is off by default
    in both run profiles: it costs 7-15% of throughput on the digits models
    (``benchmarks/train_loop.py``), and the always-on weight check's diagnosis names it when a
    NaN comes from the data.
    Every argument is checked before the trainer changes anything (the model's dtype policy, its
    compiled state, a given optimizer), and every argument is used or refused: a model with its
    own ``train_step`` is compiled with ``optimizer`` (at ``learning_rate``), ``loss`` and
    ``metrics`` only when it holds no optimizer yet, so passing them to a compiled one, or
    ``learning_rate``/``loss``/``metrics`` without an ``optimizer``, raises ValueError naming the
    argument, as do the clip arguments (its own step applies its gradients).
    """

    def __init__(
        self,
        model,
        optimizer=None,
        loss=None,
        metrics=None,
        *,
        learning_rate=None,
        steps_per_execution=16,
        callbacks=(),
        clipvalue=None,
        clipnorm=None,
        global_clipnorm=None,
        mixed_precision=None,
        jit_compile=None,
        strategy=None,
        log_dir=None,
        verbose=1,
        on_nonfinite="stop",
        check_data=False,
    ):
        if not isinstance(model, keras.Model):
            raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
        check_number("steps_per_execution", steps_per_execution, 1, integer=True)
        for name, value in (
            ("clipvalue", clipvalue),
            ("clipnorm", clipnorm),
            ("global_clipnorm", global_clipnorm),
        ):
            if value is not None:
                check_number(name, value, 0, low_open=True)
        if learning_rate is not None:
            check_learning_rate(learning_rate, positive=True)
        check_choice("verbose", verbose, (0, 1, 2))
        check_choice("on_nonfinite", on_nonfinite, ("stop", "raise"))
        if not isinstance(check_data, bool):
            raise TypeError(f"check_data must be True or False, got {check_data!r}")
        if log_dir is not None and not isinstance(log_dir, (str, os.PathLike)):
            raise TypeError(
                f"log_dir must be None or a directory path (str or os.PathLike), got {log_dir!r}"
            )
        check_optimizer(optimizer)
        check_metrics(metrics)
        self.callbacks = _check_callbacks(callbacks)
        self.custom_step = overrides_train_step(model)
        loss = loss if self.custom_step else per_example_loss(loss)
        self.strategy = distribution.strategy_for(model, strategy)
        self.mixed_precision, self.jit_compile = precision.resolve(mixed_precision, jit_compile)
        if self.custom_step and mixed_precision is None:
            self.mixed_precision = precision.uses_float16(model)
        if self.custom_step:
            _check_custom_step_arguments(
                model,
                optimizer,
                learning_rate,
                loss,
                metrics,
                (clipvalue, clipnorm, global_clipnorm),
            )
        with self.strategy.scope():
            new_optimizer = self._new_optimizer(model, optimizer, learning_rate)
        # Everything is valid: from here on the model (and a given optimizer) change.
        self.model, self.steps_per_execution, self.verbose = model, steps_per_execution, verbose
        self.log_dir, self.on_nonfinite = log_dir, on_nonfinite
        self.check_data = check_data
        if self.mixed_precision and not precision.uses_float16(model):
            precision.apply_policy(model)
        with self.strategy.scope():
            if self.custom_step:
                if new_optimizer is not None:
                    model.compile(optimizer=new_optimizer, loss=loss, metrics=metrics)
                if self.mixed_precision:
                    precision.wrap_model_optimizers(model)
                self.optimizer = getattr(model, "optimizer", None)
                self.steps = ModelSteps(model)
            else:
                self.optimizer = new_optimizer
                self.steps = SupervisedSteps(
                    model, new_optimizer, loss, [], (clipvalue, clipnorm, global_clipnorm)
                )
        self._metric_specs = metrics
        self.position_variable = tf.Variable(0, dtype=tf.int64, trainable=False, name="position")
        self.steps_per_epoch = 0
        self.trace_count = {"train": 0, "evaluate": 0}
        self.stop_reason = None
        self._train_loop = self._eval_loop = self._checked_spec = None
        self._step_counts = {}

    # -- set-up ---------------------------------------------------------------------------
    def _new_optimizer(self, model, optimizer, learning_rate):
        """The optimizer to create (None when a custom-step model keeps the one it has)."""
        if not self.custom_step:
            return make_optimizer(optimizer, learning_rate, self.strategy, self.mixed_precision)
        existing = getattr(model, "optimizer", None)
        if existing is not None:
            check_optimizer_rate(existing)
            return None
        if optimizer is None:
            return None
        return make_optimizer(optimizer, learning_rate, self.strategy, self.mixed_precision)

    def _prepare(self, dataset):
        """Check the data against the model, create metrics and optimizer state, build loops."""
        if not self.custom_step and dataset.element_spec != self._checked_spec:
            with self.strategy.scope():
                y_true_shape, y_pred_shape = check_fits_model(
                    self.model, dataset.element_spec, self.steps.loss
                )
                if not self.steps.metrics and self._metric_specs:
                    self.steps.metrics = resolve_metrics(
                        self._metric_specs, y_true_shape, y_pred_shape
                    )
                if not self.optimizer.built:
                    self.optimizer.build(self.model.trainable_variables)
            self._checked_spec = dataset.element_spec
        if self._train_loop is None:
            self._train_loop = make_train_loop(
                self.strategy,
                self.steps,
                self.position_variable,
                self.jit_compile,
                lambda: self._count_trace("train"),
            )
            self._eval_loop = make_eval_loop(
                self.strategy, self.steps, self.jit_compile, lambda: self._count_trace("evaluate")
            )

    def _count_trace(self, name):
        self.trace_count[name] += 1

    def _step_count(self, n):
        """`n` as a cached int32 tensor (one fewer eager op per execution)."""
        if n not in self._step_counts:
            self._step_counts[n] = tf.constant(n, tf.int32)
        return self._step_counts[n]

    def _iterator(self, dataset, skip=0, repeat=False):
        if self.check_data:
            dataset = health.guard_data(dataset)
        dataset = dataset.repeat() if repeat else dataset
        return iter(distribution.distribute(self.strategy, dataset.skip(skip) if skip else dataset))

    @property
    def position(self):
        """Steps done in the current `fit` run (restored by a `Checkpointer`)."""
        return int(self.position_variable.numpy())

    # -- training -------------------------------------------------------------------------
    def fit(
        self,
        data,
        epochs=1,
        validation_data=None,
        steps_per_epoch=None,
        batch_size=32,
        verbose=None,
    ):
        """Train for `epochs` epochs and return a `keras.callbacks.History`.

        `data` is a batched `tf.data.Dataset` (or an ``(x, y)`` tuple of arrays, batched by
        `batch_size` in order). A `Checkpointer` callback resumes an interrupted run.
        """
        check_number("epochs", epochs, 1, integer=True)
        verbose = self.verbose if verbose is None else check_choice("verbose", verbose, (0, 1, 2))
        if steps_per_epoch is not None:
            check_number("steps_per_epoch", steps_per_epoch, 1, integer=True)
        train = as_dataset(data, batch_size, "data")
        val = (
            None
            if validation_data is None
            else as_dataset(validation_data, batch_size, "validation_data")
        )
        loss = getattr(self.steps, "loss", None)
        check_class_labels(data, loss, self.model, "data")
        check_class_labels(validation_data, loss, self.model, "validation_data")
        self.steps_per_epoch = steps_per_epoch or count_batches(train)
        self._prepare(train)
        history = keras.callbacks.History()
        extra = [history] + ([ProgressBar(verbose)] if verbose else [])
        extra += [TensorBoard(self.log_dir)] if self.log_dir else []
        callbacks = CallbackList(self.callbacks + extra, self)
        callbacks.set_params({"epochs": epochs, "steps": self.steps_per_epoch, "verbose": verbose})
        self.model.stop_training, self.stop_reason = False, None
        self.position_variable.assign(0)
        callbacks.on_train_begin()
        start = position = self.position
        total, spe = epochs * self.steps_per_epoch, self.steps_per_epoch
        iterator = self._iterator(train, skip=start, repeat=True)
        losses, logs = [], {}
        while position < total and not self.model.stop_training:
            epoch, in_epoch = divmod(position, spe)
            if in_epoch == 0 or position == start:
                if in_epoch == 0:
                    self.steps.reset()
                finite_state = health.snapshot(self._restorable())
                callbacks.on_epoch_begin(epoch)
            n = min(self.steps_per_execution, spe - in_epoch)
            with _data_errors(train, self, epoch):
                ran, bad, logs, step_losses = self._train_loop(iterator, self._step_count(n))
            ran, bad, step_losses = int(ran), int(bad), step_losses.numpy()
            logs = _numpy(logs)
            losses += [v for v in step_losses[:2] if np.isfinite(v)]
            if bad >= 0:
                step = position + 1 + bad
                self._nonfinite(step, epoch, losses[-20:], step_losses[2], finite_state)
                break
            position += ran
            callbacks.on_train_batch_end(in_epoch + ran - 1, logs)
            if position % spe == 0:
                if val is not None:
                    logs.update({f"val_{k}": v for k, v in self.evaluate(val).items()})
                callbacks.on_epoch_end(epoch, logs)
        callbacks.on_train_end(logs)
        history.trainer = self
        return history

    def _restorable(self):
        """The variables a non-finite step can spoil: the model's and its optimizer's."""
        optimizer = [] if self.optimizer is None else list(self.optimizer.variables)
        return list(self.model.variables) + optimizer

    def _nonfinite(self, step, epoch, losses, last_loss, finite_state):
        """Record why training stopped at `step`, naming the first non-finite variable, and
        put back `finite_state`, the variables' values at the start of the epoch."""
        culprit = None
        if np.isfinite(last_loss):
            path = health.first_nonfinite(health.watched_variables(self.model))
            culprit = None if path is None else f"weight '{path}'"
        rate = None
        if self.optimizer is not None:
            rate = float(keras.ops.convert_to_numpy(self.optimizer.learning_rate))
        restored = health.restore(self._restorable(), finite_state)
        self.stop_reason = health.nonfinite_message(step, epoch, losses, rate, culprit) + (
            f" The model's weights were restored to their values at the start of epoch "
            f"{epoch + 1}, the last state known to be finite."
            if restored
            else " The model's weights could not be restored (its variables changed during "
            "the epoch) and may hold NaN/Inf."
        )
        self.model.stop_training = True
        if self.on_nonfinite == "raise":
            raise FloatingPointError(self.stop_reason)
        warnings.warn(self.stop_reason, RuntimeWarning, stacklevel=3)

    def evaluate(self, data, batch_size=32):
        """Loss and metrics over all of `data` (a batched dataset or an ``(x, y)`` tuple).

        Raises ValueError if `data` yields no batch (there is nothing to average).
        """
        dataset = as_dataset(data, batch_size, "data")
        if int(dataset.cardinality()) == 0:
            raise ValueError(
                "data is empty: the dataset yields no batches, so there is nothing to evaluate"
            )
        self._prepare(dataset)
        self.steps.reset()
        iterator = self._iterator(dataset)
        n, total, ran = self._step_count(self.steps_per_execution), 0, self.steps_per_execution
        while ran == self.steps_per_execution:
            with _data_errors(dataset):
                ran = int(self._eval_loop(iterator, n))
            total += ran
        if total == 0:
            raise ValueError(
                "data is empty: the dataset yields no batches, so there is nothing to evaluate"
            )
        return _numpy(self.steps.results())


def fit(model, data, epochs=1, validation_data=None, **trainer_kwargs):
    """Shortcut: ``Trainer(model, **trainer_kwargs).fit(data, epochs, validation_data)``.

    The returned History has the trainer as ``history.trainer``.
    """
    return Trainer(model, **trainer_kwargs).fit(
        data, epochs=epochs, validation_data=validation_data
    )


def _check_custom_step_arguments(model, optimizer, learning_rate, loss, metrics, clips):
    """Refuse the arguments a model with its own ``train_step`` would silently never use.

    Its step computes its own loss and gradients, so the trainer cannot clip them; the trainer
    compiles it (with `optimizer` at `learning_rate`, `loss` and `metrics`) only when the model
    holds no optimizer yet and an `optimizer` is named.
    """
    name = type(model).__name__
    for arg, value in zip(("clipvalue", "clipnorm", "global_clipnorm"), clips):
        if value is not None:
            raise ValueError(
                f"{arg}: {name} has its own train_step, which computes and applies its own "
                f"gradients, so the trainer cannot clip them; clip inside its optimizer(s) instead"
            )
    given = {"learning_rate": learning_rate, "loss": loss, "metrics": metrics}
    if getattr(model, "optimizer", None) is not None:
        given["optimizer"] = optimizer
        reason = "already holds an optimizer (it was compiled), which the trainer keeps"
        remedy = "set it when compiling the model, or pass an uncompiled model"
    elif optimizer is None:
        reason = "holds no optimizer and none is named, so the trainer compiles nothing"
        remedy = "name an optimizer too, or compile the model yourself"
    else:
        return
    for arg, value in given.items():
        if value is not None:
            raise ValueError(f"{arg}: {name} has its own train_step and {reason}; {remedy}")


def _check_callbacks(callbacks):
    if not isinstance(callbacks, (list, tuple)):
        raise TypeError(
            f"callbacks must be a list of keras.callbacks.Callback instances, got {callbacks!r}"
        )
    for callback in callbacks:
        if not isinstance(callback, keras.callbacks.Callback):
            raise TypeError(
                f"callbacks must be keras.callbacks.Callback instances, got {callback!r}"
            )
    return list(callbacks)


@contextlib.contextmanager
def _data_errors(dataset, trainer=None, epoch=None):
    """Turn the error `health.guard_data` raises inside a loop over `dataset` into a ValueError
    naming the batch (and, in training, the step that would have used it)."""
    try:
        yield
    except tf.errors.InvalidArgumentError as error:
        label = health.label_error(error)
        if label is not None:
            raise ValueError(f"data: {label}") from error
        found = health.data_error(error, dataset.element_spec, "data")
        if found is None:
            raise
        batch, where = found
        during = "" if trainer is None else f" at step {trainer.position + 1} (epoch {epoch + 1})"
        raise ValueError(
            f"data: batch {batch} (counting from 0 in each pass over the data) holds NaN/Inf in "
            f"{where}{during}; nothing was trained on it. Clean or drop those examples "
            "(check_data=False turns this check off)"
        ) from error


def _numpy(logs):
    return {
        k: float(np.asarray(v)) if np.ndim(v) == 0 else np.asarray(v) for k, v in dict(logs).items()
    }
