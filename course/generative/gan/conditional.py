"""Class-conditional GANs: `ConditionalGAN` (both players see the label) and `ACGAN`.

Training data is ``fit(x, y)`` with integer labels; fake batches get uniformly drawn labels.
`generate(n, labels=...)` asks for given classes (default: 0, 1, ..., cycling).
"""

import keras
import numpy as np
from keras import ops

from course.generative.gan.base import _bce
from course.generative.gan.dcgan import ConvGAN
from course.validation import check_examples


def _class_loss(class_logits, labels):
    """Mean sparse categorical cross-entropy of class logits, in float32."""
    return ops.mean(
        ops.sparse_categorical_crossentropy(
            labels, ops.cast(class_logits, "float32"), from_logits=True
        )
    )


@keras.saving.register_keras_serializable(package="course")
class ConditionalGAN(ConvGAN):
    """cGAN (Mirza & Osindero, 2014): G(z, y) and D(x, y), the label embedded in both.

    The discriminator judges whether an image is a real example *of that class*, so the
    generator must produce the requested digit.
    """

    conditional = True
    discriminator_takes_labels = True

    def __init__(self, image_shape=(8, 8, 1), latent_dim=32, num_classes=10, **kwargs):
        super().__init__(
            image_shape=image_shape, latent_dim=latent_dim, num_classes=num_classes, **kwargs
        )

    def sample_inputs(self, batch_size):
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        labels = keras.random.randint(
            (batch_size,), 0, self.num_classes, seed=self.seed_generator, dtype="int32"
        )
        return z, labels

    def _labels_for(self, n, labels):
        if labels is None:
            return np.arange(n, dtype="int32") % self.num_classes
        labels = check_examples("labels", labels, ndim=1, allow_empty=True)
        if labels.dtype.kind == "f" and np.any(labels != np.round(labels)):
            raise ValueError(f"labels must be integer classes, got {labels!r}")
        labels = labels.astype("int32")
        if len(labels) != n or labels.min() < 0 or labels.max() >= self.num_classes:
            raise ValueError(
                f"labels must be {n} integers in [0, {self.num_classes - 1}], got {labels!r}"
            )
        return labels


@keras.saving.register_keras_serializable(package="course")
class ACGAN(ConditionalGAN):
    """AC-GAN (Odena et al., 2017): G(z, y); D(x) -> (real/fake logit, class logits).

    Both players also minimise the class cross-entropy (the discriminator on real and fake
    images, the generator on its own); `class_acc` is the auxiliary classifier's accuracy on
    the real batch.
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake", "class_acc")
    discriminator_takes_labels = False
    auxiliary_classifier = True

    def discriminator_losses(self, real, fake, labels, fake_labels):
        real_logit, real_classes = self.discriminate(real, labels, training=True)
        fake_logit, fake_classes = self.discriminate(fake, fake_labels, training=True)
        adversarial = _bce(real_logit, 1.0 - self.label_smoothing) + _bce(fake_logit, 0.0)
        classification = _class_loss(real_classes, labels) + _class_loss(fake_classes, fake_labels)
        hits = ops.cast(
            ops.equal(ops.argmax(real_classes, axis=-1), ops.cast(labels, "int64")), "float32"
        )
        return {
            "d_loss": adversarial + classification,
            "d_real": ops.mean(ops.sigmoid(ops.cast(real_logit, "float32"))),
            "d_fake": ops.mean(ops.sigmoid(ops.cast(fake_logit, "float32"))),
            "class_acc": ops.mean(hits),
        }

    def generator_losses(self, real, fake, labels, fake_labels):
        if self.feature_matching:
            (_, fake_classes), _ = self.discriminate(
                fake, fake_labels, training=True, with_features=True
            )
            adversarial = self.feature_matching_loss(real, fake, labels, fake_labels)
        else:
            fake_logit, fake_classes = self.discriminate(fake, fake_labels, training=True)
            adversarial = _bce(fake_logit, 1.0)
        return {"g_loss": adversarial + _class_loss(fake_classes, fake_labels)}
