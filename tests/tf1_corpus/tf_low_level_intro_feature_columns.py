"""The TF1 low-level API guide, "Introduction", section "Feature columns".

Source: TensorFlow documentation, tensorflow/docs, site/en/r1/guide/low_level_intro.md,
  https://github.com/tensorflow/docs/blob/master/site/en/r1/guide/low_level_intro.md
License: code samples Apache License 2.0; page text CC BY 4.0. Written anew after the
  section's listing, in its order.
Changes: ``print(sess.run(inputs))`` becomes the returned value.
Determinism: no random values.
"""


def make_data(synthetic):
    return {}


def run(tf, data):
    features = {
        'sales': [[5], [10], [8], [9]],
        'department': ['sports', 'sports', 'gardening', 'gardening']}

    department_column = tf.feature_column.categorical_column_with_vocabulary_list(
        'department', ['sports', 'gardening'])
    department_column = tf.feature_column.indicator_column(department_column)

    columns = [
        tf.feature_column.numeric_column('sales'),
        department_column
    ]

    inputs = tf.feature_column.input_layer(features, columns)

    var_init = tf.global_variables_initializer()
    table_init = tf.tables_initializer()
    sess = tf.Session()
    sess.run((var_init, table_init))
    value = sess.run(inputs)
    sess.close()
    return {"inputs": value}
