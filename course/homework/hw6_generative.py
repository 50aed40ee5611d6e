"""Questions of assignment hw6_generative: reparameterisation and KL, WGAN-GP, DDPM and DDIM.

The wheel holds what a student's check needs: each question's points and rules, the visible cases
(stored data, `course.homework.visible`) and the builder of the critic sent as an input. The hidden
cases and their references (TFP's KL divergence, closed-form gradients, DDPM identities) live with
the instructor's sources (`grading.py`).
"""

from course.homework import specs
from course.homework.engine import question

question("gen.reparameterize", points=1, scratch=True)
question("gen.gaussian_kl", points=2, scratch=True)
question("gen.interpolate", points=1, scratch=True)
question("gen.gradient_penalty", points=3)
question("gen.alpha_bar", points=1, scratch=True)
question("gen.q_sample", points=2, scratch=True)
question("gen.ddim_step", points=3, scratch=True)


@specs.builder("quadratic_critic")
def quadratic_critic(w, v):
    """A critic f(x) = sum(w x^2 + v x) whose input gradient 2 w x + v is known in closed form."""
    import tensorflow as tf

    return lambda x: tf.reduce_sum(w * x**2 + v * x, axis=1)
