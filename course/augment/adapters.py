"""Bridges to optional libraries: run an `albumentations.Compose` inside `tf.data`
(per image, through `tf.numpy_function`)."""

import numpy as np

ALBUMENTATIONS_HINT = (
    "pip install albumentations (a dependency of course: reinstalling course brings it)"
)


class AlbumentationsAdapter:
    """Callable for `Dataset.map`: applies an `albumentations.Compose` to each image.

    ``ds.map(AlbumentationsAdapter(compose), num_parallel_calls=tf.data.AUTOTUNE)`` on
    unbatched (image) or (image, label) elements. The output keeps the input's shape and dtype
    unless `output_shape` says otherwise (for example a crop to a new size).
    """

    def __init__(self, compose, output_shape=None):
        try:
            import albumentations  # noqa: F401
        except ImportError as err:
            raise ImportError(
                f"AlbumentationsAdapter needs albumentations: {ALBUMENTATIONS_HINT}"
            ) from err
        if not callable(compose):
            raise TypeError(
                f"compose must be an albumentations.Compose, got {type(compose).__name__}"
            )
        self.compose = compose
        self.output_shape = output_shape

    def _numpy(self, image):
        out = self.compose(image=np.asarray(image))["image"]
        return np.ascontiguousarray(out, dtype=image.dtype)

    def augment(self, image):
        """Augment one image tensor (graph-safe: usable inside `tf.data`)."""
        import tensorflow as tf

        out = tf.numpy_function(self._numpy, [image], image.dtype, stateful=True)
        return tf.ensure_shape(out, self.output_shape or image.shape)

    def __call__(self, image, *rest):
        out = self.augment(image)
        return (out, *rest) if rest else out


def albumentations_dataset(dataset, compose, num_parallel_calls=None):
    """Map an unbatched `tf.data.Dataset` of images or (image, label) through `compose`."""
    import tensorflow as tf

    return dataset.map(
        AlbumentationsAdapter(compose), num_parallel_calls=num_parallel_calls or tf.data.AUTOTUNE
    )
