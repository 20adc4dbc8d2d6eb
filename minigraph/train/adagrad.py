"""``tf.train.AdagradOptimizer``: per-coordinate step sizes that shrink as squared
gradients accumulate."""

from minigraph.ops.array_ops import fill, shape
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.math_ops import cast
from minigraph.ops.training_ops import apply_adagrad
from minigraph.train.optimizer import Optimizer

__all__ = ["AdagradOptimizer"]


class AdagradOptimizer(Optimizer):
    """Adagrad (``tf.train.AdagradOptimizer``), with TF1's update equations::

        accum <- accum + grad * grad
        var   <- var - lr * grad / sqrt(accum)

    one ``ApplyAdagrad`` op per variable (``Adagrad/update_w/ApplyAdagrad``), reading the
    constant ``Adagrad/learning_rate``.

    Args:
      learning_rate: a float, scalar tensor or callable.
      initial_accumulator_value: the starting value of ``accum`` (must be positive; it
        keeps the first step finite).

    Slot: ``"accumulator"``, a variable named ``<var>/Adagrad`` filled with
    ``initial_accumulator_value``.
    """

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s"
                             % initial_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        for v in var_list:
            value, dtype = self._initial_accumulator_value, v.dtype
            if v.shape.is_fully_defined():
                def init(v=v, value=value, dtype=dtype):
                    return constant(value, dtype=dtype, shape=v.shape.as_list())
            else:
                def init(v=v, value=value, dtype=dtype):
                    return fill(shape(v.initial_value), constant(value, dtype=dtype))
            self._get_or_make_slot(v, init, "accumulator", self._name)

    def _prepare(self):
        self._learning_rate_tensor = as_tensor(self._call_if_callable(self._learning_rate),
                                               name="learning_rate")

    def _apply_dense(self, grad, var):
        acc = self.get_slot(var, "accumulator")
        return apply_adagrad(var, acc, cast(self._learning_rate_tensor, var.dtype), grad,
                             use_locking=self._use_locking)
