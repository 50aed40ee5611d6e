"""EDA and token dropout as Keras layers on padded token-id batches (batch, length), e.g. the
output of `keras.layers.TextVectorization` (padding id 0 at the end, OOV id 1).

Training only: at inference every layer is the identity. Sequences keep their fixed length:
deletion pads the end, insertion pushes the last token out of a full sequence. Unlike the string
version, synonym replacement here picks positions, not word types (repeats may differ).
"""

import math
from collections.abc import Iterable, Mapping

import keras
import tensorflow as tf

from course.augment.text.synonyms import STOPWORDS, SYNONYMS
from course.validation import check_number, check_seed


class _TokenAugment(keras.layers.Layer):
    """Shared plumbing: a probability-like parameter, padding id, seed, identity at inference."""

    def __init__(self, rate, pad_id=0, seed=None, rate_name="rate", **kwargs):
        check_number(rate_name, rate, 0, 1)
        check_number("pad_id", pad_id, 0, integer=True)
        check_seed(seed)
        super().__init__(**kwargs)
        self.rate, self.pad_id, self.seed = float(rate), int(pad_id), seed
        self.rate_name = rate_name
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training or self.rate == 0.0:
            return inputs
        return self.augment(tf.convert_to_tensor(inputs))

    def _uniform(self, x):
        return keras.random.uniform(tf.shape(x), seed=self.seed_generator)

    def _lengths(self, x):
        return tf.reduce_sum(tf.cast(x != self.pad_id, tf.int32), axis=-1)

    def _counts(self, x):
        """EDA's n = max(1, round(rate * length)) per row (0 for an all-padding row)."""
        length = tf.cast(self._lengths(x), tf.float32)
        n = tf.maximum(1.0, tf.round(self.rate * length))
        return tf.cast(tf.where(length > 0, n, 0.0), tf.int32)

    def _rounds(self, x):
        if x.shape[-1] is None:
            raise ValueError(
                "inputs must have a static sequence length (set output_sequence_length)"
            )
        return max(1, math.ceil(self.rate * x.shape[-1]))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({self.rate_name: self.rate, "pad_id": self.pad_id, "seed": self.seed})
        return config


@keras.saving.register_keras_serializable(package="course")
class TokenDropout(_TokenAugment):
    """Replace each non-padding token with `mask_id` (the OOV id by default) with prob. `rate`."""

    def __init__(self, rate=0.1, mask_id=1, pad_id=0, seed=None, **kwargs):
        check_number("mask_id", mask_id, 0, integer=True)
        super().__init__(rate, pad_id, seed, **kwargs)
        self.mask_id = int(mask_id)

    def augment(self, x):
        drop = (x != self.pad_id) & (self._uniform(x) < self.rate)
        return tf.where(drop, tf.cast(self.mask_id, x.dtype), x)

    def get_config(self):
        return {**super().get_config(), "mask_id": self.mask_id}


@keras.saving.register_keras_serializable(package="course")
class RandomTokenDeletion(_TokenAugment):
    """Delete each token with probability `rate` (at least one survives) and re-pad at the end."""

    def augment(self, x):
        real = x != self.pad_id
        keep = real & (self._uniform(x) >= self.rate)
        rescue = tf.argmax(tf.where(real, self._uniform(x), -1.0), axis=-1)
        none_left = ~tf.reduce_any(keep, axis=-1, keepdims=True) & tf.reduce_any(
            real, -1, keepdims=True
        )
        keep |= none_left & tf.one_hot(rescue, tf.shape(x)[-1], on_value=True, off_value=False)
        index = tf.broadcast_to(tf.range(tf.shape(x)[-1]), tf.shape(x))
        order = tf.argsort(tf.where(keep, index, index + tf.shape(x)[-1]), axis=-1, stable=True)
        packed = tf.gather(x, order, batch_dims=1)
        n_kept = tf.reduce_sum(tf.cast(keep, tf.int32), axis=-1, keepdims=True)
        return tf.where(index < n_kept, packed, tf.cast(self.pad_id, x.dtype))


@keras.saving.register_keras_serializable(package="course")
class RandomTokenSwap(_TokenAugment):
    """Swap two random non-padding positions n = max(1, round(alpha * length)) times per row."""

    def __init__(self, alpha=0.1, pad_id=0, seed=None, **kwargs):
        super().__init__(alpha, pad_id, seed, rate_name="alpha", **kwargs)

    def augment(self, x):
        lengths, n = self._lengths(x), self._counts(x)
        size = tf.shape(x)[-1]
        for r in range(self._rounds(x)):
            active = tf.cast((r < n) & (lengths > 1), x.dtype)[:, None]
            u = keras.random.uniform((tf.shape(x)[0], 2), seed=self.seed_generator)
            ij = tf.cast(tf.floor(u * tf.cast(lengths, tf.float32)[:, None]), tf.int32)
            oi, oj = (tf.one_hot(ij[:, k], size, dtype=x.dtype) for k in (0, 1))
            xi = tf.reduce_sum(x * oi, -1, keepdims=True)
            xj = tf.reduce_sum(x * oj, -1, keepdims=True)
            x = x + active * (oi * (xj - xi) + oj * (xi - xj))
        return x


