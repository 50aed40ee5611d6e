"""From-scratch layers that teach what Keras' built-ins do, each proven equal to its built-in.

`Dropout` (inverted and classic conventions, MC dropout), `BatchNorm` (with Keras' masks,
batch renormalization and synchronized statistics), `LayerNorm`, `GroupNorm`,
and `dropout_survival_probability` for the dropout numericals in the notes.
"""

from course.layers.batchnorm import BatchNorm
from course.layers.dropout import Dropout, dropout_survival_probability
from course.layers.groupnorm import GroupNorm
from course.layers.layernorm import LayerNorm

__all__ = ["BatchNorm", "Dropout", "GroupNorm", "LayerNorm", "dropout_survival_probability"]
