"""Keras's pooling layers, ``MaxPooling2D`` and ``AveragePooling2D`` (``keras.layers.pooling``
in Keras 2). No weights; ``strides`` defaults to ``pool_size`` (windows side by side)."""

from minigraph import layers as _tf_layers
from minigraph.keras import backend
from minigraph.keras.engine import Layer
from minigraph.keras.utils import rename_legacy_argument
from minigraph.ops import conv_ops

__all__ = ["MaxPooling2D", "AveragePooling2D", "MaxPool2D", "AvgPool2D"]


class _Pooling2D(Layer):
    pool = None  # the conv_ops function

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        legacy = {"padding": padding if padding != "valid" else None}
        if "border_mode" in kwargs:
            legacy["border_mode"] = kwargs.pop("border_mode")
            rename_legacy_argument(legacy, "border_mode", "padding", type(self).__name__)
        super().__init__(**kwargs)
        self.pool_size = _tf_layers.normalize_pair(pool_size, "pool_size")
        self.strides = _tf_layers.normalize_pair(self.pool_size if strides is None else strides,
                                                 "strides")
        self.padding = _tf_layers.normalize_padding(legacy["padding"] or "valid")
        self.data_format = _tf_layers.normalize_data_format(data_format or backend.image_data_format())

    def call(self, inputs):
        return type(self).pool(inputs, self.pool_size, self.strides, self.padding,
                               data_format=self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update(pool_size=self.pool_size, strides=self.strides,
                      padding=self.padding.lower(),
                      data_format="channels_last" if self.data_format == "NHWC"
                      else "channels_first")
        return config


class MaxPooling2D(_Pooling2D):
    """``keras.layers.MaxPooling2D``: the largest value of each ``pool_size`` window
    (default ``(2, 2)``), moving ``strides`` (default: the pool size)."""
    pool = staticmethod(conv_ops.max_pool)


class AveragePooling2D(_Pooling2D):
    """``keras.layers.AveragePooling2D``: the mean of each ``pool_size`` window (default
    ``(2, 2)``), moving ``strides`` (default: the pool size)."""
    pool = staticmethod(conv_ops.avg_pool)


#: Keras 2's short names
MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
