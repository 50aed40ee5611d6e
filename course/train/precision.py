"""Mixed precision and XLA choices: on by default only where they pay off (GPUs), overridable.

Mixed float16 needs tensor cores (compute capability >= 7.0) to be faster; on a CPU it is
slower, and XLA-compiling a small step on a CPU costs more than it saves.
"""

import keras

from course import keras_compat

MIXED_POLICY = "mixed_float16"


def resolve(mixed_precision=None, jit_compile=None):
    """Return ``(mixed_precision, jit_compile)`` with ``None`` replaced by the device default."""
    for name, value in (("mixed_precision", mixed_precision), ("jit_compile", jit_compile)):
        if value is not None and not isinstance(value, bool):
            raise TypeError(f"{name} must be True, False or None (auto), got {value!r}")
    if mixed_precision is not None and jit_compile is not None:
        return mixed_precision, jit_compile
    from course.config import device_report

    report = device_report()
    mixed = report.mixed_precision_helps if mixed_precision is None else mixed_precision
    jit = bool(report.gpus) if jit_compile is None else jit_compile
    return mixed, jit


def uses_float16(model):
    """True when any layer of `model` computes in float16."""
    return any(layer.compute_dtype == "float16" for layer in _layers(model))


def apply_policy(model):
    """Switch every layer of a float32 model to ``mixed_float16`` (weights stay float32).

    The trainer casts predictions back to float32 before the loss, so a softmax output layer
    does not lose precision where it matters.
    """
    for layer in _layers(model):
        if layer.compute_dtype == "float32":
            layer.dtype_policy = MIXED_POLICY


def wrap_optimizer(optimizer):
    """Wrap `optimizer` in a dynamic `LossScaleOptimizer` (once)."""
    if isinstance(optimizer, keras.mixed_precision.LossScaleOptimizer):
        return optimizer
    return keras.mixed_precision.LossScaleOptimizer(optimizer)


def wrap_model_optimizers(model):
    """Wrap every optimizer `model` holds as an attribute (a GAN's two, a VAE's one).

    For models with their own ``train_step``, which must then call ``optimizer.scale_loss``.
    """
    for name, value in list(vars(model).items()):
        if isinstance(value, keras.optimizers.Optimizer) and not name.startswith("_"):
            setattr(model, name, wrap_optimizer(value))


def loss_scale(optimizer):
    """The factor `optimizer.scale_loss` multiplies the loss by (a tensor or a float)."""
    if isinstance(optimizer, keras.mixed_precision.LossScaleOptimizer):
        return optimizer.dynamic_scale
    return optimizer.loss_scale_factor or 1.0


def _layers(model):
    return [model] + keras_compat.sublayers(model)
