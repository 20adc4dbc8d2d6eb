"""``tf.nn``: the neural-network functions (``tf.nn.relu``, ``tf.nn.softmax_cross_entropy_with_
logits``...), under the namespace TF1 code uses.

Filled from what the op modules export as ``"nn.<name>"`` (:mod:`minigraph.api`).
"""

from minigraph import ops  # noqa: F401 -- importing the op modules makes their exports
from minigraph.api import exported

globals().update(exported("nn"))
__all__ = sorted(exported("nn"))
