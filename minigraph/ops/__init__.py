"""The primitive ops, one module per family; importing this package registers them all.

Each op is one class (``@register``), its numpy forward beside its gradient; the functions that
build ops are exported to ``tf``, ``tf.nn``, ``tf.math`` and ``tf.linalg`` where they are
defined (:mod:`minigraph.api`), so the op modules need no ``__all__`` of their own.
"""

from minigraph.ops import (array_ops, constant_op, control_flow_grad,  # noqa: F401
                           control_flow_ops, conv_ops, data_ops, lookup_ops, math_ops, nn_impl,
                           nn_ops, random_ops, reduce_ops, sparse_ops, state_ops, summary_ops,
                           training_ops)

__all__ = ["array_ops", "constant_op", "control_flow_grad", "control_flow_ops", "conv_ops",
           "data_ops", "lookup_ops", "math_ops", "nn_impl", "nn_ops", "random_ops", "reduce_ops",
           "sparse_ops",
           "state_ops", "summary_ops", "training_ops"]
