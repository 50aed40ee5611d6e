"""Batch normalisation from scratch, with Keras' defaults, momentum convention and arguments.

Training normalises with the batch's mean and (biased) variance and moves the running averages:
moving = momentum * moving + (1 - momentum) * batch. Inference uses the running averages, which
is why a model can score well in training mode and badly in inference mode (the BN pitfall).
Keras 3 has no `add_update`: the moving statistics are updated with `Variable.assign` in `call`.

Batch renormalization (Ioffe 2017) closes that train/inference gap: training output is corrected
towards running statistics, x_hat * r + d with r = sigma_batch / sigma_run and
d = (mu_batch - mu_run) / sigma_run (clipped, no gradient), so it no longer depends on the batch.
"""

import keras
from keras import ops

from course.layers._norm_base import NormalizationBase, broadcast_shape, resolve, upcast
from course.validation import check_choice, check_number

CLIPPING_KEYS = ("rmax", "rmin", "dmax")


def check_renorm_clipping(renorm, renorm_clipping):
    """The clipping dict (floats) for batch renormalization; {} when no key is given."""
    if renorm_clipping is None:
        return {} if renorm else None
    if not renorm:
        raise ValueError(
            f"renorm_clipping is used only with renorm=True, got renorm_clipping="
            f"{renorm_clipping!r} with renorm=False"
        )
    if not isinstance(renorm_clipping, dict):
        raise TypeError(
            "renorm_clipping must be a dict with keys from 'rmax', 'rmin', 'dmax', "
            f"got {renorm_clipping!r} ({type(renorm_clipping).__name__})"
        )
    unknown = sorted(set(renorm_clipping) - set(CLIPPING_KEYS))
    if unknown:
        raise ValueError(
            f"renorm_clipping: Received invalid keys {unknown}; accepted keys: "
            f"'rmax', 'rmin', 'dmax'"
        )
    for key, value in renorm_clipping.items():  # inf is a valid rmax/dmax: no limit
        check_number(f"renorm_clipping['{key}']", value, finite=key == "rmin")
    clipping = {key: float(value) for key, value in renorm_clipping.items()}
    if clipping.get("rmin", 0.0) < 0:
        raise ValueError(
            f"renorm_clipping: rmin should be non-negative, got rmin={clipping['rmin']}"
        )
    if clipping.get("rmax", float("inf")) < clipping.get("rmin", 0.0):
        raise ValueError(
            "renorm_clipping: rmax should be >= rmin, got "
            f"rmax={clipping['rmax']}, rmin={clipping.get('rmin', 0.0)}"
        )
    if clipping.get("dmax", 0.0) < 0:
        raise ValueError(
            f"renorm_clipping: dmax should be non-negative, got dmax={clipping['dmax']}"
        )
    return clipping


def sqrt_of(initializer):
    """An initializer giving the square root of `initializer` (a stddev from a variance)."""

    def initialize(shape, dtype=None):
        return ops.sqrt(initializer(shape, dtype=dtype))

    return initialize


