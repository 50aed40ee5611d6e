"""Hidden cases of hw6_generative and their references: TFP's KL divergence, closed-form
gradients, and the DDPM identities evaluated from the clean image (a different route from the one
the answer takes). The grader imports this file from the sources; it never reaches students, the
wheel or a sandbox. `hidden=False` draws the visible cases that
`scripts/build_homework_visible_cases.py` stores in the wheel."""

import numpy as np

from course.homework import specs
from course.homework.engine import Case


def _reparameterize(rng, hidden=True):
    for _ in range(3 if hidden else 1):
        mu, log_var, eps = rng.normal(size=(3, 4, 2))
        yield Case(
            (mu, log_var, eps), mu + np.sqrt(np.exp(log_var)) * eps, "z from (mu, log_var, eps)"
        )


def _gaussian_kl(rng, hidden=True):
    import tensorflow_probability as tfp

    tfd = tfp.distributions
    for _ in range(3 if hidden else 1):
        mu, log_var = rng.normal(size=(2, 5, 3))
        kl = tfd.kl_divergence(
            tfd.Normal(mu, np.exp(0.5 * log_var)), tfd.Normal(np.zeros_like(mu), np.ones_like(mu))
        )
        yield Case(
            (mu, log_var),
            np.asarray(kl).sum(axis=-1),
            "KL(q(z|x) || N(0, I)) per example",
            atol=1e-4,
            rtol=1e-4,
        )


def _interpolate(rng, hidden=True):
    for _ in range(3 if hidden else 1):
        real, fake = rng.normal(size=(2, 4, 3))
        alpha = rng.uniform(size=(4, 1))
        yield Case(
            (real, fake, alpha), alpha * real + (1 - alpha) * fake, "points between real and fake"
        )


def _gradient_penalty(rng, hidden=True):
    for _ in range(3 if hidden else 1):
        real, fake = rng.normal(size=(2, 6, 3)).astype("float32")
        alpha = rng.uniform(size=(6, 1)).astype("float32")
        w, v = rng.normal(size=(2, 3)).astype("float32")
        x_hat = alpha * real + (1 - alpha) * fake
        norms = np.linalg.norm(2 * w * x_hat + v, axis=1)
        yield Case(
            (specs.spec("quadratic_critic", w=w, v=v), real, fake, alpha),
            np.mean((norms - 1) ** 2),
            "mean((||grad critic(x_hat)|| - 1)^2)",
            atol=1e-4,
            rtol=1e-4,
        )


def _betas(rng):
    return np.linspace(rng.uniform(1e-5, 1e-4), rng.uniform(0.01, 0.03), int(rng.integers(20, 200)))


def _alpha_bar(rng, hidden=True):
    for _ in range(3 if hidden else 1):
        betas = _betas(rng)
        expected = np.exp(np.cumsum(np.log1p(-betas)))
        yield Case((betas,), expected, f"alpha_bar for {len(betas)} steps", atol=1e-8, rtol=1e-7)


def _q_sample(rng, hidden=True):
    for _ in range(3 if hidden else 1):
        betas = _betas(rng)
        alpha_bar = np.cumprod(1 - betas)
        t = int(rng.integers(0, len(betas)))
        x0, noise = rng.normal(size=(2, 3, 4))
        # x_t = sqrt(a) x0 + sqrt(1 - a) noise; written via the signal-to-noise ratio to be
        # independent.
        snr = alpha_bar[t] / (1 - alpha_bar[t])
        expected = (np.sqrt(snr) * x0 + noise) / np.sqrt(1 + snr)
        yield Case((x0, t, noise, alpha_bar), expected, f"x_t at t={t}", atol=1e-6)


def _ddim_step(rng, hidden=True):
    for _ in range(3 if hidden else 1):
        a_t, a_prev = sorted(rng.uniform(0.05, 0.99, size=2))
        x0, eps = rng.normal(size=(2, 2, 5))
        x_t = np.sqrt(a_t) * x0 + np.sqrt(1 - a_t) * eps
        # With the true noise, deterministic DDIM lands exactly on the forward process at t-1.
        yield Case(
            (x_t, eps, a_t, a_prev),
            np.sqrt(a_prev) * x0 + np.sqrt(1 - a_prev) * eps,
            f"x_(t-1) with alpha_bar_t={a_t:.3f}, alpha_bar_(t-1)={a_prev:.3f}",
            atol=1e-6,
        )


HIDDEN = {
    "gen.reparameterize": _reparameterize,
    "gen.gaussian_kl": _gaussian_kl,
    "gen.interpolate": _interpolate,
    "gen.gradient_penalty": _gradient_penalty,
    "gen.alpha_bar": _alpha_bar,
    "gen.q_sample": _q_sample,
    "gen.ddim_step": _ddim_step,
}
