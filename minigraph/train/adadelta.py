"""``tf.train.AdadeltaOptimizer``: steps sized by the ratio of two running RMS, of recent
steps and of recent gradients (Zeiler, 2012)."""

from minigraph.ops.constant_op import as_tensor
from minigraph.ops.math_ops import cast
from minigraph.ops.training_ops import apply_adadelta
from minigraph.train.optimizer import Optimizer

__all__ = ["AdadeltaOptimizer"]


class AdadeltaOptimizer(Optimizer):
    """Adadelta (``tf.train.AdadeltaOptimizer``), TF1's equations::

        accum        <- rho * accum + (1 - rho) * grad * grad
        update       <- sqrt(accum_update + epsilon) / sqrt(accum + epsilon) * grad
        accum_update <- rho * accum_update + (1 - rho) * update * update
        var          <- var - lr * update

    one ``ApplyAdadelta`` op per variable (``Adadelta/update_w/ApplyAdadelta``), reading the
    constants ``Adadelta/lr``, ``Adadelta/rho`` and ``Adadelta/epsilon``.

    Args:
      learning_rate: a float, scalar tensor or callable (TF1's default 0.001; the paper's
        Adadelta has no learning rate, i.e. 1.0).
      rho: the decay of both running means.
      epsilon: keeps the square roots away from 0; it is also the size of the first steps.

    Slots: ``"accum"`` (zeros, ``<var>/Adadelta``) and ``"accum_update"`` (zeros,
    ``<var>/Adadelta_1``).
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _prepare(self):
        self._lr_t = as_tensor(self._call_if_callable(self._lr), name="lr")
        self._rho_t = as_tensor(self._call_if_callable(self._rho), name="rho")
        self._epsilon_t = as_tensor(self._call_if_callable(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        dtype = var.dtype
        return apply_adadelta(var, self.get_slot(var, "accum"),
                              self.get_slot(var, "accum_update"), cast(self._lr_t, dtype),
                              cast(self._rho_t, dtype), cast(self._epsilon_t, dtype), grad,
                              use_locking=self._use_locking).op
