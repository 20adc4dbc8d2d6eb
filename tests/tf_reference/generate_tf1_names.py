"""Write minigraph/_tf1_names.py: TF1's public names, namespace by namespace, as real
TensorFlow holds them. minigraph ships that file so that a TF1 name it lacks
(``tf.estimator``, ``tf.nn.conv3d``, ``tf.contrib.rnn``) gives an AttributeError saying so
(see minigraph/_missing.py), while a misspelt name gives Python's usual one.

It also writes tests/tf_reference/tf1_signatures.json, which tests/test_lessons.py checks the
lessons' code against (``tf.RunOptions(keep_values=True)`` is not TF1, nor is
``sess.run_steps``). One line per name, sorted:

- ``callables``: ``"tf.nn.relu": {"kind": ..., "params": [...], "kwargs": bool}`` for every
  public callable of the recorded namespaces: a function's parameters, a class's
  ``__init__`` parameters, a protobuf message's fields (``tf.RunOptions(trace_level=...)``),
  and whether it takes ``**kwargs``. A name for a callable recorded under an earlier name
  (``tf.math.add`` is ``tf.add``) is ``{"alias": "tf.add"}``. For Keras layers and (legacy)
  optimizers, whose ``**kwargs`` their base class checks against a fixed set,
  ``known_kwargs`` is that set (read from tf_keras's source: ``allowed_kwargs`` in
  ``Layer.__init__`` and ``OptimizerV2.__init__``) plus the base ``__init__``'s parameters.
- ``attributes``: the public attributes of the classes and values of the recorded
  namespaces outside ``keras`` and ``layers`` (``tf.RunOptions.FULL_TRACE``,
  ``tf.GraphKeys.UPDATE_OPS``, ``tf.float32.as_numpy_dtype``); a protobuf message's include
  its enum values and nested types.
- ``objects``: the public attributes of the TF1 objects lessons call methods on, taken from
  live instances in a TF1 graph: ``Session`` (``sess.``), ``RunMetadata``, ``RunOptions``,
  ``Operation``, ``Tensor``, ``Graph``, ``Variable`` (reference and resource variables),
  ``Model`` (Keras ``Model`` and ``Sequential``: ``model.``).
- ``modules``: the members that are namespaces (``tf.contrib.rnn``): their names are recorded
  only if they are in ``NAMESPACES``.

TF1-only callables (``tf.contrib.layers.xavier_initializer``) have the signatures of
``TF1_SIGNATURES`` below, copied from TF 1.x's sources.

TensorFlow is needed only here, never by minigraph or the tests. With the private venv of
tests/tf_reference/generate.py:

    /tmp/tfvenv/bin/python tests/tf_reference/generate_tf1_names.py

"TF1" is ``tf.compat.v1`` of that TensorFlow (2.21) with the legacy Keras (``tf_keras``) that
``tf.compat.v1.keras`` is in TF1 programs. TF 2 no longer has ``tf.contrib`` (gone in 2.0)
nor ``tf.estimator`` (gone in 2.16): those few names are listed below by hand, from TF 1.x's
own sources (``tensorflow/contrib/__init__.py``, and the ``@@`` list and ``_allowed_symbols``
of ``tensorflow/contrib/layers/__init__.py`` of TF 1.13-1.15), and kept apart in the output.
"""

import ast
import inspect
import json
import os
import sys
import textwrap
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")   # tf.compat.v1.keras is tf_keras's

import tensorflow as tf2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, os.pardir, os.pardir, "minigraph", "_tf1_names.py")
SIGNATURES = os.path.join(HERE, "tf1_signatures.json")

#: the namespaces recorded: those minigraph has (tests/test_tf1_names.py fails when minigraph
#: gains a TF1 namespace missing here) and those other parts of TF1 tutorials reach for
NAMESPACES = (
    "", "app", "flags", "gfile", "nn", "math", "linalg", "train", "layers", "losses",
    "summary", "initializers", "errors", "dtypes", "config", "data", "data.experimental",
    "feature_column",
    "logging", "random", "keras", "keras.layers", "keras.models", "keras.optimizers", "keras.losses",
    "keras.metrics", "keras.callbacks", "keras.activations", "keras.initializers",
    "keras.backend", "keras.utils", "keras.datasets", "keras.regularizers",
    "keras.constraints",
)

