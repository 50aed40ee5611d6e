"""Gradient clipping done by the trainer (not the optimizer), so it sees unscaled, all-replica
gradients under mixed precision and `tf.distribute` alike."""

import tensorflow as tf

from course.train import distribution


def clip_gradients(grads, clipvalue=None, clipnorm=None, global_clipnorm=None, scale=1.0):
    """Clip gradients of a loss multiplied by `scale`, as if they had been unscaled first.

    Under several replicas the gradients are summed first (and handed back divided by the
    replica count, because the optimizer sums them again), so the clip sees the true gradient.
    """
    if clipvalue is None and clipnorm is None and global_clipnorm is None:
        return grads
    replicas = distribution.num_replicas()
    if replicas > 1:
        grads = distribution.global_sum(grads)
    scale = tf.cast(scale, tf.float32)
    if clipvalue is not None:
        grads = [tf.clip_by_value(g, -clipvalue * scale, clipvalue * scale) for g in grads]
    if clipnorm is not None:
        grads = [tf.clip_by_norm(g, clipnorm * scale) for g in grads]
    if global_clipnorm is not None:
        grads, _ = tf.clip_by_global_norm(grads, global_clipnorm * scale)
    return [g / replicas for g in grads] if replicas > 1 else grads
