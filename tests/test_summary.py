"""tf.summary: summary ops in the graph, FileWriter writing real TensorBoard event files,
and the graph as a GraphDef.

Truth is TensorBoard's own reader (``EventAccumulator``) and numpy: what we write must read
back through TensorBoard exactly as fetched from the session.
"""

import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.graphdef import as_graph_def
from minigraph.op_def import OpDef
from minigraph.ops.summary_ops import SummaryRecord, default_bucket_limits, histogram_of
from minigraph.tensor_shape import TensorShape
from minigraph.trace import of as trace_of, traced_run
from minigraph.events import read_events

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

FULL = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)


def accumulator(logdir):
    keep_all = {kind: 0 for kind in event_accumulator.DEFAULT_SIZE_GUIDANCE}
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance=keep_all)
    acc.Reload()
    return acc


def regression():
    """A small linear model with scoped names, summaries and a training op."""
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    y = tf.placeholder(tf.float32, (None, 1), name="y")
    with tf.name_scope("layer"):
        w = tf.Variable(rng.normal(size=(3, 1)).astype(np.float32), name="w")
        h = tf.matmul(x, w)
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.square(h - y))
    grad_w, = tf.gradients(loss, [w])
    train = w.assign_sub(0.1 * grad_w)
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("weights", w)
    tf.summary.histogram("activations", h)
    data = {x: rng.normal(size=(16, 3)), y: rng.normal(size=(16, 1))}
    return dict(x=x, y=y, w=w, h=h, loss=loss, train=train, feed=data)


# ------------------------------------------------------------------------- the graph side

def test_summary_ops_are_string_tensors_in_the_summaries_collection():
    x = tf.constant([1.0, 2.0])
    s = tf.summary.scalar("mean", tf.reduce_mean(x))
    hist = tf.summary.histogram("x", x)
    other = tf.summary.scalar("other", tf.reduce_sum(x), collections=["mine"])
    assert s.dtype == tf.string and s.shape == TensorShape([])
    assert (s.op.type, hist.op.type) == ("ScalarSummary", "HistogramSummary")
    assert s.op.opdef.kind == hist.op.opdef.kind == "summary"
    assert not s.op.opdef.differentiable
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [s, hist]
    assert tf.get_collection("mine") == [other]


def test_tags_follow_name_scopes_and_are_unique():
    x = tf.constant(1.0)
    a = tf.summary.scalar("loss", x)
    b = tf.summary.scalar("loss", x)
    with tf.name_scope("train"):
        c = tf.summary.scalar("loss", x)
    d = tf.summary.scalar("acc", x, family="metrics")
    e = tf.summary.scalar("bad name!", x)
    assert [_tag(t) for t in (a, b, c)] == ["loss", "loss_1", "train/loss"]
    assert [t.op.name for t in (a, b, c)] == ["loss", "loss_1", "train/loss"]
    assert _tag(d) == "metrics/metrics/acc"      # TF1's summary_scope, exactly
    assert _tag(e) == "bad_name_"


def _tag(summary):
    """The tag of a summary op: as in TF1, its first input is a string Const."""
    tag = summary.op.inputs[0]
    assert tag.op.type == "Const" and tag.dtype == tf.string
    return tag.op.attrs["value"].item().decode()   # strings are bytes, as in TF1


def test_summary_ops_are_built_as_tf1_builds_them():
    x = tf.placeholder(tf.float32, (), name="x")
    w = tf.placeholder(tf.float32, (3, 4), name="w")
    s = tf.summary.scalar("loss", x)
    h = tf.summary.histogram("w", w)
    assert [t.op.name for t in s.op.inputs] == ["loss/tags", "x"]
    assert [t.op.name for t in h.op.inputs] == ["w_1/tag", "w"]   # "w" is the placeholder
    assert h.op.name == "w_1" and _tag(h) == "w_1"
    merged = tf.summary.merge_all()
    assert merged.op.name == "Merge/MergeSummary"
    assert merged.op.inputs == (s, h)
    named = tf.summary.merge([s], name="mine")
    assert named.op.name == "mine/mine"      # TF1: the op takes the name inside its scope
    # a Python value becomes <name>/values, after the tag
    v = tf.summary.scalar("v", 2.0)
    assert [t.op.name for t in v.op.inputs] == ["v/tags", "v/values"]
    with tf.Session() as sess:
        rec = sess.run(tf.summary.merge([s, h, v]), {x: 1.5, w: np.ones((3, 4))})
    assert rec.tags == ["loss", "w_1", "v"]
    assert [r.value for r in rec.values if r.kind == "scalar"] == [1.5, 2.0]


