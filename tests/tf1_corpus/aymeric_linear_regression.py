"""TensorFlow-Examples: linear regression (one weight, one bias, per-sample updates).

Source: aymericdamien/TensorFlow-Examples, examples/2_BasicModels/linear_regression.py (the
  version with ``tf.train.AdamOptimizer(learning_rate=learning_rate)``),
  https://github.com/aymericdamien/TensorFlow-Examples/blob/master/examples/2_BasicModels/
  linear_regression.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it: its TF1 calls,
  arguments and hyperparameters (learning rate 0.01, cost sum((pred-Y)^2)/(2n)), in order.
Changes:
- the 17 training and 8 test points typed into the original are replaced by synthetic points
  of the same counts on a noisy line (not copied);
- 20 of the original's 1000 epochs (each epoch runs one step per sample); the cost after
  each of the first 3 epochs, the final cost, W, b and the test cost are returned; matplotlib
  plots are left out.
Determinism: ``W = tf.Variable(rng.randn(), ...)`` keeps its form with rng's draws stored in
  the data; nothing depends on TF's random streams.
"""

import numpy


def make_data(synthetic):
    rng = numpy.random.default_rng(61)
    train_X = rng.uniform(2.0, 11.0, size=17)
    test_X = rng.uniform(2.0, 9.0, size=8)
    return {"train_X": train_X, "train_Y": 0.25 * train_X + 0.8 + rng.normal(0, 0.3, 17),
            "test_X": test_X, "test_Y": 0.25 * test_X + 0.8 + rng.normal(0, 0.3, 8),
            "randn": rng.normal(size=2)}


def run(tf, data):
    out = {}
    # Parameters
    learning_rate = 0.01
    training_epochs = 20

    train_X, train_Y = data["train_X"], data["train_Y"]
    n_samples = train_X.shape[0]

    # tf Graph Input
    X = tf.placeholder("float")
    Y = tf.placeholder("float")

    # Set model weights
    W = tf.Variable(float(data["randn"][0]), name="weight")
    b = tf.Variable(float(data["randn"][1]), name="bias")

    # Construct a linear model
    pred = tf.add(tf.multiply(X, W), b)

    # Mean squared error
    cost = tf.reduce_sum(tf.pow(pred - Y, 2)) / (2 * n_samples)
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

    init = tf.global_variables_initializer()

    with tf.Session() as sess:
        sess.run(init)
        costs = []
        for epoch in range(training_epochs):
            for (x, y) in zip(train_X, train_Y):
                sess.run(optimizer, feed_dict={X: x, Y: y})
            if epoch < 3:
                costs.append(sess.run(cost, feed_dict={X: train_X, Y: train_Y}))
        out["costs_first_epochs"] = costs
        out["training_cost"] = sess.run(cost, feed_dict={X: train_X, Y: train_Y})
        out["W"], out["b"] = sess.run(W), sess.run(b)

        test_X, test_Y = data["test_X"], data["test_Y"]
        out["testing_cost"] = sess.run(
            tf.reduce_sum(tf.pow(pred - Y, 2)) / (2 * test_X.shape[0]),
            feed_dict={X: test_X, Y: test_Y})
    return out

