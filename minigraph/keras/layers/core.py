"""The core Keras layers: ``Dense``, ``Activation``, ``Dropout``, ``Flatten``
(``keras.layers.core``; the lecture imports ``from keras.layers.core import Dense``).

Each layer builds ordinary graph ops inside its own name scope, so in a drawing of the
model's graph ``dense/MatMul``, ``dense/BiasAdd`` and ``activation/Relu`` sit in boxes
named after the layers.
"""

import numpy as np

from minigraph.keras import activations, backend, initializers
from minigraph.keras.engine import Layer
from minigraph.keras.utils import rename_legacy_argument
from minigraph.ops import conv_ops, math_ops
from minigraph.ops.array_ops import identity, reshape, shape, stack, transpose, where
from minigraph.ops.nn_impl import dropout as _dropout

__all__ = ["Dense", "Activation", "Dropout", "Flatten"]


class Dense(Layer):
    """``keras.layers.Dense``: a fully connected layer,
    ``output = activation(input @ kernel + bias)``.

    Args:
      units: the number of outputs per sample (Keras 1 called it ``output_dim``: accepted,
        with a DeprecationWarning).
      activation: a name (``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"softmax"``,
        ``"linear"``), a function, or None (linear).
      use_bias: add the ``bias`` weight.
      kernel_initializer, bias_initializer: names (``"glorot_uniform"``, ``"zeros"``...)
        or initializer objects (see ``minigraph.keras.initializers``).
      input_shape, input_dim, name, ...: see :class:`~minigraph.keras.engine.Layer`.

    Weights: ``kernel`` of shape ``(input features, units)`` and ``bias`` ``(units,)``,
    named ``<layer name>/kernel:0`` and ``<layer name>/bias:0``. The input must be
    ``(batch, features)``; put a ``Flatten`` before a Dense on images.
    """

    def __init__(self, units=None, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        kwargs["units"] = units
        rename_legacy_argument(kwargs, "output_dim", "units", "Dense")
        units = kwargs.pop("units")
        if units is None:
            raise TypeError("Dense needs `units`, the number of outputs")
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel = self.bias = None

    def build(self, input_shape):
        if input_shape.ndims != 2 or input_shape[-1] is None:
            raise ValueError("Dense %r needs inputs of shape (batch, features) with a known "
                             "number of features; got %s. Put a Flatten() before it."
                             % (self.name, input_shape))
        self.kernel = self.add_weight("kernel", [input_shape[-1], self.units],
                                      initializer=self.kernel_initializer)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer)

    def call(self, inputs):
        outputs = math_ops.matmul(inputs, self.kernel)                # (N, units)
        if self.use_bias:
            outputs = conv_ops.bias_add(outputs, self.bias)
        return self.activation(outputs)

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, activation=self.activation.__name__,
                      use_bias=self.use_bias)
        return config


class Activation(Layer):
    """``keras.layers.Activation``: apply an activation function, e.g. ``Activation("relu")``.
    No weights."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        config = super().get_config()
        config.update(activation=self.activation.__name__)
        return config


class Dropout(Layer):
    """``keras.layers.Dropout``: while training, zero each input with probability ``rate``
    and scale the others by ``1 / (1 - rate)``; otherwise pass the input through.

    "While training" is decided at run time by ``keras.backend.learning_phase()``, a bool
    placeholder that defaults to False and that ``fit`` feeds True. Both results are in
    the graph and ``tf.where`` picks one (Keras-on-TF1 uses ``tf.cond``; same numbers).
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = min(1.0, max(0.0, rate))
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs):
        if not 0.0 < self.rate < 1.0:
            return identity(inputs)
        training = backend.learning_phase()
        self.uses_learning_phase = True   # fit must feed the learning phase
        dropped = _dropout(inputs, rate=self.rate, noise_shape=self.noise_shape, seed=self.seed)
        return where(training, dropped, identity(inputs))

    def get_config(self):
        config = super().get_config()
        config.update(rate=self.rate, noise_shape=self.noise_shape, seed=self.seed)
        return config


class Flatten(Layer):
    """``keras.layers.Flatten``: ``(batch, d1, d2, ...)`` -> ``(batch, d1 * d2 * ...)``.
    No weights. With ``data_format="channels_first"`` (by default ``K.image_data_format()``)
    the channels are moved last first (a ``Transpose``), as Keras does, so the flattened
    features come in the same order in both formats."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        data_format = data_format or backend.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError("The `data_format` argument must be one of \"channels_first\", "
                             "\"channels_last\". Received: %s" % (data_format,))
        self.data_format = data_format

    def call(self, inputs):
        ndims = inputs.shape.ndims
        if self.data_format == "channels_first" and ndims and ndims > 2:
            inputs = transpose(inputs, [0] + list(range(2, ndims)) + [1])
        rest = inputs.shape[1:]
        if rest.is_fully_defined():
            return reshape(inputs, [-1, int(np.prod(rest.as_list()))])
        return reshape(inputs, stack([shape(inputs)[0], -1]))   # K.batch_flatten

    def get_config(self):
        config = super().get_config()
        config.update(data_format=self.data_format)
        return config
