"""Regenerate tests/tf1_corpus/reference.npz: every corpus program run under real TensorFlow.

TensorFlow is needed only here, never by the test suite. In a private venv:

    python3 -m venv /tmp/tfvenv
    /tmp/tfvenv/bin/pip install tensorflow-cpu==2.21.0 "tf-keras~=2.21.0" numpy
    /tmp/tfvenv/bin/python tests/tf1_corpus/generate.py                  # every program
    /tmp/tfvenv/bin/python tests/tf1_corpus/generate.py tf_mnist_deep    # only these: the
                                                                         # others keep theirs

The programs run under ``tf.compat.v1`` with eager execution and v2 behaviour disabled (TF1
graph semantics: reference variables, Session, feed_dict), Keras programs with tf-keras
(TF_USE_LEGACY_KERAS=1, set here), each in a fresh graph with ``tf.set_random_seed(SEED)`` and
``np.random.seed(SEED)`` (corpus.collect). Where a program's original draws random initial
weights, the program keeps that call and then loads numpy values from its data into the
variables (``Variable.load`` / ``set_weights``), so both engines start from the same weights.

Keys of the output (plain arrays, no pickle):
  <program>/<key>                    what run() returned, with seed SEED
  <program>/data_sha256/<array>      fingerprints of the synthetic inputs (synthetic.py)
  <program>/spread/<key>/lo, /hi     for the program's STOCHASTIC keys: the elementwise min and
                                     max over the runs with SEED and every SPREAD_SEEDS seed
                                     (dropout masks, shuffles: TF's random streams)
  meta/...                           TensorFlow and numpy versions, programs, seeds
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")   # tf.compat.v1.layers and tf.keras: tf-keras

import numpy as np  # noqa: E402
import tensorflow as tf2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus  # noqa: E402

OUT = os.path.join(HERE, "reference.npz")


def _run(tf, name, seed):
    module = corpus.load(name)
    # Programs that fetch several updates (or a loss and updates of the variables it reads) in
    # one run race under TF1's reference variables: an Assign may write a buffer that a later
    # op of the same run still reads (see tests/tf_reference/generate.py). Those are generated
    # with resource variables, whose reads all precede the updates within a run: the
    # deterministic semantics minigraph implements.
    if getattr(module, "RESOURCE_VARIABLES", False):
        tf.enable_resource_variables()
    try:
        tf.keras.backend.clear_session()
        return corpus.collect(tf, name, seed)
    finally:
        tf.disable_resource_variables()


def main(only=()):
    tf2.get_logger().setLevel("ERROR")
    tf = tf2.compat.v1
    tf.disable_eager_execution()
    tf.disable_v2_behavior()
    tf.logging.set_verbosity(tf.logging.ERROR)
    arrays = {}
    if only:
        with np.load(OUT, allow_pickle=False) as old:
            arrays = {k: old[k] for k in old.files
                      if k.split("/")[0] not in only and not k.startswith("meta/")}
    for name in corpus.PROGRAMS:
        if only and name not in only:
            continue
        rec = _run(tf, name, corpus.SEED)
        for key, value in rec.items():
            arrays["%s/%s" % (name, key)] = value
        stochastic = getattr(corpus.load(name), "STOCHASTIC", ())
        if stochastic:
            runs = [rec] + [_run(tf, name, s) for s in corpus.SPREAD_SEEDS]
            for key in stochastic:
                values = np.stack([np.asarray(r[key], dtype=np.float64) for r in runs])
                arrays["%s/spread/%s/lo" % (name, key)] = values.min(axis=0)
                arrays["%s/spread/%s/hi" % (name, key)] = values.max(axis=0)
        print("%-36s %d arrays%s" % (name, len(rec),
                                     ", spread of %d keys" % len(stochastic) if stochastic
                                     else ""))
    arrays["meta/programs"] = np.array(corpus.PROGRAMS)
    arrays["meta/seed"] = np.array(corpus.SEED)
    arrays["meta/spread_seeds"] = np.array(corpus.SPREAD_SEEDS)
    arrays["meta/tensorflow_version"] = np.array(tf2.__version__)
    arrays["meta/numpy_version"] = np.array(np.__version__)
    np.savez_compressed(OUT, **arrays)
    print("wrote %s (%d arrays, %d bytes)" % (OUT, len(arrays), os.path.getsize(OUT)))


if __name__ == "__main__":
    main(tuple(sys.argv[1:]))
