"""``tf.train.MomentumOptimizer``: gradient descent with a velocity (heavy ball / Nesterov)."""

from minigraph.ops.constant_op import as_tensor
from minigraph.ops.math_ops import cast
from minigraph.ops.training_ops import apply_momentum
from minigraph.train.optimizer import Optimizer

__all__ = ["MomentumOptimizer"]


class MomentumOptimizer(Optimizer):
    """Momentum (``tf.train.MomentumOptimizer``), with TF1's update equations::

        accum <- momentum * accum + grad
        var   <- var - lr * accum                              (use_nesterov=False)
        var   <- var - lr * grad - lr * momentum * accum       (use_nesterov=True)

    one ``ApplyMomentum`` op per variable (``Momentum/update_w/ApplyMomentum``), reading
    the constants ``Momentum/learning_rate`` and ``Momentum/momentum``.

    Note TF1's form: ``accum`` sums raw gradients and the learning rate multiplies it when
    the variable moves (not ``v = mu * v - lr * grad``; the two agree while lr is fixed).

    Args:
      learning_rate, momentum: floats, scalar tensors or callables.
      use_nesterov: use Nesterov momentum (the update above, evaluated at the new accum).

    Slot: ``"momentum"`` (zeros), a variable named ``<var>/Momentum``.
    """

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = as_tensor(self._call_if_callable(self._learning_rate),
                                               name="learning_rate")
        self._momentum_tensor = as_tensor(self._call_if_callable(self._momentum),
                                          name="momentum")

    def _apply_dense(self, grad, var):
        accum = self.get_slot(var, "momentum")
        return apply_momentum(var, accum, cast(self._learning_rate_tensor, var.dtype), grad,
                              cast(self._momentum_tensor, var.dtype),
                              use_locking=self._use_locking,
                              use_nesterov=self._use_nesterov).op
