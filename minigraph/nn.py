"""``tf.nn``: the neural-network functions, under the namespace TF1 code uses."""

from minigraph.ops.math_ops import sigmoid, tanh
from minigraph.ops.nn_impl import batch_normalization, dropout, moments
from minigraph.ops.nn_ops import (log_softmax, relu, sigmoid_cross_entropy_with_logits, softmax,
                                  softmax_cross_entropy_with_logits,
                                  softmax_cross_entropy_with_logits_v2,
                                  sparse_softmax_cross_entropy_with_logits)

__all__ = ["relu", "sigmoid", "tanh", "softmax", "log_softmax",
           "softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits_v2",
           "sparse_softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits",
           "moments", "batch_normalization", "dropout"]