def test_scalar_needs_a_real_scalar():
    with pytest.raises(ValueError, match="scalar"):
        tf.summary.scalar("v", tf.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="real"):
        tf.summary.scalar("b", tf.constant(True))
    p = tf.placeholder(tf.float32, None)            # unknown rank: checked when it runs
    s = tf.summary.scalar("p", p)
    with tf.Session() as sess:
        assert sess.run(s, {p: 3.0}).values[0].value == 3.0
        with pytest.raises(errors.InvalidArgumentError, match="same shape"):
            sess.run(s, {p: [1.0, 2.0]})


def test_run_value_is_a_plain_record():
    x = tf.constant([[1.0, -2.0], [0.0, 4.0]])
    s = tf.summary.scalar("m", tf.reduce_mean(x))
    hist = tf.summary.histogram("x", x)
    with tf.Session() as sess:
        rec, hrec = sess.run([s, hist])
    assert isinstance(rec, SummaryRecord)
    (v,) = rec.values
    assert (v.tag, v.kind, v.value) == ("m", "scalar", 0.75)
    (h,) = hrec.values
    assert (h.tag, h.kind) == ("x", "histogram")
    assert (h.value.min, h.value.max, h.value.num, h.value.sum, h.value.sum_squares) == \
        (-2.0, 4.0, 4.0, 3.0, 21.0)


def test_merge_all_collects_every_summary_and_only_those():
    assert tf.summary.merge_all() is None
    x = tf.constant([1.0, 2.0, 3.0])
    tf.summary.scalar("a", tf.reduce_sum(x))
    tf.summary.histogram("b", x)
    with tf.name_scope("s"):
        tf.summary.scalar("c", tf.reduce_max(x))
    tf.summary.scalar("elsewhere", tf.reduce_min(x), collections=["eval"])
    merged = tf.summary.merge_all()
    assert merged.op.type == "MergeSummary"
    assert merged.op.inputs == tuple(tf.get_collection(tf.GraphKeys.SUMMARIES))
    assert merged not in tf.get_collection(tf.GraphKeys.SUMMARIES)   # merge adds none
    only_eval = tf.summary.merge_all(key="eval")
    with tf.Session() as sess:
        rec, ev = sess.run([merged, only_eval])
    assert rec.tags == ["a", "b", "s/c"]
    assert [v.value for v in rec.values if v.kind == "scalar"] == [6.0, 3.0]
    assert ev.tags == ["elsewhere"]


def test_merge_of_merges_and_duplicate_tags():
    x = tf.constant(2.0)
    a = tf.summary.scalar("a", x)
    b = tf.summary.scalar("b", x * 2.0)
    ab = tf.summary.merge([a, b])
    both = tf.summary.merge([ab, tf.summary.scalar("c", x * 3.0)])
    dup = tf.summary.merge([ab, a])
    with tf.Session() as sess:
        assert [v.value for v in sess.run(both).values] == [2.0, 4.0, 6.0]
        with pytest.raises(errors.InvalidArgumentError, match="Duplicate tag a"):
            sess.run(dup)
    with pytest.raises(TypeError, match="summary tensors"):
        tf.summary.merge([x])


def test_summaries_run_only_when_fetched():
    m = regression()
    bad = tf.summary.histogram("bad", tf.constant([np.nan], tf.float32))
    merged = tf.summary.merge_all()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        md = tf.RunMetadata()
        sess.run(m["loss"], m["feed"], options=FULL, run_metadata=md)
        executed = {op.type for op in trace_of(md).executed}
        assert not executed & {"ScalarSummary", "HistogramSummary", "MergeSummary"}
        assert trace_of(md).ran(m["loss"])
        # fetching the summaries runs them, and a NaN is reported naming its tag
        with pytest.raises(errors.InvalidArgumentError, match="Nan in summary histogram for: "
                           "bad"):
            sess.run(merged, m["feed"])
        with pytest.raises(errors.InvalidArgumentError, match="Infinity"):
            sess.run(tf.summary.histogram("inf", tf.constant([1.0, np.inf])))
        md = tf.RunMetadata()
        sess.run(tf.get_collection(tf.GraphKeys.SUMMARIES)[0], m["feed"], options=FULL,
                 run_metadata=md)
        assert [op.name for op in trace_of(md).executed if op.opdef.kind == "summary"] == \
            ["loss_1"]
        assert not trace_of(md).ran(bad)


