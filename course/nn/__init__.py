"""Neural-network fundamentals from scratch: activations, losses, MLP, backprop, initialization,
residual connections and normalization at small batches, each checked against Keras."""
