"""``tf.keras.initializers``: weight initializers by their Keras names.

The classes are minigraph's (``minigraph.initializers``, TF1's ``init_ops``); this module
adds Keras's names and Keras's defaults, which differ from TF1's for the plain random ones
(Keras: ``RandomNormal(stddev=0.05)``, ``RandomUniform(-0.05, 0.05)``)::

    Dense(10, kernel_initializer="he_normal")        # a name
    Dense(10, kernel_initializer=tf.keras.initializers.glorot_uniform(seed=0))
"""

from minigraph import initializers as _init

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
           "TruncatedNormal", "VarianceScaling", "zeros", "ones", "constant",
           "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
           "lecun_normal", "random_normal", "random_uniform", "truncated_normal", "get"]

Initializer = _init.Initializer
Zeros = zeros = _init.Zeros
Ones = ones = _init.Ones
Constant = constant = _init.Constant
VarianceScaling = _init.VarianceScaling


def RandomNormal(mean=0.0, stddev=0.05, seed=None):  # noqa: N802 -- Keras's class name
    """``keras.initializers.RandomNormal``: N(mean, stddev^2), stddev 0.05 by default."""
    return _init.RandomNormal(mean, stddev, seed)


def RandomUniform(minval=-0.05, maxval=0.05, seed=None):  # noqa: N802
    """``keras.initializers.RandomUniform``: uniform on [minval, maxval), +-0.05 by default."""
    return _init.RandomUniform(minval, maxval, seed)


def TruncatedNormal(mean=0.0, stddev=0.05, seed=None):  # noqa: N802
    """``keras.initializers.TruncatedNormal``: N(mean, stddev^2) cut at 2 stddevs."""
    return _init.TruncatedNormal(mean, stddev, seed)


random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal


def glorot_uniform(seed=None):
    """Uniform on +-sqrt(6 / (fan_in + fan_out)): Keras's default for kernels."""
    return _init.GlorotUniform(seed)


def glorot_normal(seed=None):
    """Truncated normal, stddev sqrt(2 / (fan_in + fan_out)) (before truncation)."""
    return _init.GlorotNormal(seed)


def he_uniform(seed=None):
    """Uniform on +-sqrt(6 / fan_in): for ReLU layers (He et al., 2015)."""
    return _init.VarianceScaling(2.0, "fan_in", "uniform", seed)


def he_normal(seed=None):
    """Truncated normal, stddev sqrt(2 / fan_in) (before truncation): for ReLU layers."""
    return _init.VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None):
    """Uniform on +-sqrt(3 / fan_in)."""
    return _init.VarianceScaling(1.0, "fan_in", "uniform", seed)


def lecun_normal(seed=None):
    """Truncated normal, stddev sqrt(1 / fan_in) (before truncation)."""
    return _init.VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


_BY_NAME = {"zeros": zeros, "ones": ones, "glorot_uniform": glorot_uniform,
            "glorot_normal": glorot_normal, "he_uniform": he_uniform, "he_normal": he_normal,
            "lecun_uniform": lecun_uniform, "lecun_normal": lecun_normal,
            "random_normal": random_normal, "random_uniform": random_uniform,
            "truncated_normal": truncated_normal}


def get(identifier):
    """``keras.initializers.get``: an initializer from a name (``"glorot_uniform"``), an
    initializer object, or a callable ``(shape, dtype) -> tensor``."""
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError("Unknown initializer: %r (known: %s)"
                             % (identifier, ", ".join(sorted(_BY_NAME))))
        return _BY_NAME[identifier]()
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret initializer identifier: %r" % (identifier,))
