"""Group normalisation from scratch: channels split into groups, statistics per example and group.

Between LayerNorm (one group) and InstanceNorm (one channel per group); independent of the batch
size, which suits GANs and diffusion U-Nets trained with small batches.
"""

import keras
from keras import ops

from course.layers._norm_base import NormalizationBase, broadcast_shape, upcast
from course.validation import check_number


@keras.saving.register_keras_serializable(package="course")
class GroupNorm(NormalizationBase):
    """Normalise groups of channels; mirrors `keras.layers.GroupNormalization`.

    Args:
        groups: number of groups; must divide the channel count. -1 means one channel per group.
        axis: the channel axis.
        epsilon: added to the variance inside the square root, > 0.
        center, scale: learn beta and gamma (one per channel).
        **kwargs: the initializers, regularizers and constraints of beta and gamma, and the
            base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: a float tensor whose channel axis size is known. A mask passes through
            unchanged and, as in Keras, does not enter the statistics.
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, **kwargs):
        check_number("groups", groups, integer=True)
        if groups < 1 and groups != -1:
            raise ValueError(f"groups must be a positive int or -1, got {groups!r}")
        check_number("axis", axis, integer=True)
        super().__init__(epsilon=epsilon, center=center, scale=scale, **kwargs)
        self.groups = int(groups)
        self.axis = int(axis)

    def build(self, input_shape):
        ndim = len(input_shape)
        if ndim < 2:  # the batch axis alone: no channels to group
            raise ValueError(
                f"inputs must have rank >= 2 (batch, ..., channels), got shape {tuple(input_shape)}"
            )
        axis, channels = self.channel_axis(input_shape)
        groups = channels if self.groups == -1 else self.groups
        if channels % groups:
            raise ValueError(
                f"groups={self.groups} must divide the number of channels "
                f"({channels}) on axis {self.axis}"
            )
        self._channel_axis, self._groups, self._channels = axis, groups, channels
        self._param_shape = broadcast_shape(ndim, [axis], [channels])
        self.build_affine((channels,))

    def call(self, inputs):
        x = upcast(inputs)
        shape = ops.shape(x)
        axis = self._channel_axis
        grouped_shape = (
            *shape[:axis],
            self._groups,
            self._channels // self._groups,
            *shape[axis + 1 :],
        )
        grouped = ops.reshape(x, grouped_shape)
        # Statistics over every axis but the batch axis and the group axis.
        reduce = [i for i in range(1, len(grouped_shape)) if i != axis]
        mean, variance = ops.moments(grouped, axes=reduce, keepdims=True)
        x_hat = ops.reshape((grouped - mean) * ops.rsqrt(variance + self.epsilon), shape)
        return self.to_compute_dtype(self.affine(x_hat, self._param_shape))

    def get_config(self):
        config = super().get_config()
        config.update(groups=self.groups, axis=self.axis)
        return config
