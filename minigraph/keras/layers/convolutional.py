"""Keras's convolution layer, ``Conv2D`` (``keras.layers.convolutional`` in Keras 2).

``Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1))`` has a ``kernel`` of shape
``(3, 3, 1, 32)`` and a ``bias`` of shape ``(32,)``: ``3*3*1*32 + 32 = 320`` parameters, as
``model.summary()`` counts them. Its ops (``conv2d/Conv2D``, ``conv2d/BiasAdd``,
``conv2d/Relu``) sit in a box named after the layer, as the Dense layers' do.
"""

from minigraph import layers as _tf_layers
from minigraph.keras import activations, backend, initializers
from minigraph.keras.engine import Layer
from minigraph.keras.utils import rename_legacy_argument
from minigraph.ops import conv_ops

__all__ = ["Conv2D", "Convolution2D"]


class Conv2D(Layer):
    """``keras.layers.Conv2D``: a 2-D convolution,
    ``output = activation(conv2d(input, kernel) + bias)``.

    Args:
      filters: the number of output channels (Keras 1: ``nb_filter``).
      kernel_size: the window, an int or ``(height, width)``.
      strides: an int or ``(height, width)``, default 1 (Keras 1: ``subsample``).
      padding: ``"valid"`` (the default) or ``"same"`` (Keras 1: ``border_mode``).
      data_format: ``"channels_last"`` (``(batch, height, width, channels)``) or
        ``"channels_first"``; by default ``K.image_data_format()``, ``"channels_last"``.
      dilation_rate: an int or ``(height, width)``.
      activation, use_bias, kernel_initializer (``"glorot_uniform"``), bias_initializer
        (``"zeros"``), input_shape, name...: as for ``Dense``.

    Weights: ``kernel`` ``(kernel height, kernel width, input channels, filters)`` and
    ``bias`` ``(filters,)``, named ``<layer name>/kernel:0`` and ``<layer name>/bias:0``.
    """

    def __init__(self, filters=None, kernel_size=None, strides=(1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        legacy = dict(filters=filters, strides=strides if strides != (1, 1) else None,
                      padding=padding if padding != "valid" else None)
        for old, new in (("nb_filter", "filters"), ("subsample", "strides"),
                         ("border_mode", "padding")):
            if old in kwargs:
                legacy[old] = kwargs.pop(old)
                rename_legacy_argument(legacy, old, new, "Conv2D")
        filters = legacy["filters"]
        strides = legacy["strides"] or (1, 1)
        padding = legacy["padding"] or "valid"
        if filters is None or kernel_size is None:
            raise TypeError("Conv2D needs `filters` and `kernel_size`")
        super().__init__(**kwargs)
        self.filters = int(filters)
        self.kernel_size = _tf_layers.normalize_pair(kernel_size, "kernel_size")
        self.strides = _tf_layers.normalize_pair(strides, "strides")
        self.padding = _tf_layers.normalize_padding(padding)
        self.data_format = _tf_layers.normalize_data_format(data_format or backend.image_data_format())
        self.dilation_rate = _tf_layers.normalize_pair(dilation_rate, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel = self.bias = None

    def build(self, input_shape):
        channel_axis = -1 if self.data_format == "NHWC" else 1
        if input_shape.ndims != 4 or input_shape[channel_axis] is None:
            raise ValueError("Conv2D %r needs inputs of shape (batch, height, width, channels) "
                             "with a known number of channels; got %s."
                             % (self.name, input_shape))
        self.kernel = self.add_weight(
            "kernel", list(self.kernel_size) + [input_shape[channel_axis], self.filters],
            initializer=self.kernel_initializer)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.filters], initializer=self.bias_initializer)

    def call(self, inputs):
        outputs = conv_ops.conv2d(inputs, self.kernel, self.strides, self.padding,
                                  data_format=self.data_format, dilations=self.dilation_rate)
        if self.use_bias:
            outputs = conv_ops.bias_add(outputs, self.bias, data_format=self.data_format)
        return self.activation(outputs)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=self.kernel_size, strides=self.strides,
                      padding=self.padding.lower(), dilation_rate=self.dilation_rate,
                      data_format="channels_last" if self.data_format == "NHWC"
                      else "channels_first",
                      activation=self.activation.__name__, use_bias=self.use_bias)
        return config


#: Keras 2 keeps the Keras 1 name as an alias
Convolution2D = Conv2D
