"""TensorFlow's TensorBoard tutorial program: mnist_with_summaries.py.

Source: tensorflow/tensorflow, tensorflow/examples/tutorials/mnist/mnist_with_summaries.py
  (the TF 1.x version: int64 labels and tf.losses.sparse_softmax_cross_entropy, log_dir,
  tf.gfile, add_run_metadata), https://github.com/tensorflow/tensorflow/blob/r1.8/tensorflow/
  examples/tutorials/mnist/mnist_with_summaries.py
License: Apache License 2.0 (Copyright 2015 The TensorFlow Authors). Written anew after it:
  its TF1 calls, arguments and hyperparameters (500 hidden units, truncated_normal(0.1)
  weights, constant 0.1 biases, dropout keep 0.9, Adam 0.001, batch 100), in its order.
Changes:
- ``input_data.read_data_sets`` is replaced by synthetic MNIST-shaped data (600 training and
  500 test examples, integer labels);
- max_steps is 101 (the original's default 1000), enough for one traced run at i == 99; the
  test accuracies of steps 0, 10, ..., 100 are returned instead of printed;
- argparse parses an empty command line; log_dir is a temporary directory (removed after);
  tf.app.run's SystemExit is caught.
Determinism: the two weight matrices' ``tf.truncated_normal`` draws are kept, then replaced
  after the initializer by numpy values (stddev 0.1) (``Variable.load``). The accuracy at
  step 0 (before training, keep_prob 1.0) is compared to float32 rounding; the later ones
  follow training with dropout (keep 0.9) masks from TF's random stream: STOCHASTIC, bounded
  by real TF's spread over seeds. (Two runs of real TF with the same seed also differ in
  them, by ~0.002: observed; every other program repeats bit for bit.)
"""

import argparse
import os
import shutil
import sys
import tempfile


def make_data(synthetic):
    return {"mnist": synthetic.mnist(seed=4, n_train=600, n_test=500, one_hot=False),
            "layer1/weights/Variable": synthetic.truncated_normal(51, [784, 500], 0.1),
            "layer2/weights/Variable": synthetic.truncated_normal(52, [500, 10], 0.1)}


