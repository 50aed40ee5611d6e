"""Pretrain the small offline backbone used by the transfer-learning notebooks.

Source task: digits 0-4 (scikit-learn's digits, upsampled to 32x32 RGB). Targets in the
notebooks: digits 5-9 (small + similar) and synthetic shapes (small + different). Writes
data/digits_backbone.weights.h5 (weights only, about 0.1 MB: the architecture is
`course.transfer.backbones.digits_backbone_architecture`, so the file loads on every supported
Keras); deterministic on CPU.
Usage: python scripts/pretrain_digits_backbone.py
"""

import os
from pathlib import Path

os.environ["COURSE_FAST"] = "0"  # always the full data set, whatever the caller's mode

import keras  # noqa: E402
import numpy as np  # noqa: E402

import course  # noqa: E402
from course.data import digits_rgb  # noqa: E402
from course.transfer import pretrained_digits_backbone  # noqa: E402
from course.transfer.backbones import DIGITS_BACKBONE_FILE, digits_backbone_architecture  # noqa: E402

DIGITS_BACKBONE = Path(__file__).resolve().parent.parent / "data" / DIGITS_BACKBONE_FILE


if __name__ == "__main__":
    course.setup(seed=0, deterministic=True)
    source = digits_rgb(classes=range(5))
    base = digits_backbone_architecture()
    model = keras.Sequential(
        [base, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(5, activation="softmax")]
    )
    model.compile(
        keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    model.fit(
        source.x_train,
        source.y_train,
        validation_data=(source.x_val, source.y_val),
        epochs=15,
        batch_size=32,
        verbose=2,
    )
    accuracy = model.evaluate(source.x_test, source.y_test, verbose=0)[1]
    print(f"source-task test accuracy (digits 0-4): {accuracy:.3f}")
    assert accuracy > 0.95, "pretraining failed"
    DIGITS_BACKBONE.parent.mkdir(exist_ok=True)
    tmp = DIGITS_BACKBONE.with_name("tmp-" + DIGITS_BACKBONE.name)
    base.save_weights(tmp)
    tmp.replace(DIGITS_BACKBONE)  # atomic: an interrupted run never leaves a broken file
    print(f"wrote {DIGITS_BACKBONE} ({DIGITS_BACKBONE.stat().st_size / 1e6:.2f} MB)")
    np.testing.assert_allclose(
        pretrained_digits_backbone().predict(source.x_test[:4], verbose=0),
        base.predict(source.x_test[:4], verbose=0),
        atol=1e-5,
    )
