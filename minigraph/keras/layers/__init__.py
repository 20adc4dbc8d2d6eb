"""``tf.keras.layers``: the layers a ``Sequential`` model stacks.

    from minigraph.keras.layers import Dense, Dropout
    from minigraph.keras.layers.core import Dense, Activation   # the Keras 1 path also works
"""

from minigraph.keras.engine import InputLayer, Layer
from minigraph.keras.layers import core
from minigraph.keras.layers.core import Activation, Dense, Dropout, Flatten

__all__ = ["Layer", "InputLayer", "Dense", "Activation", "Dropout", "Flatten", "core"]
