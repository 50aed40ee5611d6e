"""Checkpoint and resume with `tf.train.CheckpointManager`: a run killed mid-epoch restarts
from its last checkpoint and ends with the same weights as an uninterrupted run.

A checkpoint holds every model variable by position (including dropout RNG states, which
Keras' object graph does not save), the optimizers, the metric accumulators and the position
in the run. The data position is restored by replaying the input pipeline of a freshly built
dataset up to that step, so a seeded, reshuffling `tf.data` pipeline repeats exactly.
"""
import keras
import tensorflow as tf

from course.train import distribution
from course.validation import check_number

_WEIGHTS = "model_variables/{}/.ATTRIBUTES/VARIABLE_VALUE"
_DESCRIPTION = "model_description/.ATTRIBUTES/VARIABLE_VALUE"
_STEPS = "steps_per_epoch/.ATTRIBUTES/VARIABLE_VALUE"


def describe(model):
    """One line per model variable: its path and shape (stored to explain mismatches)."""
    return "\n".join(f"{v.path} {tuple(v.shape)}" for v in model.variables)


def optimizers_of(model, optimizer=None):
    """`optimizer` plus every optimizer the model holds as an attribute (a GAN has two)."""
    found = [optimizer] if optimizer is not None else []
    for _, value in sorted(vars(model).items()):
        if isinstance(value, keras.optimizers.Optimizer) and all(value is not o for o in found):
            found.append(value)
    return found


class TrainingState:
    """The `tf.train.Checkpoint` of one trainer, with a compatibility check before restoring."""

    def __init__(self, trainer):
        self.model = trainer.model
        if not self.model.variables:
            raise ValueError("the model has no variables yet, so a checkpoint would hold nothing: build it "
                             "(call it once on a batch) before training with a Checkpointer")
        self.steps_per_epoch = tf.Variable(trainer.steps_per_epoch, dtype=tf.int64, trainable=False)
        self.checkpoint = tf.train.Checkpoint(
            model_variables=list(self.model.variables),
            optimizers=optimizers_of(self.model, trainer.optimizer),
            metrics=[v for m in trainer.steps.all_metrics for v in m.variables],
            position=trainer.position_variable,
            steps_per_epoch=self.steps_per_epoch,
            model_description=tf.Variable(describe(self.model), trainable=False),
        )

    def check_compatible(self, path):
        """Raise ValueError, before anything is restored, if `path` holds another model."""
        reader = tf.train.load_checkpoint(path)
        shapes = reader.get_variable_to_shape_map()
        saved_description = reader.get_tensor(_DESCRIPTION).decode() if _DESCRIPTION in shapes else "?"
        variables = self.model.variables
        saved_count = sum(1 for key in shapes if key.startswith("model_variables/"))
        problem = None
        if saved_count != len(variables):
            problem = f"it has {saved_count} model variables, this model has {len(variables)}"
        else:
            for i, variable in enumerate(variables):
                saved = tuple(shapes[_WEIGHTS.format(i)])
                if saved != tuple(variable.shape):
                    problem = (f"variable {i} ({variable.path}) has shape {saved} in the checkpoint "
                               f"but {tuple(variable.shape)} in this model")
                    break
        if problem:
            raise ValueError(
                f"cannot resume from checkpoint {path!r}: it was written for a different model ({problem}). "
                f"Checkpointed model:\n{saved_description}\nThis model:\n{describe(self.model)}\n"
                "Use another checkpoint directory or the model that wrote it; the checkpoint was left untouched.")
        saved_steps = int(reader.get_tensor(_STEPS))
        if saved_steps != int(self.steps_per_epoch.numpy()):
            raise ValueError(
                f"cannot resume from checkpoint {path!r}: it was written with {saved_steps} steps per epoch, "
                f"this run has {int(self.steps_per_epoch.numpy())} (batch size or dataset changed)")

    def restore(self, path):
        """Check compatibility, then restore everything from `path`."""
        self.check_compatible(path)
        self.checkpoint.restore(path).assert_existing_objects_matched()


class Checkpointer(keras.callbacks.Callback):
    """Save a checkpoint every `save_every` steps (and at each epoch end) to `directory`, and
    resume from the latest one when training starts.

    Keeps the `max_to_keep` newest checkpoints. Under `MultiWorkerMirroredStrategy` every worker
    takes part in saving, but only the chief writes into `directory`.
    """

    def __init__(self, directory, save_every=None, max_to_keep=3, resume=True):
        super().__init__()
        if save_every is not None:
            check_number("save_every", save_every, 1, integer=True)
        check_number("max_to_keep", max_to_keep, 1, integer=True)
        self.directory, self.save_every, self.max_to_keep, self.resume = str(directory), save_every, max_to_keep, resume
        self.trainer = self.manager = self.state = None
        self.restored_from = None
        self._saved_at = -1

    def set_trainer(self, trainer):
        self.trainer = trainer

    def on_train_begin(self, logs=None):
        self.state = TrainingState(self.trainer)
        latest = tf.train.latest_checkpoint(self.directory)
        if self.resume and latest:
            self.state.restore(latest)
            self.restored_from = latest
        self._saved_at = self.trainer.position
        strategy = self.trainer.strategy
        self.manager = tf.train.CheckpointManager(
            self.state.checkpoint, distribution.worker_dir(strategy, self.directory), self.max_to_keep)

    def save(self):
        """Write a checkpoint of the current state, numbered by the step in the run."""
        position = self.trainer.position
        if position == self._saved_at:
            return
        self.manager.save(checkpoint_number=position)
        self._saved_at = position
        if not distribution.is_chief(self.trainer.strategy):
            tf.io.gfile.rmtree(self.manager.directory)

    def on_train_batch_end(self, batch, logs=None):
        if self.save_every and self.trainer.position - self._saved_at >= self.save_every:
            self.save()

    def on_epoch_end(self, epoch, logs=None):
        self.save()
