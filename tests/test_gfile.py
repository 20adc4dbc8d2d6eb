"""tf.gfile on local paths: results, TF1's error classes and messages (checked against TF
2.21's tf.compat.v1.gfile)."""

import os

import pytest

import minigraph as tf

G = tf.gfile


def fails(cls, message, fn, *args, **kwargs):
    with pytest.raises(cls) as info:
        fn(*args, **kwargs)
    assert type(info.value) is cls
    assert str(info.value) == message
    return info.value


def test_the_names_are_tf1s():
    assert G.Open is G.GFile
    assert issubclass(G.FastGFile, G.GFile)
    assert sorted(G.__all__) == ["Copy", "DeleteRecursively", "Exists", "FastGFile", "GFile",
                                 "Glob", "IsDirectory", "ListDirectory", "MakeDirs", "MkDir",
                                 "Open", "Remove", "Rename", "Stat", "Walk"]


def test_directories(tmp_path):
    d = str(tmp_path / "logs")
    assert not G.Exists(d) and not G.IsDirectory(d)
    fails(tf.errors.NotFoundError, "Could not find directory %s" % d, G.ListDirectory, d)
    fails(tf.errors.NotFoundError, "%s/a/b; No such file or directory" % d, G.MkDir, d + "/a/b")
    G.MakeDirs(d + "/a/b")
    G.MakeDirs(d + "/a/b")            # again: no error
    G.MkDir(d + "/a")                 # exists: no error
    G.MkDir(d + "/c")
    assert G.Exists(d) and G.IsDirectory(d + "/a/b")
    assert sorted(G.ListDirectory(d)) == ["a", "c"]
    with open(d + "/f.txt", "w") as f:
        f.write("x")
    assert not G.IsDirectory(d + "/f.txt")
    fails(tf.errors.NotFoundError, "Could not find directory %s/f.txt" % d, G.ListDirectory,
          d + "/f.txt")
    fails(tf.errors.FailedPreconditionError, "%s/f.txt is not a directory" % d, G.MakeDirs,
          d + "/f.txt/sub")
    G.DeleteRecursively(d)
    assert not G.Exists(d)
    fails(tf.errors.NotFoundError, "%s not found" % d, G.DeleteRecursively, d)


def test_gfile_text_and_bytes(tmp_path):
    path = str(tmp_path / "x.txt")
    with G.GFile(path, "w") as f:
        assert (f.name, f.mode) == (path, "w")
        assert f.write("line1\nline2\n") is None
        f.write("héllo\n")
    with G.GFile(path) as f:
        assert f.readline() == "line1\n"
        assert f.read(3) == "lin"
        assert f.tell() == 9 and f.size() == 19
        assert f.read() == "e2\nhéllo\n"
        assert f.read() == "" and f.readline() == ""
    assert G.GFile(path, "r").readlines() == ["line1\n", "line2\n", "héllo\n"]
    assert list(G.GFile(path)) == ["line1\n", "line2\n", "héllo\n"]
    assert G.GFile(path, "rb").read() == b"line1\nline2\nh\xc3\xa9llo\n"
    assert list(G.Open(path, "rb")) == [b"line1\n", b"line2\n", b"h\xc3\xa9llo\n"]
    assert G.FastGFile(path, "rb").readline() == b"line1\n"
    f = G.GFile(path)
    f.seek(-4, 2)
    assert f.read() == "llo\n"
    bin_path = str(tmp_path / "y.bin")
    with G.GFile(bin_path, "wb") as f:
        f.write(b"\x00\x01")
    with G.GFile(bin_path, "ab") as f:
        f.write("\x02")                   # str in binary mode: UTF-8, as TF
    assert G.GFile(bin_path, "rb").read() == b"\x00\x01\x02"


