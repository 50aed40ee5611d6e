"""Batch normalisation from scratch, with Keras' defaults and momentum convention.

Training normalises with the batch's mean and (biased) variance and moves the running averages:
moving = momentum * moving + (1 - momentum) * batch. Inference uses the running averages, which
is why a model can score well in training mode and badly in inference mode (the BN pitfall).
Keras 3 has no `add_update`: the moving statistics are updated with `Variable.assign` in `call`.
"""
import keras
from keras import ops

from course.layers._norm_base import NormalizationBase, broadcast_shape, upcast
from course.validation import check_number


@keras.saving.register_keras_serializable(package="course")
class BatchNorm(NormalizationBase):
    """Normalise each feature over the batch (and spatial) axes; mirrors `BatchNormalization`.

    Args:
        axis: the feature axis (kept); statistics are taken over all the others.
        momentum: weight of the old running average in each update, in [0, 1].
        epsilon: added to the variance inside the square root, > 0.
        center, scale: learn beta and gamma.
    Like Keras 3, a layer with ``trainable=False`` always runs in inference mode, which is what
    keeps a frozen backbone's statistics fixed during fine-tuning.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 moving_mean_initializer="zeros", moving_variance_initializer="ones", **kwargs):
        check_number("axis", axis, integer=True)
        check_number("momentum", momentum, 0, 1)
        super().__init__(epsilon=epsilon, center=center, scale=scale, **kwargs)
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.moving_mean_initializer = keras.initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = keras.initializers.get(moving_variance_initializer)

    def build(self, input_shape):
        ndim = len(input_shape)
        axis, channels = self.channel_axis(input_shape)
        self._feature_axis = axis
        self._reduction_axes = [i for i in range(ndim) if i != axis]
        self._param_shape = broadcast_shape(ndim, [axis], [channels])
        self.build_affine((channels,))
        self.moving_mean = self.add_weight(
            name="moving_mean", shape=(channels,), initializer=self.moving_mean_initializer,
            trainable=False)
        self.moving_variance = self.add_weight(
            name="moving_variance", shape=(channels,),
            initializer=self.moving_variance_initializer, trainable=False)

    def call(self, inputs, training=False):
        x = upcast(inputs)
        if training and self.trainable:
            mean, variance = ops.moments(x, axes=self._reduction_axes)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean * m + ops.cast(mean, self.moving_mean.dtype) * (1 - m))
            self.moving_variance.assign(
                self.moving_variance * m + ops.cast(variance, self.moving_variance.dtype) * (1 - m))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        mean = ops.reshape(ops.cast(mean, x.dtype), self._param_shape)
        variance = ops.reshape(ops.cast(variance, x.dtype), self._param_shape)
        out = self.normalize(x, mean, variance, self._param_shape)
        return ops.cast(out, inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            axis=self.axis, momentum=self.momentum,
            moving_mean_initializer=keras.initializers.serialize(self.moving_mean_initializer),
            moving_variance_initializer=keras.initializers.serialize(self.moving_variance_initializer),
        )
        return config
