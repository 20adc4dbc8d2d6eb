"""The corpus runner, shared by generate.py (real TensorFlow) and tests/test_tf1_corpus.py.

Every program of the corpus is a module ``tests/tf1_corpus/<name>.py`` with

  make_data(synthetic) -> {name: ndarray or synthetic.DataSets}
      the program's inputs, deterministic (synthetic.py), replacing the original's downloads
  run(tf, data) -> {name: value}
      the program itself, written against ``tf`` (``tensorflow.compat.v1`` or ``minigraph``),
      returning what is compared: losses of the first steps, accuracies, fetched tensors

and optionally

  TOLERANCE = {key: (rtol, atol)}   per returned key, where the default (DEFAULT_TOLERANCE in
                                    the test) is not enough; each with its reason beside it
  STOCHASTIC = (key, ...)           keys that depend on TF's random streams (dropout masks,
                                    shuffles): generate.py runs real TF with SPREAD_SEEDS and
                                    stores their range; minigraph is bounded by it
  RESOURCE_VARIABLES = True         generate with resource variables (see generate.py)

``collect(tf, name, seed)`` runs one program in a fresh graph with ``tf.set_random_seed(seed)``
and numpy's global seed set to ``seed``, and returns ``{key: ndarray}`` plus
``data_sha256/<array>``, the fingerprints of its inputs.
"""

import importlib.util
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
import synthetic  # noqa: E402

#: the programs, in the order of the report table
PROGRAMS = [
    "tf_get_started",
    "tf_low_level_intro",
    "tf_low_level_intro_feature_columns",
    "tf_low_level_intro_training",
    "tf_mnist_softmax",
    "tf_mnist_deep",
    "tf_fully_connected_feed",
    "tf_mnist_with_summaries",
    "aymeric_helloworld",
    "aymeric_basic_operations",
    "aymeric_linear_regression",
    "aymeric_logistic_regression",
    "aymeric_nearest_neighbor",
    "aymeric_multilayer_perceptron",
    "aymeric_convolutional_network_raw",
    "aymeric_autoencoder",
    "aymeric_gan",
    "aymeric_save_restore_model",
    "aymeric_tensorboard_basic",
    "cs20_linreg_dataset",
    "cs20_logreg",
    "cs20_variable_sharing",
    "cs231n_simple_model",
    "keras_mnist_mlp",
    "keras_mnist_cnn",
]

#: the seed of the compared run; STOCHASTIC keys are also run with SPREAD_SEEDS under TF
SEED = 0
SPREAD_SEEDS = (1, 2, 3, 4, 5)

_modules = {}


def load(name):
    if name not in _modules:
        spec = importlib.util.spec_from_file_location("tf1_corpus_" + name,
                                                      os.path.join(HERE, name + ".py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _modules[name] = module
    return _modules[name]


def arrays_of(data):
    """Every ndarray in a program's data, by a path-like name."""
    out = {}
    for key, value in data.items():
        if isinstance(value, np.ndarray):
            out[key] = value
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                out["%s/%d" % (key, i)] = v
        elif hasattr(value, "arrays"):
            for k, v in value.arrays().items():
                out["%s/%s" % (key, k)] = v
    return out


def collect(tf, name, seed=SEED):
    module = load(name)
    data = module.make_data(synthetic)
    out = {"data_sha256/" + k: np.array(synthetic.fingerprint(v))
           for k, v in arrays_of(data).items()}
    np.random.seed(seed)
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        results = module.run(tf, data)
    for key, value in results.items():
        value = np.asarray(value)
        if value.dtype == object:
            raise TypeError("%s/%s is an object array" % (name, key))
        out[key] = value
    return out
