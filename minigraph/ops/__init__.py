"""The primitive ops, one module per family; importing this package registers them all."""

from minigraph.ops import (array_ops, control_flow_ops, math_ops, nn_ops, random_ops,  # noqa: F401
                           reduce_ops, state_ops)

__all__ = ["array_ops", "control_flow_ops", "math_ops", "nn_ops", "random_ops", "reduce_ops",
           "state_ops"]
