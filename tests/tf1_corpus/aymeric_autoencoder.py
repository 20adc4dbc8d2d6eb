"""TensorFlow-Examples: an autoencoder (784-256-128-256-784, sigmoids) trained with RMSProp.

Source: aymericdamien/TensorFlow-Examples, examples/3_NeuralNetworks/autoencoder.py,
  https://github.com/aymericdamien/TensorFlow-Examples/blob/master/examples/3_NeuralNetworks/
  autoencoder.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it: its TF1 calls,
  arguments and hyperparameters (random_normal weights and biases, RMSProp 0.01, batch 256,
  mean squared reconstruction error), in its order.
Changes: synthetic MNIST-shaped data (512 train, 64 test); 6 of the original's 30000 steps;
  each step's loss is returned, and the decoded test images' mean squared error instead of
  the matplotlib figure.
Determinism: the eight ``tf.random_normal`` draws are kept, then replaced after the
  initializer by numpy standard-normal values (``Variable.load``).
"""

import numpy as np


def make_data(synthetic):
    shapes = {"encoder_h1": [784, 256], "encoder_h2": [256, 128], "decoder_h1": [128, 256],
              "decoder_h2": [256, 784], "encoder_b1": [256], "encoder_b2": [128],
              "decoder_b1": [256], "decoder_b2": [784]}
    out = {"mnist": synthetic.mnist(seed=9, n_train=512, n_test=64, one_hot=True)}
    for i, (k, shape) in enumerate(shapes.items()):
        out[k] = synthetic.normal(90 + i, shape)
    return out


def run(tf, data):
    mnist = data["mnist"]
    learning_rate = 0.01
    num_steps = 6
    batch_size = 256

    num_hidden_1 = 256  # 1st layer num features
    num_hidden_2 = 128  # 2nd layer num features (the latent dim)
    num_input = 784     # MNIST data input (img shape: 28*28)

    X = tf.placeholder("float", [None, num_input])

    weights = {
        'encoder_h1': tf.Variable(tf.random_normal([num_input, num_hidden_1])),
        'encoder_h2': tf.Variable(tf.random_normal([num_hidden_1, num_hidden_2])),
        'decoder_h1': tf.Variable(tf.random_normal([num_hidden_2, num_hidden_1])),
        'decoder_h2': tf.Variable(tf.random_normal([num_hidden_1, num_input])),
    }
    biases = {
        'encoder_b1': tf.Variable(tf.random_normal([num_hidden_1])),
        'encoder_b2': tf.Variable(tf.random_normal([num_hidden_2])),
        'decoder_b1': tf.Variable(tf.random_normal([num_hidden_1])),
        'decoder_b2': tf.Variable(tf.random_normal([num_input])),
    }

    def encoder(x):
        layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights['encoder_h1']),
                                       biases['encoder_b1']))
        layer_2 = tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights['encoder_h2']),
                                       biases['encoder_b2']))
        return layer_2

    def decoder(x):
        layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights['decoder_h1']),
                                       biases['decoder_b1']))
        layer_2 = tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights['decoder_h2']),
                                       biases['decoder_b2']))
        return layer_2

    encoder_op = encoder(X)
    decoder_op = decoder(encoder_op)

    y_pred = decoder_op
    y_true = X

    loss = tf.reduce_mean(tf.pow(y_true - y_pred, 2))
    optimizer = tf.train.RMSPropOptimizer(learning_rate).minimize(loss)

    init = tf.global_variables_initializer()

    out = {"losses": []}
    with tf.Session() as sess:
        sess.run(init)
        for key, var in list(weights.items()) + list(biases.items()):
            var.load(data[key], sess)
        for i in range(1, num_steps + 1):
            batch_x, _ = mnist.train.next_batch(batch_size)
            _, l = sess.run([optimizer, loss], feed_dict={X: batch_x})
            out["losses"].append(l)
        batch_x, _ = mnist.test.next_batch(64)
        g = sess.run(decoder_op, feed_dict={X: batch_x})
        out["test_reconstruction_mse"] = np.mean((g - batch_x) ** 2)
        out["decoded_first"] = g[0, :16]
    return out