# -------------------------------------------------------------------------------- histograms

def test_default_buckets_are_tfs_exponential_layout():
    limits = default_bucket_limits()
    assert np.all(np.diff(limits) > 0)
    zero = int(np.flatnonzero(limits == 0.0)[0])
    pos = limits[zero + 1:]
    assert pos[0] == 1e-12 and pos[-1] == sys.float_info.max and pos[-2] < 1e20
    np.testing.assert_allclose(pos[1:-1] / pos[:-2], 1.1, rtol=1e-12)
    np.testing.assert_array_equal(limits[:zero], -pos[::-1])
    assert len(pos) == math.ceil(math.log(1e32) / math.log(1.1)) + 1  # 1e-12 .. 1e20, + max


@pytest.mark.parametrize("values", [
    np.array([0.0]), np.array([1.0, 1.0, 2.5, -3.0, 0.0, 1e-13]),
    np.random.default_rng(1).normal(size=1000) * 100, np.array([]),
    np.arange(-5, 6, dtype=np.int32)])
def test_histogram_counts_each_value_in_its_bucket(values):
    h = histogram_of(values)
    x = values.astype(np.float64)
    assert h.num == x.size and sum(h.bucket) == x.size
    if x.size:
        assert (h.min, h.max) == (x.min(), x.max())
    else:
        assert h.min > h.max
    assert h.sum == pytest.approx(x.sum(), rel=1e-12, abs=1e-300)
    assert h.sum_squares == pytest.approx((x * x).sum(), rel=1e-12, abs=1e-300)
    limits = np.array(h.bucket_limit)
    assert np.all(np.diff(limits) > 0)
    lower = np.concatenate([[-np.inf], limits[:-1]])
    for lo, hi, count in zip(lower, limits, h.bucket):
        assert count == np.sum((x >= lo) & (x < hi)), (lo, hi)
    # no two empty buckets in a row (TF collapses runs of them)
    empty = np.array(h.bucket) == 0
    assert not np.any(empty[1:] & empty[:-1])


# ------------------------------------------------------------------- writing and reading back

def train_and_write(logdir, steps=5):
    m = regression()
    merged = tf.summary.merge_all()
    fetched = []
    with tf.Session() as sess, tf.summary.FileWriter(str(logdir), sess.graph) as writer:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            summary, loss, w, h, _ = sess.run(
                [merged, m["loss"], m["w"], m["h"], m["train"]], m["feed"])
            writer.add_summary(summary, global_step=10 * step)
            fetched.append((10 * step, loss, w, h))
    return m, writer, fetched


def test_scalars_and_histograms_read_back_through_tensorboard(tmp_path):
    m, writer, fetched = train_and_write(tmp_path)
    assert len([f for f in os.listdir(tmp_path) if f.startswith("events.out.tfevents")]) == 1
    acc = accumulator(tmp_path)
    tags = acc.Tags()
    assert sorted(tags["scalars"]) == ["loss_1"]
    assert sorted(tags["histograms"]) == ["activations", "weights"]

    scalars = acc.Scalars("loss_1")
    assert [e.step for e in scalars] == [s for s, *_ in fetched]
    assert [e.value for e in scalars] == [float(np.float32(loss)) for _, loss, _, _ in fetched]
    losses = [loss for _, loss, _, _ in fetched]
    assert losses[-1] < losses[0]            # it did train: the values are real

    for tag, index in [("weights", 2), ("activations", 3)]:
        events = acc.Histograms(tag)
        assert [e.step for e in events] == [s for s, *_ in fetched]
        for e, row in zip(events, fetched):
            values = np.asarray(row[index], np.float64)
            hv = e.histogram_value
            assert hv.min == values.min() and hv.max == values.max()
            assert hv.num == values.size
            assert hv.sum == pytest.approx(values.sum(), rel=1e-12)
            assert hv.sum_squares == pytest.approx((values ** 2).sum(), rel=1e-12)
            assert sum(hv.bucket) == values.size


def test_in_memory_records_match_the_event_files(tmp_path):
    m, writer, fetched = train_and_write(tmp_path, steps=3)
    records = writer.records
    assert len(records) == 3 * 3
    assert [(r.step, r.tag, r.kind) for r in records[:3]] == \
        [(0, "loss_1", "scalar"), (0, "weights", "histogram"), (0, "activations", "histogram")]
    assert records[0].value == float(np.float32(fetched[0][1]))
    read = read_events(str(tmp_path))
    key = lambda r: (r.step, r.tag)  # noqa: E731
    assert sorted(read, key=key) == sorted(records, key=key)   # values, histograms, wall times


