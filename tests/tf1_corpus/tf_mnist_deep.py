"""TensorFlow's "Deep MNIST for Experts" program: a two-layer convnet with dropout.

Source: tensorflow/tensorflow, tensorflow/examples/tutorials/mnist/mnist_deep.py,
  https://github.com/tensorflow/tensorflow/blob/r1.4/tensorflow/examples/tutorials/mnist/
  mnist_deep.py
License: Apache License 2.0 (Copyright 2015 The TensorFlow Authors). Written anew after it:
  its TF1 calls, arguments and hyperparameters (truncated_normal(stddev=0.1) weights,
  constant 0.1 biases, 5x5 SAME convolutions, 2x2 max pools, 1024 hidden units, dropout
  keep_prob 0.5 in training, Adam 1e-4, batch 50), in its order.
Changes:
- ``input_data.read_data_sets`` is replaced by synthetic MNIST-shaped data (synthetic.mnist);
- the loop runs 4 of the original's 20000 steps; "train accuracy" is evaluated before the
  first step as in the original (i % 100 == 0), plus the loss on that batch with
  keep_prob 1.0 and after the last step (added fetches); the test accuracy is on 200
  synthetic test examples; results are returned instead of printed;
- argparse parses an empty command line; tf.app.run's SystemExit is caught; the graph
  directory from tempfile.mkdtemp() is removed afterwards.
Determinism: the weights' ``tf.truncated_normal`` draws are kept, then replaced after the
  initializer by numpy truncated-normal values (stddev 0.1) from the data (``Variable.load``).
  Everything before the first training step is then deterministic and compared to float32
  rounding. The training steps apply dropout with keep_prob 0.5, whose masks come from TF's
  random stream: the losses and accuracy after them are STOCHASTIC, bounded by real TF's
  spread over seeds.
"""

import argparse
import shutil
import sys
import tempfile


def make_data(synthetic):
    return {"mnist": synthetic.mnist(seed=2, n_train=400, n_test=200, one_hot=True),
            "W_conv1": synthetic.truncated_normal(31, [5, 5, 1, 32], stddev=0.1),
            "W_conv2": synthetic.truncated_normal(32, [5, 5, 32, 64], stddev=0.1),
            "W_fc1": synthetic.truncated_normal(33, [7 * 7 * 64, 1024], stddev=0.1),
            "W_fc2": synthetic.truncated_normal(34, [1024, 10], stddev=0.1)}


STEPS = 4


def run(tf, data):
    results = {}
    FLAGS = None

    def deepnn(x):
        # Reshape to use within a convolutional neural net.
        with tf.name_scope('reshape'):
            x_image = tf.reshape(x, [-1, 28, 28, 1])

        # First convolutional layer - maps one grayscale image to 32 feature maps.
        with tf.name_scope('conv1'):
            W_conv1 = weight_variable([5, 5, 1, 32])
            b_conv1 = bias_variable([32])
            h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)

        # Pooling layer - downsamples by 2X.
        with tf.name_scope('pool1'):
            h_pool1 = max_pool_2x2(h_conv1)

        # Second convolutional layer -- maps 32 feature maps to 64.
        with tf.name_scope('conv2'):
            W_conv2 = weight_variable([5, 5, 32, 64])
            b_conv2 = bias_variable([64])
            h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)

        # Second pooling layer.
        with tf.name_scope('pool2'):
            h_pool2 = max_pool_2x2(h_conv2)

        # Fully connected layer 1: 7x7x64 feature maps to 1024 features.
        with tf.name_scope('fc1'):
            W_fc1 = weight_variable([7 * 7 * 64, 1024])
            b_fc1 = bias_variable([1024])

            h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
            h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)

        # Dropout
        with tf.name_scope('dropout'):
            keep_prob = tf.placeholder(tf.float32)
            h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)

        # Map the 1024 features to 10 classes, one for each digit
        with tf.name_scope('fc2'):
            W_fc2 = weight_variable([1024, 10])
            b_fc2 = bias_variable([10])

            y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2
        weights = {"W_conv1": W_conv1, "W_conv2": W_conv2, "W_fc1": W_fc1, "W_fc2": W_fc2}
        return y_conv, keep_prob, weights

    def conv2d(x, W):
        return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')

    def max_pool_2x2(x):
        return tf.nn.max_pool(x, ksize=[1, 2, 2, 1],
                              strides=[1, 2, 2, 1], padding='SAME')

    def weight_variable(shape):
        initial = tf.truncated_normal(shape, stddev=0.1)
        return tf.Variable(initial)

    def bias_variable(shape):
        initial = tf.constant(0.1, shape=shape)
        return tf.Variable(initial)

    def main(_):
        mnist = data["mnist"]

        # Create the model
        x = tf.placeholder(tf.float32, [None, 784])

        # Define loss and optimizer
        y_ = tf.placeholder(tf.float32, [None, 10])

        # Build the graph for the deep net
        y_conv, keep_prob, weights = deepnn(x)

        with tf.name_scope('loss'):
            cross_entropy = tf.nn.softmax_cross_entropy_with_logits(labels=y_,
                                                                    logits=y_conv)
        cross_entropy = tf.reduce_mean(cross_entropy)

        with tf.name_scope('adam_optimizer'):
            train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)

        with tf.name_scope('accuracy'):
            correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
            correct_prediction = tf.cast(correct_prediction, tf.float32)
        accuracy = tf.reduce_mean(correct_prediction)

        graph_location = tempfile.mkdtemp()
        train_writer = tf.summary.FileWriter(graph_location)
        train_writer.add_graph(tf.get_default_graph())

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for name, var in weights.items():
                var.load(data[name], sess)
            losses = []
            for i in range(STEPS):
                batch = mnist.train.next_batch(50)
                if i % 100 == 0:
                    results["train_accuracy_step0"] = accuracy.eval(feed_dict={
                        x: batch[0], y_: batch[1], keep_prob: 1.0})
                    results["loss_step0"] = cross_entropy.eval(feed_dict={
                        x: batch[0], y_: batch[1], keep_prob: 1.0})
                    results["logits_step0"] = y_conv.eval(feed_dict={
                        x: batch[0][:4], keep_prob: 1.0})
                train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5})
                losses.append(cross_entropy.eval(feed_dict={
                    x: batch[0], y_: batch[1], keep_prob: 1.0}))
            results["losses_after_steps"] = losses
            results["test_accuracy"] = accuracy.eval(feed_dict={
                x: mnist.test.images, y_: mnist.test.labels, keep_prob: 1.0})
        train_writer.close()
        shutil.rmtree(graph_location, ignore_errors=True)

    parser = argparse.ArgumentParser()
    parser.add_argument('--data_dir', type=str,
                        default='/tmp/tensorflow/mnist/input_data',
                        help='Directory for storing input data')
    FLAGS, unparsed = parser.parse_known_args([])
    try:
        tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
    except SystemExit:
        pass
    return results


STOCHASTIC = ("losses_after_steps", "test_accuracy")
