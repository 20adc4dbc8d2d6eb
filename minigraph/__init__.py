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

The op functions (``tf.matmul``, ``tf.reduce_sum``...) come from the op modules, which export
them where they are defined (:mod:`minigraph.api`); everything else is imported below.
"""

import sys as _sys
import types as _types

from minigraph import graph as _graph
from minigraph import hygiene

# every new graph is watched for notebook cells run twice (minigraph.hygiene)
_graph.on_new_graph(hygiene.watch)

from minigraph import errors, ops  # noqa: E402
from minigraph.api import exported as _exported  # noqa: E402
from minigraph.dtypes import (DType, as_dtype, bool, double, float16, float32, float64,  # noqa: A004,E402
                              half, int8, int16, int32, int64, string, uint8)
from minigraph.gradients import gradients  # noqa: E402
from minigraph.graph import (Graph, GraphKeys, Operation, Tensor, add_to_collection,  # noqa: E402
                             add_to_collections, control_dependencies, get_collection,
                             get_collection_ref, get_default_graph, name_scope,
                             reset_default_graph)
from minigraph.config import ConfigProto, GPUOptions, GraphOptions, OptimizerOptions  # noqa: E402
from minigraph.session import InteractiveSession, Session, get_default_session  # noqa: E402
from minigraph.tensor_shape import TensorShape  # noqa: E402
from minigraph.trace import RunMetadata, RunOptions  # noqa: E402
from minigraph.variables import (Variable, assign, assign_add, assign_sub,  # noqa: E402
                                 global_variables, global_variables_initializer,
                                 initialize_all_variables, is_variable_initialized,
                                 local_variables, model_variables,
                                 report_uninitialized_variables, trainable_variables,
                                 variables_initializer)

# the namespaces of op functions
from minigraph import linalg, math, nn  # noqa: A004,E402

# the training stack: initializers, variable scopes, layers, optimizers, losses, summaries
from minigraph import contrib, initializers, layers, losses, summary, train  # noqa: E402
from minigraph.initializers import (constant_initializer, glorot_normal_initializer,  # noqa: E402
                                    glorot_uniform_initializer, ones_initializer,
                                    random_normal_initializer, random_uniform_initializer,
                                    truncated_normal_initializer, variance_scaling_initializer,
                                    zeros_initializer)
from minigraph.variable_scope import (AUTO_REUSE, VariableScope, get_local_variable,  # noqa: E402
                                      get_variable, get_variable_scope, variable_scope)

# Keras's Sequential API on the graph and session above (tf.keras)
from minigraph import keras  # noqa: E402

# tf.function: TF2's tracer, turning a Python function into a graph per input signature
from minigraph.function import TensorSpec, function  # noqa: E402

# tf.data: datasets and iterators, their position living in the session
from minigraph import data  # noqa: E402

# tf.feature_column: raw features to one dense input tensor (a vocabulary's lookup table
# lives in the session: tf.tables_initializer())
from minigraph import feature_column  # noqa: E402

# what TF1 scripts are built around: tf.app.run, tf.flags (also tf.app.flags), tf.gfile, and
# tf.device, recorded on each op (op.device) and otherwise ignored
from minigraph import app, flags, gfile  # noqa: E402
from minigraph.graph import device  # noqa: E402

# tf.add, tf.matmul, tf.placeholder...: the op functions exported as "<name>"
globals().update(_exported(""))

__version__ = "0.1.0"

newaxis = None

#: ``tf.compat.v1`` is minigraph itself, so code written as ``tf.compat.v1.placeholder`` runs
compat = _types.SimpleNamespace(v1=_sys.modules[__name__])

__all__ = sorted(_exported("")) + [
    "errors", "ops", "DType", "as_dtype", "bool", "double",
    "float16", "float32", "float64", "half", "int8", "int16", "int32", "int64", "string",
    "uint8", "gradients", "Graph", "GraphKeys", "Operation", "Tensor",
    "add_to_collection", "add_to_collections", "control_dependencies", "get_collection",
    "get_collection_ref", "get_default_graph", "name_scope", "reset_default_graph",
    "ConfigProto", "GPUOptions", "GraphOptions", "OptimizerOptions", "InteractiveSession",
    "Session", "get_default_session", "TensorShape", "RunMetadata", "RunOptions",
    "Variable", "assign", "assign_add", "assign_sub", "global_variables",
    "global_variables_initializer", "initialize_all_variables", "is_variable_initialized",
    "local_variables",
    "model_variables", "report_uninitialized_variables", "trainable_variables",
    "variables_initializer", "linalg", "math", "nn", "contrib", "initializers", "layers",
    "losses", "summary", "train", "constant_initializer", "glorot_normal_initializer",
    "glorot_uniform_initializer", "ones_initializer", "random_normal_initializer",
    "random_uniform_initializer", "truncated_normal_initializer",
    "variance_scaling_initializer", "zeros_initializer", "AUTO_REUSE", "VariableScope",
    "get_local_variable", "get_variable", "get_variable_scope", "variable_scope", "keras",
    "function", "TensorSpec", "newaxis", "compat", "data", "app", "flags", "gfile",
    "device", "feature_column",
]

# Last: a TF1 name minigraph does not have (tf.estimator, tf.nn.conv3d...) is an AttributeError
# that says so, in every TF1 namespace above (minigraph/_missing.py)
from minigraph import _missing  # noqa: E402

_missing.install(_sys.modules[__name__])
