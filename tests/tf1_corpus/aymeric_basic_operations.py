"""TensorFlow-Examples: basic operations (constants, placeholders, matmul).

Source: aymericdamien/TensorFlow-Examples, examples/1_Introduction/basic_operations.py (TF1),
  https://github.com/aymericdamien/TensorFlow-Examples/blob/master/tensorflow_v1/examples/
  1_Introduction/basic_operations.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it, in its order.
Changes: ``print`` becomes returned values (and their dtypes).
Determinism: no random values.
"""


def make_data(synthetic):
    return {}


def run(tf, data):
    out = {}
    # Basic constant operations
    a = tf.constant(2)
    b = tf.constant(3)
    with tf.Session() as sess:
        out["a"], out["b"] = sess.run(a), sess.run(b)
        out["a_plus_b"] = sess.run(a + b)
        out["a_times_b"] = sess.run(a * b)

    # Basic Operations with variable as graph input
    a = tf.placeholder(tf.int16)
    b = tf.placeholder(tf.int16)
    add = tf.add(a, b)
    mul = tf.multiply(a, b)
    with tf.Session() as sess:
        out["add"] = sess.run(add, feed_dict={a: 2, b: 3})
        out["mul"] = sess.run(mul, feed_dict={a: 2, b: 3})

    # Matrix Multiplication
    matrix1 = tf.constant([[3., 3.]])
    matrix2 = tf.constant([[2.], [2.]])
    product = tf.matmul(matrix1, matrix2)
    with tf.Session() as sess:
        out["product"] = sess.run(product)
    out["dtypes"] = [str(t.dtype.name) for t in (add, mul, product)]
    return out
