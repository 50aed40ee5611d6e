"""Neural-network fundamentals from scratch (Session 7, sections 3 and 6-11), each checked
against Keras or autodiff.

`activations` (+ derivatives) and `activation_table`; `losses`; `mlp` (neuron, MLP) and
`backprop`; `xor` (why nonlinearity); `ovr` (one-vs-rest on `course.data.fruits`); `pairing`
(mismatched activation/loss); `initialization`; `residual`; `small_batch_norm`; `bn_momentum`.
"""
