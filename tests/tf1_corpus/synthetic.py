"""Deterministic synthetic stand-ins for the data sets the corpus programs download.

Nothing here touches the network. Each data set has the shapes and value ranges of the one it
replaces and is *learnable*: the labels come from a fixed random teacher, so the losses of the
programs fall as they do on the real data.

- ``mnist(...)``: MNIST-shaped images, 784 float32 pixels in [0, 1] (most of them 0, as in
  MNIST), 10 balanced classes, each drawn around a fixed random class template (its "on"
  pixels kept with probability 0.22, plus 18% stray pixels), so a linear model learns them as
  it learns MNIST;
  returned as ``input_data.read_data_sets`` returns them (``.train``, ``.validation``,
  ``.test``, each with ``.images``, ``.labels``, ``.num_examples`` and ``.next_batch(n)``).
  ``next_batch`` serves the examples in order and wraps around; the original shuffles each
  epoch with numpy's global generator, which the corpus does not use.
- ``cifar10(...)``: CIFAR-10-shaped images (32, 32, 3) float32, mean-subtracted as the CS231n
  notebook does, integer labels from a linear teacher.
- ``birth_life(...)``: the CS20 "birth rate vs life expectancy" table: 190 rows of (birth
  rate, life expectancy) float32 on a noisy line with a negative slope.

Every array comes from ``np.random.default_rng(seed)``; the reference file stores their
SHA-256 fingerprints, so a change of numpy's streams is caught (not silently compared).
"""

import hashlib

import numpy as np

_TEACHER_SEED = 2017


def fingerprint(a):
    """SHA-256 of an array's dtype, shape and bytes, as a hex string."""
    a = np.ascontiguousarray(a)
    h = hashlib.sha256()
    h.update(("%s|%s|" % (a.dtype.str, a.shape)).encode())
    h.update(a.tobytes())
    return h.hexdigest()


class DataSet:
    """``images``, ``labels`` and ``next_batch`` as tensorflow.examples' MNIST DataSet."""

    def __init__(self, images, labels):
        self.images = images
        self.labels = labels
        self.num_examples = images.shape[0]
        self.epochs_completed = 0
        self._index = 0

    def next_batch(self, batch_size, fake_data=False):
        del fake_data
        start = self._index
        if start + batch_size > self.num_examples:   # wrap around: a new epoch
            self.epochs_completed += 1
            start = 0
        self._index = start + batch_size
        return self.images[start:self._index], self.labels[start:self._index]

    def arrays(self):
        return {"images": self.images, "labels": self.labels}


class DataSets:
    def __init__(self, train, validation, test):
        self.train, self.validation, self.test = train, validation, test

    def arrays(self):
        out = {}
        for part in ("train", "validation", "test"):
            for k, v in getattr(self, part).arrays().items():
                out["%s/%s" % (part, k)] = v
        return out


def _mnist_templates():
    """(10, 784) booleans: the pixels each class's digit turns on (about 20% of them)."""
    return np.random.default_rng(_TEACHER_SEED).uniform(size=(10, 784)) < 0.2


def mnist_images_labels(rng, n):
    labels = rng.integers(0, 10, size=n)
    on = (_mnist_templates()[labels] & (rng.uniform(size=(n, 784)) < 0.22)) | \
        (rng.uniform(size=(n, 784)) < 0.18)
    images = np.where(on, rng.uniform(0.5, 1.0, size=(n, 784)), 0.0).astype(np.float32)
    return images, labels


def mnist(seed, n_train, n_test, n_validation=0, one_hot=True, label_dtype=np.int64):
    """MNIST-shaped DataSets (see the module docstring)."""
    rng = np.random.default_rng(seed)
    parts = []
    for n in (n_train, n_validation, n_test):
        images, labels = mnist_images_labels(rng, n)
        if one_hot:
            labels = np.eye(10, dtype=np.float32)[labels]
        else:
            labels = labels.astype(label_dtype)
        parts.append(DataSet(images, labels))
    return DataSets(*parts)


def cifar10(seed, n):
    """CIFAR-10-shaped (n, 32, 32, 3) float32 images (mean-subtracted pixel values, as in the
    CS231n notebook's get_CIFAR10_data) and int labels 0..9 from a linear teacher."""
    rng = np.random.default_rng(seed)
    x = (rng.uniform(0, 255, size=(n, 32, 32, 3)) - 127.5).astype(np.float32)
    teacher = np.random.default_rng(_TEACHER_SEED + 1).normal(size=(32 * 32 * 3, 10))
    y = np.argmax(x.reshape(n, -1) @ teacher, axis=1).astype(np.int64)
    return x, y


def birth_life(seed, n=190):
    """(n, 2) float32: birth rate (per 1000) and life expectancy, on a noisy line."""
    rng = np.random.default_rng(seed)
    birth = rng.uniform(1.0, 7.5, size=n)
    life = 85.0 - 6.0 * birth + rng.normal(scale=4.0, size=n)
    return np.stack([birth, life], axis=1).astype(np.float32)


def normal(seed, shape, stddev=1.0, dtype=np.float32):
    """Initial weights for a variable whose original draws tf.random_normal: the corpus keeps
    that call but loads these values (TF's and minigraph's random streams differ)."""
    return (np.random.default_rng(seed).normal(size=shape) * stddev).astype(dtype)


def truncated_normal(seed, shape, stddev=1.0, dtype=np.float32):
    """As ``normal``, redrawing values beyond two standard deviations (tf.truncated_normal)."""
    rng = np.random.default_rng(seed)
    v = rng.normal(size=shape)
    bad = np.abs(v) > 2.0
    while bad.any():
        v[bad] = rng.normal(size=int(bad.sum()))
        bad = np.abs(v) > 2.0
    return (v * stddev).astype(dtype)


def glorot_uniform(seed, shape, dtype=np.float32):
    """Glorot-uniform values for a Keras / tf.layers kernel of ``shape``."""
    fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else shape[0]
    fan_out = shape[-1] if len(shape) == 2 else int(np.prod(shape[:-2])) * shape[-1]
    if len(shape) > 2:
        receptive = int(np.prod(shape[:-2]))
        fan_in, fan_out = receptive * shape[-2], receptive * shape[-1]
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.default_rng(seed).uniform(-limit, limit, size=shape).astype(dtype)
