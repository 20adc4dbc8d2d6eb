"""``tf.linalg``: TF1's linear algebra namespace; here, ``tf.linalg.matmul``.

Filled from what the op modules export as ``"linalg.<name>"`` (:mod:`minigraph.api`).
"""

from minigraph import ops  # noqa: F401 -- importing the op modules makes their exports
from minigraph.api import exported

globals().update(exported("linalg"))
__all__ = sorted(exported("linalg"))
