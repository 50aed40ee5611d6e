"""The step objects: one training/evaluation step for one replica, built in or the model's own.

Each ``train_step(batch)``/``test_step(batch)`` returns the step's outputs (a dict). Losses are
summed per example and divided by the number of examples in the GLOBAL batch, so gradients
summed across replicas equal the single-device gradient.
"""

import keras
import tensorflow as tf

from course.train import distribution, precision
from course.train.clipping import clip_gradients
from course.train.losses import LossMean


class SupervisedSteps:
    """The built-in (x, y[, sample_weight]) train and test steps for one replica."""

    reduce_op = tf.distribute.ReduceOp.SUM  # step outputs are per-replica shares of the loss

    def __init__(self, model, optimizer, loss, metrics, clip):
        self.model, self.optimizer, self.loss, self.metrics, self.clip = (
            model,
            optimizer,
            loss,
            metrics,
            clip,
        )
        self.tracker = LossMean()

    def _loss(self, y, y_pred, sample_weight):
        per_example = tf.cast(self.loss(y, y_pred, sample_weight), tf.float32)
        count = tf.cast(tf.size(per_example), tf.float32)
        global_count = distribution.global_sum(count)
        loss = tf.reduce_sum(per_example) / tf.maximum(global_count, 1.0)
        if self.model.losses:
            loss += (
                tf.add_n([tf.cast(r, tf.float32) for r in self.model.losses])
                / distribution.num_replicas()
            )
        # This replica's share of the step loss; the shares of all replicas sum to it.
        self.tracker.update_state(loss * global_count, count)
        return loss

    def _forward(self, x, training):
        y_pred = self.model(x, training=training)
        return tf.nest.map_structure(lambda t: tf.cast(t, tf.float32), y_pred)

    def _update_metrics(self, y, y_pred, sample_weight):
        for metric in self.metrics:
            metric.update_state(y, y_pred, sample_weight=sample_weight)

    def train_step(self, batch):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(batch)
        variables = self.model.trainable_variables
        with tf.GradientTape() as tape:
            y_pred = self._forward(x, True)
            loss = self._loss(y, y_pred, sample_weight)
            scaled = self.optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, variables)
        grads = clip_gradients(grads, *self.clip, scale=precision.loss_scale(self.optimizer))
        self.optimizer.apply(grads, variables)
        self._update_metrics(y, y_pred, sample_weight)
        return {"loss": loss}

    def test_step(self, batch):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(batch)
        y_pred = self._forward(x, False)
        loss = self._loss(y, y_pred, sample_weight)
        self._update_metrics(y, y_pred, sample_weight)
        return {"loss": loss}

    @property
    def all_metrics(self):
        return [self.tracker] + list(self.metrics)

    def results(self):
        return {m.name: m.result() for m in self.all_metrics}

    def logs(self, outputs):
        """What an execution reports: the running epoch means of loss and metrics."""
        return self.results()

    def reset(self):
        for metric in self.all_metrics:
            metric.reset_state()


class ModelSteps:
    """Delegates to a model that defines its own ``train_step``/``test_step`` (GAN, VAE...)."""

    reduce_op = tf.distribute.ReduceOp.MEAN

    def __init__(self, model):
        self.model = model
        self.train_step = model.train_step
        self.test_step = model.test_step

    @property
    def all_metrics(self):
        return list(self.model.metrics)

    def results(self):
        return self.model.get_metrics_result()

    def logs(self, outputs):
        """What an execution reports: the last step's own outputs."""
        return outputs

    def reset(self):
        self.model.reset_metrics()


def overrides_train_step(model):
    """True when `model`'s class defines its own ``train_step``."""
    return type(model).train_step is not keras.Model.train_step
