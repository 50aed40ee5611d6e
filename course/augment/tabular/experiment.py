"""The imbalanced-classification experiment: scikit-learn's breast-cancer data with the
malignant class subsampled, and minority recall/F1 of a logistic regression trained on the raw,
SMOTE, ADASYN, noise-jittered and MixUp-oversampled training sets, kept case by case so that
`course.analysis.compare` can put intervals on the differences."""

import numpy as np

from course.augment.tabular.mixing import mixup_oversample
from course.augment.tabular.oversample import adasyn, noise_oversample, smote
from course.table import Table
from course.validation import check_choice, check_number


def _class_weights(X, y, seed):
    """Reweight instead of resampling: each class's weights sum to the same total (reference)."""
    classes, counts = np.unique(y, return_counts=True)
    per_class = dict(zip(classes, len(y) / (len(classes) * counts)))
    return X, y, np.array([per_class[label] for label in y])


RESAMPLERS = {
    "none": None,
    "class weights": _class_weights,
    "SMOTE": lambda X, y, seed: smote(X, y, seed=seed),
    "ADASYN": lambda X, y, seed: adasyn(X, y, seed=seed),
    "Gaussian noise": lambda X, y, seed: noise_oversample(X, y, sigma=0.1, seed=seed),
    "MixUp (soft labels)": lambda X, y, seed: mixup_oversample(X, y, alpha=0.4, seed=seed),
    "MixUp (anchor label)": lambda X, y, seed: mixup_oversample(X, y, 0.4, seed, label="anchor"),
}


def imbalanced_breast_cancer(n_minority=30, seed=0):
    """Breast-cancer features (569 x 30) with malignant relabelled 1 (the minority, positive
    class) and subsampled to `n_minority` of its 212 cases; benign (357) is kept whole."""
    from sklearn.datasets import load_breast_cancer

    check_number("n_minority", n_minority, 2, 212, integer=True)
    data = load_breast_cancer()
    y = (data.target == 0).astype("int64")  # scikit-learn codes malignant as 0
    rng = np.random.default_rng(seed)
    keep_minority = rng.choice(np.flatnonzero(y == 1), n_minority, replace=False)
    keep = np.sort(np.concatenate([np.flatnonzero(y == 0), keep_minority]))
    return data.data[keep], y[keep]


def _fit_predict(X_train, y_train, weights, X_test):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X_train)
    model = LogisticRegression(max_iter=2000)
    model.fit(scaler.transform(X_train), y_train, sample_weight=weights)
    return model.predict(scaler.transform(X_test))


def resampler_outcomes(n_minority=30, repeats=10, test_fraction=0.5, methods=None, seed=0):
    """Per method, each stratified split's test predictions, case by case and summarised.

    Each split resamples the training half only; the test half keeps the natural imbalance.
    Features are standardised inside `_fit_predict` after resampling (on the training rows).
    Returns ``{method: {"malignant": bool (repeats, malignant test cases), "benign": bool
    (repeats, benign test cases), "precision": (repeats,), "F1": (repeats,), "train rows":
    (repeats,)}}``: "malignant" is per-case correctness on the positives (its mean is the
    minority recall), "benign" on the negatives (1 - its mean is the false-alarm rate). Row r
    of every method comes from the same split, so ``course.analysis.compare`` pairs them.
    """
    from sklearn.metrics import f1_score, precision_score
    from sklearn.model_selection import train_test_split

    check_number("repeats", repeats, 1, integer=True)
    check_number("test_fraction", test_fraction, 0, 1, low_open=True, high_open=True)
    if methods is None:
        methods = list(RESAMPLERS)
    elif isinstance(methods, (str, bytes)) or not isinstance(methods, (list, tuple)):
        raise TypeError(
            f"methods must be None or a list of names from {tuple(RESAMPLERS)}, "
            f"got {type(methods).__name__}"
        )
    elif not methods:
        raise ValueError(f"methods must name at least one of {tuple(RESAMPLERS)}, got []")
    for method in methods:
        check_choice("methods", method, tuple(RESAMPLERS))
    X, y = imbalanced_breast_cancer(n_minority, seed)
    keys = ("malignant", "benign", "precision", "F1", "train rows")
    outcomes = {m: {key: [] for key in keys} for m in methods}
    for r in range(repeats):
        X_tr, X_te, y_tr, y_te = train_test_split(
            X, y, test_size=test_fraction, stratify=y, random_state=seed + r
        )
        for method in methods:
            resample = RESAMPLERS[method]
            out = (X_tr, y_tr) if resample is None else resample(X_tr, y_tr, seed + r)
            weights = out[2] if len(out) == 3 else None
            pred = _fit_predict(out[0], out[1], weights, X_te)
            for key, value in zip(
                keys,
                (
                    pred[y_te == 1] == 1,
                    pred[y_te == 0] == 0,
                    precision_score(y_te, pred, zero_division=0),
                    f1_score(y_te, pred),
                    len(out[1]),
                ),
            ):
                outcomes[method][key].append(value)
    return {m: {key: np.array(v) for key, v in runs.items()} for m, runs in outcomes.items()}


def resampler_table(outcomes):
    """Mean minority recall, precision and F1 (and training rows) per method of
    `resampler_outcomes`' result, averaged over the splits."""
    return Table(
        tuple(
            {
                "method": method,
                "train rows": int(np.mean(runs["train rows"])),
                "minority recall": float(np.mean(runs["malignant"])),
                "minority precision": float(np.mean(runs["precision"])),
                "minority F1": float(np.mean(runs["F1"])),
            }
            for method, runs in outcomes.items()
        )
    )


def compare_resamplers(n_minority=30, repeats=10, test_fraction=0.5, methods=None, seed=0):
    """`resampler_table(resampler_outcomes(...))`: mean minority recall, precision and F1 over
    `repeats` stratified splits, per method."""
    return resampler_table(resampler_outcomes(n_minority, repeats, test_fraction, methods, seed))
