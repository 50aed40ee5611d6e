"""The small reference models that the library, the notebooks and the tests reuse.

`mlp` (Dense stacks with optional course dropout/normalisation; module `course.models.dense`, so
the name `course.models.mlp` always means the function) and `keras_mlp` (an `mlp` carrying a
from-scratch `course.nn.mlp.MLP`'s weights), `small_cnn` (conv blocks and a dense head),
`residual_mlp` with its `ResidualBlock`, and `compile_classifier` for the usual Adam + sparse
cross-entropy set-up (`mlp_classifier`: a compiled `mlp`, the member ensembles rebuild). One
builder per model kind: an experiment changes an argument, never a copy of the model.
"""

from course._lazy import lazy_exports

_EXPORTS = {
    "dense": ("NORMS", "keras_mlp", "mlp", "norm_layer"),
    "cnn": ("small_cnn",),
    "residual": ("ResidualBlock", "residual_mlp"),
    "compiling": ("compile_classifier", "mlp_classifier"),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
