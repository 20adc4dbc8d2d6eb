"""``tf.train.Saver``: save variable values to a checkpoint file and restore them.

A checkpoint is one numpy ``.npz`` archive, ``<save_path>.npz``, holding one array per
variable under the variable's op name (``"layer1/w"``). Beside it, a small text file named
``checkpoint`` lists the newest checkpoints of the directory in TF's own format::

    model_checkpoint_path: "model-300"
    all_model_checkpoint_paths: "model-200"
    all_model_checkpoint_paths: "model-300"

so ``tf.train.latest_checkpoint(dir)`` finds the newest one.

Values are read with ``sess.run`` and written back with ``Variable.load``; the saver adds no
ops to the graph. Files are written to a temporary file in the same directory and then
renamed over the target (``os.replace`` is atomic), so a crash in the middle of a save never
leaves a half-written checkpoint: the previous one stays intact. Loading never unpickles
(``allow_pickle=False``): a checkpoint can hold numbers, not code.
"""

import collections
import contextlib
import json
import os
import tempfile
import warnings
import zipfile

import numpy as np

from minigraph import errors
from minigraph.lint import DeadUpdateWarning
from minigraph.tensor_shape import TensorShape
from minigraph.variables import Variable, global_variables

__all__ = ["Saver", "latest_checkpoint", "get_checkpoint_state", "checkpoint_exists",
           "CheckpointState"]

SUFFIX = ".npz"
STATE_FILENAME = "checkpoint"

#: The contents of a ``checkpoint`` state file; paths are joined with its directory.
CheckpointState = collections.namedtuple("CheckpointState",
                                         "model_checkpoint_path all_model_checkpoint_paths")


def _filename(save_path):
    """The file a checkpoint prefix names: ``model-3`` -> ``model-3.npz``."""
    save_path = os.fspath(save_path)
    return save_path if save_path.endswith(SUFFIX) else save_path + SUFFIX


def checkpoint_exists(save_path):
    """True if the checkpoint ``save_path`` (a prefix as ``save`` returns) exists."""
    return os.path.isfile(_filename(save_path))


# ---------------------------------------------------------------------- atomic writing

def _fsync_dir(directory):
    """Make a rename durable on POSIX; directories cannot be opened on Windows."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_atomically(path, write):
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it to ``path``.

    On any failure the temporary file is removed and ``path`` is untouched.
    """
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private (0600); a checkpoint is a plain file
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_dir(directory)


def _write_npz(f, arrays):
    """The ``.npz`` format exactly as ``np.savez`` writes it (a zip of ``<key>.npy`` members),
    but with ``allow_pickle=False`` and no clash between keys and ``savez``'s own arguments."""
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for key, arr in arrays.items():
            with zf.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, arr, allow_pickle=False)


