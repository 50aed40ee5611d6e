"""`compile_classifier`: the one compile call the course's small classifiers share."""
from course.validation import check_number


def compile_classifier(model, learning_rate=1e-3, from_logits=False, metrics=("accuracy",)):
    """Compile `model` with Adam(`learning_rate`) and sparse categorical cross-entropy; return it.

    from_logits: True when the model's last layer has no softmax (the loss applies it).
    """
    import keras

    check_number("learning_rate", learning_rate, 0, low_open=True)
    model.compile(keras.optimizers.Adam(learning_rate),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=bool(from_logits)),
                  metrics=list(metrics))
    return model
