"""`course.train`: a tf.function training engine for any `keras.Model`.

``trainer = Trainer(model, optimizer=..., loss=..., metrics=[...], steps_per_execution=...,
callbacks=[...])``, ``history = trainer.fit(train_ds, epochs=..., validation_data=val_ds)``,
``trainer.evaluate(ds)``;
``fit(model, data, ...)`` is the one-call shortcut. Several machines or devices: build the model
inside ``with get_strategy().scope():`` and the trainer picks the strategy up. A model that
overrides ``train_step``/``test_step`` (Keras-3 style: returns ``{name: value}``) is trained
through them. ``trainer.trace_count`` counts graph traces (1 per loop for a whole run).
``train_full_batch`` is the small full-batch loop of the section's toy experiments;
``train_seeds`` trains several seeds of a small dense classifier together in one graph, and
``continue_seeds`` trains them further with another optimizer or rate.
"""

from course.train.callbacks import EarlyStopping, ProgressBar, TensorBoard
from course.train.checkpointing import Checkpointer
from course.train.distribution import get_strategy
from course.train.full_batch import train_full_batch
from course.train.health import nonfinite_message
from course.train.seed_batch import SeedRun, continue_seeds, train_seeds
from course.train.trainer import Trainer, fit

__all__ = [
    "Checkpointer",
    "EarlyStopping",
    "ProgressBar",
    "SeedRun",
    "TensorBoard",
    "Trainer",
    "continue_seeds",
    "fit",
    "get_strategy",
    "nonfinite_message",
    "train_full_batch",
    "train_seeds",
]
