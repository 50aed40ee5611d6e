"""One training/evaluation step and the graph loops that run several of them per call.

The loop is a `tf.while_loop` inside one `tf.function` that pulls batches from an iterator, so
`steps_per_execution` steps cost one Python call and one host sync. Losses are summed per
example and divided by the number of examples in the GLOBAL batch, so gradients summed across
replicas equal the single-device gradient.
"""
import keras
import tensorflow as tf

from course.train import distribution, precision


class LossMean(keras.metrics.Metric):
    """Running mean of the step loss, weighted by each step's global batch size."""

    def __init__(self, name="loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, weighted_total, count):
        self.total.assign_add(tf.cast(weighted_total, self.total.dtype))
        self.count.assign_add(tf.cast(count, self.count.dtype))

    def result(self):
        return tf.math.divide_no_nan(self.total, self.count)


class PerExampleLoss(keras.losses.Loss):
    """A loss function kept unreduced: one value per example (and per time step, if any)."""

    def __init__(self, fn, name=None):
        super().__init__(reduction=None, name=name or getattr(fn, "__name__", "loss"))
        self.fn = fn

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred)


def per_example_loss(loss):
    """Turn a loss name, function or `keras.losses.Loss` into an unreduced `Loss`."""
    if loss is None:
        raise ValueError("loss must be given (a name such as 'sparse_categorical_crossentropy', "
                         "a function or a keras.losses.Loss) unless the model defines train_step")
    obj = keras.losses.get(loss) if isinstance(loss, str) else loss
    if isinstance(obj, keras.losses.Loss):
        return type(obj).from_config({**obj.get_config(), "reduction": None})
    if callable(obj):
        return PerExampleLoss(obj)
    raise TypeError(f"loss must be a name, a function or a keras.losses.Loss, got {loss!r}")


def is_sparse(loss):
    """True for losses that take integer class labels against per-class predictions."""
    return "sparse" in (getattr(loss, "name", "") + type(loss).__name__).lower()


def resolve_metrics(metrics, y_true_shape, y_pred_shape):
    """Metric objects for `metrics`; 'accuracy' picks binary/sparse/categorical like Keras."""
    resolved = []
    for metric in metrics or []:
        if isinstance(metric, str) and metric.lower() in ("accuracy", "acc"):
            if y_pred_shape is None:
                raise ValueError("metrics='accuracy' is ambiguous for a model with several outputs; "
                                 "pass metric objects instead")
            if y_pred_shape[-1] == 1:
                metric = keras.metrics.BinaryAccuracy(name=metric)
            elif len(y_true_shape) < len(y_pred_shape) or y_true_shape[-1] == 1:
                metric = keras.metrics.SparseCategoricalAccuracy(name=metric)
            else:
                metric = keras.metrics.CategoricalAccuracy(name=metric)
        elif isinstance(metric, str) or not isinstance(metric, keras.metrics.Metric):
            name = metric if isinstance(metric, str) else getattr(metric, "__name__", "metric")
            metric = keras.metrics.get(metric)
            if not isinstance(metric, keras.metrics.Metric):
                metric = keras.metrics.MeanMetricWrapper(metric, name=name)
        resolved.append(metric)
    return resolved


def clip_gradients(grads, clipvalue=None, clipnorm=None, global_clipnorm=None, scale=1.0):
    """Clip gradients of a loss multiplied by `scale`, as if they had been unscaled first.

    Under several replicas the gradients are summed first (and handed back divided by the
    replica count, because the optimizer sums them again), so the clip sees the true gradient.
    """
    if clipvalue is None and clipnorm is None and global_clipnorm is None:
        return grads
    replicas = distribution.num_replicas()
    if replicas > 1:
        grads = distribution.global_sum(grads)
    scale = tf.cast(scale, tf.float32)
    if clipvalue is not None:
        grads = [tf.clip_by_value(g, -clipvalue * scale, clipvalue * scale) for g in grads]
    if clipnorm is not None:
        grads = [tf.clip_by_norm(g, clipnorm * scale) for g in grads]
    if global_clipnorm is not None:
        grads, _ = tf.clip_by_global_norm(grads, global_clipnorm * scale)
    return [g / replicas for g in grads] if replicas > 1 else grads


