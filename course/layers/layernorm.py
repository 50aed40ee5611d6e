"""Layer normalisation from scratch: statistics per example over the feature axes.

Unlike BatchNorm it behaves the same in training and inference and does not depend on the
batch size, which is why transformers and small-batch models use it.
"""

import keras
from keras import ops

from course.layers._norm_base import NormalizationBase, broadcast_shape, upcast
from course.validation import check_axis, check_number


@keras.saving.register_keras_serializable(package="course")
class LayerNorm(NormalizationBase):
    """Normalise each example over `axis`; mirrors `keras.layers.LayerNormalization`.

    Args:
        axis: the normalised axis, or a list of them; gamma and beta have their shape.
        epsilon: added to the variance inside the square root, > 0.
        center, scale: learn beta and gamma.
        **kwargs: the initializers, regularizers and constraints of beta and gamma, and the
            base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: a float tensor whose `axis` sizes are known. A mask passes through unchanged
            (statistics are per example, so padding elsewhere does not enter them).
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, **kwargs):
        axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        if not axes:
            raise ValueError("axis must name at least one axis, got an empty list")
        for a in axes:
            check_number("axis", a, integer=True)
        super().__init__(epsilon=epsilon, center=center, scale=scale, **kwargs)
        self.axis = axes if isinstance(axis, (list, tuple)) else int(axis)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        self._axes = sorted(check_axis("axis", a, ndim) for a in axes)
        if len(set(self._axes)) != len(self._axes):
            raise ValueError(
                f"axis={self.axis} names the same axis twice for an input of rank {ndim}"
            )
        sizes = [input_shape[a] for a in self._axes]
        if any(s is None for s in sizes):
            raise ValueError(f"axis={self.axis} of the input shape {input_shape} must be known")
        self._param_shape = broadcast_shape(ndim, self._axes, sizes)
        self.build_affine(tuple(sizes))

    def call(self, inputs):
        x = upcast(inputs)
        mean, variance = ops.moments(x, axes=self._axes, keepdims=True)
        return self.to_compute_dtype(self.normalize(x, mean, variance, self._param_shape))

    def get_config(self):
        config = super().get_config()
        config.update(axis=self.axis)
        return config
