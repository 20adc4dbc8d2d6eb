"""tf.train.Saver: round trips, checkpoint naming and the state file, max_to_keep, atomic
writes, and the errors of a bad restore (missing file, corrupt file, missing key, shape and
dtype mismatches, pickled data refused).

Truth is TF1's documented behaviour and numpy's own .npz reader.
"""

import os
import warnings
import zipfile

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.lint import DeadUpdateWarning
from minigraph.saver import Saver, get_checkpoint_state, latest_checkpoint


def model():
    """Two variables in a name scope and one at the root, with distinct dtypes and shapes."""
    with tf.name_scope("layer1"):
        w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
        b = tf.Variable(np.zeros(3, np.float64), name="b")
    step = tf.Variable(0, name="step")
    return w, b, step


def values(sess, variables):
    """The variables' values; reading them again and again is the point here, not the
    forgotten-update loop the dead-update lint warns about."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeadUpdateWarning)
        return sess.run(list(variables))


def assert_all_equal(xs, ys):
    assert len(xs) == len(ys)
    for x, y in zip(xs, ys):
        np.testing.assert_array_equal(x, y)
        assert np.asarray(x).dtype == np.asarray(y).dtype


def scramble(sess, variables):
    for v in variables:
        v.load(np.full(v.shape.as_list(), 7, v.dtype.as_numpy_dtype), sess)


# --------------------------------------------------------------------------- round trip

def test_round_trip_same_and_new_session(tmp_path):
    w, b, step = model()
    variables = [w, b, step]
    saver = Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([w.assign(w * 2.0 + 1.0), b.assign_add(np.array([0.5, -1.0, 2.0])),
                  step.assign(42)])
        saved = values(sess, variables)
        path = saver.save(sess, str(tmp_path / "model"))
        assert path == str(tmp_path / "model")
        assert os.path.isfile(path + ".npz")

        scramble(sess, variables)
        assert not np.array_equal(sess.run(w), saved[0])
        saver.restore(sess, path)
        assert_all_equal(values(sess, variables), saved)

    with tf.Session() as sess2:          # never initialized: restore is the initializer
        saver.restore(sess2, path)
        assert_all_equal(values(sess2, variables), saved)


def test_file_is_a_plain_npz_keyed_by_op_name(tmp_path):
    w, b, step = model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = Saver().save(sess, str(tmp_path / "m"))
    with np.load(path + ".npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == ["layer1/b", "layer1/w", "step"]
        np.testing.assert_array_equal(npz["layer1/w"], np.arange(6).reshape(2, 3))
        assert npz["layer1/b"].dtype == np.float64
        assert npz["step"].dtype == np.int32


def test_var_list_dict_renames_and_list_selects(tmp_path):
    w, b, step = model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = Saver({"weights": w}).save(sess, str(tmp_path / "d"))
        with np.load(path + ".npz") as npz:
            assert npz.files == ["weights"]
        saver = Saver([b])
        path = saver.save(sess, str(tmp_path / "l"))
        with np.load(path + ".npz") as npz:
            assert npz.files == ["layer1/b"]
        # restoring a subset leaves the other variables alone
        b.load([1.0, 2.0, 3.0], sess)
        w.load(np.ones((2, 3)), sess)
        saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(b), np.zeros(3))
        np.testing.assert_array_equal(sess.run(w), np.ones((2, 3)))


def test_saving_reads_through_the_session_uninitialized_is_an_error(tmp_path):
    model()
    with tf.Session() as sess:
        with pytest.raises(errors.FailedPreconditionError, match="layer1/w|layer1/b|step"):
            Saver().save(sess, str(tmp_path / "m"))
    assert os.listdir(tmp_path) == []


def test_no_variables_and_missing_directory():
    with pytest.raises(ValueError, match="No variables to save"):
        Saver()
    w, _, _ = model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(ValueError, match="Parent directory"):
            Saver().save(sess, "/nonexistent-dir-for-minigraph-tests/model")


# -------------------------------------------------------- naming, the state file, max_to_keep

def test_global_step_suffix_and_latest_checkpoint(tmp_path):
    w, b, step = model()
    saver = Saver()
    prefix = str(tmp_path / "model")
    assert latest_checkpoint(str(tmp_path)) is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert saver.save(sess, prefix, global_step=3) == prefix + "-3"
        assert latest_checkpoint(str(tmp_path)) == prefix + "-3"
        sess.run(step.assign(10))
        assert saver.save(sess, prefix, global_step=step) == prefix + "-10"  # a tensor step
        assert latest_checkpoint(str(tmp_path)) == prefix + "-10"
    text = (tmp_path / "checkpoint").read_text()
    assert text.splitlines() == ['model_checkpoint_path: "model-10"',
                                 'all_model_checkpoint_paths: "model-3"',
                                 'all_model_checkpoint_paths: "model-10"']
    state = get_checkpoint_state(str(tmp_path))
    assert state.all_model_checkpoint_paths == [prefix + "-3", prefix + "-10"]


def test_latest_checkpoint_is_none_when_its_file_is_gone(tmp_path):
    model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = Saver().save(sess, str(tmp_path / "m"), global_step=1)
    os.remove(path + ".npz")
    assert latest_checkpoint(str(tmp_path)) is None


def test_max_to_keep_deletes_the_oldest(tmp_path):
    model()
    saver = Saver(max_to_keep=2)
    prefix = str(tmp_path / "m")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(5):
            saver.save(sess, prefix, global_step=i)
    files = sorted(f for f in os.listdir(tmp_path) if f.endswith(".npz"))
    assert files == ["m-3.npz", "m-4.npz"]
    assert saver.last_checkpoints == [prefix + "-3", prefix + "-4"]
    assert get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths == \
        [prefix + "-3", prefix + "-4"]


def test_max_to_keep_none_keeps_all_and_saving_in_a_loop_does_not_warn(tmp_path):
    model()
    saver = Saver(max_to_keep=None)
    tf.Variable(1.0).assign_add(1.0)   # an update op in the graph that saving never runs
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeadUpdateWarning)
            for i in range(7):
                saver.save(sess, str(tmp_path / "m"), global_step=i)
    assert len([f for f in os.listdir(tmp_path) if f.endswith(".npz")]) == 7


# -------------------------------------------------------------------------------- atomicity

def test_crash_mid_save_keeps_previous_checkpoint(tmp_path, monkeypatch):
    w, b, step = model()
    variables = [w, b, step]
    saver = Saver()
    prefix = str(tmp_path / "model")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = saver.save(sess, prefix)
        saved = values(sess, variables)
        before = (tmp_path / "model.npz").read_bytes()

        real_write_array = np.lib.format.write_array
        calls = []

        def write_then_crash(fp, array, *args, **kwargs):
            calls.append(1)
            if len(calls) == 2:          # half of the second array, then the "crash"
                fp.write(b"\x93NUMPY partial")
                raise OSError("disk full")
            return real_write_array(fp, array, *args, **kwargs)

        monkeypatch.setattr(np.lib.format, "write_array", write_then_crash)
        scramble(sess, variables)
        with pytest.raises(OSError, match="disk full"):
            saver.save(sess, prefix)
        assert len(calls) == 2
        monkeypatch.undo()

        assert (tmp_path / "model.npz").read_bytes() == before
        assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model.npz"]  # no temp files
        assert latest_checkpoint(str(tmp_path)) == first
        scramble(sess, [w])
        saver.restore(sess, first)
        assert_all_equal(values(sess, variables), saved)


def test_crash_while_writing_the_state_file_keeps_the_old_one(tmp_path, monkeypatch):
    model()
    saver = Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver.save(sess, str(tmp_path / "m"), global_step=1)
        state_before = (tmp_path / "checkpoint").read_text()
        real_replace = os.replace

        def replace(src, dst):
            if os.path.basename(dst) == "checkpoint":
                raise OSError("power cut")
            return real_replace(src, dst)

        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(OSError, match="power cut"):
            saver.save(sess, str(tmp_path / "m"), global_step=2)
    assert (tmp_path / "checkpoint").read_text() == state_before
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]
    assert latest_checkpoint(str(tmp_path)) == str(tmp_path / "m-1")


# -------------------------------------------------------------------------------- errors

def saved_model(tmp_path):
    """A model, a saver and a checkpoint of it; returns (variables, saver, prefix)."""
    variables = model()
    saver = Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "model"))
    return variables, saver, prefix


def test_missing_file_is_not_found_naming_the_file(tmp_path):
    variables, saver, prefix = saved_model(tmp_path)
    missing = str(tmp_path / "nope")
    with tf.Session() as sess:
        with pytest.raises(errors.NotFoundError) as info:
            saver.restore(sess, missing)
    assert missing + ".npz" in str(info.value)
    with pytest.raises(ValueError, match="None"):
        saver.restore(tf.Session(), None)


@pytest.mark.parametrize("keep", [0.5, 0.9, 10])
def test_truncated_file_is_data_loss_naming_the_file(tmp_path, keep):
    variables, saver, prefix = saved_model(tmp_path)
    filename = prefix + ".npz"
    data = open(filename, "rb").read()
    n = int(len(data) * keep) if keep < 1 else keep
    with open(filename, "wb") as f:
        f.write(data[:n])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = values(sess, variables)
        with pytest.raises(errors.DataLossError) as info:
            saver.restore(sess, prefix)
        assert filename in str(info.value)
        assert_all_equal(values(sess, variables), before)   # nothing half-restored


def test_flipped_bytes_are_data_loss(tmp_path):
    variables, saver, prefix = saved_model(tmp_path)
    filename = prefix + ".npz"
    data = bytearray(open(filename, "rb").read())
    # corrupt the payload of the first member (after its local header and .npy header)
    with zipfile.ZipFile(filename) as zf:
        info = zf.infolist()[0]
    start = info.header_offset + 30 + len(info.filename.encode()) + 20  # zip64 extra
    for i in range(start + 128, start + 140):
        data[i] ^= 0xFF
    with open(filename, "wb") as f:
        f.write(bytes(data))
    with tf.Session() as sess:
        with pytest.raises(errors.DataLossError, match="model.npz"):
            saver.restore(sess, prefix)


def test_garbage_file_is_data_loss(tmp_path):
    variables, saver, prefix = saved_model(tmp_path)
    with open(prefix + ".npz", "wb") as f:
        f.write(b"this is not a checkpoint at all")
    with tf.Session() as sess:
        with pytest.raises(errors.DataLossError, match="not an .npz"):
            saver.restore(sess, prefix)


def test_variable_missing_from_checkpoint_names_key_and_file(tmp_path):
    variables, saver, prefix = saved_model(tmp_path)
    extra = tf.Variable(1.0, name="Variable_2")
    with tf.Session() as sess:
        with pytest.raises(errors.NotFoundError) as info:
            Saver().restore(sess, prefix)
    msg = str(info.value)
    assert "Key Variable_2 not found in checkpoint" in msg
    assert prefix + ".npz" in msg
    assert extra.op.name == "Variable_2"


def test_shape_mismatch_is_invalid_argument_naming_variable_and_shapes(tmp_path):
    variables, saver, prefix = saved_model(tmp_path)
    tf.reset_default_graph()
    with tf.name_scope("layer1"):
        w = tf.Variable(np.zeros((3, 2), np.float32), name="w")
        tf.Variable(np.zeros(3, np.float64), name="b")
    tf.Variable(0, name="step")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(errors.InvalidArgumentError) as info:
            Saver().restore(sess, prefix)
        msg = str(info.value)
        assert "layer1/w" in msg and "[3,2]" in msg and "[2,3]" in msg
        assert prefix + ".npz" in msg
        np.testing.assert_array_equal(sess.run(w), np.zeros((3, 2)))


def test_dtype_mismatch_is_invalid_argument_and_nothing_is_half_restored(tmp_path):
    variables, saver, prefix = saved_model(tmp_path)
    tf.reset_default_graph()
    with tf.name_scope("layer1"):
        w = tf.Variable(np.zeros((2, 3), np.float32), name="w")    # fits the checkpoint
        b = tf.Variable(np.ones(3, np.float64), name="b")          # fits the checkpoint
    tf.Variable(np.int64(5), name="step")                           # saved as int32
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(errors.InvalidArgumentError) as info:
            Saver().restore(sess, prefix)
        msg = str(info.value)
        assert "step" in msg and "int64" in msg and "int32" in msg
        assert prefix + ".npz" in msg
        # the check comes before any assignment: w and b keep their values
        np.testing.assert_array_equal(sess.run(w), np.zeros((2, 3)))
        np.testing.assert_array_equal(sess.run(b), np.ones(3))


def test_object_arrays_are_refused_never_unpickled(tmp_path):
    variables, saver, prefix = saved_model(tmp_path)
    filename = prefix + ".npz"
    # a checkpoint with a pickled object array in place of layer1/w
    np.savez(filename, **{"layer1/w": np.array([{"evil": 1}, None], dtype=object),
                          "layer1/b": np.zeros(3), "step": np.int32(0)})
    with zipfile.ZipFile(filename) as zf:
        assert "layer1/w.npy" in zf.namelist()
    with tf.Session() as sess:
        with pytest.raises(errors.DataLossError) as info:
            saver.restore(sess, prefix)
    msg = str(info.value)
    assert filename in msg and "pickle" in msg


def test_restore_uses_allow_pickle_false(tmp_path, monkeypatch):
    variables, saver, prefix = saved_model(tmp_path)
    seen = []
    real_load = np.load

    def load(*args, **kwargs):
        seen.append(kwargs.get("allow_pickle"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(np, "load", load)
    with tf.Session() as sess:
        saver.restore(sess, prefix)
    assert seen == [False]
