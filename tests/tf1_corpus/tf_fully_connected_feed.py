"""TensorFlow's "TensorFlow Mechanics 101": fully_connected_feed.py with its model mnist.py.

Source: tensorflow/tensorflow, tensorflow/examples/tutorials/mnist/fully_connected_feed.py
  and tensorflow/examples/tutorials/mnist/mnist.py (TF 1.x versions: argparse FLAGS,
  tf.gfile, tf.losses.sparse_softmax_cross_entropy after tf.to_int64, tf.nn.in_top_k,
  tf.summary.FileWriter, checkpoints under log_dir/model.ckpt),
  https://github.com/tensorflow/tensorflow/blob/r1.8/tensorflow/examples/tutorials/mnist/
  fully_connected_feed.py and .../mnist/mnist.py
License: Apache License 2.0 (Copyright 2015 The TensorFlow Authors). Written anew after both
  files: their TF1 calls, arguments and hyperparameters (hidden1 128, hidden2 32, batch 100,
  learning rate 0.01, truncated_normal(stddev=1/sqrt(fan_in)) weights, zero biases), in order.
Changes:
- mnist.py's functions are nested in run(); ``input_data.read_data_sets`` is replaced by
  synthetic MNIST-shaped data (1000 train, 500 validation, 500 test, integer labels);
- max_steps is 200 (the original's default 2000); the loss of the first 5 steps and of the
  last is returned, and so are do_eval's three precisions (instead of printed) and the name
  of the last checkpoint file; argparse parses an empty command line, log_dir is a temporary
  directory (removed afterwards); tf.app.run's SystemExit is caught.
Determinism: the three ``tf.truncated_normal`` weight draws are kept, then replaced after the
  initializer by numpy values of the same distribution (``Variable.load``).
"""

import argparse
import math
import os
import shutil
import sys
import tempfile


def make_data(synthetic):
    return {"mnist": synthetic.mnist(seed=3, n_train=1000, n_validation=500, n_test=500,
                                     one_hot=False),
            "hidden1/weights": synthetic.truncated_normal(41, [784, 128], 1.0 / math.sqrt(784.)),
            "hidden2/weights": synthetic.truncated_normal(42, [128, 32], 1.0 / math.sqrt(128.)),
            "softmax_linear/weights": synthetic.truncated_normal(43, [32, 10],
                                                                 1.0 / math.sqrt(32.))}


