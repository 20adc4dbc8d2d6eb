"""``tf.math``: TF1's math functions (``tf.math.softplus``, ``tf.math.log1p``,
``tf.math.reduce_sum``...); most of them are also ``tf.<name>``.

Filled from what the op modules export as ``"math.<name>"`` (:mod:`minigraph.api`).
"""

from minigraph import ops  # noqa: F401 -- importing the op modules makes their exports
from minigraph.api import exported

globals().update(exported("math"))
__all__ = sorted(exported("math"))
