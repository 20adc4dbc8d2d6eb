"""Stanford CS20, lecture 05: variable sharing with tf.variable_scope(reuse=tf.AUTO_REUSE).

Source: chiphuyen/stanford-tensorflow-tutorials, examples/05_variable_sharing.py,
  https://github.com/chiphuyen/stanford-tensorflow-tutorials/blob/master/examples/
  05_variable_sharing.py
License: MIT (Copyright (c) 2017 Chip Huyen). Written anew after its final, uncommented
  version (x1, x2 = truncated_normal inputs; ``fully_connected`` under
  ``variable_scope(scope, reuse=tf.AUTO_REUSE)`` with get_variable('weights',
  [x.shape[1], output_dim], random_normal_initializer()) and 'biases' with
  constant_initializer(0.0); two_hidden_layers called twice inside
  variable_scope('two_layers'); a FileWriter), in its order.
Changes: the FileWriter writes into a temporary directory (removed afterwards). What is
  returned is what the program is about: the variables it created (names and shapes: two
  calls share four variables) and the names of the ops each call made (the second call's
  name scopes are uniquified, its variables are not). As in the original, two_hidden_layers
  returns nothing, so there is nothing numeric to fetch.
Determinism: only names and shapes are compared.
"""

import shutil
import tempfile

import numpy as np


def make_data(synthetic):
    return {}


def run(tf, data):
    x1 = tf.truncated_normal([200, 100], name='x1')
    x2 = tf.truncated_normal([200, 100], name='x2')

    def fully_connected(x, output_dim, scope):
        with tf.variable_scope(scope, reuse=tf.AUTO_REUSE) as scope:
            w = tf.get_variable('weights', [x.shape[1], output_dim],
                                initializer=tf.random_normal_initializer())
            b = tf.get_variable('biases', [output_dim],
                                initializer=tf.constant_initializer(0.0))
            return tf.matmul(x, w) + b

    def two_hidden_layers(x):
        h1 = fully_connected(x, 50, 'h1')
        h2 = fully_connected(h1, 10, 'h2')  # noqa: F841 -- as in the original

    with tf.variable_scope('two_layers') as scope:
        logits1 = two_hidden_layers(x1)  # noqa: F841
        logits2 = two_hidden_layers(x2)  # noqa: F841

    logdir = tempfile.mkdtemp()
    writer = tf.summary.FileWriter(logdir, tf.get_default_graph())
    writer.close()
    shutil.rmtree(logdir, ignore_errors=True)

    variables = tf.global_variables()
    matmuls = [op.name for op in tf.get_default_graph().get_operations()
               if op.type == "MatMul"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        h2_second = tf.get_default_graph().get_tensor_by_name(matmuls[-1] + ":0")
        h2_shape = sess.run(h2_second).shape
    return {"variable_names": np.array([v.name for v in variables]),
            "variable_shapes": np.array([str(v.shape.as_list()) for v in variables]),
            "matmul_names": np.array(matmuls),
            "last_matmul_value_shape": np.array(h2_shape)}
