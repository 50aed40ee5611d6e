"""The notebooks' experiments (Session 7, sections 3 and 6-11), above the building blocks they
measure: they train `course.models` with `course.train` on `course.data`, so they sit above those
packages, while `course.nn` keeps the primitives (activations, losses, initialization, backprop).

`xor` (why nonlinearity); `ovr` (one-vs-rest on `course.data.fruits`); `pairing` (mismatched
activation/loss); `activation_table` (the notes' table, measured); `symmetry` (identical units
stay identical); `residual` (skips keep gradients alive); `small_batch_norm` and `bn_momentum`
(normalisation at small batches and early in training); `optimizer_sweep` (optimizers each at
their own learning rate, the Adam-then-SGD switch and warmup, over seeds). Import the submodules
by name.
"""

__all__ = [
    "activation_table",
    "bn_momentum",
    "optimizer_sweep",
    "ovr",
    "pairing",
    "residual",
    "small_batch_norm",
    "symmetry",
    "xor",
]
