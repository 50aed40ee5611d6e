"""Neural-network building blocks from scratch (Session 7, sections 3 and 6-11), each checked
against Keras or autodiff.

`activations` (+ derivatives); `losses`; `mlp` (neuron, MLP) and `backprop`; `initialization`.
The experiments that train models with them are `course.experiments`. Import the submodules by
name.
"""

__all__ = ["activations", "backprop", "initialization", "losses", "mlp"]
