"""The TF1 low-level API guide, "Introduction", section "Training" (a small regression).

Source: TensorFlow documentation, tensorflow/docs, site/en/r1/guide/low_level_intro.md,
  https://github.com/tensorflow/docs/blob/master/site/en/r1/guide/low_level_intro.md
License: code samples Apache License 2.0; page text CC BY 4.0. Written anew after the
  section's listings ("Define the data", "Define the model", "Loss", "Training"), in order.
Changes:
- the Dense layer's kernel (a glorot-uniform draw in the original) is loaded with numpy values
  from the data after the initializer runs (``Variable.load``), so both engines start alike;
- ``print`` becomes returned values: the untrained prediction, the loss before training, the
  first five losses of the guide's 100-step loop and the final prediction.
"""


def make_data(synthetic):
    return {"kernel": synthetic.glorot_uniform(21, (1, 1))}


def run(tf, data):
    out = {}
    x = tf.constant([[1], [2], [3], [4]], dtype=tf.float32)
    y_true = tf.constant([[0], [-1], [-2], [-3]], dtype=tf.float32)

    linear_model = tf.layers.Dense(units=1)

    y_pred = linear_model(x)

    sess = tf.Session()
    init = tf.global_variables_initializer()
    sess.run(init)
    linear_model.kernel.load(data["kernel"], sess)

    out["untrained_prediction"] = sess.run(y_pred)

    loss = tf.losses.mean_squared_error(labels=y_true, predictions=y_pred)

    out["loss_before"] = sess.run(loss)

    optimizer = tf.train.GradientDescentOptimizer(0.01)
    train = optimizer.minimize(loss)

    losses = []
    for i in range(100):
        _, loss_value = sess.run((train, loss))
        losses.append(loss_value)
    out["losses_first_steps"] = losses[:5]
    out["loss_final"] = losses[-1]
    out["prediction"] = sess.run(y_pred)
    sess.close()
    return out