def run(tf, data):
    results = {}
    FLAGS = None
    # ---- mnist.py
    NUM_CLASSES = 10
    IMAGE_SIZE = 28
    IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE

    def inference(images, hidden1_units, hidden2_units):
        # Hidden 1
        with tf.name_scope('hidden1'):
            weights = tf.Variable(
                tf.truncated_normal([IMAGE_PIXELS, hidden1_units],
                                    stddev=1.0 / math.sqrt(float(IMAGE_PIXELS))),
                name='weights')
            biases = tf.Variable(tf.zeros([hidden1_units]),
                                 name='biases')
            hidden1 = tf.nn.relu(tf.matmul(images, weights) + biases)
        # Hidden 2
        with tf.name_scope('hidden2'):
            weights = tf.Variable(
                tf.truncated_normal([hidden1_units, hidden2_units],
                                    stddev=1.0 / math.sqrt(float(hidden1_units))),
                name='weights')
            biases = tf.Variable(tf.zeros([hidden2_units]),
                                 name='biases')
            hidden2 = tf.nn.relu(tf.matmul(hidden1, weights) + biases)
        # Linear
        with tf.name_scope('softmax_linear'):
            weights = tf.Variable(
                tf.truncated_normal([hidden2_units, NUM_CLASSES],
                                    stddev=1.0 / math.sqrt(float(hidden2_units))),
                name='weights')
            biases = tf.Variable(tf.zeros([NUM_CLASSES]),
                                 name='biases')
            logits = tf.matmul(hidden2, weights) + biases
        return logits

    def loss(logits, labels):
        labels = tf.to_int64(labels)
        return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)

    def training(loss, learning_rate):
        tf.summary.scalar('loss', loss)
        optimizer = tf.train.GradientDescentOptimizer(learning_rate)
        global_step = tf.Variable(0, name='global_step', trainable=False)
        train_op = optimizer.minimize(loss, global_step=global_step)
        return train_op

    def evaluation(logits, labels):
        correct = tf.nn.in_top_k(logits, labels, 1)
        return tf.reduce_sum(tf.cast(correct, tf.int32))

    # ---- fully_connected_feed.py
    def placeholder_inputs(batch_size):
        images_placeholder = tf.placeholder(tf.float32, shape=(batch_size, IMAGE_PIXELS))
        labels_placeholder = tf.placeholder(tf.int32, shape=(batch_size))
        return images_placeholder, labels_placeholder

    def fill_feed_dict(data_set, images_pl, labels_pl):
        images_feed, labels_feed = data_set.next_batch(FLAGS.batch_size, FLAGS.fake_data)
        feed_dict = {
            images_pl: images_feed,
            labels_pl: labels_feed,
        }
        return feed_dict

    def do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_set):
        true_count = 0  # Counts the number of correct predictions.
        steps_per_epoch = data_set.num_examples // FLAGS.batch_size
        num_examples = steps_per_epoch * FLAGS.batch_size
        for step in range(steps_per_epoch):
            feed_dict = fill_feed_dict(data_set, images_placeholder, labels_placeholder)
            true_count += sess.run(eval_correct, feed_dict=feed_dict)
        precision = float(true_count) / num_examples
        return precision

    def run_training():
        data_sets = data["mnist"]
        with tf.Graph().as_default():
            images_placeholder, labels_placeholder = placeholder_inputs(FLAGS.batch_size)
            logits = inference(images_placeholder, FLAGS.hidden1, FLAGS.hidden2)
            loss_op = loss(logits, labels_placeholder)
            train_op = training(loss_op, FLAGS.learning_rate)
            eval_correct = evaluation(logits, labels_placeholder)
            summary = tf.summary.merge_all()
            init = tf.global_variables_initializer()
            saver = tf.train.Saver()
            sess = tf.Session()
            summary_writer = tf.summary.FileWriter(FLAGS.log_dir, sess.graph)
            sess.run(init)
            for v in tf.global_variables():
                if v.op.name in data:
                    v.load(data[v.op.name], sess)

            losses = []
            for step in range(FLAGS.max_steps):
                feed_dict = fill_feed_dict(data_sets.train, images_placeholder,
                                           labels_placeholder)
                _, loss_value = sess.run([train_op, loss_op], feed_dict=feed_dict)
                losses.append(loss_value)
                if step % 100 == 0:
                    summary_str = sess.run(summary, feed_dict=feed_dict)
                    summary_writer.add_summary(summary_str, step)
                    summary_writer.flush()
                if (step + 1) % 1000 == 0 or (step + 1) == FLAGS.max_steps:
                    checkpoint_file = os.path.join(FLAGS.log_dir, 'model.ckpt')
                    saved = saver.save(sess, checkpoint_file, global_step=step)
                    results["checkpoint"] = os.path.basename(saved)
                    results["train_precision"] = do_eval(
                        sess, eval_correct, images_placeholder, labels_placeholder,
                        data_sets.train)
                    results["validation_precision"] = do_eval(
                        sess, eval_correct, images_placeholder, labels_placeholder,
                        data_sets.validation)
                    results["test_precision"] = do_eval(
                        sess, eval_correct, images_placeholder, labels_placeholder,
                        data_sets.test)
            results["losses_first_steps"] = losses[:5]
            results["loss_last_step"] = losses[-1]
            # (added) the optimizer advanced the counter mnist.training made; TF1 finds a
            # tensor named global_step:0 without the GLOBAL_STEP collection
            results["global_step"] = sess.run(tf.train.get_global_step())
            summary_writer.close()
            sess.close()

    def main(_):
        if tf.gfile.Exists(FLAGS.log_dir):
            tf.gfile.DeleteRecursively(FLAGS.log_dir)
        tf.gfile.MakeDirs(FLAGS.log_dir)
        run_training()

    log_root = tempfile.mkdtemp()
    parser = argparse.ArgumentParser()
    parser.add_argument('--learning_rate', type=float, default=0.01,
                        help='Initial learning rate.')
    parser.add_argument('--max_steps', type=int, default=200,
                        help='Number of steps to run trainer.')
    parser.add_argument('--hidden1', type=int, default=128,
                        help='Number of units in hidden layer 1.')
    parser.add_argument('--hidden2', type=int, default=32,
                        help='Number of units in hidden layer 2.')
    parser.add_argument('--batch_size', type=int, default=100,
                        help='Batch size.  Must divide evenly into the dataset sizes.')
    parser.add_argument('--input_data_dir', type=str,
                        default='/tmp/tensorflow/mnist/input_data',
                        help='Directory to put the input data.')
    parser.add_argument('--log_dir', type=str,
                        default=os.path.join(log_root, 'fully_connected_feed'),
                        help='Directory to put the log data.')
    parser.add_argument('--fake_data', default=False, action='store_true',
                        help='If true, uses fake data for unit testing.')
    FLAGS, unparsed = parser.parse_known_args([])
    try:
        tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
    except SystemExit:
        pass
    finally:
        shutil.rmtree(log_root, ignore_errors=True)
    return results
