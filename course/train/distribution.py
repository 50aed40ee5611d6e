"""`tf.distribute` glue: pick a strategy, check the model lives in its scope, average over the
global batch, and know which worker writes checkpoints.

The same training loop runs under the default strategy (one device), `MirroredStrategy`
(several GPUs, or logical CPUs in tests), `MultiWorkerMirroredStrategy` (several machines,
configured by ``TF_CONFIG``) and `TPUStrategy`.
"""

import json
import os

import tensorflow as tf

_AUTO = {}


def get_strategy():
    """The strategy this machine calls for, created once per process.

    TPU runtime -> `TPUStrategy`; ``TF_CONFIG`` naming several workers ->
    `MultiWorkerMirroredStrategy`; two or more GPUs -> `MirroredStrategy`; otherwise the
    default (single-device) strategy. Build the model and optimizer inside ``strategy.scope()``.
    """
    if "strategy" not in _AUTO:
        _AUTO["strategy"] = _detect()
    return _AUTO["strategy"]


def _detect():
    cluster = json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
    if sum(len(v) for k, v in cluster.items() if k in ("chief", "worker")) > 1:
        return tf.distribute.MultiWorkerMirroredStrategy()
    from course.config import device_report

    report = device_report()
    if report.tpu:
        try:  # a TPU node names itself through the environment; a TPU VM is "local"
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        except ValueError:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu="local")
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    if len(report.gpus) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def strategy_for(model, strategy=None):
    """`strategy` if given, else the one `model` was built under, else the current one.

    Raises if a non-default strategy is used with a model whose variables were created outside
    its scope (they would silently stay on one device).
    """
    if strategy is None:
        strategy = model.distribute_strategy
    if not isinstance(strategy, tf.distribute.Strategy):
        raise TypeError(f"strategy must be a tf.distribute.Strategy or None, got {strategy!r}")
    if is_default(strategy):
        return strategy
    outside = [
        v.path
        for v in model.variables
        if not strategy.extended.variable_created_in_scope(_tf_var(v))
    ]
    if outside:
        raise ValueError(
            f"model variables {outside[:3]} were created outside the scope of "
            f"{type(strategy).__name__}; "
            "build the model inside `with strategy.scope():` (see course.train.get_strategy())"
        )
    return strategy


def is_default(strategy):
    """True for the default (no-op, single-device) strategy."""
    return strategy is tf.distribute.get_strategy() and not tf.distribute.has_strategy()


def distribute(strategy, dataset):
    """A dataset whose elements are per-replica batches (the dataset is batched globally)."""
    if is_default(strategy):
        return dataset
    if isinstance(strategy, tf.distribute.TPUStrategy):
        if any(
            spec.shape.rank and spec.shape[0] is None
            for spec in tf.nest.flatten(dataset.element_spec)
        ):
            raise ValueError(
                "TPUs need static batch shapes: batch the dataset with drop_remainder=True"
            )
    elif (
        dataset.options().experimental_distribute.auto_shard_policy
        == tf.data.experimental.AutoShardPolicy.AUTO
    ):
        # In-memory data has no files to shard by: shard by element (each replica a slice of
        # every global batch) instead of letting AUTO try files first and warn.
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA
        )
        dataset = dataset.with_options(options)
    return strategy.experimental_distribute_dataset(dataset)


def global_sum(value):
    """Sum `value` over all replicas (a no-op on one device); call in replica context."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_reduce(tf.distribute.ReduceOp.SUM, value)


def num_replicas():
    """Replicas in sync in the current context (1 without a strategy)."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def is_chief(strategy):
    """True on the worker that writes checkpoints and logs (always true on one machine)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    return resolver.task_type == "chief" or (
        resolver.task_type == "worker"
        and resolver.task_id == 0
        and "chief" not in resolver.cluster_spec().as_dict()
    )


def worker_dir(strategy, directory):
    """Where this worker writes: `directory` on the chief, a private scratch folder elsewhere."""
    if is_chief(strategy):
        return directory
    return os.path.join(directory, f".worker{strategy.cluster_resolver.task_id}")


def _tf_var(variable):
    return getattr(variable, "value", variable)
