"""Checkpoint and resume with `tf.train.CheckpointManager`: a run killed mid-epoch restarts
from its last checkpoint and ends with the same weights as an uninterrupted run.

A checkpoint holds every model variable by position (including dropout RNG states, which
Keras' object graph does not save), the optimizers, the metric accumulators and the position
in the run. The data position is restored by replaying the input pipeline of a freshly built
dataset up to that step, so a seeded, reshuffling `tf.data` pipeline repeats exactly.
"""

import json
import os

import keras
import tensorflow as tf

from course.train import distribution
from course.validation import check_number

_WEIGHTS = "model_variables/{}/.ATTRIBUTES/VARIABLE_VALUE"
_DESCRIPTION = "model_description/.ATTRIBUTES/VARIABLE_VALUE"
_STEPS = "steps_per_epoch/.ATTRIBUTES/VARIABLE_VALUE"
_OPTIMIZERS = "optimizer_description/.ATTRIBUTES/VARIABLE_VALUE"


def describe(model):
    """One line per model variable: its path and shape (stored to explain mismatches)."""
    return "\n".join(f"{v.path} {tuple(v.shape)}" for v in model.variables)


def describe_optimizers(optimizers):
    """The class and hyperparameters (learning rate included) of each optimizer, as JSON."""
    described = []
    for optimizer in optimizers:
        config = keras.optimizers.serialize(optimizer)
        config["config"] = {k: v for k, v in config["config"].items() if k != "name"}
        described.append({"class_name": config["class_name"], "config": config["config"]})
    return json.dumps(described, sort_keys=True, default=str)


def _optimizer_difference(saved, current):
    """A sentence saying how two `describe_optimizers` outputs differ, or None if they match."""
    saved, current = json.loads(saved), json.loads(current)
    if len(saved) != len(current):
        return f"it holds {len(saved)} optimizer(s), this run has {len(current)}"
    for i, (old, new) in enumerate(zip(saved, current)):
        if old["class_name"] != new["class_name"]:
            return (
                f"optimizer {i} is {old['class_name']} in the checkpoint but {new['class_name']} "
                "in this run"
            )
        changed = sorted(
            k
            for k in set(old["config"]) | set(new["config"])
            if old["config"].get(k) != new["config"].get(k)
        )
        if changed:
            listed = ", ".join(
                f"{k}: {_shown(old['config'].get(k))} in the checkpoint, "
                f"{_shown(new['config'].get(k))} now"
                for k in changed
            )
            return f"optimizer {i} ({new['class_name']}) has other settings ({listed})"
    return None


def _shown(value):
    """A setting as a message shows it: floats stored in float32 at 6 significant digits."""
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


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
            raise ValueError(
                "the model has no variables yet, so a checkpoint would hold nothing: build it "
                "(call it once on a batch) before training with a Checkpointer"
            )
        self.steps_per_epoch = tf.Variable(trainer.steps_per_epoch, dtype=tf.int64, trainable=False)
        optimizers = optimizers_of(self.model, trainer.optimizer)
        self.optimizer_description = describe_optimizers(optimizers)
        self.checkpoint = tf.train.Checkpoint(
            model_variables=list(self.model.variables),
            optimizers=optimizers,
            optimizer_description=tf.Variable(self.optimizer_description, trainable=False),
            metrics=[v for m in trainer.steps.all_metrics for v in m.variables],
            position=trainer.position_variable,
            steps_per_epoch=self.steps_per_epoch,
            model_description=tf.Variable(describe(self.model), trainable=False),
        )

    def check_compatible(self, path):
        """Raise ValueError, before anything is restored, if `path` holds another model."""
        reader = tf.train.load_checkpoint(path)
        shapes = reader.get_variable_to_shape_map()
        saved_description = (
            reader.get_tensor(_DESCRIPTION).decode() if _DESCRIPTION in shapes else "?"
        )
        variables = self.model.variables
        saved_count = sum(1 for key in shapes if key.startswith("model_variables/"))
        problem = None
        if saved_count != len(variables):
            problem = f"it has {saved_count} model variables, this model has {len(variables)}"
        else:
            for i, variable in enumerate(variables):
                saved = tuple(shapes[_WEIGHTS.format(i)])
                if saved != tuple(variable.shape):
                    problem = (
                        f"variable {i} ({variable.path}) has shape {saved} in the checkpoint "
                        f"but {tuple(variable.shape)} in this model"
                    )
                    break
        if problem:
            raise ValueError(
                f"cannot resume from checkpoint {path!r}: it was written for a different model "
                f"({problem}). "
                f"Checkpointed model:\n{saved_description}\nThis model:\n{describe(self.model)}\n"
                "Use another checkpoint directory or the model that wrote it; the checkpoint was "
                "left untouched."
            )
        if _OPTIMIZERS in shapes:
            difference = _optimizer_difference(
                reader.get_tensor(_OPTIMIZERS).decode(), self.optimizer_description
            )
            if difference:
                raise ValueError(
                    f"cannot resume from checkpoint {path!r}: {difference}. Resuming continues the "
                    "run that wrote the checkpoint, optimizer state included, so the optimizer and "
                    "its settings must match; nothing was restored. Use the same optimizer "
                    "settings, or start a new run "
                    "(another directory, or Checkpointer(..., resume=False))."
                )
        saved_steps = int(reader.get_tensor(_STEPS))
        if saved_steps != int(self.steps_per_epoch.numpy()):
            raise ValueError(
                f"cannot resume from checkpoint {path!r}: it was written with {saved_steps} steps "
                "per epoch, "
                f"this run has {int(self.steps_per_epoch.numpy())} (batch size or dataset changed)"
            )

    def restore(self, path):
        """Check compatibility, then restore everything from `path`."""
        self.check_compatible(path)
        self.checkpoint.restore(path).assert_existing_objects_matched()


class Checkpointer(keras.callbacks.Callback):
    """Save a checkpoint every `save_every` steps (and at each epoch end) to `directory`, and
    resume from the latest one when training starts.

    Keeps the `max_to_keep` newest checkpoints. Under `MultiWorkerMirroredStrategy` every worker
    takes part in saving, but only the chief writes into `directory`. A checkpoint resumes only
    the run that wrote it: the same model variables, steps per epoch, optimizer class and
    optimizer settings (learning rate included). Anything else raises ValueError before anything
    is restored; ``resume=False`` starts a new run in the same directory.
    """

    def __init__(self, directory, save_every=None, max_to_keep=3, resume=True):
        if not isinstance(directory, (str, os.PathLike)):
            raise TypeError(
                f"directory must be a directory path (str or os.PathLike), got {directory!r}"
            )
        if not isinstance(resume, bool):
            raise TypeError(f"resume must be True or False, got {resume!r}")
        if save_every is not None:
            check_number("save_every", save_every, 1, integer=True)
        check_number("max_to_keep", max_to_keep, 1, integer=True)
        super().__init__()
        self.directory, self.save_every, self.max_to_keep, self.resume = (
            os.fspath(directory),
            save_every,
            max_to_keep,
            resume,
        )
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
            self.state.checkpoint,
            distribution.worker_dir(strategy, self.directory),
            self.max_to_keep,
        )

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
