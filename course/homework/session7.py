"""Checks for the "Session 7" homework: activations, focal loss, Adam, VAE, DDPM, dropout numericals."""
import numpy as np

from course.homework._inputs import close, rng
from course.homework.hashing import assert_digest
from course.homework.registry import question

_X = np.linspace(-4.0, 4.0, 33) + 0.05  # avoid x = 0 exactly, where ReLU has no derivative


def _autodiff(name, x):
    import keras
    import tensorflow as tf

    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = getattr(keras.activations, name)(t)
    return y.numpy(), tape.gradient(y, t).numpy()


@question("s7.activations", 'activations: {"sigmoid": (f, df), "tanh": (f, df), "relu": (f, df)}')
def _activations(answer):
    assert isinstance(answer, dict), "answer with a dict mapping a name to (function, derivative)"
    for name in ("sigmoid", "tanh", "relu"):
        assert name in answer, f"missing {name!r}"
        f, df = answer[name]
        value, slope = _autodiff(name, _X)
        close(f(_X), value, f"{name}(x)", f"Check the formula of {name} in Session 7 §7.3.")
        close(df(_X), slope, f"the derivative of {name}",
              "Differentiate the function itself: sigmoid' = s(1 - s), tanh' = 1 - tanh^2, "
              "relu' = 1 for x > 0 and 0 otherwise.")


@question("s7.focal_loss", "focal_loss(y_true, p, alpha, gamma): per-example binary focal loss")
def _focal_loss(fn):
    import keras

    y = (rng(3).random(20) > 0.6).astype("float64")
    p = rng(4).uniform(0.02, 0.98, 20)
    for alpha, gamma in ((0.25, 2.0), (0.5, 0.0), (0.75, 1.0)):
        loss = keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=alpha,
                                                    gamma=gamma, reduction=None)
        expected = np.asarray(loss(y[:, None], p[:, None]))
        close(fn(y, p, alpha, gamma), expected, f"the focal loss (alpha={alpha}, gamma={gamma})",
              "FL = -alpha_t (1 - p_t)^gamma log(p_t), with p_t = p for positives and 1 - p for "
              "negatives, and alpha_t = alpha for positives, 1 - alpha for negatives.", atol=1e-5)


@question("s7.adam_step", "adam_step(theta, g, m, v, t, lr, beta1, beta2, eps) -> (theta, m, v)")
def _adam_step(fn):
    import keras

    theta0 = np.array([1.0, -2.0, 0.5])
    grads = [np.array([0.3, -1.0, 2.0]), np.array([0.1, 0.4, -0.5]), np.array([-0.2, 0.2, 0.1])]
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    var = keras.Variable(theta0.astype("float32"))
    opt = keras.optimizers.Adam(learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps)
    theta, m, v = theta0, np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads, start=1):
        opt.apply([g.astype("float32")], [var])
        theta, m, v = fn(theta, g, m, v, t, lr, b1, b2, eps)
        close(theta, np.asarray(var), f"theta after step {t}",
              "m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; correct the bias with "
              "m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t); theta -= lr m_hat / (sqrt(v_hat) + eps). "
              "Without bias correction the first steps are far too small.", atol=1e-5)


@question("s7.reparameterize", "reparameterize(mu, logvar, eps): a VAE latent sample")
def _reparameterize(fn):
    mu, logvar = np.array([0.5, -1.0, 2.0]), np.array([0.0, -2.0, 1.0])
    close(fn(mu, logvar, np.zeros(3)), mu, "the sample at eps = 0", "z = mu when eps = 0.")
    eps = rng(9).normal(size=(20000, 3))
    z = np.asarray(fn(mu, logvar, eps), dtype="float64")
    close(z.std(axis=0), np.exp(0.5 * logvar), "the spread of z over eps ~ N(0, I)",
          "logvar is log(sigma^2): sigma = exp(logvar / 2), and z = mu + sigma * eps.", rtol=0.03)


@question("s7.kl_divergence", "kl_divergence(mu, logvar): KL(N(mu, sigma^2) || N(0, I)) per example")
def _kl_divergence(fn):
    import tensorflow_probability as tfp

    mu, logvar = rng(5).normal(size=(4, 3)), rng(6).normal(size=(4, 3))
    tfd = tfp.distributions
    prior = tfd.Normal(np.zeros_like(mu), np.ones_like(mu))
    expected = tfd.kl_divergence(tfd.Normal(mu, np.exp(0.5 * logvar)), prior).numpy().sum(axis=1)
    close(fn(mu, logvar), expected, "the KL divergence",
          "Sum over latent dimensions of 0.5 (sigma^2 + mu^2 - 1 - log sigma^2); watch the sign "
          "and the factor 1/2.")


@question("s7.ddpm_forward", "q_sample(x0, t, betas, eps): DDPM forward noising in one step")
def _ddpm_forward(fn):
    betas = np.linspace(1e-3, 0.2, 10)
    x0 = np.array([1.0, -0.5, 2.0])
    t = 6
    noise = rng(13).normal(size=(20000, t + 1, 3))
    iterated = np.broadcast_to(x0, (20000, 3)).copy()
    for s in range(t + 1):  # noise step by step: x_s = sqrt(1 - beta_s) x_{s-1} + sqrt(beta_s) n_s
        iterated = np.sqrt(1 - betas[s]) * iterated + np.sqrt(betas[s]) * noise[:, s]
    eps = rng(14).normal(size=(20000, 3))
    direct = np.asarray(fn(np.broadcast_to(x0, eps.shape), t, betas, eps), dtype="float64")
    hint = ("x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps, with alpha_bar_t the product "
            "of (1 - beta_s) for s = 0..t (not just 1 - beta_t).")
    close(direct.mean(axis=0), iterated.mean(axis=0), "the mean of x_t", hint, atol=0.03)
    close(direct.std(axis=0), iterated.std(axis=0), "the spread of x_t", hint, atol=0.03)


_NUMERICALS = {
    "a_expected_active": ("10 neurons, p = 0.2: expected number active", "7a0b69562f32753a03bdb63b"),
    "a_inverted_scaled": ("activation 5 scaled by the inverted-dropout factor 1/q", "2304a673c60457677418a461"),
    "b_scale": ("p = 0.4: the factor 1/q", "a86bed268907dff4503f7216"),
    "b_expected_active": ("50 neurons, p = 0.4: expected number active", "5f782479e2390cec62d04e28"),
    "c_expected_dropped": ("8 inputs, p = 0.25: expected number dropped", "f5fbdb556b39dabec0d597e1"),
    "c_scaled_input": ("an input of 4 scaled by 1/q", "61ba852b242d69c5b58d230e"),
    "c_expected_total": ("expected total contribution of the active inputs after scaling", "f6cb6497e7e37101ceb20138"),
    "d_scaled": ("p = 0.5, an active neuron's output 2 scaled by 1/q", "b2e7b4c0c242860d5a647bde"),
    "e_probability": ("P(exactly 14 of 20 survive), p = 0.3", "24436791584f545ac446407b"),
}


@question("s7.dropout_numericals", "the Session 7 §12 dropout numericals a-e, as a dict of numbers")
def _dropout_numericals(answer):
    assert isinstance(answer, dict), f"answer with a dict with keys {sorted(_NUMERICALS)}"
    missing = sorted(set(_NUMERICALS) - set(answer))
    assert not missing, f"missing keys: {missing}"
    for key, (what, expected) in _NUMERICALS.items():
        assert_digest(answer[key], expected,
                      f"{key} ({what}) is wrong; keep-probability q = 1 - p, expected counts are "
                      "n q, survivor counts are binomial; give 4 decimals or more.")
