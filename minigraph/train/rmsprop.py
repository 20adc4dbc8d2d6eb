"""``tf.train.RMSPropOptimizer``: divide the step by a running RMS of recent gradients."""

from minigraph.ops.array_ops import ones, ones_like
from minigraph.ops.constant_op import as_tensor
from minigraph.ops.math_ops import cast
from minigraph.ops.training_ops import apply_centered_rms_prop, apply_rms_prop
from minigraph.train.optimizer import Optimizer

__all__ = ["RMSPropOptimizer"]


class RMSPropOptimizer(Optimizer):
    """RMSProp (``tf.train.RMSPropOptimizer``; Hinton's lecture 6e), TF1's equations::

        ms  <- decay * ms + (1 - decay) * grad * grad
        mom <- momentum * mom + lr * grad / sqrt(ms + epsilon)
        var <- var - mom

    and, with ``centered=True``, the gradient's running mean ``mg`` is subtracted out::

        mg  <- decay * mg + (1 - decay) * grad
        mom <- momentum * mom + lr * grad / sqrt(ms - mg * mg + epsilon)

    one ``ApplyRMSProp`` op per variable (``RMSProp/update_w/ApplyRMSProp``;
    ``ApplyCenteredRMSProp`` if centered), reading the constants ``RMSProp/learning_rate``,
    ``RMSProp/decay``, ``RMSProp/momentum`` and ``RMSProp/epsilon``.

    Note two TF1 details: ``epsilon`` is inside the square root, and ``ms`` starts at ONES
    (not zeros), so the first steps are small rather than huge.

    Slots: ``"rms"`` (ones, ``<var>/RMSProp``), ``"mg"`` if centered (zeros,
    ``<var>/RMSProp_1``) and ``"momentum"`` (zeros, ``<var>/RMSProp_1``, or ``_2`` if
    centered).
    """

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
                 use_locking=False, centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        for v in var_list:
            if v.shape.is_fully_defined():
                def init_rms(v=v):   # TF1's ones_initializer: <var>/RMSProp/Initializer/ones
                    return ones(v.shape.as_list(), dtype=v.dtype)
            else:
                def init_rms(v=v):
                    return ones_like(v.initial_value)
            self._get_or_make_slot(v, init_rms, "rms", self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = as_tensor(self._call_if_callable(self._learning_rate),
                                               name="learning_rate")
        self._decay_tensor = as_tensor(self._call_if_callable(self._decay), name="decay")
        self._momentum_tensor = as_tensor(self._call_if_callable(self._momentum),
                                          name="momentum")
        self._epsilon_tensor = as_tensor(self._call_if_callable(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        ms = self.get_slot(var, "rms")
        mom = self.get_slot(var, "momentum")
        dtype = var.dtype
        lr = cast(self._learning_rate_tensor, dtype)
        rho = cast(self._decay_tensor, dtype)
        momentum = cast(self._momentum_tensor, dtype)
        epsilon = cast(self._epsilon_tensor, dtype)
        if self._centered:
            mg = self.get_slot(var, "mg")
            return apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad,
                                           use_locking=self._use_locking).op
        return apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad,
                              use_locking=self._use_locking).op