class _SynonymAugment(_TokenAugment):
    """Holds the id-space synonym table built from a vocabulary and a synonym map."""

    def __init__(self, vocabulary, alpha=0.1, synonyms=None, pad_id=0, seed=None, **kwargs):
        super().__init__(alpha, pad_id, seed, rate_name="alpha", **kwargs)
        if isinstance(vocabulary, (str, bytes, Mapping)) or not isinstance(vocabulary, Iterable):
            raise TypeError(
                f"vocabulary must be a list of tokens (str), got {type(vocabulary).__name__}"
            )
        self.vocabulary = [str(v) for v in vocabulary]
        if not self.vocabulary:
            raise ValueError("vocabulary must list at least one token, got an empty list")
        self.synonyms = None if synonyms is None else {k: list(v) for k, v in synonyms.items()}
        lookup = SYNONYMS if synonyms is None else self.synonyms
        index = {word: i for i, word in enumerate(self.vocabulary)}
        rows = [
            [] if w in STOPWORDS else [index[s] for s in lookup.get(w, ()) if s in index]
            for w in self.vocabulary
        ]
        width = max(1, max(len(r) for r in rows))
        self.table = tf.constant([r + [0] * (width - len(r)) for r in rows], tf.int32)
        self.table_counts = tf.constant([len(r) for r in rows], tf.int32)

    def synonym_count(self, x):
        """Number of in-vocabulary synonyms of each token (0 for padding)."""
        counts = tf.gather(self.table_counts, tf.cast(x, tf.int32))
        return tf.where(x != self.pad_id, counts, 0)

    def random_synonym(self, tokens, u):
        """A synonym of each token, chosen by uniforms `u` (tokens must have synonyms)."""
        tokens = tf.cast(tokens, tf.int32)
        counts = tf.gather(self.table_counts, tokens)
        k = tf.minimum(tf.cast(tf.floor(u * tf.cast(counts, tf.float32)), tf.int32), counts - 1)
        return tf.gather_nd(self.table, tf.stack([tokens, tf.maximum(k, 0)], axis=-1))

    def get_config(self):
        return {**super().get_config(), "vocabulary": self.vocabulary, "synonyms": self.synonyms}


@keras.saving.register_keras_serializable(package="course")
class SynonymReplacement(_SynonymAugment):
    """Replace n = max(1, round(alpha * length)) random tokens that have synonyms by a synonym."""

    def augment(self, x):
        eligible = self.synonym_count(x) > 0
        score = tf.where(eligible, self._uniform(x), -1.0)
        rank = tf.argsort(tf.argsort(-score, axis=-1, stable=True), axis=-1, stable=True)
        replace = eligible & (rank < self._counts(x)[:, None])
        safe = tf.where(eligible, x, tf.zeros_like(x))
        synonym = tf.cast(self.random_synonym(safe, self._uniform(x)), x.dtype)
        return tf.where(replace, synonym, x)


@keras.saving.register_keras_serializable(package="course")
class RandomTokenInsertion(_SynonymAugment):
    """Insert, n = max(1, round(alpha * length)) times, a synonym of a random token at a random
    position; a full sequence loses its last token."""

    def augment(self, x):
        n, lengths = self._counts(x), self._lengths(x)
        size = tf.shape(x)[-1]
        index = tf.broadcast_to(tf.range(size), tf.shape(x))
        for r in range(self._rounds(x)):
            eligible = self.synonym_count(x) > 0
            active = (r < n) & tf.reduce_any(eligible, axis=-1)
            source = tf.argmax(tf.where(eligible, self._uniform(x), -1.0), axis=-1)
            token = tf.where(active, tf.gather(x, source, batch_dims=1), tf.zeros_like(x[:, 0]))
            u = keras.random.uniform((tf.shape(x)[0], 2), seed=self.seed_generator)
            synonym = tf.cast(self.random_synonym(token, u[:, 0]), x.dtype)
            position = tf.cast(tf.floor(u[:, 1] * tf.cast(lengths + 1, tf.float32)), tf.int32)
            position = tf.minimum(position, lengths)[:, None]
            shifted = tf.concat(
                [tf.fill([tf.shape(x)[0], 1], tf.cast(self.pad_id, x.dtype)), x[:, :-1]], axis=-1
            )
            inserted = tf.where(
                index < position, x, tf.where(index == position, synonym[:, None], shifted)
            )
            x = tf.where(active[:, None], inserted, x)
            lengths = tf.minimum(lengths + tf.cast(active, tf.int32), size)
        return x
