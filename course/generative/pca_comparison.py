"""PCA vs autoencoders at equal code size (Session 7 section 5.2), by reconstruction MSE.

PCA is the best linear code for squared error (Eckart-Young), so a linear autoencoder trained on
MSE can at best match it on the training data; a nonlinear autoencoder can do better because it
may bend its code onto the data's manifold.
"""

import numpy as np

from course.profiles import profile
from course.validation import check_number


def _flat(x):
    x = np.asarray(x, "float32")
    return x.reshape(len(x), -1)


def pca_reconstruction_mse(x_train, x_eval, n_components):
    """Mean squared error of reconstructing `x_eval` from its first `n_components` principal
    components, with PCA fitted on `x_train` (scikit-learn; centred, as PCA always is)."""
    from sklearn.decomposition import PCA

    check_number("n_components", n_components, 1, integer=True)
    pca = PCA(n_components=n_components, svd_solver="full").fit(_flat(x_train))
    evaluated = _flat(x_eval)
    return float(np.mean(np.square(evaluated - pca.inverse_transform(pca.transform(evaluated)))))


AUTOENCODERS = {
    "linear AE": dict(kind="dense", hidden_units=(), output_activation=None),
    "dense AE": dict(kind="dense", hidden_units=(128,), output_activation="sigmoid"),
}


def autoencoder_reconstruction_mse(
    split, code_size, variant="linear AE", epochs=None, learning_rate=1e-2, batch_size=32, seed=0
):
    """Train an `Autoencoder` of the named `variant` (see `AUTOENCODERS`) on ``split.x_train``;
    returns (train MSE, test MSE)."""
    import keras

    from course.generative.autoencoders import Autoencoder

    if variant not in AUTOENCODERS:
        raise ValueError(f"variant must be one of {sorted(AUTOENCODERS)}, got {variant!r}")
    epochs = profile().pca_comparison.epochs if epochs is None else epochs
    check_number("epochs", epochs, 1, integer=True)
    keras.utils.set_random_seed(seed)
    model = Autoencoder(split.input_shape, code_size, **AUTOENCODERS[variant])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    model.fit(
        split.x_train,
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
        shuffle=True,
    )
    return tuple(
        model.evaluate(x, verbose=0, return_dict=True)["reconstruction_loss"]
        for x in (split.x_train, split.x_test)
    )


def compare(split, code_sizes=(2, 4, 8, 16), variants=tuple(AUTOENCODERS), epochs=None, seed=0):
    """Rows of test reconstruction MSE for PCA and each autoencoder variant at every code size.

    Each row: ``{"code size": k, "PCA": mse, <variant>: mse, ..., <variant> + " (train)": mse}``.
    """
    rows = []
    for k in code_sizes:
        row = {
            "code size": k,
            "PCA": pca_reconstruction_mse(split.x_train, split.x_test, k),
            "PCA (train)": pca_reconstruction_mse(split.x_train, split.x_train, k),
        }
        for variant in variants:
            train, test = autoencoder_reconstruction_mse(split, k, variant, epochs, seed=seed)
            row[variant], row[f"{variant} (train)"] = test, train
        rows.append(row)
    return rows


def markdown_table(rows, digits=4):
    """Format rows of equal keys as a Markdown table (numbers rounded to `digits`)."""
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for row in rows:
        cells = [f"{row[k]:.{digits}f}" if isinstance(row[k], float) else str(row[k]) for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
