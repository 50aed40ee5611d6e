"""Noise schedules of a DDPM and the forward (noising) process q(x_t | x_0).

beta_t is the variance added at step t, alpha_t = 1 - beta_t and alpha_bar_t = prod_{s<=t} alpha_s.
Because Gaussians compose, x_t can be drawn in one shot (the closed form used in training):
    x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps,   eps ~ N(0, I),
which `noise_step_by_step` checks against t explicit steps x_t = sqrt(alpha_t) x_{t-1} +
sqrt(beta_t) eps_t. Timesteps are 0-based here: t = 0 is the first noising step, t = T - 1 the last.
"""

import numpy as np
from keras import ops

from course.validation import check_choice, check_number

SCHEDULES = ("linear", "cosine")


# DDPM uses 1000 steps. DDPM sampling costs one network call per timestep (linear in it) and
# the schedule holds a few float64 arrays of that length; beyond this bound a value is a slip
# (timesteps=10**9 would allocate gigabytes before anything trains), refused instead of run.
MAX_TIMESTEPS = 100_000


def linear_betas(timesteps):
    """Ho et al. (2020): betas linear from 1e-4 to 0.02 for T = 1000, rescaled by 1000 / T so a
    shorter chain still ends near pure noise."""
    scale = 1000.0 / timesteps
    return np.linspace(scale * 1e-4, min(scale * 0.02, 0.999), timesteps, dtype="float64")


def cosine_betas(timesteps, offset=0.008, max_beta=0.999):
    """Nichol & Dhariwal (2021): alpha_bar(t) = cos^2(((t/T + s) / (1 + s)) pi/2) / (same at 0);
    destroys information more evenly than the linear schedule (less time spent on pure noise)."""
    steps = np.arange(timesteps + 1, dtype="float64") / timesteps
    f = np.cos((steps + offset) / (1 + offset) * np.pi / 2) ** 2
    alpha_bar = f / f[0]
    return np.clip(1.0 - alpha_bar[1:] / alpha_bar[:-1], 0.0, max_beta)


class NoiseSchedule:
    """The constants of a `name` ("linear" or "cosine") schedule with `timesteps` steps (float64).

    Attributes: `betas`, `alphas`, `alpha_bars`, `alpha_bars_prev` (alpha_bar_{t-1}, 1 at t = 0)
    and `posterior_variance` (the variance of q(x_{t-1} | x_t, x_0), beta_t (1 - alpha_bar_{t-1}) /
    (1 - alpha_bar_t)).
    """

    def __init__(self, name="cosine", timesteps=1000):
        check_choice("schedule", name, SCHEDULES)
        check_number("timesteps", timesteps, 2, MAX_TIMESTEPS, integer=True)
        self.name, self.timesteps = name, int(timesteps)
        self.betas = linear_betas(timesteps) if name == "linear" else cosine_betas(timesteps)
        self.alphas = 1.0 - self.betas
        self.alpha_bars = np.cumprod(self.alphas)
        self.alpha_bars_prev = np.concatenate([[1.0], self.alpha_bars[:-1]])
        self.posterior_variance = (
            self.betas * (1.0 - self.alpha_bars_prev) / (1.0 - self.alpha_bars)
        )

    def __repr__(self):
        return f"NoiseSchedule({self.name!r}, timesteps={self.timesteps})"

    def gather(self, values, t, ndim):
        """values[t] as float32, shaped (batch, 1, ..., 1) to broadcast against a rank-`ndim`
        batch."""
        picked = ops.take(ops.convert_to_tensor(values.astype("float32")), ops.cast(t, "int32"))
        return ops.reshape(picked, (-1,) + (1,) * (ndim - 1))

    def q_sample(self, x0, t, noise):
        """x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise (closed form, one draw)."""
        x0 = ops.convert_to_tensor(x0, "float32")
        ndim = len(x0.shape)
        a = self.gather(np.sqrt(self.alpha_bars), t, ndim)
        s = self.gather(np.sqrt(1.0 - self.alpha_bars), t, ndim)
        return a * x0 + s * ops.convert_to_tensor(noise, "float32")

    def noise_step_by_step(self, x0, t, rng):
        """x_t by t + 1 explicit steps x_s = sqrt(alpha_s) x_{s-1} + sqrt(beta_s) eps_s (NumPy,
        one shared t for the batch): the definition the closed form `q_sample` must agree with."""
        check_number("t", t, 0, self.timesteps - 1, integer=True)
        x = np.asarray(x0, dtype="float64")
        for s in range(t + 1):
            x = np.sqrt(self.alphas[s]) * x + np.sqrt(self.betas[s]) * rng.standard_normal(x.shape)
        return x
