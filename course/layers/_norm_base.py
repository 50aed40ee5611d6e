"""Shared pieces of the normalisation layers: argument checks, gamma/beta, and the formula.

Every normaliser computes x_hat = (x - mu) / sqrt(var + eps) and then y = gamma * x_hat + beta.
The square root matters: "Summary DAY 2" divides by (var + eps), which does not give unit variance.
"""

import keras
from keras import ops

from course.validation import check_axis, check_choice, check_number


class NormalizationBase(keras.layers.Layer):
    """Base class holding epsilon, the optional affine parameters and their config.

    Every weight is created with ``autocast=False``: under a ``mixed_float16`` policy the
    statistics and gamma/beta stay float32 and are read as float32 inside `call`, which
    computes in float32 too and casts only the output to the float16 compute dtype.
    """

    def __init__(
        self,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        epsilon = float(check_number("epsilon", epsilon, 0, low_open=True))
        check_choice("center", center, (False, True))
        check_choice("scale", scale, (False, True))
        resolved = {
            name: resolve(name, value, getter)
            for name, value, getter in (
                ("beta_initializer", beta_initializer, keras.initializers.get),
                ("gamma_initializer", gamma_initializer, keras.initializers.get),
                ("beta_regularizer", beta_regularizer, keras.regularizers.get),
                ("gamma_regularizer", gamma_regularizer, keras.regularizers.get),
                ("beta_constraint", beta_constraint, keras.constraints.get),
                ("gamma_constraint", gamma_constraint, keras.constraints.get),
            )
        }
        super().__init__(**kwargs)
        self.epsilon = epsilon
        self.center = bool(center)
        self.scale = bool(scale)
        for name, value in resolved.items():
            setattr(self, name, value)
        self.supports_masking = True

    def __call__(self, inputs, *args, **kwargs):
        check_real_dtype(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def channel_axis(self, input_shape):
        """The normalised (non-negative) `axis` for this input and its size, which must be known."""
        axis = check_axis("axis", self.axis, len(input_shape))
        if input_shape[axis] is None:
            raise ValueError(f"axis={self.axis} of the input shape {input_shape} must be known")
        return axis, input_shape[axis]

    def add_float32_weight(self, name, shape, initializer, trainable=False, **options):
        """A weight in the variable dtype (float32 under mixed precision), never autocast."""
        return self.add_weight(
            name=name,
            shape=shape,
            initializer=initializer,
            trainable=trainable,
            autocast=False,
            **options,
        )

    def build_affine(self, shape):
        """Create gamma and beta of `shape` (when `scale`/`center` ask for them)."""
        self.gamma = (
            self.add_float32_weight(
                "gamma",
                shape,
                self.gamma_initializer,
                trainable=True,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
            if self.scale
            else None
        )
        self.beta = (
            self.add_float32_weight(
                "beta",
                shape,
                self.beta_initializer,
                trainable=True,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )
            if self.center
            else None
        )

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

    def to_compute_dtype(self, y):
        """The float32 result `y` in the layer's compute dtype (float16 under mixed precision)."""
        return ops.cast(y, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            epsilon=self.epsilon,
            center=self.center,
            scale=self.scale,
            beta_initializer=keras.initializers.serialize(self.beta_initializer),
            gamma_initializer=keras.initializers.serialize(self.gamma_initializer),
            beta_regularizer=keras.regularizers.serialize(self.beta_regularizer),
            gamma_regularizer=keras.regularizers.serialize(self.gamma_regularizer),
            beta_constraint=keras.constraints.serialize(self.beta_constraint),
            gamma_constraint=keras.constraints.serialize(self.gamma_constraint),
        )
        return config


def resolve(name, value, getter):
    """`getter(value)` (e.g. `keras.initializers.get`), with an error naming the argument."""
    try:
        return getter(value)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"{name} must be a Keras identifier (such as 'zeros' or 'l2'), a "
            f"config dict or an object; {error}"
        ) from None


def broadcast_shape(ndim, axes, sizes):
    """Shape that places `sizes` on `axes` and 1 elsewhere, for broadcasting parameters."""
    shape = [1] * ndim
    for axis, size in zip(axes, sizes):
        shape[axis] = size
    return shape


def upcast(x):
    """`x` in at least float32 (float16, bfloat16 and integer inputs become float32, float64
    stays): the statistics of half-precision inputs overflow or lose their digits otherwise.
    Integer inputs (uint8 images, say) are normalised exactly as their float32 values would be;
    Keras' own LayerNormalization computes them in the integer type and wraps around."""
    return ops.cast(x, keras.backend.result_type(x.dtype, "float32"))


def check_real_dtype(inputs):
    """Refuse inputs with no numeric meaning (bool, complex, string) naming their dtype.

    Called from `__call__`, before Keras wraps errors raised in `call` in its own text (with
    terminal colour codes) and before the layer is built."""
    dtype = getattr(inputs, "dtype", None)
    if dtype is None:
        return
    dtype = keras.backend.standardize_dtype(dtype)
    if dtype == "bool" or not (keras.backend.is_float_dtype(dtype) or "int" in dtype):
        raise TypeError(
            f"inputs must be a real-valued (float or integer) tensor, got dtype {dtype}"
        )
