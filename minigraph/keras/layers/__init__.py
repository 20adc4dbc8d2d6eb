"""``tf.keras.layers``: the layers a ``Sequential`` model stacks (``Dense``, ``Conv2D``,
``MaxPooling2D``, ``Flatten``...).

    from minigraph.keras.layers import Dense, Dropout
    from minigraph.keras.layers.core import Dense, Activation   # the Keras 1 path also works
"""

from minigraph.keras.engine import InputLayer, Layer
from minigraph.keras.layers import convolutional, core, pooling
from minigraph.keras.layers.convolutional import Conv2D, Convolution2D
from minigraph.keras.layers.core import Activation, Dense, Dropout, Flatten
from minigraph.keras.layers.pooling import (AveragePooling2D, AvgPool2D, MaxPool2D,
                                            MaxPooling2D)

__all__ = ["Layer", "InputLayer", "Dense", "Activation", "Dropout", "Flatten", "Conv2D",
           "Convolution2D", "MaxPooling2D", "AveragePooling2D", "MaxPool2D", "AvgPool2D",
           "core", "convolutional", "pooling"]
