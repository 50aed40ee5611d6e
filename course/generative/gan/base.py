"""`GAN`: a generator and a discriminator trained against each other by one Keras-3 `train_step`.

Image convention: the model takes and returns images in [0, 1] (like `course.data.load_digits`
and `course.generative.metrics`); the generator itself works in [-1, 1] (tanh) and real images
are rescaled to [-1, 1] inside the step. ``fit(x)`` trains an unconditional GAN, ``fit(x, y)``
a conditional one.

Each `train_step` takes `d_steps` discriminator steps, then one generator step, each with its
own `tf.GradientTape` and its own optimizer (two-time-scale learning rates are simply two
optimizers). Under the ``mixed_float16`` policy both optimizers are wrapped in
`keras.optimizers.LossScaleOptimizer` and each loss is scaled before differentiation.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from course.generative._checks import class_indices
from course.generative.gan.networks import FEATURE_LAYER
from course.generative.resumable import ResumableModel
from course.models.compiling import build_optimizer
from course.validation import check_number, check_seed


def two_time_scale(g_learning_rate=1e-4, d_learning_rate=4e-4, beta_1=0.0, beta_2=0.9):
    """Optimizers for the two-time-scale update rule (TTUR): a faster discriminator.

    Returns keyword arguments for `GAN.compile`: ``gan.compile(**two_time_scale())``.
    """
    check_number("g_learning_rate", g_learning_rate, 0, low_open=True)
    check_number("d_learning_rate", d_learning_rate, 0, low_open=True)
    check_number("beta_1", beta_1, 0, 1, high_open=True)
    check_number("beta_2", beta_2, 0, 1, high_open=True)
    return {
        "g_optimizer": keras.optimizers.Adam(g_learning_rate, beta_1=beta_1, beta_2=beta_2),
        "d_optimizer": keras.optimizers.Adam(d_learning_rate, beta_1=beta_1, beta_2=beta_2),
    }


def _bce(logits, target):
    """Mean sigmoid cross-entropy of logits against a constant target, in float32."""
    logits = ops.cast(logits, "float32")
    return ops.mean(
        ops.binary_crossentropy(ops.full_like(logits, target), logits, from_logits=True)
    )


@keras.saving.register_keras_serializable(package="course")
class GAN(ResumableModel):
    """Unconditional GAN over given sub-models: ``generator(z)`` -> image, and
    ``discriminator(image)`` -> logit.

    `latent_dim` is the noise size. ``feature_matching=True`` replaces the generator's loss by
    the squared distance between the mean discriminator features (layer ``"features"``) of
    real and generated batches (Salimans et al., 2016), a stabilizer against mode collapse.
    `call` maps noise to images in [0, 1], so ``predict(z)`` samples; `generate` draws the
    noise too.
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake")
    d_steps = 1
    conditional = False  # the generator takes class labels
    discriminator_takes_labels = False

    def __init__(
        self, generator, discriminator, latent_dim, feature_matching=False, seed=None, **kwargs
    ):
        for name, network in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(network, keras.Model):
                raise TypeError(f"{name} must be a built keras.Model, got {type(network).__name__}")
        check_number("latent_dim", latent_dim, 1, integer=True)
        noise_size = generator.inputs[0].shape[-1]
        if noise_size != latent_dim:
            raise ValueError(
                f"latent_dim={latent_dim} does not match the generator's noise input size "
                f"{noise_size}"
            )
        check_seed(seed)
        super().__init__(**kwargs)
        self.latent_dim = latent_dim
        self.generator, self.discriminator = generator, discriminator
        self.feature_matching = bool(feature_matching)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        if self.feature_matching:
            # A view sharing the discriminator's layers that also returns its features.
            self.feature_view = keras.Model(
                discriminator.input,
                [discriminator.output, discriminator.get_layer(FEATURE_LAYER).output],
            )
        self.trackers = [keras.metrics.Mean(name=name) for name in self.metric_names]
        self.d_optimizer = self.g_optimizer = None
        self.label_smoothing = 0.0
        self.built = True  # the sub-models are built, so every weight exists already

    # ---- configuration -------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update(
            generator=keras.saving.serialize_keras_object(self.generator),
            discriminator=keras.saving.serialize_keras_object(self.discriminator),
            latent_dim=self.latent_dim,
            feature_matching=self.feature_matching,
            seed=self.seed,
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    def compile(self, d_optimizer=None, g_optimizer=None, label_smoothing=0.0, **kwargs):
        """Set both optimizers (defaults: Adam(2e-4, beta_1=0.5) each) and one-sided label
        smoothing.

        Remaining keyword arguments go to `keras.Model.compile` (e.g. ``run_eagerly``). Under
        the ``mixed_float16`` policy each optimizer is wrapped in a `LossScaleOptimizer`.
        """
        d_optimizer = keras.optimizers.get(d_optimizer) or self.default_optimizer()
        g_optimizer = keras.optimizers.get(g_optimizer) or self.default_optimizer()
        if d_optimizer is g_optimizer:
            raise ValueError(
                "d_optimizer and g_optimizer must be two optimizer instances, got the same object "
                "twice"
            )
        self.label_smoothing = check_number(
            "label_smoothing", label_smoothing, 0, 1, high_open=True
        )
        if self.dtype_policy.name == "mixed_float16":
            d_optimizer, g_optimizer = (
                opt
                if isinstance(opt, keras.optimizers.LossScaleOptimizer)
                else keras.optimizers.LossScaleOptimizer(opt, name=f"{role}_loss_scale_optimizer")
                for opt, role in ((d_optimizer, "d"), (g_optimizer, "g"))
            )
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        kwargs.setdefault("optimizer", None)
        super().compile(**kwargs)
        build_optimizer(d_optimizer, self.discriminator.trainable_variables)
        build_optimizer(g_optimizer, self.generator.trainable_variables)

    def default_optimizer(self):
        """The optimizer each player gets when none is given (DCGAN's Adam settings)."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5)

    def get_compile_config(self):
        if self.d_optimizer is None:
            return None
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "label_smoothing": self.label_smoothing,
        }

    def compile_from_config(self, config):
        config = dict(keras.saving.deserialize_keras_object(config))
        config.pop("optimizers_built", None)  # written by earlier versions; compile builds them now
        self.compile(
            **config
        )  # built optimizers, so their saved state (Adam moments) loads into them

    @property
    def metrics(self):
        return list(self.trackers)

    # ---- the two players -----------------------------------------------------------------
    def sample_inputs(self, batch_size):
        """Random generator inputs for one batch: (noise, labels or None)."""
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        return z, None

    def generate_raw(self, z, labels, training):
        """Generator output in [-1, 1]."""
        return self.generator([z, labels] if self.conditional else z, training=training)

    def discriminate(self, images, labels, training, with_features=False):
        """Discriminator outputs on images in [-1, 1]; with features: (outputs, features)."""
        inputs = (
            images if labels is None or not self.discriminator_takes_labels else [images, labels]
        )
        if with_features:
            outputs, features = self.feature_view(inputs, training=training)
            return outputs, features
        return self.discriminator(inputs, training=training)

    def call(self, inputs, training=False):
        """Noise (and labels, for conditional models) -> images in [0, 1]."""
        z, labels = (
            (inputs[0], class_indices("labels", inputs[1], self.num_classes))
            if self.conditional
            else (inputs, None)
        )
        images = self.generate_raw(z, labels, training)
        return (ops.cast(images, "float32") + 1.0) / 2.0

    def generate(self, n, labels=None, seed=None, batch_size=256):
        """`n` images in [0, 1] as a NumPy array, from seeded Gaussian noise."""
        check_number("n", n, 1, integer=True)
        check_number("batch_size", batch_size, 1, integer=True)
        z = np.random.default_rng(seed).normal(size=(n, self.latent_dim)).astype("float32")
        labels = self._labels_for(n, labels)
        out = []
        for start in range(0, n, batch_size):
            batch = z[start : start + batch_size]
            inputs = (batch, labels[start : start + batch_size]) if self.conditional else batch
            out.append(np.asarray(self(inputs, training=False)))
        return np.concatenate(out)

    def _labels_for(self, n, labels):
        if labels is not None:
            raise ValueError(f"{type(self).__name__} is unconditional: labels must be None")
        return None

    # ---- losses --------------------------------------------------------------------------
    def discriminator_losses(self, real, fake, labels, fake_labels):
        """Named scalars of one discriminator step; ``"d_loss"`` is minimised."""
        real_logits = self.discriminate(real, labels, training=True)
        fake_logits = self.discriminate(fake, fake_labels, training=True)
        loss = _bce(real_logits, 1.0 - self.label_smoothing) + _bce(fake_logits, 0.0)
        return {
            "d_loss": loss,
            "d_real": ops.mean(ops.sigmoid(ops.cast(real_logits, "float32"))),
            "d_fake": ops.mean(ops.sigmoid(ops.cast(fake_logits, "float32"))),
        }

    def generator_losses(self, real, fake, labels, fake_labels):
        """Named scalars of one generator step; ``"g_loss"`` is minimised (non-saturating loss)."""
        if self.feature_matching:
            return {"g_loss": self.feature_matching_loss(real, fake, labels, fake_labels)}
        return {"g_loss": self.adversarial_generator_loss(fake, fake_labels)}

    def adversarial_generator_loss(self, fake, fake_labels):
        """-log D(G(z)): the non-saturating form of the min-max game's generator loss."""
        return _bce(self.discriminate(fake, fake_labels, training=True), 1.0)

    def feature_matching_loss(self, real, fake, labels, fake_labels):
        """||E f(real) - E f(fake)||^2 / dim on the discriminator's ``"features"`` layer."""
        _, real_features = self.discriminate(real, labels, training=True, with_features=True)
        _, fake_features = self.discriminate(fake, fake_labels, training=True, with_features=True)
        real_mean = ops.stop_gradient(ops.mean(ops.cast(real_features, "float32"), axis=0))
        return ops.mean(
            ops.square(real_mean - ops.mean(ops.cast(fake_features, "float32"), axis=0))
        )

    # ---- one training step ---------------------------------------------------------------
    def _descend(self, optimizer, variables, loss_name, compute):
        """One optimizer step on `variables` minimising ``compute()[loss_name]``; returns the
        values."""
        with tf.GradientTape() as tape:
            values = compute()
            scaled = optimizer.scale_loss(values[loss_name])
        gradients = tape.gradient(scaled, variables)
        optimizer.apply_gradients(zip(gradients, variables))
        return values

    def _unpack(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.conditional and y is None:
            raise ValueError(f"{type(self).__name__} needs labels: call fit(x, y)")
        real = ops.cast(x, "float32") * 2.0 - 1.0
        return real, (class_indices("y", y, self.num_classes) if self.conditional else None)

    def train_step(self, data):
        if self.d_optimizer is None:
            raise RuntimeError(
                f"compile the {type(self).__name__} before training: "
                "model.compile(d_optimizer=..., g_optimizer=...)"
            )
        real, labels = self._unpack(data)
        batch_size = ops.shape(real)[0]
        seen = set()
        for _ in range(self.d_steps):
            z, fake_labels = self.sample_inputs(batch_size)

            def d_compute(z=z, fake_labels=fake_labels):
                fake = self.generate_raw(z, fake_labels, training=True)
                return self.discriminator_losses(real, fake, labels, fake_labels)

            seen.update(
                self._record(
                    self._descend(
                        self.d_optimizer,
                        self.discriminator.trainable_variables,
                        "d_loss",
                        d_compute,
                    )
                )
            )
        z, fake_labels = self.sample_inputs(batch_size)

        def g_compute():
            fake = self.generate_raw(z, fake_labels, training=True)
            return self.generator_losses(real, fake, labels, fake_labels)

        seen.update(
            self._record(
                self._descend(
                    self.g_optimizer, self.generator.trainable_variables, "g_loss", g_compute
                )
            )
        )
        missing = set(self.metric_names) - seen
        if missing:  # checked while tracing: every tracker must receive a value
            raise KeyError(f"{type(self).__name__} losses did not produce {sorted(missing)}")
        return {tracker.name: tracker.result() for tracker in self.trackers}

    def _record(self, values):
        """Update the trackers named in `values`; returns those names."""
        for tracker in self.trackers:
            if tracker.name in values:
                tracker.update_state(values[tracker.name])
        return set(values)
