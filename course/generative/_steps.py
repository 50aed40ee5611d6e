"""`LossModel`: a `keras.Model` whose own `train_step`/`test_step` minimise a dict of losses.

Subclasses implement ``compute_losses(x, y, training)`` returning named scalars, ``"loss"`` (the
one minimised) among them; one `keras.metrics.Mean` tracker per name in `loss_names` averages
them, and the steps return exactly the trackers' names. The steps use only the model and its
optimizer, so `model.fit` and a custom loop wrapping ``model.train_step`` in a `tf.function`
both work.
"""

import keras
import tensorflow as tf

from course.generative._coders import unpack
from course.generative.resumable import ResumableModel
from course.models.compiling import build_optimizer


class LossModel(ResumableModel):
    """Base class: Mean trackers named by `loss_names`, Keras-3 train and test steps.

    Subclasses build every network in their constructor, so the model counts as built from
    the start: `.keras` loading then builds the optimizer before restoring its saved state
    (an unbuilt model would reload with a fresh optimizer, iterations back at 0).
    """

    loss_names = ("loss",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.trackers = [keras.metrics.Mean(name=name) for name in self.loss_names]
        self.built = True

    def compile(self, *args, **kwargs):
        """`keras.Model.compile`, then the optimizer's variables are built at once
        (`build_optimizer`)."""
        super().compile(*args, **kwargs)
        if self.optimizer is not None:
            build_optimizer(self.optimizer, self.trainable_variables)

    def compile_from_config(self, config):
        """Compile on `.keras` loading (Keras skips a custom `compile` unless this is
        overridden)."""
        self.compile(**keras.saving.deserialize_keras_object(config))

    @property
    def metrics(self):
        return list(self.trackers)

    def compute_losses(self, x, y, training):
        """Named scalar losses of one batch; must include ``"loss"``."""
        raise NotImplementedError

    def _record(self, values):
        missing = set(self.loss_names) - set(values)
        if missing:
            raise KeyError(f"compute_losses did not return {sorted(missing)}")
        for tracker in self.trackers:
            tracker.update_state(values[tracker.name])
        return {tracker.name: tracker.result() for tracker in self.trackers}

    def train_step(self, data):
        x, y = unpack(data)
        with tf.GradientTape() as tape:
            values = self.compute_losses(x, y, training=True)
        variables = self.trainable_variables
        gradients = tape.gradient(values["loss"], variables)
        self.optimizer.apply(gradients, variables)
        return self._record(values)

    def test_step(self, data):
        x, y = unpack(data)
        return self._record(self.compute_losses(x, y, training=False))