def test_gfile_opens_lazily_and_raises_tf_errors(tmp_path):
    missing = str(tmp_path / "nope.txt")
    f = G.GFile(missing)                  # no error yet, as in TF
    fails(tf.errors.NotFoundError, "%s; No such file or directory" % missing, f.read)
    nodir = str(tmp_path / "nodir" / "x.txt")
    w = G.GFile(nodir, "w")
    fails(tf.errors.NotFoundError, "%s; No such file or directory" % nodir, w.write, "x")
    with G.GFile(str(tmp_path / "never.txt"), "w"):
        pass
    assert not os.path.exists(str(tmp_path / "never.txt"))   # nothing written, no file
    fails(tf.errors.InvalidArgumentError,
          "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'", G.GFile, missing, "rw")
    fails(tf.errors.PermissionDeniedError, "File isn't open for reading",
          G.GFile(str(tmp_path / "z.txt"), "w").read)
    path = str(tmp_path / "r.txt")
    with G.GFile(path, "w") as out:
        out.write("a")
    fails(tf.errors.PermissionDeniedError, "File isn't open for writing",
          G.GFile(path).write, "q")


def test_glob_stat_copy_rename_remove_walk(tmp_path):
    d = str(tmp_path)
    G.MakeDirs(d + "/a/b")
    for name in ("x.txt", "y.bin"):
        with G.GFile(d + "/a/" + name, "w") as f:
            f.write("12345")
    assert G.Glob(d + "/a/*") == [d + "/a/b", d + "/a/x.txt", d + "/a/y.bin"]
    assert G.Glob(d + "/*/x.txt") == [d + "/a/x.txt"]
    assert G.Glob(d + "/zz/*") == []
    st = G.Stat(d + "/a/x.txt")
    assert (st.length, st.is_directory) == (5, False) and isinstance(st.mtime_nsec, int)
    assert G.Stat(d + "/a").is_directory
    fails(tf.errors.NotFoundError, "%s/m; No such file or directory" % d, G.Stat, d + "/m")
    G.MkDir(d + "/c")
    G.Copy(d + "/a/x.txt", d + "/c/x.txt")
    fails(tf.errors.AlreadyExistsError, "file already exists", G.Copy, d + "/a/x.txt",
          d + "/c/x.txt")
    G.Copy(d + "/a/y.bin", d + "/c/x.txt", overwrite=True)
    fails(tf.errors.NotFoundError, "%s/a/m; No such file or directory" % d, G.Copy,
          d + "/a/m", d + "/c/q")
    fails(tf.errors.NotFoundError, "%s/no/q; No such file or directory" % d, G.Copy,
          d + "/a/x.txt", d + "/no/q")
    G.Rename(d + "/c/x.txt", d + "/c/r.txt")
    fails(tf.errors.AlreadyExistsError, "file already exists", G.Rename, d + "/a/x.txt",
          d + "/c/r.txt")
    G.Rename(d + "/a/y.bin", d + "/c/r.txt", overwrite=True)
    fails(tf.errors.NotFoundError, "%s/a/m; No such file or directory" % d, G.Rename,
          d + "/a/m", d + "/c/r2")
    assert [(p, sorted(ds), sorted(fs)) for p, ds, fs in G.Walk(d)] in (
        [(d, ["a", "c"], []), (d + "/a", ["b"], ["x.txt"]), (d + "/a/b", [], []),
         (d + "/c", [], ["r.txt"])],
        [(d, ["a", "c"], []), (d + "/c", [], ["r.txt"]), (d + "/a", ["b"], ["x.txt"]),
         (d + "/a/b", [], [])])           # subdirectories in the file system's order
    bottom_up = [p for p, _, _ in G.Walk(d, in_order=False)]
    assert bottom_up[-1] == d and bottom_up.index(d + "/a/b") < bottom_up.index(d + "/a")
    assert list(G.Walk(d + "/missing")) == []
    G.Remove(d + "/c/r.txt")
    fails(tf.errors.NotFoundError, "%s/c/r.txt; No such file or directory" % d, G.Remove,
          d + "/c/r.txt")
    fails(tf.errors.FailedPreconditionError, "%s/a; Is a directory" % d, G.Remove, d + "/a")
    G.DeleteRecursively(d + "/a/x.txt")   # a single file too
    assert not G.Exists(d + "/a/x.txt")


def test_errors_are_op_errors_with_a_code(tmp_path):
    err = fails(tf.errors.NotFoundError, "/nonexistent/x; No such file or directory",
                G.GFile("/nonexistent/x").read)
    assert isinstance(err, tf.errors.OpError)
    assert (err.error_code, err.node_def, err.op) == (5, None, None)
