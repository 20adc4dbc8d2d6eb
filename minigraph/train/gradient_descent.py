"""``tf.train.GradientDescentOptimizer``: the plain gradient step, ``var -= lr * grad``."""

from minigraph.ops.constant_op import as_tensor
from minigraph.ops.math_ops import cast
from minigraph.ops.training_ops import apply_gradient_descent
from minigraph.train.optimizer import Optimizer

__all__ = ["GradientDescentOptimizer"]


class GradientDescentOptimizer(Optimizer):
    """Gradient descent (``tf.train.GradientDescentOptimizer``). Each step, every variable
    moves against its gradient::

        var <- var - learning_rate * grad

    one ``ApplyGradientDescent`` op per variable (``GradientDescent/update_w/
    ApplyGradientDescent``), reading the constant ``GradientDescent/learning_rate``.

    Args:
      learning_rate: a Python float, a scalar tensor (e.g. a placeholder, to change it
        during training) or a callable returning one.
      use_locking: accepted for TF1 compatibility (ignored).
      name: name scope of the update ops and name of the returned op.

    It keeps no state, so it creates no slot variables.
    """

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self):
        # as in TF1, a Python float becomes a float32 tensor, cast to each variable's dtype
        lr = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = as_tensor(lr, name="learning_rate")

    def _apply_dense(self, grad, var):
        lr = cast(self._learning_rate_tensor, var.dtype)
        # var -= lr * grad
        return apply_gradient_descent(var, lr, grad, use_locking=self._use_locking).op
