"""TensorFlow-Examples: "Hello World".

Source: aymericdamien/TensorFlow-Examples, examples/1_Introduction/helloworld.py (the TF1
  version, later tensorflow_v1/examples/1_Introduction/helloworld.py),
  https://github.com/aymericdamien/TensorFlow-Examples/blob/master/tensorflow_v1/examples/
  1_Introduction/helloworld.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it.
Changes: ``print(sess.run(hello))`` becomes the returned value: TF1 fetches a string
  constant as ``bytes`` (b'Hello, TensorFlow!'), which is what the original prints.
"""


def make_data(synthetic):
    return {}


def run(tf, data):
    # Simple hello world using TensorFlow
    hello = tf.constant('Hello, TensorFlow!')
    sess = tf.Session()
    value = sess.run(hello)
    sess.close()
    return {"hello": value, "hello_type": type(value).__name__}
