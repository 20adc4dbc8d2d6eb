"""CS231n (Stanford, Spring 2017) assignment 2, TensorFlow.ipynb: the "simple model".

Source: the CS231n 2017 assignment 2 notebook TensorFlow.ipynb (cs231n.github.io
  assignments2017/assignment2; published in the assignment's zip and in many public
  copies of it on GitHub), section "Example Model" and its "Training the model on one epoch"
  cells (run_model, tf.device).
License: the course does not state a license for the assignment code; this file is written
  anew after the notebook's cells, taking only its TF1 calls, arguments and hyperparameters
  (get_variable Wconv1 [7,7,3,32], bconv1, W1 [5408,10], b1; a stride-2 VALID conv, relu,
  reshape, affine; tf.losses.hinge_loss of tf.one_hot(y, 10); Adam 5e-4; batch 64) and the
  structure of its run_model loop, in its order.
Changes: the CIFAR-10 download (get_CIFAR10_data) is replaced by synthetic CIFAR-shaped data
  (256 training, 128 validation images); plotting and printing are left out, and so is the
  first ``tf.reset_default_graph()`` (see run()); run_model's
  epoch loss and accuracy and the per-batch losses of the training epoch are returned.
Determinism: get_variable's default glorot-uniform draws are kept, then replaced after the
  initializer by numpy values (``Variable.load``). run_model's ``np.random.shuffle`` draws
  from numpy's global generator, which corpus.collect seeds identically for both engines.
"""

import math

import numpy as np


def make_data(synthetic):
    X_train, y_train = synthetic.cifar10(seed=15, n=256)
    X_val, y_val = synthetic.cifar10(seed=16, n=128)
    return {"X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val,
            "Wconv1": synthetic.glorot_uniform(150, (7, 7, 3, 32)),
            "bconv1": synthetic.glorot_uniform(151, (32,)),
            "W1": synthetic.glorot_uniform(152, (5408, 10)),
            "b1": synthetic.glorot_uniform(153, (10,))}


def run(tf, data):
    X_train, y_train, X_val, y_val = data["X_train"], data["y_train"], data["X_val"], \
        data["y_val"]
    out = {}

    # clear old variables: the notebook's tf.reset_default_graph() here is left out (the corpus
    # runner gives each program a fresh graph, entered with as_default, which TF refuses to
    # reset)

    # setup input (e.g. the data that changes every batch)
    X = tf.placeholder(tf.float32, [None, 32, 32, 3])
    y = tf.placeholder(tf.int64, [None])
    is_training = tf.placeholder(tf.bool)

    def simple_model(X, y):
        # define our weights (e.g. init_two_layer_convnet)
        Wconv1 = tf.get_variable("Wconv1", shape=[7, 7, 3, 32])
        bconv1 = tf.get_variable("bconv1", shape=[32])
        W1 = tf.get_variable("W1", shape=[5408, 10])
        b1 = tf.get_variable("b1", shape=[10])

        # define our graph (e.g. two_layer_convnet)
        a1 = tf.nn.conv2d(X, Wconv1, strides=[1, 2, 2, 1], padding='VALID') + bconv1
        h1 = tf.nn.relu(a1)
        h1_flat = tf.reshape(h1, [-1, 5408])
        y_out = tf.matmul(h1_flat, W1) + b1
        return y_out

    y_out = simple_model(X, y)

    # define our loss
    total_loss = tf.losses.hinge_loss(tf.one_hot(y, 10), logits=y_out)
    mean_loss = tf.reduce_mean(total_loss)

    # define our optimizer
    optimizer = tf.train.AdamOptimizer(5e-4)  # select optimizer and set learning rate
    train_step = optimizer.minimize(mean_loss)

    def run_model(session, predict, loss_val, Xd, yd,
                  epochs=1, batch_size=64, print_every=100,
                  training=None, plot_losses=False):
        # have tensorflow compute accuracy
        correct_prediction = tf.equal(tf.argmax(predict, 1), y)
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

        # shuffle indicies
        train_indicies = np.arange(Xd.shape[0])
        np.random.shuffle(train_indicies)

        training_now = training is not None

        # setting up variables we want to compute (and optimizing)
        # if we have a training function, add that to things we compute
        variables = [mean_loss, correct_prediction, accuracy]
        if training_now:
            variables[-1] = training

        # counter
        iter_cnt = 0
        batch_losses = []
        for e in range(epochs):
            # keep track of losses and accuracy
            correct = 0
            losses = []
            # make sure we iterate over the dataset once
            for i in range(int(math.ceil(Xd.shape[0] / batch_size))):
                # generate indicies for the batch
                start_idx = (i * batch_size) % Xd.shape[0]
                idx = train_indicies[start_idx:start_idx + batch_size]

                # create a feed dictionary for this batch
                feed_dict = {X: Xd[idx, :],
                             y: yd[idx],
                             is_training: training_now}
                # get batch size
                actual_batch_size = yd[idx].shape[0]

                # have tensorflow compute loss and correct predictions
                # and (if given) perform a training step
                loss, corr, _ = session.run(variables, feed_dict=feed_dict)

                # aggregate performance stats
                losses.append(loss * actual_batch_size)
                batch_losses.append(loss)
                correct += np.sum(corr)
                iter_cnt += 1
            total_correct = correct / Xd.shape[0]
            total_loss = np.sum(losses) / Xd.shape[0]
        return total_loss, total_correct, batch_losses

    with tf.Session() as sess:
        with tf.device("/cpu:0"):  # "/cpu:0" or "/gpu:0"
            sess.run(tf.global_variables_initializer())
            for v in tf.global_variables():
                if v.op.name in data:
                    v.load(data[v.op.name], sess)
            loss, correct, batch_losses = run_model(sess, y_out, mean_loss, X_train,
                                                    y_train, 1, 64, 100, train_step, True)
            out["train_loss"], out["train_accuracy"] = loss, correct
            out["train_batch_losses"] = batch_losses
            loss, correct, _ = run_model(sess, y_out, mean_loss, X_val, y_val, 1, 64)
            out["val_loss"], out["val_accuracy"] = loss, correct
    return out

