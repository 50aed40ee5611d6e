"""`DiffusionModel`: a DDPM trained to predict the noise (Session 7 section 2.3), with EMA weights
for sampling, DDPM ancestral and DDIM samplers and classifier-free guidance.

Training: draw t ~ U{0..T-1} and eps ~ N(0, I), noise a clean image in closed form
(x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps) and regress the U-Net's eps_hat(x_t, t, y)
onto eps (mean squared error). For classifier-free guidance the label is replaced by a null
class with probability `label_dropout`, so one network learns both p(x | y) and p(x).
Image convention: images in [0, 1] in and out (scaled to [-1, 1] inside), as in
`course.generative.metrics`.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from course.generative._checks import check_image_shape, class_indices
from course.generative._steps import LossModel
from course.generative.diffusion import samplers
from course.generative.diffusion.schedules import NoiseSchedule
from course.generative.diffusion.unet import build_unet
from course.validation import check_number, check_seed, plain_error


@keras.saving.register_keras_serializable(package="course")
class DiffusionModel(LossModel):
    """DDPM with epsilon-prediction on images in [0, 1].

    Args:
        image_shape: (height, width, channels), even height and width (8x8 digits: (8, 8, 1)).
        timesteps: length T of the noising chain (>= 2).
        schedule: "linear" or "cosine" noise schedule.
        num_classes: number of classes for a conditional model (labels 0..num_classes-1; the
            null class is `num_classes`), or 0 for an unconditional one.
        label_dropout: probability of training with the null label (classifier-free guidance).
        filters, groups: U-Net width and GroupNorm groups.
        ema_decay: decay of the exponential moving average of the weights used for sampling.
        seed: seed of the training noise.
    Batches are ``x`` or ``(x, y)`` (labels needed when ``num_classes > 0``). ``call([x_t, t, y])``
    (or a dict with those keys) returns the predicted noise, so `predict` and `evaluate` work.
    """

    loss_names = ("loss",)

    def __init__(
        self,
        image_shape=(8, 8, 1),
        timesteps=1000,
        schedule="cosine",
        num_classes=0,
        label_dropout=0.1,
        filters=32,
        groups=8,
        ema_decay=0.999,
        seed=None,
        **kwargs,
    ):
        self.schedule = NoiseSchedule(schedule, timesteps)
        check_number("num_classes", num_classes, 0, integer=True)
        check_number("label_dropout", label_dropout, 0, 1, high_open=True)
        check_number("ema_decay", ema_decay, 0, 1, high_open=True)
        image_shape = check_image_shape("image_shape", image_shape, 2)
        check_number("filters", filters, 1, integer=True)
        check_number("groups", groups, 1, integer=True)
        if filters % groups:
            raise ValueError(
                f"filters must be a multiple of groups={groups} (GroupNorm splits the U-Net's "
                f"channels into equal groups), got filters={filters}"
            )
        check_seed(seed)
        super().__init__(**kwargs)
        self.image_shape, self.timesteps, self.num_classes = (
            image_shape,
            int(timesteps),
            int(num_classes),
        )
        self.label_dropout, self.ema_decay = float(label_dropout), float(ema_decay)
        self.filters, self.groups, self.seed = int(filters), int(groups), seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.network = build_unet(image_shape, num_classes, filters, groups, name="network")
        # The EMA copy: same architecture, non-trainable weights, used by every sampler.
        self.ema_network = build_unet(image_shape, num_classes, filters, groups, name="ema_network")
        self.ema_network.trainable = False
        self.ema_network.set_weights(self.network.get_weights())
        self._eps_function = None
        self.built = True

    @property
    def null_label(self):
        """The label meaning "no class" (used for unconditional models and guidance)."""
        return self.num_classes

    def labels_or_null(self, y, batch):
        """Integer labels for the network: `y`, or the null class when `y` is None."""
        if y is None:
            return ops.full((batch,), self.null_label, dtype="int32")
        if not self.num_classes:
            raise ValueError("labels given to an unconditional DiffusionModel (num_classes=0)")
        return class_indices("labels", y, self.num_classes)

    def call(self, inputs, training=False, use_ema=False):
        """Predicted noise eps_hat for ``[x_t, t]`` or ``[x_t, t, labels]`` (or a dict with keys
        "x_t", "t", "labels"); x_t is in the model's [-1, 1] space."""
        if isinstance(inputs, dict):
            inputs = [inputs["x_t"], inputs["t"], inputs.get("labels")]
        x_t, t = inputs[0], inputs[1]
        y = inputs[2] if len(inputs) > 2 else None
        x_t = ops.convert_to_tensor(x_t, "float32")
        self.check_timesteps(t)
        batch = ops.shape(x_t)[0]
        t = ops.reshape(ops.cast(ops.convert_to_tensor(t), "int32"), (-1,)) * ops.ones(
            (batch,), "int32"
        )
        network = self.ema_network if use_ema else self.network
        return network([x_t, t, self.labels_or_null(y, batch)], training=training)

    def check_timesteps(self, t):
        """Refuse eager timesteps outside [0, T): the time embedding would accept any integer
        and the model would return noise predictions for a step that does not exist."""
        if keras.backend.is_keras_tensor(t) or not tf.executing_eagerly():
            return
        values = np.asarray(t)
        if values.size and (values.min() < 0 or values.max() >= self.timesteps):
            raise plain_error(
                ValueError(
                    f"t must hold timesteps in [0, {self.timesteps}) (timesteps={self.timesteps}), "
                    f"got values from {values.min()} to {values.max()}"
                )
            )

    def compute_losses(self, x, y=None, training=False):
        x0 = ops.convert_to_tensor(x, "float32") * 2.0 - 1.0
        batch = ops.shape(x0)[0]
        t = keras.random.randint(
            (batch,), 0, self.timesteps, dtype="int32", seed=self.seed_generator
        )
        noise = keras.random.normal(ops.shape(x0), seed=self.seed_generator)
        labels = self.labels_or_null(y if self.num_classes else None, batch)
        if training:
            labels = self.drop_labels(labels)
        return {"loss": self.denoising_loss(x0, t, noise, labels, training)}

    def drop_labels(self, labels):
        """Replace each label by the null class with probability `label_dropout` (training only):
        the unconditional model that classifier-free guidance needs, learned by the same network."""
        if not self.num_classes or self.label_dropout == 0:
            return labels
        drop = (
            keras.random.uniform(ops.shape(labels), seed=self.seed_generator) < self.label_dropout
        )
        return ops.where(drop, self.null_label, labels)

    def denoising_loss(self, x0, t, noise, labels, training=False):
        """Mean squared error between `noise` and the network's eps_hat(x_t, t, labels), where
        x_t is x0 (in [-1, 1]) noised in closed form with `noise` at timesteps `t`."""
        t, labels = ops.cast(t, "int32"), ops.cast(labels, "int32")
        x_t = self.schedule.q_sample(x0, t, noise)
        eps_hat = self.network([x_t, t, labels], training=training)
        return ops.mean(ops.square(eps_hat - ops.convert_to_tensor(noise, "float32")))

    def train_step(self, data):
        logs = super().train_step(data)
        self.update_ema()
        return logs

    def update_ema(self, decay=None):
        """ema <- d * ema + (1 - d) * weights. By default d = min(ema_decay, (1 + n) / (10 + n))
        after n optimizer steps, so the average forgets the random initialisation early on."""
        if decay is None:
            n = (
                ops.cast(self.optimizer.iterations, "float32")
                if self.optimizer is not None
                else 0.0
            )
            decay = ops.minimum(self.ema_decay, (1.0 + n) / (10.0 + n))
        for ema, weight in zip(self.ema_network.weights, self.network.weights):
            ema.assign(decay * ema + (1.0 - decay) * weight)

    # ---- sampling ---------------------------------------------------------------------------
    def guided_eps(self, x_t, t, labels, guidance_scale):
        """EMA network's eps with classifier-free guidance:
        eps_null + s (eps_label - eps_null); s = 1 is plain conditional, s = 0 unconditional."""
        x_t = ops.convert_to_tensor(x_t, "float32")
        batch = ops.shape(x_t)[0]
        tt = ops.full((batch,), t, dtype="int32")
        if guidance_scale == 1.0 or labels is None:
            return self.ema_network([x_t, tt, self.labels_or_null(labels, batch)], training=False)
        labels, null = (
            self.labels_or_null(labels, batch),
            ops.full((batch,), self.null_label, dtype="int32"),
        )
        both = self.ema_network(
            [
                ops.concatenate([x_t, x_t]),
                ops.concatenate([tt, tt]),
                ops.concatenate([labels, null]),
            ],
            training=False,
        )
        cond, uncond = both[:batch], both[batch:]
        return uncond + guidance_scale * (cond - uncond)

    def _eps(self):
        if self._eps_function is None:
            self._eps_function = tf.function(self.guided_eps, reduce_retracing=True)
        return self._eps_function

    def generate(
        self,
        n,
        labels=None,
        seed=None,
        sampler="ddim",
        steps=None,
        eta=0.0,
        guidance_scale=1.0,
        return_trajectory=False,
    ):
        """`n` images in [0, 1] from the EMA network.

        sampler: "ddpm" (ancestral, all T steps; `steps` must be None or T) or "ddim" (`steps`
        evenly spaced timesteps, default 50 or T if smaller; `eta` = 0 deterministic, 1 ~ DDPM).
        labels: an int or one label per image (conditional models), None for unconditional
        samples. guidance_scale >= 0 (classifier-free guidance; 1 = no guidance).
        With ``return_trajectory=True`` also returns the list of intermediate x_t (in [-1, 1]).
        """
        check_number("n", n, 1, integer=True)
        check_number("guidance_scale", guidance_scale, 0)
        requested = None
        if labels is not None:
            if not self.num_classes:
                raise ValueError("labels given to an unconditional DiffusionModel (num_classes=0)")
            requested = np.broadcast_to(np.asarray(labels, dtype="int32").reshape(-1), (n,)).copy()
            if requested.min() < 0 or requested.max() >= self.num_classes:
                raise ValueError(
                    f"labels must be classes in [0, {self.num_classes - 1}], got {labels!r}"
                )
        timesteps = samplers.sampling_timesteps(self.timesteps, sampler, steps)
        check_number("eta", eta, 0)
        scale = float(guidance_scale)
        labels_t = None if requested is None else tf.constant(requested)
        eps_fn = self._eps()

        def predict(x, t):
            return eps_fn(x, tf.constant(int(t)), labels_t, scale)

        rng = np.random.default_rng(seed)
        x, trajectory = samplers.run(
            self.schedule,
            predict,
            (n, *self.image_shape),
            timesteps,
            rng,
            eta=1.0 if sampler == "ddpm" else eta,
            ancestral=sampler == "ddpm",
        )
        images = np.clip((x + 1.0) / 2.0, 0.0, 1.0)
        return (images, trajectory) if return_trajectory else images

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=self.image_shape,
            timesteps=self.timesteps,
            schedule=self.schedule.name,
            num_classes=self.num_classes,
            label_dropout=self.label_dropout,
            filters=self.filters,
            groups=self.groups,
            ema_decay=self.ema_decay,
            seed=self.seed,
        )
        return config
