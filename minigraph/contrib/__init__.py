"""``tf.contrib``: the few pieces of TF1's contrib that lecture code uses.

Only ``tf.contrib.layers`` (Xavier initializers, l1/l2 regularizers).
"""

from minigraph.contrib import layers

__all__ = ["layers"]
