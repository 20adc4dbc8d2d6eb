"""TensorFlow-Examples: nearest neighbor classification with an L1 distance.

Source: aymericdamien/TensorFlow-Examples, examples/2_BasicModels/nearest_neighbor.py (the
  TF 1.x version with ``tf.negative`` and ``tf.global_variables_initializer``),
  https://github.com/aymericdamien/TensorFlow-Examples/blob/master/tensorflow_v1/examples/
  2_BasicModels/nearest_neighbor.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it, in its order.
Changes: synthetic MNIST-shaped data: 500 candidates and 50 test images (the original:
  5000 and 200); the predicted indices and the accuracy are returned.
Determinism: no random values.
"""

import numpy as np


def make_data(synthetic):
    return {"mnist": synthetic.mnist(seed=6, n_train=500, n_test=50, one_hot=True)}


def run(tf, data):
    mnist = data["mnist"]
    Xtr, Ytr = mnist.train.next_batch(500)  # candidates
    Xte, Yte = mnist.test.next_batch(50)    # for testing

    xtr = tf.placeholder("float", [None, 784])
    xte = tf.placeholder("float", [784])

    # Nearest Neighbor calculation using L1 Distance
    distance = tf.reduce_sum(tf.abs(tf.add(xtr, tf.negative(xte))), reduction_indices=1)
    # Prediction: Get min distance index (Nearest neighbor)
    pred = tf.arg_min(distance, 0)

    accuracy = 0.
    init = tf.global_variables_initializer()
    indices = []
    with tf.Session() as sess:
        sess.run(init)
        for i in range(len(Xte)):
            nn_index = sess.run(pred, feed_dict={xtr: Xtr, xte: Xte[i, :]})
            indices.append(nn_index)
            if np.argmax(Ytr[nn_index]) == np.argmax(Yte[i]):
                accuracy += 1. / len(Xte)
    return {"nn_indices": np.array(indices), "accuracy": accuracy}
