"""Shared pieces of the normalisation layers: argument checks, gamma/beta, and the formula.

Every normaliser computes x_hat = (x - mu) / sqrt(var + eps) and then y = gamma * x_hat + beta.
The square root matters: "Summary DAY 2" divides by (var + eps), which does not give unit variance.
"""
import keras
from keras import ops

from course.validation import check_axis, check_number


class NormalizationBase(keras.layers.Layer):
    """Base class holding epsilon, the optional affine parameters and their config."""

    def __init__(self, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        check_number("epsilon", epsilon, 0, low_open=True)
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = keras.initializers.get(beta_initializer)
        self.gamma_initializer = keras.initializers.get(gamma_initializer)
        self.beta_regularizer = keras.regularizers.get(beta_regularizer)
        self.gamma_regularizer = keras.regularizers.get(gamma_regularizer)
        self.beta_constraint = keras.constraints.get(beta_constraint)
        self.gamma_constraint = keras.constraints.get(gamma_constraint)
        self.supports_masking = True

    def channel_axis(self, input_shape):
        """The normalised (non-negative) `axis` for this input and its size, which must be known."""
        axis = check_axis("axis", self.axis, len(input_shape))
        if input_shape[axis] is None:
            raise ValueError(f"axis={self.axis} of the input shape {input_shape} must be known")
        return axis, input_shape[axis]

    def build_affine(self, shape):
        """Create gamma and beta of `shape` (when `scale`/`center` ask for them)."""
        self.gamma = self.add_weight(
            name="gamma", shape=shape, initializer=self.gamma_initializer,
            regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
        ) if self.scale else None
        self.beta = self.add_weight(
            name="beta", shape=shape, initializer=self.beta_initializer,
            regularizer=self.beta_regularizer, constraint=self.beta_constraint,
        ) if self.center else None

    def normalize(self, x, mean, variance, param_shape):
        """(x - mean) / sqrt(variance + eps), then gamma and beta reshaped to `param_shape`."""
        return self.affine((x - mean) * ops.rsqrt(variance + self.epsilon), param_shape)

    def affine(self, x_hat, param_shape):
        """gamma * x_hat + beta, with the parameters reshaped to `param_shape`."""
        if self.gamma is not None:
            x_hat = x_hat * ops.reshape(ops.cast(self.gamma, x_hat.dtype), param_shape)
        if self.beta is not None:
            x_hat = x_hat + ops.reshape(ops.cast(self.beta, x_hat.dtype), param_shape)
        return x_hat

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            epsilon=self.epsilon, center=self.center, scale=self.scale,
            beta_initializer=keras.initializers.serialize(self.beta_initializer),
            gamma_initializer=keras.initializers.serialize(self.gamma_initializer),
            beta_regularizer=keras.regularizers.serialize(self.beta_regularizer),
            gamma_regularizer=keras.regularizers.serialize(self.gamma_regularizer),
            beta_constraint=keras.constraints.serialize(self.beta_constraint),
            gamma_constraint=keras.constraints.serialize(self.gamma_constraint),
        )
        return config


def broadcast_shape(ndim, axes, sizes):
    """Shape that places `sizes` on `axes` and 1 elsewhere, for broadcasting parameters."""
    shape = [1] * ndim
    for axis, size in zip(axes, sizes):
        shape[axis] = size
    return shape


def upcast(x):
    """Compute statistics in float32 for float16/bfloat16 inputs, as Keras does."""
    return ops.cast(x, "float32") if x.dtype in ("float16", "bfloat16") else x