#: TF 1.x names TF 2.21's tf.compat.v1 no longer has, from TF 1.x's sources (see above)
TF1_ONLY = {
    "": ["contrib", "estimator"],
    # tensorflow/contrib/__init__.py (TF 1.2 and TF 1.13 together)
    "contrib": """autograph batching bayesflow checkpoint cloud cluster_resolver coder compiler
        constrained_optimization copy_graph crf cudnn_rnn data deprecated distribute
        distributions eager estimator factorization feature_column ffmpeg framework gan
        graph_editor grid_rnn image input_pipeline integrate keras kernel_methods
        labeled_tensor layers learn legacy_seq2seq linalg linear_optimizer lite lookup losses
        memory_stats metrics mixed_precision model_pruning nccl ndlstm nn opt optimizer_v2
        periodic_resample predictor proto quantization quantize receptive_field recurrent
        reduce_slice_ops remote_fused_graph resampler rnn rpc saved_model seq2seq signal slim
        solvers sparsemax specs staging stat_summarizer stateless summary tensor_forest
        tensorboard testing tfprof timeseries tpu training util""".split(),
    # tensorflow/contrib/layers/__init__.py (TF 1.13-1.15): its @@ list and _allowed_symbols
    "contrib.layers": """avg_pool2d avg_pool3d batch_norm convolution convolution1d
        convolution2d convolution3d conv2d_in_plane convolution2d_in_plane conv2d_transpose
        convolution2d_transpose conv3d_transpose convolution3d_transpose dense_to_sparse
        dropout elu embedding_lookup_unique flatten fully_connected GDN gdn
        images_to_sequence layer_norm linear max_pool2d max_pool3d one_hot_encoding relu
        relu6 repeat recompute_grad RevBlock rev_block safe_embedding_lookup_sparse
        scale_gradient separable_conv2d separable_convolution2d sequence_to_images softmax
        spatial_softmax stack unit_norm bow_encoder embed_sequence maxout
        apply_regularization l1_l2_regularizer l1_regularizer l2_regularizer sum_regularizer
        xavier_initializer xavier_initializer_conv2d variance_scaling_initializer
        optimize_loss summarize_activation summarize_tensor summarize_tensors
        summarize_collection summarize_activations bucketized_column check_feature_columns
        create_feature_spec_for_parsing crossed_column embedding_column
        scattered_embedding_column input_from_feature_columns transform_features
        joint_weighted_sum_from_feature_columns make_place_holder_tensors_for_base_features
        multi_class_target one_hot_column parse_feature_columns_from_examples
        parse_feature_columns_from_sequence_examples real_valued_column
        shared_embedding_columns sparse_column_with_hash_bucket
        sparse_column_with_integerized_feature sparse_column_with_keys
        sparse_column_with_vocabulary_file weighted_sparse_column
        weighted_sum_from_feature_columns infer_real_valued_columns
        sequence_input_from_feature_columns group_norm instance_norm
        bias_add conv1d conv2d conv3d feature_column legacy_fully_connected legacy_linear
        legacy_relu OPTIMIZER_CLS_NAMES OPTIMIZER_SUMMARIES regression_target
        SPARSE_FEATURE_CROSS_DEFAULT_HASH_KEY summaries""".split(),
}


#: signatures of TF1-only callables: name -> (parameters, takes **kwargs). From
#: tensorflow/contrib/layers/python/layers/initializers.py of TF 1.x (1.0-1.15):
#:   def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32)
#:   xavier_initializer_conv2d = xavier_initializer
#:   def variance_scaling_initializer(factor=2.0, mode='FAN_IN', uniform=False, seed=None,
#:                                    dtype=dtypes.float32)
TF1_SIGNATURES = {
    "tf.contrib.layers.xavier_initializer": (["uniform", "seed", "dtype"], False),
    "tf.contrib.layers.xavier_initializer_conv2d": (["uniform", "seed", "dtype"], False),
    "tf.contrib.layers.variance_scaling_initializer": (
        ["factor", "mode", "uniform", "seed", "dtype"], False),
}


def module_of(tf, space):
    module = tf
    for part in filter(None, space.split(".")):
        module = getattr(module, part)
    return module


def public(names):
    return sorted(n for n in names if not n.startswith("_"))


def names_of(tf, space):
    return public(dir(module_of(tf, space)))


