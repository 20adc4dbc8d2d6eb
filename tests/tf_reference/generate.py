"""Regenerate tests/tf_reference/reference.npz by running every case under real TensorFlow,
and tests/tf_reference/api_names.json, the names TF1's namespaces hold.

It also writes tests/tf_reference/graphs.json: the GraphDef of every program in
graph_programs.py as real TF1 builds it (node names, op types, inputs, a few attrs), which
tests/test_graph_def.py compares minigraph's graphs against.

TensorFlow is needed only here, never by the test suite. Install it in a private venv:

    python3 -m venv /tmp/tfvenv
    /tmp/tfvenv/bin/pip install tensorflow-cpu==2.21.0 "tf-keras~=2.21.0" numpy
    export TF_USE_LEGACY_KERAS=1    # tf.compat.v1.layers (case layers_conv) needs tf-keras
    /tmp/tfvenv/bin/python tests/tf_reference/generate.py             # every case
    /tmp/tfvenv/bin/python tests/tf_reference/generate.py softplus    # only these cases: the
                                                                      # others keep their arrays

The cases run under ``tf.compat.v1`` with eager execution and v2 behaviour disabled, i.e.
TF1 graph semantics (reference variables, Session, feed_dict). The output holds only plain
arrays (no pickle): keys ``<case>/<kind>/<name>`` as documented in ``cases.collect``, plus
``meta/...`` (TensorFlow and numpy versions, the case list).
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import tensorflow as tf2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases  # noqa: E402
import graph_programs  # noqa: E402

OUT = os.path.join(HERE, "reference.npz")
API_NAMES = os.path.join(HERE, "api_names.json")
GRAPHS = os.path.join(HERE, "graphs.json")
#: the namespaces whose public names api_names.json records ("" is tf.compat.v1 itself)
NAMESPACES = ("", "nn", "math", "linalg")

# Cases whose tf.Variables are generated as resource variables instead of TF1's reference
# variables. With reference variables, `sess.run([loss, updates])` in the lecture's program is
# a data race: `Assign` writes the variable's buffer in place, and the gradient op
# `d(y_pred) @ w2^T` may read w2 after `w2.assign(...)` already ran (it usually does: TF's
# loss curve then follows a numpy simulation that uses the *updated* w2 for grad_w1, and
# differs from the read-before-update curve by up to 0.27% by step 11; repeated TF runs also
# differ from each other by up to 2.5e-4). That is not reproducible, so these cases are
# generated with resource variables, whose reads all happen before the updates within one run
# -- the deterministic semantics minigraph implements. Other cases keep reference variables
# (e.g. `variable_dtype`, where a TF1 Variable's dtype is float32_ref).
RESOURCE_VARIABLE_CASES = {"lecture_variables", "lecture_optimizer"}


def write_api_names(tf):
    """The public names of TF1's namespaces (tf.compat.v1 and its nn, math, linalg), as JSON:
    minigraph's tests check that every op function it exports there is TF1's."""
    names = {}
    for space in NAMESPACES:
        module = tf
        for part in filter(None, space.split(".")):
            module = getattr(module, part)
        names[space] = sorted(n for n in dir(module) if not n.startswith("_"))
    names["meta/tensorflow_version"] = tf2.__version__
    with open(API_NAMES, "w") as f:
        json.dump(names, f, indent=0, sort_keys=True)
        f.write("\n")
    print("wrote %s" % API_NAMES)


def write_graphs(tf):
    """graphs.json: each program of graph_programs.py as real TF1's GraphDef describes it."""
    out = {}
    for name in graph_programs.all_programs():
        graph = tf.Graph()
        with graph.as_default():
            returned = graph_programs.get_program(name)(tf)
        out[name] = graph_programs.describe_tf_graph(graph.as_graph_def(), returned)
    out["meta/tensorflow_version"] = tf2.__version__
    with open(GRAPHS, "w") as f:
        json.dump(out, f, indent=0, sort_keys=True)
        f.write("\n")
    print("wrote %s (%d programs)" % (GRAPHS, len(out) - 1))


def main(only=()):
    tf2.get_logger().setLevel("ERROR")
    tf = tf2.compat.v1
    tf.disable_eager_execution()
    tf.disable_v2_behavior()
    tf.logging.set_verbosity(tf.logging.ERROR)
    write_api_names(tf)
    write_graphs(tf)
    arrays = {}
    if only:  # keep the other cases' arrays as they are
        with np.load(OUT, allow_pickle=False) as old:
            arrays = {k: old[k] for k in old.files
                      if k.split("/")[0] not in only and not k.startswith("meta/")}
    for name in cases.all_cases():
        if only and name not in only:
            continue
        if name in RESOURCE_VARIABLE_CASES:
            tf.enable_resource_variables()
        try:
            rec = cases.collect(tf, cases.get_case(name))
        finally:
            tf.disable_resource_variables()
        for key, value in rec.items():
            value = np.asarray(value)
            if value.dtype == object:
                raise TypeError("%s/%s is an object array" % (name, key))
            arrays["%s/%s" % (name, key)] = value
        print("%-28s %d arrays" % (name, len(rec)))
    arrays["meta/cases"] = np.array(cases.all_cases())
    arrays["meta/tensorflow_version"] = np.array(tf2.__version__)
    arrays["meta/numpy_version"] = np.array(np.__version__)
    np.savez_compressed(OUT, **arrays)
    print("wrote %s (%d arrays, %d bytes)" % (OUT, len(arrays), os.path.getsize(OUT)))


if __name__ == "__main__":
    main(tuple(sys.argv[1:]))
