"""``tf.train.AdamOptimizer``: momentum on the gradient and on its square, bias-corrected."""

from minigraph.graph import get_default_graph
from minigraph.ops.constant_op import as_tensor
from minigraph.ops.control_flow_ops import group
from minigraph.ops.math_ops import cast
from minigraph.ops.training_ops import apply_adam
from minigraph.train.optimizer import Optimizer

__all__ = ["AdamOptimizer"]


class AdamOptimizer(Optimizer):
    """Adam (``tf.train.AdamOptimizer``; Kingma and Ba, 2015), in TF1's exact form. At
    step t (t = 1, 2, ...)::

        lr_t <- learning_rate * sqrt(1 - beta2^t) / (1 - beta1^t)
        m    <- beta1 * m + (1 - beta1) * grad
        v    <- beta2 * v + (1 - beta2) * grad * grad
        var  <- var - lr_t * m / (sqrt(v) + epsilon)

    (``m``, ``v`` on the last line are the NEW values.) The bias correction is folded into
    ``lr_t``, so ``epsilon`` is the "epsilon hat" of the paper, not its epsilon. One
    ``ApplyAdam`` op per variable (``Adam/update_w/ApplyAdam``) does all four lines, reading
    the constants ``Adam/learning_rate``, ``Adam/beta1``, ``Adam/beta2``, ``Adam/epsilon``.

    ``beta1^t`` and ``beta2^t`` are not computed with pow: like TF1, the optimizer keeps two
    non-slot variables ``beta1_power`` and ``beta2_power`` (float32, starting at beta1 and
    beta2), multiplied by beta1 and beta2 after every step, once all updates are done
    (``Adam/mul`` and ``Adam/Assign``, ``Adam/mul_1`` and ``Adam/Assign_1``).

    Slots: ``"m"`` and ``"v"`` (zeros), variables named ``<var>/Adam`` and ``<var>/Adam_1``.
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon

    def _get_beta_accumulators(self, graph=None):
        graph = graph or get_default_graph()
        return (self._get_non_slot_variable("beta1_power", graph),
                self._get_non_slot_variable("beta2_power", graph))

    def _create_slots(self, var_list):
        # one beta1_power / beta2_power per graph, made beside the first variable by name
        first_var = min(var_list, key=lambda v: v.name)
        self._create_non_slot_variable(self._call_if_callable(self._beta1), "beta1_power",
                                       first_var)
        self._create_non_slot_variable(self._call_if_callable(self._beta2), "beta2_power",
                                       first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self):
        self._lr_t = as_tensor(self._call_if_callable(self._lr), name="learning_rate")
        self._beta1_t = as_tensor(self._call_if_callable(self._beta1), name="beta1")
        self._beta2_t = as_tensor(self._call_if_callable(self._beta2), name="beta2")
        self._epsilon_t = as_tensor(self._call_if_callable(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        m = self.get_slot(var, "m")
        v = self.get_slot(var, "v")
        beta1_power, beta2_power = self._get_beta_accumulators(var.graph)
        dtype = var.dtype
        # beta1^t and beta2^t as they were when the step started: _finish advances them
        return apply_adam(var, m, v, cast(beta1_power, dtype), cast(beta2_power, dtype),
                          cast(self._lr_t, dtype), cast(self._beta1_t, dtype),
                          cast(self._beta2_t, dtype), cast(self._epsilon_t, dtype), grad,
                          use_locking=self._use_locking).op

    def _finish(self, update_ops, name_scope):
        # after every variable's update: beta1^t -> beta1^(t+1), beta2^t -> beta2^(t+1)
        graph = update_ops[0].graph if update_ops else get_default_graph()
        beta1_power, beta2_power = self._get_beta_accumulators(graph)
        with graph.control_dependencies(update_ops):
            next_beta1 = beta1_power * self._beta1_t          # Adam/mul
            next_beta2 = beta2_power * self._beta2_t          # Adam/mul_1
            update_beta1 = beta1_power.assign(next_beta1, read_value=False)     # Adam/Assign
            update_beta2 = beta2_power.assign(next_beta2, read_value=False)     # Adam/Assign_1
        return group(*(list(update_ops) + [update_beta1, update_beta2]), name=name_scope)
