"""``tf.gfile``: TF1's file functions, for local paths.

TF1 programs use them to prepare their directories and read small files::

    if tf.gfile.Exists(FLAGS.log_dir):
        tf.gfile.DeleteRecursively(FLAGS.log_dir)
    tf.gfile.MakeDirs(FLAGS.log_dir)
    with tf.gfile.GFile(path, "w") as f:
        f.write("hello\\n")

In TensorFlow they also reach Google Cloud Storage and HDFS (``gs://...``); here they are
thin wrappers over ``os``, ``shutil`` and ``glob`` with TF1's behaviour where it differs from
Python's: a missing path is ``tf.errors.NotFoundError`` (not ``FileNotFoundError``), an
existing target of ``Copy``/``Rename`` is ``tf.errors.AlreadyExistsError`` unless
``overwrite=True``, ``Exists`` and ``Walk`` never raise, and ``GFile`` opens its file only
when first read or written. Messages are TF's (``"<path>; No such file or directory"``).
"""

import errno
import glob as _glob
import os
import shutil

from minigraph import errors

__all__ = ["Copy", "DeleteRecursively", "Exists", "FastGFile", "GFile", "Glob", "IsDirectory",
           "ListDirectory", "MakeDirs", "MkDir", "Open", "Remove", "Rename", "Stat", "Walk"]


def _path(p):
    return os.fsdecode(os.fspath(p))


def _os_error(e, path):
    """The tf.errors class TF raises for an OSError on ``path``, with TF's message."""
    cls = {errno.ENOENT: errors.NotFoundError, errno.EEXIST: errors.AlreadyExistsError,
           errno.EACCES: errors.PermissionDeniedError, errno.EPERM: errors.PermissionDeniedError,
           errno.EISDIR: errors.FailedPreconditionError,
           errno.ENOTDIR: errors.FailedPreconditionError}.get(e.errno, errors.UnknownError)
    return cls(None, None, "%s; %s" % (path, e.strerror or e))


def Exists(filename):  # noqa: N802 -- TF1's names
    """True if the file or directory exists."""
    return os.path.exists(_path(filename))


def IsDirectory(dirname):  # noqa: N802
    """True if ``dirname`` is a directory (False if it is missing)."""
    return os.path.isdir(_path(dirname))


def ListDirectory(dirname):  # noqa: N802
    """The names in the directory (not full paths), in the file system's order.
    ``NotFoundError`` if it is not a directory."""
    dirname = _path(dirname)
    if not os.path.isdir(dirname):
        raise errors.NotFoundError(None, None, "Could not find directory %s" % dirname)
    return os.listdir(dirname)


def MkDir(dirname):  # noqa: N802
    """Create one directory; its parent must exist (else ``NotFoundError``). An existing
    directory is left alone."""
    dirname = _path(dirname)
    try:
        os.mkdir(dirname)
    except FileExistsError:
        if not os.path.isdir(dirname):
            raise errors.FailedPreconditionError(None, None, "%s is not a directory"
                                                 % dirname) from None
    except OSError as e:
        raise _os_error(e, dirname) from None


def MakeDirs(dirname):  # noqa: N802
    """Create the directory and every missing parent (``mkdir -p``); no error if it exists."""
    dirname = _path(dirname)
    try:
        os.makedirs(dirname, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocking = dirname   # TF names the file that is in the way
        while not os.path.exists(blocking) and os.path.dirname(blocking) != blocking:
            blocking = os.path.dirname(blocking)
        raise errors.FailedPreconditionError(None, None, "%s is not a directory"
                                             % blocking) from None
    except OSError as e:
        raise _os_error(e, dirname) from None


def DeleteRecursively(dirname):  # noqa: N802
    """Delete a directory and everything in it (or a single file); ``NotFoundError`` if
    there is nothing there."""
    dirname = _path(dirname)
    if not os.path.lexists(dirname):
        raise errors.NotFoundError(None, None, "%s not found" % dirname)
    if os.path.isdir(dirname) and not os.path.islink(dirname):
        shutil.rmtree(dirname)
    else:
        os.remove(dirname)


def Remove(filename):  # noqa: N802
    """Delete one file: ``NotFoundError`` if missing, ``FailedPreconditionError`` for a
    directory (use ``DeleteRecursively``)."""
    filename = _path(filename)
    if os.path.isdir(filename):
        raise errors.FailedPreconditionError(None, None, "%s; Is a directory" % filename)
    try:
        os.remove(filename)
    except OSError as e:
        raise _os_error(e, filename) from None


def _check_target(oldpath, newpath, overwrite):
    if not os.path.exists(oldpath):
        raise errors.NotFoundError(None, None, "%s; No such file or directory" % oldpath)
    if os.path.exists(newpath):
        if not overwrite:
            raise errors.AlreadyExistsError(None, None, "file already exists")
        if os.path.isdir(newpath):
            raise errors.FailedPreconditionError(None, None, "%s; Is a directory" % oldpath)


def Rename(oldname, newname, overwrite=False):  # noqa: N802
    """Move ``oldname`` to ``newname``; an existing ``newname`` is ``AlreadyExistsError``
    unless ``overwrite``."""
    oldname, newname = _path(oldname), _path(newname)
    _check_target(oldname, newname, overwrite)
    try:
        os.replace(oldname, newname)
    except OSError as e:
        raise _os_error(e, newname) from None


def Copy(oldpath, newpath, overwrite=False):  # noqa: N802
    """Copy the file ``oldpath`` to ``newpath``; an existing ``newpath`` is
    ``AlreadyExistsError`` unless ``overwrite``."""
    oldpath, newpath = _path(oldpath), _path(newpath)
    _check_target(oldpath, newpath, overwrite)
    try:
        shutil.copyfile(oldpath, newpath)
    except OSError as e:
        raise _os_error(e, newpath) from None


def Glob(filename):  # noqa: N802
    """The paths matching the pattern (``*``, ``?``, ``[...]``), sorted; a list of patterns
    gives their matches one after the other. No match is ``[]``."""
    patterns = [filename] if isinstance(filename, (str, bytes, os.PathLike)) else filename
    out = []
    for pattern in patterns:
        out.extend(sorted(_glob.glob(_path(pattern))))
    return out


def Walk(top, in_order=True):  # noqa: N802
    """Like ``os.walk``: ``(dirname, subdirectory names, file names)`` for ``top`` and every
    directory under it, parents first (``in_order=False``: children first). A missing
    ``top`` yields nothing."""
    top = _path(top)
    try:
        listing = ListDirectory(top)
    except errors.NotFoundError:
        return
    subdirs, files = [], []
    for item in listing:
        (subdirs if os.path.isdir(os.path.join(top, item)) else files).append(item)
    here = (top, subdirs, files)
    if in_order:
        yield here
    for subdir in subdirs:
        yield from Walk(os.path.join(top, subdir), in_order)
    if not in_order:
        yield here


class FileStatistics:
    """What ``Stat`` returns: ``length`` in bytes, ``mtime_nsec``, ``is_directory``."""

    def __init__(self, length, mtime_nsec, is_directory):
        self.length = length
        self.mtime_nsec = mtime_nsec
        self.is_directory = is_directory

    def __repr__(self):
        return "FileStatistics(length=%d, mtime_nsec=%d, is_directory=%s)" % (
            self.length, self.mtime_nsec, self.is_directory)


def Stat(filename):  # noqa: N802
    """The size, modification time and kind of a path; ``NotFoundError`` if missing."""
    filename = _path(filename)
    try:
        st = os.stat(filename)
    except OSError as e:
        raise _os_error(e, filename) from None
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(filename))