class SupervisedSteps:
    """The built-in (x, y[, sample_weight]) train and test steps for one replica."""

    def __init__(self, model, optimizer, loss, metrics, clip):
        self.model, self.optimizer, self.loss, self.metrics, self.clip = model, optimizer, loss, metrics, clip
        self.tracker = LossMean()

    def _loss(self, y, y_pred, sample_weight):
        per_example = tf.cast(self.loss(y, y_pred, sample_weight), tf.float32)
        count = tf.cast(tf.size(per_example), tf.float32)
        global_count = distribution.global_sum(count)
        loss = tf.reduce_sum(per_example) / tf.maximum(global_count, 1.0)
        if self.model.losses:
            loss += tf.add_n([tf.cast(r, tf.float32) for r in self.model.losses]) / distribution.num_replicas()
        # This replica's share of the step loss; the shares of all replicas sum to it.
        self.tracker.update_state(loss * global_count, count)
        return loss

    def _forward(self, x, training):
        y_pred = self.model(x, training=training)
        return tf.nest.map_structure(lambda t: tf.cast(t, tf.float32), y_pred)

    def _update_metrics(self, y, y_pred, sample_weight):
        for metric in self.metrics:
            metric.update_state(y, y_pred, sample_weight=sample_weight)

    def train_step(self, batch):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(batch)
        variables = self.model.trainable_variables
        with tf.GradientTape() as tape:
            y_pred = self._forward(x, True)
            loss = self._loss(y, y_pred, sample_weight)
            scaled = self.optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, variables)
        grads = clip_gradients(grads, *self.clip, scale=precision.loss_scale(self.optimizer))
        self.optimizer.apply(grads, variables)
        self._update_metrics(y, y_pred, sample_weight)
        return {"loss": loss}

    def test_step(self, batch):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(batch)
        y_pred = self._forward(x, False)
        loss = self._loss(y, y_pred, sample_weight)
        self._update_metrics(y, y_pred, sample_weight)
        return {"loss": loss}

    @property
    def all_metrics(self):
        return [self.tracker] + list(self.metrics)

    def results(self):
        return {m.name: m.result() for m in self.all_metrics}

    def reset(self):
        for metric in self.all_metrics:
            metric.reset_state()

    reduce_op = tf.distribute.ReduceOp.SUM  # step outputs are per-replica shares of the loss


class ModelSteps:
    """Delegates to a model that defines its own ``train_step``/``test_step`` (GAN, VAE...)."""

    reduce_op = tf.distribute.ReduceOp.MEAN

    def __init__(self, model):
        self.model = model
        self.train_step = model.train_step
        self.test_step = model.test_step

    @property
    def all_metrics(self):
        return list(self.model.metrics)

    def results(self):
        return self.model.get_metrics_result()

    def reset(self):
        self.model.reset_metrics()


def overrides_train_step(model):
    """True when `model`'s class defines its own ``train_step``."""
    return type(model).train_step is not keras.Model.train_step


def _finite(outputs):
    floats = [tf.reduce_all(tf.math.is_finite(v)) for v in tf.nest.flatten(outputs) if v.dtype.is_floating]
    return tf.reduce_all(tf.stack(floats)) if floats else tf.constant(True)


def make_train_loop(strategy, steps, jit_compile, on_trace):
    """A tf.function ``(iterator, n) -> (steps_run, first_bad_step, last_outputs, finite_outputs)``.

    Runs up to `n` steps (a tensor, so a short last execution does not retrace) and stops early
    at the first step whose outputs are NaN/Inf (`first_bad_step` is -1 when none was).
    `finite_outputs` are the first and the last finite step outputs, for diagnosing a NaN.
    """
    step = tf.function(steps.train_step, jit_compile=True) if jit_compile else steps.train_step

    def one(batch):
        out = strategy.run(step, args=(batch,))
        return {k: strategy.reduce(steps.reduce_op, v, axis=None) for k, v in out.items()}

    @tf.function
    def loop(iterator, n):
        on_trace()
        first = one(next(iterator))
        ok = _finite(first)

        def cond(i, bad, _, __):
            return tf.logical_and(i < n, bad < 0)

        def body(i, bad, _, good):
            out = one(next(iterator))
            ok = _finite(out)
            good = tf.nest.map_structure(lambda new, old: tf.where(ok, new, old), out, good)
            return i + 1, tf.where(ok, bad, i), out, good

        start = (tf.constant(1), tf.where(ok, -1, 0), first, first)
        i, bad, last, good = tf.while_loop(cond, body, start)
        return i, bad, last, (first, good)

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
