"""Hidden cases of hw5_optim and their references: Keras' own optimizers and schedules,
TensorFlow's clipping ops. The grader imports this file from the sources; it never reaches
students, the wheel or a sandbox. `hidden=False` draws the visible cases that
`scripts/build_homework_visible_cases.py` stores in the wheel."""

import numpy as np

from course.homework.engine import Case


def _keras_run(optimizer, param, grads):
    """Apply `grads` in order with a Keras optimizer; return the final parameter."""
    import keras

    variable = keras.Variable(param.astype("float32"))
    for g in grads:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g.astype("float32")), variable)])
    return np.asarray(variable)


def _problems(rng, hidden):
    for _ in range(3 if hidden else 1):
        yield (
            rng.normal(size=4),
            rng.normal(size=(int(rng.integers(2, 6)), 4)),
            float(rng.uniform(0.001, 0.2)),
        )


def _sgd_momentum(rng, hidden=True):
    import keras

    for param, grads, lr in _problems(rng, hidden):
        momentum = float(rng.uniform(0.5, 0.95))
        expected = _keras_run(keras.optimizers.SGD(lr, momentum=momentum), param, grads)
        yield Case(
            (param, grads, lr, momentum),
            expected,
            f"parameter after {len(grads)} steps, lr={lr:.3f}, momentum={momentum:.2f}",
            atol=1e-4,
            rtol=1e-4,
        )


def _rmsprop(rng, hidden=True):
    import keras

    problems = list(_problems(rng, hidden))
    param, grads, lr = problems[0]
    problems.append((param, grads * 1e-3, lr))  # small gradients, where epsilon's place matters
    for param, grads, lr in problems:
        rho = float(rng.uniform(0.8, 0.99))
        expected = _keras_run(keras.optimizers.RMSprop(lr, rho=rho, epsilon=1e-7), param, grads)
        yield Case(
            (param, grads, lr, rho),
            expected,
            f"parameter after {len(grads)} steps, lr={lr:.3f}, rho={rho:.2f}",
            atol=1e-4,
            rtol=1e-4,
        )


def _adam(rng, hidden=True):
    import keras

    for param, grads, lr in _problems(rng, hidden):
        b1, b2 = float(rng.uniform(0.8, 0.95)), float(rng.uniform(0.9, 0.999))
        expected = _keras_run(
            keras.optimizers.Adam(lr, beta_1=b1, beta_2=b2, epsilon=1e-7), param, grads
        )
        yield Case(
            (param, grads, lr, b1, b2),
            expected,
            f"parameter after {len(grads)} steps, lr={lr:.3f}, "
            f"beta_1={b1:.2f}, beta_2={b2:.3f} (bias-corrected)",
            atol=1e-4,
            rtol=1e-4,
        )


def _exponential_decay(rng, hidden=True):
    import keras

    for i in range(4 if hidden else 2):
        lr0, steps, rate = (
            float(rng.uniform(0.01, 1)),
            int(rng.integers(5, 100)),
            float(rng.uniform(0.1, 0.99)),
        )
        step, staircase = (
            int(rng.integers(0, 6 * steps)),
            i % 2 == 1,
        )  # both modes, whatever the seed
        step += step % steps == 0  # between two stairs, where the modes differ
        schedule = keras.optimizers.schedules.ExponentialDecay(
            lr0, steps, rate, staircase=staircase
        )
        yield Case(
            (step, lr0, steps, rate, staircase),
            float(schedule(step)),
            f"learning rate at step {step} (decay_steps={steps}, rate={rate:.2f}, "
            f"staircase={staircase})",
            atol=0,
        )  # relative only: an absolute 1e-5 would accept any small rate


def _cosine_decay(rng, hidden=True):
    import keras

    for _ in range(4 if hidden else 2):
        lr0, steps, alpha = (
            float(rng.uniform(0.01, 1)),
            int(rng.integers(10, 200)),
            float(rng.uniform(0, 0.3)),
        )
        step = int(rng.integers(0, steps + 50))
        schedule = keras.optimizers.schedules.CosineDecay(lr0, steps, alpha=alpha)
        yield Case(
            (step, lr0, steps, alpha),
            float(schedule(step)),
            f"learning rate at step {step} (decay_steps={steps}, alpha={alpha:.2f})",
        )


def _clip_by_norm(rng, hidden=True):
    import tensorflow as tf

    for _ in range(4 if hidden else 2):
        g = rng.normal(0, rng.uniform(0.1, 5), size=6)
        max_norm = float(rng.uniform(0.5, 3))
        for v in (
            g,
            g * 0.5 * max_norm / np.linalg.norm(g),
        ):  # one above the limit (mostly), one below
            yield Case(
                (v, max_norm),
                tf.clip_by_norm(v, max_norm).numpy(),
                f"clip {v.round(2)} to norm {max_norm:.2f}",
            )


def _clip_by_global_norm(rng, hidden=True):
    import tensorflow as tf

    for _ in range(4 if hidden else 2):
        grads = [rng.normal(0, rng.uniform(0.1, 3), size=s) for s in ((3,), (2, 2), (4,))]
        max_norm = float(rng.uniform(0.5, 4))
        clipped, _ = tf.clip_by_global_norm(grads, max_norm)
        yield Case(
            (grads, max_norm),
            tuple(c.numpy() for c in clipped),
            f"the list of gradients clipped to a global norm of {max_norm:.2f}",
        )


HIDDEN = {
    "opt.sgd_momentum": _sgd_momentum,
    "opt.rmsprop": _rmsprop,
    "opt.adam": _adam,
    "opt.exponential_decay": _exponential_decay,
    "opt.cosine_decay": _cosine_decay,
    "opt.clip_by_norm": _clip_by_norm,
    "opt.clip_by_global_norm": _clip_by_global_norm,
}
