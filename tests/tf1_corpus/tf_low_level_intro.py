"""The TF1 low-level API guide, "Introduction": graphs, sessions, feeding, datasets, layers.

Source: TensorFlow documentation, tensorflow/docs, site/en/r1/guide/low_level_intro.md
  (the TF 1.x "Low Level APIs > Introduction" guide), https://github.com/tensorflow/docs/blob/
  master/site/en/r1/guide/low_level_intro.md
License: code samples Apache License 2.0; page text CC BY 4.0. Written anew after the guide's
  listings (sections "Tensor Values" to "Layer Function shortcuts"), in its order.
  Its "Feature columns" and "Training" sections are the programs
  tf_low_level_intro_feature_columns and tf_low_level_intro_training.
Changes:
- ``print`` becomes returned values: the tensors' printed names, fetched values;
- TensorBoard: ``tf.summary.FileWriter('.')`` writes into a temporary directory instead;
- ``tf.random_uniform`` and ``tf.random_normal`` draw from TF's random streams: what is
  compared is what does not depend on them (vec + 2 - (vec + 1) == 1 within one run, two runs
  differ, the values lie in [0, 1), the ten rows of the random dataset all arrive);
- the Dense layers' kernels (glorot-uniform draws in the original) are loaded afterwards with
  numpy values from the data (``Variable.load``), so both engines compute the same outputs.
"""

import shutil
import tempfile

import numpy as np


def make_data(synthetic):
    return {"dense_kernel": synthetic.glorot_uniform(11, (3, 1)),
            "dense_kernel_shortcut": synthetic.glorot_uniform(12, (3, 1))}


def run(tf, data):
    out = {}
    # Tensor values
    a = tf.constant(3.0, dtype=tf.float32)
    b = tf.constant(4.0)  # also tf.float32 implicitly
    total = a + b
    out["names"] = np.array([a.name, b.name, total.name])

    # TensorBoard
    logdir = tempfile.mkdtemp()
    writer = tf.summary.FileWriter(logdir)
    writer.add_graph(tf.get_default_graph())
    writer.flush()

    # Session
    sess = tf.Session()
    out["total"] = sess.run(total)
    fetched = sess.run({'ab': (a, b), 'total': total})
    out["dict_ab"] = np.array(fetched['ab'])
    out["dict_total"] = fetched['total']

    vec = tf.random_uniform(shape=(3,))
    out1 = vec + 1
    out2 = vec + 2
    first, second = sess.run(vec), sess.run(vec)
    o1, o2 = sess.run((out1, out2))
    out["vec_runs_differ"] = np.array(bool(np.any(first != second)))
    out["vec_in_unit_interval"] = np.array(bool(np.all((first >= 0) & (first < 1))))
    out["out2_minus_out1"] = o2 - o1

    # Feeding
    x = tf.placeholder(tf.float32)
    y = tf.placeholder(tf.float32)
    z = x + y
    out["z_scalar"] = sess.run(z, feed_dict={x: 3, y: 4.5})
    out["z_vector"] = sess.run(z, feed_dict={x: [1, 3], y: [2, 4]})

    # Datasets
    my_data = [
        [0, 1, ],
        [2, 3, ],
        [4, 5, ],
        [6, 7, ],
    ]
    slices = tf.data.Dataset.from_tensor_slices(my_data)
    next_item = slices.make_one_shot_iterator().get_next()
    items = []
    while True:
        try:
            items.append(sess.run(next_item))
        except tf.errors.OutOfRangeError:
            break
    out["slices"] = np.array(items)

    r = tf.random_normal([10, 3])
    dataset = tf.data.Dataset.from_tensor_slices(r)
    iterator = dataset.make_initializable_iterator()
    next_row = iterator.get_next()
    sess.run(iterator.initializer)
    rows = []
    while True:
        try:
            rows.append(sess.run(next_row))
        except tf.errors.OutOfRangeError:
            break
    out["random_rows_shape"] = np.array(np.array(rows).shape)

    # Layers
    x = tf.placeholder(tf.float32, shape=[None, 3])
    linear_model = tf.layers.Dense(units=1)
    y = linear_model(x)
    init = tf.global_variables_initializer()
    sess.run(init)
    linear_model.kernel.load(data["dense_kernel"], sess)
    out["dense"] = sess.run(y, {x: [[1, 2, 3], [4, 5, 6]]})
    out["dense_variables"] = np.array([v.name for v in linear_model.variables])

    # Layer Function shortcuts
    x = tf.placeholder(tf.float32, shape=[None, 3])
    y = tf.layers.dense(x, units=1)
    init = tf.global_variables_initializer()
    sess.run(init)
    kernel = [v for v in tf.global_variables() if v.name == "dense_1/kernel:0"][0]
    kernel.load(data["dense_kernel_shortcut"], sess)
    out["dense_shortcut"] = sess.run(y, {x: [[1, 2, 3], [4, 5, 6]]})
    sess.close()
    writer.close()
    shutil.rmtree(logdir, ignore_errors=True)
    return out
