"""`WGANGP`: Wasserstein GAN with gradient penalty (Gulrajani et al., 2017).

The critic (no sigmoid, no BatchNorm) estimates the Earth-Mover distance E f(real) - E f(fake)
and takes `n_critic` steps per generator step. The penalty keeps it near 1-Lipschitz: on
interpolates x = real + alpha (fake - real), with alpha ~ U[0, 1] drawn per example, it adds
gp_weight * E[(||grad_x f(x)|| - 1)^2], the norm computed as sqrt(sum g^2 + epsilon) -- epsilon
INSIDE the square root, so the penalty's own gradient stays finite where grad_x f = 0
(sqrt(sum g^2) + epsilon would divide 0 by 0 there).
"""

import keras
import tensorflow as tf
from keras import ops

from course.generative.gan.dcgan import ConvGAN
from course.validation import check_number


def interpolate(real, fake, alpha):
    """real + alpha * (fake - real), with one alpha per example broadcast over the other axes."""
    return real + alpha * (fake - real)


def gradient_penalty(critic, real, fake, alpha=None, seed=None, epsilon=1e-12):
    """E[(sqrt(sum(grad_x critic(x)^2) + epsilon) - 1)^2] over interpolates of real and fake.

    `alpha` (shape (batch, 1, ..., 1)) defaults to one U[0, 1] draw per example (`seed`: an int
    or a `keras.random.SeedGenerator`). `critic` is any callable image batch -> scores.
    """
    real = ops.cast(real, "float32")
    fake = ops.cast(fake, "float32")
    if alpha is None:
        shape = [ops.shape(real)[0]] + [1] * (len(real.shape) - 1)
        alpha = keras.random.uniform(shape, 0.0, 1.0, seed=seed)
    mixed = interpolate(real, fake, ops.cast(alpha, "float32"))
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        scores = ops.cast(critic(mixed), "float32")
    gradients = tape.gradient(scores, mixed)
    axes = list(range(1, len(mixed.shape)))
    norms = ops.sqrt(ops.sum(ops.square(gradients), axis=axes) + epsilon)
    return ops.mean(ops.square(norms - 1.0))


@keras.saving.register_keras_serializable(package="course")
class WGANGP(ConvGAN):
    """WGAN-GP on the course's conv networks: `n_critic` critic steps per generator step.

    Logged: ``d_loss`` (critic loss incl. penalty), ``g_loss`` (-E f(fake)), ``gradient_penalty``
    and ``wasserstein`` (E f(real) - E f(fake), the critic's distance estimate). Defaults follow
    the paper: Adam(1e-4, beta_1=0, beta_2=0.9), n_critic=5, gp_weight=10.
    """

    metric_names = ("d_loss", "g_loss", "gradient_penalty", "wasserstein")

    def __init__(
        self,
        image_shape=(8, 8, 1),
        latent_dim=32,
        n_critic=5,
        gp_weight=10.0,
        epsilon=1e-12,
        **kwargs,
    ):
        check_number("n_critic", n_critic, 1, integer=True)
        check_number("gp_weight", gp_weight, 0)
        check_number("epsilon", epsilon, 0, low_open=True)
        super().__init__(image_shape=image_shape, latent_dim=latent_dim, **kwargs)
        self.n_critic, self.gp_weight, self.epsilon = n_critic, float(gp_weight), epsilon

    @property
    def d_steps(self):
        return self.n_critic

    def get_config(self):
        config = super().get_config()
        config.update(n_critic=self.n_critic, gp_weight=self.gp_weight, epsilon=self.epsilon)
        return config

    def default_optimizer(self):
        return keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)

    def discriminator_losses(self, real, fake, labels, fake_labels):
        real_scores = ops.cast(self.discriminate(real, labels, training=True), "float32")
        fake_scores = ops.cast(self.discriminate(fake, fake_labels, training=True), "float32")
        wasserstein = ops.mean(real_scores) - ops.mean(fake_scores)
        penalty = gradient_penalty(
            lambda x: self.discriminator(x, training=True),
            real,
            fake,
            seed=self.seed_generator,
            epsilon=self.epsilon,
        )
        return {
            "d_loss": -wasserstein + self.gp_weight * penalty,
            "gradient_penalty": penalty,
            "wasserstein": wasserstein,
        }

    def adversarial_generator_loss(self, fake, fake_labels):
        return -ops.mean(ops.cast(self.discriminate(fake, fake_labels, training=True), "float32"))