def render(names, tf1_only, version):
    lines = [
        '"""TF1\'s public names, namespace by namespace (``""`` is ``tf`` itself).',
        "",
        "Written by tests/tf_reference/generate_tf1_names.py from ``tf.compat.v1`` of TensorFlow",
        "%s; do not edit. ``TF1_ONLY`` are TF 1.x names TF 2 no longer has"
        " (``tf.contrib``," % version,
        "``tf.estimator``), taken from TF 1.x's sources. minigraph/_missing.py reads this to",
        "say \"TF1's tf.nn.conv3d is not in minigraph (yet)\" instead of a bare AttributeError.",
        '"""',
        "",
        "TENSORFLOW_VERSION = %r" % version,
        "",
        "#: namespace -> its names, separated by spaces",
        "NAMES = {",
    ]

    def entry(space, words):
        text = textwrap.fill(" ".join(words), width=90, break_on_hyphens=False,
                             break_long_words=False)
        lines.append("    %r: \"\"\"" % space)
        lines.extend(text.splitlines())
        lines.append('""",')

    for space in sorted(names):
        entry(space, names[space])
    lines.append("}")
    lines.append("")
    lines.append("#: the part of NAMES that comes from TF 1.x's sources, not from TF %s" % version)
    lines.append("TF1_ONLY = {")
    for space in sorted(tf1_only):
        entry(space, sorted(tf1_only[space]))
    lines.append("}")
    return "\n".join(lines) + "\n"


#: values whose attributes are Python's, not TF's (tf.VERSION is a str)
PLAIN = (str, bytes, int, float, bool, tuple, list, dict, type(None))


def is_message(obj):
    from google.protobuf.message import Message
    return inspect.isclass(obj) and issubclass(obj, Message)


def message_attributes(cls):
    """A protobuf message class's fields, enum values, enum and nested types and methods
    (``dir`` of upb's classes lists neither the enum values nor the fields)."""
    d = cls.DESCRIPTOR
    names = set(dir(cls)) | set(d.fields_by_name) | set(d.nested_types_by_name)
    for enum in d.enum_types:
        names.add(enum.name)
        names.update(v.name for v in enum.values)
    return public(names)


def parameters(obj):
    """(parameter names a call may pass by keyword, takes **kwargs) or None."""
    try:
        if inspect.isclass(obj):
            init = obj.__dict__.get("__init__") or getattr(obj, "__init__", None)
            if init is not None and init is not object.__init__ and \
                    inspect.isfunction(inspect.unwrap(init)):
                sig = inspect.signature(init)
                sig = sig.replace(parameters=list(sig.parameters.values())[1:])   # self
            else:
                sig = inspect.signature(obj)
        else:
            sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    kinds = inspect.Parameter
    names = [p.name for p in sig.parameters.values()
             if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)]
    kwargs = any(p.kind == kinds.VAR_KEYWORD for p in sig.parameters.values())
    return names, kwargs