def _read_npz(filename):
    """All arrays of a checkpoint file, read eagerly so corruption shows up here."""
    with open(filename, "rb") as f:
        magic = f.read(4)
    if magic not in (b"PK\x03\x04", b"PK\x05\x06"):
        raise errors.DataLossError(None, None, "Checkpoint file %s is corrupt or truncated: it "
                                   "is not an .npz (zip) archive." % filename)
    try:
        with np.load(filename, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except ValueError as e:
        if "allow_pickle" in str(e):
            raise errors.DataLossError(
                None, None, "Checkpoint file %s holds an object (pickled) array. minigraph "
                "checkpoints hold plain numeric arrays and never unpickle (loading uses "
                "allow_pickle=False), since a pickle can run arbitrary code." % filename) \
                from None
        raise errors.DataLossError(None, None, "Checkpoint file %s is corrupt or truncated: %s"
                                   % (filename, e)) from e
    except Exception as e:  # any failure to parse the archive: a bad zip, a bad CRC, EOF...
        raise errors.DataLossError(None, None, "Checkpoint file %s is corrupt or truncated: "
                                   "%s: %s" % (filename, type(e).__name__, e)) from e


# ---------------------------------------------------------------------- the state file

def _state_text(directory, latest, paths):
    def entry(path):  # relative to the directory when inside it, so the directory can move
        if os.path.dirname(os.path.abspath(path)) == os.path.abspath(directory):
            path = os.path.basename(path)
        return json.dumps(path, ensure_ascii=False)
    lines = ["model_checkpoint_path: %s" % entry(latest)]
    lines += ["all_model_checkpoint_paths: %s" % entry(p) for p in paths]
    return "\n".join(lines) + "\n"


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """``tf.train.get_checkpoint_state``: the :class:`CheckpointState` recorded in
    ``checkpoint_dir`` (relative paths joined with it), or ``None`` if there is none."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = os.path.join(checkpoint_dir, latest_filename or STATE_FILENAME)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return None
    latest, all_paths = None, []
    try:
        for line in text.splitlines():
            if not line.strip():
                continue
            key, _, value = line.partition(":")
            value = json.loads(value.strip())
            if not os.path.isabs(value):
                value = os.path.join(checkpoint_dir, value)
            if key.strip() == "model_checkpoint_path":
                latest = value
            elif key.strip() == "all_model_checkpoint_paths":
                all_paths.append(value)
            else:
                raise ValueError("unknown field %r" % key.strip())
    except ValueError as e:  # TF1 logs and returns None for an unreadable state file
        warnings.warn("%s: unreadable checkpoint state file (%s)" % (path, e))
        return None
    if latest is None:
        return None
    return CheckpointState(latest, all_paths)


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """``tf.train.latest_checkpoint``: the path of the newest checkpoint saved in
    ``checkpoint_dir`` (what to pass to ``Saver.restore``), or ``None`` if there is none."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not checkpoint_exists(state.model_checkpoint_path):
        return None
    return state.model_checkpoint_path


# ----------------------------------------------------------------------------- Saver

def _as_variable(v):
    if isinstance(v, Variable):
        return v
    op = getattr(v, "op", None)
    if op is not None and op.type == "VariableV2":
        return op.attrs["python_variable"]
    raise TypeError("Saver takes Variables, got %r" % (v,))


def _var_dict(var_list):
    """``{checkpoint key: Variable}`` from a list (keys = op names) or a dict."""
    if isinstance(var_list, dict):
        out = {}
        for key, v in var_list.items():
            if not isinstance(key, str):
                raise TypeError("Saver's var_list dict must map names (str) to Variables; got "
                                "key %r" % (key,))
            out[key] = _as_variable(v)
        return out
    out = {}
    for v in var_list:
        v = _as_variable(v)
        key = v.op.name
        if key in out:
            if out[key] is v:
                continue
            raise ValueError("At least two variables have the same name: %s" % key)
        out[key] = v
    return out


class Saver:
    """``tf.train.Saver``: save and restore variables.

    Args:
      var_list: the variables to save, as a list (each stored under its op name, e.g.
        ``"layer1/w"``) or a dict ``{name in the checkpoint: Variable}``. Default: every
        global variable existing when the Saver is made.
      max_to_keep: how many recent checkpoints this saver keeps; older ones are deleted.
        ``None`` or 0 keeps all.
      allow_empty: if False (the default), having no variables to save is an error.

    ``saver.save(sess, "ckpt/model", global_step=step)`` writes ``ckpt/model-<step>.npz``;
    ``saver.restore(sess, tf.train.latest_checkpoint("ckpt"))`` reads it back into ``sess``.
    """

    def __init__(self, var_list=None, max_to_keep=5, allow_empty=False):
        if var_list is None:
            var_list = global_variables()
        self._vars = _var_dict(var_list)
        if not self._vars and not allow_empty:
            raise ValueError("No variables to save")
        self._max_to_keep = max_to_keep
        self._last_checkpoints = []

    @property
    def last_checkpoints(self):
        """The checkpoints this saver wrote and still keeps, oldest first."""
        return list(self._last_checkpoints)

    def save(self, sess, save_path, global_step=None, latest_filename=None, write_state=True):
        """Write the variables' current values in ``sess`` to a checkpoint.

        Args:
          sess: the Session holding the values (they must be initialized).
          save_path: the checkpoint prefix, e.g. ``"ckpt/model"``; its directory must exist.
          global_step: if given (an int, or a tensor/Variable to evaluate), ``-<step>`` is
            appended to the prefix.
          latest_filename: the state file's name (default ``"checkpoint"``).
          write_state: if False, do not update the state file (nor delete old checkpoints).

        Returns the prefix written (``save_path`` or ``save_path-<step>``); the file itself
        is that plus ``.npz``.
        """
        save_path = os.fspath(save_path)
        keys = list(self._vars)
        with warnings.catch_warnings():
            # saving every N steps repeats this fetch without updates, by design: not the
            # forgotten-train-op loop the dead-update lint is there to catch
            warnings.simplefilter("ignore", DeadUpdateWarning)
            if global_step is not None and hasattr(global_step, "_as_graph_tensor"):
                global_step = sess.run(global_step)
            values = sess.run([self._vars[k] for k in keys])  # through the session, as copies
        if global_step is not None:
            save_path = "%s-%d" % (save_path, int(global_step))
        directory = os.path.dirname(save_path)
        if not os.path.isdir(directory or os.curdir):
            raise ValueError("Parent directory of %s doesn't exist, can't save." % save_path)
        arrays = {}
        for key, value in zip(keys, values):
            if np.asarray(value).dtype.hasobject:
                raise TypeError("Cannot save variable %s of dtype %s: checkpoints hold numeric "
                                "arrays only." % (key, self._vars[key].dtype.name))
            arrays[key] = np.asarray(value)
        _write_atomically(_filename(save_path), lambda f: _write_npz(f, arrays))
        if write_state:
            self._remember(save_path, directory, latest_filename)
        return save_path

    def _remember(self, save_path, directory, latest_filename):
        """Record ``save_path`` as newest, update the state file, delete what falls off."""
        if save_path in self._last_checkpoints:
            self._last_checkpoints.remove(save_path)
        self._last_checkpoints.append(save_path)
        expired = []
        if self._max_to_keep:
            while len(self._last_checkpoints) > self._max_to_keep:
                expired.append(self._last_checkpoints.pop(0))
        text = _state_text(directory or os.curdir, save_path, self._last_checkpoints)
        state_file = os.path.join(directory, latest_filename or STATE_FILENAME)
        _write_atomically(state_file, lambda f: f.write(text.encode("utf-8")))
        for old in expired:  # only once the state file no longer names them
            with contextlib.suppress(FileNotFoundError):
                os.remove(_filename(old))

    def restore(self, sess, save_path):
        """Set the variables in ``sess`` to the values saved in checkpoint ``save_path``.

        Every variable is checked (present, same dtype, compatible shape) before any is
        changed, so a failed restore leaves the session as it was.

        Raises:
          NotFoundError: the file does not exist, or it has no entry for a variable.
          DataLossError: the file is corrupt or truncated (or holds pickled data).
          InvalidArgumentError: a saved value's shape or dtype does not fit its variable.
        """
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        filename = _filename(save_path)
        if not os.path.isfile(filename):
            raise errors.NotFoundError(
                None, None, "Failed to find the checkpoint file %s (restoring from save_path "
                "%r). Check the path, or use tf.train.latest_checkpoint(directory)."
                % (filename, os.fspath(save_path)))
        saved = _read_npz(filename)
        checked = []
        for key, var in self._vars.items():
            if key not in saved:
                raise errors.NotFoundError(
                    None, None, "Key %s not found in checkpoint %s (it holds: %s)"
                    % (key, filename, ", ".join(sorted(saved)) or "nothing"))
            value = saved[key]
            if value.dtype != var.dtype.as_numpy_dtype:
                raise errors.InvalidArgumentError(
                    None, None, "Cannot restore variable %s from checkpoint %s: the variable "
                    "has dtype %s but the checkpoint holds dtype %s"
                    % (key, filename, var.dtype.name, value.dtype.name))
            if not var.shape.is_compatible_with(value.shape):
                raise errors.InvalidArgumentError(
                    None, None, "Cannot restore variable %s from checkpoint %s: the variable "
                    "has shape %s but the checkpoint holds shape %s"
                    % (key, filename, var.shape.bracketed(),
                       TensorShape(value.shape).bracketed()))
            checked.append((var, value))
        for var, value in checked:
            var.load(value, sess)
