"""The graph loops: several train or evaluation steps per `tf.function` call.

The loop is a `tf.while_loop` inside one `tf.function` that pulls batches from an iterator, so
`steps_per_execution` steps cost one Python call and one host sync. Everything an execution
reports (step count, first bad step, logs, the losses for a diagnosis) comes back from that one
call; the position in the run is advanced inside the graph.
"""

import tensorflow as tf

from course.train import health


def _finite_outputs(outputs):
    return health.all_finite([v for v in tf.nest.flatten(outputs) if v.dtype.is_floating])


def _headline(outputs):
    """The value a diagnosis follows: the loss, else the first output."""
    return tf.cast(
        outputs["loss"] if "loss" in outputs else tf.nest.flatten(outputs)[0], tf.float32
    )


def make_train_loop(strategy, steps, position, jit_compile, on_trace):
    """A tf.function ``(iterator, n) -> (steps_run, first_bad, logs, losses)``.

    Runs up to `n` steps (a tensor, so a short last execution does not retrace) and stops early
    at the first step whose outputs or model variables (`health.watched_variables`) hold a
    NaN/Inf (`first_bad` is its index in this execution, -1 when none was). `losses` are the
    first, the last finite and the last step's loss, for the diagnosis. `position` (a variable)
    counts the steps run, one by one, so it is right even when a step fails.
    """
    step = tf.function(steps.train_step, jit_compile=True) if jit_compile else steps.train_step

    def one(batch):
        out = strategy.run(step, args=(batch,))
        out = {k: strategy.reduce(steps.reduce_op, v, axis=None) for k, v in out.items()}
        with tf.control_dependencies(tf.nest.flatten(out)):  # not before the batch arrived
            position.assign_add(1)
        # Listed while tracing, after the step: a model may create its variables in its first call.
        watched = health.watched_variables(steps.model)
        return out, tf.logical_and(_finite_outputs(out), health.all_finite(watched))

    @tf.function
    def loop(iterator, n):
        on_trace()
        first, ok = one(next(iterator))

        def cond(i, bad, *_):
            return tf.logical_and(i < n, bad < 0)

        def body(i, bad, _, good):
            out, ok = one(next(iterator))
            return i + 1, tf.where(ok, bad, i), out, tf.where(ok, _headline(out), good)

        start = (tf.constant(1), tf.where(ok, -1, 0), first, _headline(first))
        i, bad, last, good = tf.while_loop(cond, body, start)
        return i, bad, steps.logs(last), tf.stack([_headline(first), good, _headline(last)])

    return loop


def make_eval_loop(strategy, steps, jit_compile, on_trace):
    """A tf.function ``(iterator, n) -> steps_run`` over a finite iterator (fewer at its end)."""
    step = tf.function(steps.test_step, jit_compile=True) if jit_compile else steps.test_step

    @tf.function
    def loop(iterator, n):
        on_trace()

        def cond(i, more):
            return tf.logical_and(i < n, more)

        def body(i, more):
            batch = iterator.get_next_as_optional()

            def run():
                strategy.run(step, args=(batch.get_value(),))
                return i + 1

            return tf.cond(batch.has_value(), run, lambda: i), batch.has_value()

        i, _ = tf.while_loop(cond, body, (tf.constant(0), tf.constant(True)))
        return i

    return loop
