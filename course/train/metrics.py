"""Metric resolution: metric names, functions and objects turned into `keras.metrics.Metric`s.

'accuracy' picks binary, sparse or categorical accuracy from the target and prediction shapes,
as `model.compile` does.
"""

import keras


def check_metrics(metrics):
    """Raise TypeError unless `metrics` is None or a list/tuple of names, functions or Metrics."""
    if metrics is None:
        return
    if not isinstance(metrics, (list, tuple)):
        raise TypeError(
            f"metrics must be None or a list of metric names, functions or keras.metrics.Metric "
            f"objects, got {metrics!r}"
        )
    for metric in metrics:
        if not (isinstance(metric, (str, keras.metrics.Metric)) or callable(metric)):
            raise TypeError(
                f"metrics must hold metric names, functions or keras.metrics.Metric objects, "
                f"got {metric!r}"
            )


def resolve_metrics(metrics, y_true_shape, y_pred_shape):
    """Metric objects for `metrics`; 'accuracy' picks binary/sparse/categorical like Keras."""
    resolved = []
    for metric in metrics or []:
        if isinstance(metric, str) and metric.lower() in ("accuracy", "acc"):
            if y_pred_shape is None:
                raise ValueError(
                    "metrics='accuracy' is ambiguous for a model with several outputs; "
                    "pass metric objects instead"
                )
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