def allowed_kwargs(method):
    """The ``allowed_kwargs = {...}`` set literal in a method's source (tf_keras's
    ``Layer.__init__`` and ``OptimizerV2.__init__`` check **kwargs against it)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Set) and \
                any(getattr(t, "id", None) == "allowed_kwargs" for t in node.targets):
            return sorted(ast.literal_eval(node.value))
    raise LookupError("no allowed_kwargs in %s" % method.__qualname__)


def keras_known_kwargs():
    """{base class: keywords its **kwargs accept} for Keras layers and legacy optimizers."""
    from tf_keras.src.engine.base_layer import Layer
    from tf_keras.src.optimizers.legacy.optimizer_v2 import OptimizerV2
    known = {}
    for base in (Layer, OptimizerV2):
        own, _ = parameters(base)
        known[base] = sorted(set(own) | set(allowed_kwargs(base.__init__)))
    return known


def object_attributes(tf):
    """The public attributes of live TF1 objects, built in a TF1 graph."""
    objects = {}
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        ref = tf.Variable(tf.zeros([2, 1]), use_resource=False)
        resource = tf.Variable(tf.zeros([2, 1]), use_resource=True)
        y = tf.matmul(x, ref)
        sess = tf.Session()
        objects["Session"] = set(dir(sess)) | set(dir(tf.InteractiveSession))
        sess.close()
        objects["Graph"] = dir(graph)
        objects["Tensor"] = dir(y)
        objects["Operation"] = dir(y.op)
        objects["Variable"] = set(dir(ref)) | set(dir(resource))
        for cls in (tf.RunMetadata, tf.RunOptions):
            objects[cls.__name__] = set(dir(cls())) | set(message_attributes(cls))
        model = tf.keras.models.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
        inputs = tf.keras.layers.Input(shape=(2,))
        functional = tf.keras.models.Model(inputs, tf.keras.layers.Dense(1)(inputs))
        objects["Model"] = set(dir(model)) | set(dir(functional))
    return {name: public(attrs) for name, attrs in objects.items()}


def signatures(tf):
    callables, attributes, modules = {}, {}, set()
    first_name = {}   # id of a callable -> the name its signature is recorded under
    known = keras_known_kwargs()
    for space in NAMESPACES:
        module = module_of(tf, space)
        for name in names_of(tf, space):
            obj = getattr(module, name)
            full = ".".join(["tf"] + list(filter(None, [space, name])))
            if isinstance(obj, types.ModuleType):
                modules.add(full)
                continue
            if is_message(obj):
                callables[full] = {"kind": "message",
                                   "params": sorted(obj.DESCRIPTOR.fields_by_name),
                                   "kwargs": False}
                attributes[full] = message_attributes(obj)
                continue
            if space.partition(".")[0] not in ("keras", "layers") and not isinstance(obj, PLAIN) \
                    and (inspect.isclass(obj) or not callable(obj)):
                attributes[full] = public(dir(obj))
            if not callable(obj):
                continue
            if id(obj) in first_name:
                callables[full] = {"alias": first_name[id(obj)]}
                continue
            found = parameters(obj)
            if found is None:
                continue   # a builtin without a signature: nothing to check keywords against
            entry = {"kind": "class" if inspect.isclass(obj) else "function",
                     "params": found[0], "kwargs": found[1]}
            if found[1] and inspect.isclass(obj):
                for base, keywords in known.items():
                    if issubclass(obj, base):
                        entry["known_kwargs"] = sorted(set(keywords) - set(found[0]))
            callables[full] = entry
            first_name[id(obj)] = full
    # tf.contrib, tf.estimator and tf.contrib.* are namespaces; tf.contrib.layers' names are
    # functions and constants
    modules.update("tf." + name for name in TF1_ONLY[""])
    modules.update("tf.contrib." + name for name in TF1_ONLY["contrib"])
    for full, (params, kwargs) in TF1_SIGNATURES.items():
        callables[full] = {"kind": "function", "params": params, "kwargs": kwargs,
                           "source": "TF 1.x tensorflow/contrib/layers/python/layers/"
                                     "initializers.py"}
    return callables, attributes, sorted(modules)


def write_signatures(tf):
    callables, attributes, modules = signatures(tf)
    import tf_keras
    meta = {"tensorflow": tf2.__version__, "tf_keras": tf_keras.__version__,
            "written_by": "tests/tf_reference/generate_tf1_names.py"}

    def section(key, mapping):
        rows = ["%s: %s" % (json.dumps(k), json.dumps(v, sort_keys=True))
                for k, v in sorted(mapping.items())]
        return "%s: {\n%s\n}" % (json.dumps(key), ",\n".join(rows))

    parts = [section("meta", meta), section("callables", callables),
             section("attributes", attributes),
             section("objects", object_attributes(tf)),
             "%s: %s" % (json.dumps("modules"), json.dumps(modules))]
    with open(SIGNATURES, "w") as f:
        f.write("{\n" + ",\n".join(parts) + "\n}\n")
    print("wrote %s (%d callables, %d bytes)"
          % (os.path.normpath(SIGNATURES), len(callables), os.path.getsize(SIGNATURES)))


def main():
    tf = tf2.compat.v1
    names = {space: names_of(tf, space) for space in NAMESPACES}
    for space, extra in TF1_ONLY.items():
        names[space] = sorted(set(names.get(space, ())) | set(extra))
    with open(OUT, "w") as f:
        f.write(render(names, TF1_ONLY, tf2.__version__))
    print("wrote %s (%d namespaces, %d names, %d bytes)"
          % (os.path.normpath(OUT), len(names), sum(map(len, names.values())),
             os.path.getsize(OUT)))
    write_signatures(tf)


if __name__ == "__main__":
    sys.exit(main())
