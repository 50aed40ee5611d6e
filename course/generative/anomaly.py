"""Anomaly detection by reconstruction error (Session 7 section 5.4).

An autoencoder trained on normal data reconstructs normal inputs well and anomalies badly, so the
per-example reconstruction error is an anomaly score. A threshold at a percentile of the errors
on *held-out* normal data (a calibration set the model never trained on) turns it into a detector
whose false-alarm rate on fresh normal data is about 100 - percentile %. The training errors
would not do: the model fits its training images better than new ones, so a threshold taken
from them sits too low and flags far more fresh normal data than intended. ROC AUC measures the
score independently of any threshold.
"""

from dataclasses import dataclass

import numpy as np

from course.validation import check_number


def reconstruction_errors(model, x, batch_size=256):
    """Per-example mean squared error between `x` and ``model.predict(x)``."""
    x = np.asarray(x, "float32")
    x_hat = np.asarray(model.predict(x, batch_size=batch_size, verbose=0))
    return np.mean(np.square(x - x_hat).reshape(len(x), -1), axis=1)


def percentile_threshold(calibration_errors, percentile=95.0):
    """Threshold rule: flag anything above the `percentile`-th percentile of the errors of
    held-out normal data, so about (100 - percentile)% of fresh normal data from the same
    distribution is flagged."""
    check_number("percentile", percentile, 0, 100)
    return float(np.percentile(np.asarray(calibration_errors), percentile))


def split_normal_anomalous(x, y, normal_classes):
    """(x_normal, x_anomalous): examples whose label is in `normal_classes`, and the rest."""
    normal = np.isin(np.asarray(y), list(normal_classes))
    if normal.all() or not normal.any():
        raise ValueError(
            f"normal_classes={tuple(normal_classes)!r} must select some but not all "
            f"examples (labels present: {sorted(set(np.asarray(y).tolist()))})"
        )
    return x[normal], x[~normal]


@dataclass(frozen=True)
class AnomalyReport:
    """Scores and detector quality on held-out normal and anomalous examples."""

    threshold: float
    auc: float
    detection_rate: float
    false_alarm_rate: float
    normal_errors: np.ndarray
    anomaly_errors: np.ndarray

    def __str__(self):
        return (
            f"ROC AUC {self.auc:.3f} | threshold {self.threshold:.4f} | anomalies flagged "
            f"{self.detection_rate:.1%} | normal flagged {self.false_alarm_rate:.1%}"
        )


def evaluate_detector(model, x_normal_calibration, x_normal_test, x_anomaly, percentile=95.0):
    """Score held-out normal and anomalous data with `model`'s reconstruction error.

    The threshold comes from `x_normal_calibration`, normal images the model was not trained on
    and disjoint from `x_normal_test` (`percentile_threshold`); ROC AUC is scikit-learn's with
    anomalies as the positive class.
    """
    from sklearn.metrics import roc_auc_score

    threshold = percentile_threshold(reconstruction_errors(model, x_normal_calibration), percentile)
    normal = reconstruction_errors(model, x_normal_test)
    anomalous = reconstruction_errors(model, x_anomaly)
    labels = np.r_[np.zeros(len(normal)), np.ones(len(anomalous))]
    auc = float(roc_auc_score(labels, np.r_[normal, anomalous]))
    return AnomalyReport(
        threshold,
        auc,
        float(np.mean(anomalous > threshold)),
        float(np.mean(normal > threshold)),
        normal,
        anomalous,
    )