def test_add_summary_checks_its_argument_and_accepts_protos(tmp_path):
    from tensorboard.compat.proto import summary_pb2
    s = tf.summary.scalar("a", tf.constant(1.5))
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        with pytest.raises(TypeError, match="sess.run"):
            writer.add_summary(s, 0)
        with pytest.raises(TypeError, match="summary op"):
            writer.add_summary(3.0, 0)
        proto = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="p", simple_value=2.0)])
        writer.add_summary(proto.SerializeToString(), 7)
    assert [(r.step, r.tag, r.value) for r in writer.records] == [(7, "p", 2.0)]
    with pytest.warns(UserWarning, match="closed FileWriter"):
        writer.add_summary(proto, 8)
    assert [(r.step, r.tag, r.value) for r in read_events(str(tmp_path))] == \
        [(7, "p", 2.0)]


def test_filewriter_without_tensorboard_says_how_to_install(tmp_path, monkeypatch):
    for name in list(sys.modules):
        if name == "tensorboard" or name.startswith("tensorboard."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tensorboard", None)   # makes `import tensorboard` fail
    with pytest.raises(ImportError, match=r"pip install minigraph\[tensorboard\]"):
        tf.summary.FileWriter(str(tmp_path))


def test_minigraph_and_summary_ops_need_no_tensorboard():
    code = textwrap.dedent("""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("tensorboard", "google"):
                    raise ImportError("blocked " + name)
        sys.meta_path.insert(0, Block())
        import minigraph as tf
        tf.summary.scalar("a", tf.constant(2.0))
        print(tf.Session().run(tf.summary.merge_all()).values[0].value)
        assert not [m for m in sys.modules if m.startswith(("tensorboard", "google"))]
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "2.0"


# ------------------------------------------------------------------------------- images

def _pil_pixels(png):
    """Pixels decoded by Pillow, an independent PNG reader."""
    import io
    Image = pytest.importorskip("PIL.Image")
    return np.array(Image.open(io.BytesIO(png)))


def test_image_summary_is_built_as_tf1_builds_it():
    x = tf.placeholder(tf.float32, (None, 784), name="x")
    with tf.name_scope("input_reshape"):
        s = tf.summary.image("input", tf.reshape(x, [-1, 28, 28, 1]), 10)
    assert s.op.type == "ImageSummary" and s.op.name == "input_reshape/input"
    assert s.dtype == tf.string and s.shape == TensorShape([])
    assert [t.op.name for t in s.op.inputs] == ["input_reshape/input/tag",
                                                 "input_reshape/Reshape"]
    assert _tag(s) == "input_reshape/input"
    assert s.op.attrs["max_images"] == 10
    assert not s.op.opdef.differentiable and s.op.opdef.kind == "summary"
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [s]
    with pytest.raises(TypeError, match="DataType int32 not in list of allowed values: uint8, "
                                        "float32, float16, float64"):
        tf.summary.image("i", tf.zeros((1, 2, 2, 1), tf.int32))
    with pytest.raises(ValueError, match="'max_images' of 'ImageSummary' Op passed 0 less "
                                         "than minimum 1"):
        tf.summary.image("m", tf.zeros((1, 2, 2, 1)), max_outputs=0)


def test_image_shape_is_checked_when_it_runs_as_in_tf1():
    p = tf.placeholder(tf.float32)
    s = tf.summary.image("p", p)                     # TF1 builds it whatever the shape
    bad = tf.summary.image("two_channels", tf.zeros((1, 2, 2, 2)))
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"Tensor must be 4-D with last dim 1, 3, or 4, not \[2,2\]"):
            sess.run(s, {p: np.zeros((2, 2))})
        with pytest.raises(errors.InvalidArgumentError, match=r"not \[1,2,2,2\]"):
            sess.run(bad)
        assert sess.run(s, {p: np.zeros((0, 2, 2, 1))}).values == ()   # no image, no value


def test_image_tags_max_outputs_and_pixels():
    rng = np.random.default_rng(3)
    grey = rng.uniform(0, 2, size=(5, 3, 4, 1)).astype(np.float32)
    u8 = rng.integers(0, 256, size=(2, 2, 3, 3)).astype(np.uint8)
    s = tf.summary.image("grey", tf.constant(grey), max_outputs=2)
    one = tf.summary.image("u8", tf.constant(u8), max_outputs=1)
    with tf.Session() as sess:
        rec, rec1 = sess.run([s, one])
    assert rec.tags == ["grey/image/0", "grey/image/1"]        # the first max_outputs
    assert rec1.tags == ["u8/image"]                           # max_outputs 1: no index
    for v, image in zip(rec.values, grey):
        assert (v.kind, v.value.height, v.value.width, v.value.colorspace) == \
            ("image", 3, 4, 1)
        want = np.floor(image[..., 0] * np.float32(255.0 / image.max())).astype(np.uint8)
        np.testing.assert_array_equal(_pil_pixels(v.value.encoded_image_string), want)
    np.testing.assert_array_equal(_pil_pixels(rec1.values[0].value.encoded_image_string),
                                  u8[0])
    assert "grey/image/0=<3x4x1 image>" in repr(rec)


def test_image_pixels_follow_tf1s_normalization():
    from minigraph.ops.summary_ops import encode_png, image_pixels
    signed = np.array([[[-1.0], [0.5]], [[2.0], [0.0]]], np.float32)   # 0 is mid-grey
    np.testing.assert_array_equal(image_pixels(signed)[..., 0], [[64, 159], [255, 128]])
    bad = np.array([[[np.nan, 0.5, 0.2], [0.5, 1.0, 0.1]]], np.float32)   # NaN: red
    np.testing.assert_array_equal(image_pixels(bad), [[[255, 0, 0], [127, 255, 25]]])
    np.testing.assert_array_equal(image_pixels(np.full((1, 2, 1), 5e-7)), 0)   # ~0: black
    for channels in (1, 2, 3, 4):
        pixels = np.random.default_rng(channels).integers(0, 256, (3, 5, channels),
                                                             dtype=np.uint8)
        got = _pil_pixels(encode_png(pixels))
        np.testing.assert_array_equal(got.reshape(pixels.shape), pixels)


def test_images_read_back_through_tensorboard(tmp_path):
    rng = np.random.default_rng(5)
    batch = rng.normal(size=(4, 6, 5, 3)).astype(np.float32)
    x = tf.placeholder(tf.float32, (None, 6, 5, 3))
    tf.summary.image("batch", x)
    merged = tf.summary.merge_all()
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path)) as writer:
        for step in (0, 10):
            writer.add_summary(sess.run(merged, {x: batch + step}), step)
    acc = accumulator(tmp_path)
    assert sorted(acc.Tags()["images"]) == ["batch/image/0", "batch/image/1", "batch/image/2"]
    for i in range(3):
        events = acc.Images("batch/image/%d" % i)
        assert [e.step for e in events] == [0, 10]
        assert (events[0].height, events[0].width) == (6, 5)
        from minigraph.ops.summary_ops import image_pixels
        for e, step in zip(events, (0, 10)):
            np.testing.assert_array_equal(_pil_pixels(e.encoded_image_string),
                                          image_pixels(batch[i] + step))
    read = read_events(str(tmp_path))
    assert [(r.step, r.tag, r.kind) for r in read] == [
        (0, "batch/image/0", "image"), (0, "batch/image/1", "image"),
        (0, "batch/image/2", "image"), (10, "batch/image/0", "image"),
        (10, "batch/image/1", "image"), (10, "batch/image/2", "image")]
    key = lambda r: (r.step, r.tag)  # noqa: E731
    assert sorted(read, key=key) == sorted(writer.records, key=key)   # colorspace 3 too


# ------------------------------------------------------------------------- run metadata

def test_run_metadata_reads_back_as_tensorboards_session_run(tmp_path):
    m = regression()
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path)) as writer:
        sess.run(tf.global_variables_initializer())
        md = tf.RunMetadata()
        sess.run([m["loss"], m["train"]], m["feed"], options=FULL, run_metadata=md)
        writer.add_run_metadata(md, "step099")
        _, with_values = traced_run(sess, m["loss"], m["feed"], keep_values=True)
        writer.add_run_metadata(with_values, "values", global_step=5)
        writer.add_run_metadata(tf.RunMetadata(), "untraced")
        with pytest.raises(ValueError, match="tag was already used"):
            writer.add_run_metadata(md, "step099")
    acc = accumulator(tmp_path)
    assert sorted(acc.Tags()["run_metadata"]) == ["step099", "untraced", "values"]
    proto = acc.RunMetadata("step099")
    (device,) = proto.step_stats.dev_stats
    assert device.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    stats = list(device.node_stats)
    assert [n.node_name for n in stats] == trace_of(md).executed_names
    for n in stats:
        assert n.all_end_rel_nanos == round(trace_of(md).seconds[n.node_name] * 1e9)
    ends = [n.all_start_nanos + n.all_end_rel_nanos for n in stats]
    assert [n.all_start_nanos for n in stats[1:]] == ends[:-1]     # laid end to end
    matmul = next(n for n in stats if n.node_name == "layer/MatMul")
    assert matmul.timeline_label == "layer/MatMul = MatMul(x, layer/w/read)"
    assert not matmul.output                                   # no values kept: no sizes
    with_values = acc.RunMetadata("values").step_stats.dev_stats[0].node_stats
    out = next(n for n in with_values if n.node_name == "layer/MatMul").output[0]
    assert [d.size for d in out.tensor_description.shape.dim] == [16, 1]
    assert out.tensor_description.allocation_description.requested_bytes == 16 * 4
    assert not acc.RunMetadata("untraced").HasField("step_stats")


# ------------------------------------------------------------------------------- the graph

class _Split(OpDef):
    """A test-only op with two outputs (minigraph has none yet), for "name:1" inputs."""
    type = "TestSplit"

    @staticmethod
    def infer(inputs, attrs):
        return [(inputs[0].shape, inputs[0].dtype), (inputs[0].shape, inputs[0].dtype)]


def expected_inputs(op):
    names = [t.op.name if t.value_index == 0 else t.name for t in op.inputs]
    return names + ["^" + c.name for c in op.control_inputs]


def test_graph_read_back_has_every_node_with_scopes_and_inputs(tmp_path):
    m = regression()
    graph = tf.get_default_graph()
    pair = graph.create_op(_Split, [m["h"]], None, "split")
    second = tf.identity(pair.outputs[1], name="second")
    with tf.control_dependencies([m["train"]]):
        after = tf.identity(m["loss"], name="after_train")
    with tf.summary.FileWriter(str(tmp_path), graph):
        pass
    graph_def = accumulator(tmp_path).Graph()
    ops = graph.get_operations()
    assert [n.name for n in graph_def.node] == [op.name for op in ops]
    assert [n.op for n in graph_def.node] == [op.type for op in ops]
    assert [list(n.input) for n in graph_def.node] == [expected_inputs(op) for op in ops]
    nodes = {n.name: n for n in graph_def.node}
    assert "layer/w" in nodes and "layer/MatMul" in nodes and "loss/Mean" in nodes
    assert any(n.startswith("gradients/") for n in nodes)
    assert list(nodes["second"].input) == ["split:1"]
    assert list(nodes["after_train"].input) == ["loss/Mean", "^" + m["train"].op.name]
    assert list(nodes[m["train"].op.name].input)[0] == "layer/w"
    assert second.op.name == "second" and after.op.name == "after_train"


def test_graph_def_attrs():
    from tensorboard.compat.proto import types_pb2
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    c = tf.constant([[1, 2, 3]], tf.int32, name="c")
    with tf.name_scope("scope"):
        y = tf.cast(c, tf.float32) + x
    s = tf.summary.scalar("s", tf.reduce_sum(y))
    nodes = {n.name: n for n in as_graph_def().node}
    px = nodes["x"].attr
    assert px["dtype"].type == types_pb2.DT_FLOAT
    assert [d.size for d in px["shape"].shape.dim] == [-1, 3]
    assert [d.size for d in px["_output_shapes"].list.shape[0].dim] == [-1, 3]
    value = nodes["c"].attr["value"].tensor
    assert value.dtype == types_pb2.DT_INT32
    assert np.frombuffer(value.tensor_content, "<i4").tolist() == [1, 2, 3]
    assert nodes[y.op.name].attr["T"].type == types_pb2.DT_FLOAT
    assert y.op.name.startswith("scope/")
    assert nodes["s"].attr["T"].type == types_pb2.DT_STRING
    assert list(nodes["s"].input) == ["s/tags", "Sum"]    # TF1's ScalarSummary(tags, values)
    assert list(nodes["s/tags"].attr["value"].tensor.string_val) == [b"s"]
    assert s.op.name == "s"
    unknown = tf.placeholder(tf.float32, None, name="u")
    assert as_graph_def(unknown.graph).node[-1].attr["_output_shapes"].list.shape[0].unknown_rank
