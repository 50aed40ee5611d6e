"""Pretrained network as a feature extractor + a light scikit-learn classifier (SVM or logistic).

The notes' choice for small datasets from a different distribution: the backbone's pooled
features are generic enough, and a linear/kernel classifier cannot overfit them the way
fine-tuning a deep network would.
"""

import numpy as np

from course.validation import (
    check_choice,
    check_examples,
    check_model,
    check_number,
    check_same_length,
)


def extract_features(backbone, x, batch_size=64):
    """Pooled backbone features (n, d) as NumPy; feature maps are averaged over space."""
    import keras

    check_number("batch_size", batch_size, 1, integer=True)
    check_model("backbone", backbone)
    x = check_examples("x", x, ndim=len(backbone.inputs[0].shape) if backbone.inputs else None)
    features = backbone.predict(x, batch_size=batch_size, verbose=0)
    if features.ndim == 4:
        features = keras.ops.convert_to_numpy(keras.ops.mean(features, axis=(1, 2)))
    return np.asarray(features)


def fit_feature_classifier(features, y, kind="svm", C=1.0, seed=0):
    """A standardised SVM (RBF) or logistic regression fitted on features; returns the pipeline."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    check_choice("kind", kind, ("svm", "logreg"))
    check_number("C", C, 0, low_open=True)
    features = check_examples("features", features, ndim=2)
    y = check_examples("y", y, ndim=1)
    check_same_length("features", features=features, y=y)
    classifier = (
        SVC(C=C, kernel="rbf", random_state=seed)
        if kind == "svm"
        else LogisticRegression(C=C, max_iter=2000, random_state=seed)
    )
    return make_pipeline(StandardScaler(), classifier).fit(features, y)
