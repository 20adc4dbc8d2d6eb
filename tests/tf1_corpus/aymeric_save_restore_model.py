"""TensorFlow-Examples: saving and restoring a model with tf.train.Saver.

Source: aymericdamien/TensorFlow-Examples, examples/4_Utils/save_restore_model.py (the
  TF 1.x version: ``softmax_cross_entropy_with_logits(logits=, labels=)``,
  ``tf.global_variables_initializer``), https://github.com/aymericdamien/TensorFlow-Examples/
  blob/master/examples/4_Utils/save_restore_model.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it: its TF1 calls,
  arguments and hyperparameters (relu MLP 256-256 with random_normal weights and biases,
  Adam 0.001, batch 100; a first session trains and saves, a second initializes, restores
  and resumes), in its order.
Changes: synthetic MNIST-shaped data (300 train, 200 test); 1 and 1 epochs instead of 3 and
  7; model_path is in a temporary directory (removed afterwards) instead of /tmp/model.ckpt;
  each epoch's average cost and both accuracies are returned; the file name saver.save
  returns is returned.
Determinism: the six ``tf.random_normal`` draws are kept, then replaced after the first
  session's initializer by numpy values (``Variable.load``); the second session's initializer
  draws anew, then ``saver.restore`` must bring back the trained values.
"""

import os
import shutil
import tempfile


def make_data(synthetic):
    shapes = {"h1": [784, 256], "h2": [256, 256], "out": [256, 10],
              "b1": [256], "b2": [256], "b_out": [10]}
    out = {"mnist": synthetic.mnist(seed=11, n_train=300, n_test=200, one_hot=True)}
    for i, (k, shape) in enumerate(shapes.items()):
        out[k] = synthetic.normal(120 + i, shape)
    return out


def run(tf, data):
    mnist = data["mnist"]
    tmp = tempfile.mkdtemp()
    learning_rate = 0.001
    batch_size = 100
    model_path = os.path.join(tmp, "model.ckpt")

    n_hidden_1 = 256  # 1st layer number of features
    n_hidden_2 = 256  # 2nd layer number of features
    n_input = 784     # MNIST data input (img shape: 28*28)
    n_classes = 10    # MNIST total classes (0-9 digits)

    x = tf.placeholder("float", [None, n_input])
    y = tf.placeholder("float", [None, n_classes])

    def multilayer_perceptron(x, weights, biases):
        layer_1 = tf.add(tf.matmul(x, weights['h1']), biases['b1'])
        layer_1 = tf.nn.relu(layer_1)
        layer_2 = tf.add(tf.matmul(layer_1, weights['h2']), biases['b2'])
        layer_2 = tf.nn.relu(layer_2)
        out_layer = tf.matmul(layer_2, weights['out']) + biases['out']
        return out_layer

    weights = {
        'h1': tf.Variable(tf.random_normal([n_input, n_hidden_1])),
        'h2': tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2])),
        'out': tf.Variable(tf.random_normal([n_hidden_2, n_classes]))
    }
    biases = {
        'b1': tf.Variable(tf.random_normal([n_hidden_1])),
        'b2': tf.Variable(tf.random_normal([n_hidden_2])),
        'out': tf.Variable(tf.random_normal([n_classes]))
    }

    pred = multilayer_perceptron(x, weights, biases)

    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=pred, labels=y))
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

    init = tf.global_variables_initializer()

    saver = tf.train.Saver()

    out = {"avg_costs": []}

    def train_epochs(sess, n):
        for epoch in range(n):
            avg_cost = 0.
            total_batch = int(mnist.train.num_examples / batch_size)
            for i in range(total_batch):
                batch_x, batch_y = mnist.train.next_batch(batch_size)
                _, c = sess.run([optimizer, cost], feed_dict={x: batch_x, y: batch_y})
                avg_cost += c / total_batch
            out["avg_costs"].append(avg_cost)

    # Running first session
    with tf.Session() as sess:
        sess.run(init)
        for key, var in list(weights.items()) + [("b1", biases["b1"]), ("b2", biases["b2"]),
                                                 ("b_out", biases["out"])]:
            var.load(data[key], sess)
        train_epochs(sess, 1)
        correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
        out["accuracy_first"] = accuracy.eval({x: mnist.test.images, y: mnist.test.labels})
        save_path = saver.save(sess, model_path)
        out["save_path"] = os.path.basename(save_path)

    # Running a new session
    with tf.Session() as sess:
        sess.run(init)
        saver.restore(sess, model_path)
        out["accuracy_restored"] = accuracy.eval(
            {x: mnist.test.images, y: mnist.test.labels})
        train_epochs(sess, 1)
        correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
        out["accuracy_second"] = accuracy.eval(
            {x: mnist.test.images, y: mnist.test.labels})
    shutil.rmtree(tmp, ignore_errors=True)
    return out
