"""Reverse-process samplers: DDPM ancestral sampling and DDIM (Song et al., 2021).

Both start from x_T ~ N(0, I) and, at each visited timestep t, ask the network for eps_hat, form
the predicted clean image x0_hat = (x_t - sqrt(1 - alpha_bar_t) eps_hat) / sqrt(alpha_bar_t)
(clipped to the data range [-1, 1]) and step to an earlier timestep:
- DDPM: to t - 1, drawing from the posterior q(x_{t-1} | x_t, x0_hat): T network calls.
- DDIM: to the previous timestep of any sub-sequence tau (so 10-50 calls instead of T):
  x_prev = sqrt(ab_prev) x0_hat + sqrt(1 - ab_prev - sigma^2) eps_hat + sigma z,
  sigma = eta sqrt((1 - ab_prev) / (1 - ab_t)) sqrt(1 - ab_t / ab_prev); eta = 0 is deterministic.
"""

import numpy as np

from course.validation import check_choice, check_number

SAMPLERS = ("ddpm", "ddim")
DEFAULT_DDIM_STEPS = 50


def sampling_timesteps(timesteps, sampler="ddim", steps=None):
    """The timesteps a sampler visits, from the noisiest down to 0 (descending ints).

    DDPM visits all `timesteps`; DDIM visits `steps` (1..timesteps) evenly spaced ones.
    """
    check_choice("sampler", sampler, SAMPLERS)
    if sampler == "ddpm":
        if steps is not None and steps != timesteps:
            raise ValueError(
                f"steps must be None or timesteps={timesteps} for the DDPM sampler "
                f"(use sampler='ddim' for fewer steps), got {steps!r}"
            )
        return np.arange(timesteps - 1, -1, -1)
    steps = min(DEFAULT_DDIM_STEPS, timesteps) if steps is None else steps
    check_number("steps", steps, 1, timesteps, integer=True)
    return np.round(np.linspace(timesteps - 1, 0, steps)).astype("int64")


def predicted_x0(schedule, x, eps, t):
    """x0_hat from x_t and eps_hat, clipped to [-1, 1]; and eps recomputed to match the clipped
    x0_hat."""
    ab = schedule.alpha_bars[t]
    x0 = np.clip((x - np.sqrt(1.0 - ab) * eps) / np.sqrt(ab), -1.0, 1.0)
    return x0, (x - np.sqrt(ab) * x0) / np.sqrt(1.0 - ab)


def ddpm_step(schedule, x, eps, t, rng):
    """One ancestral step x_t -> x_{t-1}: sample q(x_{t-1} | x_t, x0_hat) (mean only at t = 0)."""
    x0, _ = predicted_x0(schedule, x, eps, t)
    ab, ab_prev, beta = schedule.alpha_bars[t], schedule.alpha_bars_prev[t], schedule.betas[t]
    mean = (np.sqrt(ab_prev) * beta / (1.0 - ab)) * x0 + (
        np.sqrt(1.0 - beta) * (1.0 - ab_prev) / (1.0 - ab)
    ) * x
    if t == 0:
        return mean
    return mean + np.sqrt(schedule.posterior_variance[t]) * rng.standard_normal(x.shape)


def ddim_step(schedule, x, eps, t, t_prev, eta, rng):
    """One DDIM step x_t -> x_{t_prev} (t_prev = -1 means the clean image, alpha_bar = 1)."""
    x0, eps = predicted_x0(schedule, x, eps, t)
    ab = schedule.alpha_bars[t]
    ab_prev = schedule.alpha_bars[t_prev] if t_prev >= 0 else 1.0
    sigma = eta * np.sqrt((1.0 - ab_prev) / (1.0 - ab)) * np.sqrt(1.0 - ab / ab_prev)
    x_prev = np.sqrt(ab_prev) * x0 + np.sqrt(max(1.0 - ab_prev - sigma**2, 0.0)) * eps
    if sigma > 0:
        x_prev = x_prev + sigma * rng.standard_normal(x.shape)
    return x_prev


def run(schedule, predict_eps, shape, timesteps, rng, eta=0.0, ancestral=False):
    """Sample from x_T ~ N(0, I) down through `timesteps` with ``predict_eps(x, t)``.

    ``ancestral=True`` takes DDPM steps (timesteps must be T-1, ..., 0), otherwise DDIM steps
    with `eta`. Returns (x_0 in [-1, 1] as float32, the list of states x_t visited, x_T first).
    """
    x = rng.standard_normal(shape)
    trajectory = [x.astype("float32")]
    for i, t in enumerate(timesteps):
        t = int(t)
        eps = np.asarray(predict_eps(x.astype("float32"), t), dtype="float64")
        if ancestral:
            x = ddpm_step(schedule, x, eps, t, rng)
        else:
            t_prev = int(timesteps[i + 1]) if i + 1 < len(timesteps) else -1
            x = ddim_step(schedule, x, eps, t, t_prev, eta, rng)
        trajectory.append(x.astype("float32"))
    return trajectory[-1], trajectory
