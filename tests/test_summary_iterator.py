"""tf.train.summary_iterator: the Event protos of one event file, as TF1 yields them."""

import os

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors

pytest.importorskip("tensorboard")


def write_run(logdir, steps=3):
    """A one-weight regression whose loss and weight are written at every step; returns the
    fetched loss values."""
    x = tf.placeholder(tf.float32, (4, 1), name="x")
    w = tf.Variable(np.float32([[0.5]]), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("weight", w)
    merged = tf.summary.merge_all()
    fetched = []
    with tf.Session() as sess, tf.summary.FileWriter(logdir, sess.graph) as writer:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            summary, loss_value, _ = sess.run([merged, loss, train_op],
                                              {x: np.arange(4, dtype=np.float32)[:, None]})
            writer.add_summary(summary, global_step=step)
            fetched.append(loss_value)
    return fetched


def test_events_in_the_order_written(tmp_path):
    with tf.Graph().as_default():
        fetched = write_run(tmp_path)
    (name,) = os.listdir(tmp_path)
    events = list(tf.train.summary_iterator(str(tmp_path / name)))
    assert events[0].file_version == "brain.Event:2"
    assert events[1].HasField("graph_def")
    summaries = [e for e in events if e.summary.value]
    assert [e.step for e in summaries] == [0, 1, 2]
    assert [[v.tag for v in e.summary.value] for e in summaries] == [["loss", "weight"]] * 3
    assert [e.summary.value[0].simple_value for e in summaries] == \
        [float(np.float32(v)) for v in fetched]
    assert [e.summary.value[1].histo.num for e in summaries] == [1.0] * 3


def test_accepts_a_path_object(tmp_path):
    with tf.Graph().as_default():
        write_run(tmp_path, steps=1)
    (name,) = os.listdir(tmp_path)
    assert sum(1 for e in tf.train.summary_iterator(tmp_path / name) if e.summary.value) == 1


def test_missing_file_fails_when_read_as_in_tf1(tmp_path):
    events = tf.train.summary_iterator(str(tmp_path / "nothing"))   # no error yet, as in TF1
    with pytest.raises(errors.NotFoundError, match="not a directory"):
        next(events)
