"""scikit-learn's two bundled sample photos (china.jpg, flower.jpg, 427x640 RGB): real images
for augmentation demos that need no download."""

import numpy as np

from course.data._sizes import size_pair

SAMPLE_PHOTO_NAMES = ("china", "flower")


def load_sample_photos(image_size=None, crop_to_aspect_ratio=True):
    """The photos as a float32 array (2, H, W, 3) in [0, 1], in `SAMPLE_PHOTO_NAMES` order.

    image_size: None keeps 427x640; an int or (height, width) resizes (bilinear, antialiased).
    With `crop_to_aspect_ratio` the largest centred crop of the target aspect ratio is taken
    first, so nothing is stretched.
    """
    from sklearn.datasets import load_sample_images

    images = np.stack(load_sample_images().images).astype("float32") / 255.0
    if image_size is None:
        return images
    height, width = size_pair(image_size)
    if crop_to_aspect_ratio:
        images = _centre_crop(images, height / width)
    import tensorflow as tf

    resized = tf.image.resize(images, (height, width), method="bilinear", antialias=True)
    return np.clip(resized.numpy(), 0.0, 1.0)


def _centre_crop(images, aspect):
    """Largest centred crop with height / width == aspect."""
    h, w = images.shape[1:3]
    crop_h, crop_w = (h, round(h / aspect)) if h / w < aspect else (round(w * aspect), w)
    crop_h, crop_w = min(crop_h, h), min(crop_w, w)
    top, left = (h - crop_h) // 2, (w - crop_w) // 2
    return images[:, top : top + crop_h, left : left + crop_w]