@keras.saving.register_keras_serializable(package="course")
class BatchNorm(NormalizationBase):
    """Normalise each feature over the batch (and spatial) axes; mirrors `BatchNormalization`.

    Like Keras 3, a layer with ``trainable=False`` always runs in inference mode, which is what
    keeps a frozen backbone's statistics fixed during fine-tuning.

    Args:
        axis: the feature axis (kept); statistics are taken over all the others.
        momentum: weight of the old running average in each update, in [0, 1].
        epsilon: added to the variance inside the square root, > 0.
        center, scale: learn beta and gamma.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
            beta_constraint, gamma_constraint: for beta and gamma, as in any Keras layer.
        moving_mean_initializer, moving_variance_initializer: initial running statistics.
        renorm: use batch renormalization (adds moving_stddev, renorm_mean, renorm_stddev).
        renorm_clipping: only with renorm; a dict with optional "rmax" >= "rmin" >= 0 and
            "dmax" >= 0 clipping r to [rmin, rmax] and d to [-dmax, dmax] (unclipped if absent).
        renorm_momentum: in [0, 1], the momentum of renorm_mean/renorm_stddev, which shape the
            training output (`momentum` still drives the inference statistics).
        synchronized: with a TensorFlow distribution strategy, take the batch statistics over
            the global batch instead of each replica's (unmasked batches, as in Keras).
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: a float tensor of any rank.
        training: True normalises with the batch statistics and updates the running ones;
            False (the default) uses the running statistics.
        mask: optional, shaped like `inputs` without its last axis (what `Masking` or an
            `Embedding(mask_zero=True)` produces); masked positions are left out of the batch
            statistics. The mask is passed on unchanged.
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        synchronized=False,
        **kwargs,
    ):
        check_number("axis", axis, integer=True)
        momentum = float(check_number("momentum", momentum, 0, 1))
        renorm_momentum = float(check_number("renorm_momentum", renorm_momentum, 0, 1))
        check_choice("renorm", renorm, (False, True))
        renorm_clipping = check_renorm_clipping(renorm, renorm_clipping)
        check_choice("synchronized", synchronized, (False, True))
        if synchronized and keras.backend.backend() != "tensorflow":
            raise ValueError(
                f"synchronized=True needs the TensorFlow backend, got {keras.backend.backend()!r}"
            )
        mean_initializer = resolve(
            "moving_mean_initializer", moving_mean_initializer, keras.initializers.get
        )
        variance_initializer = resolve(
            "moving_variance_initializer", moving_variance_initializer, keras.initializers.get
        )
        super().__init__(epsilon=epsilon, center=center, scale=scale, **kwargs)
        self.axis = int(axis)
        self.momentum = momentum
        self.moving_mean_initializer = mean_initializer
        self.moving_variance_initializer = variance_initializer
        self.renorm = bool(renorm)
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.synchronized = bool(synchronized)

    def build(self, input_shape):
        ndim = len(input_shape)
        if ndim < 2:  # one axis left: each value would be its own batch mean, and normalise to 0
            raise ValueError(
                f"inputs must have rank >= 2 (batch, ..., features), got shape {tuple(input_shape)}"
            )
        axis, channels = self.channel_axis(input_shape)
        self._reduction_axes = [i for i in range(ndim) if i != axis]
        self._param_shape = broadcast_shape(ndim, [axis], [channels])
        shape = (channels,)
        self.build_affine(shape)
        self.moving_mean = self.add_float32_weight(
            "moving_mean", shape, self.moving_mean_initializer
        )
        self.moving_variance = self.add_float32_weight(
            "moving_variance", shape, self.moving_variance_initializer
        )
        if self.renorm:
            stddev_initializer = sqrt_of(self.moving_variance_initializer)
            self.moving_stddev = self.add_float32_weight("moving_stddev", shape, stddev_initializer)
            self.renorm_mean = self.add_float32_weight(
                "renorm_mean", shape, self.moving_mean_initializer
            )
            self.renorm_stddev = self.add_float32_weight("renorm_stddev", shape, stddev_initializer)

    def batch_moments(self, x, mask):
        """Mean and biased variance per feature over the batch, leaving out masked positions."""
        if mask is None:
            return ops.moments(x, axes=self._reduction_axes, synchronized=self.synchronized)
        if len(mask.shape) != len(x.shape) - 1:
            raise ValueError(
                f"mask must have the shape of the inputs without their last axis, "
                f"got mask.shape={mask.shape} for inputs.shape={x.shape}"
            )
        keep = ops.broadcast_to(ops.expand_dims(ops.cast(mask, "bool"), -1), ops.shape(x))
        # A fully masked feature gets mean 0 and variance 0 instead of 0 / 0.
        count = ops.maximum(ops.sum(ops.cast(keep, x.dtype), axis=self._reduction_axes), 1.0)
        mean = ops.sum(ops.where(keep, x, 0.0), axis=self._reduction_axes) / count
        centred = ops.where(keep, x - ops.reshape(mean, self._param_shape), 0.0)
        return mean, ops.sum(ops.square(centred), axis=self._reduction_axes) / count

    def call(self, inputs, training=False, mask=None):
        x = upcast(inputs)
        if not (training and self.trainable):
            mean, variance = (
                ops.cast(self.moving_mean, x.dtype),
                ops.cast(self.moving_variance, x.dtype),
            )
            return self.to_compute_dtype(
                self.normalize(
                    x,
                    ops.reshape(mean, self._param_shape),
                    ops.reshape(variance, self._param_shape),
                    self._param_shape,
                )
            )
        mean, variance = self.batch_moments(x, mask)
        stddev = ops.sqrt(variance + self.epsilon)
        x_hat = (x - ops.reshape(mean, self._param_shape)) / ops.reshape(stddev, self._param_shape)
        if self.renorm:
            r, d = self.renorm_correction(mean, stddev)
            x_hat = x_hat * ops.reshape(r, self._param_shape) + ops.reshape(d, self._param_shape)
            self.update_renorm_statistics(mean, stddev)
        else:
            self.moving_mean.assign(self.moving_average(self.moving_mean, mean, self.momentum))
            self.moving_variance.assign(
                self.moving_average(self.moving_variance, variance, self.momentum)
            )
        return self.to_compute_dtype(self.affine(x_hat, self._param_shape))

    @staticmethod
    def moving_average(moving, batch, momentum):
        """momentum * moving + (1 - momentum) * batch, in the variable's dtype."""
        return moving * momentum + ops.cast(batch, moving.dtype) * (1.0 - momentum)

    def renorm_correction(self, mean, stddev):
        """r = sigma_batch / sigma_run and d = (mu_batch - mu_run) / sigma_run, clipped and
        treated as constants by the gradient (the paper's stop_gradient)."""
        # Keras floors sigma_run at sqrt(epsilon) so the first steps cannot divide by ~0.
        running = ops.maximum(ops.cast(self.renorm_stddev, stddev.dtype), self.epsilon**0.5)
        r = stddev / running
        d = (mean - ops.cast(self.renorm_mean, mean.dtype)) / running
        clip = self.renorm_clipping
        r = ops.clip(r, clip.get("rmin", 0.0), clip.get("rmax", float("inf")))
        if "dmax" in clip:
            d = ops.clip(d, -clip["dmax"], clip["dmax"])
        return ops.stop_gradient(r), ops.stop_gradient(d)

    def update_renorm_statistics(self, mean, stddev):
        """Move renorm_mean/renorm_stddev (renorm_momentum) and the inference statistics
        (momentum); moving_variance follows from moving_stddev, floored at 0 against rounding."""
        self.renorm_mean.assign(self.moving_average(self.renorm_mean, mean, self.renorm_momentum))
        self.renorm_stddev.assign(
            self.moving_average(self.renorm_stddev, stddev, self.renorm_momentum)
        )
        self.moving_mean.assign(self.moving_average(self.moving_mean, mean, self.momentum))
        moving_stddev = self.moving_average(self.moving_stddev, stddev, self.momentum)
        self.moving_stddev.assign(moving_stddev)
        self.moving_variance.assign(ops.relu(ops.square(moving_stddev) - self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(
            axis=self.axis,
            momentum=self.momentum,
            moving_mean_initializer=keras.initializers.serialize(self.moving_mean_initializer),
            moving_variance_initializer=keras.initializers.serialize(
                self.moving_variance_initializer
            ),
            renorm=self.renorm,
            renorm_clipping=self.renorm_clipping,
            renorm_momentum=self.renorm_momentum,
            synchronized=self.synchronized,
        )
        return config