_MODES = ("r", "w", "a", "r+", "w+", "a+")


class GFile:
    """A file (``tf.gfile.GFile``, also ``tf.gfile.Open``): ``read``, ``readline``,
    ``readlines``, iteration over lines, ``write``, ``seek``/``tell``, ``size``, ``flush``,
    ``close``, and ``with``.

    ``mode`` is ``"r"`` (the default), ``"w"`` or ``"a"``, each with an optional ``"b"``
    (bytes instead of str) and ``"+"``. Unlike Python's ``open``, the file is opened only when
    first read or written: a missing file is ``tf.errors.NotFoundError`` then, not here. Text
    is UTF-8; ``write`` takes str or bytes in either mode; ``tell`` counts bytes.
    """

    def __init__(self, name, mode="r"):
        self.__name = _path(name)
        if mode.replace("b", "") not in _MODES:
            raise errors.InvalidArgumentError(
                None, None, "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'")
        self.__mode = mode
        self._binary = "b" in mode
        self._file = None

    @property
    def name(self):
        return self.__name

    @property
    def mode(self):
        return self.__mode

    def _open(self, want):
        if want == "read" and not ("r" in self.__mode or "+" in self.__mode):
            raise errors.PermissionDeniedError(None, None, "File isn't open for reading")
        if want == "write" and not ("w" in self.__mode or "a" in self.__mode
                                    or "+" in self.__mode):
            raise errors.PermissionDeniedError(None, None, "File isn't open for writing")
        if self._file is None:
            mode = self.__mode.replace("b", "") + "b"
            try:
                self._file = open(self.__name, mode)  # noqa: SIM115 -- closed by close()
            except OSError as e:
                raise _os_error(e, self.__name) from None
        return self._file

    def _out(self, data):
        return data if self._binary else data.decode("utf-8")

    def read(self, n=-1):
        """Up to ``n`` bytes (all that is left by default), as str (text) or bytes."""
        return self._out(self._open("read").read(-1 if n is None else n))

    def readline(self):
        """The next line with its ``"\\n"``; empty at the end."""
        return self._out(self._open("read").readline())

    def readlines(self):
        return [self._out(line) for line in self._open("read").readlines()]

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    next = __next__

    def write(self, file_content):
        """Write str (as UTF-8) or bytes."""
        if isinstance(file_content, str):
            file_content = file_content.encode("utf-8")
        self._open("write").write(file_content)

    def seek(self, offset=None, whence=0, position=None):
        """Move to byte ``offset`` (``whence`` 0: from the start, 1: here, 2: the end)."""
        if position is not None:
            offset = position
        self._open("read" if "r" in self.__mode else "write").seek(offset, whence)

    def tell(self):
        return self._file.tell() if self._file is not None else 0

    def size(self):
        """The file's size in bytes."""
        return Stat(self.__name).length

    def flush(self):
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None

    def seekable(self):
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<tf.gfile.GFile %r mode=%r>" % (self.__name, self.__mode)


Open = GFile


class FastGFile(GFile):
    """``tf.gfile.FastGFile``: deprecated in TF1 for ``GFile``, and the same here."""
