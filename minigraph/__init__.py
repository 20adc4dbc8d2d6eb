"""minigraph: a small TensorFlow-1-style define-and-run graph engine, for learning.

``import minigraph as tf`` and write TF1 graph code: build a graph of ops (nothing runs),
then ``tf.Session().run(fetches, feed_dict)`` executes only what the fetches need.

    import minigraph as tf
    x = tf.placeholder(tf.float32, shape=(None, 3))
    w = tf.Variable(tf.random_normal((3, 1), seed=0))
    loss = tf.reduce_mean(tf.matmul(x, w) ** 2)
    grad_w, = tf.gradients(loss, [w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print(sess.run([loss, grad_w], feed_dict={x: [[1., 2., 3.]]}))
"""

import sys as _sys
import types as _types

from minigraph import errors, hygiene, lint, nn, testing
from minigraph.dtypes import (DType, as_dtype, bool, double, float16, float32, float64,  # noqa: A004
                              half, int8, int16, int32, int64, string, uint8)
from minigraph.gradients import gradients
from minigraph.hygiene import orphans
from minigraph.graph import (Graph, GraphKeys, Operation, Tensor, add_to_collection,
                             add_to_collections, control_dependencies, convert_to_tensor,
                             get_collection, get_collection_ref, get_default_graph, name_scope,
                             reset_default_graph)
from minigraph.ops.array_ops import (broadcast_to, check_numerics, concat, constant,
                                     expand_dims, fill, gather, identity, one_hot, ones,
                                     ones_like, placeholder, placeholder_with_default, rank,
                                     reshape, shape, size, squeeze, stack, stop_gradient, tile,
                                     transpose, where, zeros, zeros_like)
from minigraph.ops.control_flow_ops import group, no_op
from minigraph.ops.math_ops import (abs, add, add_n, argmax, argmin, cast, clip_by_value,  # noqa: A004
                                    divide, equal, exp, floordiv, greater, greater_equal, less,
                                    less_equal, log, logical_and, logical_not, logical_or,
                                    matmul, maximum, minimum, multiply, negative, not_equal, pow,
                                    realdiv, reciprocal, sigmoid, sign, sqrt, square, subtract,
                                    tanh, to_float, truediv)
from minigraph.ops.random_ops import (random_normal, random_uniform, set_random_seed,
                                      truncated_normal)
from minigraph.ops.reduce_ops import reduce_max, reduce_mean, reduce_min, reduce_sum
from minigraph.config import ConfigProto, GPUOptions, GraphOptions, OptimizerOptions
from minigraph.session import InteractiveSession, Session, get_default_session
from minigraph.tensor_shape import TensorShape
from minigraph.trace import RunMetadata, RunOptions, RunTrace
from minigraph.variables import (Variable, assign, assign_add, assign_sub, global_variables,
                                 global_variables_initializer, initialize_all_variables,
                                 local_variables, model_variables, report_uninitialized_variables,
                                 trainable_variables, variables_initializer)

# the training stack: initializers, variable scopes, layers, optimizers, losses, summaries
from minigraph import contrib, initializers, layers, losses, summary, train, viz
from minigraph.initializers import (constant_initializer, glorot_normal_initializer,
                                    glorot_uniform_initializer, ones_initializer,
                                    random_normal_initializer, random_uniform_initializer,
                                    truncated_normal_initializer, variance_scaling_initializer,
                                    zeros_initializer)
from minigraph.ops.math_ops import floor, log1p
from minigraph.variable_scope import (AUTO_REUSE, VariableScope, get_local_variable,
                                      get_variable, get_variable_scope, variable_scope)

# Keras's Sequential API on the graph and session above (tf.keras)
from minigraph import keras

__version__ = "0.1.0"

newaxis = None

#: ``tf.compat.v1`` is minigraph itself, so code written as ``tf.compat.v1.placeholder`` runs
compat = _types.SimpleNamespace(v1=_sys.modules[__name__])

__all__ = [
    "errors", "hygiene", "lint", "nn", "orphans", "testing", "DType", "as_dtype", "bool", "double",
    "float16", "float32", "float64", "half", "int8", "int16", "int32", "int64", "string", "uint8", "gradients",
    "Graph", "GraphKeys", "Operation", "Tensor", "add_to_collection", "add_to_collections",
    "control_dependencies", "convert_to_tensor", "get_collection", "get_collection_ref",
    "get_default_graph", "name_scope", "reset_default_graph", "broadcast_to", "check_numerics",
    "concat", "constant", "expand_dims", "fill", "gather", "identity", "one_hot", "ones",
    "ones_like", "placeholder", "placeholder_with_default", "rank", "reshape", "shape", "size",
    "squeeze", "stack", "stop_gradient", "tile", "transpose", "where", "zeros", "zeros_like",
    "group", "no_op", "abs", "add", "add_n", "argmax", "argmin", "cast", "clip_by_value",
    "divide", "equal", "exp", "floordiv", "greater", "greater_equal", "less", "less_equal",
    "log", "logical_and", "logical_not", "logical_or", "matmul", "maximum", "minimum",
    "multiply", "negative", "not_equal", "pow", "realdiv", "reciprocal", "sigmoid", "sign",
    "sqrt", "square", "subtract", "tanh", "to_float", "truediv", "random_normal",
    "random_uniform", "set_random_seed", "truncated_normal", "reduce_max", "reduce_mean",
    "reduce_min", "reduce_sum", "ConfigProto", "GPUOptions", "GraphOptions", "OptimizerOptions",
    "InteractiveSession", "Session", "get_default_session",
    "TensorShape", "RunMetadata", "RunOptions", "RunTrace", "Variable", "assign", "assign_add",
    "assign_sub", "global_variables", "global_variables_initializer", "initialize_all_variables",
    "local_variables", "model_variables", "report_uninitialized_variables",
    "trainable_variables", "variables_initializer", "newaxis", "compat",
]
__all__ += [
    "contrib", "initializers", "layers", "losses", "summary", "train", "viz",
    "constant_initializer", "glorot_normal_initializer", "glorot_uniform_initializer",
    "ones_initializer", "random_normal_initializer", "random_uniform_initializer",
    "truncated_normal_initializer", "variance_scaling_initializer", "zeros_initializer",
    "floor", "log1p", "AUTO_REUSE", "VariableScope", "get_local_variable", "get_variable",
    "get_variable_scope", "variable_scope",
]
__all__ += ["keras"]

# tf.function: TF2's tracer, turning a Python function into a graph per input signature
from minigraph.function import TensorSpec, function  # noqa: E402
__all__ += ["function", "TensorSpec"]
