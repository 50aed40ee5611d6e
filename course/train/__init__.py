"""`course.train`: a tf.function training engine for any `keras.Model`.

``Trainer(model, optimizer=..., loss=..., metrics=[...], steps_per_execution=..., callbacks=[...])``
then ``trainer.fit(train_ds, epochs=..., validation_data=val_ds)`` and ``trainer.evaluate(ds)``;
``fit(model, data, ...)`` is the one-call shortcut.
"""
from course.train.callbacks import EarlyStopping, ProgressBar, TensorBoard, nonfinite_message
from course.train.checkpointing import Checkpointer
from course.train.distribution import get_strategy
from course.train.trainer import Trainer, fit

__all__ = ["Checkpointer", "EarlyStopping", "ProgressBar", "TensorBoard", "Trainer", "fit", "get_strategy",
           "nonfinite_message"]
