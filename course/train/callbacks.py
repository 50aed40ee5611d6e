"""Training callbacks: early stopping with best weights, progress bar and TensorBoard logs.
They are `keras.callbacks.Callback`s, so Keras' own callbacks work too.

The trainer calls the usual hooks; ``on_train_batch_end`` runs once per execution (every
`steps_per_execution` steps), with ``logs`` holding the running epoch means.
"""

import os

import keras
import numpy as np

from course.validation import check_choice, check_number, check_type


class CallbackList:
    """Calls a hook on every callback; gives each the model and, if it wants it, the trainer."""

    def __init__(self, callbacks, trainer):
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            callback.set_model(trainer.model)
            if hasattr(callback, "set_trainer"):
                callback.set_trainer(trainer)

    def set_params(self, params):
        for callback in self.callbacks:
            callback.set_params(params)

    def __getattr__(self, hook):
        if not hook.startswith("on_"):
            raise AttributeError(hook)

        def call(*args):
            for callback in self.callbacks:
                getattr(callback, hook)(*args)

        return call


class EarlyStopping(keras.callbacks.Callback):
    """Stop when `monitor` has not improved by `min_delta` for `patience` epochs; optionally
    put back the weights of the best epoch at the end."""

    def __init__(
        self, monitor="val_loss", patience=3, min_delta=0.0, mode="auto", restore_best_weights=True
    ):
        check_type("monitor", monitor, str, "the name of a logged value, e.g. 'val_loss'")
        check_number("patience", patience, 0, integer=True)
        check_number("min_delta", min_delta, 0)
        check_choice("mode", mode, ("auto", "min", "max"))
        super().__init__()
        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta
        self.restore_best_weights = restore_best_weights
        self.maximize = mode == "max" or (mode == "auto" and ("acc" in monitor or "auc" in monitor))
        self.best = self.best_weights = self.best_epoch = None
        self.stopped_epoch, self.wait = None, 0

    def on_train_begin(self, logs=None):
        self.best = self.best_weights = self.best_epoch = self.stopped_epoch = None
        self.wait = 0

    def _improved(self, value):
        if self.best is None:
            return True
        return (
            value > self.best + self.min_delta
            if self.maximize
            else value < self.best - self.min_delta
        )

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor not in (logs or {}):
            raise ValueError(
                f"EarlyStopping monitor={self.monitor!r} is not among the logged values "
                f"{sorted(logs or {})}; pass validation_data to monitor 'val_...'"
            )
        value = float(logs[self.monitor])
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait > self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class ProgressBar(keras.callbacks.Callback):
    """A `keras.utils.Progbar` per epoch (verbose=1), or one line per epoch (verbose=2)."""

    def __init__(self, verbose=1):
        super().__init__()
        self.verbose = verbose
        self.bar = None

    def on_epoch_begin(self, epoch, logs=None):
        print(f"Epoch {epoch + 1}/{self.params['epochs']}")
        self.bar = keras.utils.Progbar(self.params["steps"], verbose=self.verbose)

    def on_train_batch_end(self, batch, logs=None):
        if self.verbose == 1:
            self.bar.update(batch + 1, values=_items(logs))

    def on_epoch_end(self, epoch, logs=None):
        self.bar.update(self.params["steps"], values=_items(logs), finalize=True)


def _items(logs):
    return [(k, float(v)) for k, v in (logs or {}).items() if np.ndim(v) == 0]


class TensorBoard(keras.callbacks.Callback):
    """Write epoch scalars (and, every `update_freq` steps, the running ones) with `tf.summary`
    to ``log_dir/train`` and ``log_dir/validation``, the layout TensorBoard expects."""

    def __init__(self, log_dir, update_freq="epoch"):
        check_type("log_dir", log_dir, (str, os.PathLike), "a folder path (str or os.PathLike)")
        if update_freq != "epoch":
            if isinstance(update_freq, str):
                check_choice("update_freq", update_freq, ("epoch",))
            check_number("update_freq", update_freq, 1, integer=True)
        super().__init__()
        self.log_dir, self.update_freq = str(log_dir), update_freq
        self.writers, self.trainer, self._last = {}, None, 0

    def set_trainer(self, trainer):
        self.trainer = trainer

    def _writer(self, name):
        import tensorflow as tf

        if name not in self.writers:
            self.writers[name] = tf.summary.create_file_writer(f"{self.log_dir}/{name}")
        return self.writers[name]

    def _write(self, name, values, step):
        import tensorflow as tf
        from tensorflow.core.framework import summary_pb2

        # tf.summary.write with the "scalars" plugin tag is what tf.summary.scalar writes, without
        # needing the tensorboard package at training time.
        metadata = summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars")
        )
        with self._writer(name).as_default(step=step):
            for key, value in values.items():
                tf.summary.write(key, tf.constant(float(value), tf.float32), metadata=metadata)

    def on_train_batch_end(self, batch, logs=None):
        step = self.trainer.position
        if self.update_freq != "epoch" and step - self._last >= self.update_freq:
            self._last = step
            self._write("train", {f"batch_{k}": v for k, v in _scalars(logs).items()}, step)

    def on_epoch_end(self, epoch, logs=None):
        logs = _scalars(logs)
        self._write(
            "train", {f"epoch_{k}": v for k, v in logs.items() if not k.startswith("val_")}, epoch
        )
        val = {f"epoch_{k[4:]}": v for k, v in logs.items() if k.startswith("val_")}
        if val:
            self._write("validation", val, epoch)

    def on_train_end(self, logs=None):
        for writer in self.writers.values():
            writer.flush()


def _scalars(logs):
    return dict(_items(logs))
