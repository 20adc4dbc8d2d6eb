"""TensorFlow-Examples: a generative adversarial network on MNIST (two Adam optimizers).

Source: aymericdamien/TensorFlow-Examples, examples/3_NeuralNetworks/gan.py (the GAN with
  glorot_init random_normal weights and zero biases; a later commit in the stored history
  replaced it with a joke "non-adversarial" text, not followed here),
  https://github.com/aymericdamien/TensorFlow-Examples/blob/master/tensorflow_v1/examples/
  3_NeuralNetworks/gan.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it: its TF1 calls,
  arguments and hyperparameters (256 hidden units in both networks, noise 100, Adam 0.0002
  for each, batch 128, var_list per optimizer, both trained in one sess.run), in its order.
Changes: synthetic MNIST-shaped data (384 images); 3 of the original's 100000 steps; the
  noise of each step, ``np.random.uniform(-1., 1., size=[batch_size, noise_dim])`` in the
  original, is drawn in make_data; each step's losses and a few generated pixels are
  returned instead of the matplotlib figure; ``np.reshape(g, newshape=...)`` passes the shape
  positionally (numpy 2 removed the keyword).
Determinism: the four ``glorot_init`` draws (``tf.random_normal``) are kept, then replaced
  after the initializer by numpy values of the same distribution (``Variable.load``).
  The original runs ``[train_gen, train_disc, gen_loss, disc_loss]`` in one ``sess.run``: with
  TF1's reference variables that is a race (train_disc's updates may land before train_gen's
  gradient reads the discriminator's weights), so the reference is generated with resource
  variables (RESOURCE_VARIABLES), whose reads precede the updates, as minigraph's do.
"""

import numpy as np


def make_data(synthetic):
    rng = np.random.default_rng(100)
    out = {"mnist": synthetic.mnist(seed=10, n_train=384, n_test=1, one_hot=True),
           "noise": rng.uniform(-1., 1., size=[4, 128, 100]).astype(np.float32)}
    for i, (k, shape) in enumerate({"gen_hidden1": [100, 256], "gen_out": [256, 784],
                                    "disc_hidden1": [784, 256],
                                    "disc_out": [256, 1]}.items()):
        out[k] = synthetic.normal(110 + i, shape, stddev=1. / np.sqrt(shape[0] / 2.))
    return out


RESOURCE_VARIABLES = True


def run(tf, data):
    mnist = data["mnist"]
    num_steps = 3
    batch_size = 128
    learning_rate = 0.0002

    image_dim = 784  # 28*28 pixels
    gen_hidden_dim = 256
    disc_hidden_dim = 256
    noise_dim = 100  # Noise data points

    def glorot_init(shape):
        return tf.random_normal(shape=shape, stddev=1. / tf.sqrt(shape[0] / 2.))

    weights = {
        'gen_hidden1': tf.Variable(glorot_init([noise_dim, gen_hidden_dim])),
        'gen_out': tf.Variable(glorot_init([gen_hidden_dim, image_dim])),
        'disc_hidden1': tf.Variable(glorot_init([image_dim, disc_hidden_dim])),
        'disc_out': tf.Variable(glorot_init([disc_hidden_dim, 1])),
    }
    biases = {
        'gen_hidden1': tf.Variable(tf.zeros([gen_hidden_dim])),
        'gen_out': tf.Variable(tf.zeros([image_dim])),
        'disc_hidden1': tf.Variable(tf.zeros([disc_hidden_dim])),
        'disc_out': tf.Variable(tf.zeros([1])),
    }

    def generator(x):
        hidden_layer = tf.matmul(x, weights['gen_hidden1'])
        hidden_layer = tf.add(hidden_layer, biases['gen_hidden1'])
        hidden_layer = tf.nn.relu(hidden_layer)
        out_layer = tf.matmul(hidden_layer, weights['gen_out'])
        out_layer = tf.add(out_layer, biases['gen_out'])
        out_layer = tf.nn.sigmoid(out_layer)
        return out_layer

    def discriminator(x):
        hidden_layer = tf.matmul(x, weights['disc_hidden1'])
        hidden_layer = tf.add(hidden_layer, biases['disc_hidden1'])
        hidden_layer = tf.nn.relu(hidden_layer)
        out_layer = tf.matmul(hidden_layer, weights['disc_out'])
        out_layer = tf.add(out_layer, biases['disc_out'])
        out_layer = tf.nn.sigmoid(out_layer)
        return out_layer

    gen_input = tf.placeholder(tf.float32, shape=[None, noise_dim], name='input_noise')
    disc_input = tf.placeholder(tf.float32, shape=[None, image_dim], name='disc_input')

    gen_sample = generator(gen_input)

    disc_real = discriminator(disc_input)
    disc_fake = discriminator(gen_sample)

    gen_loss = -tf.reduce_mean(tf.log(disc_fake))
    disc_loss = -tf.reduce_mean(tf.log(disc_real) + tf.log(1. - disc_fake))

    optimizer_gen = tf.train.AdamOptimizer(learning_rate=learning_rate)
    optimizer_disc = tf.train.AdamOptimizer(learning_rate=learning_rate)

    gen_vars = [weights['gen_hidden1'], weights['gen_out'],
                biases['gen_hidden1'], biases['gen_out']]
    disc_vars = [weights['disc_hidden1'], weights['disc_out'],
                 biases['disc_hidden1'], biases['disc_out']]

    train_gen = optimizer_gen.minimize(gen_loss, var_list=gen_vars)
    train_disc = optimizer_disc.minimize(disc_loss, var_list=disc_vars)

    init = tf.global_variables_initializer()

    out = {"gen_losses": [], "disc_losses": []}
    with tf.Session() as sess:
        sess.run(init)
        for key, var in weights.items():
            var.load(data[key], sess)
        for i in range(1, num_steps + 1):
            batch_x, _ = mnist.train.next_batch(batch_size)
            z = data["noise"][i - 1]
            feed_dict = {disc_input: batch_x, gen_input: z}
            _, _, gl, dl = sess.run([train_gen, train_disc, gen_loss, disc_loss],
                                    feed_dict=feed_dict)
            out["gen_losses"].append(gl)
            out["disc_losses"].append(dl)
        g = sess.run([gen_sample], feed_dict={gen_input: data["noise"][3][:4]})
        out["generated"] = np.reshape(g, (4, 28, 28, 1))[:, 10:12, 10:14, 0]
    return out
