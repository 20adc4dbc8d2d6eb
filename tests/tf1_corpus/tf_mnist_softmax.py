"""TensorFlow's "MNIST For ML Beginners" program: softmax regression on MNIST.

Source: tensorflow/tensorflow, tensorflow/examples/tutorials/mnist/mnist_softmax.py (the
  TF 1.x version with ``softmax_cross_entropy_with_logits(labels=, logits=)``,
  ``InteractiveSession`` and ``tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)``),
  https://github.com/tensorflow/tensorflow/blob/r1.4/tensorflow/examples/tutorials/mnist/
  mnist_softmax.py
License: Apache License 2.0 (Copyright 2015 The TensorFlow Authors). Written anew after it:
  its TF1 calls, arguments and hyperparameters, in its order.
Changes:
- ``input_data.read_data_sets(FLAGS.data_dir, one_hot=True)`` is replaced by synthetic
  MNIST-shaped data (synthetic.mnist: 2000 training, 1000 test examples, one-hot labels);
- the training loop runs 200 of the original's 1000 steps of batch 100; the loss is also
  fetched before each of the first 5 steps (added fetches) and the accuracy is returned
  instead of printed;
- argparse parses an empty command line (``parse_known_args([])``); ``tf.app.run``'s
  SystemExit is caught so the caller gets the results; the InteractiveSession is closed.
Determinism: W and b start at zeros, as in the original: nothing is random.
"""

import argparse
import sys


def make_data(synthetic):
    return {"mnist": synthetic.mnist(seed=1, n_train=2000, n_test=1000, one_hot=True)}


STEPS = 200


def run(tf, data):
    results = {}
    FLAGS = None

    def main(_):
        # Import data
        mnist = data["mnist"]

        # Create the model
        x = tf.placeholder(tf.float32, [None, 784])
        W = tf.Variable(tf.zeros([784, 10]))
        b = tf.Variable(tf.zeros([10]))
        y = tf.matmul(x, W) + b

        # Define loss and optimizer
        y_ = tf.placeholder(tf.float32, [None, 10])
        cross_entropy = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
        train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

        sess = tf.InteractiveSession()
        tf.global_variables_initializer().run()
        # Train
        losses = []
        for step in range(STEPS):
            batch_xs, batch_ys = mnist.train.next_batch(100)
            if step < 5:
                losses.append(sess.run(cross_entropy, feed_dict={x: batch_xs, y_: batch_ys}))
            sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys})
        results["losses_first_steps"] = losses

        # Test trained model
        correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        results["test_accuracy"] = sess.run(accuracy, feed_dict={x: mnist.test.images,
                                                                 y_: mnist.test.labels})
        results["final_loss"] = sess.run(cross_entropy, feed_dict={x: mnist.test.images,
                                                                   y_: mnist.test.labels})
        results["b"] = sess.run(b)
        sess.close()

    parser = argparse.ArgumentParser()
    parser.add_argument('--data_dir', type=str, default='/tmp/tensorflow/mnist/input_data',
                        help='Directory for storing input data')
    FLAGS, unparsed = parser.parse_known_args([])
    try:
        tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
    except SystemExit:
        pass
    return results