def run(tf, data):
    results = {"accuracies": []}
    FLAGS = None

    def train():
        # Import data
        mnist = data["mnist"]

        sess = tf.InteractiveSession()
        # Create a multilayer model.

        # Input placeholders
        with tf.name_scope('input'):
            x = tf.placeholder(tf.float32, [None, 784], name='x-input')
            y_ = tf.placeholder(tf.int64, [None], name='y-input')

        with tf.name_scope('input_reshape'):
            image_shaped_input = tf.reshape(x, [-1, 28, 28, 1])
            tf.summary.image('input', image_shaped_input, 10)

        def weight_variable(shape):
            initial = tf.truncated_normal(shape, stddev=0.1)
            return tf.Variable(initial)

        def bias_variable(shape):
            initial = tf.constant(0.1, shape=shape)
            return tf.Variable(initial)

        def variable_summaries(var):
            with tf.name_scope('summaries'):
                mean = tf.reduce_mean(var)
                tf.summary.scalar('mean', mean)
                with tf.name_scope('stddev'):
                    stddev = tf.sqrt(tf.reduce_mean(tf.square(var - mean)))
                tf.summary.scalar('stddev', stddev)
                tf.summary.scalar('max', tf.reduce_max(var))
                tf.summary.scalar('min', tf.reduce_min(var))
                tf.summary.histogram('histogram', var)

        def nn_layer(input_tensor, input_dim, output_dim, layer_name, act=tf.nn.relu):
            with tf.name_scope(layer_name):
                with tf.name_scope('weights'):
                    weights = weight_variable([input_dim, output_dim])
                    variable_summaries(weights)
                with tf.name_scope('biases'):
                    biases = bias_variable([output_dim])
                    variable_summaries(biases)
                with tf.name_scope('Wx_plus_b'):
                    preactivate = tf.matmul(input_tensor, weights) + biases
                    tf.summary.histogram('pre_activations', preactivate)
                activations = act(preactivate, name='activation')
                tf.summary.histogram('activations', activations)
                return activations

        hidden1 = nn_layer(x, 784, 500, 'layer1')

        with tf.name_scope('dropout'):
            keep_prob = tf.placeholder(tf.float32)
            tf.summary.scalar('dropout_keep_probability', keep_prob)
            dropped = tf.nn.dropout(hidden1, keep_prob)

        # Do not apply softmax activation yet, see below.
        y = nn_layer(dropped, 500, 10, 'layer2', act=tf.identity)

        with tf.name_scope('cross_entropy'):
            with tf.name_scope('total'):
                cross_entropy = tf.losses.sparse_softmax_cross_entropy(
                    labels=y_, logits=y)
        tf.summary.scalar('cross_entropy', cross_entropy)

        with tf.name_scope('train'):
            train_step = tf.train.AdamOptimizer(FLAGS.learning_rate).minimize(
                cross_entropy)

        with tf.name_scope('accuracy'):
            with tf.name_scope('correct_prediction'):
                correct_prediction = tf.equal(tf.argmax(y, 1), y_)
            with tf.name_scope('accuracy'):
                accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        tf.summary.scalar('accuracy', accuracy)

        merged = tf.summary.merge_all()
        train_writer = tf.summary.FileWriter(FLAGS.log_dir + '/train', sess.graph)
        test_writer = tf.summary.FileWriter(FLAGS.log_dir + '/test')
        tf.global_variables_initializer().run()
        for v in tf.global_variables():
            if v.op.name in data:
                v.load(data[v.op.name], sess)

        def feed_dict(train):
            if train or FLAGS.fake_data:
                xs, ys = mnist.train.next_batch(100, fake_data=FLAGS.fake_data)
                k = FLAGS.dropout
            else:
                xs, ys = mnist.test.images, mnist.test.labels
                k = 1.0
            return {x: xs, y_: ys, keep_prob: k}

        for i in range(FLAGS.max_steps):
            if i % 10 == 0:  # Record summaries and test-set accuracy
                summary, acc = sess.run([merged, accuracy], feed_dict=feed_dict(False))
                test_writer.add_summary(summary, i)
                results["accuracies"].append(acc)
            else:  # Record train set summaries, and train
                if i % 100 == 99:  # Record execution stats
                    run_options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
                    run_metadata = tf.RunMetadata()
                    summary, _ = sess.run([merged, train_step],
                                          feed_dict=feed_dict(True),
                                          options=run_options,
                                          run_metadata=run_metadata)
                    train_writer.add_run_metadata(run_metadata, 'step%03d' % i)
                    train_writer.add_summary(summary, i)
                else:  # Record a summary
                    summary, _ = sess.run([merged, train_step], feed_dict=feed_dict(True))
                    train_writer.add_summary(summary, i)
        train_writer.close()
        test_writer.close()
        sess.close()

    def main(_):
        if tf.gfile.Exists(FLAGS.log_dir):
            tf.gfile.DeleteRecursively(FLAGS.log_dir)
        tf.gfile.MakeDirs(FLAGS.log_dir)
        with tf.Graph().as_default():
            train()

    log_root = tempfile.mkdtemp()
    parser = argparse.ArgumentParser()
    parser.add_argument('--fake_data', nargs='?', const=True, type=bool, default=False,
                        help='If true, uses fake data for unit testing.')
    parser.add_argument('--max_steps', type=int, default=101,
                        help='Number of steps to run trainer.')
    parser.add_argument('--learning_rate', type=float, default=0.001,
                        help='Initial learning rate')
    parser.add_argument('--dropout', type=float, default=0.9,
                        help='Keep probability for training dropout.')
    parser.add_argument('--data_dir', type=str, default='/tmp/tensorflow/mnist/input_data',
                        help='Directory for storing input data')
    parser.add_argument('--log_dir', type=str,
                        default=os.path.join(log_root, 'mnist_with_summaries'),
                        help='Summaries log directory')
    FLAGS, unparsed = parser.parse_known_args([])
    try:
        tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
    except SystemExit:
        pass
    finally:
        shutil.rmtree(log_root, ignore_errors=True)
    results["accuracy_step0"] = results["accuracies"][0]
    results["accuracies_trained"] = results.pop("accuracies")[1:]
    return results


STOCHASTIC = ("accuracies_trained",)
