"""Generative models: autoencoders, VAEs, GANs and diffusion, as subclassed `keras.Model`s."""
