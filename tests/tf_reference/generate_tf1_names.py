"""Write minigraph/_tf1_names.py: TF1's public names, namespace by namespace, as real
TensorFlow holds them. minigraph ships that file so that a TF1 name it lacks
(``tf.estimator``, ``tf.nn.conv3d``, ``tf.contrib.rnn``) gives an AttributeError saying so
(see minigraph/_missing.py), while a misspelt name gives Python's usual one.

TensorFlow is needed only here, never by minigraph or the tests. With the private venv of
tests/tf_reference/generate.py:

    /tmp/tfvenv/bin/python tests/tf_reference/generate_tf1_names.py

"TF1" is ``tf.compat.v1`` of that TensorFlow (2.21) with the legacy Keras (``tf_keras``) that
``tf.compat.v1.keras`` is in TF1 programs. TF 2 no longer has ``tf.contrib`` (gone in 2.0)
nor ``tf.estimator`` (gone in 2.16): those few names are listed below by hand, from TF 1.x's
own sources (``tensorflow/contrib/__init__.py``, and the ``@@`` list and ``_allowed_symbols``
of ``tensorflow/contrib/layers/__init__.py`` of TF 1.13-1.15), and kept apart in the output.
"""

import os
import sys
import textwrap

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")   # tf.compat.v1.keras is tf_keras's

import tensorflow as tf2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, os.pardir, os.pardir, "minigraph", "_tf1_names.py")

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


def names_of(tf, space):
    module = tf
    for part in filter(None, space.split(".")):
        module = getattr(module, part)
    return sorted(n for n in dir(module) if not n.startswith("_"))


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


if __name__ == "__main__":
    sys.exit(main())
