"""Neural-network fundamentals from scratch (Session 7, sections 3 and 6-11), each checked
against Keras or autodiff.

`activations` (+ derivatives) and `activation_table`; `losses`; `mlp` (neuron, MLP) and
`backprop`; `xor` (why nonlinearity); `fruits` and `ovr` (one-vs-rest); `pairing` (mismatched
activation/loss); `initialization`; `residual`; `small_batch_norm`; `training` (a small loop).
"""
